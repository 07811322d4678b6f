#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# nbdsh drives every command through the server and reads the file after.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/serve-functions.sh"
requires nbdsh --version

truncate -s 4M "$tmp/img"
start_serve s "$tmp/img"
nbdsh -c 'import errno' -c "h.add_meta_context('base:allocation')" -c "h.connect_uri('$uri')" -c - <<'PY'
h.pwrite(b"A" * 65536, 0)
h.pwrite(b"B" * 4096, 1048576, nbd.CMD_FLAG_FUA)
assert h.pread(65536, 0) == b"A" * 65536
h.zero(4096, 4096)
assert h.pread(4096, 4096) == bytes(4096)
h.zero(65536, 2097152, nbd.CMD_FLAG_FAST_ZERO)
h.trim(8192, 16384)
h.cache(65536, 0)
h.flush()
seen = []
def cb(ctx, off, entries, err):
    seen.append(list(entries))
h.block_status(4194304, 0, cb)
assert seen[0][1] == 0, seen
try:
    h.pread(4096, 4194304)
    assert False, "read past the end succeeded"
except nbd.Error as e:
    assert e.errnum == errno.EINVAL, e
PY

stop_serve
dd if="$tmp/img" bs=4096 count=1 status=none | cmp - <(head -c 4096 /dev/zero | tr '\0' A) ||
  fail "first block"
dd if="$tmp/img" bs=4096 skip=1 count=1 status=none | cmp - <(head -c 4096 /dev/zero) ||
  fail "zeroed block"
dd if="$tmp/img" bs=4096 skip=256 count=1 status=none |
  cmp - <(head -c 4096 /dev/zero | tr '\0' B) || fail "FUA write"
