#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# `-` as the source: a pipe is read as a stream; a regular file redirected
# to stdin is read as a file (its holes are kept even without zero
# detection, -S 0, since its extents are read).
source "$(dirname "$0")/functions.sh"
head -c $((2 * 1024 * 1024 + 4097)) /dev/urandom > "$tmp/in"
cat "$tmp/in" | $NBDFERRY - "$tmp/out"
cmp "$tmp/in" "$tmp/out" || fail "pipe: output differs"

# A pipe with zeroes in it and an empty pipe.
{ head -c 1M /dev/zero; head -c 1000 /dev/urandom; } > "$tmp/z"
cat "$tmp/z" | $NBDFERRY - "$tmp/out"
cmp "$tmp/z" "$tmp/out" || fail "pipe with zeroes: output differs"
: | $NBDFERRY - "$tmp/empty"
[ "$(stat -c %s "$tmp/empty")" -eq 0 ] || fail "empty pipe: non-empty file"

truncate -s 32M "$tmp/sparse"
head -c 4096 /dev/urandom | dd of="$tmp/sparse" bs=1M seek=9 conv=notrunc status=none
$NBDFERRY -S 0 - "$tmp/out" < "$tmp/sparse"
cmp "$tmp/sparse" "$tmp/out" || fail "redirected file: output differs"
[ "$(allocated "$tmp/out")" -le $((1024 * 1024)) ] ||
  fail "redirected file: holes not kept"

# A character device on stdin is refused as a named one is: /dev/zero
# would be copied until the destination is full, a terminal is a
# forgotten redirection.  Nothing is created.
expect_error "standard input: is a character device" \
  timeout 60 $NBDFERRY - "$tmp/chr" < /dev/zero
[ ! -e "$tmp/chr" ] || fail "/dev/zero on stdin: the destination was created"
python3 -c '
import os, pty, subprocess, sys
master, slave = pty.openpty()
sys.exit(subprocess.run(sys.argv[1:], stdin=slave).returncode)
' $NBDFERRY - "$tmp/chr" 2> "$tmp/err" && fail "a terminal on stdin was read"
grep -q "standard input: is a terminal" "$tmp/err" ||
  fail "terminal on stdin: $(cat "$tmp/err")"
[ ! -e "$tmp/chr" ] || fail "terminal on stdin: the destination was created"
