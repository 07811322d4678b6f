#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A short libFuzzer run over the server's option and request parsers,
# starting from seeds that reach transmission (see tests/fuzz-server.c for
# a longer run).  With --seeds DIR it only writes the seeds into DIR.
source "$(dirname "$0")/functions.sh"
seeds=$tmp/corpus
[ "${1:-}" = --seeds ] && seeds=$2
mkdir -p "$seeds"
# The first byte picks the server: 0 clear text, 1 TLS offered, 2 required.
fixed='\x00\x00\x00\x00\x03'
opt () { printf 'IHAVEOPT'; printf "$1"; }       # option number + length
# GO with no name and no info requests, then a READ and DISC.
go='\x00\x00\x00\x07\x00\x00\x00\x06\x00\x00\x00\x00\x00\x00'
read_req='\x25\x60\x95\x13\x00\x00\x00\x00AAAAAAAA\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x10\x00'
disc='\x25\x60\x95\x13\x00\x00\x00\x02AAAAAAAA\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00'
{ printf "$fixed"; opt "$go"; printf "$read_req$disc"; } > "$seeds/go-read"
# Structured replies, base:allocation, block status.
sr='\x00\x00\x00\x08\x00\x00\x00\x00'
meta='\x00\x00\x00\x0a\x00\x00\x00\x17\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x0fbase:allocation'
bs='\x25\x60\x95\x13\x00\x00\x00\x07BBBBBBBB\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00'
{ printf "$fixed"; opt "$sr"; opt "$meta"; opt "$go"; printf "$bs$disc"; } \
  > "$seeds/sr-status"
# Extended headers and a 32-byte WRITE with PAYLOAD_LEN.
eh='\x00\x00\x00\x0b\x00\x00\x00\x00'
wr='\x21\xe4\x1c\x71\x00\x20\x00\x01CCCCCCCC\x00\x00\x00\x00\x00\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00\x04abcd'
{ printf "$fixed"; opt "$eh"; opt "$go"; printf "$wr"; } > "$seeds/eh-write"
# Named exports: INFO for "rmw", then GO "file" and a READ.
info='\x00\x00\x00\x06\x00\x00\x00\x09\x00\x00\x00\x03rmw\x00\x00'
gofile='\x00\x00\x00\x07\x00\x00\x00\x0a\x00\x00\x00\x04file\x00\x00'
{ printf "$fixed"; opt "$info"; opt "$gofile"; printf "$read_req$disc"; } \
  > "$seeds/named-exports"
# TLS required: LIST is refused, then STARTTLS and a (broken) ClientHello.
list='\x00\x00\x00\x03\x00\x00\x00\x00'
starttls='\x00\x00\x00\x05\x00\x00\x00\x00'
{ printf '\x02\x00\x00\x00\x03'; opt "$list"; opt "$starttls";
  printf '\x16\x03\x01\x00\x05hello'; } > "$seeds/tls-required"
{ printf '\x01\x00\x00\x00\x03'; opt "$list"; opt "$go"; printf "$read_req$disc"; } \
  > "$seeds/tls-offered"
[ "${1:-}" = --seeds ] && exit 0

"$abs_builddir/tests/fuzz-server" -max_total_time=15 -timeout=10 \
  -rss_limit_mb=1024 "$seeds" 2>"$tmp/log" || { tail -50 "$tmp/log"; exit 1; }
tail -3 "$tmp/log"
