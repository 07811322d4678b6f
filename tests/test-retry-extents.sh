#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A source whose block-status requests all fail is read as data, not given
# up on: the copy succeeds and the summary and the JSON progress say how
# much was read that way.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/nbd-functions.sh"
requires python3 --version

truncate -s 8M "$tmp/src.img"
dd if=/dev/urandom of="$tmp/src.img" bs=1M seek=2 count=1 conv=notrunc \
   status=none
start_nbdkit src --filter=error file "$tmp/src.img" error=EIO \
  error-extents-rate=100%
$NBDFERRY -v --progress=3 --progress-format=json "$(nbd_uri src)" \
  "$tmp/dst.img" 2>"$tmp/log" 3>"$tmp/json" ||
  fail "copy failed: $(cat "$tmp/log")"
cmp "$tmp/src.img" "$tmp/dst.img" || fail "images differ"
grep -q '8.0 MiB read as data because extents failed' "$tmp/log" ||
  fail "summary does not count it: $(cat "$tmp/log")"
python3 - "$tmp/json" <<'PY' || fail "JSON progress does not count it"
import json, sys
last = [json.loads(l) for l in open(sys.argv[1])][-1]
assert last["extents_failed_bytes"] == 8 << 20, last
assert last["retries"] == 0 and last["reconnects"] == 0, last
PY
