#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Fetch the kernels the rig runs on from Debian's suites, resolving the
# current version of each package at run time rather than pinning one:
#
#   stock-6.1   linux-image + headers, newest 6.1.y in bookworm(-security)
#   stock-6.12  linux-image + headers, newest 6.12.y in bookworm-backports
#   src-6.12    linux-source-6.12 (the debug kernel is built from it)
#   src-newest  linux-source-X.Y, newest in trixie-backports
#
# Everything is unpacked below $ML_CACHE/kernels/<lane>-<version>, and
# $ML_CACHE/kernels/<lane>.env records where, so later steps need no apt.
#
# Usage: fetch-kernels.sh [lane...]   (default: all four)
. "$(dirname "$0")/lib.sh"

"$ML_TOP/scripts/apt-private.sh"

DEBS=$ML_CACHE/debs
KERN=$ML_CACHE/kernels
mkdir -p "$DEBS" "$KERN"

# Newest version of package $1 whose version starts with $2.
newest_version()
{
	ml_apt apt-cache madison "$1" |
		awk -F'|' -v p="$2" '{ gsub(/ /, "", $2) }
			index($2, p) == 1 { print $2; exit }'
}

# Dependency of $1=$2 whose name starts with $3.
dep_of()
{
	ml_apt apt-cache show "$1=$2" |
		sed -n 's/^Depends: //p' | head -n 1 | tr ',' '\n' |
		sed -n "s/^ *\($3[^ ]*\).*/\1/p" | head -n 1
}

# Download package $1 (version $2) into $DEBS; prints the .deb path.
download()
{
	local f

	f=$(ls "$DEBS/$1_$(echo "$2" | sed 's/:/%3a/')"_*.deb 2>/dev/null | head -n 1)
	if [ -z "$f" ]; then
		(cd "$DEBS" && ml_apt apt-get -qq download "$1=$2" >&2)
		f=$(ls "$DEBS/$1_$(echo "$2" | sed 's/:/%3a/')"_*.deb | head -n 1)
	fi
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
		dpkg-deb -x "$deb" "$dir.tmp"
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

fetch_stock()
{
	local lane=$1 prefix=$2 ver image hdr common kbuild dir

	ver=$(newest_version linux-image-amd64 "$prefix")
	[ -n "$ver" ] || ml_die "no linux-image-amd64 $prefix.* in Debian's suites"
	image=$(dep_of linux-image-amd64 "$ver" linux-image-)
	dir=$KERN/$lane-${image#linux-image-}
	if [ ! -d "$dir" ]; then
		hdr=${image/linux-image-/linux-headers-}
		common=$(dep_of "$hdr" "$ver" linux-headers-)
		kbuild=$(dep_of "$hdr" "$ver" linux-kbuild-)
		[ -n "$common" ] && [ -n "$kbuild" ] ||
			ml_die "cannot resolve the header packages of $image"
		ml_log "fetch: $lane: $image $ver"
		unpack "$dir" "$(download "$image" "$ver")" \
			"$(download "$hdr" "$ver")" "$(download "$common" "$ver")" \
			"$(download "$kbuild" "$ver")"
		relocate_headers "$dir"
	fi
	local krel=${image#linux-image-}
	cat > "$KERN/$lane.env" <<ENV
ML_KREL=$krel
ML_KVER=$ver
ML_ROOT=$dir
ML_VMLINUZ=$dir/boot/vmlinuz-$krel
ML_MODDIR=$dir/lib/modules/$krel
ML_KDIR=$dir/usr/src/linux-headers-$krel
ENV
}

fetch_source()
{
	local lane=$1 prefix=$2 ver src dir

	ver=$(newest_version linux-source "$prefix")
	[ -n "$ver" ] || ml_die "no linux-source $prefix* in Debian's suites"
	src=$(dep_of linux-source "$ver" linux-source-)
	dir=$KERN/$lane-$ver
	if [ ! -d "$dir" ]; then
		ml_log "fetch: $lane: $src $ver"
		unpack "$dir.deb" "$(download "$src" "$ver")"
		mkdir -p "$dir.tmp"
		tar -C "$dir.tmp" --strip-components=1 \
			-xf "$dir.deb/usr/src/$src.tar.xz"
		rm -rf "$dir.deb"
		mv "$dir.tmp" "$dir"
	fi
	cat > "$KERN/$lane.env" <<ENV
ML_KVER=$ver
ML_SRC=$dir
ENV
}

lanes=${*:-stock-6.1 stock-6.12 src-6.12 src-newest}
for lane in $lanes; do
	case $lane in
	stock-6.1)	fetch_stock "$lane" 6.1. ;;
	stock-6.12)	fetch_stock "$lane" 6.12. ;;
	src-6.12)	fetch_source "$lane" 6.12. ;;
	src-newest)	fetch_source "$lane" "$(newest_version linux-source '' | cut -d. -f1-2)." ;;
	*)		ml_die "unknown lane $lane" ;;
	esac
done
