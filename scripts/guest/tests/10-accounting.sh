# SPDX-License-Identifier: GPL-2.0
# msi_lease's per-bridge accounting equals ground truth for every
# function, with real unmodified drivers holding the vectors.

ml_check load ml_load
ml_check sysfs_tree test -d "$ML_SYS/bridges"
ml_check several_host_bridges \
	test "$(ls "$ML_SYS/bridges" | wc -l)" -ge 2

# The drivers under test must really hold vectors, or the comparison
# below proves nothing.
for drv in virtio-pci nvme e1000e pcieport; do
	f=$(ml_first_of $drv)
	if [ -z "$f" ]; then
		ml_result "holds_vectors_$drv" 1 "no function bound to $drv"
		continue
	fi
	ml_truth "$f"
	ml_check "holds_vectors_$drv" test "$T_VECTORS" -gt 0
done

ml_check_all
