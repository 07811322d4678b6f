# SPDX-License-Identifier: LGPL-2.1-or-later
# Helpers for the delta-copy tests (tests/test-dirty-*.sh), sourced after
# tests/functions.sh.
#
#   make_dirty_image SIZE  $tmp/disk.qcow2 with data and an enabled bitmap
#                          "b0"; $tmp/old.raw, its full copy taken when the
#                          bitmap was added; then guest writes (new data,
#                          an overwrite, a zeroed and a discarded range that
#                          held data, the very last byte); $tmp/new.raw, a
#                          fresh qemu-img convert of the result.  Sets
#                          $dirty: the bytes the bitmap marks (64 KiB
#                          granules).
#   qemu_src               the [ CMD ] words of qemu-nbd exporting the
#                          bitmap read-only (as an array: "${qemu_src[@]}")
requires qemu-img --version
requires qemu-io --version
requires qemu-nbd --version

MiB=$((1024 * 1024))

make_dirty_image () {
  local size=$1
  qemu-img create -q -f qcow2 "$tmp/disk.qcow2" "$size"
  qemu-io -f qcow2 -c "write -P 1 0 3M" -c "write -P 5 4M 2M" \
    -c "write -P 7 $((size - 8192)) 8192" "$tmp/disk.qcow2" >/dev/null
  qemu-img bitmap --add --enable "$tmp/disk.qcow2" b0
  qemu-img convert -O raw "$tmp/disk.qcow2" "$tmp/old.raw"
  # Guest writes since the checkpoint.
  qemu-io -f qcow2 -c "write -P 2 8M 64k" -c "write -P 3 1M 128k" \
    -c "write -z 2M 256k" -c "discard 4M 1M" \
    -c "write -P 9 $((size - 1)) 1" "$tmp/disk.qcow2" >/dev/null
  qemu-img convert -O raw "$tmp/disk.qcow2" "$tmp/new.raw"
  cmp -s "$tmp/old.raw" "$tmp/new.raw" && fail "the guest writes changed nothing"
  # 64k + 128k + 256k + 1M, and the last granule (cut at the end).
  local last=$(( size % (64 * 1024) ))
  dirty=$(( 64 * 1024 + 128 * 1024 + 256 * 1024 + MiB +
             (last ? last : 64 * 1024) ))
}

qemu_src=( "[" qemu-nbd -r -B b0 -f qcow2 "$tmp/disk.qcow2" "]" )
