/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: the ordered pipeline for streams (stdin, stdout).
 *
 * A pipe can be neither sought nor read twice, so one reader thread fills
 * a small ring of buffers in order while the calling thread writes them in
 * order: reading and writing overlap, and memory is the ring.
 */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "copy-internal.h"
#include "error.h"
#include "extents.h"
#include "zero.h"

#define RING 4

struct chunk {
  char *buf;
  uint64_t offset, count;
  bool hole;                    /* reads as zero: buf was not filled */
};

struct ring {
  struct copy *cp;
  pthread_mutex_t lock;
  pthread_cond_t cond;
  struct chunk c[RING];
  unsigned head, n;             /* oldest filled chunk, filled chunks */
  bool eof;                     /* the reader has finished */
  uint64_t size;                /* chunk size */
  uint64_t limit;               /* the sink's size so far */
  struct extent_list ext;       /* the reader's view of a seekable source */
  uint64_t end;                 /* where the reader stopped */
};

static bool
stopped (struct ring *r)
{
  return copy_halted (r->cp);
}

/* A seekable source read into a pipe: its holes need not be read.  Clip
 * *want to the extent at offset; true if that extent reads as zero.
 */
static int
zero_extent (struct ring *r, uint64_t offset, uint64_t *want, bool *zero)
{
  struct copy *cp = r->cp;
  struct extent_list *l = &r->ext;
  size_t i;

  *zero = false;
  if (!cp->src->can_extents || cp->opts->no_extents)
    return 0;
  if (offset < l->start || offset >= extents_covered_end (l)) {
    uint64_t n = cp->size - offset < COPY_UNIT ? cp->size - offset : COPY_UNIT;
    if (extents_fill (cp->src, offset, n, l) == -1)
      return -1;
  }
  for (i = 0; i < l->len; ++i) {
    const struct extent *e = &l->ptr[i];
    if (offset >= e->offset && offset < e->offset + e->length) {
      if (*want > e->offset + e->length - offset)
        *want = e->offset + e->length - offset;
      *zero = e->type & EXTENT_ZERO;
      break;
    }
  }
  return 0;
}

/* Read the next chunk at offset; returns bytes read, 0 at the end.  A
 * hole of the source is not read: *hole says so and buf is left alone.
 */
static int64_t
read_chunk (struct ring *r, char *buf, uint64_t want, uint64_t offset,
            bool *hole)
{
  struct copy *cp = r->cp;
  int64_t n;

  *hole = false;
  if (cp->src->is_stream) {
    n = backend_pread (cp->src, buf, want, offset, 0);
    if (n > 0)
      atomic_fetch_add (&cp->stats->read, n);
    return n;
  }
  if (offset >= cp->size)
    return 0;
  if (want > cp->size - offset)
    want = cp->size - offset;
  if (zero_extent (r, offset, &want, hole) == -1)
    return -1;
  if (*hole)
    return want;
  if (backend_pread (cp->src, buf, want, offset, 0) == -1 &&
      (errno = copy_salvage (cp, cp->src, buf, offset, want, errno)) != 0)
    return -1;
  atomic_fetch_add (&cp->stats->read, want);
  return want;
}

static void *
reader (void *arg)
{
  struct ring *r = arg;
  uint64_t offset = 0;

  for (;;) {
    struct chunk *c;
    int64_t n;

    pthread_mutex_lock (&r->lock);
    while (r->n == RING && !stopped (r))
      pthread_cond_wait (&r->cond, &r->lock);
    c = &r->c[(r->head + r->n) % RING];
    pthread_mutex_unlock (&r->lock);
    if (stopped (r))
      break;

    n = read_chunk (r, c->buf, r->size, offset, &c->hole);
    if (n == -1)
      copy_fail (r->cp, r->cp->src, "read", offset, r->size, errno);
    if (n <= 0)
      break;
    c->offset = offset;
    c->count = n;
    offset += n;

    pthread_mutex_lock (&r->lock);
    r->n++;
    pthread_cond_broadcast (&r->cond);
    pthread_mutex_unlock (&r->lock);
  }
  pthread_mutex_lock (&r->lock);
  r->end = offset;
  r->eof = true;
  pthread_cond_broadcast (&r->cond);
  pthread_mutex_unlock (&r->lock);
  return NULL;
}

/* Where writes go: through read-modify-write when the sink has blocks the
 * stream's end may not fill (one writer thread: the filter's aligned
 * pieces go straight down).
 */
static struct backend *
sink (struct copy *cp)
{
  return cp->rmw ? cp->rmw : cp->dst;
}

/* In the sink's zero request size, as the workers do. */
static int
zero_or_skip (struct copy *cp, uint64_t offset, uint64_t count)
{
  if (copy_zero_skip (cp, count))
    return 0;
  while (count > 0) {
    uint64_t n = count < cp->stats->plan.zero ? count : cp->stats->plan.zero;

    if (backend_zero (sink (cp), n, offset, copy_zero_flags (cp)) == -1) {
      copy_fail (cp, cp->dst, "zero", offset, n, errno);
      return -1;
    }
    atomic_fetch_add (&cp->stats->zeroed, n);
    offset += n;
    count -= n;
  }
  return 0;
}

static int
write_data (struct copy *cp, const char *buf, uint64_t offset, uint64_t n)
{
  if (backend_pwrite (sink (cp), buf, n, offset, 0) == -1) {
    copy_fail (cp, cp->dst, "write", offset, n, errno);
    return -1;
  }
  atomic_fetch_add (&cp->stats->written, n);
  return 0;
}

/* Write one chunk: everything to a stream, only what changes elsewhere. */
static int
write_chunk (struct ring *r, const struct chunk *c)
{
  struct copy *cp = r->cp;
  uint64_t sparse = cp->stats->plan.sparse, pos = 0;
  uint64_t end = c->offset + c->count;

  /* A sink that cannot grow (a device, an export) must hold the stream. */
  if (!cp->dst->is_stream && end > r->limit) {
    if (backend_extend (cp->dst, end) == -1) {
      if (errno == ENOTSUP)
        set_error ("the destination is smaller than the source");
      copy_fail (cp, cp->dst, "write", c->offset, c->count, ENOSPC);
      return -1;
    }
    r->limit = end;
  }
  /* A stream sink writes the zeroes itself, without our memset. */
  if (c->hole)
    return zero_or_skip (cp, c->offset, c->count);
  if (cp->dst->is_stream || sparse == 0)
    return write_data (cp, c->buf, c->offset, c->count);
  while (pos < c->count) {
    uint64_t left = c->count - pos;
    uint64_t z = zero_run (c->buf + pos, left, sparse, true);
    int ret;

    if (z)
      ret = zero_or_skip (cp, c->offset + pos, z);
    else {
      z = zero_run (c->buf + pos, left, sparse, false);
      ret = write_data (cp, c->buf + pos, c->offset + pos, z);
    }
    if (ret == -1)
      return -1;
    pos += z;
  }
  return 0;
}

static void
writer (struct ring *r)
{
  for (;;) {
    struct chunk *c;

    pthread_mutex_lock (&r->lock);
    while (r->n == 0 && !r->eof && !stopped (r))
      pthread_cond_wait (&r->cond, &r->lock);
    if (r->n == 0 || stopped (r)) {
      pthread_mutex_unlock (&r->lock);
      return;
    }
    c = &r->c[r->head];
    pthread_mutex_unlock (&r->lock);

    copy_hash (r->cp, c->hole ? NULL : c->buf, c->offset, c->count);
    if (write_chunk (r, c) == 0)
      copy_progress (r->cp, c->count);

    pthread_mutex_lock (&r->lock);
    r->head = (r->head + 1) % RING;
    r->n--;
    pthread_cond_broadcast (&r->cond);
    pthread_mutex_unlock (&r->lock);
  }
}


int
copy_stream (struct copy *cp)
{
  struct ring r = {
    .cp = cp, .lock = PTHREAD_MUTEX_INITIALIZER,
    .cond = PTHREAD_COND_INITIALIZER, .size = cp->stats->plan.data,
    .limit = cp->dst->size > 0 ? cp->dst->size : 0,
  };
  pthread_t tid;
  unsigned i;
  int err, ret = -1;

  extents_init (&r.ext, 0, 0);
  for (i = 0; i < RING; ++i)
    if (posix_memalign ((void **) &r.c[i].buf, 4096, r.size) != 0) {
      copy_fail_why (cp, cp->src, "allocating buffers", 0, 0,
                     strerror (ENOMEM));
      goto out;
    }
  err = pthread_create (&tid, NULL, reader, &r);
  if (err) {
    copy_fail_why (cp, cp->src, "starting the reader", 0, 0, strerror (err));
    goto out;
  }
  writer (&r);
  if (stopped (&r)) {           /* wake a reader waiting for room */
    pthread_mutex_lock (&r.lock);
    pthread_cond_broadcast (&r.cond);
    pthread_mutex_unlock (&r.lock);
  }
  pthread_join (tid, NULL);
  if (!stopped (&r)) {
    cp->stats->total = r.end;
    ret = 0;
  }
 out:
  for (i = 0; i < RING; ++i)
    free (r.c[i].buf);
  extents_free (&r.ext);
  return ret;
}
