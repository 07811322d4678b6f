#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# --version prints nbdcopy's second line, "libnbd X.Y.Z" of the library
# actually loaded, which scripts parse.
source "$(dirname "$0")/functions.sh"
requires nbdcopy --version

$NBDFERRY --version > "$tmp/v"
cat "$tmp/v"
[ "$(wc -l < "$tmp/v")" -eq 2 ] || fail "expected two lines"
line=$(sed -n 2p "$tmp/v")
[[ $line =~ ^libnbd\ [0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "second line: '$line'"
# The same library nbdcopy loads.
[ "$line" = "$(nbdcopy --version | sed -n 2p)" ] ||
  fail "'$line', but nbdcopy says '$(nbdcopy --version | sed -n 2p)'"
[ "$($NBDFERRY -V | sed -n 2p)" = "$line" ] || fail "-V differs"
