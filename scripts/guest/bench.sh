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

# bench_once: load the bench module, print "alloc live realloc" in ns.
bench_once()
{
	insmod $ML_MOD/msi_lease_bench.ko dev_a="$DEV_A" dev_b="$DEV_B" \
		vectors=4 move=2 || return 1
	echo "$(cat $P/alloc_ns) $(cat $P/live_ns) $(cat $P/realloc_ns)"
	rmmod msi_lease_bench
}

# median of the words on stdin
median()
{
	tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

without= with= live= realloc=
for i in 1 2 3 4 5; do
	set -- $(bench_once) && without="$without $1"
	ml_load
	set -- $(bench_once) && with="$with $1" live="$live $2" realloc="$realloc $3"
	ml_unload
done
w0=$(echo "$without" | median) w1=$(echo "$with" | median)
l=$(echo "$live" | median) r=$(echo "$realloc" | median)
echo "### ML-BENCH hook overhead: allocate+free 4 MSI-X vectors:" \
	"$w0 ns without msi_lease, $w1 ns with it:" \
	"ratio $(echo "scale=2; $w1 / $w0" | bc) (median of 5 loads x 201 cycles)"
if [ "${l:-0}" -gt 0 ]; then
	echo "### ML-BENCH move 2 vectors between live functions: $l ns;" \
		"by re-allocating both: $r ns: re-allocation/live" \
		"$(echo "scale=2; $r / $l" | bc)"
else
	echo "### ML-BENCH move 2 vectors: no dynamic MSI-X on this kernel;" \
		"by re-allocating both: $r ns"
fi
