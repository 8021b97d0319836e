# SPDX-License-Identifier: GPL-2.0
# Fault injection (the debug kernel: failslab, fail_function, the stack
# filter; Documentation/fault-injection/fault-injection.rst).  Each
# operation on the FIG. 4 functions runs again and again, its n-th fault
# point failing on run n, until a run ends without reaching an n-th:
#
#   nth   /proc/thread-self/fail-nth: the n-th slab allocation the
#         writing task makes with msi_lease or the sample driver on its
#         stack, or the n-th call of an injectable function;
#   func  fail_function with space=n: the n-th call of msi_lease's
#         injectable calls (a lender's offer, release and renew, the
#         vector count) or of the sample driver's vector resize (a driver
#         that cannot bind or unbind), whichever task makes it: lease
#         ends run on msi_lease's workqueue;
#   slab  failslab at random over expiring leases (the workqueue's
#         allocations, which no task-bound walk reaches).
#
# The walks fail only allocations made by msi_lease or the sample driver
# themselves (ml.fault_depth frames: the allocator's own and the
# caller's); the MSI core's, which msi_lease's hooks have on their stack
# too, would make every walk hundreds of runs long and test the MSI core.
# The random slab faults fail those as well, except under the irq core's
# descriptor code (see fi_setup).  After every run the pools' books hold
# (debugfs msi_lease/invariants) and msi_lease agrees with the PCI core (msi-lease-verify); after the
# clean-up every function has its own vectors again.  The walk's totals
# go to make check's summary (ML-SCALE).

ml_fig4_load
ml_param fault_max 200
ml_param fault_depth 5
ml_param fault_slab_rounds 20

DBG=/sys/kernel/debug
FS=$DBG/failslab
FF=$DBG/fail_function
FI_FUNCS="msi_lease_call_offer msi_lease_call_release msi_lease_call_renew
	msi_lease_call_count sample_vecs_resize"

# Runs are many and the debug kernel forks slowly under TCG: the paths
# are worked out once, and a run's checks read sysfs with shell builtins.
BR=$ML_SYS/bridges/$FIG
DRV=/sys/bus/pci/drivers/msi_lease_sample
fi_paths()
{
	local x f

	for x in A B C D; do
		eval "f=\$$x"
		eval "S_$x=$(ml_sdir "$f") F_$x=$(ml_fn_dir "$f")"
	done
}

# Fault points hit and runs made over the suite.
FI_POINTS=0 FI_RUNS=0

# fi_setup: slab faults only with msi_lease or the sample driver within
# the last ML_FAULT_DEPTH frames, fail_function on our own functions.
fi_setup()
{
	local span d f

	span=$(awk '$4 == "[msi_lease]" || $4 == "[msi_lease_sample]" {
		if ($2 == "t" || $2 == "T") print $1 }' /proc/kallsyms | sort)
	[ -n "$span" ] || return 1
	for d in $FS $FF; do
		echo 0 > $d/probability
		echo 1 > $d/interval
		echo 0 > $d/space
		echo 0 > $d/verbose
		echo N > $d/task-filter
	done
	echo "0x$(echo "$span" | head -n 1)" > $FS/require-start
	# The last function's end is not listed: a page past its start.
	printf '0x%x\n' $((0x$(echo "$span" | tail -n 1) + 4096)) > $FS/require-end
	echo "$ML_FAULT_DEPTH" > $FS/stacktrace-depth
	# The irq core does not survive failures of its own bookkeeping:
	# it ignores a failed /proc entry and then warns when it removes
	# it, and when the maple tree cannot allocate while erasing a
	# descriptor, it frees the descriptor and leaves it in the tree
	# (use-after-free in show_interrupts; 6.12 and 7.3).  Not ours to
	# test: no slab fault with the descriptor code (irqdesc.c through
	# register_irq_proc in proc.c, which the linker keeps in that
	# order) on the stack.
	set -- $(awk '
		$3 ~ /^(irq_insert_desc|free_desc|irq_free_descs|irq_sysfs_add|__setup_irq|irq_domain_alloc_irqs_locked)$/ {
			if (!n++ || $1 < start)
				start = $1
		}
		$3 == "register_irq_proc" { getline; end = $1 }
		END { if (n == 6 && end > start) print start, end }' /proc/kallsyms)
	# Sane only if the span holds just the irq core (under a MiB).
	[ $# = 2 ] && [ $((0x$2 - 0x$1)) -lt 1048576 ] || return 1
	echo "0x$1" > $FS/reject-start
	echo "0x$2" > $FS/reject-end
	echo N > $FS/ignore-gfp-wait
	echo N > $FS/cache-filter
	echo 0 > $FF/require-start
	echo 18446744073709551615 > $FF/require-end
	for f in $FI_FUNCS; do
		echo "$f" > $FF/inject || return 1
	done
}

fi_teardown()
{
	echo 0 > $FS/probability
	echo 0 > $FF/probability
	echo > $FF/inject
}

# fi_first_lease: sets ID to the bridge's first lease, "" if none.
fi_first_lease()
{
	ID=
	read -r ID _ < "$BR/leases" || ID=
}

# fi_pristine: A B C D bound with 5 5 3 5 vectors, no lease.
fi_pristine()
{
	local a b c d

	fi_first_lease
	[ -z "$ID" ] && [ -d "$S_A" ] && [ -d "$S_B" ] && [ -d "$S_C" ] &&
		[ -d "$S_D" ] || return 1
	read -r a < "$F_A/vectors"; read -r b < "$F_B/vectors"
	read -r c < "$F_C/vectors"; read -r d < "$F_D/vectors"
	[ "$a $b $c $d" = "5 5 3 5" ]
}

# fi_world [full]: the FIG. 4 world every run starts from: A B C D with
# 5 5 3 5 vectors, lending what they are asked, nothing free, no lease.
# What a run left behind is undone; "full" also resets every knob.
fi_world()
{
	local f

	fi_pristine && [ "$1" != full ] && return 0
	fi_restore && return 0
	# A driver that failed in a run may hold vectors it cannot account
	# for: bind it afresh.
	for f in $A $B $C $D; do
		echo "$f" > $DRV/unbind 2>/dev/null
	done
	fi_restore
}

fi_restore()
{
	local f x v

	fi_first_lease
	while [ -n "$ID" ]; do
		echo "$ID" > "$BR/revoke" 2>/dev/null || sleep 0.1
		fi_first_lease
	done
	for f in $A $B $C $D; do
		[ -d "/sys/bus/pci/devices/$f/driver" ] || echo "$f" > $DRV/bind
	done
	echo unlimited > "$BR/budget"
	for x in A:5 B:5 C:3 D:5; do
		eval "f=\$S_${x%:*} v=\$F_${x%:*}"
		echo "${x#*:}" > "$f/own"
		echo ask > "$f/offer"
		echo 'cooperative=1 priority=0 floor=1 max_lend=2147483647' > "$v/terms"
	done
	read -r v < "$BR/vectors"
	echo "budget=$v negotiation=parallel policy=closest" > "$BR/settings"
	fi_pristine
}

# fi_sound WHAT: the books and the PCI core agree; a diagnostic if not.
fi_sound()
{
	local b st

	while read -r b st; do
		[ "$st" = ok ] || ML_DIAG="$ML_DIAG $1: books of $b broken;"
	done < $DBG/msi_lease/invariants
	$ML_MOD/msi-lease-verify faults > /tmp/fi.verify
	if grep -q '^not ok' /tmp/fi.verify; then
		ML_DIAG="$ML_DIAG $1: msi_lease and the PCI core disagree: $(grep '^#' /tmp/fi.verify | head -n 3 | tr '\n' ' ');"
	fi
}

# Wait for what a run set going on the workqueue (recalls, expiries):
# leases due within 10 s.
fi_quiet()
{
	local i id l b n left

	for i in $(seq 100); do
		read -r id l b n left _ < "$BR/leases" || return 0
		[ "$left" -gt 10000 ] && return 0
		sleep 0.1
	done
}

# fi_lender: sets LENDER to the sysfs directory of a function that lent.
fi_lender()
{
	local x n

	LENDER=
	for x in A B D; do
		eval "read -r n < \$F_$x/lent"
		[ "$n" != 0 ] && eval "LENDER=\$S_$x" && return
	done
}

# The operations.  Each starts from fi_world plus its preparation
# (fi_prep_*, without faults) and makes one write.
fi_prep_none() { :; }
fi_prep_lease() { echo "1 60000" > "$S_C/borrow"; }
fi_prep_free()
{
	local v

	read -r v < "$BR/budget"
	echo $((v + 4)) > "$BR/budget"
}
fi_prep_unbound() { echo "$C" > $DRV/unbind; }

fi_op_borrow() { echo "1 60000" > "$S_C/borrow"; }
fi_op_borrow_free() { fi_op_borrow; }
fi_op_borrow_partial() { echo "5 60000 partial" > "$S_C/borrow"; }
fi_op_borrow_sequential()
{
	echo sequential > "$BR/negotiation"
	echo "2 60000" > "$S_C/borrow"
}
fi_op_return() { fi_first_lease; echo "$ID" > "$S_C/return"; }
fi_op_renew() { fi_first_lease; echo "$ID 1000" > "$S_C/renew"; }
fi_op_recall() { fi_first_lease; fi_lender; echo "$ID 0" > "$LENDER/recall"; }
fi_op_revoke() { fi_first_lease; echo "$ID" > "$BR/revoke"; }
fi_op_expire() { echo "1 200" > "$S_C/borrow"; }
fi_op_unbind_borrower() { echo "$C" > $DRV/unbind; }
fi_op_unbind_lender()
{
	local f

	fi_lender
	f=${LENDER%/msi_lease_sample}
	echo "${f##*/}" > $DRV/unbind
}
fi_op_bind() { echo "$C" > $DRV/bind; }
fi_op_knobs()
{
	echo "policy=fewest-lenders negotiation=sequential" > "$BR/settings"
	echo "cooperative=1 floor=2 max_lend=3" > "$F_A/terms"
}

# fi_walk KIND OP PREP: run OP with fault point n failing, n = 1, 2, ...
# until a run reaches no n-th point.  One test per operation.
fi_walk()
{
	local kind=$1 op=$2 prep=$3 n=0 left points= reset= t0 t1

	case $op in borrow_sequential|knobs) reset=full ;; esac
	read -r t0 _ < /proc/uptime
	ML_DIAG=
	while [ $n -lt "$ML_FAULT_MAX" ]; do
		n=$((n + 1))
		if ! fi_world $reset || ! fi_prep_$prep; then
			ML_DIAG="$ML_DIAG run $n: cannot set up (groups $(ml_groups), leases $(ml_lease_ids));"
			break
		fi
		case $kind in
		nth)
			left=$(
				echo $n > /proc/thread-self/fail-nth
				fi_op_$op >/dev/null 2>&1
				read -r v < /proc/thread-self/fail-nth
				echo "$v"
			)
			;;
		func)
			echo $n > $FF/space
			echo 1 > $FF/times
			echo 100 > $FF/probability
			fi_op_$op >/dev/null 2>&1
			fi_quiet
			read -r left < $FF/times
			echo 0 > $FF/probability
			;;
		esac
		case $op in recall|expire) fi_quiet ;; esac
		FI_RUNS=$((FI_RUNS + 1))
		fi_sound "$op run $n"
		[ -n "$ML_DIAG" ] && break
		# Not reached: every point before it has been failed once.
		if [ "${left:-0}" -gt 0 ]; then
			points=$((n - 1))
			break
		fi
		FI_POINTS=$((FI_POINTS + 1))
	done
	[ -n "$points" ] || [ -n "$ML_DIAG" ] ||
		ML_DIAG="more than $ML_FAULT_MAX fault points"
	fi_world full ||
		ML_DIAG="$ML_DIAG afterwards: groups $(ml_groups), leases $(ml_lease_ids);"
	read -r t1 _ < /proc/uptime
	echo "    # fault_${kind}_$op: ${points:-?} fault points in $((${t1%.*} - ${t0%.*})) s" >> "$ML_KTAP"
	ml_verdict "fault_${kind}_$op"
}

# fi_slab: failslab at random while leases expire on the workqueue.
fi_slab()
{
	local i

	ML_DIAG=
	fi_world full
	echo 32 > $FS/stacktrace-depth
	echo 20 > $FS/probability
	echo -1 > $FS/times
	for i in $(seq "$ML_FAULT_SLAB_ROUNDS"); do
		echo "2 100" > "$S_C/borrow" 2>/dev/null
		echo "1 150" > "$S_A/borrow" 2>/dev/null
		sleep 0.3
		fi_quiet
		FI_RUNS=$((FI_RUNS + 1))
	done
	echo 0 > $FS/probability
	echo "$ML_FAULT_DEPTH" > $FS/stacktrace-depth
	fi_quiet
	fi_sound "random slab faults"
	fi_world full ||
		ML_DIAG="$ML_DIAG afterwards: groups $(ml_groups), leases $(ml_lease_ids);"
	ml_verdict fault_slab_expiries
}

if [ ! -e $FF ] || [ ! -e $FS ]; then
	ml_result faults skip "kernel without failslab and fail_function"
elif [ -z "$D" ]; then
	ml_result faults skip "no FIG. 4 functions"
elif ! fi_setup; then
	ml_result faults 1 "cannot set up fault injection"
else
	fi_paths
	start=$(cut -d' ' -f1 /proc/uptime)
	# Operations whose fault points all lie on the workqueue (return,
	# recall, unbind: the lease ends there) are walked with fail_function
	# only; the knobs and bind, whose injectable points are none, with
	# fail-nth only; a sequential borrow calls what a parallel one does.
	for op in borrow:none borrow_partial:none borrow_sequential:none \
		  borrow_free:free renew:lease revoke:lease expire:none \
		  bind:unbound knobs:none; do
		fi_walk nth "${op%:*}" "${op#*:}"
	done
	for op in borrow:none borrow_partial:none return:lease renew:lease \
		  recall:lease revoke:lease expire:none unbind_borrower:lease \
		  unbind_lender:lease; do
		fi_walk func "${op%:*}" "${op#*:}"
	done
	fi_slab
	fi_teardown
	# The suites after this one load drivers against the bridge's budget.
	echo unlimited > "$BR/budget"
	end=$(cut -d' ' -f1 /proc/uptime)
	echo "### ML-SCALE faults.points $FI_POINTS $(awk "BEGIN { print $end - $start }")s"
	echo "### ML-SCALE faults.runs $FI_RUNS"
	ml_check_all faults_after
fi
