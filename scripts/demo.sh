#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Set up, build, and copy a synthetic sparse 8 GiB image to a file with the
# progress bar, then verify the copy byte for byte and show its holes;
# then compress it to a zstd image and verify that too.
set -e
cd "$(dirname "$0")/.."
scripts/setup.sh
dir=$(mktemp -d "${TMPDIR:-/var/tmp}/nbdferry-demo.XXXXXX")
trap 'rm -rf "$dir"' EXIT
echo "== nbdferry -p sparse-random:8G $dir/disk.img"
./nbdferry -p sparse-random:8G "$dir/disk.img"
echo "== verify: nbdferry sparse-random:8G - | cmp - $dir/disk.img"
./nbdferry sparse-random:8G - | cmp - "$dir/disk.img"
echo "identical; apparent size $(stat -c %s "$dir/disk.img") bytes," \
     "allocated $(du -h "$dir/disk.img" | cut -f1)"
echo "== compress: nbdferry -p $dir/disk.img zstd:$dir/disk.img.zst"
./nbdferry -p "$dir/disk.img" "zstd:$dir/disk.img.zst"
echo "== verify: nbdferry zstd:$dir/disk.img.zst - | cmp - $dir/disk.img"
./nbdferry "zstd:$dir/disk.img.zst" - | cmp - "$dir/disk.img"
echo "identical; compressed image $(du -h "$dir/disk.img.zst" | cut -f1)"
