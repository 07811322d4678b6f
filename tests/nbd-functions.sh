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
