/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests: the delta copy's walk over dirty ranges (engine/dirty.c). */
#include <config.h>

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "dirty.h"
#include "error.h"
#include "extents.h"
#include "unit.h"

/* A source whose dirty bitmap is an array of granules.  Each answer holds
 * at most max_extents extents (servers answer short), and the largest
 * request is recorded (the walk must ask in bounded chunks).
 */
struct bits {
  struct backend b;
  uint64_t size, granule;
  bool *dirty;
  size_t max_extents;
  uint64_t biggest_ask;
  bool describe_nothing;
  unsigned extents_calls;
};

static int64_t
bits_size (struct backend *b)
{
  return ((struct bits *) b)->size;
}

static int
bits_dirty (struct backend *b, uint64_t count, uint64_t offset,
            struct extent_list *l)
{
  struct bits *s = (struct bits *) b;
  uint64_t pos = offset - offset % s->granule, end = offset + count;
  size_t n = 0;

  if (count > s->biggest_ask)
    s->biggest_ask = count;
  if (s->describe_nothing)
    return 0;
  while (pos < end && n++ < s->max_extents) {
    uint64_t g = pos / s->granule, len = s->granule;
    bool d = s->dirty[g];

    while (pos + len < s->size && pos + len < end &&
           s->dirty[(pos + len) / s->granule] == d)
      len += s->granule;
    if (pos + len > s->size)
      len = s->size - pos;
    if (extents_add (l, pos, len, d ? EXTENT_DIRTY : 0) == -1)
      return -1;
    pos += len;
  }
  return 0;
}

/* Allocation: every third granule is a hole, in answers of 3 extents. */
static int
bits_extents (struct backend *b, uint64_t count, uint64_t offset,
              uint32_t flags, struct extent_list *l)
{
  struct bits *s = (struct bits *) b;
  uint64_t g = offset / s->granule;
  int n;

  s->extents_calls++;
  for (n = 0; n < 3 && g * s->granule < offset + count; ++n, ++g)
    if (extents_add (l, g * s->granule, s->granule,
                     g % 3 ? 0 : EXTENT_HOLE|EXTENT_ZERO) == -1)
      return -1;
  return 0;
}

static const struct backend_ops bits_ops = {
  .name = "bits", .get_size = bits_size, .can_write = backend_yes,
  .can_extents = backend_yes, .extents = bits_extents, .dirty = bits_dirty,
};
static const struct backend_ops plain_ops = {
  .name = "plain", .get_size = bits_size, .can_write = backend_yes,
};

static struct bits *
bits_open (const struct backend_ops *ops, uint64_t size, uint64_t granule)
{
  struct bits *s = backend_alloc (sizeof *s, ops, ops->name, NULL);

  s->size = size;
  s->granule = granule;
  s->max_extents = SIZE_MAX;
  s->dirty = calloc ((size + granule - 1) / granule, sizeof (bool));
  CHECK (backend_open_done (&s->b) == 0);
  return s;
}

static void
bits_close (struct bits *s)
{
  free (s->dirty);
  backend_close (&s->b);
}

/* dirty_extents describes a range as extents_fill does, from one fill. */
static void
check_extents (struct bits *s, struct dirty_walk *w, uint64_t start,
               uint64_t end, bool first)
{
  struct extent_list a, b;
  unsigned calls = s->extents_calls;
  size_t i;

  extents_init (&a, 0, 0);
  extents_init (&b, 0, 0);
  CHECK (dirty_extents (w, start, end, &a) == 0);
  if (!first)                   /* only the first range asks the source */
    CHECK_EQ (s->extents_calls, calls);
  CHECK (extents_fill (&s->b, start, end - start, &b) == 0);
  CHECK_EQ (a.len, b.len);
  for (i = 0; i < a.len && i < b.len; ++i) {
    CHECK_EQ (a.ptr[i].offset, b.ptr[i].offset);
    CHECK_EQ (a.ptr[i].length, b.ptr[i].length);
    CHECK_EQ (a.ptr[i].type, b.ptr[i].type);
  }
  extents_free (&a);
  extents_free (&b);
}

/* Random bitmaps, alignments, short answers and walk bounds against the
 * rule: exactly the align-blocks holding a dirty byte, within the bounds,
 * in order, each byte once.
 */
static void
test_random (void)
{
  int round;

  for (round = 0; round < 300; ++round) {
    uint64_t granule = 512 << rnd (4), size = granule * (1 + rnd (200));
    uint64_t align = 1 << rnd (13), start, end, off, cnt, pos, b;
    struct bits *s;
    struct dirty_walk w;
    char *want, *got;
    uint64_t g;
    bool first = true;
    int r;

    size -= rnd (granule) & ~(uint64_t) 511;    /* a cut last granule */
    s = bits_open (&bits_ops, size, granule);
    for (g = 0; g * granule < size; ++g)
      s->dirty[g] = rnd (4) == 0;
    s->max_extents = 1 + rnd (4);
    start = align * rnd (size / align + 1);
    end = start + align * rnd ((size - start) / align + 1);
    if (rnd (2))
      end = size;
    want = calloc (size, 1);
    got = calloc (size, 1);
    for (b = start; b < end; b += align) {
      uint64_t e = b + align < end ? b + align : end, x;
      bool d = false;
      for (x = b; x < e; ++x)
        d |= s->dirty[x / granule];
      if (d)
        memset (want + b, 1, e - b);
    }
    dirty_init (&w, &s->b, align);
    dirty_start (&w, start, end);
    pos = start;
    while ((r = dirty_next (&w, &off, &cnt)) == 1) {
      CHECK (off >= pos && cnt > 0 && off + cnt <= end);
      CHECK (off % align == 0);
      CHECK ((off + cnt) % align == 0 || off + cnt == end);
      memset (got + off, 1, cnt);
      pos = off + cnt;
      check_extents (s, &w, off, off + cnt, first);
      first = false;
    }
    CHECK (r == 0);
    CHECK (memcmp (want, got, size) == 0);
    dirty_free (&w);
    free (want);
    free (got);
    bits_close (s);
  }
}

/* A big image: the source is asked DIRTY_CHUNK at most, and the total
 * counts whole blocks.
 */
static void
test_chunks_and_total (void)
{
  uint64_t size = 5 * (uint64_t) DIRTY_CHUNK + 65536, total;
  struct bits *s = bits_open (&bits_ops, size, 65536);
  struct bits *d = bits_open (&plain_ops, size, 65536);

  s->dirty[3] = s->dirty[1024] = s->dirty[1025] = true;
  s->dirty[size / 65536 - 1] = true;            /* the last granule */
  CHECK (dirty_total (&s->b, &d->b, &total) == 0);
  CHECK_EQ (total, 4 * 65536);
  CHECK (s->biggest_ask <= DIRTY_CHUNK);
  bits_close (s);
  bits_close (d);
}

static void
test_errors (void)
{
  struct bits *s = bits_open (&bits_ops, 1 << 20, 65536);
  struct bits *p = bits_open (&plain_ops, 1 << 20, 65536);
  struct bits *small = bits_open (&plain_ops, 1 << 19, 65536);
  uint64_t total;

  /* No record of changes, a size mismatch: refused before any I/O. */
  CHECK (dirty_check (&p->b, &s->b) == -1 && errno == ENOTSUP);
  CHECK (dirty_check (&s->b, &small->b) == -1 && errno == EINVAL);
  CHECK (strstr (last_error (0), "524288") && strstr (last_error (0), "1048576"));
  CHECK (dirty_check (&s->b, &p->b) == 0);
  /* An answer that describes nothing is an error, not "clean". */
  s->describe_nothing = true;
  CHECK (dirty_total (&s->b, &p->b, &total) == -1 && errno == EIO);
  bits_close (s);
  bits_close (p);
  bits_close (small);
}

int
main (void)
{
  test_random ();
  test_chunks_and_total ();
  test_errors ();
  UNIT_EXIT ();
}
