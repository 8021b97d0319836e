#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the guest initramfs for one lane: busybox, the lane kernel's
# modules for the emulated devices (decompressed, with their deps), the
# project's modules, and the guest-side tests.
#
# Usage: mkinitramfs.sh LANE MODULE_BUILD_DIR OUT.cpio.gz
. "$(dirname "$0")/lib.sh"

lane=${1:?}
modsrc=${2:?}
out=${3:?}
# shellcheck disable=SC1090
. "$ML_CACHE/kernels/$lane.env"

# Drivers of the emulated devices; built in on the rig's own kernels.
GUEST_MODULES="virtio_pci virtio_net nvme e1000e igb igbvf"

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,run,etc,lib/modules,msi_lease}
cp /bin/busybox "$root/bin/busybox"
for app in sh mount; do
	ln -s busybox "$root/bin/$app"
done

if [ -n "${ML_MODDIR:-}" ]; then
	[ -e "$ML_MODDIR/modules.dep" ] || depmod -b "$ML_ROOT" "$ML_KREL"
	dst=$root/lib/modules/$ML_KREL
	mkdir -p "$dst"
	cp "$ML_MODDIR"/modules.builtin* "$ML_MODDIR/modules.order" "$dst/"
	for m in $GUEST_MODULES; do
		modprobe -d "$ML_ROOT" -S "$ML_KREL" --show-depends "$m" 2>/dev/null |
			awk '$1 == "insmod" { print $2 }'
	done | sort -u | while read -r ko; do
		rel=${ko#"$ML_MODDIR"/}
		mkdir -p "$dst/$(dirname "$rel")"
		case $ko in
		*.xz)	xz -dc "$ko" > "$dst/${rel%.xz}" ;;
		*.zst)	zstd -qdc "$ko" > "$dst/${rel%.zst}" ;;
		*)	cp "$ko" "$dst/$rel" ;;
		esac
	done
	depmod -b "$root" "$ML_KREL"
fi

cp "$modsrc"/*.ko "$root/msi_lease/"
cp -r "$ML_TOP/scripts/guest/." "$root/msi_lease/"
rm "$root/msi_lease/verify.c"
mv "$root/msi_lease/init" "$root/init"
gcc -static -O2 -Wall -Wextra -Werror -Wno-format-truncation \
	-o "$root/msi_lease/msi-lease-verify" "$ML_TOP/scripts/guest/verify.c"
gcc -static -O2 -Wall -Wextra -Werror \
	-o "$root/bin/msilease" "$ML_TOP/tools/msilease/msilease.c"
# Where the package's udev rules run it from, and the rules themselves.
mkdir -p "$root/usr/sbin"
ln -s /bin/msilease "$root/usr/sbin/msilease"
cp "$ML_TOP/tools/msilease/60-msi-lease.rules" "$root/msi_lease/"
chmod +x "$root/init"

(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$out.tmp"
mv "$out.tmp" "$out"
