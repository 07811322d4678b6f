/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: does the destination already read as zero?
 *
 * The point of the whole design: a destination known to be zero receives
 * only data.  Cheapest proof first: the user's word, the sink's initial
 * state (a new file, an NBD server's INIT_STATE), the sink's own extents.
 *
 * A destination that is not proven zero is never zeroed up front, not even
 * where it can zero fast: that zeroes the ranges the source's data is about
 * to overwrite, and the writes then allocate them again (1 GiB of data
 * into a full nbdkit memory export, medians on a loaded machine: 1.94 s
 * with it, 1.02 s without; nbdcopy 1.02-1.19 s).
 * Only the source's holes are zeroed, as the workers meet them (DESIGN.md,
 * "Zeroing a destination that holds data").
 */
#include <config.h>

#include <errno.h>

#include "copy-internal.h"
#include "extents.h"

/* Extent queries we spend proving a destination is zero before giving up:
 * a fragmented destination full of holes is not worth scanning forever.
 */
#define ZERO_SCAN_QUERIES 256

/* The destination is asked in windows that start small and grow 8 times a
 * query: a server may walk the whole range asked even to answer "data" in
 * one extent (nbdkit memory full of data, on a loaded machine: 1-38 ms for
 * 1 GiB, 0.1-0.5 ms for 16 MiB, against a 0.35-0.7 s copy into it), while
 * a destination that is all zero still takes few round trips (6 for
 * 64 GiB).
 */
#define ZERO_SCAN_FIRST (UINT64_C (16) << 20)
#define ZERO_SCAN_GROWTH 8

static bool
extents_say_zero (struct backend *dst, uint64_t size)
{
  struct extent_list l;
  uint64_t pos = 0, win = ZERO_SCAN_FIRST;
  unsigned q;
  bool zero = true;

  if (!dst->can_extents)
    return false;
  /* Whole blocks in every window: the sink may refuse anything else. */
  win = round_up (win, dst->bs[BS_MINIMUM]);
  extents_init (&l, 0, size);
  for (q = 0; zero && pos < size && q < ZERO_SCAN_QUERIES; ++q) {
    uint64_t count = size - pos < win ? size - pos : win;
    size_t i;

    extents_reset (&l, pos, pos + count);
    if (backend_extents (dst, count, pos, 0, &l) == -1 || l.len == 0) {
      zero = false;
      break;
    }
    for (i = 0; i < l.len; ++i)
      if (!(l.ptr[i].type & EXTENT_ZERO)) {
        zero = false;
        break;
      }
    pos = extents_covered_end (&l);
    if (win <= UINT64_MAX / ZERO_SCAN_GROWTH)
      win *= ZERO_SCAN_GROWTH;
  }
  extents_free (&l);
  return zero && pos >= size;
}

bool
copy_zero_skip (struct copy *cp, uint64_t count)
{
  /* --allocated: zeroes are written even where they already read back. */
  if (!cp->dst_zero || cp->opts->allocated)
    return false;
  atomic_fetch_add (&cp->stats->skipped, count);
  return true;
}

uint32_t
copy_zero_flags (const struct copy *cp)
{
  return cp->opts->allocated ? 0 : F_MAY_TRIM;
}

int
copy_zero_state (struct copy *cp)
{
  struct copy_stats *s = cp->stats;

  if (cp->dst->is_stream)
    s->zero_reason = NULL;      /* a pipe must receive every byte */
  else if (cp->opts->resuming)
    s->zero_reason = NULL;      /* unfinished units may be half written */
  else if (cp->opts->dirty)
    s->zero_reason = NULL;      /* a delta patches an earlier copy */
  else if (cp->opts->target_is_zero)
    s->zero_reason = "--target-is-zero";
  else if (cp->dst->init & INIT_ZERO)
    s->zero_reason = "initial state";
  else if (cp->src->is_stream)
    s->zero_reason = NULL;      /* unknown size: nothing to prove */
  /* Asked in whole blocks: the sink may refuse anything else. */
  else if (extents_say_zero (cp->dst,
                             round_up (cp->size, cp->dst->bs[BS_MINIMUM])))
    s->zero_reason = "extents";
  else
    s->zero_reason = NULL;
  cp->dst_zero = s->zero_reason != NULL;
  return 0;
}
