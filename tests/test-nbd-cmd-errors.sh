#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A [ CMD ] server that cannot start or exits at once: a one-line error
# naming the command.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/nbd-functions.sh"
start_nbdkit dst memory 1M
expect_error "\[ nbdferry-no-such-command \]" \
  $NBDFERRY -- [ nbdferry-no-such-command ] "$(nbd_uri dst)"
expect_error "\[ false \]: the server exited with status 1" \
  $NBDFERRY -- [ false ] "$(nbd_uri dst)"
# nbdkit adds its own complaint; ours is still there and names the command.
expect_fail $NBDFERRY -- [ nbdkit --no-such-option memory 1M ] "$(nbd_uri dst)"
grep -q '^nbdferry: \[ nbdkit --no-such-option memory 1M \]: the server exited' "$tmp/err" ||
  fail "no error naming the command"
