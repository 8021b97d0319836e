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

passed=0 failed=0
ok()
{
	echo "ok $1"
	passed=$((passed + 1))
}

not_ok()
{
	echo "not ok $1"
	shift
	printf '    %s\n' "$@"
	failed=$((failed + 1))
}

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

echo "msilease: $passed passed, $failed failed"
[ "$failed" = 0 ]
