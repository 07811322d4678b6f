#!/usr/bin/env bash
# -p on a non-terminal prints plain lines (no carriage returns) and a
# summary naming bytes read, written and skipped.
source "${abs_srcdir:-.}/tests/functions.sh"

$NBDFERRY -p sparse-random:1G "$tmp/out" 2>"$tmp/err"
cat "$tmp/err"
grep -q $'\r' "$tmp/err" && fail "carriage return on a non-tty"
grep -q '100% 1.0 GiB / 1.0 GiB' "$tmp/err" || fail "no final 100% line"
grep -qE 'read [0-9.]+ MiB, wrote [0-9.]+ MiB, zeroed 0 B, skipped [0-9.]+ MiB already zero' \
  "$tmp/err" || fail "no summary"

# On a terminal: a redrawn bar with rate and ETA (script(1) gives a pty).
if command -v script >/dev/null; then
  script -qec "$NBDFERRY -p random:2G null:" /dev/null > "$tmp/tty" </dev/null
  grep -q $'\r\[' "$tmp/tty" || fail "no redrawn bar on a tty"
  grep -q '100%' "$tmp/tty" || fail "bar never reached 100%"
fi
