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
ML_KTAP=/tmp/ktap.demo
: > $ML_KTAP
ML_N=0
ml_check_all
bad=$(grep -c '^    not ok' $ML_KTAP)
echo "  $ML_N checks, $bad mismatches"

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
fi
echo
