/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests: filters that change alignment (engine/filters/).
 *
 * A strict in-memory backend refuses with EINVAL any request misaligned to
 * its minimum or over its maximum (like nbdkit's blocksize-policy filter
 * with blocksize-error-policy=error) and counts what it refused; the
 * filters above it must turn every request into ones it accepts.
 */
#include <config.h>

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "blocksize.h"
#include "extents.h"
#include "filters/rmw.h"
#include "unit.h"
#include "mem.h"

/* Every filter that changes offsets, sizes or alignment. */
static const struct {
  const char *name;
  struct backend *(*open) (struct backend *next);
} filters[] = {
  { "rmw", rmw_filter_open },
};

static struct backend *
rmw_over (struct backend *mem)
{
  struct backend *f = rmw_filter_open (mem);

  if (f == NULL)
    abort ();
  return f;
}

/* ---- the tests ---- */

static void
test_limits (void)
{
  struct backend *m = mem_open (1 << 20, 4096, 65536, 131072, 0);
  struct backend *f = rmw_over (m);

  CHECK_EQ (f->size, 1 << 20);
  CHECK_EQ (f->bs[BS_MINIMUM], 1);
  CHECK_EQ (f->bs[BS_PREFERRED], 4096);
  CHECK_EQ (f->bs[BS_MAX_DATA], 65536);
  CHECK_EQ (f->bs[BS_MAX_ZERO], 131072);
  CHECK_EQ (f->bs[BS_MAX_TRIM], 131072);
  CHECK (f->can_write && f->can_zero && f->can_fast_zero && f->can_trim);
  CHECK (f->can_extents && f->can_multi_conn);
  CHECK (!f->has_aio);
  backend_close (f);
}

struct counted {
  struct completion c;
  int calls, err;
};

static void
count_done (struct completion *c, int err)
{
  struct counted *d = (struct counted *) c;

  d->calls++;
  d->err = err;
}

/* Every data hook defined, so no new hook slips past the filter, and the
 * async hooks never reach next's async hooks.
 */
static void
test_hooks_defined (void)
{
  size_t i;

  for (i = 0; i < sizeof filters / sizeof filters[0]; ++i) {
    struct backend *m = mem_open (65536, 4096, 65536, 65536, 0);
    struct mem_shared *sh = sh_of (m);
    struct backend *f = filters[i].open (m);
    sh->aio_trap = true;
    const struct backend_ops *o = f->ops;
    struct counted done = { .err = -1 };
    char buf[100];

    fprintf (stderr, "checking filter %s\n", filters[i].name);
    CHECK (o->pread && o->pwrite && o->zero && o->trim && o->flush);
    CHECK (o->extents && o->cache && o->dup);
    CHECK (o->aio_pread && o->aio_pwrite && o->aio_zero);

    done.c.done = count_done;
    memset (buf, 0x5a, sizeof buf);
    CHECK (backend_aio_pwrite (f, buf, sizeof buf, 10, 0, &done.c) == 0);
    CHECK (backend_aio_zero (f, 7, 5000, 0, &done.c) == 0);
    CHECK (backend_aio_pread (f, buf, sizeof buf, 5, 0, &done.c) == 0);
    CHECK_EQ (done.calls, 3);
    CHECK_EQ (done.err, 0);
    CHECK (buf[4] == 0 && buf[5] == 0x5a && buf[0] == 0);
    CHECK_EQ (atomic_load (&sh->aio_calls), 0);
    CHECK_EQ (atomic_load (&sh->refused), 0);
    backend_close (f);
  }
}

enum { OP_WRITE, OP_ZERO, OP_TRIM, OP_READ, OP_AIO_WRITE, OP_NR };

static uint64_t
random_len (uint64_t max)
{
  switch (rnd (3)) {
  case 0: return 1 + rnd (100);
  case 1: return 1 + rnd (10000);
  default: return 1 + rnd (max);
  }
}

static void
complete (struct completion *c, int err)
{
  *(int *) (c + 1) = err;
}

/* One random request on the filter and the same effect on ref. */
static void
random_op (struct backend *f, char *ref, uint64_t size, uint64_t min,
           char *buf)
{
  uint64_t off = rnd (size), n = random_len (300000);
  int op = rnd (OP_NR);
  struct { struct completion c; int err; } cb = { { complete }, -1 };
  /* Within the filter's own maxima (the dispatchers check the contract);
   * unaligned, a request may still round out past next's.
   */
  enum bs_which max = op == OP_ZERO ? BS_MAX_ZERO
    : op == OP_TRIM ? BS_MAX_TRIM : BS_MAX_DATA;

  if (n > f->bs[max])
    n = f->bs[max];
  if (n > size - off)
    n = size - off;
  switch (op) {
  case OP_WRITE:
  case OP_AIO_WRITE:
    for (uint64_t i = 0; i < n; ++i)
      buf[i] = rnd (256);
    if (op == OP_WRITE)
      CHECK (backend_pwrite (f, buf, n, off, 0) == 0);
    else {
      CHECK (backend_aio_pwrite (f, buf, n, off, 0, &cb.c) == 0);
      CHECK_EQ (cb.err, 0);
    }
    memcpy (ref + off, buf, n);
    break;
  case OP_ZERO:
    CHECK (backend_zero (f, n, off, rnd (2) ? F_MAY_TRIM : 0) == 0);
    memset (ref + off, 0, n);
    break;
  case OP_TRIM: {
    uint64_t s = round_up (off, min), e = round_down (off + n, min);
    CHECK (backend_trim (f, n, off, 0) == 0);
    if (e > s)
      memset (ref + s, 0, e - s);
    break;
  }
  default:
    CHECK (backend_pread (f, buf, n, off, 0) == 0);
    CHECK (memcmp (buf, ref + off, n) == 0);
  }
}

static void
test_random (uint64_t min, uint64_t max_data, uint64_t max_zero)
{
  const uint64_t size = 1 << 20;
  struct backend *m = mem_open (size, min, max_data, max_zero, 0xa5);
  struct mem_shared *sh = sh_of (m);
  struct backend *f = rmw_over (m);
  char *ref = malloc (size), *buf = malloc (size);
  int i;

  memset (ref, 0xa5, size);
  for (i = 0; i < 400; ++i) {
    random_op (f, ref, size, min, buf);
    if (memcmp (sh->data, ref, size) != 0) {
      fprintf (stderr, "min %" PRIu64 ": contents differ after op %d\n",
               min, i);
      unit_failures++;
      break;
    }
  }
  CHECK_EQ (atomic_load (&sh->refused), 0);
  free (ref);
  free (buf);
  backend_close (f);
}

/* A small write inside one block: its neighbours stay as they were. */
static void
test_neighbours (void)
{
  struct backend *m = mem_open (3 * 4096, 4096, 65536, 65536, 0x11);
  struct mem_shared *sh = sh_of (m);
  struct backend *f = rmw_over (m);
  char expect[3 * 4096];

  memset (expect, 0x11, sizeof expect);
  CHECK (backend_pwrite (f, "abc", 3, 4096 + 1000, 0) == 0);
  memcpy (expect + 4096 + 1000, "abc", 3);
  CHECK (backend_zero (f, 10, 4095, F_MAY_TRIM) == 0);
  memset (expect + 4095, 0, 10);
  CHECK (memcmp (sh->data, expect, sizeof expect) == 0);
  /* 1 byte into the last block, and a write ending at the end. */
  CHECK (backend_pwrite (f, "z", 1, 3 * 4096 - 1, 0) == 0);
  expect[3 * 4096 - 1] = 'z';
  CHECK (memcmp (sh->data, expect, sizeof expect) == 0);
  CHECK_EQ (atomic_load (&sh->refused), 0);
  backend_close (f);
}

static void
test_fast_zero (void)
{
  struct backend *m = mem_open (65536, 4096, 65536, 65536, 0x22);
  struct mem_shared *sh = sh_of (m);
  struct backend *f = rmw_over (m);
  unsigned before = atomic_load (&sh->requests);

  /* Unaligned: refused at once, nothing sent, nothing changed. */
  errno = 0;
  CHECK (backend_zero (f, 8192, 100, F_FAST_ZERO) == -1 && errno == ENOTSUP);
  CHECK (backend_zero (f, 4000, 4096, F_FAST_ZERO) == -1 && errno == ENOTSUP);
  CHECK_EQ (atomic_load (&sh->requests), before);
  CHECK (sh->data[100] == 0x22 && sh->data[4096] == 0x22);
  /* Aligned: goes down. */
  CHECK (backend_zero (f, 8192, 4096, F_FAST_ZERO) == 0);
  CHECK (all_zero (sh->data + 4096, 8192) && sh->data[4095] == 0x22);
  CHECK_EQ (atomic_load (&sh->refused), 0);
  backend_close (f);
}

/* Extents come back in whole blocks of next; a block holding data is data. */
static void
test_extents (void)
{
  struct backend *m = mem_open (65536, 4096, 65536, 65536, 0);
  struct mem_shared *sh = sh_of (m);
  struct backend *f = rmw_over (m);
  struct extent_list l;
  size_t i;

  sh->data[5000] = 1;           /* block 1 (4096..8192) holds data */
  sh->data[20000] = 1;          /* block 4 (16384..20480) too */
  extents_init (&l, 100, 30000);
  CHECK (backend_extents (f, 29900, 100, 0, &l) == 0);
  CHECK (l.len > 0);
  for (i = 0; i < l.len; ++i) {
    uint64_t s = l.ptr[i].offset, e = s + l.ptr[i].length;

    if (s != l.start)
      CHECK_EQ (s % 4096, 0);
    if (e != l.end)
      CHECK_EQ (e % 4096, 0);
  }
  CHECK_EQ (l.ptr[0].offset, 100);
  CHECK_EQ (l.ptr[0].length, 4096 - 100);
  CHECK_EQ (l.ptr[0].type, EXTENT_HOLE|EXTENT_ZERO);
  CHECK_EQ (l.ptr[1].offset, 4096);
  CHECK_EQ (l.ptr[1].length, 4096);
  CHECK_EQ (l.ptr[1].type, 0);
  CHECK_EQ (l.ptr[2].offset, 8192);
  CHECK_EQ (l.ptr[2].length, 8192);
  CHECK_EQ (l.ptr[2].type, EXTENT_HOLE|EXTENT_ZERO);
  CHECK_EQ (l.ptr[3].offset, 16384);
  CHECK_EQ (l.ptr[3].type, 0);
  /* REQ_ONE from next still describes at least the first block. */
  extents_reset (&l, 4100, 4200);
  CHECK (backend_extents (f, 100, 4100, F_REQ_ONE, &l) == 0);
  CHECK (l.len == 1 && l.ptr[0].type == 0 && l.ptr[0].length == 100);
  /* Next described less than a block: the rest is taken as data. */
  extents_reset (&l, 8200, 9000);
  CHECK (backend_extents (f, 800, 8200, F_REQ_ONE, &l) == 0);
  CHECK (l.len == 1 && l.ptr[0].type == 0 && l.ptr[0].length == 800);
  CHECK_EQ (atomic_load (&sh->refused), 0);
  extents_free (&l);
  backend_close (f);
}

static void
test_cache_and_flush (void)
{
  struct backend *m = mem_open (1 << 20, 4096, 65536, 65536, 0);
  struct mem_shared *sh = sh_of (m);
  struct backend *f = rmw_over (m);

  /* Unaligned, it rounds out past next's maximum: two requests. */
  CHECK (backend_cache (f, f->bs[BS_MAX_CACHE], 123, 0) == 0);
  CHECK (backend_flush (f, 0) == 0);
  CHECK_EQ (atomic_load (&sh->refused), 0);
  backend_close (f);
}

/* ---- many threads, neighbouring unaligned pieces of the same blocks ---- */

#define THREADS 6
#define PIECES 48
#define ROUNDS 150
#define TBLOCKS 8
#define TMIN 4096

struct piece { uint64_t offset, count; };

struct race {
  struct backend *f;
  struct mem_shared *sh;
  struct piece pieces[PIECES];
  pthread_barrier_t barrier;
  atomic_uint lost;
};

static void *
racer (void *arg)
{
  struct race *rc = ((void **) arg)[0];
  unsigned t = (uintptr_t) ((void **) arg)[1];
  struct backend *f = backend_dup (rc->f);
  char buf[TBLOCKS * TMIN];
  unsigned round, p;

  for (round = 0; round < ROUNDS; ++round) {
    int byte = (round * THREADS + t) % 255 + 1;

    memset (buf, byte, sizeof buf);
    pthread_barrier_wait (&rc->barrier);
    for (p = t; p < PIECES; p += THREADS) {
      const struct piece *pc = &rc->pieces[p];
      /* Mostly writes; some zeroes, so both RMW kinds race. */
      int r = (p + round) % 5 == 0
        ? backend_zero (f, pc->count, pc->offset, 0)
        : backend_pwrite (f, buf, pc->count, pc->offset, 0);
      if (r == -1)
        atomic_fetch_add (&rc->lost, 1);
    }
    pthread_barrier_wait (&rc->barrier);
    /* Thread 0 checks every piece holds what its writer wrote last. */
    if (t == 0)
      for (p = 0; p < PIECES; ++p) {
        const struct piece *pc = &rc->pieces[p];
        int want = (p + round) % 5 == 0 ? 0
          : (int) ((round * THREADS + p % THREADS) % 255 + 1);
        uint64_t i;

        for (i = 0; i < pc->count; ++i)
          if ((unsigned char) rc->sh->data[pc->offset + i] != want) {
            atomic_fetch_add (&rc->lost, 1);
            break;
          }
      }
  }
  backend_close (f);
  return NULL;
}

static void
test_threads (void)
{
  struct backend *m = mem_open (TBLOCKS * TMIN, TMIN, 65536, 65536, 0);
  struct race rc = { .sh = sh_of (m) };
  pthread_t tids[THREADS];
  void *args[THREADS][2];
  uint64_t cuts[PIECES + 1];
  unsigned i, j;

  rc.f = rmw_over (m);
  rc.sh->yield = true;
  /* Random distinct cut points: pieces of every length, some spanning
   * whole blocks (an aligned body between two RMW).
   */
  cuts[0] = 0;
  cuts[PIECES] = TBLOCKS * TMIN;
  for (i = 1; i < PIECES; ++i)
    cuts[i] = 1 + rnd (TBLOCKS * TMIN - 1);
  for (i = 1; i < PIECES; ++i)
    for (j = i + 1; j < PIECES; ++j)
      if (cuts[j] < cuts[i]) {
        uint64_t x = cuts[i]; cuts[i] = cuts[j]; cuts[j] = x;
      }
  for (i = 0; i < PIECES; ++i)
    rc.pieces[i] = (struct piece) { cuts[i], cuts[i + 1] - cuts[i] };
  pthread_barrier_init (&rc.barrier, NULL, THREADS);
  atomic_init (&rc.lost, 0);
  for (i = 0; i < THREADS; ++i) {
    args[i][0] = &rc;
    args[i][1] = (void *) (uintptr_t) i;
    pthread_create (&tids[i], NULL, racer, args[i]);
  }
  for (i = 0; i < THREADS; ++i)
    pthread_join (tids[i], NULL);
  pthread_barrier_destroy (&rc.barrier);
  CHECK_EQ (atomic_load (&rc.lost), 0);
  CHECK_EQ (atomic_load (&rc.sh->refused), 0);
  backend_close (rc.f);
}

/* One thread rewrites whole blocks (aligned writes) while the others patch
 * small pieces inside them (RMW): an aligned write landing between an RMW's
 * read and write would be undone, leaving last round's bytes outside the
 * patches.
 */
#define PATCH 100

struct overlap {
  struct backend *f;
  struct mem_shared *sh;
  pthread_barrier_t barrier;
  atomic_uint lost;
};

static uint64_t
patch_offset (unsigned t, unsigned blk)
{
  return (uint64_t) blk * TMIN + t * 500 + 7;
}

static void
check_overlap (struct overlap *ov, unsigned round)
{
  const unsigned char *d = (unsigned char *) ov->sh->data;
  int big = round % 255 + 1;
  uint64_t i;

  for (i = 0; i < TBLOCKS * TMIN; ++i) {
    unsigned t = (i % TMIN) / 500;
    bool in_patch = t >= 1 && t < THREADS &&
      i % TMIN >= t * 500 + 7 && i % TMIN < t * 500 + 7 + PATCH;

    if (d[i] != big && !(in_patch && d[i] == (big + t) % 256)) {
      atomic_fetch_add (&ov->lost, 1);
      return;
    }
  }
}

static void *
overlapper (void *arg)
{
  struct overlap *ov = ((void **) arg)[0];
  unsigned t = (uintptr_t) ((void **) arg)[1];
  struct backend *f = backend_dup (ov->f);
  static char big[TBLOCKS * TMIN];
  char patch[PATCH];
  unsigned round, blk;
  int r = 0;

  for (round = 0; round < ROUNDS; ++round) {
    pthread_barrier_wait (&ov->barrier);
    if (t == 0) {
      memset (big, round % 255 + 1, sizeof big);
      r |= backend_pwrite (f, big, sizeof big, 0, 0);
    }
    else {
      memset (patch, (round % 255 + 1 + t) % 256, sizeof patch);
      for (blk = 0; blk < TBLOCKS; ++blk)
        r |= backend_pwrite (f, patch, PATCH, patch_offset (t, blk), 0);
    }
    pthread_barrier_wait (&ov->barrier);
    if (t == 0)
      check_overlap (ov, round);
  }
  if (r)
    atomic_fetch_add (&ov->lost, 1);
  backend_close (f);
  return NULL;
}

static void
test_threads_overlap (void)
{
  struct backend *m = mem_open (TBLOCKS * TMIN, TMIN, 65536, 65536, 0);
  struct overlap ov = { .sh = sh_of (m) };
  pthread_t tids[THREADS];
  void *args[THREADS][2];
  unsigned i;

  ov.f = rmw_over (m);
  ov.sh->yield = true;
  pthread_barrier_init (&ov.barrier, NULL, THREADS);
  atomic_init (&ov.lost, 0);
  for (i = 0; i < THREADS; ++i) {
    args[i][0] = &ov;
    args[i][1] = (void *) (uintptr_t) i;
    pthread_create (&tids[i], NULL, overlapper, args[i]);
  }
  for (i = 0; i < THREADS; ++i)
    pthread_join (tids[i], NULL);
  pthread_barrier_destroy (&ov.barrier);
  CHECK_EQ (atomic_load (&ov.lost), 0);
  CHECK_EQ (atomic_load (&ov.sh->refused), 0);
  backend_close (ov.f);
}

int
main (void)
{
  test_limits ();
  test_hooks_defined ();
  test_neighbours ();
  test_fast_zero ();
  test_extents ();
  test_cache_and_flush ();
  test_random (4096, 65536, 131072);
  test_random (512, 4096, 8192);
  test_random (65536, 65536, 65536);
  test_random (1, 65536, 65536);
  test_threads ();
  test_threads_overlap ();
  UNIT_EXIT ();
}
