#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot a guest kernel under QEMU q35 (TCG) with a named topology.
# ttyS0 (the kernel console) goes to OUTDIR/console.log, ttyS1 (the guest
# tests' results) to OUTDIR/results.log; the QEMU monitor listens on
# OUTDIR/monitor.sock for device_del and friends.  A topology naming
# @IVSHMEM@ gets the rig's ivshmem server on OUTDIR/ivshmem.sock.
# A guest line "### ML-HOST <command>" on the results port is sent to
# the QEMU monitor (how guest tests hot-unplug devices with device_del,
# and plug them back with chardev-add and device_add); @IVSHMEM@ in it
# stands for the ivshmem server's socket, as in topologies.  What the
# monitor answers goes to OUTDIR/monitor.log.
#
# Usage: boot-qemu.sh KERNEL INITRD TOPOLOGY OUTDIR TIMEOUT_S [APPEND...]
. "$(dirname "$0")/lib.sh"

kernel=${1:?} initrd=${2:?} topo=${3:?} outdir=${4:?} tmo=${5:?}
shift 5

topofile=$ML_TOP/scripts/topologies/$topo.qemu
[ -r "$topofile" ] || ml_die "no topology $topo ($topofile)"
mkdir -p "$outdir"
sock=$outdir/ivshmem.sock
mapfile -t topoargs < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' \
	-e "s|@IVSHMEM@|$sock|g" "$topofile" | xargs -n 1)
server=
rm -f "$sock"
if grep -q '@IVSHMEM@' "$topofile"; then
	python3 "$ML_TOP/scripts/ivshmem-server.py" "$sock" 8 &
	server=$!
	for _ in $(seq 50); do
		[ -S "$sock" ] && break
		sleep 0.1
	done
fi

# ML_RESULTS_STDIO=1 (the demo) also streams the results port to stdout.
results=(-serial "file:$outdir/results.log")
if [ "${ML_RESULTS_STDIO:-0}" = 1 ]; then
	results=(-chardev "stdio,id=results,signal=off,logfile=$outdir/results.log"
		 -serial chardev:results)
fi

rm -f "$outdir/console.log" "$outdir/monitor.sock" "$outdir/monitor.log"
: > "$outdir/results.log"
# One monitor connection for the whole run, opened as QEMU starts: a
# connection per command would take the lowest free file descriptor in
# QEMU, which after a device_del of an ivshmem-doorbell may be one QEMU
# still polls for the deleted device (see ivshmem_replug_fds in
# scripts/guest/tests/84-replug.sh).
tail -F "$outdir/results.log" 2>/dev/null | while read -r line; do
	case $line in
	"### ML-HOST "*)
		line=${line#"### ML-HOST "}
		line=${line//@IVSHMEM@/$sock}
		echo "> $line" >> "$outdir/monitor.log"
		echo "$line"
		;;
	esac
done | socat -t 1 - "UNIX-CONNECT:$outdir/monitor.sock,retry=3000,interval=0.1" |
	sed -u -e 's/\r//g' -e '/(qemu)/d' -e '/^QEMU .*monitor/d' \
	>> "$outdir/monitor.log" &
watcher=$!
trap 'kill $server $watcher 2>/dev/null || true
      pkill -f "tail -F $outdir/results.log" 2>/dev/null || true' EXIT
start=$(date +%s.%N)
rc=0
timeout -k 10 "$tmo" qemu-system-x86_64 \
	-M q35 -accel tcg -cpu max -smp 2 -m 2G \
	-display none -no-reboot -nodefaults \
	-kernel "$kernel" -initrd "$initrd" \
	-append "console=ttyS0 panic=-1 loglevel=7 $*" \
	-serial "file:$outdir/console.log" "${results[@]}" \
	-monitor "unix:$outdir/monitor.sock,server,nowait" \
	"${topoargs[@]}" || rc=$?
end=$(date +%s.%N)
echo "$start $end" > "$outdir/walltime"
[ $rc = 124 ] && ml_log "qemu: timed out after ${tmo}s"
exit $rc
