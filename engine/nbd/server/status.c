/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: NBD_CMD_BLOCK_STATUS on base:allocation.
 *
 * The backend's extents are asked once for the range (a short answer is a
 * legal short reply), then turned into descriptors aligned to the minimum
 * block size we advertise: where a backend extent ends inside a block, that
 * block gets the AND of the statuses it covers (a hole only if all of it
 * is).  Descriptors are capped at SERVER_MAX_DESCRIPTORS per reply.
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>

#include "blocksize.h"
#include "cleanup.h"
#include "extents.h"
#include "nbd/proto.h"
#include "server-internal.h"

struct desc_list {
  struct bs_desc *d;
  size_t n, cap;
};

static void
emit (struct desc_list *dl, uint64_t length, uint32_t status)
{
  if (dl->n > 0 && dl->d[dl->n - 1].status == status)
    dl->d[dl->n - 1].length += length;
  else if (dl->n < dl->cap)
    dl->d[dl->n++] = (struct bs_desc) { length, status };
}

/* The AND of the statuses of extents overlapping [from, to). */
static uint32_t
and_status (const struct extent_list *l, size_t i, uint64_t to)
{
  uint32_t st = NBD_STATE_HOLE | NBD_STATE_ZERO;

  for (; i < l->len && l->ptr[i].offset < to; ++i)
    st &= l->ptr[i].type;
  return st;
}

/* Walk l from its start, emitting aligned descriptors. */
static void
describe (const struct extent_list *l, uint64_t align, bool one,
          struct desc_list *dl)
{
  uint64_t pos = l->start, covered = extents_covered_end (l);
  size_t i = 0;

  while (pos < covered && dl->n < dl->cap && !(one && dl->n == 1)) {
    uint64_t e_end, a_end, b_end;

    while (l->ptr[i].offset + l->ptr[i].length <= pos)
      i++;
    e_end = l->ptr[i].offset + l->ptr[i].length;
    a_end = round_down (e_end, align);
    if (a_end > pos) {
      emit (dl, a_end - pos, l->ptr[i].type);
      pos = a_end;
      continue;
    }
    /* The extent ends inside the block at pos. */
    b_end = pos + align < l->end ? pos + align : l->end;
    if (b_end > covered)
      break;                    /* not described to its end: stop short */
    emit (dl, b_end - pos, and_status (l, i, b_end));
    pos = b_end;
  }
}

/* Extents for [offset, offset+count), asking again after short answers
 * until covered or until enough for a full reply.
 */
static int
fill (struct backend *b, const struct request *r, bool one,
      struct extent_list *l)
{
  uint64_t end = r->offset + r->count;

  if (!b->can_extents)
    return extents_add (l, r->offset, r->count, 0);
  do {
    uint64_t pos = extents_covered_end (l);
    struct extent_list part;
    size_t i;
    int ret = 0;

    extents_init (&part, pos, end);
    if (backend_extents (b, end - pos, pos, one ? F_REQ_ONE : 0,
                         &part) == -1 || part.len == 0)
      ret = -1;
    for (i = 0; ret == 0 && i < part.len; ++i)
      ret = extents_add (l, part.ptr[i].offset, part.ptr[i].length,
                         part.ptr[i].type);
    extents_free (&part);
    if (ret == -1)
      return l->len > 0 ? 0 : -1; /* what we have is a short answer */
  } while (!one && extents_covered_end (l) < end &&
           l->len < SERVER_MAX_DESCRIPTORS);
  return 0;
}

int
srv_block_status (struct conn *c, const struct request *r)
{
  struct backend *b = c->e->b;
  bool one = r->flags & NBD_CMD_FLAG_REQ_ONE;
  CLEANUP_EXTENTS struct extent_list l;
  CLEANUP_FREE struct bs_desc *d = NULL;
  struct desc_list dl = { .cap = one ? 1 : SERVER_MAX_DESCRIPTORS };

  extents_init (&l, r->offset, r->offset + r->count);
  if (fill (b, r, one, &l) == -1)
    return -1;
  d = dl.d = malloc (dl.cap * sizeof *d);
  if (d == NULL)
    return -1;
  describe (&l, c->e->minimum, one, &dl);
  if (dl.n == 0)                /* status 0 (data) is always safe */
    emit (&dl, one ? c->e->minimum : r->count, 0);
  srv_reply_status (c, r, dl.d, dl.n);
  return 0;
}
