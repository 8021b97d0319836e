# SPDX-License-Identifier: GPL-2.0
# Unload and load the sample driver with a lease live, over and over: odd
# cycles C borrows from A (the lender is unbound first), even cycles A
# borrows from D (the borrower is unbound first); every other pair of
# cycles the driver does not leave in remove().  On even cycles msi_lease
# itself is unloaded and loaded again while the sample driver is out
# (ml.reload_core=0 leaves it loaded).  After the unload no lease
# remains, nothing is lent and every function has 0 vectors; after the
# load every device is back to its own vectors; the broker agrees with
# the PCI core throughout.  ml.reload_cycles=N (default 10).

ml_fig4_load
ml_param reload_cycles 10
ml_param reload_core 1

if [ -n "$D" ]; then
	fails=0 i=0 t0=$(cut -d. -f1 /proc/uptime)
	while [ $i -lt "$ML_RELOAD_CYCLES" ]; do
		i=$((i + 1))
		ML_DIAG=
		ml_fig4_full
		if [ $((i % 2)) = 1 ]; then
			echo ask > "$(ml_sdir "$A")/offer"
			for f in $B $D; do echo none > "$(ml_sdir "$f")/offer"; done
			ml_borrow "$C" 2 60000 || ML_DIAG="$ML_DIAG borrow failed;"
			ml_expect_eq "cycle $i during" "$(ml_groups)" "3 5 5 5"
		else
			echo ask > "$(ml_sdir "$D")/offer"
			for f in $B $C; do echo none > "$(ml_sdir "$f")/offer"; done
			ml_borrow "$A" 2 60000 || ML_DIAG="$ML_DIAG borrow failed;"
			ml_expect_eq "cycle $i during" "$(ml_groups)" "7 5 3 3"
		fi
		if [ $((i % 4)) -lt 2 ]; then leave=Y; else leave=N; fi
		echo $leave > /sys/module/msi_lease_sample/parameters/leave_in_remove
		rmmod msi_lease_sample || ML_DIAG="$ML_DIAG rmmod failed;"
		ml_expect_eq "cycle $i unloaded" "$(ml_groups)" "0 0 0 0"
		ml_expect_eq "cycle $i unloaded leases" "$(ml_lease_ids)" ""
		ml_expect_eq "cycle $i unloaded lent" \
			"$(cat "$ML_SYS/bridges/$FIG/lent")" 0
		ml_expect_truth "cycle_${i}_unloaded"
		if [ $((i % 2)) = 0 ] && [ "$ML_RELOAD_CORE" != 0 ]; then
			ml_unload || ML_DIAG="$ML_DIAG msi_lease unload failed;"
			[ -e "$ML_SYS" ] && ML_DIAG="$ML_DIAG $ML_SYS still there;"
			ml_load || ML_DIAG="$ML_DIAG msi_lease load failed;"
			ml_expect_truth "cycle_${i}_core_reloaded"
		fi
		echo unlimited > "$ML_SYS/bridges/$FIG/budget"
		insmod "$ML_MOD/msi_lease_sample.ko" own_vectors=5 ||
			ML_DIAG="$ML_DIAG insmod failed;"
		ml_fig4_load
		ml_expect_eq "cycle $i loaded" "$(ml_groups)" "5 5 5 5"
		ml_expect_eq "cycle $i loaded leases" "$(ml_lease_ids)" ""
		ml_expect_truth "cycle_${i}_loaded"
		[ -n "$ML_DIAG" ] && fails=$((fails + 1))
		ml_verdict "reload_cycle_$i"
	done
	echo "    # reload: $i cycles, $fails failed," \
		"$(($(cut -d. -f1 /proc/uptime) - t0)) s" >> "$ML_KTAP"
	ml_scale cycles.module "$i"
	ml_check_all reload_after
	for f in $A $B $C $D; do echo ask > "$(ml_sdir "$f")/offer"; done
fi
