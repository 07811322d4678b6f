#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# nbdferry and nbdferry serve parse options one way (cmd/optparse.h): the
# same help layout, --usage for both, each manual page's OPTIONS printed
# from the table that parses, and [ CMD ARGS ] never read for options.
source "$(dirname "$0")/functions.sh"
for prog in "$NBDFERRY" "$NBDFERRY serve"; do
  $prog --help > "$tmp/help"
  grep -q '^Usage: nbdferry.* \[OPTION\.\.\.\] ' "$tmp/help" ||
    fail "$prog --help: no usage line: $(head -1 "$tmp/help")"
  grep -q '^Help options:$' "$tmp/help" || fail "$prog --help: no help options"
  $prog --usage > "$tmp/usage" || fail "$prog --usage failed"
  grep -q -- '\[--usage\]' "$tmp/usage" || fail "$prog --usage: $(cat "$tmp/usage")"
  # serve adds a line saying whether it has TLS.
  [ "$($prog --version | head -1)" = "$($NBDFERRY --version | head -1)" ] ||
    fail "$prog --version differs"
  expect_error "^${prog#$abs_builddir/}: --bogus: unknown option" \
    $prog --bogus x
done

# Every documented option of each program is in its built manual page,
# and every option there is one the program takes.
check_pod () {
  local pod=$1; shift
  [ -s "$pod" ] || fail "$pod was not built"
  "$@" --long-options | grep -v -e '^--short-options$' -e '^--long-options$' \
    -e '^--print-pod-options$' -e '^--print-completion$' > "$tmp/longs"
  sed -n 's/^=item B<\(--[^>]*\)>.*/\1/p' "$pod" | sort > "$tmp/items"
  sort "$tmp/longs" | cmp -s - "$tmp/items" ||
    fail "$pod documents other options than '$*' takes:
$(sort "$tmp/longs" | diff - "$tmp/items")"
}
check_pod "$abs_builddir/nbdferry.pod" $NBDFERRY
check_pod "$abs_builddir/nbdferry-serve.pod" $NBDFERRY serve

# A bare -p (nbdferry's optional FD) does not eat the next word, and serve's
# -p (a port) does.
$NBDFERRY -p pattern:1M null: 2>/dev/null || fail "-p took SOURCE as its FD"
expect_error "serve: expected one TARGET" $NBDFERRY serve -p 0

# The options of a [ CMD ARGS ] server are its own, not serve's.
requires nbdkit --version
requires nbdinfo --version
$NBDFERRY serve --run 'nbdinfo --size "$uri"' \
  [ nbdkit --exit-with-parent memory 1M ] > "$tmp/size" ||
  fail "serve took the server's options"
[ "$(cat "$tmp/size")" = 1048576 ] || fail "size through the group"
