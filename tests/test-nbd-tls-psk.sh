#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# TLS with a pre-shared key: nbds+unix URIs with tls-psk-file as source and
# destination of the same copy.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/nbd-functions.sh"
requires psktool --version
requires sh -c "nbdkit --dump-config | grep -qx tls=yes"

psktool -u alice -p "$tmp/keys.psk" >/dev/null || fail "psktool failed"
start_nbdkit src --tls=require --tls-psk="$tmp/keys.psk" \
  sparse-random 16M seed=4 percent=30 runlength=262144
start_nbdkit dst --tls=require --tls-psk="$tmp/keys.psk" memory 16M
tls () {
  echo "nbds+unix://alice@/?socket=$tmp/$1.sock&tls-psk-file=$tmp/keys.psk"
}
$NBDFERRY "$(tls src)" "$(tls dst)" || fail "TLS copy failed"
dump "$(tls src)" "$tmp/src.img"
dump "$(tls dst)" "$tmp/dst.img"
cmp "$tmp/src.img" "$tmp/dst.img" || fail "destination differs from source"
# Without TLS the server refuses us: the error says so in one line.
expect_error "$(nbd_uri dst)" $NBDFERRY "$(tls src)" "$(nbd_uri dst)"
