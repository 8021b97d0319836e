# SPDX-License-Identifier: GPL-2.0
# Re-allocating unmodified drivers through the method an administrator
# allows per function: nvme through a function reset while it keeps
# reading, igb through its channel count while its link keeps carrying
# frames, virtio-net through a rebind; channels refused on virtio-net,
# which frees nothing that way; nothing touched where the method is none.

[ -d "$ML_SYS" ] || ml_load

ml_stock_devs
ROOT=$ML_SYS/bridges/$(ml_bridge_of "$E1000E")
VNET=$(ml_virtio_net_of "$ROOT")
VF=$(ml_fn_dir "$VNET")

# ml_resize DIR N: resize the function of DIR to N vectors through the
# CLI; prints the kernel's reason if it refused.
ml_resize()
{
	local err

	err=$(msilease resize "${1##*/}" "$2" 2>&1) || {
		echo "${err##*: }"
		return 1
	}
}

# ml_channels F: combined channels of F's interface (its rx queues).
ml_channels()
{
	ls -d /sys/class/net/"$(ml_netdev "$1")"/queues/rx-* | wc -l
}

# Nothing is touched unless the administrator allowed a method.
n=$(cat "$NF/vectors")
ml_is method_default_none "$(cat "$NF/method")" \
	'[none] reset channels rebind'
ML_DIAG=
out=$(ml_resize "$NF" 1) && ML_DIAG="resize with method none took;"
ml_expect_eq "error" "$out" "Operation not permitted"
ml_expect_eq "vectors" "$(cat "$NF/vectors")" "$n"
ml_expect_eq "cap" "$(cat "$NF/max_vectors")" unlimited
ml_expect_eq "driver" "$(cat "$NF/driver")" nvme
ml_verdict method_none_touches_nothing
ml_refused "$NF/method" bogus 'reset channels' resett
ml_refused "$NF/resize" x -1 99999999999
ML_DIAG=
out=$( (echo channels > "$NF/method") 2>&1) && ML_DIAG="channels on nvme taken;"
ml_expect_eq "method" "$(cat "$NF/method")" '[none] reset channels rebind'
ml_verdict method_must_suit_driver

# nvme through a function reset, reading all along.
echo reset > "$NF/method"
ml_is method_reset_taken "$(cat "$NF/method")" 'none [reset] channels rebind'
ml_check nvme_reads_before ml_nvme_io
ml_reads_start
sleep 1
ml_check nvme_resize_down ml_resize "$NF" 1
ml_is nvme_reset_to_one "$(cat "$NF/vectors") $(cat "$NF/max_vectors")" "1 1"
ml_check nvme_reads_on_one ml_nvme_io
ml_check nvme_resize_up ml_resize "$NF" "$n"
ml_is nvme_reset_back "$(cat "$NF/vectors")" "$n"
sleep 1
ml_reads_verdict nvme_reads_through_resets
ml_check nvme_reads_after ml_nvme_io
ml_check_all nvme_resized
echo none > "$NF/method"
echo unlimited > "$NF/max_vectors"

# igb through its channel count; frames pass before, shrunk, and after.
if [ -n "$IGB" ]; then
	m=$(cat "$IF/vectors") c=$(ml_channels "$IGB")
	ml_check igb_traffic_before ml_net_traffic "$IGB" "$E1000E"
	echo channels > "$IF/method"
	ml_check igb_resize_down ml_resize "$IF" 3
	# igb without queue pairs: a vector per queue, one for link.
	ml_is igb_channels_to_three "$(cat "$IF/vectors") $(ml_channels "$IGB")" \
		"3 $((c - (m - 3) / 2))"
	ml_check igb_traffic_shrunk ml_net_traffic "$IGB" "$E1000E"
	ml_check igb_resize_up ml_resize "$IF" "$m"
	ml_is igb_channels_back "$(cat "$IF/vectors") $(ml_channels "$IGB")" \
		"$m $c"
	ml_check igb_traffic_after ml_net_traffic "$IGB" "$E1000E"
	ml_check_all igb_resized
	echo none > "$IF/method"
	echo unlimited > "$IF/max_vectors"
fi

# virtio-net changes its queues, not its vectors, on a channel change:
# refused, and nothing is left changed.  A rebind does it.
v=$(cat "$VF/vectors") c=$(ml_channels "$VNET")
echo channels > "$VF/method"
ML_DIAG=
out=$(ml_resize "$VF" 2) && ML_DIAG="channels resize of virtio-net took;"
ml_expect_eq "error" "$out" "Operation not supported"
ml_expect_eq "vectors" "$(cat "$VF/vectors")" "$v"
ml_expect_eq "channels" "$(ml_channels "$VNET")" "$c"
ml_expect_eq "cap" "$(cat "$VF/max_vectors")" unlimited
ml_verdict virtio_channels_refused_undone
echo rebind > "$VF/method"
ml_check virtio_resize_rebind ml_resize "$VF" 2
ml_settle
ml_is virtio_rebound_to_two "$(cat "$VF/vectors") $(cat "$VF/driver")" \
	"2 virtio-pci"
ml_check virtio_traffic_on_two ml_net_traffic
ml_check virtio_resize_back ml_resize "$VF" "$v"
ml_settle
ml_is virtio_rebound_back "$(cat "$VF/vectors")" "$v"
ml_check virtio_traffic_after ml_net_traffic
echo none > "$VF/method"
echo unlimited > "$VF/max_vectors"
ml_check_all resized

# Two admins at once on nvme: one resizes it down and up, the other
# flips its method and cap meanwhile.  Then a driver unbind in the middle
# of a resize.  Whatever each write got, nothing is lost: nvme comes back
# whole and reads, and every count matches the PCI core.
echo reset > "$NF/method"
(for i in 1 2 3 4 5; do
	msilease resize "$NVME" 1
	msilease resize "$NVME" "$n"
done > /dev/null 2>&1) &
for i in $(seq 20); do
	echo none > "$NF/method"
	echo reset > "$NF/method"
	echo $((i % 4)) > "$NF/max_vectors"
done
wait
echo unlimited > "$NF/max_vectors"
ml_check concurrent_admins_resize_back ml_resize "$NF" "$n"
ml_settle
ml_is concurrent_admins_nvme_whole "$(cat "$NF/vectors")" "$n"
ml_check concurrent_admins_nvme_reads ml_nvme_io
ml_check_all concurrent_admins

(msilease resize "$NVME" 1 > /dev/null 2>&1) &
sleep 0.2
echo "$NVME" > /sys/bus/pci/drivers/nvme/unbind
wait
ml_is unbind_during_resize_no_vectors "$(cat "$NF/vectors") $(cat "$NF/demand")" \
	"0 0"
echo unlimited > "$NF/max_vectors"
echo none > "$NF/method"
echo "$NVME" > /sys/bus/pci/drivers/nvme/bind
ml_settle
ml_is unbind_during_resize_nvme_back "$(cat "$NF/vectors")" "$n"
ml_check unbind_during_resize_nvme_reads ml_nvme_io
ml_check_all unbind_during_resize
