#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Requests breaking the advertised limits get EINVAL/ENOSPC and nothing
# reaches the file (tests/nbdraw.c "limits").
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/serve-functions.sh"
head -c $((8 << 20)) /dev/urandom > "$tmp/img"
cp "$tmp/img" "$tmp/orig"
start_serve s --blocksize-minimum=4096 --blocksize-maximum=1M "$tmp/img"
nbdraw "$sock" limits
stop_serve
cmp "$tmp/img" "$tmp/orig" || fail "a refused request changed the file"
