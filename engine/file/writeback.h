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
#include <stdatomic.h>
#include <stdbool.h>
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
 * per device: fine for 1 MiB writes, costly for 4 KiB ones (measured on a
 * loop-mounted ext4: at most 48 writes in flight, 96 for fsync).  Such
 * ranges are queued for the handle's writeback thread, which writes and
 * waits for them (as fsync writes) in one call per run of neighbouring
 * ranges, while the worker goes on producing the next ones.  The worker
 * waits only when WRITEBACK_WINDOW ranges are queued besides the batch
 * being written: dirty pages stay bounded by two windows.
 */
#define WRITEBACK_SHORT_RUN (64 * 1024)

/* Ranges whose writeback may be in flight before the oldest is waited for
 * and dropped (and short ranges queued for the thread): deep enough to
 * keep the disk queue full, small enough that memory stays flat (16 x
 * 1 MiB written).
 */
#define WRITEBACK_WINDOW 16

/* Queued ranges closer than this are written back by one call: one
 * worker's ranges follow each other through its copy unit.
 */
#define WRITEBACK_GAP WRITEBACK_SPAN

struct writeback_range {
  uint64_t offset, count;
};

/* The first failure to write back (errno, 0 if none), shared by every
 * handle of one open file and sticky.  A failed sync_file_range consumes
 * the open file's error (errseq), so a later fdatasync through any handle
 * would not report it: whichever handle meets it records it here.
 */
struct writeback_error {
  pthread_mutex_t lock;
  atomic_int err;
  struct writeback_range range;
};

/* The lock also matters to the server, which shares one handle between
 * threads.
 */
struct writeback {
  int fd;                       /* -1: nothing to do (a pipe) */
  pthread_mutex_t lock;
  uint64_t lo, hi, bytes;       /* the open range and the bytes written in it */
  uint64_t last_end;            /* where the last write ended */
  uint64_t runs;                /* runs of contiguous writes in the open range */
  /* Ranges written in long runs: writeback started, oldest first. */
  struct writeback_range w[WRITEBACK_WINDOW];
  unsigned head, n;             /* oldest entry, entries */
  /* Ranges written in short runs, queued for the writeback thread. */
  struct writeback_range q[WRITEBACK_WINDOW];
  unsigned qhead, qn;
  bool has_thread, busy, stopping;
  pthread_t thread;
  pthread_cond_t work;          /* to the thread: queued, or stopping */
  pthread_cond_t room;          /* from the thread: room in q, or idle */
  struct writeback_error *errs;
};

extern void writeback_error_init (struct writeback_error *e);
extern void writeback_error_destroy (struct writeback_error *e);
/* -1 with errno and set_error() if writing back anything has failed. */
extern int writeback_check (struct writeback_error *e);

extern void writeback_init (struct writeback *wb, int fd,
                            struct writeback_error *errs);
/* After a buffered write of [offset, offset+count) to wb->fd.  -1 with
 * errno (and set_error) once writing back an earlier range has failed.
 */
extern int writeback_add (struct writeback *wb, uint64_t offset,
                          uint64_t count);
/* Before a flush: wait until the thread has written back what was queued;
 * -1 with errno (and set_error) if writing back anything failed.
 */
extern int writeback_sync (struct writeback *wb);
/* At the end of a copy: wait for and drop everything written so far (the
 * open range, the window, the thread's queue); -1 with errno (and
 * set_error) if writing back anything failed, through this handle or
 * another that shares errs.  The struct stays usable.  A failure met
 * only by writeback_finish, at close, is reported to no one: a copy must
 * drain its sinks before it says it succeeded.
 */
extern int writeback_drain (struct writeback *wb);
/* Wait for and drop everything still in the window, stop the thread;
 * then the struct may be freed.
 */
extern void writeback_finish (struct writeback *wb);

#endif /* NBDFERRY_WRITEBACK_H */
