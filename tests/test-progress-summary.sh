#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# --progress-format=json: the last line sums up the copy (read, written,
# zeroed, skipped, elapsed) with phase "done", or "failed" when it fails.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/serve-functions.sh"
requires python3 --version
requires nbdkit --version

# last_line FILE PHASE SIZE READ WRITTEN ZEROED SKIPPED (- to skip a check)
last_line () {
  python3 - "$@" <<'PY' || fail "last progress line: $(tail -n 1 "$1")"
import json, sys
f, phase, *want = sys.argv[1:]
last = json.loads(open(f).read().splitlines()[-1])
assert last["phase"] == phase, last
assert last["elapsed"] >= 0, last
for k, v in zip(("size", "read", "written", "zeroed", "skipped"), want):
    if v != "-":
        assert last[k] == int(v), (k, v, last)
PY
}

# 32 MiB with 4 MiB of data into a new file: the data is read and
# written, the holes are left alone.
sparse_image "$tmp/src"
$NBDFERRY --progress=3 --progress-format=json "$tmp/src" "$tmp/dst" \
  3>"$tmp/p1"
last_line "$tmp/p1" done $((32 << 20)) $((4 << 20)) $((4 << 20)) 0 $((28 << 20))

# Onto an export full of old data (not truncated, as a file would be):
# the holes must be zeroed now.
$NBDFERRY pattern:32M "$tmp/old"
start_serve old "$tmp/old"
$NBDFERRY --progress=3 --progress-format=json "$tmp/src" "$uri" 3>"$tmp/p2"
stop_serve
last_line "$tmp/p2" done $((32 << 20)) $((4 << 20)) $((4 << 20)) $((28 << 20)) 0
cmp "$tmp/src" "$tmp/old" || fail "copy differs"

# A source that fails: the last line still sums up, phase "failed".
start_nbdkit src --filter=error pattern 4M error=EIO error-pread-rate=100%
expect_fail $NBDFERRY --progress=3 --progress-format=json \
  "nbd+unix:///?socket=$sock" "$tmp/dst2" 3>"$tmp/p3"
last_line "$tmp/p3" failed $((4 << 20)) - 0 - -
