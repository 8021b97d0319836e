#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make demo: boot the default topology (three PCI host bridges, virtio-net,
# nvme, e1000e, igb, ivshmem-doorbell) on Debian's 6.12 kernel, load
# msi_lease, print the per-bridge accounting next to the PCI core's own
# view, then tell the seed's FIG. 4 story and the [0045] counter-offer
# story with the sample driver, each step through the msilease CLI.
#
# ML_DEMO_LANE=stock-6.1|stock-6.12|debug|newest picks another kernel.
. "$(dirname "$0")/lib.sh"

lane=${ML_DEMO_LANE:-stock-6.12}
"$ML_TOP/scripts/host-deps.sh"
run=$ML_CACHE/runs/demo-$lane
ml_lane_image "$lane" "$run"
ml_log "demo: booting Linux $ML_KREL under QEMU (TCG) with the default topology"
ML_RESULTS_STDIO=1 "$ML_TOP/scripts/boot-qemu.sh" "$ML_VMLINUZ" \
	"$run/initrd.gz" default "$run" 600 ml.mode=demo 2>/dev/null
grep -q '^  [0-9]* checks, 0 mismatches' "$run/results.log" &&
	! grep -q '^  [0-9]* checks, [1-9]' "$run/results.log" ||
	ml_die "demo: accounting did not match ground truth (see $run)"
