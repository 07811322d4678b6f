#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
source "${abs_srcdir:-.}/tests/functions.sh"
source "$abs_srcdir/tests/serve-functions.sh"
# nbdcopy reads a sparse file from the server: same bytes, holes kept.
requires nbdcopy --version
sparse_image "$tmp/src"
start_serve s --read-only "$tmp/src"
nbdcopy "$uri" "$tmp/dst"
stop_serve
same_and_sparse "$tmp/src" "$tmp/dst"
