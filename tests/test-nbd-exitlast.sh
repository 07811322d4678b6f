#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A server that exits when its last client leaves (nbdkit's exitlast
# filter) survives our set-up: the init-state probe must not be its last
# client.
source "${abs_srcdir:-$(dirname "$0")/..}/tests/functions.sh"
source "$abs_srcdir/tests/nbd-functions.sh"

start_nbdkit src --filter=exitlast sparse-random 16M seed=6 percent=30 \
  runlength=262144
start_nbdkit dst --filter=exitlast memory 16M
$NBDFERRY "$(nbd_uri src)" "$(nbd_uri dst)" || fail "copy failed"
