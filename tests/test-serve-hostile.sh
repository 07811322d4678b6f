#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Broken and hostile handshakes cost only their own connection: each one is
# dropped while an honest client keeps being served.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/serve-functions.sh"
requires nbdinfo --version
head -c 1M /dev/urandom > "$tmp/img"
start_serve s --handshake-timeout=2 "$tmp/img"
pids=
for kind in silent badflags badmagic biglen truncated badrequest; do
  nbdraw "$sock" hostile $kind & pids="$pids $!"
done
for i in 1 2 3; do
  nbdinfo --size "$uri" | grep -qx 1048576 || fail "honest client not served"
done
for p in $pids; do wait $p || fail "a hostile client was not dropped"; done
nbdcopy "$uri" "$tmp/out" && cmp "$tmp/img" "$tmp/out" || fail "copy after"
stop_serve
