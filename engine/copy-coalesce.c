/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: coalesced reads (DESIGN.md "Coalesced reads").
 *
 * From a source whose requests cost more than a short hole's bytes
 * (backend answer `coalesce`, an NBD server), data extents separated by
 * holes known to read as zero are read in one request.  The read keeps
 * its part of the extent map, so the writer writes the data pieces and
 * treats the holes as holes: nothing is found again by scanning, and it
 * works with -S 0 too.
 */
#include <config.h>

#include <errno.h>
#include <string.h>

#include "copy-internal.h"
#include "extents.h"

uint64_t
coalesce_run (const struct extent_list *l, size_t *i, uint64_t max_hole)
{
  size_t j = *i;

  /* After extents_add's merging, a zero extent's neighbours are data. */
  while (max_hole > 0 && j + 2 < l->len &&
         (l->ptr[j + 1].type & EXTENT_ZERO) &&
         l->ptr[j + 1].length <= max_hole &&
         !(l->ptr[j + 2].type & EXTENT_ZERO))
    j += 2;
  *i = j;
  return l->ptr[j].offset + l->ptr[j].length;
}

int
coalesce_map (struct extent_list *map, const struct extent_list *l,
              size_t *cursor, uint64_t offset, uint64_t count)
{
  uint64_t end = offset + count;
  size_t i = *cursor;

  extents_reset (map, offset, end);
  while (i < l->len && l->ptr[i].offset + l->ptr[i].length <= offset)
    i++;
  *cursor = i;
  for (; i < l->len && l->ptr[i].offset < end; ++i)
    if (extents_add (map, l->ptr[i].offset, l->ptr[i].length,
                     l->ptr[i].type) == -1)
      return -1;
  /* All data: a plain read, written as one. */
  if (map->len == 1 && !(map->ptr[0].type & EXTENT_ZERO))
    extents_reset (map, offset, end);
  return 0;
}

int
coalesce_read_again (struct copy *cp, struct backend *src, char *buf,
                     uint64_t offset, uint64_t count,
                     const struct extent_list *map, int err,
                     struct extent *failed)
{
  size_t i;

  *failed = (struct extent) { .offset = offset, .length = count };
  if (map->len == 0)
    return copy_salvage (cp, src, buf, offset, count, err);
  /* The holes are known to read as zero: only the data is read again, a
   * piece at a time, so that salvage zeroes and lists only what is truly
   * unreadable (a failure inside a hole loses nothing).
   */
  for (i = 0; i < map->len; ++i) {
    const struct extent *e = &map->ptr[i];
    char *p = buf + (e->offset - offset);

    if (e->type & EXTENT_ZERO) {
      memset (p, 0, e->length);
      continue;
    }
    if (backend_pread (src, p, e->length, e->offset, 0) == 0)
      continue;
    err = copy_salvage (cp, src, p, e->offset, e->length, errno);
    if (err) {
      *failed = *e;
      return err;
    }
  }
  return 0;
}
