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
"$ML_TOP/scripts/fetch-kernels.sh"
# The static lane builds against every kernel: have them all first.  A
# kernel that fails to build fails its lanes below, not the whole run.
for k in debug newest; do
	"$ML_TOP/scripts/build-kernel.sh" "$k" || true
done
ml_log "check: kernels ready after $(($(date +%s) - t0)) s"

passed=0 failed=0 skipped=0
tally()
{
	local name=$1 file=$2 p f s

	if [ -r "$file" ] && read -r p f s < "$file"; then
		passed=$((passed + p)) failed=$((failed + f))
		skipped=$((skipped + s))
	else
		echo "FAIL $name: produced no result"
		failed=$((failed + 1))
	fi
}

lanes=${ML_LANES:-static stock-6.1 stock-6.12 debug newest}
for lane in $lanes; do
	t=$(date +%s)
	counts=$ML_CACHE/runs/$lane/counts
	mkdir -p "$ML_CACHE/runs/$lane"
	rm -f "$counts"
	ml_log "check: lane $lane"
	if [ "$lane" = static ]; then
		"$ML_TOP/scripts/static-checks.sh" "$counts" || true
	else
		"$ML_TOP/scripts/run-lane.sh" "$lane" || true
	fi
	tally "$lane" "$counts"
	ml_log "check: lane $lane took $(($(date +%s) - t)) s"
done

ml_log "check: all lanes took $(($(date +%s) - t0)) s"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
