#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The sources and README point only at documents inside the tree: every
# upper-case Markdown name (DESIGN.md, PROTOCOL.md, README.md, ...) in a
# source or Markdown file is a file at the top of the source tree.
source "$(dirname "$0")/functions.sh"
cd "$abs_srcdir"
grep -rhoE --include='*.[ch]' --include='*.sh' --include='*.mk' \
     --include='*.md' --include='*.pod*' --include='*.am' \
     --exclude-dir=_build --exclude-dir='nbdferry-*' \
     '\b[A-Z][A-Z0-9_-]*\.md\b' . | sort -u > "$tmp/named"
[ -s "$tmp/named" ] || fail "no document named anywhere: the search is broken"
bad=()
while read -r doc; do
  [ -f "$doc" ] || bad+=("$doc")
done < "$tmp/named"
[ ${#bad[@]} -eq 0 ] || fail "named but not in the tree: ${bad[*]}"
