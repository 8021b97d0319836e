# SPDX-License-Identifier: GPL-2.0
# Leasing between live devices: the seed's FIG. 4 on host bridge 3 with
# four ivshmem-doorbell devices driven by the sample cooperative driver.
# Interrupts raised by the devices themselves are counted on the vectors
# the borrower bound.

ml_fig4_load
ml_is fig4_devices "$A $B $C $D" \
	"0000:41:00.0 0000:42:00.0 0000:43:00.0 0000:44:00.0"

if [ -n "$D" ]; then
	ml_fig4_full
	echo 2:60000 > "$(ml_sdir "$A")/offer"
	echo none > "$(ml_sdir "$B")/offer"
	echo 1:60000 > "$(ml_sdir "$D")/offer"
	ml_is fig4_before "$(ml_groups)" "5 5 3 5"
	ml_is fig4_pool_full "$(cat "$ML_SYS/bridges/$FIG/free")" 0
	ml_check_all fig4_before

	before=$(ml_irqs "$C")
	ml_ring "$C"
	ml_is fig4_own_vectors_interrupt $(($(ml_irqs "$C") - before)) 3

	# C asks for 3 more vectors for 20 s (long enough for the checks on
	# the debug kernel): the free pool is empty, so the broker
	# negotiates: A counter-offers 2, B declines, D offers 1.
	ml_check fig4_borrow sh -c "echo '3 20000' > $(ml_sdir "$C")/borrow"
	ml_is fig4_during "$(ml_groups)" "3 5 6 4"
	ml_is fig4_lent "$(cat "$ML_SYS/bridges/$FIG/lent")" 3
	ml_is fig4_two_leases "$(wc -l < "$ML_SYS/bridges/$FIG/leases")" 2
	ml_is fig4_c_bound_six "$(wc -l < "$(ml_sdir "$C")/vectors")" 6
	ml_check_all fig4_during

	# Vectors rung while C did not have them were left pending in the
	# device's MSI-X table and arrived when C bound them: count from here.
	before=$(ml_irqs "$C")
	lbefore=$(ml_irqs "$C" 1)
	ml_ring "$C"
	echo "    # C's vectors (index irq interrupts lease):" \
		"$(tr '\n' ';' < "$(ml_sdir "$C")/vectors")" >> "$ML_KTAP"
	ml_is fig4_borrowed_vectors_interrupt \
		$(($(ml_irqs "$C" 1) - lbefore)) 3
	ml_is fig4_all_six_interrupt $(($(ml_irqs "$C") - before)) 6

	# The leases end on their own; vectors go home.
	ml_wait_leases_end
	ml_is fig4_after "$(ml_groups)" "5 5 3 5"
	ml_is fig4_nothing_lent "$(cat "$ML_SYS/bridges/$FIG/lent")" 0
	ml_is fig4_no_leases "$(cat "$ML_SYS/bridges/$FIG/leases")" ""
	ml_check_all fig4_after

	before=$(ml_irqs "$C")
	ml_ring "$C"
	ml_is fig4_no_interrupts_after_lease $(($(ml_irqs "$C") - before)) 3
fi

# Every lease event reaches user space as a uevent on the bridge.
cat > /tmp/uevent.sh <<'UEV'
#!/bin/sh
[ -n "$MSI_LEASE_EVENT" ] && echo "$MSI_LEASE_EVENT $MSI_LEASE_ID" \
	"$MSI_LEASE_LENDER $MSI_LEASE_BORROWER $MSI_LEASE_COUNT" >> /tmp/uevents
exit 0
UEV
chmod +x /tmp/uevent.sh
: > /tmp/uevents
uevent /tmp/uevent.sh &
ueventd=$!

if [ -n "$D" ]; then
	# A borrow on this bridge never takes from another bridge: with A,
	# B and D declining, E (on pci0000:20, offering anything) is not
	# asked and the borrow fails.
	E=$(ls "$ML_SYS/bridges/pci0000:20/functions" | while read -r f; do
		[ -d "$(ml_sdir "$f")" ] && echo "$f"
	done | head -n 1)
	for f in $A $B $D; do echo none > "$(ml_sdir "$f")/offer"; done
	echo ask > "$(ml_sdir "$E")/offer"
	ml_check other_bridge_not_asked sh -c "! echo '1 4000' > $(ml_sdir "$C")/borrow"
	ml_is other_bridge_lent_nothing "$(cat "$(ml_fn_dir "$E")/lent")" 0
	ml_is other_bridge_groups "$(ml_groups)" "5 5 3 5"

	# Admin revoke: the lease ends at once, a uevent says so.
	echo ask > "$(ml_sdir "$A")/offer"
	ml_check revoke_borrow ml_borrow "$C" 2 60000
	id=$(ml_lease_ids)
	ml_check revoke_lease sh -c "echo $id > $ML_SYS/bridges/$FIG/revoke"
	ml_is revoke_groups "$(ml_groups)" "5 5 3 5"
	ml_is revoke_no_leases "$(ml_lease_ids)" ""
	ml_check revoke_twice_fails \
		sh -c "! echo $id > $ML_SYS/bridges/$FIG/revoke"
	sleep 0.5
	ml_check uevent_grant grep -q "^grant $id $A $C 2" /tmp/uevents
	ml_check uevent_revoke grep -q "^revoke $id $A $C 2" /tmp/uevents
	ml_check uevent_end grep -q "^end $id $A $C 2" /tmp/uevents
	ml_check_all revoked

	# The lender's driver unbinds mid-lease: the lease ends first, the
	# borrower unbinds the vectors, nothing is lost; back, it has what
	# the budget allows (5).  Then the borrower's driver unbinds
	# mid-lease: the lender gets its vectors back; the borrower comes
	# back clamped to what is free.  Test names start with $1.
	ml_unbind_mid_lease()
	{
		dmesg -c > /dev/null
		echo ask > "$(ml_sdir "$A")/offer"
		ml_check "${1}lender_unbind_borrow" ml_borrow "$C" 2 60000
		echo "$A" > /sys/bus/pci/drivers/msi_lease_sample/unbind
		ml_is "${1}lender_unbind_groups" "$(ml_groups)" "0 5 3 5"
		ml_is "${1}lender_unbind_no_leases" "$(ml_lease_ids)" ""
		ml_check_all "${1}lender_unbound"
		echo "$A" > /sys/bus/pci/drivers/msi_lease_sample/bind
		ml_is "${1}lender_rebind_groups" "$(ml_groups)" "5 5 3 5"

		echo ask > "$(ml_sdir "$A")/offer"
		ml_check "${1}borrower_unbind_borrow" ml_borrow "$C" 2 60000
		echo "$C" > /sys/bus/pci/drivers/msi_lease_sample/unbind
		ml_is "${1}borrower_unbind_groups" "$(ml_groups)" "5 5 0 5"
		ml_is "${1}borrower_unbind_no_leases" "$(ml_lease_ids)" ""
		ml_check_all "${1}borrower_unbound"
		echo "$C" > /sys/bus/pci/drivers/msi_lease_sample/bind
		ml_is "${1}borrower_rebind_clamped" "$(ml_groups)" "5 5 3 5"
		ml_check_all "${1}borrower_rebound"
		ml_is "${1}no_failed_bind_or_reclaim" \
			"$(dmesg | grep -c -e 'cannot bind' -e 'cannot take back')" 0
	}
	ml_unbind_mid_lease ""
	# The same with a driver that does not leave in remove(): msi_lease
	# ends its leases as it starts to unbind, before remove() frees its
	# vectors, so nothing is reclaimed on or unbound from a dead driver.
	echo N > /sys/module/msi_lease_sample/parameters/leave_in_remove
	ml_unbind_mid_lease devres_
	echo Y > /sys/module/msi_lease_sample/parameters/leave_in_remove
fi

kill $ueventd 2>/dev/null
echo unlimited > "$ML_SYS/bridges/$FIG/budget"
ml_check sample_unloads rmmod msi_lease_sample
ml_is sample_unloaded_no_leases "$(ml_lease_ids)" ""
ml_is sample_unloaded_nothing_lent "$(cat "$ML_SYS/bridges/$FIG/lent")" 0
ml_check_all sample_unloaded
