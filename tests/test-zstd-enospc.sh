#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A zstd image that cannot be written (a full device): one line naming the
# image and where the copy was, exit 1, no hang of the compressing threads.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/zstd-functions.sh"
requires test -w /dev/full

sparse_input "$tmp/in"
expect_error "zstd:/dev/full: .* failed at offset [0-9]*.*No space left" \
  timeout 60 $NBDFERRY "$tmp/in" zstd:/dev/full
expect_error "zstd:/dev/full: .* failed at offset [0-9]*.*No space left" \
  timeout 60 $NBDFERRY random:64M zstd:/dev/full
# Under a frame: nothing is written before the end, where it fails.
expect_error "zstd:/dev/full: finish failed: write: No space left" \
  timeout 60 $NBDFERRY random:1M zstd:/dev/full
