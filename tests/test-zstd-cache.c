/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit test for sources/zstd-cache: a frame read in pieces is decoded
 * once, a whole frame goes straight to the caller, and many threads reading
 * parts of frames get the right bytes while a failed decode fails only its
 * readers.
 */
#include <config.h>

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "sources/zstd-cache.h"
#include "unit.h"

#define FRAMES 32
#define DSIZE (64 * 1024)
#define BAD 13                  /* this frame never decodes */
#define THREADS 8
#define READS 3000

static atomic_uint loads;

static unsigned char
byte_at (size_t frame, uint64_t off)
{
  return (frame * 131 + off * 7 + (off >> 8)) & 0xff;
}

static int
load (void *arg, size_t frame, char *dst, struct zscratch *s)
{
  uint64_t i;

  atomic_fetch_add (&loads, 1);
  CHECK (s->dctx != NULL);
  if (frame == BAD) {
    errno = EIO;
    return -1;
  }
  for (i = 0; i < DSIZE; ++i)
    dst[i] = byte_at (frame, i);
  return 0;
}

struct worker {
  struct zcache *c;
  uint64_t seed;
  unsigned errors, bad;
};

static void *
reader (void *arg)
{
  struct worker *w = arg;
  static __thread unsigned char buf[DSIZE];
  unsigned n;

  for (n = 0; n < READS; ++n) {
    size_t frame;
    uint64_t skip, count, i;

    w->seed = w->seed * 6364136223846793005ull + 1442695040888963407ull;
    /* Mostly the few frames "in flight", as an NBD client reads. */
    frame = (w->seed >> 33) % (n % 10 == 0 ? FRAMES : 4) + n / 500 * 4;
    frame %= FRAMES;
    skip = (w->seed >> 13) % DSIZE;
    count = 1 + (w->seed >> 40) % (DSIZE - skip);
    if (n % 50 == 0) {          /* now and then a whole frame */
      skip = 0;
      count = DSIZE;
    }
    if (zcache_read (w->c, frame, DSIZE, skip, buf, count, load, NULL) == -1) {
      if (frame == BAD && errno == EIO)
        w->bad++;
      else
        w->errors++;
      continue;
    }
    if (frame == BAD)
      w->errors++;
    for (i = 0; i < count; ++i)
      if (buf[i] != byte_at (frame, skip + i)) {
        w->errors++;
        break;
      }
  }
  return NULL;
}

static void
test_sequential (void)
{
  struct zcache *c = zcache_new (2);
  static unsigned char buf[DSIZE];
  unsigned i;

  atomic_store (&loads, 0);
  for (i = 0; i < 16; ++i) {    /* frame 3 in 16 pieces: one decode */
    CHECK (zcache_read (c, 3, DSIZE, i * 4096, buf, 4096, load, NULL) == 0);
    CHECK (buf[0] == byte_at (3, i * 4096) &&
           buf[4095] == byte_at (3, i * 4096 + 4095));
  }
  CHECK_EQ (atomic_load (&loads), 1);
  /* Whole frame 4: decoded into buf, in the empty slot; 3 stays. */
  CHECK (zcache_read (c, 4, DSIZE, 0, buf, DSIZE, load, NULL) == 0);
  CHECK (buf[DSIZE - 1] == byte_at (4, DSIZE - 1));
  CHECK (zcache_read (c, 3, DSIZE, 100, buf, 10, load, NULL) == 0);
  CHECK (buf[9] == byte_at (3, 109));
  CHECK_EQ (atomic_load (&loads), 2);
  /* One reader reuses one buffer: 5 replaces 3, then 3 replaces 5. */
  CHECK (zcache_read (c, 5, DSIZE, 1, buf, 1, load, NULL) == 0);
  CHECK (buf[0] == byte_at (5, 1));
  CHECK (zcache_read (c, 3, DSIZE, 2, buf, 1, load, NULL) == 0);
  CHECK (zcache_read (c, 3, DSIZE, 3, buf, 1, load, NULL) == 0);
  CHECK (buf[0] == byte_at (3, 3));
  CHECK_EQ (atomic_load (&loads), 4);
  CHECK (zcache_read (c, BAD, DSIZE, 0, buf, 1, load, NULL) == -1);
  CHECK (errno == EIO);
  zcache_free (c);
}

int
main (void)
{
  struct zcache *c = zcache_new (8);
  struct worker w[THREADS];
  pthread_t t[THREADS];
  unsigned i, errors = 0;

  test_sequential ();
  CHECK (c != NULL);
  for (i = 0; i < THREADS; ++i) {
    w[i] = (struct worker) { .c = c, .seed = i + 1 };
    CHECK (pthread_create (&t[i], NULL, reader, &w[i]) == 0);
  }
  for (i = 0; i < THREADS; ++i) {
    pthread_join (t[i], NULL);
    errors += w[i].errors;
  }
  CHECK_EQ (errors, 0);
  fprintf (stderr, "%u reads, %u decodes\n", THREADS * READS,
           atomic_load (&loads));
  zcache_free (c);
  UNIT_EXIT ();
}
