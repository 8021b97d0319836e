# SPDX-License-Identifier: GPL-2.0
# What the rig's own tests (scripts/tests/) share: "ok NAME" and
# "not ok NAME" lines with the diagnostics indented, and their tally.
passed=0 failed=0

ok()
{
	echo "ok $1"
	passed=$((passed + 1))
}

# not_ok NAME DIAG...
not_ok()
{
	echo "not ok $1"
	shift
	printf '    %s\n' "$@"
	failed=$((failed + 1))
}
