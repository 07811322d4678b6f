#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# --help names the subcommands (each answers --help itself), and both
# programs' help ends by naming their manual page, which the build made.
source "$(dirname "$0")/functions.sh"
$NBDFERRY --help > "$tmp/help"
sed -n '/^Subcommands/,/^$/{/^  /s/^  \([a-z]*\) .*/\1/p}' "$tmp/help" \
  > "$tmp/listed"
grep -qx serve "$tmp/listed" || fail "--help does not name serve: $(cat "$tmp/help")"
# The completion's list and --help's come from the same table.
$NBDFERRY --print-completion | sed -n 's/^command //p' |
  cmp -s - "$tmp/listed" || fail "--help and --print-completion differ"
while read -r cmd; do
  $NBDFERRY "$cmd" --help > "$tmp/sub" || fail "nbdferry $cmd --help failed"
  grep -q "^Usage: nbdferry $cmd \[OPTION\.\.\.\]" "$tmp/sub" ||
    fail "nbdferry $cmd --help: $(head -1 "$tmp/sub")"
done < "$tmp/listed"

check_manual () {
  local page=$1; shift
  "$@" --help | tail -n 1 > "$tmp/last"
  grep -q "man $page\$" "$tmp/last" ||
    fail "'$* --help' does not end with its manual page: $(cat "$tmp/last")"
  [ -s "$abs_builddir/$page.1" ] || fail "$page.1 was not built"
}
check_manual nbdferry $NBDFERRY
check_manual nbdferry-serve $NBDFERRY serve
