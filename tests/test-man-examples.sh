#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Every example in nbdferry(1)'s EXAMPLES section runs and does what the
# page says.  The verbatim blocks are taken from the page source and run
# as written, with local stand-ins substituted for the devices and hosts
# (an nbdkit for nbd://server, files for /dev/sdX, a Unix socket for the
# receiving host).  An example this test has no check for, or one naming a
# device or host it cannot substitute, fails the test.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/serve-functions.sh"
requires nbdkit --version
requires qemu-nbd --version
requires qemu-img --version
requires python3 --version
requires zstd --version

pod=$abs_srcdir/man/nbdferry.pod.in
# One example per line, the lines of a block joined by \n (as text).
awk '/^=head1 EXAMPLES/ { on = 1; next }
     /^=head1/ { on = 0 }
     on && /^ / { sub(/^ /, ""); b = b (b == "" ? "" : "\\n") $0; next }
     on && b != "" { print b; b = "" }
     END { if (b != "") print b }' "$pod" > "$tmp/examples"
[ -s "$tmp/examples" ] || fail "no examples found in $pod"

mkdir "$tmp/sender" "$tmp/receiver"
sparse_image "$tmp/sender/disk.img"
qemu-img convert -f raw -O qcow2 "$tmp/sender/disk.img" "$tmp/sender/disk.qcow2"
sparse_image "$tmp/server.img"
start_nbdkit server file "$tmp/server.img"
sparse_image "$tmp/sda"
truncate -s 32M "$tmp/sdb"

subst () {
  sed -e "s|^nbdferry |\"\$NBDFERRY\" |" \
      -e "s|nbd://server/disk|nbd+unix:///disk?socket=$tmp/server.sock|g" \
      -e "s|/dev/sd\([ab]\)|$tmp/sd\1|g" \
      -e "s|--port=10809 --bind=0.0.0.0|--unix=$tmp/recv.sock --pidfile=$tmp/recv.pid|" \
      -e "s|--size=20G|--size=32M|" \
      -e "s|nbd://receiver/|nbd+unix:///?socket=$tmp/recv.sock|g"
}

n=0
while IFS= read -r example; do
  n=$((n + 1))
  cmd=$(printf '%b\n' "$example" | subst)
  echo "example $n: $cmd"
  if echo "$cmd" | grep -qE 'nbd://|/dev/'; then
    fail "example $n names a device or host this test cannot stand in for"
  fi
  case "$example" in
    "nbdferry serve "*)
      (cd "$tmp/receiver" && eval "exec $cmd") &
      serve_pid=$!
      cleanup_fn "kill $serve_pid 2>/dev/null"
      for i in $(seq 100); do
        [ -S "$tmp/recv.sock" ] && [ -s "$tmp/recv.pid" ] && break
        sleep 0.1
      done
      [ -S "$tmp/recv.sock" ] || fail "example $n: the server did not start"
      continue ;;
  esac
  (cd "$tmp/sender" && eval "$cmd") > "$tmp/out" ||
    fail "example $n failed: $cmd"
  cd "$tmp/sender"
  case "$example" in
    *"--progress-format=json"*)
      cmp disk.img copy.img || fail "example $n: copy differs"
      [ "$(tail -n 1 progress.json)" = "$(cat "$tmp/out")" ] ||
        fail "example $n: tail did not print the last progress line"
      python3 -c 'import json, sys
d = json.loads(sys.stdin.read())
assert d["phase"] == "done" and d["bytes"] == d["size"] == 32 << 20, d
assert d["read"] == d["written"] == 4 << 20 and d["skipped"] == 28 << 20, d' \
        < "$tmp/out" || fail "example $n: last line: $(cat "$tmp/out")" ;;
    "nbdferry disk.img copy.img")
      same_and_sparse disk.img copy.img ;;
    "nbdferry nbd://server/disk local.img")
      cmp "$tmp/server.img" local.img || fail "example $n: copy differs" ;;
    *"[ qemu-nbd -f qcow2 disk.qcow2 ] disk.raw")
      same_and_sparse disk.img disk.raw ;;
    *"zstd:sda.img.zst"*)
      zstd -t -q sda.img.zst || fail "example $n: zstd -t rejects the image"
      cmp "$tmp/sda" "$tmp/sdb" || fail "example $n: restored disk differs" ;;
    "nbdferry disk.img nbd://receiver/")
      [ -n "${serve_pid:-}" ] || fail "example $n: no server example before it"
      stop_serve
      same_and_sparse disk.img "$tmp/receiver/disk.img" ;;
    *) fail "example $n has no check in $0: $example" ;;
  esac
  cd "$tmp"
done < "$tmp/examples"
[ $n -ge 7 ] || fail "only $n examples found"
