#!/usr/bin/env bash
# Many workers on many connections write neighbouring pieces of a
# destination with 64 KiB blocks while the unaligned end goes through
# read-modify-write; repeated, no write may be lost.
source "${abs_srcdir:-$(dirname "$0")/..}/tests/functions.sh"
source "$abs_srcdir/tests/blocksize-functions.sh"

size=$((16 * 1024 * 1024))
start_nbdkit dst --filter=log --filter=blocksize-policy \
  memory $size $(policy 65536 65536) logfile="$tmp/dst.log"
for i in 1 2 3 4 5; do
  n=$((size - i * 997))
  head -c $n /dev/urandom > "$tmp/in"
  $NBDFERRY -T 8 -C 8 --request-size=65536 "$tmp/in" "$(nbd_uri dst)" ||
    fail "round $i: copy failed"
  check_requests "$tmp/dst.log" 65536 65536
  dump "$(nbd_uri dst)" "$tmp/out" 65536
  cmp -n $n "$tmp/in" "$tmp/out" || fail "round $i: data differs"
done
[ "$(log_connections "$tmp/dst.log" Write)" -gt 1 ] ||
  fail "expected writes on several connections"
