#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the module(s) for one lane, W=1, in a per-lane copy of the tree so
# lanes never share objects and the clone stays clean.  Warnings fail.
#
# Usage: build-module.sh LANE [extra make args]   (LANE has a .env file)
. "$(dirname "$0")/lib.sh"

lane=${1:?usage: build-module.sh LANE}
shift
# shellcheck disable=SC1090
. "$ML_CACHE/kernels/$lane.env"

out=$ML_CACHE/modbuild/$lane
mkdir -p "$out"
rsync -a --delete --exclude .git --exclude '*.o' --exclude '*.ko' \
	"$ML_TOP/" "$out/src/"
log=$out/build.log
if ! make -C "$ML_KDIR" M="$out/src" W=1 -j"$ML_JOBS" "$@" modules \
	>"$log" 2>&1; then
	cat "$log"
	ml_die "$lane: module build failed"
fi
if grep -E 'warning:|error:' "$log"; then
	ml_die "$lane: module build has warnings"
fi
echo "$out/src"
