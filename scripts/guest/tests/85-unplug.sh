# SPDX-License-Identifier: GPL-2.0
# Hot-unplug through the QEMU monitor with leases running, first of the
# lender, then of the borrower; then unloading the sample driver with a
# lease running.  Runs late: on the debug kernel, pciehp's own unplug
# path makes lockdep report (and switch itself off), see results.py.

ml_fig4_load
if [ -n "$D" ]; then
	ml_fig4_full
	echo 2:60000 > "$(ml_sdir "$A")/offer"
	echo none > "$(ml_sdir "$B")/offer"
	echo 1:60000 > "$(ml_sdir "$D")/offer"
	ml_check unplug_borrow ml_borrow "$C" 3 60000
	ml_is unplug_groups_during "$(ml_groups)" "3 5 6 4"
	echo "### ML-HOST device_del devA"
	ml_check unplug_lender_gone ml_gone "$A"
	A=
	ml_is unplug_lender_groups "$(ml_groups)" "5 4 4"
	ml_is unplug_lender_one_lease \
		"$(wc -l < "$ML_SYS/bridges/$FIG/leases")" 1
	ml_check_all unplugged_lender
	echo "### ML-HOST device_del devC"
	ml_check unplug_borrower_gone ml_gone "$C"
	C=
	ml_is unplug_borrower_groups "$(ml_groups)" "5 5"
	ml_is unplug_borrower_no_leases "$(ml_lease_ids)" ""
	ml_check_all unplugged_borrower

	# Module unload with a lease running: nothing free, B borrows 2
	# from D.
	echo $((PORTS + 10)) > "$ML_SYS/bridges/$FIG/budget"
	echo ask > "$(ml_sdir "$D")/offer"
	ml_check unload_borrow ml_borrow "$B" 2 60000
	ml_is unload_groups_during "$(ml_groups)" "7 3"
fi
echo unlimited > "$ML_SYS/bridges/$FIG/budget"
ml_check sample_unloads rmmod msi_lease_sample
ml_is sample_unloaded_no_leases "$(ml_lease_ids)" ""
ml_is sample_unloaded_nothing_lent "$(cat "$ML_SYS/bridges/$FIG/lent")" 0
ml_check_all sample_unloaded
