#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# --dirty-bitmap into a file holding the earlier copy: the result is the
# fresh qemu-img convert, only the dirty bytes are read, what the bitmap
# calls clean is left exactly as it was, zeroed ranges are punched (kept
# allocated with --allocated), and progress counts the dirty bytes.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/dirty-functions.sh"
size=$((16 * MiB + 12288))      # the last granule is cut short
make_dirty_image $size

cp "$tmp/old.raw" "$tmp/dst"
$NBDFERRY -v --progress=3 --progress-format=json --dirty-bitmap=b0 \
  "${qemu_src[@]}" "$tmp/dst" 2>"$tmp/out" 3>"$tmp/progress" ||
  fail "delta copy failed: $(cat "$tmp/out")"
cat "$tmp/out"
cmp "$tmp/dst" "$tmp/new.raw" || fail "differs from a fresh qemu-img convert"

line=$(grep 'delta copy (bitmap b0)' "$tmp/out") || fail "no delta summary"
field () { echo "$line" | sed -n "s/.* $1 \\([0-9]*\\).*/\\1/p"; }
[ "$(field dirty)" = "$dirty" ] ||
  fail "dirty bytes $(field dirty), expected $dirty"
[ "$(field read)" -gt 0 ] && [ "$(field read)" -le "$dirty" ] ||
  fail "read $(field read) bytes, more than the $dirty dirty ones"
[ $(( $(field wrote) + $(field zeroed) )) -le "$dirty" ] ||
  fail "wrote and zeroed more than the dirty bytes"
tail -n1 "$tmp/progress" |
  grep -q "\"bytes\":$dirty,\"size\":$dirty,\"percent\":100,.*\"done\"" ||
  fail "progress does not count the dirty bytes: $(tail -n1 "$tmp/progress")"

# Zeroed and discarded ranges that held data are holes now: at least the
# discarded MiB and the zeroed 256k less the 64k of new data.  st_blocks
# also counts the file system's own extent-tree blocks, and when the data
# reaches the disk decides how many (ext4: one more here once writeback is
# started per byte range): 16k of slack for them.
[ "$(allocated "$tmp/dst")" -le \
  $(( $(allocated "$tmp/old.raw") - MiB - 192 * 1024 + 16 * 1024 )) ] ||
  fail "zeroed ranges were not punched"

# A clean range is not touched, even where it differs from the source.
cp "$tmp/old.raw" "$tmp/dst"
printf MARK | dd of="$tmp/dst" bs=1 seek=$((12 * MiB)) conv=notrunc status=none
cp "$tmp/new.raw" "$tmp/expected"
printf MARK | dd of="$tmp/expected" bs=1 seek=$((12 * MiB)) conv=notrunc \
  status=none
$NBDFERRY --dirty-bitmap=b0 "${qemu_src[@]}" "$tmp/dst"
cmp "$tmp/dst" "$tmp/expected" || fail "a clean range was written"

# --allocated: zero ranges are written, never punched.
cp "$tmp/old.raw" "$tmp/dst"
$NBDFERRY --allocated --dirty-bitmap=b0 "${qemu_src[@]}" "$tmp/dst"
cmp "$tmp/dst" "$tmp/new.raw" || fail "--allocated: differs"
[ "$(allocated "$tmp/dst")" -ge "$(allocated "$tmp/old.raw")" ] ||
  fail "--allocated: holes were punched"
