#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The bash completion, loaded in bash, completes each program's options
# (and only its own), the subcommand, and file names; make install puts it
# in the bash-completion directory configure chose.
source "$(dirname "$0")/functions.sh"
comp=$abs_builddir/completion/nbdferry
[ -s "$comp" ] || fail "$comp was not built"
mkdir "$tmp/dir"
touch "$tmp/dir/disk-image.img" "$tmp/dir/other.raw"

# complete WORDS...: the completions of the last word, one a line.
complete_words () {
  (cd "$tmp/dir" && bash --norc --noprofile -c '
    source "$1"; shift
    COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 ))
    _nbdferry
    [ ${#COMPREPLY[@]} -eq 0 ] || printf "%s\n" "${COMPREPLY[@]}"' _ "$comp" "$@")
}

complete_words nbdferry --progress-f > "$tmp/out"
grep -qx -- '--progress-format=' "$tmp/out" || fail "--progress-f: $(cat "$tmp/out")"
complete_words nbdferry --un > "$tmp/out"
[ ! -s "$tmp/out" ] || fail "serve's --unix offered to nbdferry: $(cat "$tmp/out")"
complete_words nbdferry serve --un > "$tmp/out"
grep -qx -- '--unix=' "$tmp/out" || fail "serve --un: $(cat "$tmp/out")"
complete_words nbdferry se > "$tmp/out"
grep -qx serve "$tmp/out" || fail "no subcommand: $(cat "$tmp/out")"
complete_words nbdferry disk-im > "$tmp/out"
[ "$(cat "$tmp/out")" = disk-image.img ] || fail "file name: $(cat "$tmp/out")"
complete_words nbdferry -v disk-image.img oth > "$tmp/out"
[ "$(cat "$tmp/out")" = other.raw ] || fail "destination: $(cat "$tmp/out")"

# Every documented option of both programs is offered.
for prog in "" serve; do
  $NBDFERRY $prog --print-completion | grep '^-' | while read -r opt; do
    complete_words nbdferry $prog "$opt" | grep -qxF -- "$opt" ||
      fail "nbdferry $prog: $opt is not completed"
  done
done

# make install puts it where configure said.
# (make check passes -w down in MAKEFLAGS: keep the one line that is a path.)
make -s -C "$abs_builddir" install-bashcompDATA DESTDIR="$tmp/inst" >/dev/null
dir=$(make -s -C "$abs_builddir" --no-print-directory print-bashcompdir |
      grep '^/')
cmp "$comp" "$tmp/inst$dir/nbdferry" || fail "not installed in $dir"
