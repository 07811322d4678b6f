# SPDX-License-Identifier: LGPL-2.1-or-later
# Helpers for the `nbdferry serve` tests, sourced after functions.sh.
#
#   start_serve NAME ARGS...   nbdferry serve --unix=$tmp/NAME.sock ARGS in
#                              the background; sets $sock, $uri, $serve_pid
#   stop_serve                 SIGTERM it and check it exits 0
#   nbdraw ARGS...             our raw client (tests/nbdraw)
#   sparse_image FILE          32 MiB: 1 MiB of random data at 0, 5, 17
#                              and 31 MiB, holes elsewhere
#   same_and_sparse SRC DST    DST has SRC's bytes and at most its 4 MiB
#                              of data allocated

nbdraw () { "$abs_builddir/tests/nbdraw" "$@"; }

# Servers not yet reaped: a pid that stop_serve waited for may belong to
# another process by the time the test exits, so it is not killed again.
_serve_pids=()
_kill_serves () {
  local p
  for p in ${_serve_pids[@]+"${_serve_pids[@]}"}; do kill "$p" 2>/dev/null; done
}
cleanup_fn _kill_serves

start_serve () {
  local name=$1; shift
  sock=$tmp/$name.sock
  uri="nbd+unix:///?socket=$sock"
  rm -f "$tmp/$name.pid"
  $NBDFERRY serve --unix="$sock" --pidfile="$tmp/$name.pid" "$@" &
  serve_pid=$!
  _serve_pids+=("$serve_pid")
  local i
  for i in $(seq 100); do
    [ -s "$tmp/$name.pid" ] && [ -S "$sock" ] && return 0
    kill -0 $serve_pid 2>/dev/null || fail "nbdferry serve $* exited"
    sleep 0.1
  done
  fail "nbdferry serve $* did not start"
}

sparse_image () {
  local off
  truncate -s 32M "$1"
  for off in 0 5 17 31; do
    head -c 1048576 /dev/urandom |
      dd of="$1" bs=1M seek=$off conv=notrunc status=none
  done
}

same_and_sparse () {
  cmp "$1" "$2" || fail "copied bytes differ"
  [ "$(allocated "$2")" -le $((4 << 20)) ] ||
    fail "holes lost: $(allocated "$2") bytes allocated"
}

stop_serve () {
  kill -TERM $serve_pid
  local status=0
  wait $serve_pid || status=$?
  local p live=()
  for p in "${_serve_pids[@]}"; do [ "$p" = "$serve_pid" ] || live+=("$p"); done
  _serve_pids=(${live[@]+"${live[@]}"})
  [ $status -eq 0 ] || fail "nbdferry serve exited with $status after SIGTERM"
}

# nbdsh runs "python3 -m nbd": use the system python when the first
# python3 on PATH lacks libnbd's module.
if ! python3 -c 'import nbd' 2>/dev/null &&
   /usr/bin/python3 -c 'import nbd' 2>/dev/null; then
  nbdsh () { PATH=/usr/bin:$PATH command nbdsh "$@"; }
fi
