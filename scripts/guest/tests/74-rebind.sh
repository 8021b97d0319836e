# SPDX-License-Identifier: GPL-2.0
# Unbind and bind the sample driver with a lease live on the function,
# over and over: odd cycles the lender (A), even cycles the borrower (C),
# every other pair of cycles with a driver that does not leave in
# remove() (msi_lease ends its leases as it starts to unbind).  After the
# unbind the lease has ended and the others hold their own vectors; after
# the bind every device is back to its own vectors, no lease remains and
# the broker agrees with the PCI core.  ml.rebind_cycles=N (default 20).

ml_fig4_load
ml_param rebind_cycles 20

drv=/sys/bus/pci/drivers/msi_lease_sample

if [ -n "$D" ]; then
	ml_fig4_full
	for f in $B $D; do echo none > "$(ml_sdir "$f")/offer"; done
	dmesg -c > /dev/null
	fails=0 i=0 t0=$(cut -d. -f1 /proc/uptime)
	while [ $i -lt "$ML_REBIND_CYCLES" ]; do
		i=$((i + 1))
		if [ $((i % 4)) -lt 2 ]; then leave=Y; else leave=N; fi
		echo $leave > /sys/module/msi_lease_sample/parameters/leave_in_remove
		if [ $((i % 2)) = 1 ]; then
			f=$A role=lender unbound="0 5 3 5"
		else
			f=$C role=borrower unbound="5 5 0 5"
		fi
		ML_DIAG=
		# A has come back offering what is asked: C borrows 2 of it.
		echo ask > "$(ml_sdir "$A")/offer"
		ml_borrow "$C" 2 60000 || ML_DIAG="$ML_DIAG borrow failed;"
		ml_expect_eq "cycle $i during" "$(ml_groups)" "3 5 5 5"
		echo "$f" > "$drv/unbind" || ML_DIAG="$ML_DIAG unbind failed;"
		ml_expect_eq "cycle $i unbound" "$(ml_groups)" "$unbound"
		ml_expect_eq "cycle $i unbound leases" "$(ml_lease_ids)" ""
		ml_expect_eq "cycle $i unbound lent" \
			"$(cat "$ML_SYS/bridges/$FIG/lent")" 0
		ml_expect_truth "cycle_${i}_unbound"
		echo "$f" > "$drv/bind" || ML_DIAG="$ML_DIAG bind failed;"
		# Back, the borrower has what the budget allows: its 3.
		ml_expect_eq "cycle $i rebound" "$(ml_groups)" "5 5 3 5"
		ml_expect_eq "cycle $i rebound leases" "$(ml_lease_ids)" ""
		ml_expect_truth "cycle_${i}_rebound"
		[ -n "$ML_DIAG" ] && fails=$((fails + 1))
		ml_verdict "rebind_cycle_${i}_$role"
	done
	echo Y > /sys/module/msi_lease_sample/parameters/leave_in_remove
	echo "    # rebind: $i cycles, $fails failed," \
		"$(($(cut -d. -f1 /proc/uptime) - t0)) s" >> "$ML_KTAP"
	ml_scale cycles.unbind "$i"
	ml_is rebind_no_failed_bind_or_reclaim \
		"$(dmesg | grep -c -e 'cannot bind' -e 'cannot take back')" 0
	ml_check_all rebind_after
	echo unlimited > "$ML_SYS/bridges/$FIG/budget"
	for f in $A $B $D; do echo ask > "$(ml_sdir "$f")/offer"; done
fi
