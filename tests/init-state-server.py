#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# A test double for the init-state probe: a fixed-newstyle NBD handshake on
# a Unix socket that answers NBD_OPT_INFO with NBD_INFO_INIT_STATE (type 4)
# when asked, in a non-standard order (init state first, export last).
# NBD_OPT_GO gets a plain answer (multi-conn advertised) so that libnbd can
# connect, then the connection idles until the client leaves: the probe
# runs beside a libnbd connection and needs no transmission.  Every client
# has its own thread.
#
# init-state-server.py SOCKET MODE [MASK] [LOG]
#   MODE: ack-abort   answer NBD_OPT_ABORT with an ACK
#         close-abort close on NBD_OPT_ABORT (as nbd-server does)
#         hang        serve the first client; accept the others, send
#                     them nothing
#         huge        answer INFO with a reply claiming 1 GiB of payload
#         err         answer INFO with NBD_REP_ERR_UNKNOWN
#   MASK: the 16-bit init-state mask to advertise (default 3)
#   LOG:  file to append "export=NAME types=T,T,..." to for each INFO
import os
import socket
import struct
import sys
import threading

NBDMAGIC = 0x4E42444D41474943
IHAVEOPT = 0x49484156454F5054
REPMAGIC = 0x0003E889045565A9
OPT_ABORT, OPT_INFO, OPT_GO = 2, 6, 7
REP_ACK, REP_INFO = 1, 3
REP_ERR_UNSUP, REP_ERR_UNKNOWN = 0x80000001, 0x80000006

path, mode = sys.argv[1], sys.argv[2]
mask = int(sys.argv[3]) if len(sys.argv) > 3 else 3
log = sys.argv[4] if len(sys.argv) > 4 else None


def recvall(c, n):
    b = b""
    while len(b) < n:
        d = c.recv(n - len(b))
        if not d:
            raise EOFError
        b += d
    return b


def reply(c, opt, typ, data=b""):
    c.sendall(struct.pack(">QIII", REPMAGIC, opt, typ, len(data)) + data)


def go(c, opt):
    reply(c, opt, REP_INFO, struct.pack(">HQH", 0, 1 << 20, 0x101))
    reply(c, opt, REP_ACK)
    while c.recv(4096):
        pass


def info(c, opt, data):
    nlen = struct.unpack(">I", data[:4])[0]
    name = data[4:4 + nlen].decode()
    n = struct.unpack(">H", data[4 + nlen:6 + nlen])[0]
    types = struct.unpack(">%dH" % n, data[6 + nlen:6 + nlen + 2 * n])
    if log:
        with open(log, "a") as f:
            f.write("export=%s types=%s\n" % (name, ",".join(map(str, types))))
    if mode == "huge":
        c.sendall(struct.pack(">QIII", REPMAGIC, opt, REP_INFO, 1 << 30))
        return
    if mode == "err":
        reply(c, opt, REP_ERR_UNKNOWN, b"no such export")
        return
    if 4 in types:
        reply(c, opt, REP_INFO, struct.pack(">HH", 4, mask))
    reply(c, opt, REP_INFO, struct.pack(">HIII", 3, 1, 4096, 1 << 25))
    reply(c, opt, 99, b"an unknown reply type")
    reply(c, opt, REP_INFO, struct.pack(">HQH", 0, 1 << 20, 1))
    reply(c, opt, REP_ACK)


def serve(c):
    c.sendall(struct.pack(">QQH", NBDMAGIC, IHAVEOPT, 3))
    recvall(c, 4)
    while True:
        magic, opt, ln = struct.unpack(">QII", recvall(c, 16))
        assert magic == IHAVEOPT and ln < 65536
        data = recvall(c, ln)
        if opt == OPT_ABORT:
            if mode == "ack-abort":
                reply(c, opt, REP_ACK)
            return
        if opt == OPT_GO:
            return go(c, opt)
        if opt == OPT_INFO:
            info(c, opt, data)
        else:
            reply(c, opt, REP_ERR_UNSUP)


def client(c, first):
    try:
        if mode == "hang" and not first:
            c.recv(1)
        else:
            serve(c)
    except (EOFError, OSError):
        pass
    c.close()


s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path)
s.listen(5)
with open(path + ".pid", "w") as f:
    f.write(str(os.getpid()))
first = True
while True:
    c, _ = s.accept()
    threading.Thread(target=client, args=(c, first), daemon=True).start()
    first = False
