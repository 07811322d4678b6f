#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Tests cannot hide a regression: every shell test starts with the one
# preamble (tests/functions.sh), is run by make check (named in mk/*.mk),
# and skips only through skip/requires, never on what nbdferry itself does
# or on a check that failed; C unit tests skip through exit 77
# (UNIT_SKIP), never by printing "skipping" and passing.
source "$(dirname "$0")/functions.sh"
cd "$abs_srcdir"

std='source "$(dirname "$0")/functions.sh"'
bad=()
for t in tests/test-*.sh; do
  { read -r l1; read -r l2; read -r l3; } < "$t"
  [ "$l1" = '#!/bin/bash' ] || bad+=("$t: line 1 is not #!/bin/bash")
  [ "$l2" = '# SPDX-License-Identifier: LGPL-2.1-or-later' ] ||
    bad+=("$t: line 2 is not the SPDX line")
  case $l3 in '# '?*) ;; *) bad+=("$t: line 3 does not say what it tests") ;; esac
  first=$(grep -v -m1 '^#' "$t")
  [ "$first" = "$std" ] || bad+=("$t: first command is not $std")
  grep '^source ' "$t" | tail -n +2 |
    grep -v '^source "\$abs_srcdir/tests/[a-z]*-functions\.sh"$' |
    sed "s|^|$t: helper not sourced as \$abs_srcdir/tests/KIND-functions.sh: |" \
    > "$tmp/helpers" || true
  [ -s "$tmp/helpers" ] && bad+=("$(cat "$tmp/helpers")")
  grep -q "\\b$(basename "$t")\\b" mk/*.mk ||
    bad+=("$t: not in TESTS of any mk/*.mk")
done
for f in tests/test-*.sh tests/*-functions.sh; do
  case $f in tests/functions.sh|tests/test-preamble.sh) continue ;; esac
  grep -n -e 'exit 77' -e 'requires_driver' -e 'not merged' "$f" |
    sed "s|^|$f:|" > "$tmp/skips" || true
  [ -s "$tmp/skips" ] &&
    bad+=("$(sed 's/$/ (skip only through skip or requires)/' "$tmp/skips")")
  # What nbdferry does, or a check that failed, is never a reason to skip.
  grep -n -e 'requires \$NBDFERRY' -e '|| *requires ' "$f" |
    sed "s|^|$f:|" > "$tmp/skips" || true
  [ -s "$tmp/skips" ] &&
    bad+=("$(sed 's/$/ (a failure turned into a skip)/' "$tmp/skips")")
done
for c in tests/*.c; do
  grep -n -i '"skipping' "$c" | sed "s|^|$c:|;s/$/ (use UNIT_SKIP)/" \
    > "$tmp/cskip" || true
  [ -s "$tmp/cskip" ] && bad+=("$(cat "$tmp/cskip")")
done
[ ${#bad[@]} -eq 0 ] || fail "$(printf '\n  %s' "${bad[@]}")"
