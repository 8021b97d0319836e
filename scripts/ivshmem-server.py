#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A small ivshmem server for the rig's ivshmem-doorbell devices.

QEMU's ivshmem-doorbell device connects to a UNIX socket and expects the
protocol of docs/specs/ivshmem-spec.rst: the protocol version (0), the
client's peer id, the shared memory (id -1 with a memfd), then, for
every peer, one eventfd per interrupt vector (the peer's id with the
fd).  QEMU reads up to the shared memory during device realize and the
rest from its main loop.  A device rings a peer by writing "peer << 16 | vector" to its
Doorbell register: QEMU signals that peer's eventfd for the vector, and
the peer's device raises MSI-X on that vector.  The rig's devices ring
themselves, which is how a test makes a device interrupt on a vector it
chooses.  Debian's qemu packages do not ship QEMU's own server.  Unlike
QEMU's, this server does not tell the peers when one leaves (see below).

Usage: ivshmem-server.py SOCKET VECTORS [SHM_BYTES]
Runs until killed; removes SOCKET on start.
"""
import os
import selectors
import socket
import struct
import sys


def send(conn, value, fd=None):
    data = struct.pack("<q", value)
    if fd is None:
        conn.sendall(data)
    else:
        socket.send_fds(conn, [data], [fd])


def main():
    path, vectors = sys.argv[1], int(sys.argv[2])
    size = int(sys.argv[3]) if len(sys.argv) > 3 else 1 << 20
    shm = os.memfd_create("ivshmem")
    os.ftruncate(shm, size)
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(16)
    sel = selectors.DefaultSelector()
    sel.register(srv, selectors.EVENT_READ)
    peers = {}      # id -> (conn, [eventfd...])
    next_id = 0
    while True:
        for key, _ in sel.select():
            if key.fileobj is srv:
                conn, _ = srv.accept()
                pid, next_id = next_id, next_id + 1
                fds = [os.eventfd(0) for _ in range(vectors)]
                send(conn, 0)           # protocol version
                send(conn, pid)         # the client's own id
                send(conn, -1, shm)     # shared memory
                for oid, (_, ofds) in peers.items():
                    for fd in ofds:
                        send(conn, oid, fd)
                for oconn, _ in peers.values():
                    for fd in fds:
                        send(oconn, pid, fd)
                for fd in fds:
                    send(conn, pid, fd)
                peers[pid] = (conn, fds)
                sel.register(conn, selectors.EVENT_READ, pid)
            else:
                pid = key.data
                try:
                    if key.fileobj.recv(64):
                        continue
                except ConnectionError:
                    pass
                # A peer left (its chardev was removed after its device
                # was unplugged, or QEMU exits).  The others are not told:
                # QEMU's ivshmem frees a peer's eventfd array on that
                # message and again when the device goes away
                # (close_peer_eventfds() from ivshmem_exit()), a double
                # free that corrupts QEMU's heap once a device that heard
                # of a departure is unplugged.  They keep the departed
                # peer's eventfds, which nobody rings.
                sel.unregister(key.fileobj)
                conn, fds = peers.pop(pid)
                conn.close()
                for fd in fds:
                    os.close(fd)


if __name__ == "__main__":
    main()
