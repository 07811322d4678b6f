#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
source "${abs_srcdir:-.}/tests/functions.sh"
source "$abs_srcdir/tests/serve-functions.sh"
# A read-only export refuses writes with EPERM; the file is untouched.
head -c 1M /dev/urandom > "$tmp/img"
cp "$tmp/img" "$tmp/orig"
start_serve s --read-only "$tmp/img"
nbdraw "$sock" readonly
stop_serve
cmp "$tmp/img" "$tmp/orig" || fail "read-only file changed"
