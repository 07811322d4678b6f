#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A read-only export refuses writes with EPERM; the file is untouched.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/serve-functions.sh"
head -c 1M /dev/urandom > "$tmp/img"
cp "$tmp/img" "$tmp/orig"
start_serve s --read-only "$tmp/img"
nbdraw "$sock" readonly
stop_serve
cmp "$tmp/img" "$tmp/orig" || fail "read-only file changed"
