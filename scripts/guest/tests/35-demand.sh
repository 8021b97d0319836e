# SPDX-License-Identifier: GPL-2.0
# What an administrator sees and sets per function on unmodified drivers:
# a cap on its vectors (max_vectors) that admission enforces when the
# driver allocates again, and takes nothing before; the demand its driver
# last made and what of it is unmet; each vector's interrupts over the
# idle window, and the vectors that had none; what it would borrow.

[ -d "$ML_SYS" ] || ml_load

NVME=$(ml_first_of nvme)
NF=$(ml_fn_dir "$NVME")
NCTL=$(ls -d /sys/bus/pci/devices/"$NVME"/nvme/nvme* | head -n 1)
E1000E=$(ml_first_of e1000e)
ROOT=$ML_SYS/bridges/$(ml_bridge_of "$E1000E")
VNET=$(ml_virtio_net_of "$ROOT")
VF=$(ml_fn_dir "$VNET")

# ml_nvme_reset: the controller resets; nvme frees and re-allocates its
# vectors (the path the kernel takes after an error or an admin's reset).
ml_nvme_reset()
{
	echo 1 > "$NCTL/reset_controller"
	sleep 0.5
	ml_settle
}

# Vectors with interrupts over the last window, from "interrupts".
ml_busy_vectors()
{
	awk '$3 != "-" && $3 > 0' "$1/interrupts" | wc -l
}

ml_check nvme_read_before ml_nvme_io
n=$(cat "$NF/vectors")
ml_is nvme_uncapped "$(cat "$NF/max_vectors")" unlimited
ML_DIAG=
[ "$n" -ge 2 ] || ML_DIAG="nvme has $n vectors;"
ml_expect_eq "demand met" "$(cat "$NF/unmet")" 0
ml_expect_eq "wants what it has" "$(cat "$NF/demand")" "$n"
ml_verdict nvme_demand_met

# A cap takes nothing until the driver allocates again.
echo 1 > "$NF/max_vectors"
ml_is cap_lowered_takes_nothing "$(cat "$NF/vectors")" "$n"
ml_is cap_reads_back "$(cat "$NF/max_vectors")" 1
ml_check nvme_read_capped_before_reset ml_nvme_io
ml_nvme_reset
ml_is cap_applies_at_reallocation "$(cat "$NF/vectors")" 1
ML_DIAG=
d=$(cat "$NF/demand") u=$(cat "$NF/unmet")
[ "$d" -ge 2 ] || ML_DIAG="demand $d;"
ml_expect_eq "unmet" "$u" $((d - 1))
ml_verdict capped_demand_unmet
ml_check nvme_read_capped ml_nvme_io
ml_check_all capped

echo unlimited > "$NF/max_vectors"
ml_nvme_reset
ml_is cap_lifted_vectors_back "$(cat "$NF/vectors")" "$n"
ml_is cap_lifted_demand_met "$(cat "$NF/unmet")" 0
ml_check nvme_read_uncapped ml_nvme_io

# Short of vectors on its bridge (not capped), nvme would do well to
# borrow what it lacks; with all it wants and its vectors idle (a quiet
# 1 s window), nothing.  No lease history yet: for the default minute.
echo 1000 > "$ML_SYS/idle_window_ms"
sleep 2.5
ml_is suggest_nothing_when_met "$(cat "$NF/suggest")" "0 60000"
echo 10000 > "$ML_SYS/idle_window_ms"
B=$ML_SYS/bridges/$(ml_bridge_of "$NVME")
echo $(($(cat "$B/vectors") - n + 1)) > "$B/budget"
ml_nvme_reset
ml_is suggest_unmet_demand "$(cat "$NF/vectors") $(cat "$NF/suggest")" \
	"1 $((n - 1)) 60000"
echo unlimited > "$B/budget"
ml_nvme_reset
ml_is suggest_budget_back "$(cat "$NF/vectors")" "$n"

# A cap of 0 leaves the driver INTx (virtio-net on the root bridge, where
# INTx works); its refused demand shows, and leaves with the driver.
v=$(cat "$VF/vectors")
echo 0 > "$VF/max_vectors"
ml_rebind "$VNET" virtio-pci
ml_is cap_zero_no_vectors "$(cat "$VF/vectors")" 0
ML_DIAG=
[ "$(cat "$VF/unmet")" -ge 1 ] || ML_DIAG="unmet $(cat "$VF/unmet");"
ml_expect_eq "demand is unmet" "$(cat "$VF/unmet")" "$(cat "$VF/demand")"
ml_verdict cap_zero_demand_unmet
# Refused a vector per queue, virtio-pci asks for two shared ones, then
# falls back: its demand is still the first ask, what it has uncapped.
ml_is cap_zero_demand_is_first_ask "$(cat "$VF/demand")" "$v"
echo "$VNET" > /sys/bus/pci/drivers/virtio-pci/unbind
ml_is unbound_driver_has_no_demand "$(cat "$VF/demand")" 0
echo unlimited > "$VF/max_vectors"
echo "$VNET" > /sys/bus/pci/drivers/virtio-pci/bind
ml_settle
ml_is virtio_uncapped_vectors_back "$(cat "$VF/vectors")" "$v"
ml_check_all cap_zero

ml_refused "$NF/max_vectors" x -1 99999999999 '1 2' unlimitedx
ml_refused "$ML_SYS/idle_window_ms" x -1 86400001 '5 5'

# Interrupt activity over a 1 s window: nvme's queues interrupt while it
# reads, and none does once it is quiet.
echo 1000 > "$ML_SYS/idle_window_ms"
ml_is idle_window_reads_back "$(cat "$ML_SYS/idle_window_ms")" 1000
sleep 1.2
ml_is interrupts_one_line_per_vector \
	"$(wc -l < "$NF/interrupts")" "$(cat "$NF/vectors")"
end=$(($(cut -d. -f1 /proc/uptime) + 3))
while [ "$(cut -d. -f1 /proc/uptime)" -lt $end ]; do
	ml_nvme_io > /dev/null
done
busy=$(ml_busy_vectors "$NF")
ML_DIAG=
[ "$busy" -ge 1 ] || ML_DIAG="no vector interrupted: $(tr '\n' ';' < "$NF/interrupts")"
ml_verdict reads_make_vectors_busy
ml_is busy_vectors_not_idle "$(cat "$NF/idle")" $((n - busy))
sleep 2.5
ml_is quiet_vectors_idle "$(cat "$NF/idle")" "$n"

# The counts are the kernel's: each vector's total is its line in
# /proc/interrupts (summed over CPUs), give or take what came since.
ML_DIAG=
while read -r entry irq recent total; do
	p=$(awk -v irq="$irq:" '$1 == irq { s = 0
		for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) s += $i; print s }' \
		/proc/interrupts)
	[ -n "$p" ] && [ "$p" -ge "$total" ] ||
		ML_DIAG="$ML_DIAG irq $irq: sampled $total, /proc/interrupts '$p';"
done < "$NF/interrupts"
ml_verdict interrupts_match_proc

# Sampling off: the last samples stay, nothing is judged anew.
echo 0 > "$ML_SYS/idle_window_ms"
before=$(cat "$NF/interrupts")
ml_nvme_io > /dev/null
sleep 1.2
ml_is sampling_off_keeps_samples "$(cat "$NF/interrupts")" "$before"
echo 10000 > "$ML_SYS/idle_window_ms"
ml_check_all activity
