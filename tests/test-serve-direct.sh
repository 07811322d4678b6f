#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# serve --direct on a writable regular file really opens it O_DIRECT (the
# flags in /proc/PID/fdinfo say so), and 512-byte client writes below the
# direct-I/O block go through read-modify-write without touching the bytes
# around them.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/serve-functions.sh"
requires qemu-io --version

$NBDFERRY random:8M,seed=3 "$tmp/disk"
cp "$tmp/disk" "$tmp/expect"
start_serve d --direct --blocksize-minimum=512 "$tmp/disk"
flags=
for fd in /proc/$serve_pid/fd/*; do
  if [ "$(readlink "$fd")" = "$tmp/disk" ]; then
    flags=$(sed -n 's/^flags:[[:space:]]*//p' /proc/$serve_pid/fdinfo/${fd##*/})
  fi
done
echo "flags of the target: $flags"
[ -n "$flags" ] || fail "the target is not open"
# O_DIRECT is 040000 (octal) on Linux.
(( (8#$flags & 8#40000) != 0 )) || fail "target not opened O_DIRECT (flags $flags)"
(( (8#$flags & 3) == 2 )) || fail "target not opened read-write (flags $flags)"

qemu-io -f raw -c 'write -P 0x11 512 512' -c 'write -P 0x22 5120 1024' \
  "$uri" > /dev/null || fail "qemu-io writes"
stop_serve
printf '\x11%.0s' $(seq 512) | dd of="$tmp/expect" bs=1 seek=512 conv=notrunc status=none
printf '\x22%.0s' $(seq 1024) | dd of="$tmp/expect" bs=1 seek=5120 conv=notrunc status=none
cmp "$tmp/disk" "$tmp/expect" || fail "file differs from the expected bytes"
