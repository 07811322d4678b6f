#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Set up, build, and run the whole test suite (make check).
set -e
cd "$(dirname "$0")/.."
scripts/setup.sh
make -j"$(nproc)" check "$@"
