#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# -p on a non-terminal prints plain lines (no carriage returns) and a
# summary naming bytes read, written and skipped; on a terminal it redraws
# one bar up to 100%; a stream (size unknown) never shows "0%".
source "$(dirname "$0")/functions.sh"
requires script --version
$NBDFERRY -p sparse-random:1G "$tmp/out" 2>"$tmp/err"
cat "$tmp/err"
grep -q $'\r' "$tmp/err" && fail "carriage return on a non-tty"
grep -q '100% 1.0 GiB / 1.0 GiB' "$tmp/err" || fail "no final 100% line"
grep -qE 'read [0-9.]+ MiB, wrote [0-9.]+ MiB, zeroed 0 B, skipped [0-9.]+ MiB already zero' \
  "$tmp/err" || fail "no summary"

# On a terminal: a redrawn bar with rate and ETA (script(1) gives a pty).
script -qec "$NBDFERRY -p random:2G null:" /dev/null > "$tmp/tty" </dev/null
grep -q $'\r\[' "$tmp/tty" || fail "no redrawn bar on a tty"
grep -q '100%' "$tmp/tty" || fail "bar never reached 100%"

# A stream's size is unknown until its end: bytes and rate, never "0%".
$NBDFERRY random:64M - | $NBDFERRY -p - "$tmp/s" 2>"$tmp/err2"
cat "$tmp/err2"
grep -q '  0%' "$tmp/err2" && fail "a stream showed 0%"
grep -qE 'copied|100% 64.0 MiB / 64.0 MiB' "$tmp/err2" || fail "no stream progress"
cmp <($NBDFERRY random:64M -) "$tmp/s" || fail "stream copy differs"
