#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn one guest run into test results.

Splits the results port log into its KTAP documents, parses each with the
kernel tree's own tools/testing/kunit/kunit.py, adds the lane's own checks
(booted, completed, no kernel splat on the console), prints every failure
with its diagnostics, and writes "passed failed skipped" to --counts and
the tests' ML-SCALE lines (what ran how often) to OUTDIR/scale.
"""
import argparse
import json
import re
import subprocess
import sys
import tempfile

SPLAT = re.compile(
    r"BUG:|WARNING:|KASAN|UBSAN|kmemleak: \d+ new suspected|"
    r"possible circular locking|possible recursive locking|"
    r"inconsistent lock state|DEBUG_LOCKS_WARN_ON|Kernel panic|Oops|"
    r"general protection fault|INFO: task .* blocked|suspicious RCU usage|"
    r"ODEBUG:|list_add corruption|list_del corruption|"
    r"sleeping function called from invalid context|scheduling while atomic|"
    r"unreferenced object|Call Trace:")


# Reports of the kernel itself that the rig provokes and msi_lease has no
# part in.  Each: (name, regexes the report's block must contain
# somewhere, regex none of it may contain, lines in the block: None for
# a report that ends with its stack's "</TASK>").
KNOWN = [
    # pciehp on 6.12 re-takes ctrl->reset_lock under pci_rescan_remove_lock
    # in pciehp_unconfigure_device() while unplugging; lockdep reports the
    # pair on any hot-unplug (the hot-unplug suite runs last for this:
    # lockdep switches itself off after a report).
    ("pciehp reset_lock vs pci_rescan_remove_lock (upstream)",
     [r"possible circular locking", r"reset_lock", r"pci_rescan_remove_lock",
      r"pciehp_unconfigure_device"], r"msi_lease", None),
    # The debug kernel (6.12.95, KASAN) under TCG, rarely: an interrupt
    # taken in early boot (arch_cpu_finalize_init) reads per-CPU data
    # whose KASAN shadow is not mapped yet.  Seconds before any module.
    ("early-boot KASAN report in rcu_is_watching (upstream)",
     [r"KASAN: wild-memory-access in rcu_is_watching", r"start_kernel",
      r"swapper/0"], r"msi_lease", None),
    # nvme on 6.12.y starts freezing its queues in reset_prepare() and
    # unfreezes them from its reset work; 6.12.95 models the freeze as a
    # lock for lockdep, so any function reset of nvme (the kernel's own
    # /sys/bus/pci/devices/*/reset too, with msi_lease not loaded: same
    # report) leaves the resetting task "holding" it.  Upstream nvme
    # moved to the non-owner freeze since; 7.3 does not report it.  The
    # report has no stack: its block is the header and the locks (seven
    # lines, and room for a few printed on another CPU in between).
    ("nvme freeze held across reset on 6.12.y (upstream)",
     [r"lock held when returning to user space", r"6\.12\.",
      r" 2 locks held by ", r"#0: .*nvme_start_freeze",
      r"#1: .*nvme_start_freeze"], r"msi_lease|#2: ", 10),
]


# A driver's message ("nvme nvme0: ...", "msi_lease_sample 0000:23:00.0:
# ...") that another CPU printed in the middle of a report: not part of
# it, so it neither makes nor clears the report.
DEV_LINE = re.compile(r"\]\s+[\w-]+ [\w:.-]+: ")


def known_block(console, i):
    """If a known report starts at console[i], return its end, else None."""
    stack = i + 1
    while stack < len(console) and "</TASK>" not in console[stack]:
        stack += 1
    for _name, musts, mustnt, lines in KNOWN:
        end = stack if lines is None else min(i + lines, len(console)) - 1
        block = "".join(l for l in console[i:end + 1]
                        if not DEV_LINE.search(l))
        if all(re.search(m, block) for m in musts) and \
                not re.search(mustnt, block):
            return end + 1
    return None


def find_splats(console):
    """Indexes of splat lines, leaving out known upstream reports."""
    splats, i = [], 0
    while i < len(console):
        if SPLAT.search(console[i]):
            end = known_block(console, i)
            if end is not None:
                i = end
                continue
            splats.append(i)
        i += 1
    return splats


def leaves(group):
    for case in group.get("test_cases", []):
        yield group["name"], case
    for sub in group.get("sub_groups", []):
        yield from leaves(sub)


def parse_doc(kunit_py, name, lines):
    """Parse one KTAP document with kunit.py; yield (name, status)."""
    with tempfile.NamedTemporaryFile("w", suffix=".ktap") as doc, \
            tempfile.NamedTemporaryFile("r", suffix=".json") as js:
        doc.write("".join(lines))
        doc.flush()
        proc = subprocess.run(
            [sys.executable, kunit_py, "parse", "--json=" + js.name, doc.name],
            capture_output=True, text=True, check=False)
        try:
            tree = json.load(open(js.name))
        except ValueError:
            yield name + ".parse", "FAIL", proc.stdout[-2000:]
            return
        n = 0
        for group, case in leaves(tree):
            n += 1
            yield f"{group}.{case['name']}", case["status"], None
        # A crash mid-suite leaves fewer results than planned; kunit.py
        # reports that in its exit status.
        statuses = [c["status"] for _, c in leaves(tree)]
        if proc.returncode != 0 and n and "FAIL" not in statuses and \
                "ERROR" not in statuses and set(statuses) != {"SKIP"}:
            yield name + ".complete", "FAIL", proc.stdout[-2000:]
        if n == 0:
            yield name + ".has_tests", "FAIL", "no test in document"


RESULT = re.compile(r"\s*(not )?ok \d+ (.*?)(?: # .*)?$")


def failure_block(lines, short):
    """What a failed KUnit case logged: its seed line, and from its first
    failure report to its result line (at most 30 lines).  A case's log
    comes before its result line, after the previous result."""
    for i, line in enumerate(lines):
        m = RESULT.match(line.rstrip())
        if not m or not m.group(1) or m.group(2) != short:
            continue
        j = i
        while j > 0 and not RESULT.match(lines[j - 1].rstrip()) and \
                "# Subtest:" not in lines[j - 1]:
            j -= 1
        block = [l.rstrip() for l in lines[j:i]]
        seed = [l for l in block if "seed=" in l][:1]
        first = next((k for k, l in enumerate(block) if "FAILED at" in l),
                     None)
        return seed + ([] if first is None else block[first:first + 30])
    return []


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lane", required=True)
    ap.add_argument("--outdir", required=True)
    ap.add_argument("--kunit-py", required=True)
    ap.add_argument("--counts", required=True)
    args = ap.parse_args()

    def read(name):
        try:
            with open(f"{args.outdir}/{name}", errors="backslashreplace") as f:
                return f.read().splitlines(keepends=True)
        except FileNotFoundError:
            return []

    results = read("results.log")
    console = read("console.log")
    outcome = []  # (name, status, diag)

    booted = any(l.startswith("### ML-BOOTED") for l in results)
    done = any(l.startswith("### ML-DONE") for l in results)
    outcome.append(("lane.booted", "PASS" if booted else "FAIL", None))
    outcome.append(("lane.completed", "PASS" if done else "FAIL",
                    None if done else "".join(results[-10:] + console[-30:])))

    doc, name = None, None
    for line in results:
        if line.startswith("### ML-KTAP-BEGIN "):
            name, doc = line.split()[2], []
        elif line.startswith("### ML-KTAP-END"):
            if doc is not None:
                outcome.extend(parse_doc(args.kunit_py, name, doc))
            doc = None
        elif doc is not None:
            doc.append(line)
    if doc is not None:
        outcome.append((name + ".ended", "FAIL", "document cut off"))

    splats = find_splats(console)
    diag = None
    if splats:
        i = splats[0]
        diag = "".join(console[max(0, i - 5):i + 40])
    outcome.append(("lane.no_kernel_splat", "FAIL" if splats else "PASS", diag))

    diags = {}
    for line in results:
        m = re.match(r"\s*# ([^:]+): (.*)", line)
        if m:
            diags.setdefault(m.group(1), []).append(m.group(2))

    passed = failed = skipped = 0
    for tname, status, diag in outcome:
        if status == "PASS":
            passed += 1
        elif status == "SKIP":
            skipped += 1
        else:
            failed += 1
            short = tname.split(".")[-1]
            print(f"FAIL {args.lane}: {tname}")
            for d in failure_block(results, short) or diags.get(short, []):
                print(f"    {d.strip()}")
            if diag:
                print("    " + diag.rstrip().replace("\n", "\n    "))
    print(f"lane {args.lane}: {passed} passed, {failed} failed, "
          f"{skipped} skipped")
    with open(args.counts, "w") as f:
        f.write(f"{passed} {failed} {skipped}\n")
    # What the lane ran at scale (operations, injections, cycles), as the
    # tests reported it: "### ML-SCALE key count [seconds]".
    # A key reported several times (the stress's parts) is summed.
    scale = {}
    for line in results + console:
        m = re.search(r"### ML-SCALE (\S+) (\d+)(?: ([\d.]+)s)?$", line.rstrip())
        if m:
            n, t = scale.get(m.group(1), (0, None))
            if m.group(3) is not None:
                t = (t or 0.0) + float(m.group(3))
            scale[m.group(1)] = (n + int(m.group(2)), t)
    with open(f"{args.outdir}/scale", "w") as f:
        for key, (n, t) in scale.items():
            f.write(f"{key} {n}" + (f" {t:.1f}s" if t is not None else "") + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
