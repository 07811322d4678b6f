#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# null: takes anything and writes nothing.
source "$(dirname "$0")/functions.sh"
head -c 1M /dev/urandom > "$tmp/in"
$NBDFERRY "$tmp/in" null:
$NBDFERRY -T 4 sparse-random:1G null:
cat "$tmp/in" | $NBDFERRY - null:
[ ! -e null: ] || fail "null: created a file"
expect_error "null:.*cannot be used as a source" $NBDFERRY null: "$tmp/out"
[ ! -e "$tmp/out" ] || fail "destination created"
