#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# nbdcopy starts nbdferry serve itself with socket activation.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/serve-functions.sh"
requires nbdcopy --version
sparse_image "$tmp/src"
nbdcopy -- [ $NBDFERRY serve --read-only "$tmp/src" ] "$tmp/dst"
cmp "$tmp/src" "$tmp/dst" || fail "copied bytes differ"
# And as a destination.
truncate -s 32M "$tmp/dst2"
nbdcopy -- "$tmp/src" [ $NBDFERRY serve "$tmp/dst2" ]
cmp "$tmp/src" "$tmp/dst2" || fail "copied bytes differ (destination)"
