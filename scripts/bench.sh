#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench: boot the default topology and measure, in one guest run and
# side by side, (1) the allocation hooks' cost on an allocate + free
# cycle (bench module loaded without msi_lease, then with it, alternating),
# (2) moving vectors between live devices vs by re-allocating both,
# (3) a borrow + return against the same moves by hand, (4) resizing a
# stock driver (nvme) through a function reset vs through a rebind,
# with reads going on, and (5) how late leases end with 1, 100 and
# 10,000 live (KUnit suite msi_lease_expiry, kernels with KUnit); and,
# from the broker core built in user space, (6) how a borrow's cost
# grows with the number of lenders, per negotiation mode and policy, and
# (7) how much bursty demand leasing serves against a static split and
# an oracle (sim.c).  Prints ratios; no pass/fail threshold (TCG timings
# are noisy).
#
# ML_BENCH_LANES="stock-6.12 newest" by default (both have dynamic MSI-X);
# ML_BENCH_PAIRS (9), ML_BENCH_CYCLES (400) and ML_BENCH_RESIZES (5) size
# the guest's loops.
. "$(dirname "$0")/lib.sh"

"$ML_TOP/scripts/host-deps.sh"
# The broker core in user space: borrow cost against the number of
# lenders, and the utilisation simulation.
mkdir -p "$ML_CACHE/runs/bench"
make -s -C "$ML_TOP/tools/testing/msi_lease" O="$ML_CACHE/usertest" bench |
	tee "$ML_CACHE/runs/bench/core.txt" | sed -n 's/^ML-BENCH /core: /p'
# The scaling curve and the utilisation comparison, next to the table.
python3 "$ML_TOP/scripts/bench-plot.py" "$ML_CACHE/runs/bench" \
	"$ML_CACHE/runs/bench/core.txt"
for lane in ${ML_BENCH_LANES:-stock-6.12 newest}; do
	run=$ML_CACHE/runs/bench-$lane
	ml_lane_image "$lane" "$run"
	ml_log "bench: $lane ($ML_KREL)"
	"$ML_TOP/scripts/boot-qemu.sh" "$ML_VMLINUZ" "$run/initrd.gz" default \
		"$run" 900 ml.mode=bench ml.bench_pairs="${ML_BENCH_PAIRS:-9}" \
		ml.bench_cycles="${ML_BENCH_CYCLES:-400}" \
		ml.bench_resizes="${ML_BENCH_RESIZES:-5}" 2>/dev/null || true
	sed -n 's/^### ML-BENCH //p' "$run/results.log" | sed "s/^/$lane: /"
	grep -q '^### ML-BENCH hook overhead' "$run/results.log" ||
		ml_die "bench: $lane produced no result (see $run)"
done
