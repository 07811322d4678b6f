#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# nbdcopy reads a sparse file from the server: same bytes, holes kept.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/serve-functions.sh"
requires nbdcopy --version
sparse_image "$tmp/src"
start_serve s --read-only "$tmp/src"
nbdcopy "$uri" "$tmp/dst"
stop_serve
same_and_sparse "$tmp/src" "$tmp/dst"
