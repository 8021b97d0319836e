# SPDX-License-Identifier: GPL-2.0
# Common settings for the msi-lease test rig; sourced, never run.
#
# Big artefacts (kernel packages, kernel sources and builds, initramfs
# images) live in $MSI_LEASE_CACHE, outside the clone, keyed by version and
# by a hash of the inputs that produced them.

set -euo pipefail

ML_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ML_CACHE=${MSI_LEASE_CACHE:-/var/cache/msi-lease}
ML_JOBS=${MSI_LEASE_JOBS:-$(nproc)}
ML_APT=$ML_CACHE/apt

mkdir -p "$ML_CACHE"

ml_log()
{
	printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2
}

ml_die()
{
	printf 'error: %s\n' "$*" >&2
	exit 1
}

# apt with a private sources list: the machine's own configuration is never
# touched, and the extra suites are seen only by the rig.
ml_apt()
{
	local cmd=$1

	shift
	"$cmd" -o Dir::Etc::SourceList="$ML_APT/sources.list" \
		-o Dir::Etc::SourceParts=/dev/null \
		-o Dir::State::Lists="$ML_APT/lists" \
		-o Dir::Cache="$ML_APT/cache" \
		-o Debug::NoLocking=1 -o APT::Sandbox::User=root \
		-o APT::Get::List-Cleanup=0 "$@"
}

# Is the stamp file $1 younger than $2 seconds?
ml_fresh()
{
	[ -e "$1" ] && [ $(($(date +%s) - $(stat -c %Y "$1"))) -lt "$2" ]
}

# ml_lane_image LANE RUNDIR: the lane's kernel ready (fetched or built),
# the module built against it, the initramfs in RUNDIR/initrd.gz; the
# lane's env (ML_VMLINUZ, ML_KREL, ...) is loaded into the caller.
ml_lane_image()
{
	local lane=$1 run=$2 modsrc

	case $lane in
	debug|newest)	"$ML_TOP/scripts/build-kernel.sh" "$lane" ;;
	*)		"$ML_TOP/scripts/fetch-kernels.sh" "$lane" ;;
	esac || ml_die "$lane: no kernel"
	# shellcheck disable=SC1090
	. "$ML_CACHE/kernels/$lane.env"
	mkdir -p "$run"
	modsrc=$("$ML_TOP/scripts/build-module.sh" "$lane") || exit 1
	"$ML_TOP/scripts/mkinitramfs.sh" "$lane" "$modsrc" "$run/initrd.gz" ||
		ml_die "$lane: no initramfs"
}
