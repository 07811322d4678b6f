# SPDX-License-Identifier: LGPL-2.1-or-later
# The delta copy people script by hand today (bench/run.sh, workload
# "delta"): nbdsh asks qemu-nbd for the dirty bitmap's block status in 1 GiB
# chunks and copies each dirty extent with pread + os.pwrite into the
# earlier copy.  Run as: SRC=img.qcow2 DST=file BITMAP=name nbdsh -c "$(cat
# bench/delta-nbdsh.py)"  (h is nbdsh's handle).
import os

ctx = "qemu:dirty-bitmap:" + os.environ["BITMAP"]
h.add_meta_context(ctx)
h.connect_systemd_socket_activation(
    ["qemu-nbd", "-r", "-B", os.environ["BITMAP"], "-f", "qcow2",
     os.environ["SRC"]])
size = h.get_size()
fd = os.open(os.environ["DST"], os.O_WRONLY)
off = 0
while off < size:
    extents = []

    def status(meta, start, entries, err):
        if meta == ctx:
            extents.extend(zip(entries[0::2], entries[1::2]))

    h.block_status(min(1 << 30, size - off), off, status)
    for length, flags in extents:
        if flags & 1:
            pos, end = off, off + length
            while pos < end:
                n = min(end - pos, 32 << 20)
                os.pwrite(fd, h.pread(n, pos), pos)
                pos += n
        off += length
os.close(fd)
h.shutdown()
