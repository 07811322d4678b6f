#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# --direct (O_DIRECT, libaio) copies files exactly, sparse and odd-sized.
# O_DIRECT needs a file system that supports it.
source "$(dirname "$0")/functions.sh"
requires dd if=/dev/zero of="$tmp/probe" bs=4096 count=1 oflag=direct

truncate -s 24M "$tmp/in"
head -c 5M /dev/urandom | dd of="$tmp/in" bs=1M seek=3 conv=notrunc status=none
head -c 4097 /dev/urandom > "$tmp/odd"
for t in 1 4; do
  $NBDFERRY --direct -T $t "$tmp/in" "$tmp/out"
  cmp "$tmp/in" "$tmp/out" || fail "-T $t: output differs"
  [ "$(allocated "$tmp/out")" -le $((6 * 1024 * 1024)) ] ||
    fail "-T $t: holes not kept"
  $NBDFERRY --direct -T $t "$tmp/odd" "$tmp/odd.out"
  cmp "$tmp/odd" "$tmp/odd.out" || fail "-T $t: odd size differs"
done
