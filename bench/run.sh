#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Benchmark nbdferry against nbdcopy, qemu-img convert and cp on the same
# inputs in one run.  Tools alternate run by run; medians, ratios and peak
# RSS are printed.  Not a test: timings are for humans.
#
#   bench/run.sh [-n REPS] [WORKLOAD...]
#
# Workloads: dense sparse existing loop null zstd (local), nbd-file nbd-dense
# nbd-null nbd-sparse (NBD client), serve-read serve-write (the server),
# serve-read-tls serve-write-tls (the server through TLS, against nbdkit),
# dirty-nbd frag frag-nbd huge-sparse latency-dense latency-sparse (issue 12)
# blkhash compare (issue 13), delta (--dirty-bitmap, issue 15)
# (default: the local ones).  Each workload takes well under a minute,
# but for frag and frag-nbd: 524,288 scattered 4 KiB writes take the disk
# of a shared VM 15-45 s per run and tool (frag with FRAG=8k, 3 runs:
# 13 minutes; syscalls per extent are the steadier figure: strace -c -f).
# Inputs are kept in $BENCH_DIR (default /var/tmp/nbdferry-bench) so later
# runs skip making them.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
ferry=${NBDFERRY:-$here/nbdferry}
dir=${BENCH_DIR:-/var/tmp/nbdferry-bench}
reps=3
if [ "${1:-}" = "-n" ]; then reps=$2; shift 2; fi
workloads=("$@")
[ ${#workloads[@]} -gt 0 ] || workloads=(dense sparse existing loop null zstd)
mkdir -p "$dir"
cd "$dir"
# A full disk made tests and runs fail: inputs and copies take ~40 GB.
free_gb=$(( $(df -Pk . | awk 'NR == 2 { print $4 }') >> 20 ))
[ "$free_gb" -ge 40 ] ||
  echo "bench/run.sh: warning: $dir has only $free_gb GB free (want ~40 GB)" >&2

# --- inputs -----------------------------------------------------------------
make_inputs () {
  [ -f dense.img ] || "$ferry" random:4G dense.img
  [ -f sparse.img ] || "$ferry" sparse-random:16G,percent=10 sparse.img
}

warm () { cat "$@" > /dev/null; }

# --- one timed run: prints "seconds maxrss_kib cpu_seconds" -----------------
timed () {
  /usr/bin/time -f "%e %M %U %S" -o "$dir/time.out" "$@" >/dev/null 2>"$dir/err.out" ||
    { echo "FAILED: $*" >&2; cat "$dir/err.out" >&2; echo "nan 0 0"; return; }
  awk '{print $1, $2, $3 + $4}' "$dir/time.out"
}

median () { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# run WORKLOAD: TOOL:command pairs in $cmds (an associative array), a
# $prep command run before each timed run (e.g. restore the destination).
# With $gib set (GiB of data moved), nbdferry's and nbdcopy's median CPU
# time (user + system, = task-clock) per GiB is printed too.
declare -A cmds
run () {
  local name=$1 tool r t m c
  declare -A times rss cpu
  for tool in "${!cmds[@]}"; do times[$tool]=""; rss[$tool]=0; cpu[$tool]=""; done
  for ((r = 0; r < reps; r++)); do
    for tool in $(printf '%s\n' "${!cmds[@]}" | sort | { [ $((r % 2)) = 0 ] && cat || tac; }); do
      eval "${prep:-true}"
      sync                      # no writeback of the last run in this one
      read -r t m c < <(timed bash -c "${cmds[$tool]}")
      times[$tool]+="$t "; cpu[$tool]+="$c "
      [ "$m" -gt "${rss[$tool]}" ] && rss[$tool]=$m
    done
  done
  local base
  base=$(echo ${times[nbdferry]} | tr ' ' '\n' | median)
  printf '%-10s' "$name"
  for tool in nbdferry nbdferry+flush nbdcopy nbdkit qemu-img qemu-img+sync cp cp+sync \
              zstd nbdsh disk disk-buf sha256sum cmp; do
    [ -n "${cmds[$tool]:-}" ] || continue
    t=$(echo ${times[$tool]} | tr ' ' '\n' | median)
    printf '  %s %6.2fs %5dMiB' "$tool" "$t" $((rss[$tool] / 1024))
    [ "$tool" != nbdferry ] &&
      printf ' (x%.2f)' "$(echo "$t / $base" | bc -l)"
    if [ -n "${gib:-}" ] && [[ $tool = nbdferry || $tool = nbdcopy ]]; then
      c=$(echo ${cpu[$tool]} | tr ' ' '\n' | median)
      printf ' cpu %.2fs/GiB' "$(echo "$c / $gib" | bc -l)"
    fi
  done
  echo
}

# --- workloads ----------------------------------------------------------------
copy_cmds () {                  # copy_cmds SRC DST [with_cp]
  cmds=(
    [nbdferry]="$ferry $1 $2"
    [nbdcopy]="nbdcopy $1 $2"
    [qemu-img]="qemu-img convert -W -m 16 -f raw -O raw $1 $2"
  )
  [ "${3:-}" = cp ] && cmds[cp]="cp --sparse=always $1 $2"
  return 0
}

# The disk's own limit: as many bytes as SRC holds, written to a new file
# with O_DIRECT in 64 MiB requests (no page cache, no tool).  No copy that
# leaves its data on disk can beat it by much: a new file's blocks must be
# allocated, on this VM by the host too (the file system is mounted with
# discard), and that sets the rate.
disk_floor () {
  local mib=$(( $(allocated_bytes "$1") / 1048576 ))
  cmds[disk]="dd if=/dev/zero of=out.img bs=64M count=$((mib / 64)) oflag=direct"
}
allocated_bytes () { echo $(( $(stat -c %b "$1") * $(stat -c %B "$1") )); }
w_dense () {
  warm dense.img; copy_cmds dense.img out.img cp; prep="rm -f out.img"
  disk_floor dense.img
  run "dense 4G"
}
w_sparse () {
  warm sparse.img; copy_cmds sparse.img out.img cp; prep="rm -f out.img"
  disk_floor sparse.img
  run "sparse 16G"
}
w_existing () {
  # Into an existing fully allocated file: every tool replaces its content.
  warm sparse.img; copy_cmds sparse.img out.img cp
  prep="rm -f out.img; fallocate -l 16G out.img"
  run "existing"
}
w_loop () {
  local dev
  [ -f loop.img ] || truncate -s 16G loop.img
  fallocate -l 16G loop.img
  dev=$(losetup -f --show loop.img)
  trap "losetup -d $dev" RETURN
  warm sparse.img
  cmds=(
    [nbdferry]="$ferry sparse.img $dev"
    [nbdcopy]="nbdcopy sparse.img $dev"
    [qemu-img]="qemu-img convert -n -W -m 16 -f raw -O raw sparse.img $dev"
  )
  # Old data back in the device before each run (cheap: unwritten extents
  # in the backing file are still blocks the tools must zero).
  prep="fallocate -l 16G loop.img"
  run "loop dev"
}
w_null () {
  warm dense.img
  both dense.img null:; prep=""
  run "file>null"
}
# zstd images: compress the sparse image, and decompress it to a new file,
# against the zstd tool on all CPUs at the same level (3, its default).
w_zstd () {
  warm sparse.img
  cmds=( [nbdferry]="$ferry sparse.img zstd:out.zst"
         [zstd]="zstd -q -f -T0 -3 sparse.img -o out.zst" ); prep=""
  run "sparse>zst"
  "$ferry" sparse.img zstd:in.zst; warm in.zst
  cmds=( [nbdferry]="$ferry zstd:in.zst out.img"
         [zstd]="zstd -q -f -d in.zst -o out.img" ); prep="rm -f out.img"
  run "zst>file"
  rm -f in.zst out.zst
}
# NBD servers run outside the timed command, so peak RSS is the client's
# alone.  serve NAME ARGS... (re)starts "nbdkit ARGS" on $dir/NAME.sock.
serve () {
  local name=$1; shift
  stop_server "$dir/$name.pid"
  rm -f "$dir/$name.sock"
  nbdkit -U "$dir/$name.sock" -P "$dir/$name.pid" "$@"
  while [ ! -S "$dir/$name.sock" ]; do sleep 0.05; done
}
# Stop the server of a pid file, and wait until it is gone: a server
# removes its socket as it exits, which could be the next server's.
stop_server () {
  local pid
  [ -f "$1" ] || return 0
  pid=$(cat "$1"); rm -f "$1"
  kill "$pid" 2>/dev/null || return 0
  while kill -0 "$pid" 2>/dev/null; do sleep 0.02; done
}
stop_servers () {
  local p
  for p in "$dir"/*.pid; do stop_server "$p"; done
  return 0
}
uri () { echo "nbd+unix:///?socket=$dir/$1.sock"; }
both () {                       # both SRC DST: nbdferry and nbdcopy
  cmds=( [nbdferry]="$ferry $1 $2" [nbdcopy]="nbdcopy $1 $2" )
}
w_nbd-file () {                 # file -> nbdkit memory
  warm dense.img; both dense.img "$(uri mem)"
  prep="serve mem memory 4G"
  run "file>mem"; stop_servers
}
w_nbd-dense () {                # nbdkit file -> nbdkit memory / file
  warm dense.img; serve src -r file dense.img
  both "$(uri src)" "$(uri mem)"; prep="serve mem memory 4G"
  run "nbd>mem"
  both "$(uri src)" "$(uri dst)"
  prep="rm -f out.img; truncate -s 4G out.img; serve dst file out.img cache=none"
  run "nbd>file"; stop_servers
}
w_nbd-null () {                 # nbdkit file -> null:
  warm dense.img; serve src -r file dense.img
  both "$(uri src)" null:; prep=""
  run "nbd>null"; stop_servers
}
w_nbd-sparse () {               # 64 GiB, 1 % data -> null: and -> memory
  serve src -r sparse-random 64G percent=1
  both "$(uri src)" null:; prep=""
  run "64G>null"
  both "$(uri src)" "$(uri mem)"; prep="serve mem memory 64G"
  run "64G>mem"; stop_servers
}
trap stop_servers EXIT

# Servers compared (issue 5): each exports the same file, started by the
# client itself with socket activation.
serve_cmd () {                  # serve_cmd SERVER FILE [ro]
  local ro=${3:-}
  case $1 in
    nbdferry) echo "[ $ferry serve ${ro:+--read-only} $dir/$2 ]" ;;
    nbdkit) echo "[ nbdkit ${ro:+-r} file $dir/$2 ]" ;;
    qemu-nbd) echo "[ qemu-nbd -e 4 ${ro:+-r} -f raw $dir/$2 ]" ;;
  esac
}
w_serve-read () {
  local s
  warm dense.img
  for s in nbdferry nbdkit qemu-nbd; do
    both "-- $(serve_cmd $s dense.img ro)" null:; prep=""
    run "read<$s"
  done
}
w_serve-write () {
  local s
  warm dense.img
  for s in nbdferry nbdkit qemu-nbd; do
    both "-- dense.img" "$(serve_cmd $s out.img)"
    prep="rm -f out.img; truncate -s 4G out.img"
    run "write>$s"
  done
}

# Through TLS (issue 14): nbdferry serve and nbdkit with the same PSK and
# --tls=require, started outside the timed command; nbdcopy is the client
# of both.
tls_serve () {                  # tls_serve NAME SERVER FILE [ro]
  local ro=${4:-} psk=(--tls=require --tls-psk="$dir/keys.psk")
  rm -f "$dir/$1.sock"
  case $2 in
    nbdferry) "$ferry" serve -U "$dir/$1.sock" -P "$dir/$1.pid" "${psk[@]}" \
                ${ro:+-r} "$dir/$3" & ;;
    nbdkit) nbdkit -U "$dir/$1.sock" -P "$dir/$1.pid" "${psk[@]}" ${ro:+-r} \
              file "$dir/$3" ;;
  esac
  while [ ! -S "$dir/$1.sock" ]; do sleep 0.05; done
}
tls_uri () { echo "nbds+unix://bench@/?socket=$dir/$1.sock&tls-psk-file=$dir/keys.psk"; }
w_serve-read-tls () {
  [ -f keys.psk ] || psktool -u bench -p keys.psk >/dev/null
  warm dense.img
  tls_serve fr nbdferry dense.img ro; tls_serve kr nbdkit dense.img ro
  cmds=( [nbdferry]="nbdcopy '$(tls_uri fr)' null:"
         [nbdkit]="nbdcopy '$(tls_uri kr)' null:" ); prep=""
  run "tls read<"; stop_servers
}
w_serve-write-tls () {
  [ -f keys.psk ] || psktool -u bench -p keys.psk >/dev/null
  warm dense.img
  rm -f out.img out2.img; truncate -s 4G out.img out2.img
  tls_serve fw nbdferry out.img; tls_serve kw nbdkit out2.img
  cmds=( [nbdferry]="nbdcopy dense.img '$(tls_uri fw)'"
         [nbdkit]="nbdcopy dense.img '$(tls_uri kw)'" ); prep=""
  run "tls write>"; stop_servers; rm -f out.img out2.img
}

# --- issue 12: where real images and destinations differ ----------------------
# An image with 4 KiB of data every STEP bytes (FILE SIZE STEP).
make_frag () {
  [ -f "$1" ] && return 0
  perl -e 'my ($f, $size, $step) = @ARGV;
    open (my $h, ">", $f) or die; truncate ($h, $size) or die;
    my $buf = join ("", map { chr (int (rand (256))) } 1..8192);
    for (my $o = 0; $o < $size; $o += $step) {
      sysseek ($h, $o, 0); syswrite ($h, substr ($buf, ($o / $step) % 4096, 4096)) == 4096 or die;
    }' "$1" "$2" "$3"
}
# An NBD destination already full of data, or fresh.  dest KIND STATE SIZE
# (re)starts it as $dir/dst.sock: nbdkit memory, nbdkit file over a file,
# qemu-nbd over a raw file.
dest () {
  local kind=$1 state=$2 size=$3
  stop_servers
  rm -f dst.img
  case $kind in
    mem) serve dst memory "$size"
         [ "$state" = fresh ] ||
           nbdcopy -- [ nbdkit -r pattern "$size" ] "$(uri dst)" ;;
    file|qemu)
      if [ "$state" = fresh ]; then truncate -s "$size" dst.img
      else fallocate -l "$size" dst.img; fi
      if [ "$kind" = file ]; then serve dst file dst.img
      else
        rm -f "$dir/dst.sock"
        qemu-nbd -f raw -k "$dir/dst.sock" --pid-file="$dir/dst.pid" \
                 --fork -t dst.img
        while [ ! -S "$dir/dst.sock" ]; do sleep 0.05; done
      fi ;;
  esac
}
w_dirty-nbd () {
  local k
  [ -f dense1g.img ] || "$ferry" random:1G dense1g.img
  [ -f sparse2g.img ] || "$ferry" sparse-random:2G,percent=10 sparse2g.img
  warm dense1g.img sparse2g.img
  for k in mem file qemu; do
    both dense1g.img "$(uri dst)"; prep="dest $k dirty 1G"; gib=1
    run "dense>$k(dirty)"
    both sparse2g.img "$(uri dst)"; prep="dest $k dirty 2G"; gib=0.2
    run "10%>$k(dirty)"
    prep="dest $k fresh 2G"
    run "10%>$k(fresh)"
  done
  gib=; stop_servers
}
# 4 GiB, 4 KiB of data every 64 KiB (65,536 extents) and every 8 KiB
# (524,288 extents), to a new file in $FRAG_OUT (default $dir).  On a file
# system mounted with discard, removing a copy discards each extent in
# turn, for minutes: point FRAG_OUT at one without (a loop-mounted ext4).
# cp leaves its 4 KiB writes in the page cache when it exits, where
# nbdferry's window has waited for them to reach the disk: cp+sync is cp
# then sync of the copy, the same work.  Also 512 MiB, 4 KiB every 8 KiB
# (65,536 extents: the issue's smaller image, "8K/512M").
# disk is the floor of the destination: the same 4 KiB every STEP written
# to a file of the same size by fio with O_DIRECT, 128 writes in flight,
# fsync at the end (no source, no page cache; rw=write:N skips N bytes
# after each write, so the file gets the same holes).  The file is sized
# first (fallocate=truncate, no blocks): ext4 serializes an O_DIRECT write
# that extends the file, which made fio 4x slower.  O_DIRECT is no floor
# for scattered writes on ext4, though: each write allocates its block at
# once, near its place in the file, so 4 KiB every 64 KiB of 4 GiB lands
# all over the disk (10x slower than a buffered copy), where delayed
# allocation at writeback puts the blocks side by side.  disk-buf is the
# same pattern written buffered (pwrite) and fsynced at the end.  $FRAG
# picks the images (default "8k-512m 64k 8k": one 4 GiB 8K run of each
# tool takes 10-20 s).
frag_floor () {                 # frag_floor OUT SIZE STEP
  local fio="fio --name=floor --filename=$1 --size=$2 --bs=4k"
  fio+=" --rw=write:$(($3 - 4096)) --fallocate=truncate --end_fsync=1"
  cmds[disk]="$fio --direct=1 --ioengine=libaio --iodepth=128"
  cmds[disk-buf]="$fio --ioengine=psync"
}
frag_image () {                 # frag_image 64k|8k-512m|8k: sets img size step
  img=frag$1.img; size=$((4 << 30)); step=8192
  [ "$1" = 8k-512m ] && size=$((512 << 20))
  [ "$1" = 64k ] && step=65536
  make_frag "$img" "$size" "$step"
}
frag_gib () { [ "$1" = 8k ] && echo 2 || echo 0.25; }
w_frag () {
  local f img size step out=${FRAG_OUT:-$dir}/out.img
  for f in ${FRAG:-8k-512m 64k 8k}; do
    frag_image "$f"
    warm "$img"; copy_cmds "$img" "$out" cp; prep="rm -f $out"
    cmds[cp+sync]="cp --sparse=always $img $out && sync $out"
    cmds[nbdferry+flush]="$ferry --flush $img $out"
    frag_floor "$out" "$size" "$step"
    gib=$(frag_gib "$f"); run "frag$f"; gib=; rm -f "$out"
  done
}
w_frag-nbd () {                 # the same through nbdkit file: to null: and a file
  local f img size step out=${FRAG_OUT:-$dir}/out.img
  for f in ${FRAG:-8k-512m 64k 8k}; do
    frag_image "$f"
    warm "$img"; serve src -r file "$img"
    gib=$(frag_gib "$f")
    both "$(uri src)" null:; prep=""
    run "frag$f>null"
    both "$(uri src)" "$out"; prep="rm -f $out"
    frag_floor "$out" "$size" "$step"
    run "frag$f>file"; rm -f "$out"
  done
  gib=; stop_servers
}
# 8 TiB, 256 MiB of data in 256 extents of 1 MiB, to a new file.  nbdcopy
# takes over 30 s here: only with HUGE_NBDCOPY=1.  qemu-img leaves its
# writes in the page cache; nbdferry waits for its window's writeback but
# does not fdatasync: qemu-img+sync (then sync of the copy) and
# nbdferry+flush (--flush) compare durable with durable.
w_huge-sparse () {
  [ -f huge.img ] ||
    perl -e 'open (my $h, ">", "huge.img") or die; truncate ($h, 8 << 40) or die;
      my $buf = join ("", map { chr (int (rand (256))) } 1..(1 << 20));
      for my $i (0..255) { sysseek ($h, $i << 35, 0); syswrite ($h, $buf) or die; }'
  "$ferry" huge.img null:      # its data in the page cache, as for the others
  copy_cmds huge.img out.img; prep="rm -f out.img"
  cmds[qemu-img+sync]="${cmds[qemu-img]} && sync out.img"
  cmds[nbdferry+flush]="$ferry --flush huge.img out.img"
  [ -n "${HUGE_NBDCOPY:-}" ] || unset 'cmds[nbdcopy]'
  run "8T sparse"
}
# 5 ms per request (nbdkit delay filter, 64 threads) to null:.
w_latency-dense () {
  [ -f dense2g.img ] || "$ferry" random:2G dense2g.img
  warm dense2g.img
  serve src -r -t 64 --filter=delay file dense2g.img delay-read=5ms delay-extents=5ms
  both "$(uri src)" null:; prep=""; gib=2
  run "lat dense 2G"; gib=; stop_servers
}
w_latency-sparse () {
  serve src -r -t 64 --filter=delay sparse-random 8G delay-read=5ms delay-extents=5ms
  both "$(uri src)" null:; prep=""; gib=0.8
  run "lat 10% 8G"; gib=; stop_servers
}
# --blkhash SRC null: as a checksum, against sha256sum of the same raw bytes
# (a different digest, the same job: proof that the bytes are what they
# were).
w_blkhash () {
  local f
  for f in dense sparse; do
    warm $f.img
    cmds=( [nbdferry]="$ferry --blkhash $f.img null:" [sha256sum]="sha256sum $f.img" )
    prep=""; run "hash $f"
  done
}
# compare on a sparse 16 GiB pair (10 % data, the same bytes in a second
# sparse file), against cmp and qemu-img compare; then the first 4 GiB of
# it against the same data with every zero written out (those zeroes must
# be read and checked; 4 GiB, not 16, to spare the disk and page cache).
# Before each run the pair's page cache holds its data and no holes: cmp
# reads the holes, which fills the cache with zero pages and pushes the
# data out, so each run drops the pair's cache and warms the data alone.
# That is the state a copy leaves its source in (read once: inactive
# pages, 4 KiB folios for 1 MiB extents read one by one), the same for
# every tool, and harsher than a cache read many times: a tool that marks
# the pages accessed moves each to the active list (qemu-img's preads pay
# 0.1 s for it here; a settled cache does not).
warm_data () {
  local f
  for f in "$@"; do
    dd if="$f" iflag=nocache count=0 status=none
    "$ferry" "$f" null:
  done
}
w_compare () {
  [ -f sparse2.img ] || cp --sparse=always sparse.img sparse2.img
  [ -f sparse4.img ] ||
    dd if=sparse.img of=sparse4.img bs=1M count=4096 conv=sparse status=none
  [ -f written4.img ] ||
    dd if=sparse.img of=written4.img bs=1M count=4096 status=none
  cmds=(
    [nbdferry]="$ferry compare sparse.img sparse2.img"
    [qemu-img]="qemu-img compare -f raw -F raw sparse.img sparse2.img"
    [cmp]="cmp sparse.img sparse2.img"
  )
  prep="warm_data sparse.img sparse2.img"; run "compare 16G"
  cmds=(
    [nbdferry]="$ferry compare sparse4.img written4.img"
    [qemu-img]="qemu-img compare -f raw -F raw sparse4.img written4.img"
  )
  prep="warm_data sparse4.img; warm written4.img"; run "compare written 4G"
  prep=""
}

# Warm migration (issue 15): sparse.img as qcow2 with a bitmap added, then
# 1 % of the 16 GiB rewritten in 64 KiB pieces at random places.  The delta
# copy into the earlier copy (idempotent: every run writes the same bytes)
# against a full nbdcopy of the new image and against the nbdsh loop of
# bench/delta-nbdsh.py, all from qemu-nbd started by the client.
w_delta () {
  if [ ! -f dirty.qcow2 ]; then
    qemu-img convert -f raw -O qcow2 sparse.img dirty.qcow2
    cp --sparse=always sparse.img dirty-base.img
    qemu-img bitmap --add --enable dirty.qcow2 b0
    awk 'BEGIN { srand(15); for (i = 0; i < 2622; i++)
           printf "write -P %d %.0f 64k\n", i % 250 + 1, int(rand() * 262144) * 65536 }' |
      qemu-io -f qcow2 dirty.qcow2 > /dev/null
  fi
  cp --sparse=always dirty-base.img delta.img
  warm dirty.qcow2
  cmds=(
    [nbdferry]="$ferry --dirty-bitmap=b0 -- [ qemu-nbd -r -B b0 -f qcow2 dirty.qcow2 ] delta.img"
    [nbdcopy]="nbdcopy -- [ qemu-nbd -r -f qcow2 dirty.qcow2 ] out.img"
    [nbdsh]="SRC=dirty.qcow2 DST=delta.img BITMAP=b0 PATH=/usr/bin:\$PATH nbdsh -c \"\$(cat $here/bench/delta-nbdsh.py)\""
  )
  prep="rm -f out.img"
  run "delta 1%"
  "$ferry" -v --dirty-bitmap=b0 -- [ qemu-nbd -r -B b0 -f qcow2 dirty.qcow2 ] \
    delta.img 2>&1 | grep 'delta copy'
  qemu-img convert -f qcow2 -O raw dirty.qcow2 out.img
  cmp delta.img out.img || echo "delta: the delta copy differs" >&2
  rm -f delta.img
}

make_inputs
echo "nbdferry $("$ferry" --version | cut -d' ' -f2), $(nbdcopy --version | head -1)," \
     "$(qemu-img --version | head -1); $reps runs each, medians;" \
     "(xN) = that tool's time / nbdferry's; disk = the destination's floor (O_DIRECT writes: dd, fio)"
for w in "${workloads[@]}"; do
  "w_$w"
  rm -f out.img
done
