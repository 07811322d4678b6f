#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Every manual page, as generated (OPTIONS filled in from the option
# tables), is clean POD: podchecker finds no error or warning and no POD
# command leaks into the text (a "=head1" not preceded by a blank line
# is printed as text).  Each program's --help ends naming its page.
source "$(dirname "$0")/functions.sh"
requires sh -c 'command -v podchecker'
requires sh -c 'command -v pod2text'

cd "$abs_builddir"
make -s nbdferry.pod nbdferry-serve.pod nbdferry-compare.pod >/dev/null 2>&1 ||
  fail "cannot generate the pages"
for pod in nbdferry.pod nbdferry-serve.pod nbdferry-compare.pod; do
  podchecker -warnings "$pod" > "$tmp/check" 2>&1 ||
    fail "$pod: $(cat "$tmp/check")"
  ! grep -q 'WARNING' "$tmp/check" || fail "$pod: $(cat "$tmp/check")"
  pod2text "$pod" > "$tmp/text"
  ! grep -nE '(^|[^A-Za-z])=(head[1-4]|item|over|back|cut|pod)\b' "$tmp/text" ||
    fail "$pod: a POD command is printed as text"
  grep -q '^SYNOPSIS' "$tmp/text" || fail "$pod: no SYNOPSIS"
done

for cmd in "" serve compare; do
  page=nbdferry${cmd:+-$cmd}
  $NBDFERRY $cmd --help | tail -1 | grep -qx ".*: man $page" ||
    fail "nbdferry $cmd --help does not end naming $page(1)"
  [ -f "$page.1" ] || fail "$page.1 is not built"
done
