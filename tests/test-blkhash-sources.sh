#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# One image gives one blkhash whatever holds it: a synthetic source, a
# file, a zstd image, an NBD export (with extents), stdin, and while
# copying to a real destination; --blkhash-file writes the same line.
source "$(dirname "$0")/functions.sh"
# A build without GnuTLS (configure --without-gnutls) has no --blkhash; a
# broken --blkhash must fail here, not skip.
requires sh -c '$NBDFERRY serve --version | grep -q "TLS: yes"'
requires nbdkit --version
requires python3 -c 'import hashlib'

src="sparse-random:100M,percent=30,seed=9"
$NBDFERRY "$src" "$tmp/img"
want=$(python3 "$abs_srcdir/tests/blkhash.py" sha256 65536 "$tmp/img")
$NBDFERRY "$tmp/img" "zstd:$tmp/img.zst"

same () {                       # WHAT DIGEST
  [ "$2" = "$want" ] || fail "$1: got '$2', expected '$want'"
}
same synthetic "$($NBDFERRY --blkhash "$src" null:)"
same file "$($NBDFERRY --blkhash "$tmp/img" null:)"
same "file, one thread" "$($NBDFERRY -T 1 --blkhash "$tmp/img" null:)"
same "file, no extents" "$($NBDFERRY --no-extents --blkhash "$tmp/img" null:)"
same zstd "$($NBDFERRY --blkhash "zstd:$tmp/img.zst" null:)"
same stdin "$($NBDFERRY --blkhash - null: < "$tmp/img")"
same nbd "$(nbdkit -U - file "$tmp/img" \
              --run '$NBDFERRY --blkhash "$uri" null:')"
same "nbd, 1 connection" "$(nbdkit -U - file "$tmp/img" \
              --run '$NBDFERRY -C 1 --blkhash "$uri" null:')"
same "copy to a file" "$($NBDFERRY --blkhash "$src" "$tmp/copy")"
cmp "$tmp/img" "$tmp/copy" || fail "the copy is wrong"

out=$($NBDFERRY --blkhash-file="$tmp/hash" "$tmp/img" null:)
[ -z "$out" ] || fail "--blkhash-file: stdout is not empty: $out"
same --blkhash-file "$(cat "$tmp/hash")"
[ "$(wc -l < "$tmp/hash")" -eq 1 ] || fail "--blkhash-file: not one line"
$NBDFERRY --blkhash=md5/4k --blkhash-file="$tmp/hash" "$tmp/img" null:
[ "$(cat "$tmp/hash")" = "$(python3 "$abs_srcdir/tests/blkhash.py" md5 4096 "$tmp/img")" ] ||
  fail "--blkhash=md5/4k --blkhash-file"

# Bad values: one line naming the option, and nothing is created.
expect_error "--blkhash: unknown digest algorithm 'nosuch'" \
  $NBDFERRY --blkhash=nosuch "$tmp/img" "$tmp/new"
expect_error "--blkhash: block size '3000'" \
  $NBDFERRY --blkhash=sha256/3000 "$tmp/img" "$tmp/new"
[ ! -e "$tmp/new" ] || fail "a bad --blkhash created the destination"
# A delta copy reads only what changed: no digest of the whole image.
expect_error "--blkhash needs the whole source" \
  $NBDFERRY --blkhash --dirty-bitmap=b0 "$tmp/img" "$tmp/new"
