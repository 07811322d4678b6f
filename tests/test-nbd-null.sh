#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# nbd -> null: reads every data extent of the source, and nothing else but
# holes shorter than 32 KiB between data (read with their neighbours).
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/nbd-functions.sh"
start_nbdkit src --filter=log sparse-random 32M seed=3 percent=20 \
  runlength=131072 logfile="$tmp/src.log"
$NBDFERRY "$(nbd_uri src)" null: || fail "copy to null: failed"

log_requests "$tmp/src.log" Read > "$tmp/reads"
nbdinfo --map "$(nbd_uri src)" > "$tmp/map"
python3 - "$tmp/reads" "$tmp/map" <<'PY' || fail "reads do not match the data"
import sys
reads = [tuple(map(int, l.split())) for l in open(sys.argv[1])]
read = set()
for off, cnt in reads:
    read.update(range(off // 4096, (off + cnt) // 4096))
bad = []
for l in open(sys.argv[2]):
    off, length, typ = map(int, l.split()[:3])
    blocks = set(range(off // 4096, (off + length) // 4096))
    if typ == 0 and not blocks <= read:
        bad.append("data at %d (%d bytes) not read" % (off, length))
    if typ != 0 and length >= 32768 and blocks & read:
        bad.append("hole at %d (%d bytes) read" % (off, length))
if not read:
    bad.append("nothing was read")
for b in bad[:10]:
    print(b, file=sys.stderr)
sys.exit(1 if bad else 0)
PY
