#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install what the rig needs on a Debian 12 host.  QEMU comes from
# bookworm-backports through the private sources list (newer machine
# models, igb with SR-IOV); the rest from the machine's own suites
# (build-essential to lintian: make deb; no fakeroot, the package says
# Rules-Requires-Root: no).
. "$(dirname "$0")/lib.sh"

PKGS="gcc make libc6-dev bc bison flex libelf-dev libssl-dev dwarves cpio kmod xz-utils zstd
      busybox-static sparse python3 rsync socat dkms valgrind clang-14 libclang-rt-14-dev
      build-essential dpkg-dev debhelper dh-dkms bash-completion lintian"
BPO_PKGS="qemu-system-x86 qemu-utils"

stamp=$ML_CACHE/host-deps.$(echo "$PKGS $BPO_PKGS" | md5sum | cut -c1-8)
[ -e "$stamp" ] && command -v qemu-system-x86_64 >/dev/null && exit 0

[ "$(id -u)" = 0 ] || ml_die "run as root (packages are installed with apt)"
"$ML_TOP/scripts/apt-private.sh"
ml_log "host: installing build and test packages"
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086
apt-get -qq -y install --no-install-recommends $PKGS >/dev/null ||
	{ apt-get -qq update && apt-get -qq -y install --no-install-recommends $PKGS >/dev/null; }
# shellcheck disable=SC2086
ml_apt apt-get -qq -y install --no-install-recommends \
	-t bookworm-backports $BPO_PKGS >/dev/null
touch "$stamp"
