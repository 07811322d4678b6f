/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: the extent list (see extents.h). */
#include <config.h>

#include <errno.h>
#include <stdlib.h>

#include "backend.h"
#include "cleanup.h"
#include "extents.h"
#include "vector.h"

void
extents_init (struct extent_list *l, uint64_t start, uint64_t end)
{
  l->ptr = NULL;
  l->cap = 0;
  extents_reset (l, start, end);
}

void
extents_reset (struct extent_list *l, uint64_t start, uint64_t end)
{
  l->start = start;
  l->end = end;
  l->next = start;
  l->started = false;
  l->zero_end = 0;
  l->len = 0;
}

void
extents_free (struct extent_list *l)
{
  free (l->ptr);
  l->ptr = NULL;
  l->len = l->cap = 0;
}

static int
append (struct extent_list *l, uint64_t offset, uint64_t length,
        uint32_t type)
{
  if (l->len > 0) {
    struct extent *last = &l->ptr[l->len - 1];
    if (last->type == type) {
      last->length += length;
      return 0;
    }
  }
  if (l->len == l->cap &&
      vector_reserve ((void **) &l->ptr, &l->cap, l->len + 1,
                      sizeof *l->ptr) == -1)
    return -1;
  l->ptr[l->len++] = (struct extent) { offset, length, type };
  return 0;
}

int
extents_add (struct extent_list *l, uint64_t offset, uint64_t length,
             uint32_t type)
{
  uint64_t end;

  if (length == 0)
    return 0;
  if (offset + length < offset) {
    errno = ERANGE;
    return -1;
  }
  end = offset + length;

  if (!l->started) {
    /* The first extent must hold start (or lie wholly before it). */
    if (offset > l->start) {
      errno = ERANGE;
      return -1;
    }
    if (end <= l->start)
      return 0;
    l->started = true;
  }
  else if (offset != l->next) {
    errno = ERANGE;
    return -1;
  }
  l->next = end;

  /* What lies past the range is only remembered as a hint. */
  if (end >= l->end) {
    if (offset < l->end)
      l->zero_end = type & EXTENT_ZERO ? end : 0;
    else if (type & EXTENT_ZERO && l->zero_end == offset)
      l->zero_end = end;
  }

  /* Clip to [start, end): nothing outside costs memory. */
  if (offset < l->start)
    offset = l->start;
  if (offset >= l->end)
    return 0;
  if (end > l->end)
    end = l->end;
  return append (l, offset, end - offset, type & (EXTENT_HOLE|EXTENT_ZERO|EXTENT_DIRTY));
}

uint64_t
extents_covered_end (const struct extent_list *l)
{
  if (l->len == 0)
    return l->start;
  return l->ptr[l->len - 1].offset + l->ptr[l->len - 1].length;
}

int
extents_fill (struct backend *b, uint64_t offset, uint64_t count,
              struct extent_list *l)
{
  uint64_t end = offset + count;

  extents_reset (l, offset, end);
  if (!b->can_extents)
    return extents_add (l, offset, count, 0);
  return extents_fill_rest (b, l);
}

int
extents_fill_rest (struct backend *b, struct extent_list *l)
{
  uint64_t end = l->end;

  while (extents_covered_end (l) < end) {
    uint64_t pos = extents_covered_end (l);
    CLEANUP_EXTENTS struct extent_list part;
    size_t i;

    /* Ask into a scratch list so a short answer cannot break contiguity. */
    extents_init (&part, pos, end);
    if (backend_extents (b, end - pos, pos, 0, &part) == -1)
      return -1;
    if (part.len == 0) {
      /* A backend must describe at least the first byte. */
      errno = EIO;
      return -1;
    }
    for (i = 0; i < part.len; ++i)
      if (extents_add (l, part.ptr[i].offset, part.ptr[i].length,
                       part.ptr[i].type) == -1)
        return -1;
    if (part.zero_end > end)
      l->zero_end = part.zero_end;
  }
  return 0;
}

int
extents_align_data (struct extent_list *l, uint64_t align,
                    struct extent_list *scratch)
{
  struct extent_list tmp;
  size_t i;

  extents_reset (scratch, l->start, l->end);
  for (i = 0; i < l->len; ++i) {
    const struct extent *e = &l->ptr[i];
    uint64_t end = e->offset + e->length, zs, ze;

    if (!(e->type & EXTENT_ZERO)) {
      if (extents_add (scratch, e->offset, e->length, 0) == -1)
        return -1;
      continue;
    }
    zs = (e->offset + align - 1) / align * align;
    ze = end == l->end ? end : end / align * align;
    if (zs >= ze) {
      if (extents_add (scratch, e->offset, e->length, 0) == -1)
        return -1;
      continue;
    }
    if (extents_add (scratch, e->offset, zs - e->offset, 0) == -1 ||
        extents_add (scratch, zs, ze - zs, e->type) == -1 ||
        extents_add (scratch, ze, end - ze, 0) == -1)
      return -1;
  }
  /* Swap so the caller's list holds the result. */
  tmp = *l;
  *l = *scratch;
  *scratch = tmp;
  return 0;
}
