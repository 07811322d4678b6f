/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests: the extent list. */
#include <config.h>

#include <errno.h>

#include "extents.h"
#include "unit.h"

static void
test_bounded (void)
{
  struct extent_list l;
  int i;

  extents_init (&l, 1000, 2000);
  /* Wholly before start: dropped.  Straddling start: clipped. */
  CHECK (extents_add (&l, 0, 500, 0) == 0);
  CHECK (extents_add (&l, 500, 700, EXTENT_HOLE) == 0);
  CHECK_EQ (l.len, 1);
  CHECK_EQ (l.ptr[0].offset, 1000);
  CHECK_EQ (l.ptr[0].length, 200);
  /* Same type coalesces. */
  CHECK (extents_add (&l, 1200, 100, EXTENT_HOLE) == 0);
  CHECK_EQ (l.len, 1);
  CHECK_EQ (l.ptr[0].length, 300);
  /* Not contiguous: ERANGE. */
  CHECK (extents_add (&l, 1400, 100, 0) == -1 && errno == ERANGE);
  /* Past the end: clipped, then ignored: a million extents cost nothing. */
  CHECK (extents_add (&l, 1300, 1000, 0) == 0);
  for (i = 0; i < 1000000; ++i)
    CHECK (extents_add (&l, 2300 + 2 * (uint64_t) i, 2, i & 1) == 0);
  CHECK_EQ (l.len, 2);
  CHECK_EQ (l.ptr[1].offset, 1300);
  CHECK_EQ (l.ptr[1].length, 700);
  CHECK_EQ (extents_covered_end (&l), 2000);
  CHECK (l.cap <= 16);
  extents_free (&l);
}

static void
test_first_must_hold_start (void)
{
  struct extent_list l;

  extents_init (&l, 100, 200);
  CHECK (extents_add (&l, 150, 10, 0) == -1 && errno == ERANGE);
  CHECK (extents_add (&l, 100, 0, 0) == 0);     /* zero length ignored */
  CHECK_EQ (l.len, 0);
  CHECK_EQ (extents_covered_end (&l), 100);
  /* Overflow is refused. */
  CHECK (extents_add (&l, 100, UINT64_MAX, 0) == -1 && errno == ERANGE);
  extents_free (&l);
}

static void
test_align_data (void)
{
  struct extent_list l, scratch;

  /* data 0..100, zero 100..9000, data 9000..9100, zero 9100..9500 (end) */
  extents_init (&l, 0, 9500);
  extents_init (&scratch, 0, 0);
  CHECK (extents_add (&l, 0, 100, 0) == 0);
  CHECK (extents_add (&l, 100, 8900, EXTENT_HOLE|EXTENT_ZERO) == 0);
  CHECK (extents_add (&l, 9000, 100, 0) == 0);
  CHECK (extents_add (&l, 9100, 400, EXTENT_ZERO) == 0);
  CHECK (extents_align_data (&l, 4096, &scratch) == 0);
  /* A block holding any data is data, the partial last block included. */
  CHECK_EQ (l.len, 3);
  CHECK_EQ (l.ptr[0].offset, 0);
  CHECK_EQ (l.ptr[0].length, 4096);
  CHECK_EQ (l.ptr[0].type, 0);
  CHECK_EQ (l.ptr[1].offset, 4096);
  CHECK_EQ (l.ptr[1].length, 4096);
  CHECK_EQ (l.ptr[1].type, EXTENT_HOLE|EXTENT_ZERO);
  CHECK_EQ (l.ptr[2].offset, 8192);
  CHECK_EQ (l.ptr[2].length, 9500 - 8192);
  CHECK_EQ (l.ptr[2].type, 0);

  /* An aligned zero run up to an unaligned end stays zero. */
  extents_reset (&l, 0, 9500);
  CHECK (extents_add (&l, 0, 100, 0) == 0);
  CHECK (extents_add (&l, 100, 9400, EXTENT_ZERO) == 0);
  CHECK (extents_align_data (&l, 4096, &scratch) == 0);
  CHECK_EQ (l.len, 2);
  CHECK_EQ (l.ptr[1].offset, 4096);
  CHECK_EQ (l.ptr[1].length, 9500 - 4096);
  CHECK_EQ (l.ptr[1].type, EXTENT_ZERO);

  /* HOLE without ZERO has undefined contents: data. */
  extents_reset (&l, 0, 8192);
  CHECK (extents_add (&l, 0, 8192, EXTENT_HOLE) == 0);
  CHECK (extents_align_data (&l, 512, &scratch) == 0);
  CHECK_EQ (l.len, 1);
  CHECK_EQ (l.ptr[0].type, 0);
  extents_free (&l);
  extents_free (&scratch);
}

/* A zero run described past the end is remembered as far as it goes. */
static void
test_zero_end (void)
{
  struct extent_list l;

  extents_init (&l, 0, 1000);
  CHECK (extents_add (&l, 0, 900, 0) == 0);
  CHECK (extents_add (&l, 900, 5000, EXTENT_HOLE|EXTENT_ZERO) == 0);
  CHECK_EQ (l.zero_end, 5900);
  CHECK_EQ (extents_covered_end (&l), 1000);
  /* A further zero extent beyond extends it (another type, still zero). */
  CHECK (extents_add (&l, 5900, 100, EXTENT_ZERO) == 0);
  CHECK_EQ (l.zero_end, 6000);
  /* Data after it ends the run, and later zeroes do not join. */
  CHECK (extents_add (&l, 6000, 10, 0) == 0);
  CHECK (extents_add (&l, 6010, 10, EXTENT_ZERO) == 0);
  CHECK_EQ (l.zero_end, 6000);
  /* Data straddling the end: no hint.  Reset forgets it. */
  extents_reset (&l, 0, 1000);
  CHECK (extents_add (&l, 0, 2000, 0) == 0);
  CHECK (extents_add (&l, 2000, 10, EXTENT_ZERO) == 0);
  CHECK_EQ (l.zero_end, 0);
  /* Zeroes ending at the end: the run ends there. */
  extents_reset (&l, 0, 1000);
  CHECK (extents_add (&l, 0, 1000, EXTENT_ZERO) == 0);
  CHECK_EQ (l.zero_end, 1000);
  extents_reset (&l, 0, 1000);
  CHECK_EQ (l.zero_end, 0);
  extents_free (&l);
}

int
main (void)
{
  test_bounded ();
  test_first_must_hold_start ();
  test_align_data ();
  test_zero_end ();
  UNIT_EXIT ();
}
