#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the Debian packages (debian/: msi-lease-dkms, msi-lease-tools) and
# check them with lintian.  The clone is never written to: the tree (less
# .git and what .gitignore names) is copied to $ML_CACHE/deb/msi-lease-VER,
# dpkg-buildpackage -b runs there, and the .debs land in $ML_CACHE/deb/.
# Prints the path of each .deb, one a line; lintian's tags go to stderr,
# and an error or a warning fails.
#
# Usage: deb.sh
. "$(dirname "$0")/lib.sh"

out=$ML_CACHE/deb
cd "$ML_TOP" || exit 1

for cmd in dpkg-buildpackage dpkg-parsechangelog dh dh_dkms \
	dh_bash-completion lintian rsync; do
	command -v "$cmd" >/dev/null ||
		ml_die "deb: no $cmd (scripts/host-deps.sh installs it)"
done

# One version: debian/changelog's, and dkms.conf's, whose copy in the
# package (debian/msi-lease-dkms.dkms) differs only in leaving the version
# to dh_dkms.
ver=$(dpkg-parsechangelog -l debian/changelog -S Version)
dkms_ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' dkms.conf)
[ "$dkms_ver" = "$ver" ] ||
	ml_die "deb: dkms.conf is version '$dkms_ver', debian/changelog $ver"
settings()
{
	grep -v -e '^#' -e '^PACKAGE_VERSION=' "$1"
}
settings dkms.conf | diff -u - <(settings debian/msi-lease-dkms.dkms) >&2 ||
	ml_die "deb: debian/msi-lease-dkms.dkms and dkms.conf differ"
grep -qx 'PACKAGE_VERSION="#MODULE_VERSION#"' debian/msi-lease-dkms.dkms ||
	ml_die "deb: debian/msi-lease-dkms.dkms: PACKAGE_VERSION is not #MODULE_VERSION#"

# What debian/msi-lease-tools.* install (dh_bash-completion would install
# a missing file's list entry as the completion itself).
for f in msilease.c msilease.8 msi-lease.conf.5 msi-lease.conf \
	60-msi-lease.rules msilease.bash-completion; do
	[ -e "tools/msilease/$f" ] || ml_die "deb: no tools/msilease/$f"
done

build=$out/msi-lease-$ver
arch=$(dpkg --print-architecture)
changes=$out/msi-lease_${ver}_$arch.changes
mkdir -p "$out"
rm -rf "$build"
rm -f "$out"/msi-lease*_*.deb "$out"/msi-lease_*.changes \
	"$out"/msi-lease_*.buildinfo "$out/build.log" "$out/lintian.log"
rsync -a --exclude .git --filter=':- .gitignore' "$ML_TOP/" "$build/"

ml_log "deb: building msi-lease $ver in $build"
start=$(date +%s)
if ! (cd "$build" && dpkg-buildpackage -b -us -uc) >"$out/build.log" 2>&1; then
	tail -n 40 "$out/build.log" >&2
	ml_die "deb: dpkg-buildpackage failed (all of it in $out/build.log)"
fi
[ -e "$changes" ] || ml_die "deb: no $changes"
ml_log "deb: built in $(($(date +%s) - start)) s"

ml_log "deb: lintian $changes"
rc=0
lintian --display-info --pedantic --fail-on error,warning "$changes" \
	>"$out/lintian.log" 2>&1 || rc=$?
cat "$out/lintian.log" >&2
[ "$rc" = 0 ] || ml_die "deb: lintian reports errors or warnings"

# The .debs of the .changes (the dbgsym package too).
debs=$(sed -n '/^Files:/,/^[^ ]/s/^ .* \([^ ]*\.deb\)$/\1/p' "$changes")
[ -n "$debs" ] || ml_die "deb: no .deb in $changes"
for d in $debs; do
	echo "$out/$d"
done
