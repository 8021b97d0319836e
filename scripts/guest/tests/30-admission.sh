# SPDX-License-Identifier: GPL-2.0
# Admission of real allocations by unmodified drivers against a bridge's
# budget, and the administrator's knobs: every writable sysfs file takes
# good values and refuses bad ones without changing anything.

[ -d "$ML_SYS" ] || ml_load

NVME=$(ml_first_of nvme)
BR=$(ml_bridge_of "$NVME")
BDIR=$ML_SYS/bridges/$BR
# virtio-net and e1000e on the q35 root bridge, where INTx works (QEMU
# does not route INTx of devices behind pxb-pcie host bridges).
E1000E=$(ml_first_of e1000e)
ROOT=$ML_SYS/bridges/$(ml_bridge_of "$E1000E")
VNET=$(ml_virtio_net_of "$ROOT")

ml_check nvme_io_before ml_nvme_io
ml_check net_traffic_before ml_net_traffic

# Lowering the budget below what is in use takes nothing from anyone.
used=$(cat "$BDIR/vectors")
echo $((used - 2)) > "$BDIR/budget"
ml_is budget_below_use_keeps_vectors "$(cat "$BDIR/vectors")" "$used"
ml_is budget_below_use_no_free "$(cat "$BDIR/free")" 0
ml_check_all budget_below_use
ml_check nvme_io_over_budget ml_nvme_io

# nvme comes back with what is left: the others' vectors plus two.
n=$(cat "$(ml_fn_dir "$NVME")/vectors")
echo $((used - n + 2)) > "$BDIR/budget"
ml_rebind "$NVME" nvme
ml_is nvme_clamped_to_two "$(cat "$(ml_fn_dir "$NVME")/vectors")" 2
ml_is nvme_clamped_pool_full "$(cat "$BDIR/free")" 0
ml_check nvme_io_clamped ml_nvme_io
ml_check_all nvme_clamped

echo unlimited > "$BDIR/budget"
ml_rebind "$NVME" nvme
ml_check nvme_io_restored ml_nvme_io

# Nothing left for virtio-net: its MSI-X attempts fail, it falls back to
# INTx and still moves frames.
v=$(cat "$(ml_fn_dir "$VNET")/vectors")
echo $(($(cat "$ROOT/vectors") - v)) > "$ROOT/budget"
ml_rebind "$VNET" virtio-pci
ml_is virtio_net_refused_has_none "$(cat "$(ml_fn_dir "$VNET")/vectors")" 0
ml_is virtio_net_refused_mode "$(cat "$(ml_fn_dir "$VNET")/mode")" none
ml_check net_traffic_on_intx ml_net_traffic
ml_check_all virtio_refused

echo unlimited > "$ROOT/budget"
ml_rebind "$VNET" virtio-pci
ml_is virtio_net_restored "$(cat "$(ml_fn_dir "$VNET")/vectors")" "$v"
ml_check net_traffic_after ml_net_traffic

# Knobs: good values, then hostile ones.
echo 'budget=40 negotiation=sequential policy=priority max_lease_ms=5000' \
	> "$BDIR/settings"
ml_is settings_applied "$(cat "$BDIR/settings")" \
	'budget=40 negotiation=sequential policy=priority max_lease_ms=5000'
ml_is negotiation_shows_choice "$(cat "$BDIR/negotiation")" \
	'parallel [sequential] none'
ml_refused "$BDIR/budget" abc -1 99999999999 '1 2' 0x
ml_refused "$BDIR/negotiation" default bogus 'parallel sequential'
ml_refused "$BDIR/policy" default closest2
ml_refused "$BDIR/max_lease_ms" x -5 2199023255553
ml_refused "$BDIR/settings" 'budget=5 policy=nope' 'budget=5 bogus=1' \
	budget 'budget=5 negotiation='
ml_refused "$BDIR/revoke" abc 99 -1
echo 'budget=unlimited negotiation=parallel policy=closest max_lease_ms=0' \
	> "$BDIR/settings"

F=$(ml_fn_dir "$NVME")
echo 'cooperative=1 priority=3 floor=2 max_lend=4' > "$F/terms"
ml_is terms_applied "$(cat "$F/terms")" \
	'cooperative=1 priority=3 floor=2 max_lend=4'
ml_is term_file_agrees "$(cat "$F/priority")" 3
ml_refused "$F/cooperative" maybe 2x floor=1 'no thanks' on2 yess
ml_refused "$F/priority" x 1.5 99999999999
ml_refused "$F/floor" -1 70000 x
ml_refused "$F/max_lend" -1 70000 x
ml_refused "$F/terms" 'floor=1 bogus=2' floor=x priority
echo 'cooperative=0 priority=0 floor=0 max_lend=0' > "$F/terms"
ml_check_all knobs_done

# Two admins at once, each changing one setting, 200 times over: no
# write is lost to the other's read-modify-write.
(for i in $(seq 200); do echo $((i % 2)) > "$F/cooperative"; done) &
for i in $(seq 200); do echo $((i % 7)) > "$F/priority"; done
wait
ml_is concurrent_terms_both_kept "$(cat "$F/terms")" \
	'cooperative=0 priority=4 floor=0 max_lend=0'
(for i in $(seq 200); do echo $((i % 3 + 1)) > "$BDIR/max_lease_ms"; done) &
for i in $(seq 200); do echo $((i + 40)) > "$BDIR/budget"; done
wait
ml_is concurrent_settings_both_kept "$(cat "$BDIR/settings")" \
	'budget=240 negotiation=parallel policy=closest max_lease_ms=3'
echo 'budget=unlimited negotiation=parallel policy=closest max_lease_ms=0' \
	> "$BDIR/settings"

# Admission cannot be switched off behind msi_lease's back: its hooks are
# permanent, so the kernel refuses to disable function tracing.
if [ -e /proc/sys/kernel/ftrace_enabled ]; then
	ML_DIAG=
	(echo 0 > /proc/sys/kernel/ftrace_enabled) 2>/dev/null &&
		ML_DIAG="ftrace_enabled=0 accepted;"
	ml_expect_eq ftrace_enabled "$(cat /proc/sys/kernel/ftrace_enabled)" 1
	echo 1 > /proc/sys/kernel/ftrace_enabled 2>/dev/null
	ml_verdict ftrace_cannot_be_disabled
fi
