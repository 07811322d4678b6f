#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# --retries covers the first connection too: a source server that comes up
# a few seconds after nbdferry starts is connected to and copied from,
# each failed attempt said; without --retries the copy fails at once; a
# server that answers with a refusal no retry can change (TLS required)
# is not asked again.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/nbd-functions.sh"
requires timeout --version

nbdcopy -- [ nbdkit pattern 8M ] "$tmp/want.img"

# The server starts 2 s after the copy: retries at 0.5, 1, 2, 4 s.
( sleep 2; start_nbdkit late pattern 8M; wait ) &
cleanup_fn "kill \$(cat $tmp/late.pid 2>/dev/null) 2>/dev/null"
timeout 120 $NBDFERRY --retries=5 --retry-delay=0.5 "$(nbd_uri late)" \
  "$tmp/got.img" 2> "$tmp/log" || fail "copy failed: $(cat "$tmp/log")"
cat "$tmp/log" >&2
cmp "$tmp/want.img" "$tmp/got.img" || fail "images differ"
grep -q "late.sock: connecting again (1 of 5, --retries)" "$tmp/log" ||
  fail "the failed first attempt was not said"
kill "$(cat "$tmp/late.pid")"

# Without --retries: one attempt, the destination not created.
rm -f "$tmp/got.img"
expect_error "missing.sock: .*No such file" \
  $NBDFERRY "$(nbd_uri missing)" "$tmp/got.img"
[ ! -e "$tmp/got.img" ] || fail "a failed connection created the destination"

# TLS required: "not supported" is an answer, not an absent server.
printf 'alice:%s\n' 0123456789abcdef0123456789abcdef > "$tmp/keys.psk"
start_nbdkit tls --tls=require --tls-psk="$tmp/keys.psk" pattern 8M
SECONDS=0
expect_error "TLS" timeout 60 $NBDFERRY --retries=5 --retry-delay=10 \
  "$(nbd_uri tls)" "$tmp/got.img"
[ "$SECONDS" -lt 10 ] || fail "a TLS refusal was retried"
[ ! -e "$tmp/got.img" ] || fail "a refused connection created the destination"
