#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# An explicit --request-size is used as given where both sides allow it;
# one below a side's preferred block size is raised to it, and -v says so
# and why (never silently: the requests the server sees match the line).
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/nbd-functions.sh"
start_nbdkit src --filter=log --filter=blocksize-policy \
  pattern 4M blocksize-preferred=65536 blocksize-minimum=512 \
  blocksize-maximum=1048576 logfile="$tmp/src.log"

sizes () { log_requests "$tmp/src.log" Read | awk '{print $2}' | sort -u; }

# Within the limits: used as given, no note.
$NBDFERRY -v --request-size=128k "$(nbd_uri src)" "$tmp/out" 2>"$tmp/err"
cat "$tmp/err"
[ "$(sizes)" = 131072 ] || fail "128k: the server saw reads of $(sizes)"
grep -q -- "--request-size" "$tmp/err" && fail "128k: a note for a size used"

# Below the source's preferred size: raised, and -v says why.
: > "$tmp/src.log"
$NBDFERRY -v --request-size=4k "$(nbd_uri src)" "$tmp/out" 2>"$tmp/err"
cat "$tmp/err"
grep -q -- "--request-size 4096 below the source's preferred block size 65536: using 65536" \
  "$tmp/err" || fail "4k: -v does not say why the size changed"
[ "$(sizes)" = 65536 ] || fail "4k: the server saw reads of $(sizes)"

# Above the source's maximum.
$NBDFERRY -v --request-size=4M "$(nbd_uri src)" "$tmp/out" 2>"$tmp/err"
grep -q -- "--request-size 4194304 above the source's largest request 1048576: using 1048576" \
  "$tmp/err" || fail "4M: -v does not say why the size changed"
cmp <(nbdcopy "$(nbd_uri src)" -) "$tmp/out" || fail "copy differs"
