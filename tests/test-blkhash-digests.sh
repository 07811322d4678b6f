#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# --blkhash=ALG/BLOCKSIZE gives the digest an independent implementation
# (Python's hashlib, tests/blkhash.py) computes on the same bytes: every
# algorithm, several block sizes, an empty image, 5 bytes, a short last
# block and a multi-GiB sparse image.
source "$(dirname "$0")/functions.sh"
# A build without GnuTLS (configure --without-gnutls) has no --blkhash; a
# broken --blkhash must fail here, not skip.
requires sh -c '$NBDFERRY serve --version | grep -q "TLS: yes"'
requires python3 -c 'import hashlib'

ref () { python3 "$abs_srcdir/tests/blkhash.py" "$@"; }

check () {                      # ALG BLOCKSIZE FILE
  local got want
  got=$($NBDFERRY --blkhash="$1/$2" "$3" null:)
  want=$(ref "$1" "$2" "$3")
  [ "$got" = "$want" ] || fail "$1/$2 of $3: got '$got', expected '$want'"
}

: > "$tmp/empty"
printf hello > "$tmp/five"
# 1 MiB + 1234: data, a hole, data, and a short last block.
python3 - "$tmp/short" <<'PY'
import os, random, sys
random.seed(7)
with open(sys.argv[1], "wb") as f:
    f.write(random.randbytes(300000))
    f.seek(700000)
    f.write(random.randbytes(1048576 + 1234 - 700000))
PY

# Every algorithm at the default block size; several block sizes with two.
for alg in md5 sha1 sha224 sha256 sha384 sha512; do
  for f in empty five short; do check $alg 65536 "$tmp/$f"; done
done
for alg in md5 sha256; do
  for bs in 4 512 4096 1048576; do
    for f in empty five; do check $alg $bs "$tmp/$f"; done
    [ $bs -ge 512 ] && check $alg $bs "$tmp/short"
  done
done

# The default is sha256/64k, and the digest is one line of lower-case hex.
[ "$($NBDFERRY --blkhash "$tmp/short" null:)" = "$(ref sha256 65536 "$tmp/short")" ] ||
  fail "default algorithm or block size"
[ "$($NBDFERRY --blkhash=sha1 "$tmp/short" null:)" = "$(ref sha1 65536 "$tmp/short")" ] ||
  fail "ALG without /BLOCKSIZE"
[ "$($NBDFERRY --blkhash=SHA1/64K "$tmp/short" null:)" = "$(ref sha1 65536 "$tmp/short")" ] ||
  fail "ALG and size suffixes are not case sensitive"

# 4 GiB + 777 bytes, sparse, data islands at the start, across a 64 MiB
# unit boundary, in the middle and in the short last block.
big="$tmp/big"
truncate -s $((4 * 1024 * 1024 * 1024 + 777)) "$big"
for off in 0 $((64 * 1024 * 1024 - 3)) 2500000000 $((4 * 1024 * 1024 * 1024 + 700)); do
  printf 'island at %d' $off | dd of="$big" bs=1 seek=$off conv=notrunc status=none
done
check sha256 65536 "$big"
check md5 1048576 "$big"
check sha512 4096 "$big"
