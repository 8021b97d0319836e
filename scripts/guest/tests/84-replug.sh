# SPDX-License-Identifier: GPL-2.0
# Hot-unplug and hot-plug through the QEMU monitor with a lease live on
# the function, over and over: odd cycles the lender (A, devA on rpA),
# even cycles the borrower (C, devC on rpC).  C borrows 2 from A, the
# guest has the host device_del the device; once it is gone the lease
# has ended and the others hold their own vectors.  The host then plugs
# an ivshmem-doorbell back into the same root port with a fresh chardev
# to the rig's ivshmem server (@IVSHMEM@, which boot-qemu.sh replaces by
# the server's socket) and removes the old chardev; the sample driver
# binds it, it is back to its own vectors, it interrupts, no lease
# remains and the broker agrees with the PCI core.
# ml.replug_cycles=N (default 6); ml.replug_fill_fds=0 leaves out the
# QEMU workaround below (to see whether QEMU still needs it).  Runs
# after the KUnit suite, like the unplug suite: on the debug kernel
# pciehp's unplug path makes lockdep report (and switch itself off), see
# results.py.

ml_fig4_load
ml_param replug_cycles 6
ml_param replug_fill_fds 1

# ml_own_irqs F: interrupts F's driver counted on its vectors.
ml_own_irqs()
{
	local idx irq n lease t=0

	while read -r idx irq n lease; do
		t=$((t + n))
	done < "$(ml_sdir "$1")/vectors"
	echo $t
}

# ml_cfg PORT OFFSET SIZE: a PCI config space field of PORT, decimal.
ml_cfg()
{
	od -An -tu"$3" -j "$2" -N "$3" "/sys/bus/pci/devices/$1/config" |
		tr -d ' '
}

# ml_slot_off PORT: wait until the guest has powered off root port PORT's
# slot and switched its power indicator off (pciehp does so a second
# after it removed the device): QEMU finishes a device_del only then,
# and a device_add with the same id before that fails.
ml_slot_off()
{
	local cap ctl i

	cap=$(ml_cfg "$1" 52 1)
	while [ "$cap" != 0 ] && [ "$(ml_cfg "$1" "$cap" 1)" != 16 ]; do
		cap=$(ml_cfg "$1" $((cap + 1)) 1)
	done
	[ "$cap" != 0 ] || return 1
	for i in $(seq 150); do
		# Slot Control: Power Controller Control (bit 10) off,
		# Power Indicator Control (bits 9:8) off.
		ctl=$(ml_cfg "$1" $((cap + 24)) 2)
		[ $((ctl & 0x700)) = $((0x700)) ] && sleep 0.5 && return 0
		sleep 0.2
	done
	return 1
}

# ivshmem_replug_fds: QEMU's ivshmem (10.0.2 here; the code is the same
# in upstream master) leaves fd handlers behind when an ivshmem-doorbell
# goes away without KVM's irqfd (TCG): close_peer_eventfds() closes the
# device's own eventfds, but the handlers watch_vector_notifier() set on
# them (ivshmem_vector_notify, with the device's freed vector array as
# argument) stay registered.  The next file QEMU opens takes the lowest
# free descriptor, maybe one of those; once it is readable the stale
# handler runs on freed memory and QEMU crashes (here: SIGSEGV in
# object_dynamic_cast_assert() from aio_dispatch(), in the first cycle
# without this workaround).  ml_fill_fds has QEMU fill every free
# descriptor below its highest with a listening socket nobody connects
# to (never readable) before it opens anything else: more of them than
# the device had eventfds (8 for each peer of the ivshmem server) and
# memfd.  boot-qemu.sh keeps one monitor connection for the same reason;
# ivshmem-server.py does not announce departed peers for another QEMU
# bug (a double free).
ml_fill_fds()
{
	local n i

	[ "$ML_REPLUG_FILL_FDS" = 0 ] && return
	n=$(grep -l 0x1110 /sys/bus/pci/devices/*/device | wc -l)
	for i in $(seq $((8 * (n + 4) + 16))); do
		ML_PADS=$((ML_PADS + 1))
		echo "### ML-HOST chardev-add socket,id=pad$ML_PADS,path=@IVSHMEM@.$ML_PADS,abstract=on,server=on,wait=off"
	done
}

# ml_replug F NAME N: plug F back as QEMU device devNAME on root port
# rpNAME with chardev ivsNAME_rN, retried (pciehp waits 5 s after the
# attention button; a device_add that raced the end of the device_del
# fails with a duplicate id); waits for the sample driver to be back.
ml_replug()
{
	local i

	echo "### ML-HOST chardev-add socket,id=ivs$2_r$3,path=@IVSHMEM@"
	for _ in 1 2 3; do
		echo "### ML-HOST device_add ivshmem-doorbell,id=dev$2,chardev=ivs$2_r$3,vectors=8,bus=rp$2"
		for i in $(seq 150); do
			[ -d "$(ml_sdir "$1")" ] && break 2
			sleep 0.2
		done
	done
	ml_settle
	[ -d "$(ml_sdir "$1")" ]
}

if [ -n "$D" ]; then
	ml_fig4_full
	for f in $B $D; do echo none > "$(ml_sdir "$f")/offer"; done
	chA=ivsA chC=ivsC ML_PADS=0
	fails=0 i=0 t0=$(cut -d. -f1 /proc/uptime)
	while [ $i -lt "$ML_REPLUG_CYCLES" ]; do
		i=$((i + 1))
		if [ $((i % 2)) = 1 ]; then
			f=$A n=A role=lender gone="5 3 5"
		else
			f=$C n=C role=borrower gone="5 5 5"
		fi
		ML_DIAG=
		echo ask > "$(ml_sdir "$A")/offer"
		ml_borrow "$C" 2 60000 || ML_DIAG="$ML_DIAG borrow failed;"
		ml_expect_eq "cycle $i during" "$(ml_groups)" "3 5 5 5"
		port=$(basename "$(dirname "$(readlink -f "/sys/bus/pci/devices/$f")")")
		echo "### ML-HOST device_del dev$n"
		if ml_gone "$f"; then
			eval "$n="
			ml_expect_eq "cycle $i gone" "$(ml_groups)" "$gone"
			ml_expect_eq "cycle $i gone leases" "$(ml_lease_ids)" ""
			ml_expect_eq "cycle $i gone lent" \
				"$(cat "$ML_SYS/bridges/$FIG/lent")" 0
			ml_expect_truth "cycle_${i}_gone"
			eval "$n=$f"
			ml_slot_off "$port" ||
				ML_DIAG="$ML_DIAG slot of $port not powered off;"
			ml_fill_fds
			eval "old=\$ch$n"
			echo "### ML-HOST chardev-remove $old"
		else
			ML_DIAG="$ML_DIAG $f not unplugged;"
		fi
		eval "ch$n=ivs${n}_r$i"
		if ml_replug "$f" $n $i; then
			ml_expect_eq "cycle $i back" "$(ml_groups)" "5 5 3 5"
			ml_expect_eq "cycle $i back leases" "$(ml_lease_ids)" ""
			ml_expect_truth "cycle_${i}_back"
			before=$(ml_own_irqs "$f")
			echo all > "$(ml_sdir "$f")/ring"
			sleep 0.5
			ml_expect_eq "cycle $i interrupts" \
				$(($(ml_own_irqs "$f") - before)) \
				"$(wc -l < "$(ml_sdir "$f")/vectors")"
		else
			ML_DIAG="$ML_DIAG $f not plugged back;"
		fi
		[ -n "$ML_DIAG" ] && fails=$((fails + 1))
		ml_verdict "replug_cycle_${i}_$role"
	done
	echo "    # replug: $i cycles, $fails failed," \
		"$(($(cut -d. -f1 /proc/uptime) - t0)) s" >> "$ML_KTAP"
	ml_scale cycles.device_add "$i"
	ml_check_all replug_after
	echo unlimited > "$ML_SYS/bridges/$FIG/budget"
	for f in $A $B $C $D; do echo ask > "$(ml_sdir "$f")/offer"; done
fi
