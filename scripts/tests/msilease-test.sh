#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The msilease tool against made-up sysfs trees, under valgrind: names
# that are not what the kernel writes today (quotes, '%', a bridge with no
# functions directory) must neither crash it, nor reach a printf format,
# nor break its JSON.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc -O0 -g -Wall -Wextra -Werror -o "$tmp/msilease" "$top/tools/msilease/msilease.c"

. "$(dirname "$0")/tap.sh"

# run ROOT ARGS...: msilease under valgrind; any memory error fails.
run()
{
	local root=$1

	shift
	valgrind -q --error-exitcode=99 "$tmp/msilease" --root "$root" "$@"
}

# A bridge with no functions/ directory (scandir fails).
r=$tmp/nofns
mkdir -p "$r/bridges/pci0000:00"
if out=$(run "$r" devices 2>&1); then ok devices_without_functions_dir
else not_ok devices_without_functions_dir "$out"; fi

# Hostile names: a quote and printf conversions.
r=$tmp/names
b='pci%n%s"x'
f='0000:00:01.0'
mkdir -p "$r/bridges/$b/functions/$f"
echo 5 > "$r/bridges/$b/budget"
: > "$r/bridges/$b/functions/$f/terms"
echo '7 a"b c\d 2 100' > "$r/bridges/$b/leases"
if run "$r" terms "$f" floor=1 >/dev/null 2>&1 &&
   [ "$(cat "$r/bridges/$b/functions/$f/terms")" = floor=1 ]; then
	ok terms_path_is_no_format
else
	not_ok terms_path_is_no_format "terms file: $(cat "$r/bridges/$b/functions/$f/terms")"
fi
for cmd in status devices leases; do
	if out=$(run "$r" --json "$cmd" 2>&1) &&
	   echo "$out" | python3 -c 'import json, sys; d = json.load(sys.stdin); assert d[0]["bridge"] == sys.argv[1]' "$b"; then
		ok "json_${cmd}_escapes_names"
	else
		not_ok "json_${cmd}_escapes_names" "$out"
	fi
done

# msi-lease.conf(5): a made-up tree with two bridges, two functions.
r=$tmp/conf
for b in pci0000:00 pci0000:20; do
	mkdir -p "$r/bridges/$b/functions"
	echo unlimited > "$r/bridges/$b/budget"
	echo "[parallel] sequential none" > "$r/bridges/$b/negotiation"
	echo "[closest] priority least-loaded" > "$r/bridges/$b/policy"
	echo 60000 > "$r/bridges/$b/max_lease_ms"
done
mkfn()	# BRIDGE ADDR DRIVER VENDOR DEVICE
{
	local d=$r/bridges/$1/functions/$2

	mkdir -p "$d/device"
	echo 1 > "$d/cooperative"
	echo 0 > "$d/priority"
	echo 1 > "$d/floor"
	echo 4 > "$d/max_lend"
	echo "$3" > "$d/driver"
	echo "0x$4" > "$d/device/vendor"
	echo "0x$5" > "$d/device/device"
}
mkfn pci0000:00 0000:00:03.0 msi_lease_sample 1af4 1110
mkfn pci0000:20 0000:21:00.0 nvme 1b36 0010
reset_writes()
{
	find "$r" -name settings -o -name terms | xargs rm -f
	for f in "$r"/bridges/*/ "$r"/bridges/*/functions/*/; do
		case $f in */functions/*) : > "$f/terms" ;; *) : > "$f/settings" ;; esac
	done
}
cat > "$tmp/good.conf" <<'CONF'
# comment
bridge pci0000:00 budget=24 policy=priority   # trailing comment
bridge * max_lease_ms=1000
function 1af4:1110 priority=5
function driver=nvme floor=2
function 21:00.0 max_lend=3 floor=3
function * cooperative=1
CONF
reset_writes
if out=$(run "$r" apply "$tmp/good.conf" 2>&1) &&
   [ "$(cat "$r/bridges/pci0000:00/settings")" = "budget=24 policy=priority max_lease_ms=1000" ] &&
   [ "$(cat "$r/bridges/pci0000:20/settings")" = "max_lease_ms=1000" ] &&
   [ "$(cat "$r/bridges/pci0000:00/functions/0000:00:03.0/terms")" = "priority=5" ] &&
   [ "$(cat "$r/bridges/pci0000:20/functions/0000:21:00.0/terms")" = "floor=3 max_lend=3" ] &&
   echo "$out" | grep -qx "bridge pci0000:00: budget unlimited -> 24, policy closest -> priority, max_lease_ms 60000 -> 1000"; then
	ok apply_selects_merges_and_writes_once
else
	not_ok apply_selects_merges_and_writes_once "$out" "$(grep -r . "$r" --include=settings --include=terms)"
fi

cat > "$tmp/bad.conf" <<'CONF'
bridge pci0000:00 budget=lots
function 0000:00:03.0 colour=blue
frobnicate
function 1b36:0010
function 99:99.9 floor=1
bridge pci0000:20 budget=7
function 0000:00:03.0 floor
CONF
reset_writes
out=$(run "$r" apply "$tmp/bad.conf" 2>&1) && rc=0 || rc=$?
want="$tmp/bad.conf:1: budget: bad value 'lots'
$tmp/bad.conf:2: function has no key 'colour'
$tmp/bad.conf:3: expected 'bridge' or 'function', got 'frobnicate'
$tmp/bad.conf:4: function 1b36:0010: no KEY=VALUE
$tmp/bad.conf:5: function '99:99.9': not a PCI address, vendor:device or driver=NAME
$tmp/bad.conf:7: expected KEY=VALUE, got 'floor'"
if [ "$rc" = 1 ] &&
   [ "$(echo "$out" | sed -n 's/^msilease: //p')" = "$want" ] &&
   [ "$(cat "$r/bridges/pci0000:20/settings")" = "budget=7" ]; then
	ok apply_reports_bad_lines_applies_good
else
	not_ok apply_reports_bad_lines_applies_good "rc $rc" "$out"
fi

reset_writes
if out=$(run "$r" apply -n "$tmp/good.conf" 2>&1) &&
   [ -z "$(cat "$r"/bridges/*/settings "$r"/bridges/*/functions/*/terms)" ] &&
   echo "$out" | grep -q "^would change function 0000:00:03.0: priority 0 -> 5$"; then
	ok apply_dry_run_writes_nothing
else
	not_ok apply_dry_run_writes_nothing "$out"
fi

reset_writes
if out=$(run "$r" apply --function 21:00.0 "$tmp/good.conf" 2>&1) &&
   [ -z "$(cat "$r"/bridges/*/settings "$r/bridges/pci0000:00/functions/0000:00:03.0/terms")" ] &&
   [ "$(cat "$r/bridges/pci0000:20/functions/0000:21:00.0/terms")" = "floor=3 max_lend=3" ]; then
	ok apply_function_touches_only_it
else
	not_ok apply_function_touches_only_it "$out"
fi

reset_writes
if run "$r" dump > "$tmp/dump.conf" 2>&1 &&
   grep -qx "bridge pci0000:20 budget=unlimited negotiation=parallel policy=closest max_lease_ms=60000" "$tmp/dump.conf" &&
   grep -qx "function 0000:00:03.0 cooperative=1 priority=0 floor=1 max_lend=4" "$tmp/dump.conf" &&
   out=$(run "$r" apply "$tmp/dump.conf" 2>&1) && [ -z "$out" ] &&
   [ -z "$(cat "$r"/bridges/*/settings "$r"/bridges/*/functions/*/terms)" ]; then
	ok dump_then_apply_changes_nothing
else
	not_ok dump_then_apply_changes_nothing "$out" "$(cat "$tmp/dump.conf")"
fi

# A function's cap and method are files of their own, applied and dumped
# beside its terms.
d=$r/bridges/pci0000:20/functions/0000:21:00.0
echo unlimited > "$d/max_vectors"
echo '[none] reset channels rebind' > "$d/method"
printf 'function driver=nvme max_vectors=2 method=reset floor=2\n' > "$tmp/cap.conf"
reset_writes
if out=$(run "$r" apply "$tmp/cap.conf" 2>&1) &&
   [ "$(cat "$d/max_vectors") $(cat "$d/method") $(cat "$d/terms")" = "2 reset floor=2" ] &&
   echo "$out" | grep -qx "function 0000:21:00.0: floor 1 -> 2, max_vectors unlimited -> 2, method none -> reset" &&
   run "$r" dump | grep -qx "function 0000:21:00.0 cooperative=1 priority=0 floor=1 max_lend=4 max_vectors=2 method=reset"; then
	ok apply_and_dump_cap_and_method
else
	not_ok apply_and_dump_cap_and_method "$out" "$(run "$r" dump 2>&1)"
fi
echo bogus > "$tmp/bad2.conf"
printf 'function * method=re-set\nfunction * max_vectors=lots\n' > "$tmp/bad2.conf"
out=$(run "$r" apply -n "$tmp/bad2.conf" 2>&1) && rc=0 || rc=$?
if [ "$rc" = 1 ] && echo "$out" | grep -q "bad2.conf:2: max_vectors: bad value 'lots'"; then
	ok apply_checks_cap_values
else
	not_ok apply_checks_cap_values "rc $rc" "$out"
fi
rm -f "$d/max_vectors" "$d/method"

# top: a bridge's functions with their cap, demand and idle vectors, and
# interrupts per second from /proc/interrupts beside the tree.
rt=$tmp/top/sys/kernel/msi_lease
d=$rt/bridges/pci0000:20/functions/0000:21:00.0
mkdir -p "$d" "$tmp/top/proc"
for kv in budget=12 vectors=3 free=9 lent=0; do
	echo "${kv#*=}" > "$rt/bridges/pci0000:20/${kv%=*}"
done
for kv in driver=nvme vectors=3 max_vectors=unlimited demand=5 unmet=2 \
	  idle=1 irqs='24 25 26'; do
	echo "${kv#*=}" > "$d/${kv%=*}"
done
procints()	# the IRQs' counts on CPU0 and CPU1
{
	printf '           CPU0       CPU1\n'
	printf ' %s:  %s  %s  PCI-MSIX-0000:21:00.0  0-edge  nvme0q0\n' \
		24 "$1" 0 25 "$2" 5 26 0 0 27 1000 1000
	printf 'NMI:          0          0   Non-maskable interrupts\n'
}
procints 10 20 > "$tmp/top/proc/interrupts"
(sleep 1.5; procints 30 120 > "$tmp/top/proc/interrupts.new" &&
	mv "$tmp/top/proc/interrupts.new" "$tmp/top/proc/interrupts") &
if out=$(run "$rt" --json top -b -d 3 -n 2 2>&1) &&
   echo "$out" | python3 -c '
import json, sys
frames = [json.loads(l) for l in sys.stdin if l.strip()]
assert len(frames) == 2, frames
f0, f1 = (fr[0]["functions"][0] for fr in frames)
assert frames[0][0]["budget"] == 12 and f0["driver"] == "nvme", f0
assert (f0["max_vectors"], f0["demand"], f0["unmet"], f0["idle"]) == ("unlimited", 5, 2, 1), f0
assert f0["interrupts"] == 35 and f0["irqs_per_s"] == "-", f0
assert f1["interrupts"] == 155 and f1["irqs_per_s"] == 40, f1'; then
	ok top_counts_and_rates
else
	not_ok top_counts_and_rates "$out"
fi
wait
if out=$(run "$rt" top -b -n 1 pci0000:20 2>&1) &&
   echo "$out" | grep -q '^0000:21:00.0  *nvme  *3  *unlimited  *5  *2  *1  *-$' &&
   ! run "$rt" top -b -n 1 pci0000:99 >/dev/null 2>&1; then
	ok top_table_and_missing_bridge
else
	not_ok top_table_and_missing_bridge "$out"
fi
if : > "$d/max_vectors" && run "$rt" cap 0000:21:00.0 4 && [ "$(cat "$d/max_vectors")" = 4 ] &&
   ! run "$rt" cap 0000:99:00.0 4 2>/dev/null; then
	ok cap_writes_max_vectors
else
	not_ok cap_writes_max_vectors "$(cat "$d/max_vectors")"
fi
: > "$d/method"
: > "$d/resize"
if run "$rt" method 0000:21:00.0 reset && run "$rt" resize 0000:21:00.0 2 &&
   [ "$(cat "$d/method") $(cat "$d/resize")" = "reset 2" ]; then
	ok method_and_resize_write_their_files
else
	not_ok method_and_resize_write_their_files "$(cat "$d/method") $(cat "$d/resize")"
fi

# Bash completion: commands, bridges and functions from the tree, keys.
complete_words()
{
	bash -c '
		_init_completion() {
			cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
			words=("${COMP_WORDS[@]}") cword=$COMP_CWORD
		}
		_filedir() { :; }
		compopt() { :; }
		. "$0"
		COMP_WORDS=("$@") COMP_CWORD=$(($# - 1))
		_msilease
		echo "${COMPREPLY[*]}"' "$top/tools/msilease/msilease.bash-completion" "$@"
}
if [ "$(complete_words msilease ap)" = apply ] &&
   [ "$(complete_words msilease --root "$r" terms "")" = "0000:00:03.0 0000:21:00.0" ] &&
   [ "$(complete_words msilease --root "$r" leases "")" = "pci0000:00 pci0000:20" ] &&
   [ "$(complete_words msilease --root "$r" set pci0000:00 po)" = "policy=" ] &&
   [ "$(complete_words msilease apply --f)" = "--function" ] &&
   [ "$(complete_words msilease --root "$rt" cap 0000:21:00.0 u)" = unlimited ] &&
   [ "$(complete_words msilease --root "$rt" method 0000:21:00.0 re)" = "reset rebind" ]; then
	ok bash_completion
else
	not_ok bash_completion "$(complete_words msilease --root "$r" terms "")"
fi

echo "msilease: $passed passed, $failed failed"
[ "$failed" = 0 ]
