/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests: coalesced reads (engine/copy-coalesce.c). */
#include <config.h>

#include "copy-internal.h"
#include "extents.h"
#include "unit.h"

#define Z (EXTENT_HOLE|EXTENT_ZERO)

/* data 4K, hole 4K, data 4K, hole 8K, data 4K, hole 40K, data 4K, hole
 * (trailing).
 */
static void
make (struct extent_list *l)
{
  extents_init (l, 0, 200000);
  CHECK (extents_add (l, 0, 4096, 0) == 0);
  CHECK (extents_add (l, 4096, 4096, Z) == 0);
  CHECK (extents_add (l, 8192, 4096, 0) == 0);
  CHECK (extents_add (l, 12288, 8192, Z) == 0);
  CHECK (extents_add (l, 20480, 4096, 0) == 0);
  CHECK (extents_add (l, 24576, 40960, Z) == 0);
  CHECK (extents_add (l, 65536, 4096, 0) == 0);
  CHECK (extents_add (l, 69632, 130368, Z) == 0);
}

/* A run crosses the short holes, stops before a long one, never takes a
 * trailing hole; max_hole 0 is a run of one extent.
 */
static void
test_run (void)
{
  struct extent_list l;
  size_t i = 0;

  make (&l);
  CHECK_EQ (coalesce_run (&l, &i, 8192), 24576);
  CHECK_EQ (i, 4);
  i = 0;
  CHECK_EQ (coalesce_run (&l, &i, 4096), 12288);    /* 8K: too long */
  CHECK_EQ (i, 2);
  i = 6;
  CHECK_EQ (coalesce_run (&l, &i, 1 << 20), 69632);  /* trailing hole */
  CHECK_EQ (i, 6);
  i = 0;
  CHECK_EQ (coalesce_run (&l, &i, 0), 4096);
  CHECK_EQ (i, 0);
  extents_free (&l);
}

/* Each read of a run gets its part of the map; a part all data gets an
 * empty map.
 */
static void
test_map (void)
{
  struct extent_list l, map;
  size_t cursor = 0;

  make (&l);
  extents_init (&map, 0, 0);
  CHECK (coalesce_map (&map, &l, &cursor, 0, 6144) == 0);
  CHECK_EQ (map.len, 2);
  CHECK (map.ptr[0].type == 0 && map.ptr[0].length == 4096);
  CHECK (map.ptr[1].type == Z && map.ptr[1].length == 2048);
  CHECK (coalesce_map (&map, &l, &cursor, 6144, 14336) == 0);
  CHECK_EQ (cursor, 1);
  CHECK_EQ (map.len, 3);
  CHECK (map.ptr[0].offset == 6144 && map.ptr[0].type == Z);
  CHECK (map.ptr[2].offset == 12288 && map.ptr[2].length == 8192);
  CHECK (coalesce_map (&map, &l, &cursor, 20480, 4096) == 0);
  CHECK_EQ (map.len, 0);                                /* all data */
  CHECK_EQ (map.start, 20480);
  CHECK_EQ (map.end, 24576);
  extents_free (&map);
  extents_free (&l);
}

int
main (void)
{
  test_run ();
  test_map ();
  UNIT_EXIT ();
}
