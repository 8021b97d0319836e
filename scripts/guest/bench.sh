# SPDX-License-Identifier: GPL-2.0
# Guest side of make bench (see scripts/bench.sh).  Uses the two
# ivshmem functions E (pci0000:20) and A (pci0000:40), unbound.

A=$(ls -d /sys/bus/pci/devices/*/ 2>/dev/null | while read -r d; do
	[ "$(cat "$d/vendor"):$(cat "$d/device")" = 0x1af4:0x1110 ] &&
		basename "$d"
done)
set -- $A
DEV_A=$1 DEV_B=$2
P=/sys/module/msi_lease_bench/parameters

# bench_once VECTORS [MOVES]: load the bench module, print
# "alloc live realloc" in ns.
bench_once()
{
	insmod $ML_MOD/msi_lease_bench.ko dev_a="$DEV_A" dev_b="$DEV_B" \
		vectors="$1" move=2 moves="${2:-N}" || return 1
	echo "$(cat $P/alloc_ns) $(cat $P/live_ns) $(cat $P/realloc_ns)"
	rmmod msi_lease_bench
}

# median of the words on stdin
median()
{
	tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# min, median and max of the words on stdin
spread()
{
	tr ' ' '\n' | grep . | sort -n |
		awk '{ v[NR] = $1 } END { printf "%s %s %s", v[1], v[int((NR + 1) / 2)], v[NR] }'
}

# The hooks' cost: pairs of loads, without msi_lease then with it, each
# load the median of 201 allocate + free cycles; the ratio per pair, and
# its spread over the pairs, so that a 2 % cost can be told from noise.
ml_param bench_pairs 9
PAIRS=$ML_BENCH_PAIRS
for v in 1 4 8; do
	without= with= ratios=
	for i in $(seq "$PAIRS"); do
		set -- $(bench_once "$v") || continue
		a=$1
		ml_load
		set -- $(bench_once "$v") && {
			without="$without $a" with="$with $1"
			ratios="$ratios $(echo "scale=4; $1 / $a" | bc)"
		}
		ml_unload
	done
	set -- $(echo "$ratios" | spread)
	echo "### ML-BENCH hook overhead: allocate+free $v MSI-X vectors:" \
		"$(echo "$without" | median) ns without msi_lease," \
		"$(echo "$with" | median) ns with it: ratio median $2" \
		"(min $1, max $3 over $PAIRS load pairs x 201 cycles)"
done

live= realloc=
ml_load
for i in 1 2 3 4 5; do
	set -- $(bench_once 4 Y) && live="$live $2" realloc="$realloc $3"
done
ml_unload
l=$(echo "$live" | median) r=$(echo "$realloc" | median)
if [ "${l:-0}" -gt 0 ]; then
	echo "### ML-BENCH move 2 vectors between live functions: $l ns;" \
		"by re-allocating both: $r ns: re-allocation/live" \
		"$(echo "scale=2; $r / $l" | bc)"
else
	echo "### ML-BENCH move 2 vectors: no dynamic MSI-X on this kernel;" \
		"by re-allocating both: $r ns"
fi

# What a borrow costs over the work it enables: a cycle of borrowing k
# vectors from a cooperative lender and returning them (negotiation, the
# lender's release, the borrower's bind and request_irq, the lease armed
# and ended, the lender's reclaim) against a cycle of the same frees and
# allocations done by resizing the two drivers directly ("own"), on the
# FIG. 4 bridge with nothing free.  CYCLES of each, alternated PAIRS
# times; /proc/uptime counts centiseconds, so each loop runs a second or
# more.
uptime_cs()
{
	local u

	read -r u _ < /proc/uptime
	echo "${u%.*}${u#*.}"
}

ml_param bench_cycles 400
CYCLES=$ML_BENCH_CYCLES
ml_load
# Not ml_fig4_load's ml_check: no KTAP document is open in bench mode.
# The sample driver binds the FIG. 4 functions the bench module left
# alone (a function it used keeps the PCI core's MSI data until a driver
# detaches: none can probe it).  The first two lend and borrow.
insmod "$ML_MOD/msi_lease_sample.ko" own_vectors=5
ml_fig4_load
dmesg -n 1
SA=$(ml_sdir "$A") SB=$(ml_sdir "$B")
for f in $C $D; do echo none > "$(ml_sdir "$f")/offer"; done
echo ask > "$SA/offer"
echo 4 > "$SB/own"
# Nothing free: a borrow goes to the lender.
cat "$ML_SYS/bridges/$FIG/vectors" > "$ML_SYS/bridges/$FIG/budget"
for k in 1 2 4; do
	lease= bare= ratios=
	for i in $(seq "$PAIRS"); do
		t0=$(uptime_cs)
		fails=0
		for c in $(seq "$CYCLES"); do
			echo "$k 600000" > "$SB/borrow" || fails=$((fails + 1))
			read -r id _ < "$SB/leases"
			echo "$id" > "$SB/return"
		done
		t1=$(uptime_cs)
		for c in $(seq "$CYCLES"); do
			echo $((5 - k)) > "$SA/own"
			echo $((4 + k)) > "$SB/own"
			echo 4 > "$SB/own"
			echo 5 > "$SA/own"
		done
		t2=$(uptime_cs)
		l=$(((t1 - t0) * 10000 / CYCLES)) b=$(((t2 - t1) * 10000 / CYCLES))
		[ "$fails" = 0 ] && [ "$b" -gt 0 ] || continue
		lease="$lease $l" bare="$bare $b"
		ratios="$ratios $(echo "scale=4; $l / $b" | bc)"
	done
	set -- $(echo "$ratios" | spread)
	echo "### ML-BENCH borrow overhead: borrow + return of $k vectors" \
		"$(echo "$lease" | median) us, the same frees and allocations" \
		"by resizing $(echo "$bare" | median) us: ratio median $2" \
		"(min $1, max $3 over $PAIRS pairs x $CYCLES cycles)"
done
dmesg -n 7
rmmod msi_lease_sample
ml_unload

# Moving vectors off a stock driver, what msi_lease's reset method does
# against what users do today (unbind, re-cap, bind again): nvme resized
# to one vector and back, RESIZES times each way, through a function
# reset and through a rebind; per resize, the time until a read goes
# through again, and the reads that failed meanwhile (a reader loops on
# the namespace throughout).
ml_param bench_resizes 5
RESIZES=$ML_BENCH_RESIZES
NVME=$(ml_first_of nvme)
if [ -n "$NVME" ]; then
	ml_load
	NF=$(ml_fn_dir "$NVME")
	n=$(cat "$NF/vectors")
	for m in reset rebind; do
		echo "$m" > "$NF/method"
		: > /tmp/bench.bad
		touch /tmp/bench.run
		(while [ -e /tmp/bench.run ]; do
			ml_nvme_io > /dev/null 2>&1 || echo >> /tmp/bench.bad
		done) &
		reader=$!
		t0=$(uptime_cs)
		fails=0
		for i in $(seq "$RESIZES"); do
			for to in 1 "$n"; do
				echo "$to" > "$NF/resize" || fails=$((fails + 1))
				# Until a read goes through again (at most 30 s).
				until=$(($(uptime_cs) + 3000))
				until ml_nvme_io > /dev/null 2>&1; do
					[ "$(uptime_cs)" -lt "$until" ] && continue
					fails=$((fails + 1))
					break
				done
			done
		done
		t1=$(uptime_cs)
		rm -f /tmp/bench.run
		wait "$reader"
		echo "### ML-BENCH stock resize: nvme $n -> 1 -> $n vectors" \
			"through $m: $(((t1 - t0) * 10 / (2 * RESIZES))) ms a resize" \
			"until it reads again, $(wc -l < /tmp/bench.bad) failed reads," \
			"$fails failed resizes ($RESIZES x 2)"
	done
	echo none > "$NF/method"
	echo unlimited > "$NF/max_vectors"
	ml_unload
fi

# How late leases end with 1, 100 and 10,000 live leases: the KUnit
# suite msi_lease_expiry alone (kernels with KUnit only), each lease end
# timed against its expiry.
if [ -e "$ML_MOD/msi_lease_kunit.ko" ] &&
	[ -w /sys/module/kunit/parameters/filter_glob ]; then
	ml_load
	# A charp parameter keeps a trailing newline: none here.
	printf '%s' 'msi_lease_expiry.*' > /sys/module/kunit/parameters/filter_glob
	for n in 1 100 10000; do
		dmesg -c > /dev/null
		insmod "$ML_MOD/msi_lease_kunit.ko" expiry_leases=$n \
			expiry_window_ms=1000 &&
			rmmod msi_lease_kunit
		dmesg | sed -n 's/.*### ML-BENCH /### ML-BENCH /p'
	done
	printf '%s' '*.*' > /sys/module/kunit/parameters/filter_glob
	ml_unload
else
	echo "### ML-BENCH expiry: no KUnit on this kernel"
fi
