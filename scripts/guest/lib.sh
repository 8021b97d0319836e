# SPDX-License-Identifier: GPL-2.0
# Guest-side test library: KTAP output, ground truth from the PCI core's
# sysfs, /proc/interrupts and config space, and msi_lease's sysfs view.

ML_SYS=/sys/kernel/msi_lease
ML_MOD=/msi_lease

# ml_param NAME DEFAULT: read ml.NAME= from the kernel command line into
# ML_<NAME>.
ml_param()
{
	local v

	v=$(tr ' ' '\n' < /proc/cmdline | sed -n "s/^ml\.$1=//p" | tr ',' ' ')
	eval "ML_$(echo "$1" | tr a-z A-Z)=\"\${v:-$2}\""
}

# KTAP: a suite is one KTAP document, buffered so its plan comes first.
ml_suite()
{
	local name=$1

	shift
	ML_KTAP=/tmp/ktap.$name
	ML_N=0
	: > "$ML_KTAP"
	"$@"
	echo "### ML-KTAP-BEGIN $name"
	echo "KTAP version 1"
	echo "1..1"
	echo "    KTAP version 1"
	echo "    # Subtest: $name"
	echo "    1..$ML_N"
	cat "$ML_KTAP"
	if grep -q '^    not ok' "$ML_KTAP"; then
		echo "not ok 1 $name"
	else
		echo "ok 1 $name"
	fi
	echo "### ML-KTAP-END $name"
}

# ml_result NAME STATUS [DIAG...]; STATUS is 0 (pass), skip, or failure.
ml_result()
{
	local name=$ML_PREFIX$1 status=$2 line

	shift 2
	ML_N=$((ML_N + 1))
	for line in "$@"; do
		echo "    # $name: $line" >> "$ML_KTAP"
	done
	case $status in
	0)	echo "    ok $ML_N $name" >> "$ML_KTAP" ;;
	skip)	echo "    ok $ML_N $name # SKIP $*" >> "$ML_KTAP" ;;
	*)	echo "    not ok $ML_N $name" >> "$ML_KTAP" ;;
	esac
}

# ml_check NAME CMD...: passes if CMD succeeds; its output is the diagnostic.
ml_check()
{
	local name=$1 out rc

	shift
	out=$("$@" 2>&1)
	rc=$?
	if [ $rc = 0 ]; then
		ml_result "$name" 0
	else
		ml_result "$name" 1 "$(echo "$out" | tail -n 5 | tr '\n' ';')"
	fi
}

# Collected mismatches of the current test, reported by ml_verdict.
ml_expect_eq()
{
	[ "$2" = "$3" ] || ML_DIAG="$ML_DIAG $1: got '$2' want '$3';"
}

ml_verdict()
{
	if [ -z "$ML_DIAG" ]; then
		ml_result "$1" 0
	else
		ml_result "$1" 1 "$ML_DIAG"
	fi
	ML_DIAG=
}

# Wait until the devices' drivers finished their setup (nvme allocates its
# I/O queue vectors from a work item after probe).
ml_settle()
{
	local i c n

	# Network drivers request their IRQs at open (e1000e): bring every
	# interface up so each allocated vector has a handler and shows in
	# /proc/interrupts.
	for n in /sys/class/net/*; do
		[ "${n##*/}" = lo ] || ip link set "${n##*/}" up 2>/dev/null
	done

	for i in $(seq 100); do
		busy=0
		for c in /sys/class/nvme/nvme*; do
			[ -e "$c/state" ] || continue
			[ "$(cat "$c/state")" = live ] || busy=1
		done
		[ $busy = 0 ] && break
		sleep 0.2
	done
	# Vector counts must be stable across two reads 200 ms apart.
	for i in $(seq 50); do
		a=$(ls /sys/bus/pci/devices/*/msi_irqs 2>/dev/null | md5sum)
		sleep 0.2
		b=$(ls /sys/bus/pci/devices/*/msi_irqs 2>/dev/null | md5sum)
		[ "$a" = "$b" ] && break
	done
}

ml_kmemleak_clear()
{
	[ -w /sys/kernel/debug/kmemleak ] &&
		echo clear > /sys/kernel/debug/kmemleak
}

ml_load()
{
	insmod $ML_MOD/msi_lease.ko
}

ml_unload()
{
	rmmod msi_lease
}

# Decode the MSI and MSI-X capabilities of function $1 straight from its
# config space: prints "msix_size msix_enabled msi_max msi_enabled msi_mme".
cfg_msi_caps()
{
	od -A n -t u1 -v -N 256 "/sys/bus/pci/devices/$1/config" | awk '
	{ for (i = 1; i <= NF; i++) b[n++] = $i }
	function w(o) { return b[o] + b[o + 1] * 256 }
	function p2(n, r) { for (r = 1; n > 0; n--) r *= 2; return r }
	END {
		xs = xe = mm = me = mme = 0
		if (int(w(6) / 16) % 2) {
			p = b[52] - b[52] % 4
			for (k = 0; p && k < 48; k++) {
				c = w(p + 2)
				if (b[p] == 17) {
					xs = c % 2048 + 1; xe = int(c / 32768)
				} else if (b[p] == 5) {
					me = c % 2; mm = p2(int(c / 2) % 8)
					mme = p2(int(c / 16) % 8)
				}
				p = b[p + 1] - b[p + 1] % 4
			}
		}
		print xs, xe, mm, me, mme
	}'
}

# Ground truth for function $1, from the PCI core and the hardware:
# sets T_VECTORS T_MODE T_MSIX_SIZE T_MSI_MAX T_DRIVER T_IRQS, and adds
# to ML_DIAG when the sources disagree with each other.
ml_truth()
{
	local d=/sys/bus/pci/devices/$1 irq modes

	T_IRQS=
	T_VECTORS=0
	if [ -d "$d/msi_irqs" ]; then
		T_IRQS=$(ls "$d/msi_irqs" | sort -n | tr '\n' ' ' | sed 's/ $//')
		T_VECTORS=$(ls "$d/msi_irqs" | wc -l)
		modes=$(cat "$d"/msi_irqs/* 2>/dev/null | sort -u | tr '\n' ' ')
	fi
	for irq in $T_IRQS; do
		grep -q "^ *$irq:" /proc/interrupts ||
			ML_DIAG="$ML_DIAG irq $irq not in /proc/interrupts;"
	done

	set -- $(cfg_msi_caps "$1")
	T_MSIX_SIZE=$1 T_MSI_MAX=$3 T_MODE=none
	[ "$2" = 1 ] && T_MODE=msix
	if [ "$4" = 1 ]; then
		T_MODE=msi
		[ "$T_VECTORS" -le "$5" ] ||
			ML_DIAG="$ML_DIAG more IRQs than MSI enables;"
	fi
	[ "$T_VECTORS" = 0 ] || [ "$modes" = "$T_MODE " ] ||
		ML_DIAG="$ML_DIAG msi_irqs modes '$modes' vs config $T_MODE;"

	T_DRIVER=
	[ -e "$d/driver" ] && T_DRIVER=$(basename "$(readlink "$d/driver")")
}

# The host bridge a function sits under: pci0000:00 from its device path.
ml_bridge_of()
{
	readlink -f "/sys/bus/pci/devices/$1" | cut -d/ -f4
}

ml_fn_dir()
{
	echo "$ML_SYS/bridges/$(ml_bridge_of "$1")/functions/$1"
}

# Compare msi_lease's view of function $1 with the ground truth.
ml_check_fn()
{
	local m

	ML_DIAG=
	m=$(ml_fn_dir "$1")
	if [ ! -d "$m" ]; then
		ml_result "fn_$1" 1 "$m missing"
		return
	fi
	ml_truth "$1"
	ml_expect_eq vectors "$(cat "$m/vectors")" "$T_VECTORS"
	ml_expect_eq mode "$(cat "$m/mode")" "$T_MODE"
	ml_expect_eq msix_table_size "$(cat "$m/msix_table_size")" "$T_MSIX_SIZE"
	ml_expect_eq msi_vectors_max "$(cat "$m/msi_vectors_max")" "$T_MSI_MAX"
	ml_expect_eq driver "$(cat "$m/driver")" "$T_DRIVER"
	ml_expect_eq irqs "$(cat "$m/irqs")" "$T_IRQS"
	ml_expect_eq device "$(readlink -f "$m/device")" \
		"$(readlink -f "/sys/bus/pci/devices/$1")"
	ml_verdict "fn_$1"
}

# Compare a bridge's totals with the sum over its functions, and its
# function list with the PCI core's.
ml_check_bridge()
{
	local b=$1 dir=$ML_SYS/bridges/$1 sum=0 msi=0 msix=0 n=0 f v want

	ML_DIAG=
	for f in "$dir"/functions/*; do
		[ -d "$f" ] || continue
		v=$(cat "$f/vectors")
		sum=$((sum + v))
		case $(cat "$f/mode") in
		msi) msi=$((msi + v)) ;;
		msix) msix=$((msix + v)) ;;
		esac
		n=$((n + 1))
	done
	want=0
	for f in /sys/bus/pci/devices/*; do
		[ "$(ml_bridge_of "$(basename "$f")")" = "$b" ] && want=$((want + 1))
	done
	ml_expect_eq nr_functions "$(cat "$dir/nr_functions")" "$want"
	ml_expect_eq listed "$n" "$want"
	ml_expect_eq vectors "$(cat "$dir/vectors")" "$sum"
	ml_expect_eq vectors_msi "$(cat "$dir/vectors_msi")" "$msi"
	ml_expect_eq vectors_msix "$(cat "$dir/vectors_msix")" "$msix"
	ml_expect_eq budget "$(cat "$dir/budget")" unlimited
	ml_expect_eq free "$(cat "$dir/free")" unlimited
	ml_expect_eq device "$(basename "$(readlink -f "$dir/device")")" "$b"
	ml_verdict "bridge_$b"
}

# Every function and every bridge; $1 prefixes the test names.
ml_check_all()
{
	local f b

	ML_PREFIX=${1:+$1_}
	for f in /sys/bus/pci/devices/*; do
		ml_check_fn "$(basename "$f")"
	done
	for b in $(ls /sys/devices | grep '^pci'); do
		ml_check_bridge "$b"
	done
	ML_PREFIX=
}

# First function bound to driver $1.
ml_first_of()
{
	ls "/sys/bus/pci/drivers/$1" 2>/dev/null | grep -m1 '^[0-9a-f]\{4\}:'
}

# Total vectors msi_lease counts on all bridges.
ml_total()
{
	local b t=0

	for b in "$ML_SYS"/bridges/*; do
		t=$((t + $(cat "$b/vectors")))
	done
	echo $t
}
