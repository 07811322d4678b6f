#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# An image is not written to a terminal (as nbdcopy refuses): `-` and
# zstd:- on a terminal fail with one line and exit 1.
source "$(dirname "$0")/functions.sh"
requires script --version

for dst in - zstd:-; do
  if script -qec "$NBDFERRY pattern:1M $dst" /dev/null > "$tmp/tty" \
       </dev/null; then
    fail "$dst: a terminal was written to"
  fi
  cat "$tmp/tty"
  grep -q "standard output: refusing to write to a terminal" "$tmp/tty" ||
    fail "$dst: no refusal on the terminal"
  [ "$(wc -c < "$tmp/tty")" -lt 1000 ] || fail "$dst: the image reached the terminal"
done
