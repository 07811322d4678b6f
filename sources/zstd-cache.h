/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: decoded zstd frames, shared by every thread reading an image.
 *
 * An NBD client reads a frame in many small requests, spread over the
 * server's threads; decoding the frame once per request would cost as many
 * times its size.  So decoded frames live in a few slots shared by all
 * readers: a request for a frame that is being decoded waits for it, one
 * for a frame in a slot copies from it, and a frame read whole is decoded
 * straight into the caller's buffer.  Each slot has its own decompression
 * context, so different frames decode in parallel.
 */
#ifndef NBDFERRY_ZSTD_CACHE_H
#define NBDFERRY_ZSTD_CACHE_H

#include <stddef.h>
#include <stdint.h>
#include <zstd.h>

/* What decoding needs besides the destination: lent by the slot. */
struct zscratch {
  ZSTD_DCtx *dctx;
  char *cbuf;                   /* compressed bytes */
  size_t ccap;
};

/* Decode frame into dst (dsize bytes); -1 with errno and a message. */
typedef int (*zcache_load_fn) (void *arg, size_t frame, char *dst,
                               struct zscratch *s);

struct zcache;

extern struct zcache *zcache_new (unsigned slots);
extern void zcache_free (struct zcache *c);

/* Copy [skip, skip+count) of frame (dsize bytes decoded) into buf. */
extern int zcache_read (struct zcache *c, size_t frame, uint32_t dsize,
                        uint64_t skip, void *buf, uint64_t count,
                        zcache_load_fn load, void *arg);

#endif /* NBDFERRY_ZSTD_CACHE_H */
