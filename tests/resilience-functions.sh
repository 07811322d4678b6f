# SPDX-License-Identifier: LGPL-2.1-or-later
# Helpers for the resilience tests (--retries, timeouts, --resume), sourced
# after tests/functions.sh and tests/nbd-functions.sh.
#
#   restart_nbdkit NAME DELAY ARGS...  in the background: SIGKILL the
#                       server start_nbdkit NAME started, wait DELAY
#                       seconds and start ARGS on the same socket
#   summary_count LOG WORD  the number before WORD (retr, reconnect)
#                       in a -v summary, 0 if none
#   signal_wait PID SIG send SIG to the background job PID, wait (up to
#                       60 s) for it to end; its exit status is in $rc
#   stop_after_reads NAME LOG N [SECONDS]
#                       in the background (its pid in $bg): once the log
#                       filter file LOG shows N reads answered, SIGSTOP the
#                       server start_nbdkit NAME started (and SIGCONT it
#                       SECONDS later); so the copy has surely started

restart_nbdkit () {
  local name=$1 delay=$2; shift 2
  (
    kill -9 "$(cat "$tmp/$name.pid")"
    sleep "$delay"
    rm -f "$tmp/$name.sock"     # SIGKILL leaves the socket behind
    exec nbdkit -U "$tmp/$name.sock" -P "$tmp/$name.pid" -f "$@"
  ) &
}

summary_count () {
  sed -n "s/.* \\([0-9]*\\) $2.*/\\1/p" "$1" | tail -1 | grep . || echo 0
}

signal_wait () {
  kill -"$2" "$1"
  set +e
  timeout 60 tail --pid="$1" -f /dev/null
  wait "$1"
  rc=$?
  set -e
}

stop_after_reads () {
  local pid i
  pid=$(cat "$tmp/$1.pid")
  (
    for i in $(seq 600); do
      [ "$(grep -c '\.\.\.Read id=.* return=0' "$2" 2>/dev/null)" -ge "$3" ] &&
        break
      sleep 0.1
    done
    kill -STOP "$pid"
    [ -z "${4-}" ] || { sleep "$4"; kill -CONT "$pid"; }
  ) &
  bg=$!
}
