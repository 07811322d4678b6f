# SPDX-License-Identifier: LGPL-2.1-or-later
# nbdferry test helpers.  Every tests/test-*.sh starts the same way
# (tests/test-preamble.sh checks it):
#
#   #!/bin/bash
#   # SPDX-License-Identifier: LGPL-2.1-or-later
#   # What this test proves, in a sentence or two.
#   source "$(dirname "$0")/functions.sh"
#   source "$abs_srcdir/tests/KIND-functions.sh"     (helpers, if any)
#
# which gives set -e -u, the helpers below and $tmp, removed at exit.  A
# test skips (exit 77) only through skip/requires, and only for a peer that
# cannot be had on the machine: .ci/run fails on a skip not listed in
# tests/skips-allowed.
#
#   skip REASON            skip the test (exit 77), saying why
#   requires CMD ARGS...   skip unless CMD ARGS succeeds
#   cleanup_fn CMD ARGS... run at exit, last registered first
#   fail MSG               print MSG and exit 1
#   scratch                a fresh directory removed at exit ($tmp)
#   allocated FILE         bytes allocated on disk (st_blocks * 512)
#   frag_image FILE N STEP [SIZE]
#                          N extents of 4 KiB (extent i: the word i+1) every
#                          STEP bytes, holes between; SIZE (default N * STEP)
#   expect_fail CMD...     CMD must exit non-zero; its stderr is in $tmp/err
set -e
set -u

: "${abs_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${abs_builddir:=$abs_srcdir}"
: "${NBDFERRY:=$abs_builddir/nbdferry}"
export NBDFERRY

_cleanup_fns=()
cleanup_fn () { _cleanup_fns+=("$*"); }
_run_cleanups () {
  local i status=$?
  set +e
  for (( i=${#_cleanup_fns[@]}-1; i >= 0; i-- )); do
    eval "${_cleanup_fns[$i]}"
  done
  exit $status
}
trap _run_cleanups INT QUIT TERM EXIT

skip () {
  echo "$0: test skipped because $*"
  exit 77
}

requires () {
  "$@" >/dev/null 2>&1 || skip "'$*' failed"
}

requires_root () {
  [ "$(id -u)" = 0 ] || skip "it needs root"
}

fail () {
  echo "$0: FAIL: $*" >&2
  exit 1
}

tmp=$(mktemp -d "${TMPDIR:-/var/tmp}/nbdferry-test.XXXXXX")
cleanup_fn rm -rf "$tmp"

# loop_device FILE [LOSETUP-OPTIONS...]: attach FILE, set $dev, detach at
# exit; skip the test where loop devices cannot be had.
loop_device () {
  local file=$1; shift
  requires_root
  requires losetup --version
  dev=$(losetup -f --show "$@" "$file") || skip "losetup failed"
  cleanup_fn losetup -d "$dev"
}

# small_fs NAME: an ext4 file system of 128 MiB mounted on $tmp/mnt-NAME,
# its loop device's backing file on an 8 MiB tmpfs: writes succeed, and
# fail only when written back, once the tmpfs is full.
small_fs () {
  mkdir "$tmp/back-$1" "$tmp/mnt-$1"
  requires mount -t tmpfs -o size=8M tmpfs "$tmp/back-$1"
  cleanup_fn umount "$tmp/back-$1"
  truncate -s 128M "$tmp/back-$1/fs"
  loop_device "$tmp/back-$1/fs"
  mkfs.ext4 -q -O ^has_journal -E nodiscard "$dev"
  mount "$dev" "$tmp/mnt-$1" ||
    skip "mounting a loop device is not permitted here"
  cleanup_fn umount "$tmp/mnt-$1"
}

# writeback_fails NAME CMD...: CMD, copying into $tmp/mnt-NAME (small_fs
# NAME, made here), fails with one line naming its destination there and
# the range that could not be written back.
writeback_fails () {
  local name=$1; shift
  small_fs "$name"
  expect_error "^nbdferry: [^ ]*$tmp/mnt-$name/[^ ]*: .*writing back offset [0-9]* ([0-9]* bytes) failed: " "$@"
}

allocated () {
  echo $(( $(stat -c %b "$1") * $(stat -c %B "$1") ))
}

frag_image () {
  perl -e 'my ($f, $n, $step, $size) = @ARGV;
    open (my $h, ">", $f) or die; truncate ($h, $size) or die;
    for my $i (0 .. $n - 1) {
      sysseek ($h, $i * $step, 0);
      syswrite ($h, pack ("N", $i + 1) x 1024) == 4096 or die;
    }' "$1" "$2" "$3" "${4:-$(($2 * $3))}"
}

# expect_fail CMD...: CMD fails cleanly (its status in $fail_rc).  A crash, a
# signal, a timeout (124) or a missing command is not the failure a test
# expects: it fails the test.
expect_fail () {
  fail_rc=0
  "$@" 2>"$tmp/err" || fail_rc=$?
  cat "$tmp/err" >&2
  [ "$fail_rc" -ne 0 ] || fail "expected failure: $*"
  [ "$fail_rc" -lt 124 ] || fail "status $fail_rc (a crash, signal or timeout): $*"
}

# expect_error PATTERN CMD...: CMD fails with one line on stderr matching
# PATTERN.
expect_error () {
  local pat=$1; shift
  expect_fail "$@"
  [ "$(wc -l < "$tmp/err")" -eq 1 ] ||
    fail "expected one line of error from '$*', got: $(cat "$tmp/err")"
  grep -q -- "$pat" "$tmp/err" ||
    fail "error from '$*' does not match '$pat': $(cat "$tmp/err")"
}

# Start nbdkit in the background on a Unix socket; sets $sock and $pidfile.
# Usage: start_nbdkit NAME [nbdkit args...]
start_nbdkit () {
  local name=$1; shift
  sock=$tmp/$name.sock
  pidfile=$tmp/$name.pid
  nbdkit -U "$sock" -P "$pidfile" -f "$@" &
  cleanup_fn "kill \$(cat $pidfile 2>/dev/null) 2>/dev/null"
  local i
  for i in $(seq 100); do
    [ -s "$pidfile" ] && [ -S "$sock" ] && return 0
    sleep 0.1
  done
  fail "nbdkit $* did not start"
}
