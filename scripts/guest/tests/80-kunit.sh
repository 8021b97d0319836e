# SPDX-License-Identifier: GPL-2.0
# Load the KUnit test module (its suites run at load) and hand each
# suite's KTAP, as KUnit itself wrote it, to the host.  Lanes whose kernel
# has no KUnit build no test module and skip this.

if [ ! -e "$ML_MOD/msi_lease_kunit.ko" ]; then
	ml_result kunit skip "kernel has no KUnit"
	return 0
fi
[ -d "$ML_SYS" ] || ml_load
ml_check kunit_module_loads insmod "$ML_MOD/msi_lease_kunit.ko"
for s in /sys/kernel/debug/kunit/msi_lease*; do
	[ -e "$s/results" ] || continue
	echo "### ML-KTAP-BEGIN kunit_$(basename "$s")"
	cat "$s/results"
	echo "### ML-KTAP-END kunit_$(basename "$s")"
done
ml_check kunit_module_unloads rmmod msi_lease_kunit
