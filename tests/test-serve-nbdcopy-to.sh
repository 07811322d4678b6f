#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# nbdcopy writes into a receiving end created by serve --size: same bytes,
# holes kept, the target reads as zero at connect time.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/serve-functions.sh"
requires nbdcopy --version
sparse_image "$tmp/src"
start_serve s --size=32M "$tmp/dst"
[ "$(nbdraw "$sock" info | sed 's/.*init=//')" = 3 ] ||
  fail "a new target should say INIT_SPARSE|INIT_ZERO"
nbdcopy "$tmp/src" "$uri"
stop_serve
same_and_sparse "$tmp/src" "$tmp/dst"
