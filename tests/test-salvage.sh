#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# --salvage: a range of the source that cannot be read (an nbdkit eval
# plugin failing reads that touch it; nbdkit's error filter failing them
# all) is written as zeroes, by whole 512-byte sectors and no more; the
# rest is copied exactly; the range is listed on stderr and in JSON
# progress, and the exit status is 2.  Without --salvage the copy fails.
source "$(dirname "$0")/functions.sh"
requires nbdkit --version
requires nbdkit eval --version

$NBDFERRY pattern:4M "$tmp/img"
bad_start=1000000 bad_end=1010000
# What --salvage must give up: the sectors the bad bytes touch.
z_start=$(( bad_start / 512 * 512 )) z_end=$(( (bad_end + 511) / 512 * 512 ))
export img="$tmp/img" bad_start bad_end

failing () {                    # nbdkit --run CMD over the failing image
  nbdkit -U - eval \
    get_size='stat -c %s "$img"' \
    pread='if [ $(( $4 < bad_end && $4 + $3 > bad_start )) = 1 ]; then
             echo "EIO bad sector" >&2; exit 1; fi
           dd if="$img" skip=$4 count=$3 iflag=skip_bytes,count_bytes status=none' \
    --run "$1"
}

rc=0
failing '$NBDFERRY --salvage --progress=3 --progress-format=json \
           --blkhash="md5" "$uri" "'"$tmp/dst"'" 3>"'"$tmp/progress"'" \
           >"'"$tmp/hash"'" 2>"'"$tmp/err"'"' || rc=$?
cat "$tmp/err" >&2
[ $rc -eq 2 ] || fail "--salvage with an unreadable range: exit $rc, expected 2"
grep -qx "nbdferry: unreadable: offset $z_start, $((z_end - z_start)) bytes" "$tmp/err" ||
  fail "the unreadable range is not listed as [$z_start, $z_end)"
grep -q "$((z_end - z_start)) bytes of the source could not be read" "$tmp/err" ||
  fail "no total of unreadable bytes"
grep -qx "{\"unreadable\":{\"offset\":$z_start,\"length\":$((z_end - z_start))}}" \
  "$tmp/progress" || fail "JSON progress: $(cat "$tmp/progress")"
tail -1 "$tmp/progress" | grep -q '"phase":"done"' || fail "JSON: no final line"

# Outside the range: exact; inside: zeroes.
cmp -n $z_start "$tmp/img" "$tmp/dst" || fail "bytes before the range differ"
cmp -i $z_end "$tmp/img" "$tmp/dst" || fail "bytes after the range differ"
cmp -n $((z_end - z_start)) -i $z_start:0 "$tmp/dst" /dev/zero ||
  fail "the unreadable range is not zero"
[ "$(stat -c %s "$tmp/dst")" -eq $((4 * 1024 * 1024)) ] || fail "size"
# The digest is that of what was written.
[ "$(cat "$tmp/hash")" = "$($NBDFERRY --blkhash=md5 "$tmp/dst" null:)" ] ||
  fail "--blkhash does not describe the salvaged copy"

# Without --salvage: the first error stops the copy, naming the offset.
rc=0
failing '$NBDFERRY "$uri" "'"$tmp/dst2"'" 2>"'"$tmp/err"'"' || rc=$?
[ $rc -eq 1 ] || fail "without --salvage: exit $rc, expected 1"
grep -q "read failed at offset" "$tmp/err" || fail "without --salvage: $(cat "$tmp/err")"

# nbdkit's error filter failing every read: all zeroes, one range.
rc=0
nbdkit -U - --filter=error pattern 1M error-pread=EIO error-pread-rate=100% \
  --run '$NBDFERRY --salvage "$uri" "'"$tmp/dst3"'" 2>"'"$tmp/err"'"' \
  2>/dev/null || rc=$?
[ $rc -eq 2 ] || fail "error filter: exit $rc, expected 2"
grep -qx "nbdferry: unreadable: offset 0, 1048576 bytes" "$tmp/err" ||
  fail "error filter: $(cat "$tmp/err")"
cmp -n 1048576 "$tmp/dst3" /dev/zero || fail "error filter: not zeroes"

# A source that reads fine: exit 0, nothing listed.
$NBDFERRY --salvage "$tmp/img" "$tmp/dst4" 2>"$tmp/err"
[ ! -s "$tmp/err" ] || fail "a good source: $(cat "$tmp/err")"
cmp "$tmp/img" "$tmp/dst4"
