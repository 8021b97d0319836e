# SPDX-License-Identifier: GPL-2.0
# CPUs going offline and online while leases run.  Each cycle takes one
# CPU that can go offline (cpu1; cpu0 too where the kernel lets it, in
# turn), grants from it a short lease (C borrows 2 from A) and a long
# one (B borrows 1 from D), takes the CPU offline, waits past the short
# lease's expiry (it must end and the vectors come home with the CPU
# gone), then ends the long one early: returned by the borrower on odd
# cycles, revoked (recalled) by the admin on even ones.  With the CPU
# still offline another short lease is granted, the CPU comes back
# online and that lease must expire too.  After every step the broker
# agrees with the PCI core.  ml.cpu_cycles=N (default 4),
# ml.cpu_lease_ms=MS (the short leases, default 3000).

ml_fig4_load
ml_param cpu_cycles 4
ml_param cpu_lease_ms 3000

cpus=
for c in /sys/devices/system/cpu/cpu[0-9]*; do
	[ -w "$c/online" ] && cpus="$cpus ${c##*cpu}"
done
ncpus=$(echo $cpus | wc -w)

# ml_cpu_set N 0|1: CPU N offline or online; fails if it did not go.
ml_cpu_set()
{
	echo "$2" > "/sys/devices/system/cpu/cpu$1/online" &&
		[ "$(cat "/sys/devices/system/cpu/cpu$1/online")" = "$2" ]
}

# ml_offer_only F: F offers what is asked, the other three decline.
ml_offer_only()
{
	local f

	for f in $A $B $C $D; do
		if [ "$f" = "$1" ]; then
			echo ask > "$(ml_sdir "$f")/offer"
		else
			echo none > "$(ml_sdir "$f")/offer"
		fi
	done
}

# ml_borrow_on CPU F COUNT MS: F borrows from a task on CPU (so that the
# lease's timer starts there).
ml_borrow_on()
{
	taskset -c "$1" sh -c "echo '$3 $4' > $(ml_sdir "$2")/borrow"
}

if [ -z "$D" ]; then
	:
elif [ "$ncpus" = 0 ]; then
	ml_result cpu_offline skip "no CPU can go offline"
else
	ml_fig4_full
	echo "    # CPUs that can go offline:$cpus" >> "$ML_KTAP"
	dmesg -c > /dev/null
	short=$ML_CPU_LEASE_MS
	fails=0 i=0 t0=$(cut -d. -f1 /proc/uptime)
	while [ $i -lt "$ML_CPU_CYCLES" ]; do
		i=$((i + 1))
		cpu=$(echo $cpus | cut -d' ' -f$(((i - 1) % ncpus + 1)))
		ML_DIAG=
		ml_offer_only "$A"
		ml_borrow_on "$cpu" "$C" 2 "$short" ||
			ML_DIAG="$ML_DIAG short borrow failed;"
		ml_offer_only "$D"
		ml_borrow_on "$cpu" "$B" 1 60000 ||
			ML_DIAG="$ML_DIAG long borrow failed;"
		ml_expect_eq "cycle $i during" "$(ml_groups)" "3 6 5 4"
		ml_cpu_set "$cpu" 0 || ML_DIAG="$ML_DIAG cpu$cpu did not go offline;"

		# The short lease expires with its CPU offline.
		ml_wait_nr_leases 1 $((short / 1000 + 10)) ||
			ML_DIAG="$ML_DIAG short lease did not expire;"
		ml_expect_eq "cycle $i expired" "$(ml_groups)" "5 6 3 4"
		ml_expect_truth "cycle_${i}_expired"

		# The long one ends early.
		id=$(cut -d' ' -f1 < "$(ml_sdir "$B")/leases")
		if [ $((i % 2)) = 1 ]; then
			how=returned
			echo "$id" > "$(ml_sdir "$B")/return" ||
				ML_DIAG="$ML_DIAG return $id failed;"
		else
			how=revoked
			echo "$id" > "$ML_SYS/bridges/$FIG/revoke" ||
				ML_DIAG="$ML_DIAG revoke $id failed;"
		fi
		ml_expect_eq "cycle $i $how" "$(ml_groups)" "5 5 3 5"
		ml_expect_eq "cycle $i $how leases" "$(ml_lease_ids)" ""
		ml_expect_eq "cycle $i $how lent" \
			"$(cat "$ML_SYS/bridges/$FIG/lent")" 0
		ml_expect_truth "cycle_${i}_$how"

		# A lease granted with the CPU offline expires once it is back.
		ml_offer_only "$A"
		ml_borrow "$C" 2 "$short" ||
			ML_DIAG="$ML_DIAG borrow while offline failed;"
		ml_expect_eq "cycle $i offline grant" "$(ml_groups)" "3 5 5 5"
		ml_cpu_set "$cpu" 1 || ML_DIAG="$ML_DIAG cpu$cpu did not come back;"
		ml_wait_nr_leases 0 $((short / 1000 + 10)) ||
			ML_DIAG="$ML_DIAG lease granted offline did not expire;"
		ml_expect_eq "cycle $i online" "$(ml_groups)" "5 5 3 5"
		ml_expect_eq "cycle $i online lent" \
			"$(cat "$ML_SYS/bridges/$FIG/lent")" 0
		ml_expect_truth "cycle_${i}_online"
		[ -n "$ML_DIAG" ] && fails=$((fails + 1))
		ml_verdict "cpu_cycle_${i}_cpu${cpu}_$how"
	done
	for c in $cpus; do ml_cpu_set "$c" 1; done
	echo "    # cpu: $i cycles, $fails failed," \
		"$(($(cut -d. -f1 /proc/uptime) - t0)) s" >> "$ML_KTAP"
	ml_scale cycles.cpu "$i"
	ml_is cpu_no_failed_bind_or_reclaim \
		"$(dmesg | grep -c -e 'cannot bind' -e 'cannot take back')" 0
	ml_check_all cpu_after
	echo unlimited > "$ML_SYS/bridges/$FIG/budget"
	for f in $A $B $C $D; do echo ask > "$(ml_sdir "$f")/offer"; done
fi
