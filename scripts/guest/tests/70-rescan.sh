# SPDX-License-Identifier: GPL-2.0
# Remove and re-add a function with a lease live on it, over and over,
# through the PCI core (/sys/bus/pci/devices/*/remove, then a rescan):
# half the cycles remove the lender, half the borrower.  After every
# cycle the lease has ended, every device is back to its own vectors and
# the broker agrees with the PCI core.

ml_fig4_load
ml_param rescan_cycles 50

# ml_rescan_cycle F: remove F mid-lease (C borrowing 2 from A), rescan,
# wait for the sample driver to be back on F.
ml_rescan_cycle()
{
	ml_borrow "$C" 2 60000 || return 1
	echo 1 > "/sys/bus/pci/devices/$1/remove"
	ml_gone "$1" || return 1
	echo 1 > /sys/bus/pci/rescan
	for _ in $(seq 100); do
		[ -d "$(ml_sdir "$1")" ] && break
		sleep 0.1
	done
	ml_settle
	[ -d "$(ml_sdir "$1")" ]
}

if [ -n "$D" ]; then
	ml_fig4_full
	for f in $B $D; do echo none > "$(ml_sdir "$f")/offer"; done
	fails=0 i=0
	while [ $i -lt "$ML_RESCAN_CYCLES" ]; do
		i=$((i + 1))
		if [ $((i % 2)) = 1 ]; then f=$A; else f=$C; fi
		ML_DIAG=
		ml_rescan_cycle "$f" || ML_DIAG="cycle $i: $f did not come back;"
		ml_expect_eq "cycle $i groups" "$(ml_groups)" "5 5 3 5"
		ml_expect_eq "cycle $i leases" "$(ml_lease_ids)" ""
		ml_truth_ok || ML_DIAG="$ML_DIAG cycle $i: truth mismatch;"
		[ -n "$ML_DIAG" ] && fails=$((fails + 1))
		ml_verdict "rescan_cycle_$i"
	done
	echo "    # rescan: $i cycles, $fails failed" >> "$ML_KTAP"
	ml_scale cycles.rescan "$i"
	ml_check_all rescan_after
	echo unlimited > "$ML_SYS/bridges/$FIG/budget"
	for f in $B $D; do echo ask > "$(ml_sdir "$f")/offer"; done
fi
