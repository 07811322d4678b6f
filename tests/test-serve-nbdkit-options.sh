#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# serve takes nbdkit's command-line conventions with nbdkit's meanings
# (nbdkit(1), nbdkit-captive(1)): -U - and -p 0 with --run and the
# variables $uri $nbd $unixsocket $port $exportname $tls; -s on a socket
# from libnbd's connect_command; --exit-with-parent; -f, -i, -e,
# --exportname, --selinux-label and --log accepted.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/serve-functions.sh"
requires nbdinfo --version
requires nbdsh --version

truncate -s 1M "$tmp/img"
show='echo "uri=$uri nbd=$nbd unixsocket=$unixsocket port=$port exportname=$exportname tls=${tls-unset}"; nbdinfo --size "$uri"'

$NBDFERRY serve -f -U - --run "$show" "$tmp/img" > "$tmp/out" || fail "-U - --run"
cat "$tmp/out"
grep -q '^uri=nbd+unix:///?socket=/.*/sock nbd=nbd+unix:///?socket=/.*/sock unixsocket=/.*/sock port= exportname= tls=unset$' "$tmp/out" ||
  fail "-U -: variables"
grep -qx 1048576 "$tmp/out" || fail "-U -: client"
d=$(sed -n 's/.*unixsocket=\(.*\)\/sock .*/\1/p' "$tmp/out")
[ ! -e "$d" ] || fail "-U -: private directory $d left behind"

$NBDFERRY serve -i 127.0.0.1 -p 0 -e b --run "$show" a="$tmp/img" b=pattern:2M \
  > "$tmp/out" || fail "-i -p 0 -e --run"
cat "$tmp/out"
grep -q '^uri=nbd://127.0.0.1:[0-9]*/b .* unixsocket= port=[0-9][0-9]* exportname=b ' "$tmp/out" ||
  fail "-p 0: variables"
grep -qx 2097152 "$tmp/out" || fail "-e: \$uri names export b"
$NBDFERRY serve --exportname=x -U - --run 'test "$exportname" = x' "$tmp/img" ||
  fail "--exportname"

if $NBDFERRY serve --version | grep -q 'TLS: yes' && command -v psktool >/dev/null; then
  psktool -u alice -p "$tmp/keys.psk" >/dev/null
  $NBDFERRY serve -U - --tls=require --tls-psk="$tmp/keys.psk" \
    --run 'echo "$uri $tls"' "$tmp/img" > "$tmp/out" || fail "--tls --run"
  grep -q '^nbds+unix:///?socket=.* 2$' "$tmp/out" || fail "\$uri/\$tls with TLS"
fi

# -s: one client on stdin/stdout, then exit; its writes are flushed.
nbdsh -c "
h.connect_command(['$NBDFERRY', 'serve', '-s', '--selinux-label=system_u:object_r:svirt_socket_t:s0', '$tmp/img'])
assert h.get_size() == 1048576
h.pwrite(b'\x77' * 4096, 8192)
h.shutdown()
" || fail "-s through connect_command"
cmp -n 4096 -i 0:8192 <(printf '\x77%.0s' $(seq 4096)) "$tmp/img" || fail "-s: data"
expect_error "standard input is not a socket" $NBDFERRY serve -s "$tmp/img" < /dev/null
expect_error "excludes" $NBDFERRY serve -s -U "$tmp/x" "$tmp/img"

# --exit-with-parent: the server stops when the shell that started it exits.
sh -c "$NBDFERRY serve --exit-with-parent -U '$tmp/p.sock' -P '$tmp/p.pid' '$tmp/img' &
       echo \$! > '$tmp/child'
       while [ ! -s '$tmp/p.pid' ]; do sleep 0.1; done"
pid=$(cat "$tmp/child")
for i in $(seq 100); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
kill -0 $pid 2>/dev/null && { kill $pid; fail "--exit-with-parent: still running"; }
[ -e "$tmp/p.pid" ] && fail "--exit-with-parent: pidfile left"

# --log=null: even -v says nothing.
$NBDFERRY serve -v --log=null -U - --run 'nbdinfo --size "$uri" >/dev/null' \
  "$tmp/img" 2> "$tmp/err" || fail "--log=null"
[ ! -s "$tmp/err" ] || fail "--log=null: $(cat "$tmp/err")"
expect_error "--log: invalid value" $NBDFERRY serve --log=file "$tmp/img"
