# SPDX-License-Identifier: GPL-2.0
# The demo, run by init when booted with ml.mode=demo: load msi_lease and
# print its per-bridge accounting next to what the PCI core says.

echo
echo "== The guest's PCI host bridges and their functions (lspci view) =="
for f in /sys/bus/pci/devices/*; do
	printf '  %-14s under %-11s %s:%s  driver=%s\n' "${f##*/}" \
		"$(ml_bridge_of "${f##*/}")" "$(cut -c3- "$f/vendor")" \
		"$(cut -c3- "$f/device")" \
		"$([ -e "$f/driver" ] && basename "$(readlink "$f/driver")")"
done

echo
echo "== insmod msi_lease.ko =="
ml_load || exit 1

echo
echo "== Per host bridge accounting: /sys/kernel/msi_lease/bridges/ =="
for b in "$ML_SYS"/bridges/*; do
	echo
	printf '%s: %s functions, %s vectors (msi %s, msix %s), budget %s, free %s\n' \
		"${b##*/}" "$(cat "$b/nr_functions")" "$(cat "$b/vectors")" \
		"$(cat "$b/vectors_msi")" "$(cat "$b/vectors_msix")" \
		"$(cat "$b/budget")" "$(cat "$b/free")"
	printf '  %-14s %-10s %-5s %7s %10s  %s\n' FUNCTION DRIVER MODE VECTORS \
		MSIX_TABLE IRQS
	for f in "$b"/functions/*; do
		printf '  %-14s %-10s %-5s %7s %10s  %s\n' "${f##*/}" \
			"$(cat "$f/driver")" "$(cat "$f/mode")" "$(cat "$f/vectors")" \
			"$(cat "$f/msix_table_size")" "$(cat "$f/irqs")"
	done
done

echo
echo "== Ground truth check: every function against msi_irqs, /proc/interrupts and config space =="
ml_tally ml_check_all
echo "  $ML_N checks, $ML_BAD mismatches"

f=$(ml_first_of nvme)
if [ -n "$f" ]; then
	echo
	echo "== Unbind nvme ($f): its vectors leave the pool =="
	b=$ML_SYS/bridges/$(ml_bridge_of "$f")
	echo "  before: ${b##*/} holds $(cat "$b/vectors") vectors"
	echo "$f" > /sys/bus/pci/drivers/nvme/unbind
	echo "  after:  ${b##*/} holds $(cat "$b/vectors") vectors"
	echo "$f" > /sys/bus/pci/drivers/nvme/bind
	ml_settle
	echo "  rebound: ${b##*/} holds $(cat "$b/vectors") vectors"

	echo
	echo "== Resize nvme, a driver that knows nothing of msi_lease, through a function reset =="
	d=$(ml_fn_dir "$f")
	n=$(cat "$d/vectors")
	echo "  # msilease method $f reset; msilease resize $f 1"
	msilease method "$f" reset && msilease resize "$f" 1
	echo "  nvme holds $(cat "$d/vectors") (cap $(cat "$d/max_vectors"), wants" \
		"$(cat "$d/demand"), unmet $(cat "$d/unmet")); a read:" \
		"$(ml_nvme_io 2>&1 | tail -n 1)"
	echo "  # msilease resize $f $n"
	msilease resize "$f" "$n"
	msilease method "$f" none
	msilease cap "$f" unlimited
	echo "  # msilease top -b -n 1 ${b##*/}"
	msilease top -b -n 1 "${b##*/}" | sed 's/^/  /'
fi
echo

# The seed's FIG. 4, on host bridge 3, with the sample cooperative driver
# on four ivshmem-doorbell devices.  Lease times are scaled down: the
# seed's minutes are seconds here.
demo_step()
{
	echo
	echo "== $* =="
}

demo_cli()
{
	echo "  \$ msilease $*"
	msilease "$@" | sed 's/^/    /'
}

demo_step "FIG. 4: four cooperative devices A, B, C, D on one host bridge" \
	"(lease times scaled: 1 min in the seed = 1 s here)"
ml_fig4_load 2>/dev/null
if [ -z "$D" ]; then
	echo "  (the FIG. 4 devices are missing from this topology)"
	return 0
fi
ml_fig4_full
echo "  A=$A B=$B C=$C D=$D; budget = what is in use: nothing free"
demo_cli status
demo_cli devices "$FIG"

demo_step "C asks for 3 more vectors for 20 s; the free pool is empty," \
	"so the broker asks the other drivers (parallel negotiation)"
echo 2:60000 > "$(ml_sdir "$A")/offer"
echo none > "$(ml_sdir "$B")/offer"
echo 1:60000 > "$(ml_sdir "$D")/offer"
for f in $A $B $D; do
	echo "  lender $f answers: $(cat "$(ml_sdir "$f")/offer")" \
		"(count:ms; none = declines)"
done
dmesg -c > /dev/null
echo '3 20000' > "$(ml_sdir "$C")/borrow"
echo "  grant (policy closest, as the kernel log says):"
dmesg | sed -n 's/.*msi_lease_sample \(.*\): \(lease .*\)/    \1 \2/p'
demo_cli leases "$FIG"
echo "  groups A B C D: $(ml_groups)  (were 5 5 3 5)"

demo_step "C's device interrupts on the borrowed vectors" \
	"(the device itself rings each of its MSI-X vectors once)"
echo all > "$(ml_sdir "$C")/ring"
sleep 0.5
echo "  C's vectors: index irq interrupts lease (lease 0 = its own)"
sed 's/^/    /' "$(ml_sdir "$C")/vectors"

demo_step "The leases expire; the vectors go back to A and D"
ml_wait_leases_end
demo_cli leases "$FIG"
echo "  groups A B C D: $(ml_groups)"
echo all > "$(ml_sdir "$C")/ring"
sleep 0.5
echo "  C rings all 8 table entries again; only its own 3 vectors interrupt:"
sed 's/^/    /' "$(ml_sdir "$C")/vectors"

demo_step "[0045] counter-offers: C asks for 3 vectors for 60 min (60 s);" \
	"A offers 2 for 60, B 1 for 45, D nothing"
echo 2:60000 > "$(ml_sdir "$A")/offer"
echo 1:45000 > "$(ml_sdir "$B")/offer"
echo none > "$(ml_sdir "$D")/offer"
echo '3 60000' > "$(ml_sdir "$C")/borrow"
demo_cli leases "$FIG"
echo "  two leases: 2 vectors for 60 s from A, 1 for 45 s from B"
echo "  an administrator revokes them:"
for id in $(ml_lease_ids); do
	echo "  \$ msilease revoke $FIG $id"
	msilease revoke "$FIG" "$id"
done
demo_cli leases "$FIG"
echo "  groups A B C D: $(ml_groups)"

demo_step "Ground truth again, after all of it"
ml_tally ml_check_all
echo "  $ML_N checks, $ML_BAD mismatches"
echo unlimited > "$ML_SYS/bridges/$FIG/budget"
echo
