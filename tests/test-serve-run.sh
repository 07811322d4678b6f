#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Captive mode: --run gets $uri and $unixsocket, its exit status is ours.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/serve-functions.sh"
requires nbdinfo --version
head -c 1M /dev/urandom > "$tmp/img"
$NBDFERRY serve --run 'nbdinfo --size "$uri" > '"$tmp/size"'; test -S "$unixsocket"' \
  "$tmp/img" || fail "--run failed"
[ "$(cat "$tmp/size")" = 1048576 ] || fail "wrong size through \$uri"
status=0
$NBDFERRY serve --run 'exit 3' "$tmp/img" || status=$?
[ $status -eq 3 ] || fail "exit status $status, expected 3"
# TCP on an ephemeral port.
$NBDFERRY serve --port=0 --run 'case "$uri" in nbd://127.0.0.1:*) nbdinfo --size "$uri";; *) exit 9;; esac' \
  "$tmp/img" > "$tmp/size2" || fail "--port=0 --run"
[ "$(cat "$tmp/size2")" = 1048576 ] || fail "TCP size"
