# SPDX-License-Identifier: LGPL-2.1-or-later
# The NBD handshake for the raw Python test clients (nbd-flood.py,
# tls-starttls.py): just enough of the protocol to reach the point each
# client then breaks on purpose.
import socket, struct, sys

OPTS_MAGIC, REP_MAGIC, REQ_MAGIC = 0x49484156454F5054, 0x3e889045565a9, 0x25609513
OPT_ABORT, OPT_LIST, OPT_STARTTLS, OPT_GO = 2, 3, 5, 7
REP_ACK, REP_SERVER, REP_INFO, REP_ERR_INVALID = 1, 2, 3, 0x80000003
CMD_READ = 0
FLAG_FIXED_NEWSTYLE, FLAG_NO_ZEROES = 1, 2

def recvall(s, n):
    b = b''
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c:
            sys.exit('server hung up')
        b += c
    return b

def greet(path, flags, timeout=None):
    """Connect to the Unix socket PATH, read the greeting, answer FLAGS."""
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(timeout)
    s.connect(path)
    recvall(s, 18)
    s.sendall(struct.pack('>I', flags))
    return s

def opt(s, o, data=b''):
    s.sendall(struct.pack('>QII', OPTS_MAGIC, o, len(data)) + data)

def rep(s, o):
    """The type of the next reply, which must answer option O."""
    magic, ro, t, l = struct.unpack('>QIII', recvall(s, 20))
    assert magic == REP_MAGIC and ro == o, (hex(magic), ro)
    recvall(s, l)
    return t

def go(s, name=b''):
    """NBD_OPT_GO NAME (no info requests): return once it is acked."""
    opt(s, OPT_GO, struct.pack('>I', len(name)) + name + struct.pack('>H', 0))
    while True:
        t = rep(s, OPT_GO)
        if t == REP_ACK:
            return
        if t != REP_INFO:
            sys.exit('GO refused: 0x%x' % t)
