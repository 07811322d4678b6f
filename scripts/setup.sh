#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Install what the build and the tests need (Debian bookworm, as root) and
# build nbdferry.  Sourced or run by scripts/demo.sh and scripts/check.sh.
set -e
cd "$(dirname "${BASH_SOURCE[0]}")/.."

packages=(
  # build
  gcc make autoconf automake pkg-config perl
  libnbd-dev libzstd-dev libaio-dev libpopt-dev libgnutls28-dev
  # tests: real peers and tools
  nbdkit nbdkit-plugin-dev qemu-utils libnbd-bin python3-libnbd nbd-server
  gnutls-bin zstd valgrind util-linux e2fsprogs time bc strace dmsetup
  fio                        # bench/run.sh: the disk floor of scattered writes
  clang libclang-rt-14-dev   # the libFuzzer run in make check
  # the Debian package (scripts/build-deb.sh) and the bash completion test
  debhelper dpkg-dev bash-completion
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
    missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup: run as root to install: ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q "${missing[@]}" ||
    { apt-get update -q && apt-get install -y -q "${missing[@]}"; }
fi

if [ ! -x configure ]; then
  ./autogen.sh
fi
if [ ! -f Makefile ]; then
  ./configure --enable-werror
fi
make -j"$(nproc)"
