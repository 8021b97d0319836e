# SPDX-License-Identifier: GPL-2.0
# The rebalance policy moves vectors between unmodified drivers by
# itself: nvme, admitted short under a tight budget, is grown through a
# reset with idle vectors of igb's, which shrinks through its channels;
# the namespace reads and igb's link carries frames all along; at the
# lease's end both go back the same way.  Nothing moves with the policy
# off, and nothing from a function whose method or terms say no.

ml_fig4_load
NVME=$(ml_first_of nvme)
NF=$(ml_fn_dir "$NVME")
IGB=$(ml_first_of igb)
IF=$(ml_fn_dir "$IGB")
E1000E=$(ml_first_of e1000e)
BR=$ML_SYS/bridges/$(ml_bridge_of "$NVME")
E=$(ls "$BR/functions" | while read -r f; do
	[ -d "$(ml_sdir "$f")" ] && echo "$f"
done | head -n 1)
n=$(cat "$NF/vectors")
m=$(cat "$IF/vectors")
settings=$(cat "$BR/settings")
nterms=$(cat "$NF/terms")
iterms=$(cat "$IF/terms")

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
echo "budget=$(($(cat "$BR/vectors") - 2)) max_lease_ms=20000" > \
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

# At the lease's end (20 s), nvme shrinks and igb grows back.
for i in $(seq 300); do
	[ -z "$(cat "$BR/leases")" ] && break
	sleep 0.1
done
sleep 1
ml_settle
ml_is rebalance_nvme_back "$(cat "$NF/vectors") $(cat "$NF/borrowed")" \
	"$((n - 2)) 0"
ml_is rebalance_igb_back "$(cat "$IF/vectors") $(cat "$IF/lent")" "$m 0"
r=$(ml_reads_stop)
ML_DIAG=
[ "${r% *}" -ge 3 ] || ML_DIAG="only ${r% *} reads;"
ml_expect_eq "failed reads" "${r#* }" 0
ml_verdict rebalance_nvme_reads_throughout
ml_check rebalance_igb_traffic_after ml_net_traffic "$IGB" "$E1000E"
ml_check_all rebalance_ended

# igb not cooperative: on again, nothing moves.
echo "$iterms" > "$IF/terms"
echo 1 > "$BR/rebalance"
sleep 5
echo 0 > "$BR/rebalance"
ml_is rebalance_uncooperative_lender "$(cat "$BR/leases")" ""
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
