# SPDX-License-Identifier: GPL-2.0
# An unmodified driver lends: nvme, on a bridge with nothing free, lends
# its idle vectors to a cooperative borrower (the sample driver on
# ivshmem-doorbell E) through its reset path, keeps reading from its
# namespace meanwhile, and takes them back the same way when the lease
# ends.  Only with the administrator's say: a method and cooperative
# terms.

ml_fig4_load
ml_stock_devs
n=$(cat "$NF/vectors")
e=$(cat "$EF/vectors")
budget=$(cat "$BR/budget")
terms=$(cat "$NF/terms")

# Nothing free on the bridge; nvme's vectors judged idle every 500 ms.
echo "$(cat "$BR/vectors")" > "$BR/budget"
echo 500 > "$ML_SYS/idle_window_ms"
sleep 1.5
ml_is lend_pool_full "$(cat "$BR/free")" 0
ml_is lend_nvme_idle "$(cat "$NF/idle")" "$n"

# ml_denied WHY: a borrow of 2 fails and nothing changed.
ml_denied()
{
	ML_DIAG=
	ml_borrow "$E" 2 3000 2> /dev/null && ML_DIAG="borrow took;"
	ml_expect_eq "nvme vectors" "$(cat "$NF/vectors")" "$n"
	ml_expect_eq "E vectors" "$(cat "$EF/vectors")" "$e"
	ml_expect_eq "leases" "$(cat "$BR/leases")" ""
	ml_verdict "$1"
}

ml_denied lend_nothing_without_method
echo reset > "$NF/method"
ml_denied lend_nothing_uncooperative
echo "cooperative=1 priority=0 floor=1 max_lend=4" > "$NF/terms"
echo none > "$NF/method"
ml_denied lend_nothing_method_none

# With both: nvme resets to n - 2 vectors, E binds the two, and its
# device interrupts on them; the namespace reads while it lends and
# while it takes them back.
echo reset > "$NF/method"
ml_check lend_nvme_reads_before ml_nvme_io
sleep 1
ml_check lend_borrow ml_borrow "$E" 2 4000
ml_reads_start
ml_is lend_nvme_lent "$(cat "$NF/vectors") $(cat "$NF/lent")" "$((n - 2)) 2"
ml_is lend_e_borrowed "$(cat "$EF/vectors") $(cat "$EF/borrowed")" \
	"$((e + 2)) 2"
ml_is lend_lease_shown "$(cut -d' ' -f2-4 < "$BR/leases")" "$NVME $E 2"
before=$(ml_irqs "$E" 1)
ml_ring "$E"
ml_is lend_borrowed_vectors_interrupt $(($(ml_irqs "$E" 1) - before)) 2
ml_check lend_nvme_reads_while_lent ml_nvme_io
ml_check_all lend_during

# At expiry E unbinds, then nvme resets back to all it had.
ml_wait_no_lease "$BR" 15
ml_is lend_back_at_expiry "$(cat "$NF/vectors") $(cat "$NF/lent")" "$n 0"
ml_is lend_e_back "$(cat "$EF/vectors") $(cat "$EF/borrowed")" "$e 0"
ml_reads_verdict lend_nvme_reads_throughout
ml_check lend_nvme_reads_after ml_nvme_io
ml_check_all lend_after

# A lender that unbinds ends its loan: E unbinds its vectors, nvme's
# driver leaves with its own, and all is counted right.
ml_check lend_borrow_again ml_borrow "$E" 1 60000
echo "$NVME" > /sys/bus/pci/drivers/nvme/unbind
ml_is lend_unbind_ends_lease "$(cat "$BR/leases")" ""
ml_is lend_unbind_e_back "$(cat "$EF/vectors")" "$e"
echo "$NVME" > /sys/bus/pci/drivers/nvme/bind
ml_settle
ml_is lend_rebound "$(cat "$NF/vectors") $(cat "$NF/leasing")" "$n 1"
ml_check_all lend_unbound

echo none > "$NF/method"
echo "$terms" > "$NF/terms"
echo "$budget" > "$BR/budget"
echo 10000 > "$ML_SYS/idle_window_ms"
