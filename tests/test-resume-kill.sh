#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# nbdferry killed with SIGKILL at several points of a multi-GiB copy, then
# run again with the same --resume: the result is identical, and each run
# after the first reads less than the whole source.  Once with a
# destination file that existed before (truncating it again would lose the
# finished units), once with an NBD destination.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/nbd-functions.sh"
source "$abs_srcdir/tests/resilience-functions.sh"
requires timeout --version

# 2 GiB, 10 % data read at about 10 MiB/s: a run takes ~20 s, and a
# checkpoint is made every 5 s.
src=(--filter=delay sparse-random 2G percent=10 seed=7 rdelay=100ms)
nbdcopy -- [ nbdkit sparse-random 2G percent=10 seed=7 ] "$tmp/want.img"

# A copy killed after $1 seconds (nbdkit 1.32 may abort when a client dies
# with requests in flight: servers are started afresh for each run).
run_killed () {
  local secs=$1; shift
  start_nbdkit src "${src[@]}"
  timeout -s KILL "$secs" $NBDFERRY -v -C 2 -R 2 "$@" 2>>"$tmp/killed" &&
    fail "the copy ended before it was killed"
  kill "$(cat "$tmp/src.pid")" 2>/dev/null || :
  rm -f "$tmp/src.sock"
}

run_to_end () {
  start_nbdkit src "${src[@]}"
  $NBDFERRY -v -C 2 -R 2 "$@" 2>"$tmp/log" ||
    fail "resumed copy failed: $(cat "$tmp/log")"
  cat "$tmp/log" >&2
  grep -q '[1-9][0-9.]* [KMG]iB finished by an earlier run' "$tmp/log" ||
    fail "nothing was resumed"
  grep -q '^nbdferry: resuming: [1-9][0-9.]* [KMG]iB finished' "$tmp/log" ||
    fail "the resumed run did not say so at its start"
  read_mib=$(sed -n 's/.*read \([0-9.]*\) MiB.*/\1/p' "$tmp/log")
  [ -n "$read_mib" ] && awk "BEGIN { exit !($read_mib < 200) }" ||
    fail "the resumed run read as much as a whole run"
  [ ! -e "$tmp/state" ] || fail "the state file was not removed"
  kill "$(cat "$tmp/src.pid")" 2>/dev/null || :
  rm -f "$tmp/src.sock"
}

# A file destination that existed before the first run.
head -c 1M /dev/urandom > "$tmp/dst.img"
run_killed 9 --resume="$tmp/state" "$(nbd_uri src)" "$tmp/dst.img"
grep -q '^done .*[1-9a-f]' "$tmp/state" || fail "no unit recorded"
run_killed 9 --resume="$tmp/state" "$(nbd_uri src)" "$tmp/dst.img"
run_to_end --resume="$tmp/state" "$(nbd_uri src)" "$tmp/dst.img"
cmp "$tmp/want.img" "$tmp/dst.img" || fail "file destination differs"

# An NBD destination (a file behind nbdkit, which survives our kills).
truncate -s 2G "$tmp/nbd.img"
start_nbdkit dst file "$tmp/nbd.img"
run_killed 9 --resume="$tmp/state" "$(nbd_uri src)" "$(nbd_uri dst)"
kill "$(cat "$tmp/dst.pid")" 2>/dev/null || :
rm -f "$tmp/dst.sock"
start_nbdkit dst file "$tmp/nbd.img"
run_to_end --resume="$tmp/state" "$(nbd_uri src)" "$(nbd_uri dst)"
cmp "$tmp/want.img" "$tmp/nbd.img" || fail "NBD destination differs"
