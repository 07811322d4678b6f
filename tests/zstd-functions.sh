# SPDX-License-Identifier: LGPL-2.1-or-later
# Shared by the zstd tests (sourced after functions.sh): a sparse image
# with data at odd places.
requires zstd --version

# sparse_input FILE: 64 MiB + 4097 bytes, data at 5M+123 (3 MiB), a
# compressible run of text at 30M, and the last bytes.
sparse_input () {
  truncate -s $((64 * 1024 * 1024 + 4097)) "$1"
  $NBDFERRY random:3M - |
    dd of="$1" bs=1 seek=$((5 * 1024 * 1024 + 123)) conv=notrunc status=none
  yes "nbdferry zstd test" | head -c 2M |
    dd of="$1" bs=1M seek=30 conv=notrunc status=none
  printf 'end' | dd of="$1" bs=1 seek=$((64 * 1024 * 1024 + 4094)) \
    conv=notrunc status=none
}
