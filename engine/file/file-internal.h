/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: what engine/file*.c share (not for drivers: see file.h). */
#ifndef NBDFERRY_FILE_INTERNAL_H
#define NBDFERRY_FILE_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <libaio.h>
#include <pthread.h>

#include "backend.h"
#include "writeback.h"

/* The open file, shared by every handle dup()ed from the first. */
struct file_shared {
  atomic_uint refs;
  int fd;
  bool is_device;               /* block device */
  bool is_char;                 /* character device */
  bool direct;                  /* O_DIRECT */
  bool created;                 /* file_params.created */
  bool allocated;               /* file_params.allocated */
  int64_t size_override;        /* file_params.size */
  uint32_t align;               /* O_DIRECT offset/length alignment, else 1 */
  uint32_t mem_align;           /* O_DIRECT buffer alignment, else 1 */
  uint32_t sector;              /* device zero/discard granularity, else 1 */
  unsigned requests;            /* aio queue depth per handle */
#define FILE_MAX_REQUESTS 1024
  /* Zeroing methods that answered EOPNOTSUPP, not tried again.  Atomic:
   * every worker thread shares this.
   */
  atomic_bool no_punch, no_zero_range, no_zeroout, no_discard;
  atomic_bool no_populate;      /* no MADV_POPULATE_READ (before 5.14) */
  struct writeback_error wb_err; /* every handle's writeback failures */
};

struct file_be {
  struct backend b;             /* must be first */
  struct file_shared *sh;
  /* O_DIRECT only: this handle's own io context (one thread per handle). */
  io_context_t ctx;
  int efd;                      /* eventfd signalled on completions */
  unsigned nr;                  /* io context capacity */
  unsigned in_flight;
  /* Buffered writes: this handle's writeback window (engine/writeback.h). */
  struct writeback wb;
  /* The map hook's window (file-map.c): NULL or MAP_WINDOW bytes of the
   * file at mw_start; mw_held bytes of it faulted in and not yet dropped.
   */
  char *mw;
  uint64_t mw_start, mw_held;
};

static inline struct file_shared *
file_sh (struct backend *b)
{
  return ((struct file_be *) b)->sh;
}

/* Full-count I/O: retries EINTR and short transfers, bounces unaligned
 * buffers under O_DIRECT.  0 or -1 with errno intact.
 */
extern int file_pread_full (struct file_shared *sh, void *buf,
                            uint64_t count, uint64_t offset);
extern int file_pwrite_full (struct file_shared *sh, const void *buf,
                             uint64_t count, uint64_t offset);

/* engine/file-zero.c */
extern int file_zero (struct backend *b, uint64_t count, uint64_t offset,
                      uint32_t flags);
extern int file_trim (struct backend *b, uint64_t count, uint64_t offset,
                      uint32_t flags);

/* engine/file-map.c (buffered handles) */
extern void file_map_close (struct file_be *h);
extern const void *file_map (struct backend *b, uint64_t count,
                             uint64_t offset);
extern void file_unmap (struct backend *b, const void *addr, uint64_t count,
                        uint64_t offset);

/* engine/file-aio.c (O_DIRECT handles) */
extern int file_aio_init (struct file_be *h);
extern void file_aio_close (struct file_be *h);
extern int file_aio_pread (struct backend *b, void *buf, uint64_t count,
                           uint64_t offset, uint32_t flags,
                           struct completion *c);
extern int file_aio_pwrite (struct backend *b, const void *buf,
                            uint64_t count, uint64_t offset, uint32_t flags,
                            struct completion *c);
extern int file_aio_get_fd (struct backend *b, short *events);
extern int file_aio_notify (struct backend *b, short revents);
extern unsigned file_aio_in_flight (struct backend *b);

#endif /* NBDFERRY_FILE_INTERNAL_H */
