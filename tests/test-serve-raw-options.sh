#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Option haggling: LIST, STARTTLS (ERR_POLICY), unknown (ERR_UNSUP), meta
# contexts, EH vs SR, INFO errors, EXPORT_NAME, and INIT_STATE of a file
# with data.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/serve-functions.sh"
head -c 1M /dev/urandom > "$tmp/img"
start_serve s "$tmp/img"
nbdraw "$sock" options
nbdraw "$sock" exportname
out=$(nbdraw "$sock" info)
echo "$out"
[ "$out" = "size=1048576 flags=0xd6d min=1 pref=4096 max=67108864 init=0" ] ||
  fail "unexpected INFO: $out"
stop_serve
