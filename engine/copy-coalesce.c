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

#include "blocksize.h"
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

/* Probing (DESIGN.md "Coalesced reads"): a unit whose full map had at
 * least one extent per PROBE_DENSE bytes and was read for at least 15/16
 * of it bought nothing with its map but the server's work for each
 * extent; the next unit is read in PROBE_WINDOW pieces, each after a
 * one-extent question that finds a long hole where it starts.  A probed
 * unit in which zero detection found long zero runs (over an eighth of it)
 * has its next unit mapped in full again.
 */
#define PROBE_DENSE (64 * 1024)

bool
coalesce_probing (const struct copy *cp, const struct backend *src,
                  const struct map_sense *m)
{
  /* Probing reads holes with the data: zero detection must find them
   * again, unless the destination drops what it is given.
   */
  return m->probe && src->coalesce > 0 && src->can_extents &&
    (cp->stats->plan.sparse > 0 || cp->dst->discards) &&
    !cp->opts->dirty && !cp->opts->no_extents;
}

bool
coalesce_fragmented (const struct extent_list *l)
{
  return l->len > 1 && l->len >= (l->end - l->start) / PROBE_DENSE;
}

void
coalesce_mapped (struct map_sense *m, const struct extent_list *l,
                 uint64_t read)
{
  uint64_t range = l->end - l->start;

  m->probe = coalesce_fragmented (l) && read >= range - range / 16;
}

void
coalesce_probed (struct map_sense *m, uint64_t range)
{
  m->probe = m->long_zero < range / 8;
  m->long_zero = 0;
}

uint64_t
coalesce_probe_hole (struct backend *src, uint64_t offset, uint64_t end,
                     uint64_t align, struct extent_list *scratch)
{
  uint64_t n;

  /* Extents are advice: a failed question reads the window as data. */
  extents_reset (scratch, offset, end);
  if (backend_extents (src, end - offset, offset, F_REQ_ONE, scratch) == -1 ||
      scratch->len == 0 || !(scratch->ptr[0].type & EXTENT_ZERO) ||
      scratch->ptr[0].offset > offset)
    return 0;
  n = scratch->ptr[0].length - (offset - scratch->ptr[0].offset);
  if (offset + n < end)
    n = round_down (n, align);
  return n > src->coalesce ? n : 0;
}
