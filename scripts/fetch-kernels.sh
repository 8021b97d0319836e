#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Fetch the kernels the rig runs on from Debian's suites, resolving the
# current version of each package at run time rather than pinning one; each
# dependency is taken at the newest version satisfying what its parent
# states (scripts/apt-resolve.sh), never at the parent's own version:
#
#   stock-6.1   linux-image + headers, newest 6.1.y in bookworm(-security)
#   stock-6.12  linux-image + headers, newest 6.12.y in bookworm-backports
#   src-6.12    linux-source-6.12 (the debug kernel is built from it)
#   src-newest  linux-source-X.Y, newest in trixie-backports
#
# Everything is unpacked below $ML_CACHE/kernels/<lane>-<version>, and
# $ML_CACHE/kernels/<lane>.env records where and which packages at which
# versions (ML_KPKGS), so later steps need no apt.  A lane that cannot be
# fetched says which package and what the archive offers instead; the
# other lanes are still fetched and the exit status is 1.
#
# Usage: fetch-kernels.sh [lane...]   (default: all four)
. "$(dirname "$0")/lib.sh"

"$ML_TOP/scripts/apt-private.sh"

. "$ML_TOP/scripts/apt-resolve.sh"

DEBS=$ML_CACHE/debs
KERN=$ML_CACHE/kernels
mkdir -p "$DEBS" "$KERN"

# Download package $1 (version $2) into $DEBS; prints the .deb path.
# Each lane runs in a subshell on the right of "||", where bash ignores
# set -e: every step checks its own result.
download()
{
	local f pat

	pat="$DEBS/$1_$(echo "$2" | sed 's/:/%3a/')_*.deb"
	f=$(ls $pat 2>/dev/null | head -n 1)
	if [ -z "$f" ]; then
		(cd "$DEBS" && ml_apt apt-get -qq download "$1=$2" >&2) ||
			ml_die "cannot download $1 $2"
		f=$(ls $pat 2>/dev/null | head -n 1)
	fi
	[ -n "$f" ] || ml_die "cannot download $1 $2"
	echo "$f"
}

# Unpack .deb files into directory $1 (kept only when complete).
unpack()
{
	local dir=$1 deb

	shift
	rm -rf "$dir.tmp"
	mkdir -p "$dir.tmp"
	for deb in "$@"; do
		dpkg-deb -x "$deb" "$dir.tmp" || ml_die "cannot unpack $deb"
	done
	mv "$dir.tmp" "$dir"
}

# Debian's header packages refer to each other with absolute paths
# (/usr/src/linux-headers-*-common, /usr/lib/linux-kbuild-*); point them
# into the private root instead so nothing is installed on the host.
relocate_headers()
{
	local root=$1 l t

	find "$root" -type l | while read -r l; do
		t=$(readlink "$l")
		case "$t" in
		/*) ln -sfn "$root$t" "$l" ;;
		esac
	done
	grep -rl --include=Makefile -e '/usr/src/' -e '/usr/lib/linux-kbuild' \
		"$root/usr/src" | while read -r l; do
		sed -i -e "s#\(^\|[ =]\)/usr/src/#\1$root/usr/src/#g" \
			-e "s#\(^\|[ =]\)/usr/lib/linux-kbuild#\1$root/usr/lib/linux-kbuild#g" "$l"
	done
}

# write_env LANE < TEXT: the lane's env file, replaced in one step: lanes
# that share kernels/ (a second cache with it symlinked) never see it
# missing or half written.
write_env()
{
	cat > "$KERN/$1.env.$$" && mv "$KERN/$1.env.$$" "$KERN/$1.env"
}

# fetch_stock LANE PREFIX: a Debian kernel image and its headers.
fetch_stock()
{
	local lane=$1 res krel pkgs dir p debs=()

	res=$(apt_stock_kernel "$2" 2>&1) || ml_die "$lane: $res"
	krel=${res%%$'\n'*} pkgs=${res#*$'\n'}
	dir=$KERN/$lane-$krel-$(echo "$pkgs" | md5sum | cut -c1-8)
	if [ ! -d "$dir" ]; then
		ml_log "fetch: $lane: $pkgs"
		for p in $pkgs; do
			debs+=("$(download "${p%%=*}" "${p#*=}")") || exit 1
		done
		unpack "$dir" "${debs[@]}"
		relocate_headers "$dir"
	fi
	p=${pkgs%% *}
	write_env "$lane" <<ENV
ML_KREL=$krel
ML_KVER=${p#*=}
ML_KPKGS="$pkgs"
ML_ROOT=$dir
ML_VMLINUZ=$dir/boot/vmlinuz-$krel
ML_MODDIR=$dir/lib/modules/$krel
ML_KDIR=$dir/usr/src/linux-headers-$krel
ENV
}

# fetch_source LANE PREFIX: a Debian linux-source tree, unpacked.
fetch_source()
{
	local lane=$1 pkg src ver dir deb

	pkg=$(apt_source_kernel "$2" 2>&1) || ml_die "$lane: $pkg"
	src=${pkg%%=*} ver=${pkg#*=}
	dir=$KERN/$lane-$ver
	if [ ! -d "$dir" ]; then
		ml_log "fetch: $lane: $pkg"
		deb=$(download "$src" "$ver") || exit 1
		unpack "$dir.deb" "$deb"
		rm -rf "$dir.tmp"
		mkdir -p "$dir.tmp"
		tar -C "$dir.tmp" --strip-components=1 \
			-xf "$dir.deb/usr/src/$src.tar.xz" ||
			ml_die "cannot unpack $src.tar.xz"
		rm -rf "$dir.deb"
		mv "$dir.tmp" "$dir"
	fi
	write_env "$lane" <<ENV
ML_KVER=$ver
ML_KPKGS="$pkg"
ML_SRC=$dir
ENV
}

# A lane that cannot be fetched is reported and skipped; the others still
# come, and the exit status says that one failed.
status=0
lanes=${*:-stock-6.1 stock-6.12 src-6.12 src-newest}
for lane in $lanes; do
	case $lane in
	stock-6.1)	(fetch_stock "$lane" 6.1.) ;;
	stock-6.12)	(fetch_stock "$lane" 6.12.) ;;
	src-6.12)	(fetch_source "$lane" 6.12.) ;;
	src-newest)	(fetch_source "$lane" \
				"$(apt_versions linux-source | head -n 1 | cut -d. -f1-2).") ;;
	*)		ml_log "fetch: unknown lane $lane"; false ;;
	esac || {
		# No stale answer: a lane that fails today has no env file.
		rm -f "$KERN/$lane.env"
		ml_log "fetch: $lane: FAILED (see above)"
		status=1
	}
done
exit $status
