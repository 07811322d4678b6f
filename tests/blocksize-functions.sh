# SPDX-License-Identifier: LGPL-2.1-or-later
# Helpers for the block-size end-to-end tests (tests/test-blocksize-*.sh),
# sourced after tests/functions.sh.  nbdkit's blocksize-policy filter with
# blocksize-error-policy=error is the referee, its log filter the witness.
#
#   policy MIN MAX        blocksize-policy parameters refusing what breaks
#                         MIN/MAX with EINVAL
#   check_requests LOG MIN MAX
#                         every request in an nbdkit log file is aligned to
#                         MIN, reads and writes are at most MAX, and none was
#                         refused
#   byte_file FILE SIZE BYTE   a file of SIZE copies of BYTE (octal, \252)
#   dump URI FILE MAX     copy an export into a file with nbdcopy in
#                         requests of MAX bytes (its default breaks limits)

source "$abs_srcdir/tests/nbd-functions.sh"
requires nbdkit --filter=blocksize-policy --filter=log null --version

policy () {
  local pref=$(( $1 > 4096 ? $1 : 4096 ))
  echo "blocksize-minimum=$1 blocksize-preferred=$pref" \
       "blocksize-maximum=$2 blocksize-error-policy=error"
}

check_requests () {
  local log=$1 min=$2 max=$3 op off cnt
  ! grep -q 'return=-1' "$log" ||
    fail "$log: a request was refused: $(grep -m1 -B1 'return=-1' "$log")"
  for op in Read Write Zero Trim Extents Cache; do
    log_requests "$log" $op | while read -r off cnt; do
      [ $((off % min)) -eq 0 ] && [ $((cnt % min)) -eq 0 ] ||
        fail "$log: $op at $off ($cnt bytes) not aligned to $min"
      case $op in
        Read|Write) [ "$cnt" -le "$max" ] ||
          fail "$log: $op at $off of $cnt bytes, over $max" ;;
      esac
    done
  done
}

byte_file () {
  tr '\0' "$3" < /dev/zero | head -c "$2" > "$1"
}

dump () {
  nbdcopy --request-size="$3" -- "$1" "$2" || fail "nbdcopy $1 $2 failed"
}
