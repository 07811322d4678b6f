/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: the read-modify-write filter (see rmw.h). */
#include <config.h>

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "blocksize.h"
#include "cleanup.h"
#include "error.h"
#include "extents.h"
#include "filters/rmw.h"

/* Shared by a filter and all its dups. */
struct rmw_shared {
  atomic_uint refs;
  pthread_rwlock_t lock;        /* exclusive: an RMW; shared: aligned I/O */
  char *bounce;                 /* one block, used under the exclusive lock */
};

struct rmw {
  struct backend b;             /* first: the engine sees only this */
  struct rmw_shared *sh;
  uint64_t min;                 /* next's MINIMUM */
};

static const struct backend_ops rmw_ops;

/* Bounce blocks are page-aligned so an O_DIRECT sink need not bounce them
 * again.
 */
static void *
block_alloc (uint64_t min)
{
  void *p;

  if ((errno = posix_memalign (&p, 4096, min)) != 0)
    return NULL;
  return p;
}

static struct rmw_shared *
shared_new (uint64_t min)
{
  struct rmw_shared *sh = calloc (1, sizeof *sh);
  pthread_rwlockattr_t attr;

  if (sh == NULL)
    return NULL;
  sh->bounce = block_alloc (min);
  if (sh->bounce == NULL) {
    free (sh);
    return NULL;
  }
  atomic_init (&sh->refs, 1);
  /* Aligned writers must not starve an RMW waiting for the lock. */
  pthread_rwlockattr_init (&attr);
  pthread_rwlockattr_setkind_np (&attr,
                                 PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
  pthread_rwlock_init (&sh->lock, &attr);
  pthread_rwlockattr_destroy (&attr);
  return sh;
}

static void
shared_unref (struct rmw_shared *sh)
{
  if (sh && atomic_fetch_sub (&sh->refs, 1) == 1) {
    pthread_rwlock_destroy (&sh->lock);
    free (sh->bounce);
    free (sh);
  }
}

static void
rmw_close (struct backend *b)
{
  shared_unref (((struct rmw *) b)->sh);
}

/* The sub-requests go to next through the same limits, so each dup needs
 * its own handle on next (for a worker thread) but the same lock.
 */
static struct backend *
rmw_dup (struct backend *b)
{
  struct rmw *r = (struct rmw *) b, *d;
  struct backend *next;

  if ((next = backend_dup (b->next)) == NULL)
    return NULL;
  if ((d = backend_alloc (sizeof *d, &rmw_ops, b->name, next)) == NULL) {
    backend_close (next);
    return NULL;
  }
  atomic_fetch_add (&r->sh->refs, 1);
  d->sh = r->sh;
  d->min = r->min;
  return &d->b;
}

static int64_t
rmw_get_size (struct backend *b)
{
  return b->next->size;
}

/* MINIMUM 1; every other limit of next stays valid under it. */
static int64_t
rmw_block_size (struct backend *b, enum bs_which which)
{
  if (which == BS_MINIMUM)
    return 1;
  if (which < BS_NR)
    return b->next->bs[which];
  return 0;
}

static uint64_t
min64 (uint64_t a, uint64_t b)
{
  return a < b ? a : b;
}

/* The unaligned part of [offset, offset+count) in the first block it
 * touches: 0 if offset is aligned, else the bytes up to the block's end.
 */
static uint64_t
head_len (const struct rmw *r, uint64_t offset, uint64_t count)
{
  uint64_t in = offset % r->min;

  return in ? min64 (count, r->min - in) : 0;
}

/* Read, patch (with data, or zeroes when data is NULL) and write back one
 * block of next, under the exclusive lock.
 */
static int
rmw_block (struct rmw *r, uint64_t offset, const void *data, uint64_t count,
           uint32_t flags)
{
  uint64_t blk = round_down (offset, r->min);
  char *bounce = r->sh->bounce;
  int ret;

  pthread_rwlock_wrlock (&r->sh->lock);
  ret = backend_pread (r->b.next, bounce, r->min, blk, 0);
  if (ret == 0) {
    if (data)
      memcpy (bounce + (offset - blk), data, count);
    else
      memset (bounce + (offset - blk), 0, count);
    ret = backend_pwrite (r->b.next, bounce, r->min, blk, flags & F_FUA);
  }
  pthread_rwlock_unlock (&r->sh->lock);
  return ret;
}

enum body_op { BODY_WRITE, BODY_ZERO, BODY_TRIM };

/* An aligned body, in pieces within next's maximum, each under the shared
 * lock so that it cannot land inside an RMW.
 */
static int
body (struct rmw *r, enum body_op op, const char *buf, uint64_t count,
      uint64_t offset, uint32_t flags)
{
  struct backend *next = r->b.next;
  static const enum bs_which max_of[] = {
    [BODY_WRITE] = BS_MAX_DATA, [BODY_ZERO] = BS_MAX_ZERO,
    [BODY_TRIM] = BS_MAX_TRIM,
  };
  uint64_t max = round_down (next->bs[max_of[op]], r->min);

  while (count > 0) {
    uint64_t n = min64 (count, max);
    int ret;

    pthread_rwlock_rdlock (&r->sh->lock);
    switch (op) {
    case BODY_WRITE: ret = backend_pwrite (next, buf, n, offset, flags); break;
    case BODY_ZERO: ret = backend_zero (next, n, offset, flags); break;
    default: ret = backend_trim (next, n, offset, flags);
    }
    pthread_rwlock_unlock (&r->sh->lock);
    if (ret == -1)
      return -1;
    if (buf)
      buf += n;
    offset += n;
    count -= n;
  }
  return 0;
}

/* Write (buf) or zero (buf NULL): RMW head, aligned body, RMW tail. */
static int
write_or_zero (struct rmw *r, const char *buf, uint64_t count,
               uint64_t offset, uint32_t flags)
{
  uint64_t n = head_len (r, offset, count), aligned;

  if (n) {
    if (rmw_block (r, offset, buf, n, flags) == -1)
      return -1;
    if (buf)
      buf += n;
    offset += n;
    count -= n;
  }
  aligned = round_down (count, r->min);
  if (aligned) {
    if (body (r, buf ? BODY_WRITE : BODY_ZERO, buf, aligned, offset,
              flags) == -1)
      return -1;
    if (buf)
      buf += aligned;
    offset += aligned;
    count -= aligned;
  }
  if (count && rmw_block (r, offset, buf, count, flags) == -1)
    return -1;
  return 0;
}

static int
rmw_pwrite (struct backend *b, const void *buf, uint64_t count,
            uint64_t offset, uint32_t flags)
{
  return write_or_zero ((struct rmw *) b, buf, count, offset, flags);
}

static int
rmw_zero (struct backend *b, uint64_t count, uint64_t offset, uint32_t flags)
{
  struct rmw *r = (struct rmw *) b;

  /* A partial block can only be zeroed by writing it: never fast. */
  if ((flags & F_FAST_ZERO) &&
      (offset % r->min != 0 || (offset + count) % r->min != 0)) {
    errno = ENOTSUP;
    return -1;
  }
  return write_or_zero (r, NULL, count, offset, flags);
}

/* Read one partial block through a bounce buffer. */
static int
read_partial (struct rmw *r, char *buf, uint64_t count, uint64_t offset,
              uint32_t flags)
{
  uint64_t blk = round_down (offset, r->min);
  CLEANUP_FREE char *bounce = block_alloc (r->min);

  if (bounce == NULL)
    return -1;
  if (backend_pread (r->b.next, bounce, r->min, blk, flags) == -1)
    return -1;
  memcpy (buf, bounce + (offset - blk), count);
  return 0;
}

/* Reads need no lock: a block is read whole, before or after an RMW. */
static int
rmw_pread (struct backend *b, void *vbuf, uint64_t count, uint64_t offset,
           uint32_t flags)
{
  struct rmw *r = (struct rmw *) b;
  struct backend *next = b->next;
  uint64_t n = head_len (r, offset, count), max;
  char *buf = vbuf;

  if (n) {
    if (read_partial (r, buf, n, offset, flags) == -1)
      return -1;
    buf += n;
    offset += n;
    count -= n;
  }
  max = round_down (next->bs[BS_MAX_DATA], r->min);
  while (count >= r->min) {
    n = min64 (round_down (count, r->min), max);
    if (backend_pread (next, buf, n, offset, flags) == -1)
      return -1;
    buf += n;
    offset += n;
    count -= n;
  }
  if (count && read_partial (r, buf, count, offset, flags) == -1)
    return -1;
  return 0;
}

/* Trim is a hint: the partial blocks at either end are left alone. */
static int
rmw_trim (struct backend *b, uint64_t count, uint64_t offset, uint32_t flags)
{
  struct rmw *r = (struct rmw *) b;
  uint64_t start = round_up (offset, r->min);
  uint64_t end = round_down (offset + count, r->min);

  if (end <= start)
    return 0;
  return body (r, BODY_TRIM, NULL, end - start, start, flags);
}

static int
rmw_flush (struct backend *b, uint32_t flags)
{
  return backend_flush (b->next, flags);
}

static int
rmw_cache (struct backend *b, uint64_t count, uint64_t offset,
           uint32_t flags)
{
  struct rmw *r = (struct rmw *) b;
  uint64_t start = round_down (offset, r->min);
  uint64_t end = round_up (offset + count, r->min);
  uint64_t max = round_down (b->next->bs[BS_MAX_CACHE], r->min);

  while (start < end) {
    uint64_t n = min64 (end - start, max);
    if (backend_cache (b->next, n, start, flags) == -1)
      return -1;
    start += n;
  }
  return 0;
}

/* Fold next's extents (scratch, aligned start, described up to limit, an
 * aligned offset) into whole blocks: a block is a hole or zero only if all
 * of it is.
 */
static int
fold_extents (struct rmw *r, const struct extent_list *scratch,
              uint64_t limit, struct extent_list *list)
{
  uint32_t acc = EXTENT_HOLE|EXTENT_ZERO;
  size_t i;

  for (i = 0; i < scratch->len; ++i) {
    const struct extent *e = &scratch->ptr[i];
    uint64_t s = e->offset, end = min64 (e->offset + e->length, limit);

    while (s < end) {
      uint64_t blk = round_down (s, r->min), n;

      if (s == blk && end - s >= r->min) {
        n = round_down (end - s, r->min);
        if (extents_add (list, s, n, e->type) == -1)
          return -1;
        s += n;
        continue;
      }
      /* A piece of a block: and its type into the block's. */
      acc &= e->type;
      s = min64 (end, blk + r->min);
      if (s == blk + r->min) {
        if (extents_add (list, blk, r->min, acc) == -1)
          return -1;
        acc = EXTENT_HOLE|EXTENT_ZERO;
      }
    }
  }
  return 0;
}

static int
rmw_extents (struct backend *b, uint64_t count, uint64_t offset,
             uint32_t flags, struct extent_list *list)
{
  struct rmw *r = (struct rmw *) b;
  uint64_t start = round_down (offset, r->min);
  uint64_t end = round_up (offset + count, r->min);
  uint64_t covered, limit;
  CLEANUP_EXTENTS struct extent_list scratch;

  if (b->next->size >= 0 && end > (uint64_t) b->next->size)
    end = b->next->size;        /* aligned: sizes are multiples of min */

  /* One question: next may not be asked at an unaligned offset again. */
  extents_init (&scratch, start, end);
  if (backend_extents (b->next, end - start, start, flags, &scratch) == -1)
    return -1;
  covered = extents_covered_end (&scratch);
  if (covered == start) {       /* next must describe at least a byte */
    errno = EIO;
    return -1;
  }
  /* A short answer is fine, cut to whole blocks; the undescribed rest of
   * a first block is taken as data, which is always safe.
   */
  if (covered < start + r->min && covered < end) {
    if (extents_add (&scratch, covered, start + r->min - covered, 0) == -1)
      return -1;
    covered = start + r->min;
  }
  limit = covered >= end ? end : round_down (covered, r->min);
  return fold_extents (r, &scratch, limit, list);
}

/* No real async I/O: complete inline through the sync hooks above, so the
 * async path cannot bypass the alignment work.
 */
static int
rmw_aio_pread (struct backend *b, void *buf, uint64_t count,
               uint64_t offset, uint32_t flags, struct completion *c)
{
  int r = rmw_pread (b, buf, count, offset, flags);
  c->done (c, r == -1 ? errno : 0);
  return 0;
}

static int
rmw_aio_pwrite (struct backend *b, const void *buf, uint64_t count,
                uint64_t offset, uint32_t flags, struct completion *c)
{
  int r = rmw_pwrite (b, buf, count, offset, flags);
  c->done (c, r == -1 ? errno : 0);
  return 0;
}

static int
rmw_aio_zero (struct backend *b, uint64_t count, uint64_t offset,
              uint32_t flags, struct completion *c)
{
  int r = rmw_zero (b, count, offset, flags);
  c->done (c, r == -1 ? errno : 0);
  return 0;
}

/* Nothing is ever in flight here: keep pollers away from next's fd. */
static int
rmw_aio_get_fd (struct backend *b, short *events)
{
  *events = 0;
  return -1;
}

static int
rmw_aio_notify (struct backend *b, short revents)
{
  return 0;
}

static unsigned
rmw_aio_in_flight (struct backend *b)
{
  return 0;
}

static const struct backend_ops rmw_ops = {
  .name = "rmw",
  .close = rmw_close,
  .dup = rmw_dup,
  .get_size = rmw_get_size,
  .block_size = rmw_block_size,
  .pread = rmw_pread,
  .pwrite = rmw_pwrite,
  .zero = rmw_zero,
  .trim = rmw_trim,
  .flush = rmw_flush,
  .extents = rmw_extents,
  .cache = rmw_cache,
  .aio_pread = rmw_aio_pread,
  .aio_pwrite = rmw_aio_pwrite,
  .aio_zero = rmw_aio_zero,
  .aio_get_fd = rmw_aio_get_fd,
  .aio_notify = rmw_aio_notify,
  .aio_in_flight = rmw_aio_in_flight,
};

struct backend *
rmw_filter_open (struct backend *next)
{
  struct rmw *r;

  if (next->is_stream) {
    set_error ("%s: read-modify-write needs a random-access sink",
               next->name);
    errno = EINVAL;
    return NULL;
  }
  /* Not backend_ready: closing r on failure would close next too. */
  if ((r = backend_alloc (sizeof *r, &rmw_ops, next->name, next)) == NULL)
    return NULL;
  r->min = next->bs[BS_MINIMUM];
  if ((r->sh = shared_new (r->min)) == NULL ||
      backend_open_done (&r->b) == -1) {
    r->b.next = NULL;           /* next still belongs to the caller */
    backend_close (&r->b);
    return NULL;
  }
  /* Requests complete inline: the engine must not treat this as async. */
  r->b.has_aio = false;
  return &r->b;
}
