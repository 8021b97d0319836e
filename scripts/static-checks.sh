#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Static checks over the project's kernel sources, each a test:
#   checkpatch --strict, kernel-doc on every source file, sparse (C=2) and
#   W=1 builds against each lane's kernel (sparse on the debug lane), the
#   Debian packages (make deb: built, lintian-clean, their files), a DKMS
#   build from the packaged sources against each stock kernel's headers,
#   and the rig's own tests (scripts/tests/).
# Prints one "ok/not ok" line per check and writes "passed failed 0" to
# the file given as $1.
. "$(dirname "$0")/lib.sh"

counts=${1:?usage: static-checks.sh COUNTS_FILE}
# What ran at scale, "key count [seconds]" a line, beside the counts.
scale=$(dirname "$counts")/scale
: > "$scale"
"$ML_TOP/scripts/fetch-kernels.sh" src-6.12
# shellcheck disable=SC1090
. "$ML_CACHE/kernels/src-6.12.env"
src=$ML_SRC

cd "$ML_TOP"
passed=0 failed=0
check()
{
	local name=$1 out rc

	shift
	rc=0
	out=$("$@" 2>&1) || rc=$?
	echo "$out" | sed -n 's/^.*ML-SCALE //p' >> "$scale" || true
	if [ $rc = 0 ]; then
		echo "ok static.$name"
		passed=$((passed + 1))
	else
		echo "not ok static.$name"
		echo "$out" | tail -n 40 | sed 's/^/    /'
		failed=$((failed + 1))
	fi
}

# The kernel fetcher's resolver, against recorded apt answers.
check apt_resolve scripts/tests/apt-resolve-test.sh
# msilease against hostile sysfs names, under valgrind.
check msilease_tool scripts/tests/msilease-test.sh
# The judge of every guest run, on made-up runs.
check results_judge scripts/tests/results-test.sh

sources=$(git ls-files 'drivers/*.[ch]' 'include/*.h' 'kunit/*.[ch]' \
	'bench/*.[ch]')

# compat.h compares LINUX_VERSION_CODE by design: it is the one place
# allowed to.  trace.h keeps the tracepoint macro layout used upstream.
checkpatch()
{
	local f ignore out=0

	for f in $sources; do
		ignore=
		case $f in
		*/compat.h) ignore=--ignore=LINUX_VERSION_CODE,CONSTANT_COMPARISON ;;
		# The TP_*() layout of include/trace/events/, as upstream.
		*/trace.h) ignore=--ignore=OPEN_ENDED_LINE,PARENTHESIS_ALIGNMENT ;;
		esac
		"$src/scripts/checkpatch.pl" --strict --no-tree --terse --quiet \
			$ignore -f "$f" || out=1
	done
	return $out
}
check checkpatch checkpatch

kerneldoc()
{
	# -none: only report problems; every exported or documented symbol
	# must have a complete comment.
	out=$("$src/scripts/kernel-doc" -none -Wall $sources 2>&1)
	echo "$out"
	[ -z "$out" ]
}
check kernel_doc kerneldoc

sparse_build()
{
	local out

	out=$("$ML_TOP/scripts/build-module.sh" "$1" C=2 CHECK=sparse) || return 1
	grep -E ': (warning|error):' "$ML_CACHE/modbuild/$1/build.log" && return 1
	return 0
}
for lane in ${ML_STATIC_LANES:-stock-6.1 stock-6.12 debug newest}; do
	check "w1_sparse_$lane" sparse_build "$lane"
done

# The Debian packages, as make deb builds them (lintian-clean), unpacked
# with dpkg-deb -x (no maintainer scripts) into a throw-away root: their
# files, msilease's version, and one version everywhere.
deb_root=$ML_CACHE/deb-root
deb_ver=$(dpkg-parsechangelog -l "$ML_TOP/debian/changelog" -S Version)
deb_package()
{
	local debs d f out ver=$deb_ver bad=0

	rm -rf "$deb_root"
	debs=$("$ML_TOP/scripts/deb.sh") || return 1
	mkdir -p "$deb_root"
	for d in $debs; do
		case ${d##*/} in
		msi-lease-dkms_*.deb|msi-lease-tools_*.deb)
			dpkg-deb -x "$d" "$deb_root" || return 1 ;;
		esac
	done
	for f in usr/sbin/msilease usr/share/man/man8/msilease.8.gz \
		usr/share/man/man5/msi-lease.conf.5.gz etc/msi-lease.conf \
		etc/msi-lease.d/ lib/udev/rules.d/60-msi-lease.rules \
		usr/share/bash-completion/completions/msilease \
		usr/src/msi-lease-$ver/dkms.conf usr/src/msi-lease-$ver/Kbuild; do
		[ -e "$deb_root/$f" ] || { echo "$f: not in the packages"; bad=1; }
	done
	grep -qx "PACKAGE_VERSION=\"$ver\"" \
		"$deb_root/usr/src/msi-lease-$ver/dkms.conf" ||
		{ echo "packaged dkms.conf: not version $ver"; bad=1; }
	out=$("$deb_root/usr/sbin/msilease" --version)
	[ "$out" = "msilease $ver" ] ||
		{ echo "msilease --version: '$out', not $ver"; bad=1; }
	for f in man8/msilease.8 man5/msi-lease.conf.5; do
		out=$(zcat "$deb_root/usr/share/man/$f.gz" | grep '^\.TH ')
		case $out in
		*" \"msi-lease $ver\" "*) ;;
		*) echo "$f: '$out', not msi-lease $ver"; bad=1 ;;
		esac
	done
	return $bad
}
check deb_package deb_package

# DKMS builds and installs msi_lease.ko and msi_lease_sample.ko from the
# package's /usr/src/msi-lease-VER (unpacked by deb_package above); build
# them for each stock kernel into a private tree (nothing installed).
dkms_build()
{
	local lane=$1 tree=$ML_CACHE/dkms/$1 ver=$deb_ver krel m

	[ -e "$deb_root/usr/src/msi-lease-$ver/dkms.conf" ] ||
		{ echo "no packaged sources in $deb_root (static.deb_package)"; return 1; }
	# shellcheck disable=SC1090
	krel=$(. "$ML_CACHE/kernels/$lane.env" && echo "$ML_KREL")
	rm -rf "$tree"
	mkdir -p "$tree/dkms"
	# shellcheck disable=SC1090
	(. "$ML_CACHE/kernels/$lane.env" &&
	 dkms build --dkmstree "$tree/dkms" --sourcetree "$deb_root/usr/src" \
		-m msi-lease -v "$ver" -k "$ML_KREL" \
		--kernelsourcedir "$ML_KDIR") || return 1
	for m in msi_lease msi_lease_sample; do
		modinfo -F vermagic \
			"$tree/dkms/msi-lease/$ver/$krel/x86_64/module/$m.ko" |
			grep -q "^$krel " || { echo "$m.ko: not for $krel"; return 1; }
	done
}
for lane in stock-6.1 stock-6.12; do
	check "dkms_$lane" dkms_build "$lane"
done

# make install into a staging directory: modules, msilease, man page.
make_install()
{
	local dest=$ML_CACHE/install-check src=$ML_CACHE/install-check.src

	rm -rf "$dest" "$src"
	rsync -a --exclude .git "$ML_TOP/" "$src/"
	# shellcheck disable=SC1090
	(. "$ML_CACHE/kernels/stock-6.12.env" &&
	 make -C "$src" install KDIR="$ML_KDIR" DESTDIR="$dest" &&
	 test -e "$dest/lib/modules/$ML_KREL/updates/msi_lease.ko.xz" -o \
	      -e "$dest/lib/modules/$ML_KREL/updates/msi_lease.ko") &&
		test -x "$dest/usr/local/sbin/msilease" &&
		test -e "$dest/usr/local/share/man/man8/msilease.8" &&
		"$dest/usr/local/sbin/msilease" --help >/dev/null
}
check make_install make_install

# The broker core in user space (tools/testing/msi_lease/): a 10-million
# operation threaded stress, a bounded libFuzzer run and the corpus replay,
# all under ASan and UBSan.
usertest()
{
	make -C "$ML_TOP/tools/testing/msi_lease" O="$ML_CACHE/usertest" "$1"
}
check core_stress usertest stress
check core_fuzz usertest fuzz
check core_replay usertest replay

# make bench's core programs build; the utilisation simulation runs a
# short trace (it checks the pool every step and every function's
# vectors at the end) and its rows draw as SVG.
bench_core()
{
	local o=$ML_CACHE/usertest

	make -C "$ML_TOP/tools/testing/msi_lease" O="$o" "$o/bench" \
		"$o/sim" &&
		"$o/sim" --seconds 30 > "$o/sim.txt" &&
		grep -q '^ML-BENCH utilisation bursts leasing' "$o/sim.txt" &&
		python3 "$ML_TOP/scripts/bench-plot.py" "$o" "$o/sim.txt" &&
		python3 -c 'import sys, xml.dom.minidom as m; m.parse(sys.argv[1])' \
			"$o/bench-utilisation.svg"
}
check core_bench bench_core

echo "$passed $failed 0" > "$counts"
echo "static checks: $passed passed, $failed failed"
[ "$failed" = 0 ]
