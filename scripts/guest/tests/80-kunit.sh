# SPDX-License-Identifier: GPL-2.0
# Load the KUnit test module (its suites run at load) and hand each
# suite's KTAP, as KUnit itself wrote it, to the host.  Lanes whose kernel
# has no KUnit build no test module and skip this.
#
# The broker's tracepoints are recorded meanwhile: every state transition
# the suites drive must show up as its event.

if [ ! -e "$ML_MOD/msi_lease_kunit.ko" ]; then
	ml_result kunit skip "kernel has no KUnit"
	return 0
fi
[ -d "$ML_SYS" ] || ml_load
# msi_lease_stress drives the sample driver's functions beside its fakes.
ml_fig4_load
ml_param stress_ops 1000000
ml_param stress_seed 0
ml_param stress_kinds 131071

tr=/sys/kernel/tracing
[ -d $tr/events ] || tr=/sys/kernel/debug/tracing
if [ -d $tr/events/msi_lease ]; then
	# Keep the oldest events when the buffer fills: the short scenario
	# tests run before the stress test.
	echo 0 > $tr/options/overwrite
	echo 8192 > $tr/buffer_size_kb
	echo > $tr/trace
	echo 1 > $tr/events/msi_lease/enable
fi

ml_check kunit_module_loads insmod "$ML_MOD/msi_lease_kunit.ko" \
	stress_ops="$ML_STRESS_OPS" stress_seed="$ML_STRESS_SEED" \
	stress_kinds="$ML_STRESS_KINDS"
for s in /sys/kernel/debug/kunit/msi_lease*; do
	[ -e "$s/results" ] || continue
	echo "### ML-KTAP-BEGIN kunit_$(basename "$s")"
	cat "$s/results"
	echo "### ML-KTAP-END kunit_$(basename "$s")"
done

if [ -d $tr/events/msi_lease ]; then
	echo 0 > $tr/events/msi_lease/enable
	cat $tr/trace > /tmp/msi_lease.trace
	for ev in borrow offer rollback grant renew recall return end; do
		ml_check "tracepoint_msi_lease_$ev" \
			grep -q " msi_lease_$ev: " /tmp/msi_lease.trace
	done
	echo > $tr/trace
else
	ml_result tracepoints 1 "no msi_lease events in $tr/events"
fi
ml_check kunit_module_unloads rmmod msi_lease_kunit
