#!/bin/bash
# Set up, build, and run the whole test suite (make check).
set -e
cd "$(dirname "$0")/.."
scripts/setup.sh
make -j"$(nproc)" check "$@"
