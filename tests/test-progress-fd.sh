#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# --progress=FD writes nbdcopy's N/100 lines: monotonic, ending 100/100.
source "$(dirname "$0")/functions.sh"
$NBDFERRY --progress=3 random:256M "$tmp/out" 3>"$tmp/progress"
cmp <($NBDFERRY random:256M -) "$tmp/out" || fail "copy differs"

[ -s "$tmp/progress" ] || fail "no progress lines"
grep -qvE '^[0-9]+/100$' "$tmp/progress" &&
  fail "malformed line: $(grep -vE '^[0-9]+/100$' "$tmp/progress" | head -1)"
[ "$(tail -n1 "$tmp/progress")" = "100/100" ] || fail "last line not 100/100"
[ "$(head -n1 "$tmp/progress")" = "0/100" ] || fail "first line not 0/100"
[ "$(grep -c '^100/100$' "$tmp/progress")" -eq 1 ] || fail "100/100 twice"
sort -n -c -t/ -k1,1 "$tmp/progress" || fail "not monotonic"
sort -n -u -c -t/ -k1,1 "$tmp/progress" || fail "repeated percentages"
