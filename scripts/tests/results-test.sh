#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# results.py, the judge of every guest run, on made-up runs: a failed
# KUnit case is shown with its seed and what it logged from its first
# failure on; a kernel report the rig knows to be upstream's is not a
# splat, and one with msi_lease in it is.
. "$(dirname "$0")/../lib.sh"
. "$ML_CACHE/kernels/src-6.12.env"
kunit_py=$ML_SRC/tools/testing/kunit/kunit.py

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/tap.sh"

judge()	# OUTDIR: results.py's verdict on it
{
	python3 "$ML_TOP/scripts/results.py" --lane test --outdir "$1" \
		--kunit-py "$kunit_py" --counts "$1/counts" 2>&1 || true
}

mkdir -p "$tmp/kunit"
cat > "$tmp/kunit/results.log" <<'LOG'
### ML-BOOTED test 1.0
### ML-KTAP-BEGIN msi_lease_kunit
KTAP version 1
1..1
    KTAP version 1
    # Subtest: msi_lease_stress
    # module: msi_lease_kunit
    1..1
        KTAP version 1
        # Subtest: million_operations_lose_nothing
    # million_operations_lose_nothing: stress_seed=42, part 0: 100 operations, 4 threads
    # million_operations_lose_nothing:   borrow: 7
        ok 1 part 1 of 2
    # million_operations_lose_nothing: stress_seed=42, part 1: 100 operations, 4 threads
    # million_operations_lose_nothing:   borrow: 9
    # million_operations_lose_nothing: EXPECTATION FAILED at kunit/stress_test.c:553
    Expected held == d->real, but
        held == 2 (0x2)
        d->real == 1 (0x1)
client 0
        not ok 2 part 2 of 2
    # million_operations_lose_nothing: pass:1 fail:1 skip:0 total:2
    not ok 1 million_operations_lose_nothing
# msi_lease_stress: pass:0 fail:1 skip:0 total:1
not ok 1 msi_lease_stress
### ML-KTAP-END msi_lease_kunit
### ML-DONE 2.0
LOG
: > "$tmp/kunit/console.log"
out=$(judge "$tmp/kunit")
want="FAIL test: million_operations_lose_nothing.part 2 of 2
    # million_operations_lose_nothing: stress_seed=42, part 1: 100 operations, 4 threads
    # million_operations_lose_nothing: EXPECTATION FAILED at kunit/stress_test.c:553
    Expected held == d->real, but
    held == 2 (0x2)
    d->real == 1 (0x1)
    client 0
lane test: 4 passed, 1 failed, 0 skipped"
if [ "$out" = "$want" ]; then
	ok failed_case_shows_seed_and_failure
else
	not_ok failed_case_shows_seed_and_failure "$out"
fi

# The 6.12 nvme lockdep report of a function reset (with a line another
# CPU printed in between, as the debug lane had it): upstream's when it
# is exactly that; ours if msi_lease shows up in it.
mkdir -p "$tmp/splat"
printf '### ML-BOOTED test 1.0\n### ML-DONE 2.0\n' > "$tmp/splat/results.log"
report()	# TASK
{
	cat <<REPORT
[  127.162071] ================================================
[  127.162547] WARNING: lock held when returning to user space!
[  127.162800] nvme nvme0: Ignoring bogus Namespace Identifiers
[  127.163756] 6.12.95 #1 Tainted: G           O
[  127.164283] ------------------------------------------------
[  127.164751] $1/244 is leaving the kernel with locks still held!
[  127.165185] 2 locks held by $1/244:
[  127.165447]  #0: ff11 (&q->q_usage_counter(io)){++++}-{0:0}, at: nvme_start_freeze+0x69/0x86
[  127.166960]  #1: ff11 (&q->q_usage_counter(queue)#2){+.+.}-{0:0}, at: nvme_start_freeze+0x69/0x86
[  131.030589] nvme nvme0: 2/0/0 default/read/poll queues
REPORT
}
report msilease > "$tmp/splat/console.log"
if judge "$tmp/splat" | grep -qx "lane test: 3 passed, 0 failed, 0 skipped"; then
	ok upstream_nvme_report_is_known
else
	not_ok upstream_nvme_report_is_known "$(judge "$tmp/splat")"
fi
# The debug lane had it so: the sample driver logging on another CPU
# right after the report is not part of it.
report msilease | sed '$s/nvme nvme0: 2.0.0 default.read.poll queues/msi_lease_sample 0000:23:00.0: lease 1 ended/' \
	> "$tmp/splat/console.log"
if judge "$tmp/splat" | grep -qx "lane test: 3 passed, 0 failed, 0 skipped"; then
	ok driver_line_after_nvme_report_is_not_in_it
else
	not_ok driver_line_after_nvme_report_is_not_in_it "$(judge "$tmp/splat")"
fi
report msi_lease_sample > "$tmp/splat/console.log"
if judge "$tmp/splat" | grep -q "^FAIL test: lane.no_kernel_splat"; then
	ok report_naming_msi_lease_is_a_splat
else
	not_ok report_naming_msi_lease_is_a_splat "$(judge "$tmp/splat")"
fi

echo "results: $passed passed, $failed failed"
[ "$failed" = 0 ]
