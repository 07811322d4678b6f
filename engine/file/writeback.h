/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: page-cache hygiene for buffered writes (files, devices, the
 * compressed images of zstd:).
 *
 * Writing a whole image through the page cache fills memory with dirty
 * pages that the kernel must later find, write and reclaim; and on a VM,
 * pages handed back to the host are slow to touch again (measured here:
 * 4 GiB file->file took 8.7 s without this, 2.0 s with it).  So as each
 * write lands we start its writeback, and once a window of writes is in
 * flight we wait for the oldest to reach the disk and drop its pages: a
 * copy cycles through a few hot pages and the data is on its way to disk
 * as it goes.
 */
#ifndef NBDFERRY_WRITEBACK_H
#define NBDFERRY_WRITEBACK_H

#include <pthread.h>
#include <stdint.h>

/* The window is driven per byte range, not per write: consecutive writes
 * gather into one range until it holds WRITEBACK_CHUNK bytes written or
 * spans WRITEBACK_SPAN bytes of the file, and only then is its writeback
 * started.  A dense copy's 1 MiB writes are a range each, as before; a
 * fragmented image's 4 KiB extents share one range per 256 of them, so the
 * calls per extent fall from 3 to about 3/256.
 */
#define WRITEBACK_CHUNK (1024 * 1024)
#define WRITEBACK_SPAN (16 * 1024 * 1024)

/* A range written in runs shorter than this on average (a fragmented
 * image's 4 KiB extents) is not started early.  Writeback started with
 * sync_file_range (SYNC_FILE_RANGE_WRITE) is not REQ_SYNC, and the block
 * layer's writeback throttling (wbt) holds such writes to a few in flight
 * per device: fine for 1 MiB writes, costly for 4 KiB ones (measured on
 * a loop-mounted ext4: at most 48 writes in flight, 96 for fsync; 4 KiB
 * every 8 KiB, 512 MiB to a new file: 2.05 s, 1.48 s started late, cp and
 * sync 1.69 s).  Such a range waits in the window until it is the oldest,
 * and is then written and waited for in one call, which writes as fsync
 * does.
 */
#define WRITEBACK_SHORT_RUN (64 * 1024)

/* Ranges whose writeback may be in flight before the oldest is waited for
 * and dropped: deep enough to keep the disk queue full, small enough that
 * memory stays flat (16 x 1 MiB written).
 */
#define WRITEBACK_WINDOW 16

/* The lock matters only to the server, which shares one handle between
 * threads.
 */
struct writeback {
  int fd;                       /* -1: nothing to do (a pipe) */
  pthread_mutex_t lock;
  uint64_t lo, hi, bytes;       /* the open range and the bytes written in it */
  uint64_t last_end;            /* where the last write ended */
  uint64_t runs;                /* runs of contiguous writes in the open range */
  struct { uint64_t offset, count; } w[WRITEBACK_WINDOW];
  unsigned head, n;             /* oldest entry, entries */
};

extern void writeback_init (struct writeback *wb, int fd);
/* After a buffered write of [offset, offset+count) to wb->fd. */
extern void writeback_add (struct writeback *wb, uint64_t offset,
                           uint64_t count);
/* Wait for and drop everything still in the window; then the struct may
 * be freed.
 */
extern void writeback_finish (struct writeback *wb);

#endif /* NBDFERRY_WRITEBACK_H */
