#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# 64 TLS clients at once (PSK), each writing then reading back its own 1 MiB
# range of one export in 64 KiB requests: no error, every byte right in the
# file afterwards, and the server's peak RSS bounded (under 300 MiB).
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/serve-functions.sh"
requires psktool --version
requires nbdsh --version
# nbdferry built without GnuTLS (configure --without-gnutls) has no TLS.
requires sh -c '$NBDFERRY serve --version | grep -q "TLS: yes"'

psktool -u alice -p "$tmp/keys.psk" >/dev/null
truncate -s 64M "$tmp/img"
start_serve t --tls=require --tls-psk="$tmp/keys.psk" --handshake-timeout=120 \
  "$tmp/img"
nbdsh -c "
import threading
uri = 'nbds+unix://alice@/?socket=$sock&tls-psk-file=$tmp/keys.psk'
errors = []
def client(i):
    try:
        c = nbd.NBD()
        c.set_uri_allow_local_file(True)
        c.connect_uri(uri)
        data = bytes([i + 1]) * 65536
        for k in range(16):
            c.pwrite(data, i * 1048576 + k * 65536)
        for k in range(16):
            if c.pread(65536, i * 1048576 + k * 65536) != data:
                errors.append('client %d: wrong data read back' % i)
        c.shutdown()
    except Exception as e:
        errors.append('client %d: %s' % (i, e))
ts = [threading.Thread(target=client, args=(i,)) for i in range(64)]
for t in ts: t.start()
for t in ts: t.join()
if errors:
    exit('; '.join(errors[:5]))
" || fail "64 TLS clients"
peak=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' /proc/$serve_pid/status)
stop_serve
echo "server peak RSS: $peak kB"
python3 -c "
import sys
d = open('$tmp/img', 'rb').read()
for i in range(64):
    if d[i << 20:(i + 1) << 20] != bytes([i + 1]) * (1 << 20):
        sys.exit('range %d differs in the file' % i)
" || fail "the file's bytes"
[ "$peak" -lt $((300 << 10)) ] || fail "server peak RSS $peak kB"
