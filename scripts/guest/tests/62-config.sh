# SPDX-License-Identifier: GPL-2.0
# Settings that survive a reload: /etc/msi-lease.conf and /etc/msi-lease.d/
# (msi-lease.conf(5)) applied through the package's udev rules when
# msi_lease loads, when a function's driver binds and when a function
# appears (remove + rescan).  The guest has no udevd: busybox uevent runs
# udev-standin, which does what udevd does with the shipped rules file.
# A bad line is reported with its file and line, the good ones applied;
# `msilease dump` then `msilease apply` round-trips.

ml_fig4_load

# cfg_wait CMD...: up to 15 s for CMD to succeed.
cfg_wait()
{
	local i

	for i in $(seq 150); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

cfg_term()
{
	cat "$(ml_fn_dir "$1")/$2" 2>/dev/null
}

cfg_is()
{
	[ "$(cat "$1" 2>/dev/null)" = "$2" ]
}

# cfg_expect_terms LABEL: A, B, C and D have the terms the file gives them
# (driver=msi_lease_sample: floor 2; 1af4:1110: max_lend 2; A and B their
# priorities); "cooperative" is the driver's own.
cfg_expect_terms()
{
	local f want got

	for f in $A $B $C $D; do
		want="0 2 2"
		[ "$f" = "$A" ] && want="7 2 2"
		[ "$f" = "$B" ] && want="9 2 2"
		cfg_wait cfg_terms_are "$f" "$want"
		got="$(cfg_term "$f" priority) $(cfg_term "$f" floor) $(cfg_term "$f" max_lend)"
		ml_expect_eq "$1 $f priority floor max_lend" "$got" "$want"
	done
}

cfg_terms_are()
{
	[ "$(cfg_term "$1" priority) $(cfg_term "$1" floor) $(cfg_term "$1" max_lend)" = "$2" ]
}

if [ -z "$D" ]; then
	ml_result config skip "no FIG. 4 functions"
	return 0
fi

ML_DIAG=
[ "$(cat "/sys/bus/pci/devices/$A/vendor"):$(cat "/sys/bus/pci/devices/$A/device")" = 0x1af4:0x1110 ] ||
	ML_DIAG="FIG. 4 functions are not 1af4:1110;"
rmmod msi_lease_sample && ml_unload || ML_DIAG="$ML_DIAG unload failed;"
mkdir -p /etc/msi-lease.d /usr/sbin
cat > /etc/msi-lease.conf <<CONF
# the test's settings
bridge $FIG budget=40 policy=priority
bridge * max_lease_ms=90000
function $A priority=7
function 1af4:1110 max_lend=2     # every ivshmem function
bridge $FIG budget=many
function driver=msi_lease_sample floor=2
CONF
echo "function ${B#0000:} priority=9" > /etc/msi-lease.d/10-late.conf
echo "frobnicate" > /etc/msi-lease.d/20-bad.conf
: > /tmp/udev.log
busybox uevent /msi_lease/udev-standin &
uevents=$!
ml_load || ML_DIAG="$ML_DIAG load failed;"
cfg_wait cfg_is "$ML_SYS/bridges/$FIG/budget" 40
ml_expect_eq budget "$(cat "$ML_SYS/bridges/$FIG/budget")" 40
ml_expect_eq policy \
	"$(sed 's/.*\[\(.*\)\].*/\1/' "$ML_SYS/bridges/$FIG/policy")" priority
for b in "$ML_SYS"/bridges/*; do
	ml_expect_eq "$(basename "$b") max_lease_ms" "$(cat "$b/max_lease_ms")" 90000
done
ml_verdict config_applied_on_load

ML_DIAG=
grep -q "^msilease: /etc/msi-lease.conf:6: budget: bad value 'many'$" /tmp/udev.log ||
	ML_DIAG="no report of line 6;"
grep -q "^msilease: /etc/msi-lease.d/20-bad.conf:1: expected 'bridge' or 'function', got 'frobnicate'$" /tmp/udev.log ||
	ML_DIAG="$ML_DIAG no report of 20-bad.conf:1;"
ml_verdict config_bad_line_reported

# The sample driver joins with terms of its own; its bind applies the file.
ML_DIAG=
insmod "$ML_MOD/msi_lease_sample.ko" own_vectors=5 ||
	ML_DIAG="sample insmod failed;"
ml_fig4_load
cfg_expect_terms bound
ml_verdict config_applied_on_bind

# A function that appears later: C removed and found again by a rescan.
ML_DIAG=
echo 1 > "/sys/bus/pci/devices/$C/remove"
ml_gone "$C" || ML_DIAG="$C not removed;"
echo 1 > /sys/bus/pci/rescan
cfg_wait test -d "$(ml_sdir "$C")" || ML_DIAG="$ML_DIAG $C not back;"
ml_settle
cfg_expect_terms hot-added
grep -q "apply --function $C\$" /tmp/udev.log ||
	ML_DIAG="$ML_DIAG no apply for $C in the log;"
ml_verdict config_applied_on_hot_add

# dump, change, apply the dump: everything as it was, and nothing more.
ML_DIAG=
msilease dump > /tmp/dump.conf
out=$(msilease apply /tmp/dump.conf 2>&1) ||
	ML_DIAG="apply of an unchanged dump failed: $out;"
[ -z "$out" ] || ML_DIAG="$ML_DIAG unchanged dump changed: $out;"
msilease set "$FIG" budget=unlimited policy=closest >/dev/null
msilease terms "$A" priority=0 floor=1 >/dev/null
out=$(msilease apply /tmp/dump.conf 2>&1) ||
	ML_DIAG="$ML_DIAG apply of the dump failed: $out;"
echo "$out" | grep -q "^bridge $FIG: budget unlimited -> 40, policy closest -> priority$" ||
	ML_DIAG="$ML_DIAG bridge change not reported: $out;"
echo "$out" | grep -q "^function $A: priority 0 -> 7, floor 1 -> 2$" ||
	ML_DIAG="$ML_DIAG function change not reported: $out;"
msilease dump > /tmp/dump2.conf
cmp -s /tmp/dump.conf /tmp/dump2.conf ||
	ML_DIAG="$ML_DIAG dumps differ: $(diff /tmp/dump.conf /tmp/dump2.conf | tr '\n' ' ');"
ml_verdict config_dump_apply_round_trip

kill "$uevents"
rm -rf /etc/msi-lease.conf /etc/msi-lease.d
# The next suites start from the defaults.
rmmod msi_lease_sample
ml_unload
ml_fig4_load
ml_check_all config_after
