/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: what a delta copy copies (--dirty-bitmap, DESIGN.md "Delta
 * copies").
 *
 * The source reports which bytes changed since a checkpoint
 * (backend_dirty: an NBD export's qemu:dirty-bitmap:NAME).  A walk hands
 * the copy those ranges one at a time, each grown outward to whole blocks
 * of the copy's alignment (a block holding any changed byte is copied
 * whole: copying a clean block again is harmless, skipping a dirty byte is
 * not).  The source is asked in bounded chunks and only one answer is held,
 * so memory does not grow with the image.
 */
#ifndef NBDFERRY_DIRTY_H
#define NBDFERRY_DIRTY_H

#include <stdbool.h>
#include <stdint.h>

#include "backend.h"
#include "extents.h"

/* Block status is asked for at most this much at a time. */
#define DIRTY_CHUNK (64 * 1024 * 1024)

struct dirty_walk {
  struct backend *src;
  uint64_t align;
  uint64_t end;                 /* the walk covers [.., end) */
  uint64_t done;                /* handed out up to here (no overlaps) */
  struct extent_list answer;    /* the source's last answer */
  size_t i;                     /* the next extent of it */
  /* The source's allocation (extents) from the first range copied to the
   * end of the walk, asked once rather than once per range.
   */
  struct extent_list alloc;
  bool have_alloc;
};

/* A delta copy of src over dst is possible: src keeps a record of changes,
 * dst can be patched in place (not a pipe) and has src's size.  -1 with a
 * set_error() message otherwise.
 */
extern int dirty_check (struct backend *src, struct backend *dst);

/* The copy's alignment for these two sides (what plan_requests uses). */
extern uint64_t dirty_align (const struct backend *src,
                             const struct backend *dst);

extern void dirty_init (struct dirty_walk *w, struct backend *src,
                        uint64_t align);
extern void dirty_free (struct dirty_walk *w);

/* Aim the walk at [start, end); start and end are multiples of align (or
 * end is the end of the image).
 */
extern void dirty_start (struct dirty_walk *w, uint64_t start, uint64_t end);

/* The next range to copy: 1 with *offset and *count set, 0 at the end, -1
 * on error (errno set; a message may be recorded with set_error).
 */
extern int dirty_next (struct dirty_walk *w, uint64_t *offset,
                       uint64_t *count);

/* The source's extents for [start, end), a range dirty_next handed out:
 * like extents_fill, but the source is asked once for the rest of the walk
 * and later ranges are cut from that answer.
 */
extern int dirty_extents (struct dirty_walk *w, uint64_t start, uint64_t end,
                          struct extent_list *l);

/* The bytes a delta copy of src over dst will copy (the total for progress
 * and the summary); runs dirty_check first.
 */
extern int dirty_total (struct backend *src, struct backend *dst,
                        uint64_t *total);

#endif /* NBDFERRY_DIRTY_H */
