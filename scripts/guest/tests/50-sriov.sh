# SPDX-License-Identifier: GPL-2.0
# SR-IOV: the virtual functions of an igb are clients of their bridge's
# pool like any function, and lend to each other.

[ -d "$ML_SYS" ] || ml_load
[ -d /sys/module/msi_lease_sample ] ||
	insmod "$ML_MOD/msi_lease_sample.ko" own_vectors=5

PF=$(ml_first_of igb)
ml_check sriov_has_pf test -n "$PF"
BR=$(ml_bridge_of "$PF")
BDIR=$ML_SYS/bridges/$BR
n=$(cat "$BDIR/nr_functions")
ml_check sriov_enable sh -c "echo 2 > /sys/bus/pci/devices/$PF/sriov_numvfs"
ml_settle
VF1=$(basename "$(readlink -f "/sys/bus/pci/devices/$PF/virtfn0")")
VF2=$(basename "$(readlink -f "/sys/bus/pci/devices/$PF/virtfn1")")
ml_is sriov_vfs_accounted "$(cat "$BDIR/nr_functions")" $((n + 2))
ml_check_all sriov_igbvf

# Hand both VFs to the sample driver, a cooperative one.
for vf in $VF1 $VF2; do
	[ -e "/sys/bus/pci/devices/$vf/driver" ] &&
		echo "$vf" > "/sys/bus/pci/devices/$vf/driver/unbind"
	echo msi_lease_sample > "/sys/bus/pci/devices/$vf/driver_override"
	echo "$vf" > /sys/bus/pci/drivers_probe
done
ml_is sriov_vf1_sample "$(cat "$(ml_fn_dir "$VF1")/driver")" msi_lease_sample
ml_is sriov_vf2_sample "$(cat "$(ml_fn_dir "$VF2")/driver")" msi_lease_sample
S1=/sys/bus/pci/devices/$VF1/msi_lease_sample
S2=/sys/bus/pci/devices/$VF2/msi_lease_sample
v1=$(cat "$(ml_fn_dir "$VF1")/vectors")

# VF2 gives one vector up, the bridge is then full: VF2 must borrow it
# from VF1, the only function that offers.
echo $(($(cat "$S2/own") - 1)) > "$S2/own"
v2=$(cat "$(ml_fn_dir "$VF2")/vectors")
echo "$(cat "$BDIR/vectors")" > "$BDIR/budget"
for f in $(ls "$BDIR/functions"); do
	[ -d "/sys/bus/pci/devices/$f/msi_lease_sample" ] &&
		echo none > "/sys/bus/pci/devices/$f/msi_lease_sample/offer"
done
echo ask > "$S1/offer"
ml_check sriov_borrow sh -c "echo '1 60000' > $S2/borrow"
ml_is sriov_lease "$(cut -d' ' -f2-4 < "$BDIR/leases")" "$VF1 $VF2 1"
ml_is sriov_vf1_lent "$(cat "$(ml_fn_dir "$VF1")/vectors")" $((v1 - 1))
ml_is sriov_vf2_borrowed "$(cat "$(ml_fn_dir "$VF2")/vectors")" $((v2 + 1))
ml_check_all sriov_leased

ml_check sriov_return sh -c \
	"echo $(cut -d' ' -f1 < "$BDIR/leases") > $S2/return"
ml_is sriov_vf1_back "$(cat "$(ml_fn_dir "$VF1")/vectors")" "$v1"
ml_is sriov_vf2_back "$(cat "$(ml_fn_dir "$VF2")/vectors")" "$v2"
ml_check_all sriov_returned

echo unlimited > "$BDIR/budget"
ml_check sriov_disable sh -c "echo 0 > /sys/bus/pci/devices/$PF/sriov_numvfs"
ml_is sriov_vfs_gone "$(cat "$BDIR/nr_functions")" "$n"
ml_check sample_unloads rmmod msi_lease_sample
ml_check_all sriov_done
