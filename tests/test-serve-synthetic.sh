#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A target that can only be read (a synthetic image) is served read-only
# without -r, as nbdkit serves a plugin that cannot write: clients see
# read-only and the image's bytes.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/serve-functions.sh"
requires nbdinfo --version
requires nbdcopy --version

start_serve s pattern:3M
nbdinfo "$uri" > "$tmp/info"
grep -q "is_read_only: true" "$tmp/info" || fail "not read-only: $(cat "$tmp/info")"
nbdcopy "$uri" "$tmp/out"
$NBDFERRY pattern:3M - | cmp - "$tmp/out" || fail "served other bytes"
nbdraw "$sock" readonly
stop_serve
