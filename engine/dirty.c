/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: the ranges a delta copy copies (see dirty.h). */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "blocksize.h"
#include "dirty.h"
#include "error.h"

int
dirty_check (struct backend *src, struct backend *dst)
{
  if (src->ops->dirty == NULL) {
    set_error ("%s: this source has no dirty bitmap: a delta copy needs an "
               "NBD export offering qemu:dirty-bitmap:NAME", src->name);
    errno = ENOTSUP;
    return -1;
  }
  if (dst->is_stream) {
    set_error ("%s: a delta copy patches the destination in place, and a "
               "pipe cannot be patched", dst->name);
    errno = ESPIPE;
    return -1;
  }
  if (dst->size != src->size) {
    set_error ("%s: the destination is %" PRIi64 " bytes but the source "
               "is %" PRIi64 " bytes: a delta copy patches an earlier copy "
               "of the same disk", dst->name, dst->size, src->size);
    errno = EINVAL;
    return -1;
  }
  return 0;
}

uint64_t
dirty_align (const struct backend *src, const struct backend *dst)
{
  uint64_t s = src->bs[BS_MINIMUM], d = dst->bs[BS_MINIMUM];

  return s > d ? s : d;
}

void
dirty_init (struct dirty_walk *w, struct backend *src, uint64_t align)
{
  *w = (struct dirty_walk) { .src = src, .align = align };
  extents_init (&w->answer, 0, 0);
  extents_init (&w->alloc, 0, 0);
}

void
dirty_free (struct dirty_walk *w)
{
  extents_free (&w->answer);
  extents_free (&w->alloc);
}

void
dirty_start (struct dirty_walk *w, uint64_t start, uint64_t end)
{
  extents_reset (&w->answer, start, start);
  w->end = end;
  w->done = start;
  w->i = 0;
  w->have_alloc = false;
}

/* Ask for the next chunk after the last answer. */
static int
ask (struct dirty_walk *w)
{
  uint64_t pos = extents_covered_end (&w->answer);
  uint64_t n = w->end - pos < DIRTY_CHUNK ? w->end - pos : DIRTY_CHUNK;

  extents_reset (&w->answer, pos, pos + n);
  w->i = 0;
  if (backend_dirty (w->src, n, pos, &w->answer) == -1)
    return -1;
  if (extents_covered_end (&w->answer) <= pos) {
    /* The source must describe at least the first byte. */
    set_error ("the answer describes nothing at offset %" PRIu64, pos);
    errno = EIO;
    return -1;
  }
  return 0;
}

int
dirty_next (struct dirty_walk *w, uint64_t *offset, uint64_t *count)
{
  for (;;) {
    const struct extent *e;
    uint64_t s, t;

    if (w->i >= w->answer.len) {
      if (extents_covered_end (&w->answer) >= w->end)
        return 0;
      if (ask (w) == -1)
        return -1;
    }
    e = &w->answer.ptr[w->i++];
    if (!(e->type & EXTENT_DIRTY))
      continue;
    /* Whole blocks, never twice: the last block may already be out. */
    s = round_down (e->offset, w->align);
    t = round_up (e->offset + e->length, w->align);
    if (s < w->done)
      s = w->done;
    if (t > w->end)
      t = w->end;
    if (s >= t)
      continue;
    w->done = t;
    *offset = s;
    *count = t - s;
    return 1;
  }
}

int
dirty_extents (struct dirty_walk *w, uint64_t start, uint64_t end,
               struct extent_list *l)
{
  const struct extent_list *a = &w->alloc;
  size_t lo = 0, hi;

  if (!w->have_alloc || start < a->start || end > a->end) {
    if (extents_fill (w->src, start, w->end - start, &w->alloc) == -1)
      return -1;
    w->have_alloc = true;
  }
  /* The first extent ending after start, then what overlaps the range. */
  hi = a->len;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (a->ptr[mid].offset + a->ptr[mid].length <= start)
      lo = mid + 1;
    else
      hi = mid;
  }
  extents_reset (l, start, end);
  for (; lo < a->len && a->ptr[lo].offset < end; ++lo)
    if (extents_add (l, a->ptr[lo].offset, a->ptr[lo].length,
                     a->ptr[lo].type) == -1)
      return -1;
  return 0;
}

int
dirty_total (struct backend *src, struct backend *dst, uint64_t *total)
{
  struct dirty_walk w;
  uint64_t offset, count;
  int r;

  if (dirty_check (src, dst) == -1)
    return -1;
  *total = 0;
  dirty_init (&w, src, dirty_align (src, dst));
  dirty_start (&w, 0, src->size);
  while ((r = dirty_next (&w, &offset, &count)) == 1)
    *total += count;
  dirty_free (&w);
  if (r == -1) {
    char why[512];

    snprintf (why, sizeof why, "%s", last_error (errno));
    set_error ("%s: reading the dirty bitmap: %s", src->name, why);
  }
  return r;
}
