# SPDX-License-Identifier: LGPL-2.1-or-later
# A raw NBD client that starts TLS (X.509, Python's ssl) and then:
#   twice    sends NBD_OPT_STARTTLS again: it must get NBD_REP_ERR_INVALID,
#            and the session must go on working (NBD_OPT_LIST is answered)
#   nocert   (--tls-verify-peer) offers no client certificate: the server
#            must refuse the handshake
#   badmagic, biglen, badrequest: test-serve-hostile's broken clients,
#            inside TLS: the server must hang up
# Usage: python3 tls-starttls.py SOCKET CA-CERT MODE
import socket, ssl, struct, sys

OPTS_MAGIC, REP_MAGIC = 0x49484156454F5054, 0x3e889045565a9
STARTTLS, LIST, ABORT = 5, 3, 2
ACK, SERVER, ERR_INVALID = 1, 2, 0x80000003
path, ca, mode = sys.argv[1:4]

def recvall(s, n):
    b = b''
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c:
            sys.exit('server hung up')
        b += c
    return b

def opt(s, o, data=b''):
    s.sendall(struct.pack('>QII', OPTS_MAGIC, o, len(data)) + data)

def rep(s, o):
    magic, ro, t, l = struct.unpack('>QIII', recvall(s, 20))
    assert magic == REP_MAGIC and ro == o, (hex(magic), ro)
    recvall(s, l)
    return t

s = socket.socket(socket.AF_UNIX)
s.settimeout(20)
s.connect(path)
recvall(s, 18)
s.sendall(struct.pack('>I', 1))
opt(s, STARTTLS)
assert rep(s, STARTTLS) == ACK
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.load_verify_locations(ca)
if mode == 'nocert':
    try:
        t = ctx.wrap_socket(s)
        opt(t, LIST)
        rep(t, LIST)
    except (ssl.SSLError, OSError, AssertionError, SystemExit) as e:
        print('refused:', e)
        sys.exit(0)
    sys.exit('a client without a certificate was served')
t = ctx.wrap_socket(s)
if mode in ('badmagic', 'biglen', 'badrequest'):
    if mode == 'badmagic':
        t.sendall(struct.pack('>QII', REP_MAGIC, 6, 0))
    elif mode == 'biglen':
        t.sendall(struct.pack('>QII', OPTS_MAGIC, 6, 0xffffffff))
    else:
        opt(t, 7, struct.pack('>IH', 0, 0))          # GO ""
        while rep(t, 7) != ACK:
            pass
        t.sendall(b'\xee' * 28)
    try:
        while t.recv(4096):
            pass
    except (ssl.SSLError, OSError):
        pass
    print('dropped')
    sys.exit(0)
opt(t, STARTTLS)
assert rep(t, STARTTLS) == ERR_INVALID, 'second STARTTLS not refused'
opt(t, LIST)
types = []
while True:
    types.append(rep(t, LIST))
    if types[-1] != SERVER:
        break
assert types[-1] == ACK and SERVER in types, types
opt(t, ABORT)
print('ok')
