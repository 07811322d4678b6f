#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A mapped image that shrinks during nbdferry compare: its pages past the
# new end raise SIGBUS where the compare reads them (or fail to map, or to
# read), which must be an error (exit 2, one line saying so), never a
# crash; a truncate that comes first or last gives an ordinary answer (0,
# or 1 for the size mismatch).
source "$(dirname "$0")/functions.sh"

$NBDFERRY random:256M "$tmp/b"
hit=0
for i in $(seq 1 20); do
  cp "$tmp/b" "$tmp/a"
  cat "$tmp/a" "$tmp/b" > /dev/null   # cached: compared through page faults
  rc=0
  $NBDFERRY compare -T 1 "$tmp/a" "$tmp/b" > "$tmp/out" 2> "$tmp/err" &
  pid=$!
  sleep "0.$(printf %03d $((i * 5)))"
  truncate -s 1M "$tmp/a"
  wait $pid || rc=$?
  case $rc in
    0|1) ;;
    2) [ "$(wc -l < "$tmp/err")" -eq 1 ] &&
         grep -q '^nbdferry compare: ' "$tmp/err" ||
         fail "exit 2 without one line of error: $(cat "$tmp/err")"
       hit=$((hit + 1))
       [ $hit -lt 3 ] || break ;;
    *) fail "compare of a shrinking image: exit $rc: $(cat "$tmp/err")" ;;
  esac
done
[ $hit -gt 0 ] || fail "no run was caught by the truncate (machine too fast?)"
