/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: compress the frames of a zstd image on every CPU, and hand
 * them back in order.
 *
 * Each frame is independent (the seekable format), so frames compress in
 * parallel, one per thread, while the engine's writer fills the next; the
 * writer also writes finished frames out, in order.  A few frame buffers
 * exist (threads + 1), so memory does not grow with the image.
 */
#ifndef NBDFERRY_ZSTD_POOL_H
#define NBDFERRY_ZSTD_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Write one finished frame (len bytes, dsize image bytes): 0 or -1 with
 * errno and a message.
 */
typedef int (*zpool_emit_fn) (void *arg, const void *buf, size_t len,
                              uint32_t dsize);

struct zpool;

/* NULL with errno on failure. */
extern struct zpool *zpool_new (unsigned threads, int level,
                                uint32_t frame_size, zpool_emit_fn emit,
                                void *arg);
extern void zpool_free (struct zpool *p);

/* The buffer for the next frame (frame_size bytes), once one is free;
 * frames finished meanwhile are written.  NULL after a failure (errno and
 * message set).
 */
extern char *zpool_buffer (struct zpool *p);

/* Queue the buffer zpool_buffer returned, holding dsize bytes; zero: all
 * of them are zero (the buffer need not have been touched).
 */
extern int zpool_submit (struct zpool *p, uint32_t dsize, bool zero);

/* Wait for every queued frame and write it. */
extern int zpool_drain (struct zpool *p);

#endif /* NBDFERRY_ZSTD_POOL_H */
