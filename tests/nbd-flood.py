# SPDX-License-Identifier: LGPL-2.1-or-later
# A hostile NBD client for the memory tests: on each of CONNS connections
# to the Unix socket, finish the handshake (NBD_OPT_GO, simple replies),
# queue COUNT reads of SIZE bytes and never read a reply; hold for HOLD
# seconds, then close everything.
# Usage: python3 nbd-flood.py SOCKET CONNS COUNT SIZE HOLD
import struct, sys, time
from nbdwire import *

path, conns, count, size, hold = sys.argv[1], *map(int, sys.argv[2:6])

def connect():
    s = greet(path, FLAG_FIXED_NEWSTYLE | FLAG_NO_ZEROES)
    go(s)
    return s

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
