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

# ml_tally CMD...: run checks outside a suite (the demo): no KTAP is
# printed; ML_N is how many checks ran and ML_BAD how many failed.
ml_tally()
{
	ML_KTAP=/tmp/ktap.tally
	ML_N=0
	: > "$ML_KTAP"
	"$@"
	ML_BAD=$(grep -c '^    not ok' "$ML_KTAP" || true)
}

# ml_result NAME STATUS [DIAG...]; STATUS is 0 (pass), skip, or failure.
ml_result()
{
	local name=$1 status=$2 line

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

# ml_is NAME GOT WANT: one test, passing if GOT equals WANT.
ml_is()
{
	ML_DIAG=
	ml_expect_eq "$1" "$2" "$3"
	ml_verdict "$1"
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
	local i c n a b busy

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

# Ground truth for function $1 (see verify.c): sets T_VECTORS T_MODE
# T_MSIX_SIZE T_MSI_MAX T_DRIVER.
ml_truth()
{
	set -- $($ML_MOD/msi-lease-verify --truth "$1")
	T_VECTORS=$1 T_MODE=$2 T_MSIX_SIZE=$3 T_MSI_MAX=$4 T_DRIVER=$5
	[ "$T_DRIVER" = - ] && T_DRIVER=
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

# Every function and every bridge against ground truth (verify.c), one
# test each; $1 prefixes the test names.
ml_check_all()
{
	local line

	$ML_MOD/msi-lease-verify "$1" > /tmp/verify.out
	while read -r line; do
		case $line in
		"#"*)	echo "    $line" >> "$ML_KTAP" ;;
		ok*|"not ok"*)
			ML_N=$((ML_N + 1))
			echo "    ${line% *} $ML_N ${line##* }" >> "$ML_KTAP" ;;
		esac
	done < /tmp/verify.out
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

# FIG. 4 of the seed on host bridge 3 (pci0000:40): four ivshmem-doorbell
# functions A, B, C, D driven by the sample cooperative driver.

ml_sdir()
{
	echo "/sys/bus/pci/devices/$1/msi_lease_sample"
}

# ml_irqs F [LEASED]: interrupts counted by F's driver, on every vector
# or (LEASED=1) on borrowed ones only.
ml_irqs()
{
	local idx irq n lease t=0

	while read -r idx irq n lease; do
		[ "${2:-0}" = 1 ] && [ "$lease" = 0 ] && continue
		t=$((t + n))
	done < "$(ml_sdir "$1")/vectors"
	echo $t
}

# ml_ring F: F's device interrupts once on every vector of its table.
ml_ring()
{
	echo all > "$(ml_sdir "$1")/ring"
	sleep 0.5
}

# ml_fig4_load: msi_lease and the sample driver (5 vectors a device)
# loaded; sets FIG, A, B, C, D.
ml_fig4_load()
{
	[ -d "$ML_SYS" ] || ml_load
	[ -d /sys/module/msi_lease_sample ] ||
		ml_check sample_loads insmod "$ML_MOD/msi_lease_sample.ko" \
			own_vectors=5
	ml_settle
	FIG=pci0000:40
	set -- $(ls "$ML_SYS/bridges/$FIG/functions" 2>/dev/null |
		while read -r f; do
			[ -d "$(ml_sdir "$f")" ] && echo "$f"
		done)
	A=$1 B=$2 C=$3 D=$4
}

# ml_fig4_full: A, B, C, D at 5, 5, 3, 5 and a budget with nothing free:
# their 18 plus the root ports' own vectors (pcieport: PME, hotplug),
# in PORTS.
ml_fig4_full()
{
	echo 3 > "$(ml_sdir "$C")/own"
	PORTS=$(($(cat "$ML_SYS/bridges/$FIG/vectors") - 18))
	echo $((PORTS + 18)) > "$ML_SYS/bridges/$FIG/budget"
}

# ml_groups: the vectors of A B C D (those still present), as msi_lease
# counts them.
ml_groups()
{
	local f out=

	for f in $A $B $C $D; do
		out="$out$(cat "$(ml_fn_dir "$f")/vectors") "
	done
	echo "${out% }"
}

# ml_borrow F COUNT MS: F borrows; fails like the write does.
ml_borrow()
{
	echo "$2 $3" > "$(ml_sdir "$1")/borrow"
}

# ml_lease_ids: ids of the FIG. 4 bridge's active leases.
ml_lease_ids()
{
	echo $(cut -d' ' -f1 < "$ML_SYS/bridges/$FIG/leases")
}

# ml_gone F: wait until function F has left the PCI bus.
ml_gone()
{
	local i

	for i in $(seq 150); do
		[ -e "/sys/bus/pci/devices/$1" ] || return 0
		sleep 0.2
	done
	return 1
}

# ml_wait_leases_end: wait until the FIG. 4 bridge's leases have expired.
# Timers may fire a little late on a loaded TCG host: up to 10 s past the
# latest expiry (KUnit's expiry_is_on_time measures accuracy).
ml_wait_leases_end()
{
	local left i

	left=$(cut -d' ' -f5 < "$ML_SYS/bridges/$FIG/leases" | sort -n |
		tail -n 1)
	sleep $((${left:-0} / 1000))
	for i in $(seq 100); do
		[ -z "$(cat "$ML_SYS/bridges/$FIG/leases")" ] && return 0
		sleep 0.1
	done
	return 1
}

# ml_scale KEY COUNT: a figure of the scale tests (cycles run, say) on the
# results port, as "### ML-SCALE KEY COUNT", outside the KTAP documents.
ml_scale()
{
	echo "### ML-SCALE $1 $2"
}

# ml_truth_ok: verify.c finds no mismatch on any function or bridge.
ml_truth_ok()
{
	! $ML_MOD/msi-lease-verify truth | grep -q '^not ok'
}

# ml_expect_truth LABEL: like ml_expect_eq, for verify.c's whole check:
# its mismatches (names and first reasons) go into ML_DIAG.
ml_expect_truth()
{
	local out

	out=$($ML_MOD/msi-lease-verify "$1")
	echo "$out" | grep -q '^not ok' || return 0
	ML_DIAG="$ML_DIAG $1: truth mismatch:$(echo "$out" |
		sed -n 's/^not ok / /p' | tr '\n' ' ')$(echo "$out" |
		grep '^#' | head -n 3 | tr '\n' ' ');"
}

# ml_wait_nr_leases N [SECONDS]: wait until the FIG. 4 bridge has N active
# leases (default: up to 20 s).
ml_wait_nr_leases()
{
	local i

	for i in $(seq $((${2:-20} * 10))); do
		[ "$(wc -l < "$ML_SYS/bridges/$FIG/leases")" = "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

# ml_rebind F DRV: unbind and bind again, so the driver allocates anew.
ml_rebind()
{
	echo "$1" > "/sys/bus/pci/drivers/$2/unbind"
	echo "$1" > "/sys/bus/pci/drivers/$2/bind"
	ml_settle
}

# ml_nvme_io: read 1 MiB from the namespace, bypassing the page cache.
ml_nvme_io()
{
	timeout 30 dd if=/dev/nvme0n1 of=/dev/null bs=4096 count=256 \
		iflag=direct
}

# ml_reads_start / ml_reads_stop: read the namespace over and over in
# the background; stop prints "<reads> <failed>".
ml_reads_start()
{
	: > /tmp/reads.ok
	: > /tmp/reads.bad
	touch /tmp/reads.run
	(while [ -e /tmp/reads.run ]; do
		if ml_nvme_io > /dev/null 2>&1; then
			echo >> /tmp/reads.ok
		else
			echo >> /tmp/reads.bad
		fi
	done) &
	READER=$!
}

ml_reads_stop()
{
	rm -f /tmp/reads.run
	wait "$READER"
	echo "$(wc -l < /tmp/reads.ok) $(wc -l < /tmp/reads.bad)"
}

# ml_reads_verdict NAME: stop the reader (ml_reads_start); NAME passes if
# it read at least three times and no read failed.
ml_reads_verdict()
{
	local r

	r=$(ml_reads_stop)
	ML_DIAG=
	[ "${r% *}" -ge 3 ] || ML_DIAG="only ${r% *} reads;"
	ml_expect_eq "failed reads" "${r#* }" 0
	ml_verdict "$1"
}

# ml_wait_no_lease BRIDGE_DIR SECONDS: wait until the bridge has no lease
# left (at most SECONDS), then for its drivers to settle.
ml_wait_no_lease()
{
	local i

	for i in $(seq $(($2 * 10))); do
		[ -z "$(cat "$1/leases")" ] && break
		sleep 0.1
	done
	sleep 1
	ml_settle
}

# ml_stock_devs: the stock drivers of host bridge 2 and its sample
# device: sets NVME NF IGB IF E1000E BR (the bridge's directory) E EF.
ml_stock_devs()
{
	NVME=$(ml_first_of nvme)
	NF=$(ml_fn_dir "$NVME")
	IGB=$(ml_first_of igb)
	IF=$(ml_fn_dir "$IGB")
	E1000E=$(ml_first_of e1000e)
	BR=$ML_SYS/bridges/$(ml_bridge_of "$NVME")
	E=$(ls "$BR/functions" | while read -r f; do
		[ -d "$(ml_sdir "$f")" ] && echo "$f"
	done | head -n 1)
	EF=$(ml_fn_dir "$E")
}

# ml_refused FILE VALUE...: writing each VALUE to FILE fails and FILE
# reads the same afterwards; one test per value, named FILE_refuses_N.
ml_refused()
{
	local file=$1 before after v i=0

	shift
	for v in "$@"; do
		i=$((i + 1))
		before=$(cat "$file" 2>/dev/null)
		ML_DIAG=
		if (printf '%s' "$v" > "$file") 2>/dev/null; then
			ML_DIAG="writing '$v' succeeded;"
		fi
		after=$(cat "$file" 2>/dev/null)
		ml_expect_eq "$(basename "$file") after '$v'" "$after" "$before"
		ml_verdict "$(basename "$file")_refuses_$i"
	done
}

# ml_virtio_net_of BRIDGE_DIR: the first virtio-net function under it.
ml_virtio_net_of()
{
	ls "$1/functions" | while read -r f; do
		[ "$(cat "$(ml_fn_dir "$f")/driver")" = virtio-pci ] && echo "$f"
	done | head -n 1
}

# ml_netdev F: the network interface of function F.
ml_netdev()
{
	ls -d /sys/bus/pci/devices/"$1"/net/* \
		/sys/bus/pci/devices/"$1"/virtio*/net/* 2>/dev/null |
		head -n 1 | xargs -r basename
}

# ml_net_traffic [F1 F2]: ARP requests from function F1's interface to
# F2's and back (default: the root bridge's virtio-net and the e1000e),
# all on QEMU's hub: each device must send and receive frames through its
# queues.  (Replies would need a second network stack: one kernel treats
# both addresses as its own.)
ml_net_traffic()
{
	local a b ra rb

	a=$(ml_netdev "${1:-$VNET}") b=$(ml_netdev "${2:-$E1000E}")
	[ -n "$a" ] && [ -n "$b" ] || return 1
	ip addr flush dev "$a"
	ip addr flush dev "$b"
	ip addr add 10.99.0.1/24 dev "$a"
	ip addr add 10.99.0.2/24 dev "$b"
	ip link set "$a" up
	ip link set "$b" up
	sleep 1
	ra=$(cat "/sys/class/net/$a/statistics/rx_packets")
	rb=$(cat "/sys/class/net/$b/statistics/rx_packets")
	arping -c 3 -w 3 -I "$a" 10.99.0.2 >/dev/null
	arping -c 3 -w 3 -I "$b" 10.99.0.1 >/dev/null
	sleep 0.5
	echo "$a rx $ra -> $(cat "/sys/class/net/$a/statistics/rx_packets")," \
		"$b rx $rb -> $(cat "/sys/class/net/$b/statistics/rx_packets")"
	[ "$(cat "/sys/class/net/$a/statistics/rx_packets")" -ge $((ra + 3)) ] &&
		[ "$(cat "/sys/class/net/$b/statistics/rx_packets")" -ge $((rb + 3)) ]
}
