#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# serve --tls=require --tls-certificates (certificates made by certtool):
# nbdinfo, nbdcopy, qemu-img and nbdferry read and write through TLS;
# STARTTLS sent twice gets NBD_REP_ERR_INVALID and the session goes on;
# broken options and requests inside TLS cost only their connection;
# with --tls-verify-peer a client certificate from the CA is needed; with
# --tls=on clear-text clients are served too.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/serve-functions.sh"
requires certtool --version
requires nbdinfo --version
requires nbdcopy --version
requires qemu-img --version
requires python3 -c 'import ssl'
# nbdferry built without GnuTLS (configure --without-gnutls) has no TLS.
requires sh -c '$NBDFERRY serve --version | grep -q "TLS: yes"'

pki=$tmp/pki
mkdir "$pki"
cert () {   # cert NAME TEMPLATE-LINES...
  local name=$1; shift
  printf '%s\n' "$@" > "$pki/$name.info"
  certtool --generate-privkey --key-type=ecdsa --outfile "$pki/$name-key.pem" 2>/dev/null
  if [ "$name" = ca ]; then
    certtool --generate-self-signed --load-privkey "$pki/ca-key.pem" \
      --template "$pki/ca.info" --outfile "$pki/ca-cert.pem" 2>/dev/null
  else
    certtool --generate-certificate --load-privkey "$pki/$name-key.pem" \
      --load-ca-certificate "$pki/ca-cert.pem" --load-ca-privkey "$pki/ca-key.pem" \
      --template "$pki/$name.info" --outfile "$pki/$name-cert.pem" 2>/dev/null
  fi || fail "certtool $name"
  chmod 600 "$pki/$name-key.pem"
}
cert ca "cn = test CA" ca cert_signing_key "expiration_days = 2"
cert server "cn = localhost" "dns_name = localhost" tls_www_server \
  encryption_key signing_key "expiration_days = 2"
cert client "cn = client" tls_www_client encryption_key signing_key \
  "expiration_days = 2"
mkdir "$tmp/client"
cp "$pki/ca-cert.pem" "$pki/client-cert.pem" "$pki/client-key.pem" "$tmp/client"

head -c 4M /dev/urandom > "$tmp/src"
truncate -s 4M "$tmp/img"
start_serve s --tls=require --tls-certificates="$pki" "$tmp/img" 2> "$tmp/serve.err"
tls_uri () { u="nbds+unix:///?socket=$sock&tls-certificates=$tmp/client"; }
tls_uri
nbdcopy "$tmp/src" "$u" || fail "nbdcopy through TLS"
cmp "$tmp/src" "$tmp/img" || fail "nbdcopy's data differs"
[ "$(nbdinfo --size "$u")" = 4194304 ] || fail "nbdinfo through TLS"
qemu-img convert -O raw \
  --object tls-creds-x509,id=t0,endpoint=client,dir="$tmp/client" \
  --image-opts driver=nbd,path="$sock",tls-creds=t0,tls-hostname=localhost "$tmp/qemu.img" ||
  fail "qemu-img through TLS"
cmp "$tmp/src" "$tmp/qemu.img" || fail "qemu-img read other bytes"
$NBDFERRY "$u" "$tmp/back" && cmp "$tmp/src" "$tmp/back" ||
  fail "nbdferry as the TLS client"
python3 "$abs_srcdir/tests/tls-starttls.py" "$sock" "$pki/ca-cert.pem" twice ||
  fail "STARTTLS twice"
# The hostile clients of test-serve-hostile.sh, inside TLS.
pids=
for kind in badmagic biglen badrequest; do
  timeout 30 python3 "$abs_srcdir/tests/tls-starttls.py" "$sock" \
    "$pki/ca-cert.pem" $kind & pids="$pids $!"
done
[ "$(nbdinfo --size "$u")" = 4194304 ] || fail "honest client not served"
for p in $pids; do wait $p || fail "a hostile TLS client was not dropped"; done
expect_fail nbdinfo --size "nbd+unix:///?socket=$sock"
[ "$(nbdinfo --size "$u")" = 4194304 ] || fail "served after the refusals"
stop_serve
grep -q warning "$tmp/serve.err" && fail "warning for a private key"

# Client certificates required.
start_serve v --tls=require --tls-certificates="$pki" --tls-verify-peer "$tmp/img"
tls_uri
[ "$(nbdinfo --size "$u")" = 4194304 ] || fail "client certificate refused"
python3 "$abs_srcdir/tests/tls-starttls.py" "$sock" "$pki/ca-cert.pem" nocert ||
  fail "served without a client certificate"
stop_serve

# --tls=on: TLS offered, clear text served too.
start_serve o --tls=on --tls-certificates="$pki" "$tmp/img"
tls_uri
[ "$(nbdinfo --size "$u")" = 4194304 ] || fail "--tls=on: TLS client"
[ "$(nbdinfo --size "$uri")" = 4194304 ] || fail "--tls=on: clear-text client"
stop_serve

# Bad credentials: one line naming the file.
expect_error "nosuch" $NBDFERRY serve --tls=on --tls-certificates="$tmp/nosuch" \
  -U "$tmp/x" "$tmp/img"
expect_error "need --tls=on" $NBDFERRY serve --tls-psk="$tmp/x" -U "$tmp/x" "$tmp/img"
expect_error "needs --tls-certificates" $NBDFERRY serve --tls=on -U "$tmp/x" "$tmp/img"
expect_error "expected off, on or require" $NBDFERRY serve --tls=yes "$tmp/img"
