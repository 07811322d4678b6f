/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: compare two images (see compare.h). */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blocksize.h"
#include "cleanup.h"
#include "compare.h"
#include "error.h"
#include "extents.h"
#include "zero.h"

#define UNIT (64 * 1024 * 1024)
/* Bytes mapped at a time: larger pieces save no CPU time (measured, 2 to
 * 64 MiB) and count in the resident set while mapped.
 */
#define MAP_PIECE (4 * 1024 * 1024)
/* Where a difference is looked for once a chunk differs. */
#define STEP 4096

struct cmp {
  struct backend *b[2];
  uint64_t len;                 /* the longer size */
  uint64_t chunk;               /* bytes compared at a time */
  const struct compare_opts *opts;
  struct compare_stats *st;
  _Atomic uint64_t next_unit;
  _Atomic uint64_t first;       /* lowest difference found, or UINT64_MAX */
  atomic_bool stop;
  pthread_mutex_t lock;
  char error[512];
};

struct side {
  struct backend *b;
  struct extent_list ext;
  char *buf;                    /* chunk + room to align both ends */
  bool map;                     /* try backend_map before pread */
  const void *view;             /* the mapped piece to release, or NULL */
  uint64_t view_len, view_off;
};

struct cworker {
  struct cmp *c;
  struct side s[2];
};

static void
fail (struct cmp *c, struct backend *b, const char *op, uint64_t offset,
      int err)
{
  LOCK_IN_SCOPE (&c->lock);
  if (c->error[0] == '\0')
    snprintf (c->error, sizeof c->error, "%s: %s failed at offset %" PRIu64
              ": %s", b->name, op, offset, last_error (err));
  atomic_store (&c->stop, true);
}

static void
found (struct cmp *c, uint64_t offset)
{
  uint64_t cur = atomic_load (&c->first);

  while (offset < cur &&
         !atomic_compare_exchange_weak (&c->first, &cur, offset))
    ;
}

static void
release (struct side *s)
{
  if (s->view)
    backend_unmap (s->b, s->view, s->view_len, s->view_off);
  s->view = NULL;
}

/* The bytes of [off, off+n) of side s, read in its minimum blocks: mapped
 * in place where the backend can, else read into s->buf in its maximum
 * requests.  Returns where they start, or NULL: an error (c->stop), or
 * the side cannot map after all and the piece must be asked again in
 * buffer-sized pieces.
 */
static const char *
view_span (struct cmp *c, struct side *s, uint64_t off, uint64_t n)
{
  struct backend *b = s->b;
  uint64_t min = b->bs[BS_MINIMUM];
  uint64_t max = round_down (b->bs[BS_MAX_DATA], min);
  uint64_t start = round_down (off, min), end = round_up (off + n, min);
  uint64_t pos;

  if (end > (uint64_t) b->size)
    end = b->size;
  if (s->map) {
    const char *p = backend_map (b, end - start, start);
    if (p) {
      atomic_fetch_add (&c->st->read, end - start);
      s->view = p;
      s->view_len = end - start;
      s->view_off = start;
      return p + (off - start);
    }
    s->map = false;             /* pread says what is wrong, if anything */
    return NULL;
  }
  for (pos = start; pos < end; ) {
    uint64_t m = end - pos < max ? end - pos : max;
    if (backend_pread (b, s->buf + (pos - start), m, pos, 0) == -1) {
      fail (c, b, "read", pos, errno);
      return NULL;
    }
    pos += m;
  }
  atomic_fetch_add (&c->st->read, end - start);
  return s->buf + (off - start);
}

uint64_t
compare_first_diff (const char *p, const char *q, uint64_t n)
{
  uint64_t pos = 0, i;

  if (q ? memcmp (p, q, n) == 0 : is_zero (p, n))
    return n;                   /* the common case: one pass */
  for (; pos < n; pos += STEP) {
    uint64_t m = n - pos < STEP ? n - pos : STEP;
    if (q ? memcmp (p + pos, q + pos, m) != 0 : !is_zero (p + pos, m))
      break;
  }
  for (i = pos; i < n; ++i)
    if (p[i] != (q ? q[i] : 0))
      return i;
  return n;
}

/* Bytes compared at a time: what fits the buffers, or a mapped piece
 * where every side that is read is mapped.
 */
static uint64_t
piece (const struct cworker *w, const bool zero[2])
{
  if ((zero[0] || w->s[0].map) && (zero[1] || w->s[1].map))
    return MAP_PIECE;
  return w->c->chunk;
}

/* [pos, end) where side i reads as zero if zero[i]. */
static void
compare_range (struct cworker *w, uint64_t pos, uint64_t end,
               const bool zero[2])
{
  struct cmp *c = w->c;

  while (pos < end && pos < atomic_load (&c->first) &&
         !atomic_load (&c->stop)) {
    uint64_t n = piece (w, zero), d;
    const char *p[2] = { NULL, NULL };
    int i;

    if (n > end - pos)
      n = end - pos;
    for (i = 0; i < 2; ++i)
      if (!zero[i] && (p[i] = view_span (c, &w->s[i], pos, n)) == NULL)
        break;
    if (i < 2) {                /* an error, or read instead of map */
      release (&w->s[0]);
      continue;
    }
    d = p[0] && p[1] ? compare_first_diff (p[0], p[1], n)
      : compare_first_diff (p[0] ? p[0] : p[1], NULL, n);
    release (&w->s[0]);
    release (&w->s[1]);
    if (d < n)
      return found (c, pos + d);
    pos += n;
  }
}

/* What side i holds at pos: *zero, up to *ext_end (at most end). */
static int
side_extent (struct cworker *w, int i, uint64_t pos, uint64_t end,
             bool *zero, uint64_t *ext_end)
{
  struct side *s = &w->s[i];
  uint64_t size = s->b->size;
  size_t k;

  *zero = pos >= size;          /* past the shorter image: zeroes */
  *ext_end = end;
  if (*zero)
    return 0;
  if (end > size)
    *ext_end = end = size;
  if (w->c->opts->no_extents || !s->b->can_extents)
    return 0;
  if (pos < s->ext.start || pos >= extents_covered_end (&s->ext)) {
    /* Whole units (or the image's end): aligned for any server. */
    uint64_t ustart = round_down (pos, UNIT);
    uint64_t uend = ustart + UNIT < size ? ustart + UNIT : size;
    if (extents_fill (s->b, ustart, uend - ustart, &s->ext) == -1) {
      fail (w->c, s->b, "extents", ustart, errno);
      return -1;
    }
  }
  for (k = 0; k < s->ext.len; ++k) {
    const struct extent *e = &s->ext.ptr[k];
    if (pos >= e->offset && pos < e->offset + e->length) {
      *zero = e->type & EXTENT_ZERO;
      if (e->offset + e->length < end)
        *ext_end = e->offset + e->length;
      return 0;
    }
  }
  return 0;                     /* not described: data */
}

static void
compare_unit (struct cworker *w, uint64_t pos, uint64_t end)
{
  struct cmp *c = w->c;

  while (pos < end && pos < atomic_load (&c->first) &&
         !atomic_load (&c->stop)) {
    bool zero[2];
    uint64_t e[2], next;

    if (side_extent (w, 0, pos, end, &zero[0], &e[0]) == -1 ||
        side_extent (w, 1, pos, end, &zero[1], &e[1]) == -1)
      return;
    next = e[0] < e[1] ? e[0] : e[1];
    if (zero[0] && zero[1])
      atomic_fetch_add (&c->st->skipped, next - pos);
    else
      compare_range (w, pos, next, zero);
    pos = next;
  }
}

static void *
compare_worker (void *arg)
{
  struct cmp *c = arg;
  struct cworker w = { .c = c };
  int i;

  for (i = 0; i < 2; ++i) {
    extents_init (&w.s[i].ext, 0, 0);
    w.s[i].map = !c->opts->no_map;
    w.s[i].b = backend_dup (c->b[i]);
    if (w.s[i].b == NULL ||
        posix_memalign ((void **) &w.s[i].buf, 4096,
                        c->chunk + 2 * BS_MIN_CAP) != 0) {
      fail (c, c->b[i], "opening a connection", 0, errno ? errno : ENOMEM);
      w.s[i].buf = NULL;
    }
  }
  while (!atomic_load (&c->stop)) {
    uint64_t start = atomic_fetch_add (&c->next_unit, UNIT);

    if (start >= c->len || start >= atomic_load (&c->first))
      break;
    compare_unit (&w, start, c->len - start < UNIT ? c->len : start + UNIT);
  }
  for (i = 0; i < 2; ++i) {
    release (&w.s[i]);
    free (w.s[i].buf);
    extents_free (&w.s[i].ext);
    if (w.s[i].b)
      backend_close (w.s[i].b);
  }
  return NULL;
}

static unsigned
count_workers (const struct cmp *c)
{
  const struct compare_opts *o = c->opts;
  bool nbd = c->b[0]->has_aio || c->b[1]->has_aio;
  uint64_t units = (c->len + UNIT - 1) / UNIT;
  unsigned n = o->threads;

  if (n == 0) {
    long cpus = sysconf (_SC_NPROCESSORS_ONLN);
    n = nbd && o->connections ? o->connections : cpus > 0 ? cpus : 1;
  }
  if (n > units)
    n = units ? units : 1;
  return n;
}

int
compare_run (struct backend *a, struct backend *b,
             const struct compare_opts *opts, struct compare_stats *st,
             uint64_t *first)
{
  struct cmp c = {
    .b = { a, b }, .opts = opts, .st = st, .first = UINT64_MAX,
    .lock = PTHREAD_MUTEX_INITIALIZER,
  };
  struct plan plan;
  pthread_t tids[1024];
  unsigned i, started = 0;

  if (a->is_stream || b->is_stream)
    return compare_stream (a, b, opts, st, first);
  st->size[0] = a->size;
  st->size[1] = b->size;
  c.len = a->size > b->size ? a->size : b->size;
  plan_requests (a->bs, b->bs, 0, 0, &plan);
  c.chunk = plan.data;
  st->workers = count_workers (&c);
  if (st->workers > 1024)
    st->workers = 1024;
  for (i = 0; i < st->workers; ++i) {
    int err = pthread_create (&tids[i], NULL, compare_worker, &c);
    if (err) {
      fail (&c, a, "starting a worker thread", 0, err);
      break;
    }
    started++;
  }
  for (i = 0; i < started; ++i)
    pthread_join (tids[i], NULL);
  if (atomic_load (&c.stop)) {
    set_error ("%s", c.error);
    return -1;
  }
  *first = atomic_load (&c.first);
  return *first != UINT64_MAX;
}
