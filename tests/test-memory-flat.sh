#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Peak RSS does not grow with the image: copying 16x more data (dense and
# sparse, file, zstd and NBD sides) costs no more memory (zstd: 4x, once
# every frame buffer has been used).
source "$(dirname "$0")/functions.sh"
requires /usr/bin/time --version
requires nbdkit --version
# Under an --enable-asan build, freed memory waits in ASan's quarantine
# (up to 256 MiB): keep it small here, where peak RSS is the point.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=4

rss () {                        # peak RSS in KiB of nbdferry ARGS
  /usr/bin/time -f %M -o "$tmp/rss" $NBDFERRY "$@" || fail "copy failed: $*"
  cat "$tmp/rss"
}
check () {                      # check SMALL BIG: within 8 MiB
  echo "$3: $1 KiB vs $2 KiB"
  [ "$2" -le $(( $1 + 8192 )) ] || fail "$3: peak RSS grew from $1 to $2 KiB"
  [ "$2" -le $(( 64 * 1024 )) ] || fail "$3: peak RSS $2 KiB over 64 MiB"
}

check "$(rss random:256M null:)" "$(rss random:4G null:)" "dense"
check "$(rss sparse-random:4G null:)" "$(rss sparse-random:64G null:)" "sparse"
check "$(rss random:128M "$tmp/a")" "$(rss random:2G "$tmp/b")" "to a file"
check "$(rss sparse-random:16G,percent=1 "zstd:$tmp/a.zst")" \
      "$(rss sparse-random:64G,percent=1 "zstd:$tmp/b.zst")" "to zstd"
check "$(rss "zstd:$tmp/a.zst" null:)" "$(rss "zstd:$tmp/b.zst" null:)" \
      "from zstd"
rm -f "$tmp/a.zst" "$tmp/b.zst"
check "$(rss -- [ nbdkit pattern 256M ] null:)" \
      "$(rss -- [ nbdkit pattern 4G ] null:)" "from NBD"
