#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# serve --blocksize-minimum below the target's own: a 4K-sector loop device
# opened O_DIRECT is served with minimum 512, and 512-byte writes from
# clients reach it through read-modify-write without touching the bytes
# around them.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/serve-functions.sh"
requires qemu-io --version
requires nbdinfo --version

$NBDFERRY random:16M,seed=5 "$tmp/disk"
cp "$tmp/disk" "$tmp/expect"
loop_device "$tmp/disk" -b 4096

start_serve rmw --direct --blocksize-minimum=512 "$dev"
nbdinfo "$uri" > "$tmp/info"
grep -q "block_size_minimum: 512" "$tmp/info" || fail "minimum not 512: $(cat "$tmp/info")"

# Three neighbouring 512-byte writes inside one 4 KiB block, one straddling
# two blocks, and a 512-byte zero.
qemu-io -f raw -c 'write -P 0x11 512 512' -c 'write -P 0x22 1024 512' \
  -c 'write -P 0x33 3584 1024' -c 'write -z 8192 512' "$uri" > /dev/null
stop_serve

printf '\x11%.0s' $(seq 512) | dd of="$tmp/expect" bs=1 seek=512 conv=notrunc status=none
printf '\x22%.0s' $(seq 512) | dd of="$tmp/expect" bs=1 seek=1024 conv=notrunc status=none
printf '\x33%.0s' $(seq 1024) | dd of="$tmp/expect" bs=1 seek=3584 conv=notrunc status=none
dd if=/dev/zero of="$tmp/expect" bs=1 seek=8192 count=512 conv=notrunc status=none
sync
cmp "$dev" "$tmp/expect" || fail "device differs from the expected bytes"
