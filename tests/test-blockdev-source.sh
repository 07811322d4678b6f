#!/bin/bash
# A loop device as the source, buffered and --direct.
source "$abs_srcdir/tests/functions.sh"
requires_root
requires losetup --version

head -c 16M /dev/urandom > "$tmp/backing"
dev=$(losetup -f --show "$tmp/backing") || {
  echo "$0: test skipped because losetup failed"; exit 77; }
cleanup_fn losetup -d "$dev"

$NBDFERRY "$dev" "$tmp/out"
cmp "$tmp/backing" "$tmp/out" || fail "copy of the device differs"
$NBDFERRY --direct -T 2 "$dev" "$tmp/out2"
cmp "$tmp/backing" "$tmp/out2" || fail "--direct copy of the device differs"
