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

/* Writes whose writeback may be in flight before the oldest is waited for
 * and dropped: deep enough to keep the disk queue full, small enough that
 * memory stays flat (16 x 1 MiB requests).
 */
#define WRITEBACK_WINDOW 16

/* The lock matters only to the server, which shares one handle between
 * threads.
 */
struct writeback {
  int fd;                       /* -1: nothing to do (a pipe) */
  pthread_mutex_t lock;
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
