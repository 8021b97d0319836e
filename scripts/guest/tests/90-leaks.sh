# SPDX-License-Identifier: GPL-2.0
# Last: unload everything and ask kmemleak (debug lane) whether anything
# allocated since the module first loaded is unreferenced.

# The sample driver uses msi_lease: out first (a lane may run this suite
# right after one that left it loaded).
[ -d /sys/module/msi_lease_sample ] && rmmod msi_lease_sample
[ -d "$ML_SYS" ] && ml_check final_unload ml_unload
ml_check module_gone test ! -e /sys/module/msi_lease

k=/sys/kernel/debug/kmemleak
if [ ! -w $k ]; then
	ml_result kmemleak_clean skip "kernel has no kmemleak"
	return 0
fi
# kmemleak ignores objects younger than 5 s; scan twice to settle.
sleep 6
echo scan > $k
sleep 1
echo scan > $k
leaks=$(cat $k)
if [ -z "$leaks" ]; then
	ml_result kmemleak_clean 0
else
	echo "$leaks" | head -n 60 | sed 's/^/# kmemleak: /'
	ml_result kmemleak_clean 1 "$(echo "$leaks" | grep -c unreferenced) unreferenced objects"
fi
