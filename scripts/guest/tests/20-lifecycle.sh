# SPDX-License-Identifier: GPL-2.0
# Accounting follows driver unbind/rebind, device remove/rescan and module
# reload, for real unmodified drivers.

ml_unbind_rebind()
{
	local drv=$1 f before

	f=$(ml_first_of "$drv")
	if [ -z "$f" ]; then
		ml_result "unbind_$drv" 1 "no function bound to $drv"
		return
	fi
	before=$(cat "$(ml_fn_dir "$f")/vectors")
	echo "$f" > "/sys/bus/pci/drivers/$drv/unbind"
	ML_DIAG=
	ml_expect_eq vectors "$(cat "$(ml_fn_dir "$f")/vectors")" 0
	ml_expect_eq driver "$(cat "$(ml_fn_dir "$f")/driver")" ""
	ml_verdict "unbind_${drv}_drops_$before"
	ml_check_all "unbound_$drv"

	echo "$f" > "/sys/bus/pci/drivers/$drv/bind"
	ml_settle
	ML_DIAG=
	ml_expect_eq driver "$(cat "$(ml_fn_dir "$f")/driver")" "$drv"
	ml_expect_eq vectors "$(cat "$(ml_fn_dir "$f")/vectors")" "$before"
	ml_verdict "rebind_$drv"
	ml_check_all "rebound_$drv"
}

ml_remove_rescan()
{
	local drv=$1 f bridge n

	f=$(ml_first_of "$drv")
	if [ -z "$f" ]; then
		ml_result "remove_$drv" 1 "no function bound to $drv"
		return
	fi
	bridge=$(ml_bridge_of "$f")
	n=$(cat "$ML_SYS/bridges/$bridge/nr_functions")
	echo 1 > "/sys/bus/pci/devices/$f/remove"
	ML_DIAG=
	[ -e "$ML_SYS/bridges/$bridge/functions/$f" ] &&
		ML_DIAG="$ML_DIAG still listed;"
	ml_expect_eq functions "$(cat "$ML_SYS/bridges/$bridge/nr_functions")" \
		$((n - 1))
	ml_verdict "remove_$drv"
	ml_check_all "removed_$drv"

	echo 1 > /sys/bus/pci/rescan
	ml_settle
	ML_DIAG=
	[ -d "$ML_SYS/bridges/$bridge/functions/$f" ] ||
		ML_DIAG="$ML_DIAG not listed again;"
	ml_expect_eq functions "$(cat "$ML_SYS/bridges/$bridge/nr_functions")" "$n"
	ml_verdict "rescan_$drv"
	ml_check_all "rescanned_$drv"
}

for drv in virtio-pci nvme e1000e; do
	ml_unbind_rebind $drv
done
for drv in nvme virtio-pci; do
	ml_remove_rescan $drv
done

# Vectors that exist before the module loads are accounted at load.
total=$(ml_total)
ml_check unload ml_unload
ml_check unload_removes_sysfs test ! -e "$ML_SYS"
ml_check reload ml_load
ml_check reload_counts_existing test "$(ml_total)" = "$total"
ml_check_all reloaded

# Unloading and loading while drivers allocate and free vectors: a
# background loop re-probes virtio-net (its probe allocates, its remove
# frees) while msi_lease goes away and comes back; nothing may crash and
# the books must match the PCI core once it is all over.
ml_churn()
{
	local f=$1 i

	for i in $(seq 20); do
		echo "$f" > /sys/bus/pci/drivers/virtio-pci/unbind
		echo "$f" > /sys/bus/pci/drivers/virtio-pci/bind
	done
}
f=$(ml_first_of virtio-pci)
ml_churn "$f" 2>/dev/null &
churn=$!
ok=0
for i in 1 2 3 4 5; do
	ml_unload && ml_load && ok=$((ok + 1))
done
wait $churn
ml_is unload_during_allocations "$ok" 5
ml_settle
ml_check_all churned
