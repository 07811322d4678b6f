/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests: the --resume state file (engine/resume.c).  A recorded
 * state comes back bit for bit; a state for another copy is refused
 * naming the field; a truncated, edited or foreign file is refused; marks
 * from many threads at once are all kept.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "resume.h"
#include "unit.h"

#define UNIT (64 * 1024 * 1024)
#define UNITS 1000                      /* the last one short */
#define SIZE ((int64_t) (UNITS - 1) * UNIT + 12345)

static char path[64];

static const struct resume_id base = {
  .src = "nbd://src/export", .dst = "/dev/sdx", .src_size = SIZE,
  .unit = UNIT, .allocated = false, .target_is_zero = true,
  .no_extents = false, .sparse = 4096,
};

/* Open with id and expect rc; on -1, the message names want. */
static struct resume *
open_expect (const struct resume_id *id, int rc, const char *want)
{
  struct resume *r = NULL;
  int got;

  clear_error ();
  got = resume_open (path, id, &r);
  CHECK_EQ (got, rc);
  if (rc == -1) {
    CHECK (r == NULL);
    if (want && strstr (last_error (errno), want) == NULL) {
      fprintf (stderr, "message '%s' does not name '%s'\n",
               last_error (errno), want);
      unit_failures++;
    }
  }
  return r;
}

static void
test_round_trip (void)
{
  struct resume *r = open_expect (&base, 0, NULL);
  uint64_t u;

  CHECK (r != NULL);
  if (r == NULL)
    return;
  CHECK_EQ (resume_check_dst_size (r, SIZE), 0);
  CHECK_EQ (resume_done_bytes (r), 0);
  resume_mark (r, 0);
  resume_mark (r, 7);
  resume_mark (r, 8);
  resume_mark (r, UNITS - 1);
  resume_mark (r, UNITS);               /* beyond the end: ignored */
  CHECK_EQ (resume_save (r), 0);
  resume_free (r);

  r = open_expect (&base, 1, NULL);
  if (r == NULL)
    return;
  for (u = 0; u < UNITS + 8; ++u)
    CHECK_EQ (resume_is_done (r, u), u == 0 || u == 7 || u == 8 ||
              u == UNITS - 1);
  CHECK_EQ (resume_done_bytes (r), 3 * (uint64_t) UNIT + 12345);
  CHECK_EQ (resume_check_dst_size (r, SIZE), 0);
  CHECK_EQ (resume_check_dst_size (r, SIZE + 512), -1);
  CHECK (strstr (last_error (errno), "the destination size") != NULL);
  resume_free (r);
}

/* Every field that changes what is written is checked. */
static void
test_other_copy (void)
{
  struct resume_id id;

#define DIFFERENT(field, value, name)                   \
  id = base; id.field = value;                          \
  open_expect (&id, -1, name)
  DIFFERENT (src, "nbd://other/export", "the source");
  DIFFERENT (dst, "/dev/sdy", "the destination");
  DIFFERENT (src_size, SIZE + 1, "the source size");
  DIFFERENT (unit, UNIT / 2, "the unit size");
  DIFFERENT (allocated, true, "--allocated");
  DIFFERENT (target_is_zero, false, "--target-is-zero");
  DIFFERENT (no_extents, true, "--no-extents");
  DIFFERENT (sparse, 0, "--sparse");
#undef DIFFERENT
  id = base; id.src = "two\nlines";
  open_expect (&id, -1, "newline");
}

static char *
slurp (size_t *len)
{
  FILE *f = fopen (path, "r");
  char *s = calloc (1, 1 << 20);

  *len = f && s ? fread (s, 1, (1 << 20) - 1, f) : 0;
  if (f)
    fclose (f);
  return s;
}

static void
spit (const char *s, size_t len)
{
  FILE *f = fopen (path, "w");

  CHECK (f != NULL);
  if (f) {
    CHECK_EQ (fwrite (s, 1, len, f), len);
    fclose (f);
  }
}

static void
test_corrupt (void)
{
  size_t len;
  char *good = slurp (&len), *bad = malloc (len + 1);
  char *done = good ? strstr (good, "\ndone ") : NULL;

  CHECK (len > 0 && done != NULL && bad != NULL);
  if (!len || !done || !bad) {
    free (good);
    free (bad);
    return;
  }
  /* One bit of the bitmap flipped: the checksum catches it. */
  memcpy (bad, good, len);
  bad[done - good + 6] ^= 1;
  spit (bad, len);
  open_expect (&base, -1, "checksum");
  /* Cut short, at any line. */
  spit (good, done - good + 1);
  open_expect (&base, -1, "checksum");
  spit (good, len - 1);
  open_expect (&base, -1, "corrupt");
  /* Not ours at all. */
  spit ("hello\n", 6);
  open_expect (&base, -1, "not an nbdferry state file");
  memcpy (bad, good, len);
  bad[10] = '\0';
  spit (bad, len);
  open_expect (&base, -1, "corrupt");
  /* The good one still reads. */
  spit (good, len);
  resume_free (open_expect (&base, 1, NULL));
  free (good);
  free (bad);
}

struct marker {
  struct resume *r;
  uint64_t first;
};

static void *
mark_every_fourth (void *arg)
{
  struct marker *m = arg;
  uint64_t u;

  for (u = m->first; u < UNITS; u += 4)
    resume_mark (m->r, u);
  return NULL;
}

/* Neighbouring bits share a byte: concurrent marks must not lose any. */
static void
test_threads (void)
{
  struct resume *r;
  struct marker m[4];
  pthread_t t[4];
  int i;

  unlink (path);
  r = open_expect (&base, 0, NULL);
  if (r == NULL)
    return;
  for (i = 0; i < 4; ++i) {
    m[i] = (struct marker) { .r = r, .first = i };
    CHECK_EQ (pthread_create (&t[i], NULL, mark_every_fourth, &m[i]), 0);
  }
  for (i = 0; i < 4; ++i)
    pthread_join (t[i], NULL);
  CHECK_EQ (resume_done_bytes (r), (uint64_t) SIZE);
  CHECK_EQ (resume_save (r), 0);
  CHECK_EQ (resume_remove (r), 0);
  CHECK (access (path, F_OK) == -1 && errno == ENOENT);
  resume_free (r);
  resume_free (open_expect (&base, 0, NULL));
}

int
main (void)
{
  char dir[] = "/tmp/test-resume.XXXXXX";

  if (mkdtemp (dir) == NULL) {
    perror ("mkdtemp");
    return 1;
  }
  snprintf (path, sizeof path, "%s/state", dir);
  test_round_trip ();
  test_other_copy ();
  test_corrupt ();
  test_threads ();
  unlink (path);
  rmdir (dir);
  UNIT_EXIT ();
}
