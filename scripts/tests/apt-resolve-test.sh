#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The kernel fetcher's version resolver against recorded apt-cache answers;
# no network.  apt-resolve/today is what the archive answered on the day
# Debian respun linux-kbuild-6.1 (6.1.192-3 under headers 6.1.192-2); the
# other directories change a few answers of it.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../apt-resolve.sh
. "$here/../apt-resolve.sh"

fixture=today
# apt_query madison PKG | show PKG=VER, answered from the fixture, falling
# back to today's recording for what the fixture leaves as it was.
apt_query()
{
	local f

	for f in "$here/apt-resolve/$fixture/$1/$2" "$here/apt-resolve/today/$1/$2"; do
		if [ -e "$f" ]; then
			cat "$f"
			return 0
		fi
	done
	echo "N: Unable to locate package $2" >&2
	return 100
}

passed=0 failed=0
expect()
{
	local name=$1 want=$2 got=$3

	if [ "$got" = "$want" ]; then
		echo "ok $name"
		passed=$((passed + 1))
	else
		echo "not ok $name"
		printf '    want: %s\n    got:  %s\n' "$want" "$got"
		failed=$((failed + 1))
	fi
}

# Debian's ordering, not sort -V's: ~ sorts before anything.
expect satisfies_tilde yes "$(apt_satisfies 6.12.95-1~bpo12+1 '<<' 6.12.95-1 && echo yes)"
expect satisfies_respin yes "$(apt_satisfies 6.1.192-3 '>=' 6.1.192-2 && echo yes)"
expect satisfies_equal no "$(apt_satisfies 6.1.192-3 = 6.1.192-2 || echo no)"
expect versions_newest_first "6.1.192-3 6.1.176-1" \
	"$(apt_versions linux-kbuild-6.1 | paste -sd' ')"

# The respin itself: kbuild at 6.1.192-3, everything else at 6.1.192-2.
expect stock_6_1_respun_kbuild "6.1.0-56-amd64
linux-image-6.1.0-56-amd64=6.1.192-2 linux-headers-6.1.0-56-amd64=6.1.192-2 linux-headers-6.1.0-56-common=6.1.192-2 linux-kbuild-6.1=6.1.192-3" \
	"$(apt_stock_kernel 6.1.)"

expect stock_6_12_backports "6.12.95+deb12-amd64
linux-image-6.12.95+deb12-amd64=6.12.95-1~bpo12+1 linux-headers-6.12.95+deb12-amd64=6.12.95-1~bpo12+1 linux-headers-6.12.95+deb12-common=6.12.95-1~bpo12+1 linux-kbuild-6.12.95+deb12=6.12.95-1~bpo12+1" \
	"$(apt_stock_kernel 6.12.)"

# linux-source-6.12 6.12.117 is in bookworm-security, but the metapackage
# asks for the backports version the stock 6.12 lane runs.
expect source_6_12_as_named "linux-source-6.12=6.12.95-1~bpo12+1" \
	"$(apt_source_kernel 6.12.)"
expect source_newest "linux-source-7.3=7.3.4-1~bpo13+1" \
	"$(apt_source_kernel "$(apt_versions linux-source | head -n 1 | cut -d. -f1-2).")"

# Headers respun ahead of their image: the newer headers ask for an image
# version the archive lacks, so the ones matching the image are taken.
fixture=headers-respun
expect headers_follow_image "linux-headers-6.12.95+deb12-amd64=6.12.95-1~bpo12+1" \
	"$(apt_stock_kernel 6.12. | tail -n 1 | cut -d' ' -f2)"

# Nothing satisfies the constraint: fail, naming package, constraint,
# parent and what the archive offers.
fixture=kbuild-gone
err=$(apt_stock_kernel 6.1. 2>&1 >/dev/null) && st=0 || st=$?
expect unsatisfiable_fails 1 "$st"
expect unsatisfiable_says_why \
	"linux-kbuild-6.1 (>= 6.1.192-2) needed by linux-headers-6.1.0-56-amd64 6.1.192-2: the archive offers 6.1.176-1" \
	"$err"

fixture=none
err=$(apt_stock_kernel 6.3. 2>&1 >/dev/null) || true
expect missing_series_says_offers \
	"no linux-image-amd64 6.3.* in Debian's suites; the archive offers 7.3.4-1~bpo13+1 6.12.95-1~bpo12+1 6.1.192-2 6.1.176-1" \
	"$err"

echo "apt-resolve: $passed passed, $failed failed"
[ "$failed" = 0 ]
