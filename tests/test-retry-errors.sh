#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Transient errors on both sides (nbdkit's error filter on reads, writes,
# zeroes and extents, at 1 % and 10 %) are retried under --retries: the copy
# ends identical, holes kept.  Without --retries the first error ends the
# copy with a message naming the offset, as before.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/nbd-functions.sh"
source "$abs_srcdir/tests/resilience-functions.sh"

size=$((64 << 20))
truncate -s $size "$tmp/src.img"
for mib in 1 9 30 31 50 63; do
  dd if=/dev/urandom of="$tmp/src.img" bs=1M seek=$mib count=1 \
     conv=notrunc status=none
done

for rate in 1 10; do
  # Old data everywhere: the holes need zero requests, which fail too.
  head -c $size /dev/urandom > "$tmp/dst.img"
  start_nbdkit src$rate --filter=error file "$tmp/src.img" error=EIO \
    error-pread-rate=$rate% error-extents-rate=$rate%
  start_nbdkit dst$rate --filter=error file "$tmp/dst.img" error=EIO \
    error-pwrite-rate=$rate% error-zero-rate=$rate% \
    error-extents-rate=$rate%
  $NBDFERRY -v --flush --retries=20 --retry-delay=0 --request-size=64k \
    "$(nbd_uri src$rate)" "$(nbd_uri dst$rate)" 2>"$tmp/log$rate" ||
    fail "copy at $rate % errors failed: $(cat "$tmp/log$rate")"
  cmp "$tmp/src.img" "$tmp/dst.img" || fail "$rate %: images differ"
  [ "$(allocated "$tmp/dst.img")" -le $((16 << 20)) ] ||
    fail "$rate %: holes not kept ($(allocated "$tmp/dst.img") allocated)"
done
# 10 % of a few hundred requests: some were retried, and said so.
[ "$(summary_count "$tmp/log10" retr)" -gt 0 ] ||
  fail "no retries counted: $(cat "$tmp/log10")"

# Without --retries: one line naming the offset.
head -c $size /dev/urandom > "$tmp/dst.img"
expect_fail $NBDFERRY --request-size=64k "$(nbd_uri src10)" "$(nbd_uri dst10)"
grep -q 'failed at offset [0-9]' "$tmp/err" ||
  fail "no offset in: $(cat "$tmp/err")"
