#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# serve --tls=require --tls-psk: nbdcopy, nbdinfo, nbdsh, qemu-io, qemu-img
# and nbdferry itself read and write through TLS with a pre-shared key;
# clear-text clients, a wrong key, an unknown user, EXPORT_NAME before TLS,
# a client stalling or sending junk in the TLS handshake are each refused
# while honest clients keep being served; a key file others can read gets
# a warning.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/serve-functions.sh"
requires psktool --version
requires nbdinfo --version
requires nbdcopy --version
requires qemu-io --version
# nbdferry built without GnuTLS (configure --without-gnutls) has no TLS.
requires sh -c '$NBDFERRY serve --version | grep -q "TLS: yes"'

mkdir "$tmp/psk" "$tmp/wrong" "$tmp/bob"
psktool -u alice -p "$tmp/psk/keys.psk" >/dev/null
psktool -u alice -p "$tmp/wrong/keys.psk" >/dev/null
psktool -u bob -p "$tmp/bob/keys.psk" >/dev/null
chmod 600 "$tmp"/*/keys.psk
head -c 8M /dev/urandom > "$tmp/src"
truncate -s 8M "$tmp/img"

start_serve s --tls=require --tls-psk="$tmp/psk/keys.psk" \
  --handshake-timeout=3 disk="$tmp/img" 2> "$tmp/serve.err"
tls () { echo "nbds+unix://$2@/disk?socket=$sock&tls-psk-file=$tmp/$1/keys.psk"; }
u=$(tls psk alice)

nbdcopy "$tmp/src" "$u" || fail "nbdcopy to the TLS export"
cmp "$tmp/src" "$tmp/img" || fail "nbdcopy's data differs"
[ "$(nbdinfo --size "$u")" = 8388608 ] || fail "nbdinfo through TLS"
nbdsh -c "
h.set_uri_allow_local_file(True)
h.connect_uri('$u')" -c '
assert h.get_tls_negotiated()
h.pwrite(b"\x5a" * 4096, 4096)
assert h.pread(4096, 4096) == b"\x5a" * 4096
' || fail "nbdsh through TLS"
printf '\x5a%.0s' $(seq 4096) | dd of="$tmp/src" bs=4096 seek=1 conv=notrunc status=none
qemu () {
  "$@" --object tls-creds-psk,id=t0,endpoint=client,dir="$tmp/psk",username=alice \
    --image-opts driver=nbd,path="$sock",export=disk,tls-creds=t0
}
qemu qemu-io -c 'write -P 0x33 1M 64k' -c 'read -P 0x33 1M 64k' ||
  fail "qemu-io through TLS"
printf '\x33%.0s' $(seq 65536) | dd of="$tmp/src" bs=64k seek=16 conv=notrunc status=none
qemu-img convert -O raw --object tls-creds-psk,id=t0,endpoint=client,dir="$tmp/psk",username=alice \
  --image-opts driver=nbd,path="$sock",export=disk,tls-creds=t0 "$tmp/qemu.img" ||
  fail "qemu-img through TLS"
cmp "$tmp/src" "$tmp/qemu.img" || fail "qemu-img read other bytes"
$NBDFERRY "$u" "$tmp/back" || fail "nbdferry as the TLS client"
cmp "$tmp/src" "$tmp/back" || fail "nbdferry read other bytes"

# Refused: each costs only its own connection.
expect_fail nbdinfo --size "nbd+unix:///disk?socket=$sock"
grep -q "requires TLS" "$tmp/err" || fail "clear text not refused for TLS"
expect_fail nbdinfo --size "$(tls wrong alice)"
expect_fail nbdinfo --size "$(tls bob bob)"
nbdraw "$sock" tlsreqd || fail "options answered before STARTTLS"
pids=
for kind in tlsstall tlsgarbage tlsexportname; do
  nbdraw "$sock" hostile $kind & pids="$pids $!"
done
for i in 1 2 3; do
  [ "$(nbdinfo --size "$u")" = 8388608 ] || fail "honest client not served"
done
for p in $pids; do wait $p || fail "a hostile TLS client was not dropped"; done
$NBDFERRY "$u" "$tmp/back2" && cmp "$tmp/src" "$tmp/back2" ||
  fail "copy after the hostile clients"
stop_serve
cat "$tmp/serve.err"
grep -q "warning" "$tmp/serve.err" && fail "warning for a private key file"

# A key file others can read: served, with a warning.
chmod 644 "$tmp/psk/keys.psk"
$NBDFERRY serve --tls=require --tls-psk="$tmp/psk/keys.psk" \
  --run 'nbdinfo --size "nbds+unix://alice@/?socket=$unixsocket&tls-psk-file='"$tmp/psk/keys.psk"'"' \
  "$tmp/img" > "$tmp/out" 2> "$tmp/err" || fail "--run with TLS"
cat "$tmp/err"
grep -q "keys.psk can be read by other users" "$tmp/err" ||
  fail "no warning for a readable key file"
[ "$(cat "$tmp/out")" = 8388608 ] || fail "--run client through TLS"
