#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# One lane end to end: get its kernel, build the module against it, build
# the initramfs, boot the topology, run the guest suites, judge the run.
#
#   debug       6.12 built here with KASAN, lockdep, kmemleak, KUnit
#   stock-6.1   Debian 12's kernel
#   stock-6.12  Debian's 6.12 (bookworm-backports)
#   newest      the newest Debian linux-source, built here, with KUnit
#
# Usage: run-lane.sh LANE [TOPOLOGY] [SUITES]
# Writes $ML_CACHE/runs/LANE/{console,results}.log, counts, and kernel: the
# packages (name=version) the lane's kernel came from and its uname -r.
. "$(dirname "$0")/lib.sh"

lane=${1:?usage: run-lane.sh LANE [TOPOLOGY] [SUITES]}
topo=${2:-default}
suites=${3:-all}

# The debug kernel runs five to ten times slower: there the cycle suites
# make a few cycles each (the stock lanes make the full counts) and the
# KUnit stress 200,000 operations (a million take some 17 minutes there;
# the newest lane runs the million), while the fault walks run in full.
# Its guest took 2130 s of its 2400 once the stock-driver suites came
# (nvme resets are slow under KASAN): 3000 leaves room for a slower host.
extra=
case $lane in
debug)		tmo=3000
		extra="ml.rescan_cycles=10 ml.rebind_cycles=6 ml.reload_cycles=4
		       ml.cpu_cycles=2 ml.replug_cycles=2 ml.stress_ops=200000" ;;
newest|stock-*)	tmo=600 ;;
*)		ml_die "unknown lane $lane" ;;
esac
# kunit.py comes from the 6.12 source tree for every lane.
"$ML_TOP/scripts/fetch-kernels.sh" src-6.12
# shellcheck disable=SC1090
. "$ML_CACHE/kernels/src-6.12.env"
kunit_py=$ML_SRC/tools/testing/kunit/kunit.py

run=$ML_CACHE/runs/$lane
mkdir -p "$run"
rm -f "$run/counts" "$run/kernel"
ml_lane_image "$lane" "$run"

ml_log "$lane: booting $ML_KREL ($topo)"
"$ML_TOP/scripts/boot-qemu.sh" "$ML_VMLINUZ" "$run/initrd.gz" "$topo" \
	"$run" "$tmo" "ml.suites=$suites" $extra || true
read -r t0 t1 < "$run/walltime"
boot=$(sed -n 's/^### ML-BOOTED [^ ]* //p' "$run/results.log" 2>/dev/null)
uname_r=$(sed -n 's/^### ML-BOOTED \([^ ]*\) .*/\1/p' "$run/results.log" 2>/dev/null)
echo "$ML_KPKGS; uname -r ${uname_r:-? (no boot)}" > "$run/kernel"
ml_log "$lane: kernel $(cat "$run/kernel")"
ml_log "$lane: guest ran $(echo "$t1 - $t0" | bc | cut -d. -f1) s" \
	"(boot to init: ${boot:-?} s guest time)"

python3 "$ML_TOP/scripts/results.py" --lane "$lane" --outdir "$run" \
	--kunit-py "$kunit_py" --counts "$run/counts"
