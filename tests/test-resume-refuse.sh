#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A --resume state recorded for another copy (another source, size or
# option) is refused with one line naming what differs, and a corrupt or
# truncated one is never trusted; the destination is left as it was.
# Streams cannot resume.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/nbd-functions.sh"

# A state is written as soon as the copy begins: make one with a source
# whose reads all fail.
start_nbdkit bad --filter=error pattern 8M error=EIO error-pread-rate=100%
start_nbdkit other pattern 8M
head -c 8M /dev/urandom > "$tmp/dst.img"
expect_fail $NBDFERRY --resume="$tmp/state" "$(nbd_uri bad)" "$tmp/dst.img"
[ -s "$tmp/state" ] || fail "no state written"
cp "$tmp/state" "$tmp/good"
head -c 8M /dev/urandom > "$tmp/dst.img"
cp "$tmp/dst.img" "$tmp/before.img"

refused () {
  local pat=$1; shift
  cp "$tmp/good" "$tmp/state"
  expect_error "$pat" $NBDFERRY --resume="$tmp/state" "$@"
  cmp "$tmp/before.img" "$tmp/dst.img" || fail "destination touched: $*"
}
refused "the source was '.*bad.sock', now '.*other.sock'" \
  "$(nbd_uri other)" "$tmp/dst.img"
refused "the destination was '.*dst.img', now '.*before.img'" \
  "$(nbd_uri bad)" "$tmp/before.img"
cp "$tmp/dst.img" "$tmp/before.img"
refused "--allocated was 'off', now 'on'" --allocated \
  "$(nbd_uri bad)" "$tmp/dst.img"
refused "--sparse was '4096', now '65536'" -S 64k \
  "$(nbd_uri bad)" "$tmp/dst.img"
# The same URI, now a smaller export.
kill "$(cat "$tmp/bad.pid")"
sleep 1
rm -f "$tmp/bad.sock"
start_nbdkit bad --filter=error pattern 4M error=EIO error-pread-rate=100%
refused "the source size was '8388608', now '4194304'" \
  "$(nbd_uri bad)" "$tmp/dst.img"

# Corrupt: truncated, one digit changed, not ours at all.
corrupt () {
  expect_error "corrupt" $NBDFERRY --resume="$tmp/state" \
    "$(nbd_uri bad)" "$tmp/dst.img"
  cmp "$tmp/before.img" "$tmp/dst.img" || fail "destination touched"
}
# (checked before the size: any server at the socket will do)
head -c -20 "$tmp/good" > "$tmp/state"; corrupt
sed 's/^done \(.\)/done f/' "$tmp/good" > "$tmp/state"
cmp -s "$tmp/good" "$tmp/state" && sed -i 's/^done f/done 0/' "$tmp/state"
corrupt
echo hello > "$tmp/state"; corrupt
: > "$tmp/state"; corrupt

# Streams.
rm -f "$tmp/state"
expect_error "a stream cannot be resumed" $NBDFERRY --resume="$tmp/state" \
  - "$tmp/dst.img" < <(:)
expect_error "a stream cannot be resumed" $NBDFERRY --resume="$tmp/state" \
  "$(nbd_uri other)" -
