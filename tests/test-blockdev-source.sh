#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A loop device as the source, buffered and --direct.
source "$(dirname "$0")/functions.sh"
head -c 16M /dev/urandom > "$tmp/backing"
loop_device "$tmp/backing"

$NBDFERRY "$dev" "$tmp/out"
cmp "$tmp/backing" "$tmp/out" || fail "copy of the device differs"
$NBDFERRY --direct -T 2 "$dev" "$tmp/out2"
cmp "$tmp/backing" "$tmp/out2" || fail "--direct copy of the device differs"
