#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
source "${abs_srcdir:-.}/tests/functions.sh"
source "$abs_srcdir/tests/serve-functions.sh"
# Extended headers: INIT_STATE, 64-bit BLOCK_STATUS and WRITE_ZEROES over a
# 6 GiB export (tests/nbdraw.c "ext").
truncate -s 6G "$tmp/big" || exit 77
start_serve s "$tmp/big"
nbdraw "$sock" ext
stop_serve
[ "$(allocated "$tmp/big")" -le $((1 << 20)) ] || fail "zeroing did not punch"
