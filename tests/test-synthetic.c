/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit test: the synthetic sources (sources/synthetic.c). */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "endpoint.h"
#include "error.h"
#include "extents.h"
#include "sources/sources.h"
#include "sources/synthetic.h"
#include "unit.h"

#define MiB (UINT64_C(1) << 20)

static const struct endpoint_opts opts = { .src_size = -1, .create_size = -1 };

/* nbdkit's pattern: each aligned 8-byte word holds its offset, big endian. */
static unsigned char
pattern_byte (uint64_t offset)
{
  return (offset & ~UINT64_C(7)) >> (8 * (7 - offset % 8));
}

static void
test_pattern (void)
{
  struct backend *b = synthetic_source_open ("pattern:3M", &opts);
  static const uint64_t offsets[] = { 0, 1, 7, 8, 13, 4095, 65536 + 3,
                                      0x123456, 3 * MiB - 100 };
  unsigned char buf[100];
  size_t i, j;

  CHECK (b != NULL);
  if (!b)
    return;
  CHECK (b->size == (int64_t) (3 * MiB));
  CHECK (b->init == 0 && !b->can_write && !b->can_extents &&
         b->can_multi_conn && !b->is_stream);
  for (i = 0; i < sizeof offsets / sizeof offsets[0]; ++i) {
    CHECK (backend_pread (b, buf, sizeof buf, offsets[i], 0) == 0);
    for (j = 0; j < sizeof buf; ++j)
      if (buf[j] != pattern_byte (offsets[i] + j)) {
        CHECK (buf[j] == pattern_byte (offsets[i] + j));
        break;
      }
  }
  /* One odd short read. */
  CHECK (backend_pread (b, buf, 3, 0x10005, 0) == 0);
  CHECK (buf[0] == 0x01 && buf[1] == 0x00 && buf[2] == 0x00);
  backend_close (b);
}

static void
test_zero (void)
{
  struct backend *b = synthetic_source_open ("zero:1G", &opts);
  struct extent_list l;
  char buf[4096];
  size_t i;
  bool zero = true;

  CHECK (b != NULL);
  if (!b)
    return;
  CHECK (b->size == (int64_t) (1024 * MiB));
  CHECK (b->init == (INIT_ZERO|INIT_SPARSE) && b->can_extents);
  memset (buf, 1, sizeof buf);
  CHECK (backend_pread (b, buf, sizeof buf, 12345, 0) == 0);
  for (i = 0; i < sizeof buf; ++i)
    zero = zero && buf[i] == 0;
  CHECK (zero);
  extents_init (&l, 0, b->size);
  CHECK (extents_fill (b, 0, b->size, &l) == 0);
  CHECK (l.len == 1 && l.ptr[0].type == (EXTENT_HOLE|EXTENT_ZERO) &&
         l.ptr[0].length == 1024 * MiB);
  extents_free (&l);
  backend_close (b);
}

static void
test_random (void)
{
  struct backend *a = synthetic_source_open ("random:1M", &opts);
  struct backend *a2 = synthetic_source_open ("random:1M,seed=0", &opts);
  struct backend *c = synthetic_source_open ("random:1M,seed=7", &opts);
  static unsigned char x[65536], y[65536], z[65536];
  size_t i, zeroes = 0;

  CHECK (a && a2 && c);
  if (!a || !a2 || !c)
    return;
  CHECK (backend_pread (a, x, sizeof x, 8192, 0) == 0);
  CHECK (backend_pread (a2, y, sizeof y, 8192, 0) == 0);
  CHECK (memcmp (x, y, sizeof x) == 0);
  CHECK (backend_pread (c, z, sizeof z, 8192, 0) == 0);
  CHECK (memcmp (x, z, sizeof x) != 0);
  /* Unaligned reads see the same bytes. */
  CHECK (backend_pread (a, y, 1001, 8192 + 3, 0) == 0);
  CHECK (memcmp (x + 3, y, 1001) == 0);
  /* Dense: no run of zero words to speak of. */
  for (i = 0; i < sizeof x; ++i)
    zeroes += x[i] == 0;
  CHECK (zeroes < sizeof x / 64);
  /* The bytes are the documented generator, little endian. */
  {
    uint64_t w = synthetic_random_word (0, 8192 / 8);
    CHECK (x[0] == (w & 0xff) && x[7] == (w >> 56));
  }
  backend_close (a);
  backend_close (a2);
  backend_close (c);
}

static void
test_sparse_random (void)
{
  const char *arg = "sparse-random:1000M,seed=42";
  struct backend *b = synthetic_source_open (arg, &opts);
  struct backend *b2 = synthetic_source_open (arg, &opts);
  struct extent_list l;
  unsigned char *buf = malloc (MiB), *buf2 = malloc (MiB);
  uint64_t data = 0, i;

  CHECK (b && b2);
  if (!b || !b2)
    return;
  CHECK (b->init == INIT_SPARSE && b->can_extents);
  extents_init (&l, 0, b->size);
  CHECK (extents_fill (b, 0, b->size, &l) == 0);
  for (i = 0; i < l.len; ++i) {
    CHECK (l.ptr[i].offset % MiB == 0 && l.ptr[i].length % MiB == 0);
    if (l.ptr[i].type == 0)
      data += l.ptr[i].length;
  }
  /* About 10 % data: 100 of 1000 blocks, give or take. */
  CHECK (data >= 60 * MiB && data <= 140 * MiB);

  /* Extents agree with the bytes, and two opens agree with each other. */
  for (i = 0; i < l.len && i < 40; ++i) {
    uint64_t off = l.ptr[i].offset, j;
    bool zero = true;
    CHECK (backend_pread (b, buf, MiB, off, 0) == 0);
    CHECK (backend_pread (b2, buf2, MiB, off, 0) == 0);
    CHECK (memcmp (buf, buf2, MiB) == 0);
    for (j = 0; j < MiB; ++j)
      zero = zero && buf[j] == 0;
    CHECK (zero == (l.ptr[i].type != 0));
  }

  /* REQ_ONE: one run only. */
  extents_reset (&l, 0, b->size);
  CHECK (backend_extents (b, b->size, 0, F_REQ_ONE, &l) == 0);
  CHECK (l.len == 1);
  extents_free (&l);

  backend_close (b);
  backend_close (b2);
  free (buf);
  free (buf2);

  /* percent=0 is all hole, percent=100 all data. */
  b = synthetic_source_open ("sparse-random:10M,percent=0", &opts);
  CHECK (b && b->init == (INIT_ZERO|INIT_SPARSE));
  backend_close (b);
  b = synthetic_source_open ("sparse-random:10M,percent=100", &opts);
  CHECK (b && b->init == 0);
  backend_close (b);
  /* An odd size: the last block is partial. */
  b = synthetic_source_open ("sparse-random:4097,percent=100", &opts);
  CHECK (b && b->size == 4097);
  if (b) {
    extents_init (&l, 0, 4097);
    CHECK (extents_fill (b, 0, 4097, &l) == 0);
    CHECK (l.len == 1 && l.ptr[0].length == 4097);
    extents_free (&l);
  }
  backend_close (b);
}

static void
bad (const char *arg, const char *want)
{
  struct backend *b;

  clear_error ();
  b = synthetic_source_open (arg, &opts);
  CHECK (b == NULL);
  backend_close (b);
  if (strstr (last_error (errno), arg) == NULL ||
      strstr (last_error (errno), want) == NULL) {
    fprintf (stderr, "FAIL: %s: message '%s' lacks '%s'\n",
             arg, last_error (errno), want);
    unit_failures++;
  }
}

int
main (void)
{
  CHECK (synthetic_matches ("pattern:1M"));
  CHECK (synthetic_matches ("sparse-random:1M"));
  CHECK (!synthetic_matches ("pattern"));
  CHECK (!synthetic_matches ("/tmp/zero:1M"));
  CHECK (!synthetic_matches (NULL));

  test_pattern ();
  test_zero ();
  test_random ();
  test_sparse_random ();

  bad ("pattern:", "bad size");
  bad ("pattern:12X", "bad size '12X'");
  bad ("zero:-1", "bad size");
  bad ("random:99999999999999999999", "too large");
  bad ("random:1M,seed=abc", "bad value for seed");
  bad ("random:1M,seed=-1", "bad value for seed");
  bad ("sparse-random:1M,percent=101", "bad value for percent");
  bad ("pattern:1M,seed=1", "unknown option 'seed'");
  bad ("random:1M,colour=red", "unknown option 'colour'");

  UNIT_EXIT ();
}
