#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A full file system: the write error is reported in one line with the
# offset, exit 1.
source "$(dirname "$0")/functions.sh"
requires_root

mkdir "$tmp/mnt"
requires mount -t tmpfs -o size=1M tmpfs "$tmp/mnt"
cleanup_fn umount "$tmp/mnt"

head -c 4M /dev/urandom > "$tmp/in"
for t in 1 4; do
  rm -f "$tmp/mnt/out"
  expect_error "$tmp/mnt/out: write failed at offset [0-9]*.*No space left on device" \
    $NBDFERRY -T $t "$tmp/in" "$tmp/mnt/out"
done
rm -f "$tmp/mnt/out"
expect_error "offset [0-9]*.*No space left on device" \
  $NBDFERRY - "$tmp/mnt/out" < <(cat "$tmp/in")
