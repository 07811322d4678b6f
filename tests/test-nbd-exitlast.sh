#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A server that exits when its last client leaves (nbdkit's exitlast
# filter) survives our set-up: the init-state probe must not be its last
# client.  The probe does ask the server (nbdkit's debug log shows the
# request for info type 4), and the copy lands whole.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/nbd-functions.sh"
args="sparse-random 16M seed=6 percent=30 runlength=262144"
start_nbdkit src --filter=exitlast $args
truncate -s 16M "$tmp/dst.img"
start_nbdkit dst -v --filter=exitlast file "$tmp/dst.img" 2>"$tmp/dst.debug"
$NBDFERRY "$(nbd_uri src)" "$(nbd_uri dst)" || fail "copy failed"
grep -q 'NBD_OPT_INFO: ignoring NBD_INFO_\* request 4' "$tmp/dst.debug" ||
  fail "the init-state probe did not ask the destination"

start_nbdkit ref $args
dump "$(nbd_uri ref)" "$tmp/ref.img"
cmp "$tmp/ref.img" "$tmp/dst.img" || fail "copied bytes differ"
