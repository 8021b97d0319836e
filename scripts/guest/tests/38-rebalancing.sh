# SPDX-License-Identifier: GPL-2.0
# The rebalance policy moves vectors between unmodified drivers by
# itself: nvme, admitted short under a tight budget, is grown through a
# reset with idle vectors of igb's, which shrinks through its channels;
# the namespace reads and igb's link carries frames all along; at the
# lease's end both go back the same way.  Nothing moves with the policy
# off, and nothing from a function whose method or terms say no.  An
# allocation short of free vectors borrows before it is clamped ([0057]).

ml_fig4_load
ml_stock_devs
n=$(cat "$NF/vectors")
m=$(cat "$IF/vectors")
settings=$(cat "$BR/settings")
nterms=$(cat "$NF/terms")
iterms=$(cat "$IF/terms")

# ml_revoke_all: end the bridge's leases now.
ml_revoke_all()
{
	local id rest

	while read -r id rest; do
		echo "$id" > "$BR/revoke"
	done < "$BR/leases"
}

# ml_leases_of F: the bridge's leases borrowed by F, as "lender count".
ml_leases_of()
{
	local id lender borrower count left

	while read -r id lender borrower count left; do
		[ "$borrower" = "$1" ] && echo "$lender $count"
	done < "$BR/leases"
}

# Two vectors short of what the bridge has: nvme, reset, gets two fewer
# than it asks for; then nothing is free.
echo 1000 > "$ML_SYS/idle_window_ms"
echo none > "$(ml_sdir "$E")/offer"
echo reset > "$NF/method"
echo "budget=$(($(cat "$BR/vectors") - 2)) max_lease_ms=60000" > \
	"$BR/settings"
msilease resize "$NVME" "$n" > /dev/null 2>&1
ml_settle
ml_is rebalance_nvme_short "$(cat "$NF/vectors") $(cat "$NF/unmet")" \
	"$((n - 2)) 2"
ml_is rebalance_pool_full "$(cat "$BR/free")" 0
ml_check rebalance_nvme_reads_short ml_nvme_io

# igb may lend through its channels; with the policy off nothing moves.
# Its link is down until the move: with the link up, igb's watchdog
# makes every queue vector interrupt every 2 s, so no vector of its would
# be idle over most windows, and a stock lender lends only idle ones.
echo channels > "$IF/method"
echo "cooperative=1 priority=0 floor=1 max_lend=4" > "$IF/terms"
ml_check rebalance_igb_traffic_before ml_net_traffic "$IGB" "$E1000E"
ip link set "$(ml_netdev "$IGB")" down
sleep 4
ml_is rebalance_off_moves_nothing "$(cat "$BR/leases")" ""

# On: within a few windows nvme borrows two of igb's idle vectors.
ml_reads_start
echo 1 > "$BR/rebalance"
for i in $(seq 150); do
	[ -n "$(ml_leases_of "$NVME")" ] && break
	sleep 0.1
done
echo 0 > "$BR/rebalance"
ml_is rebalance_lease "$(ml_leases_of "$NVME")" "$IGB 2"
ml_is rebalance_nvme_grown "$(cat "$NF/vectors") $(cat "$NF/borrowed")" \
	"$n 2"
ml_is rebalance_igb_shrunk "$(cat "$IF/vectors") $(cat "$IF/lent")" \
	"$((m - 2)) 2"
ml_check rebalance_igb_traffic_lent ml_net_traffic "$IGB" "$E1000E"
ml_check rebalance_nvme_reads_grown ml_nvme_io
ml_check_all rebalance_moved

# At the lease's end (revoked here: a slow guest may still be checking
# when a short one expires), nvme shrinks and igb grows back.
ml_revoke_all
ml_wait_no_lease "$BR" 30
ml_is rebalance_nvme_back "$(cat "$NF/vectors") $(cat "$NF/borrowed")" \
	"$((n - 2)) 0"
ml_is rebalance_igb_back "$(cat "$IF/vectors") $(cat "$IF/lent")" "$m 0"
ml_reads_verdict rebalance_nvme_reads_throughout
ml_check rebalance_igb_traffic_after ml_net_traffic "$IGB" "$E1000E"
ml_check_all rebalance_ended

# [0057]: an allocation that finds too few free vectors borrows from
# lenders before it is clamped.  nvme, two short, re-allocates (resized
# to all it had): igb lends two at once, and nvme's allocation takes
# them; at the lease's end they go back.
ip link set "$(ml_netdev "$IGB")" down
sleep 3
ml_check short_alloc_resize msilease resize "$NVME" "$n"
ml_is short_alloc_borrowed "$(ml_leases_of "$NVME")" "$IGB 2"
ml_is short_alloc_nvme "$(cat "$NF/vectors") $(cat "$NF/borrowed")" "$n 2"
ml_is short_alloc_igb "$(cat "$IF/vectors") $(cat "$IF/lent")" \
	"$((m - 2)) 2"
ml_check short_alloc_nvme_reads ml_nvme_io
ml_check short_alloc_igb_traffic ml_net_traffic "$IGB" "$E1000E"
ml_check_all short_alloc
ml_revoke_all
ml_wait_no_lease "$BR" 30
ml_is short_alloc_nvme_back "$(cat "$NF/vectors")" "$((n - 2))"
ml_is short_alloc_igb_back "$(cat "$IF/vectors") $(cat "$IF/lent")" "$m 0"
ml_check_all short_alloc_ended

# igb not cooperative: on again, nothing moves, and nvme's allocation
# short of vectors is clamped.
echo "$iterms" > "$IF/terms"
echo 1 > "$BR/rebalance"
sleep 5
echo 0 > "$BR/rebalance"
ml_is rebalance_uncooperative_lender "$(cat "$BR/leases")" ""
msilease resize "$NVME" "$n" > /dev/null 2>&1
ml_is short_alloc_clamped "$(cat "$NF/vectors") $(cat "$BR/leases")" \
	"$((n - 2)) "
ml_check_all rebalance_none

echo "$settings" > "$BR/settings"
msilease resize "$NVME" "$n" > /dev/null 2>&1
ml_settle
ml_is rebalance_nvme_restored "$(cat "$NF/vectors")" "$n"
echo none > "$IF/method"
echo none > "$NF/method"
echo unlimited > "$NF/max_vectors"
echo "$nterms" > "$NF/terms"
echo ask > "$(ml_sdir "$E")/offer"
echo 10000 > "$ML_SYS/idle_window_ms"
