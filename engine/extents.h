/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: the extent list (what is data, hole, zero).
 *
 * Ordered, non-overlapping, contiguous, coalescing, and bounded to the range
 * [start, end) it was set up for: whatever a backend adds outside that range
 * is clipped or dropped, so a backend that describes the whole disk costs no
 * memory.  Types are the NBD base:allocation bits.
 */
#ifndef NBDFERRY_EXTENTS_H
#define NBDFERRY_EXTENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EXTENT_HOLE 1           /* unallocated */
#define EXTENT_ZERO 2           /* reads as zero */
#define EXTENT_DIRTY 4          /* changed since a checkpoint (backend_dirty) */

struct extent {
  uint64_t offset;
  uint64_t length;
  uint32_t type;
};

struct extent_list {
  uint64_t start, end;          /* the range this list describes */
  uint64_t next;                /* where the next add must begin */
  /* A zero run reaching past end, as far as the backend described it
   * (end when it stops there, 0 when the list does not end in zeroes):
   * a hint for the range after this one.
   */
  uint64_t zero_end;
  bool started;                 /* any add seen yet */
  struct extent *ptr;
  size_t len, cap;
};

extern void extents_init (struct extent_list *l, uint64_t start, uint64_t end);
/* Empty the list and re-aim it at a new range, keeping its memory. */
extern void extents_reset (struct extent_list *l, uint64_t start, uint64_t end);
extern void extents_free (struct extent_list *l);

/* Add the next extent.  Extents must be contiguous and ascending: the first
 * may begin at or before start, each later one exactly where the previous
 * ended.  -1/ERANGE otherwise, -1/ENOMEM on allocation failure.
 */
extern int extents_add (struct extent_list *l, uint64_t offset,
                        uint64_t length, uint32_t type);

/* Where the described part ends (start if nothing was added). */
extern uint64_t extents_covered_end (const struct extent_list *l);

/* Fill l for [offset, offset+count) from b, asking again after short answers,
 * or with one data extent when b cannot report extents.
 */
struct backend;
extern int extents_fill (struct backend *b, uint64_t offset, uint64_t count,
                         struct extent_list *l);
/* Ask b about the part of l's range that l does not cover yet (l holds
 * a first answer, or nothing).
 */
extern int extents_fill_rest (struct backend *b, struct extent_list *l);

#endif /* NBDFERRY_EXTENTS_H */

/* Round a list to align so that a block holding any data is data: zero
 * extents shrink to whole blocks, what they lose becomes data.  A HOLE
 * without ZERO has undefined contents and becomes data too.  The end of the
 * list may be unaligned (the end of an image).  Uses scratch as working
 * space; the result is in l.
 */
extern int extents_align_data (struct extent_list *l, uint64_t align,
                               struct extent_list *scratch);
