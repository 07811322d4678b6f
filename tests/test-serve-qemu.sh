#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# qemu-img and qemu-io as clients of the server.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/serve-functions.sh"
requires qemu-img --version
requires qemu-io --version
sparse_image "$tmp/src"
cp --sparse=always "$tmp/src" "$tmp/disk"
start_serve s "$tmp/disk"
qemu-img convert -f raw -O raw "$uri" "$tmp/out"
cmp "$tmp/src" "$tmp/out" || fail "qemu-img convert: bytes differ"
[ "$(allocated "$tmp/out")" -le $((4 << 20)) ] || fail "qemu-img: holes lost"
qemu-io -f raw -c 'write -P 0x5a 1M 64k' -c 'read -P 0x5a 1M 64k' \
  -c 'write -z 0 64k' -c 'read -P 0 0 64k' -c flush "$uri" > "$tmp/io" 2>&1 ||
  { cat "$tmp/io"; fail "qemu-io"; }
cat "$tmp/io"
grep -qi 'pattern verification failed\|error' "$tmp/io" && fail "qemu-io errors"
stop_serve
dd if="$tmp/disk" bs=64k skip=16 count=1 status=none |
  cmp - <(head -c 65536 /dev/zero | tr '\0' 'Z') || fail "qemu-io write"
dd if="$tmp/disk" bs=64k count=1 status=none | cmp - <(head -c 65536 /dev/zero) ||
  fail "qemu-io write -z"
