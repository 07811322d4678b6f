#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# What can only be read in order (a pipe, a zstd file without a seek table)
# cannot be served: one line saying so, exit 1.
source "$(dirname "$0")/functions.sh"
requires zstd --version

head -c 1M /dev/urandom > "$tmp/img"
zstd -q "$tmp/img" -o "$tmp/plain.zst"
expect_error "zstd:$tmp/plain.zst: cannot be served: it can only be read or written in order" \
  timeout 10 $NBDFERRY serve -r -U "$tmp/sock" "zstd:$tmp/plain.zst"
expect_error "standard input: cannot be served" \
  timeout 10 sh -c "cat '$tmp/img' | $NBDFERRY serve -r -U '$tmp/sock' -"
[ ! -S "$tmp/sock" ] || fail "a socket was left behind"
