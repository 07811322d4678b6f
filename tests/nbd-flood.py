# SPDX-License-Identifier: LGPL-2.1-or-later
# A hostile NBD client for the memory tests: on each of CONNS connections
# to the Unix socket, finish the handshake (NBD_OPT_GO, simple replies),
# queue COUNT reads of SIZE bytes and never read a reply; hold for HOLD
# seconds, then close everything.
# Usage: python3 nbd-flood.py SOCKET CONNS COUNT SIZE HOLD
import socket, struct, sys, time

OPTS_MAGIC, REP_MAGIC = 0x49484156454F5054, 0x3e889045565a9
REQ_MAGIC, GO, CMD_READ = 0x25609513, 7, 0
path, conns, count, size, hold = sys.argv[1], *map(int, sys.argv[2:6])

def recvall(s, n):
    b = b''
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c:
            sys.exit('server hung up in the handshake')
        b += c
    return b

def connect():
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    recvall(s, 18)
    s.sendall(struct.pack('>I', 3))        # fixed newstyle, no zeroes
    s.sendall(struct.pack('>QIIIH', OPTS_MAGIC, GO, 6, 0, 0))
    while True:
        magic, opt, typ, length = struct.unpack('>QIII', recvall(s, 20))
        recvall(s, length)
        if typ == 1:                       # NBD_REP_ACK
            return s
        if typ != 3:                       # NBD_REP_INFO
            sys.exit('GO refused: 0x%x' % typ)

socks = [connect() for _ in range(conns)]
for s in socks:
    s.setblocking(False)
    for i in range(count):
        req = struct.pack('>IHHQQI', REQ_MAGIC, 0, CMD_READ, i, 0, size)
        try:
            s.send(req)
        except BlockingIOError:
            break
print('flooding', flush=True)
time.sleep(hold)
for s in socks:
    s.close()
