#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# --dirty-bitmap refusals: each is one line naming the cause, and the
# destination is left exactly as it was (never truncated, never created).
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/dirty-functions.sh"
requires nbdkit --version

size=$((16 * MiB))
make_dirty_image $size
cp "$tmp/old.raw" "$tmp/dst"
untouched () {
  cmp -s "$tmp/dst" "$tmp/old.raw" || fail "$1: the destination was changed"
}

# An unknown bitmap: the error lists what the export offers.
expect_error "does not offer qemu:dirty-bitmap:nope (it offers: .*qemu:dirty-bitmap:b0" \
  $NBDFERRY --dirty-bitmap=nope "${qemu_src[@]}" "$tmp/dst"
untouched "unknown bitmap"

# Sources without bitmaps: qemu-nbd without -B, nbdkit.
expect_error "does not offer qemu:dirty-bitmap:b0 (it offers: base:allocation" \
  $NBDFERRY --dirty-bitmap=b0 [ qemu-nbd -r -f qcow2 "$tmp/disk.qcow2" ] \
  "$tmp/dst"
untouched "qemu-nbd without -B"
expect_error "does not offer qemu:dirty-bitmap:b0 (it offers: base:allocation)" \
  $NBDFERRY --dirty-bitmap=b0 [ nbdkit file "$tmp/new.raw" ] "$tmp/dst"
untouched "nbdkit"
expect_error "this source has no dirty bitmap" \
  $NBDFERRY --dirty-bitmap=b0 "$tmp/new.raw" "$tmp/dst"
untouched "a file source"

# Sizes must match, both ways; the error names both sizes.
for s in $((size - MiB)) $((size + MiB)); do
  cp "$tmp/old.raw" "$tmp/other"
  truncate -s $s "$tmp/other"
  cp "$tmp/other" "$tmp/other.before"
  expect_error "other: the destination is $s bytes but the source is $size bytes" \
    $NBDFERRY --dirty-bitmap=b0 "${qemu_src[@]}" "$tmp/other"
  cmp -s "$tmp/other" "$tmp/other.before" || fail "$s: the destination changed"
done

# Destinations that cannot be patched.
expect_error "no such file: a delta copy patches an earlier copy" \
  $NBDFERRY --dirty-bitmap=b0 "${qemu_src[@]}" "$tmp/missing"
[ ! -e "$tmp/missing" ] || fail "a missing destination was created"
expect_error "a compressed image cannot be patched" \
  $NBDFERRY --dirty-bitmap=b0 "${qemu_src[@]}" "zstd:$tmp/z.zst"
[ ! -e "$tmp/z.zst" ] || fail "a zstd destination was created"
expect_error "a pipe cannot be patched" \
  $NBDFERRY --dirty-bitmap=b0 "${qemu_src[@]}" - > /dev/null
expect_error "destination-is-zero cannot be true" \
  $NBDFERRY --dirty-bitmap=b0 --destination-is-zero "${qemu_src[@]}" "$tmp/dst"
untouched "--destination-is-zero"
