#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build a guest kernel from a Debian linux-source tree:
#
#   debug   linux-source-6.12 + base.config + debug.config (KASAN, lockdep,
#           kmemleak, debugobjects, failslab, KUnit)
#   newest  newest linux-source + base.config (KUnit, no heavy checkers)
#
# The build tree is cached under $ML_CACHE/build, keyed by the kernel
# version and a hash of the config fragments, and doubles as the KDIR the
# module is built against.
#
# Usage: build-kernel.sh debug|newest
. "$(dirname "$0")/lib.sh"

lane=${1:?usage: build-kernel.sh debug|newest}
case $lane in
debug)	src_lane=src-6.12; frags="base.config debug.config" ;;
newest)	src_lane=src-newest; frags="base.config" ;;
*)	ml_die "unknown kernel lane $lane" ;;
esac

"$ML_TOP/scripts/fetch-kernels.sh" "$src_lane"
# shellcheck disable=SC1090
. "$ML_CACHE/kernels/$src_lane.env"

cfgdir=$ML_TOP/scripts/kconfig
hash=$(cd "$cfgdir" && cat $frags | md5sum | cut -c1-8)
out=$ML_CACHE/build/$lane-$ML_KVER-$hash

if [ ! -e "$out/.done" ]; then
	ml_log "kernel: building $lane ($ML_KVER, config $hash) in $out"
	rm -rf "$out"
	mkdir -p "$out"
	make -s -C "$ML_SRC" O="$out" tinyconfig >/dev/null
	(cd "$cfgdir" && KCONFIG_CONFIG="$out/.config" \
		"$ML_SRC/scripts/kconfig/merge_config.sh" -m -O "$out" \
		"$out/.config" $frags >/dev/null)
	make -s -C "$ML_SRC" O="$out" olddefconfig >/dev/null
	# merge_config only warns when Kconfig drops a wish; we fail instead.
	missing=$(cd "$cfgdir" && cat $frags | grep -E '^CONFIG_' |
		while IFS='=' read -r sym val; do
			if [ "$val" = n ]; then
				grep -q "^$sym=" "$out/.config" && echo "$sym=$val"
			else
				grep -qx "$sym=$val" "$out/.config" || echo "$sym=$val"
			fi
		done)
	[ -z "$missing" ] || ml_die "kconfig dropped: $(echo $missing)"
	make -s -C "$ML_SRC" O="$out" -j"$ML_JOBS" bzImage modules \
		>"$out/build.log" 2>&1 || { tail -n 40 "$out/build.log"; ml_die "kernel build failed"; }
	touch "$out/.done"
fi

krel=$(cat "$out/include/config/kernel.release")
# Replaced in one step: lanes sharing kernels/ never see it half written.
cat > "$ML_CACHE/kernels/$lane.env.$$" <<ENV
ML_KREL=$krel
ML_KVER=$ML_KVER
ML_KPKGS="$ML_KPKGS config=$hash"
ML_SRC=$ML_SRC
ML_KDIR=$out
ML_VMLINUZ=$out/arch/x86/boot/bzImage
ML_MODDIR=
ENV
mv "$ML_CACHE/kernels/$lane.env.$$" "$ML_CACHE/kernels/$lane.env"
