#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
source "${abs_srcdir:-.}/tests/functions.sh"
source "$abs_srcdir/tests/serve-functions.sh"
# SIGTERM while a client is writing: in-flight requests finish, the file
# is flushed, the server exits 0.
requires nbdcopy --version
head -c $((64 << 20)) /dev/urandom > "$tmp/src"
start_serve s --size=64M "$tmp/dst"
nbdcopy --request-size=4194304 "$tmp/src" "$uri" &
copy=$!
sleep 0.2
stop_serve
wait $copy || true   # the copy may be cut short; the server must not fail
