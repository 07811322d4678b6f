/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: the file and block-device backend, shared by sources/file.c,
 * sinks/file.c and the stdin/stdout drivers (when they are regular files).
 *
 * The driver opens the fd (with O_DIRECT for --direct); this backend takes
 * it over.  Buffered handles are thread-safe and shared (no dup, no aio).
 * O_DIRECT handles use libaio: each dup() has its own io context and
 * eventfd, sharing the fd.  An O_DIRECT file whose size is not a multiple
 * of the logical block size falls back to buffered I/O, since its tail could
 * not be read or written.
 */
#ifndef NBDFERRY_FILE_H
#define NBDFERRY_FILE_H

#include <stdbool.h>
#include <stdint.h>

struct backend;

struct file_params {
  bool created;         /* a sink created or truncated it: reads as zero */
  bool allocated;       /* --allocated: never punch holes */
  int64_t size;         /* size of a device that has none (char dev), or -1 */
  unsigned requests;    /* async requests in flight per handle, 0: default */
};

/* Take over fd (closed on failure too) and return a backend that has been
 * through backend_open_done(), or NULL with a message naming name.
 */
extern struct backend *file_backend_open (int fd, const char *name,
                                          const struct file_params *p);

#endif /* NBDFERRY_FILE_H */
