#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make check: every test of the project, on every kernel lane.
#
#   static      checkpatch --strict, kernel-doc, sparse + W=1 per lane
#   stock-6.1   Debian 12 kernel: accounting and lifecycle suites
#   stock-6.12  Debian 6.12 kernel: same
#   debug       6.12 + KASAN/lockdep/kmemleak: same, plus KUnit, splat and
#               leak checks
#   newest      newest Debian linux-source: build, boot, load, all suites
#
# Ends with "N passed, M failed"; exits non-zero on any failure or on a
# lane that produced no result.  ML_LANES="..." runs a subset.
. "$(dirname "$0")/lib.sh"

t0=$(date +%s)
"$ML_TOP/scripts/host-deps.sh"
# A lane whose kernel cannot be fetched is reported here and fails below;
# the others still run.
"$ML_TOP/scripts/fetch-kernels.sh" || true
# The static lane builds against every kernel: have them all first.  A
# kernel that fails to build fails its lanes below, not the whole run.
for k in debug newest; do
	"$ML_TOP/scripts/build-kernel.sh" "$k" || true
done
ml_log "check: kernels ready after $(($(date +%s) - t0)) s"

passed=0 failed=0 skipped=0 summary= scales=
# tally LANE RUNDIR SECONDS: add the lane's counts, note its line of the
# summary (counts, time, the exact kernel it ran).
tally()
{
	local name=$1 run=$2 p f s kernel

	if [ -r "$run/counts" ] && read -r p f s < "$run/counts"; then
		passed=$((passed + p)) failed=$((failed + f))
		skipped=$((skipped + s))
	else
		echo "FAIL $name: produced no result"
		p=0 f=1 s=0
		failed=$((failed + 1))
	fi
	kernel=$(cat "$run/kernel" 2>/dev/null || echo "no kernel (see the log)")
	[ "$name" = static ] && kernel="every lane's kernel"
	summary+=$(printf '%-11s %5s passed %3s failed %3s skipped %5s s  %s' \
		"$name" "$p" "$f" "$s" "$3" "$kernel")$'\n'
	# A lane that died (QEMU aborted) left no scale lines: the next lanes
	# must still run, so no test here may be the function's status.
	if [ -s "$run/scale" ]; then
		scales+=$(awk -v l="$name" '{ printf "%-11s %-32s %10s  %s\n", l, $1, $2, $3 }' \
			"$run/scale")$'\n'
	fi
}

lanes=${ML_LANES:-static stock-6.1 stock-6.12 debug newest}
for lane in $lanes; do
	t=$(date +%s)
	run=$ML_CACHE/runs/$lane
	counts=$run/counts
	mkdir -p "$run"
	rm -f "$counts" "$run/kernel" "$run/scale"
	ml_log "check: lane $lane"
	if [ "$lane" = static ]; then
		"$ML_TOP/scripts/static-checks.sh" "$counts" || true
	else
		"$ML_TOP/scripts/run-lane.sh" "$lane" || true
	fi
	tally "$lane" "$run" $(($(date +%s) - t))
	ml_log "check: lane $lane took $(($(date +%s) - t)) s"
done

ml_log "check: all lanes took $(($(date +%s) - t0)) s"
printf '%s' "$summary"
[ -z "$scales" ] || printf 'what ran at scale (lane, what, how many, time):\n%s' "$scales"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
