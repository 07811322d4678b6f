/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests: the copy engine against strict sinks and sources.
 *
 * Strict in-memory backends (tests/mem.h) refuse anything misaligned or
 * too big; every copy must succeed with nothing refused, the data equal,
 * and the destination past the source's end unchanged.
 */
#include <config.h>

#include <string.h>

#include "copy.h"
#define UNIT_SEED 0x9e3779b97f4a7c15ull
#include "unit.h"
#include "mem.h"

#define FILL 0xaa

struct side {
  uint64_t size, min, max_data, max_zero;
  bool fast_zero;
  bool stream;                  /* the sink: written in order (stdout) */
};

/* Data islands at odd offsets in a sea of zeroes. */
static void
fill_islands (char *p, uint64_t size)
{
  unsigned i;

  memset (p, 0, size);
  for (i = 0; i < 20; ++i) {
    uint64_t off = rnd (size) | 1, n = 1 + rnd (20000), j;
    for (j = 0; j < n && off + j < size; ++j)
      p[off + j] = 1 + rnd (255);
  }
  p[size - 1] = 0x42;           /* the very last byte is data */
}

static void
run_copy (const char *what, struct side s, struct side d,
          const struct copy_opts *o)
{
  struct backend *src = mem_open (s.size, s.min, s.max_data, s.max_zero, 0);
  struct backend *dst = mem_open (d.size, d.min, d.max_data, d.max_zero,
                                  FILL);
  struct mem_shared *ss = sh_of (src), *ds = sh_of (dst);
  struct copy_stats st = { 0 };
  uint64_t i;
  int r;

  fprintf (stderr, "%s\n", what);
  fill_islands (ss->data, s.size);
  dst->can_fast_zero = d.fast_zero;
  dst->is_stream = d.stream;
  r = copy_run (src, dst, o, &st);
  CHECK_EQ (r, 0);
  CHECK (memcmp (ss->data, ds->data, s.size) == 0);
  for (i = s.size; i < d.size; ++i)
    if ((unsigned char) ds->data[i] != FILL) {
      fprintf (stderr, "%s: byte %" PRIu64 " past the source changed\n",
               what, i);
      unit_failures++;
      break;
    }
  CHECK_EQ (atomic_load (&ss->refused), 0);
  CHECK_EQ (atomic_load (&ds->refused), 0);
  CHECK_EQ (st.tail, d.min > 1 ? s.size % d.min : 0);
  /* Only the tail block is read back: the bulk went straight down. */
  CHECK (atomic_load (&ds->reads) <= 4);
  backend_close (src);
  backend_close (dst);
}

int
main (void)
{
  struct copy_opts o = { .threads = 4, .sparse = 4096 };
  struct copy_opts sync = { .threads = 2, .synchronous = true };
  const uint64_t M = 1024 * 1024;

  run_copy ("100 bytes short of a 4096/64K sink",
            (struct side) { 4 * M - 100, 1, 64 * M, 0, false, false },
            (struct side) { 4 * M, 4096, 65536, 65536, true, false }, &o);
  run_copy ("the same, no fast zero",
            (struct side) { 4 * M - 100, 1, 64 * M, 0, false, false },
            (struct side) { 4 * M, 4096, 65536, 65536, false, false }, &o);
  run_copy ("the same, synchronous, no zero detection",
            (struct side) { 4 * M - 100, 1, 64 * M, 0, false, false },
            (struct side) { 4 * M, 4096, 65536, 65536, false, false }, &sync);
  run_copy ("512/128K source into a 16K/64K sink",
            (struct side) { 3 * M + 512 * 7, 512, 131072, 131072, false, false },
            (struct side) { 4 * M, 16384, 65536, 65536, true, false }, &o);
  run_copy ("1 byte into a 4096 sink",
            (struct side) { 1, 1, 64 * M, 0, false, false },
            (struct side) { 65536, 4096, 65536, 65536, false, false }, &o);
  run_copy ("4097 bytes into a 4096 sink",
            (struct side) { 4097, 1, 64 * M, 0, false, false },
            (struct side) { 65536, 4096, 65536, 65536, false, false }, &o);
  run_copy ("64K source maximum, aligned, 1-byte sink",
            (struct side) { 2 * M, 1, 65536, 0, false, false },
            (struct side) { 2 * M, 1, 0, 0, true, false }, &o);
  run_copy ("more than one unit, 64K sink blocks",
            (struct side) { 65 * M - 3, 1, 64 * M, 0, false, false },
            (struct side) { 65 * M, 65536, 65536, 65536, false, false }, &o);
  /* The ordered path sends the source's holes as zero requests. */
  run_copy ("into a stream sink whose zero maximum is below its data's",
            (struct side) { 4 * M, 1, 64 * M, 0, false, false },
            (struct side) { 4 * M, 1, M, 65536, false, true }, &o);
  UNIT_EXIT ();
}
