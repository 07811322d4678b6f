#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Both manual pages, as generated (OPTIONS filled in from the option
# tables), are clean POD: podchecker finds no error or warning and no POD
# command leaks into the text (a "=head1" not preceded by a blank line
# is printed as text).
source "$(dirname "$0")/functions.sh"
requires sh -c 'command -v podchecker'
requires sh -c 'command -v pod2text'

cd "$abs_builddir"
make -s nbdferry.pod nbdferry-serve.pod >/dev/null 2>&1 ||
  fail "cannot generate the pages"
for pod in nbdferry.pod nbdferry-serve.pod; do
  podchecker -warnings "$pod" > "$tmp/check" 2>&1 ||
    fail "$pod: $(cat "$tmp/check")"
  ! grep -q 'WARNING' "$tmp/check" || fail "$pod: $(cat "$tmp/check")"
  pod2text "$pod" > "$tmp/text"
  ! grep -nE '(^|[^A-Za-z])=(head[1-4]|item|over|back|cut|pod)\b' "$tmp/text" ||
    fail "$pod: a POD command is printed as text"
  grep -q '^SYNOPSIS' "$tmp/text" || fail "$pod: no SYNOPSIS"
done
