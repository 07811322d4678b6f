# SPDX-License-Identifier: LGPL-2.1-or-later
# Helpers for the NBD end-to-end tests (tests/test-nbd-*.sh), sourced
# after tests/functions.sh.
#
#   nbd_uri NAME        the URI of the server start_nbdkit NAME started
#   dump URI FILE       copy an export into a file with libnbd's nbdcopy
#   log_requests LOG OP print "offset count" (decimal) of each OP (Read,
#                       Write, Zero, Trim, Extents) in an nbdkit log filter
#                       file, one line each
#   log_connections LOG OP  how many connections sent at least one OP
#   island_source       $tmp/in: 128 MiB of 4 KiB every 8 KiB, a 32 MiB
#                       hole, 4 KiB of data, a hole to 256 MiB; served as
#                       src by nbdkit file with the log filter
#                       ($tmp/src.log); its blkhash sha256 in $want
#   check_probed LOG    island_source was probed (one unit mapped in full,
#                       then windows after one-extent questions), its long
#                       hole not read
requires nbdkit --version
requires nbdcopy --version

nbd_uri () { echo "nbd+unix:///?socket=$tmp/$1.sock"; }

dump () { nbdcopy -- "$1" "$2" || fail "nbdcopy $1 $2 failed"; }

log_requests () {
  sed -n "s/.* $2 id=[0-9]* offset=\\(0x[0-9a-f]*\\) count=\\(0x[0-9a-f]*\\).*/\\1 \\2/p" "$1" |
    while read -r off cnt; do echo $((off)) $((cnt)); done
}

log_connections () {
  grep " $2 id=" "$1" | sed -n 's/.*connection=\([0-9]*\).*/\1/p' | sort -u | wc -l
}

# data_bytes URI: bytes the export's base:allocation calls data.
data_bytes () {
  nbdinfo --map "$1" | awk '$3 == 0 { n += $2 } END { print n + 0 }'
}

island_source () {
  requires perl -e 1
  requires python3 -c 1
  requires nbdkit --filter=log file --version
  frag_image "$tmp/in" 16384 8192 $((256 << 20))
  printf 'island' | dd of="$tmp/in" bs=1 seek=$((160 << 20)) conv=notrunc status=none
  want=$(python3 "$abs_srcdir/tests/blkhash.py" sha256 65536 "$tmp/in")
  start_nbdkit src --filter=log file "$tmp/in" logfile="$tmp/src.log"
}

check_probed () {
  local M=$((1 << 20)) full one
  full=$(grep -c ' Extents .*req_one=0' "$1" || true)
  one=$(grep -c ' Extents .*req_one=1' "$1" || true)
  [ "$full" -eq 1 ] || fail "$full units mapped in full, expected 1"
  [ "$one" -ge 16 ] && [ "$one" -le 64 ] || fail "$one one-extent questions"
  log_requests "$1" Read | while read -r off cnt; do
    end=$((off + cnt))
    [ $end -le $((128 * M)) ] || [ $off -ge $((160 * M)) -a $end -le $((164 * M)) ] ||
      fail "a read at $off of $cnt bytes is inside a long hole"
  done
}
