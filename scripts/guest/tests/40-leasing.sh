# SPDX-License-Identifier: GPL-2.0
# Leasing between live devices: the seed's FIG. 4 on host bridge 3 with
# four ivshmem-doorbell devices driven by the sample cooperative driver.
# Interrupts raised by the devices themselves are counted on the vectors
# the borrower bound.

[ -d "$ML_SYS" ] || ml_load
ml_check sample_loads insmod "$ML_MOD/msi_lease_sample.ko" own_vectors=5
ml_settle

FIG=pci0000:40
set -- $(ls "$ML_SYS/bridges/$FIG/functions" 2>/dev/null |
	while read -r f; do
		[ -d "/sys/bus/pci/devices/$f/msi_lease_sample" ] && echo "$f"
	done)
A=$1 B=$2 C=$3 D=$4
ml_is fig4_devices "$A $B $C $D" \
	"0000:41:00.0 0000:42:00.0 0000:43:00.0 0000:44:00.0"

# ml_groups: the vectors of A B C D, as msi_lease counts them.
ml_groups()
{
	local f out=

	for f in $A $B $C $D; do
		out="$out$(cat "$(ml_fn_dir "$f")/vectors") "
	done
	echo "${out% }"
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

ml_sdir()
{
	echo "/sys/bus/pci/devices/$1/msi_lease_sample"
}

if [ -n "$D" ]; then
	echo 3 > "$(ml_sdir "$C")/own"
	echo 18 > "$ML_SYS/bridges/$FIG/budget"
	echo 2:60000 > "$(ml_sdir "$A")/offer"
	echo none > "$(ml_sdir "$B")/offer"
	echo 1:60000 > "$(ml_sdir "$D")/offer"
	ml_is fig4_before "$(ml_groups)" "5 5 3 5"
	ml_is fig4_pool_full "$(cat "$ML_SYS/bridges/$FIG/free")" 0
	ml_check_all fig4_before

	before=$(ml_irqs "$C")
	ml_ring "$C"
	ml_is fig4_own_vectors_interrupt $(($(ml_irqs "$C") - before)) 3

	# C asks for 3 more vectors for 4 s: the free pool is empty, so the
	# broker negotiates: A counter-offers 2, B declines, D offers 1.
	ml_check fig4_borrow sh -c "echo '3 4000' > $(ml_sdir "$C")/borrow"
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
	ml_is fig4_borrowed_vectors_interrupt \
		$(($(ml_irqs "$C" 1) - lbefore)) 3
	ml_is fig4_all_six_interrupt $(($(ml_irqs "$C") - before)) 6

	# The lease ends on its own; vectors go home.
	sleep 4.5
	ml_is fig4_after "$(ml_groups)" "5 5 3 5"
	ml_is fig4_nothing_lent "$(cat "$ML_SYS/bridges/$FIG/lent")" 0
	ml_is fig4_no_leases "$(cat "$ML_SYS/bridges/$FIG/leases")" ""
	ml_check_all fig4_after

	before=$(ml_irqs "$C")
	ml_ring "$C"
	ml_is fig4_no_interrupts_after_lease $(($(ml_irqs "$C") - before)) 3
fi

ml_check sample_unloads rmmod msi_lease_sample
ml_check_all sample_unloaded
