/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: what a pipe as a source and a pipe as a sink share.
 *
 * A stream is a backend on a file descriptor that can be neither sought
 * nor sized: its position only moves forward and its size is known only at
 * its end.  sources/stdin.c and sinks/stdout.c fill in the data hooks.
 */
#ifndef NBDFERRY_STREAM_H
#define NBDFERRY_STREAM_H

#include <stdbool.h>
#include <stdint.h>

#include "backend.h"

struct stream {
  struct backend b;             /* must be first */
  int fd;
  uint64_t pos;                 /* bytes read or written so far */
  /* A sink on a regular file with nothing past its position: a gap is
   * sought over (a hole), not written as zeroes.
   */
  bool seek_gaps;
};

/* close hook: closes the descriptor. */
extern void stream_close (struct backend *b);
/* get_size hook: -1/ESPIPE, the size of a stream is not known. */
extern int64_t stream_get_size (struct backend *b);

/* The engine asked for offset while the stream is at pos: -1/ESPIPE with
 * a message (what: "read" or "write").
 */
extern int stream_out_of_order (const struct backend *b, const char *what,
                                uint64_t offset, uint64_t pos);
/* fdatasync, where the descriptor can be synced (not a pipe or tty). */
extern int stream_sync (int fd);

/* A stream backend over fd with ops (which should use the two hooks above).
 * The stream owns fd from now on, also on failure (it is closed).
 */
extern struct backend *stream_open (int fd, const char *name,
                                    const struct backend_ops *ops);

#endif /* NBDFERRY_STREAM_H */
