# SPDX-License-Identifier: LGPL-2.1-or-later
# A raw NBD client that starts TLS (X.509, Python's ssl) and then:
#   twice    sends NBD_OPT_STARTTLS again: it must get NBD_REP_ERR_INVALID,
#            and the session must go on working (NBD_OPT_LIST is answered)
#   nocert   (--tls-verify-peer) offers no client certificate: the server
#            must refuse the handshake
#   badmagic, biglen, badrequest: test-serve-hostile's broken clients,
#            inside TLS: the server must hang up
# Usage: python3 tls-starttls.py SOCKET CA-CERT MODE
import ssl, struct, sys
from nbdwire import *

path, ca, mode = sys.argv[1:4]

s = greet(path, FLAG_FIXED_NEWSTYLE, timeout=20)
opt(s, OPT_STARTTLS)
assert rep(s, OPT_STARTTLS) == REP_ACK
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.load_verify_locations(ca)
if mode == 'nocert':
    try:
        t = ctx.wrap_socket(s)
        opt(t, OPT_LIST)
        rep(t, OPT_LIST)
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
        go(t)
        t.sendall(b'\xee' * 28)
    try:
        while t.recv(4096):
            pass
    except (ssl.SSLError, OSError):
        pass
    print('dropped')
    sys.exit(0)
opt(t, OPT_STARTTLS)
assert rep(t, OPT_STARTTLS) == REP_ERR_INVALID, 'second STARTTLS not refused'
opt(t, OPT_LIST)
types = []
while True:
    types.append(rep(t, OPT_LIST))
    if types[-1] != REP_SERVER:
        break
assert types[-1] == REP_ACK and REP_SERVER in types, types
opt(t, OPT_ABORT)
print('ok')
