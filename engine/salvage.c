/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: --salvage (see salvage.h). */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "blocksize.h"
#include "cleanup.h"
#include "salvage.h"
#include "vector.h"

void
bad_ranges_init (struct bad_ranges *l)
{
  *l = (struct bad_ranges) { .lock = PTHREAD_MUTEX_INITIALIZER };
}

void
bad_ranges_free (struct bad_ranges *l)
{
  free (l->v);
  l->v = NULL;
  l->len = l->cap = 0;
}

static void
add (struct bad_ranges *l, uint64_t offset, uint64_t length)
{
  LOCK_IN_SCOPE (&l->lock);
  struct bad_range *last = l->len ? &l->v[l->len - 1] : NULL;

  l->bytes += length;
  if (last && last->offset + last->length == offset) {
    last->length += length;     /* the usual case: the next sector */
    return;
  }
  if (l->len >= SALVAGE_MAX_RANGES ||
      vector_reserve ((void **) &l->v, &l->cap, l->len + 1,
                      sizeof *l->v) == -1) {
    l->truncated = true;
    return;
  }
  l->v[l->len++] = (struct bad_range) { offset, length };
}

static int
by_offset (const void *a, const void *b)
{
  const struct bad_range *x = a, *y = b;

  return x->offset < y->offset ? -1 : x->offset > y->offset;
}

void
bad_ranges_sort (struct bad_ranges *l)
{
  size_t i, n = 0;

  if (l->len == 0)
    return;
  qsort (l->v, l->len, sizeof *l->v, by_offset);
  for (i = 1; i < l->len; ++i) {
    if (l->v[n].offset + l->v[n].length == l->v[i].offset)
      l->v[n].length += l->v[i].length;
    else
      l->v[++n] = l->v[i];
  }
  l->len = n + 1;
}

/* The connection or the process failed, not a sector: no point going on. */
static bool
gone (int err)
{
  return err == ENOTCONN || err == ESHUTDOWN || err == ECONNRESET ||
    err == EPIPE || err == ENOMEM || err == EBADF;
}

static int
piece (struct backend *src, char *buf, uint64_t offset, uint64_t count,
       uint64_t grain, struct bad_ranges *bad)
{
  uint64_t first = round_down (offset, grain);
  uint64_t mid;

  if (backend_pread (src, buf, count, offset, 0) == 0)
    return 0;
  if (gone (errno))
    return -1;
  if (first == round_down (offset + count - 1, grain)) {
    memset (buf, 0, count);     /* within one sector: unreadable */
    add (bad, offset, count);
    return 0;
  }
  /* Halves on sector boundaries: bad sectors are found in log steps. */
  mid = round_down (offset + count / 2, grain);
  if (mid <= offset)
    mid = first + grain;
  if (piece (src, buf, offset, mid - offset, grain, bad) == -1)
    return -1;
  return piece (src, buf + (mid - offset), mid, offset + count - mid, grain,
                bad);
}

int
salvage_read (struct backend *src, char *buf, uint64_t offset,
              uint64_t count, struct bad_ranges *bad)
{
  uint64_t grain = src->bs[BS_MINIMUM] > 512 ? src->bs[BS_MINIMUM] : 512;

  return piece (src, buf, offset, count, grain, bad);
}
