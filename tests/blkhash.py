#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# An independent blkhash of a file, for the tests:
#   H( H(block_1) || ... || H(block_N) || le64(size) )
# Usage: blkhash.py ALG BLOCKSIZE FILE.  Only the file's data extents are
# read (SEEK_DATA/SEEK_HOLE); a block inside a hole is hashed as zeroes,
# once per length, so a multi-GiB sparse file takes seconds.
import hashlib
import os
import struct
import sys

alg, bs, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
fd = os.open(path, os.O_RDONLY)
size = os.fstat(fd).st_size


def data_ranges():
    pos = 0
    while pos < size:
        try:
            start = os.lseek(fd, pos, os.SEEK_DATA)
        except OSError:
            return
        end = os.lseek(fd, start, os.SEEK_HOLE)
        yield start, end
        pos = end


zero_digests = {}


def zero_digest(n):
    if n not in zero_digests:
        zero_digests[n] = hashlib.new(alg, bytes(n)).digest()
    return zero_digests[n]


# Blocks touching data are read; the others are zero.
data_blocks = set()
for start, end in data_ranges():
    data_blocks.update(range(start // bs, (end + bs - 1) // bs))

outer = hashlib.new(alg)
nblocks = (size + bs - 1) // bs
for blk in range(nblocks):
    n = min(bs, size - blk * bs)
    if blk in data_blocks:
        outer.update(hashlib.new(alg, os.pread(fd, n, blk * bs)).digest())
    else:
        outer.update(zero_digest(n))
outer.update(struct.pack("<Q", size))
print(outer.hexdigest())
