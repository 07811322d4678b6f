#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A short libFuzzer run over the zstd seek table reader and zero-frame
# parser, from seeds that are real images of ours.
source "$(dirname "$0")/functions.sh"
seeds=$tmp/corpus
mkdir -p "$seeds"
$NBDFERRY pattern:4097 "zstd:$seeds/pattern.zst"
$NBDFERRY zero:9M "zstd:$seeds/zero.zst"
: > "$tmp/empty"
$NBDFERRY "$tmp/empty" "zstd:$seeds/empty.zst"

"$abs_builddir/tests/fuzz-zstd-seek" -max_total_time=10 -timeout=10 \
  -rss_limit_mb=1024 "$seeds" 2>"$tmp/log" || { tail -50 "$tmp/log"; exit 1; }
tail -3 "$tmp/log"
