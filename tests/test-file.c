/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit test: the file backend (engine/file*.c) driven directly: extents of
 * a sparse file, init flags, the zeroing cascade, FAST_ZERO, and an
 * O_DIRECT libaio round trip.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "backend.h"
#include "error.h"
#include "extents.h"
#include "file/file.h"
#include "unit.h"

#define MiB (UINT64_C(1) << 20)

static char dir[] = "/var/tmp/test-file.XXXXXX";

/* Make dir/name of size bytes with data at the listed (offset, length). */
static char *
make_file (const char *name, uint64_t size, const uint64_t *data, size_t n)
{
  char *path;
  char *buf;
  size_t i;
  int fd;

  if (asprintf (&path, "%s/%s", dir, name) == -1)
    abort ();
  fd = open (path, O_RDWR|O_CREAT|O_TRUNC, 0644);
  if (fd == -1 || ftruncate (fd, size) == -1)
    abort ();
  for (i = 0; i < n; i += 2) {
    buf = malloc (data[i+1]);
    memset (buf, 0xa5, data[i+1]);
    if (pwrite (fd, buf, data[i+1], data[i]) != (ssize_t) data[i+1])
      abort ();
    free (buf);
  }
  fsync (fd);
  close (fd);
  return path;
}

static struct backend *
open_file (const char *path, int flags, bool created, bool allocated)
{
  struct file_params p = { .created = created, .allocated = allocated,
                           .size = -1 };
  int fd = open (path, flags|O_CLOEXEC);

  if (fd == -1)
    return NULL;
  return file_backend_open (fd, path, &p);
}

static uint64_t
allocated_bytes (const char *path)
{
  struct stat st;
  if (stat (path, &st) == -1)
    abort ();
  return (uint64_t) st.st_blocks * 512;
}

/* No hole in [offset, offset+count): the blocks stayed allocated. */
static bool
no_hole_in (const char *path, uint64_t offset, uint64_t count)
{
  int fd = open (path, O_RDONLY);
  off_t hole = lseek (fd, offset, SEEK_HOLE);

  close (fd);
  return hole >= (off_t) (offset + count);
}

static bool
reads_zero (struct backend *b, uint64_t count, uint64_t offset)
{
  char *buf = malloc (count);
  bool zero = backend_pread (b, buf, count, offset, 0) == 0;
  uint64_t i;

  for (i = 0; zero && i < count; ++i)
    zero = buf[i] == 0;
  free (buf);
  return zero;
}

static void
test_extents (void)
{
  const uint64_t data[] = { 1 * MiB, 64 * 1024, 5 * MiB, MiB };
  char *path = make_file ("sparse", 10 * MiB, data, 4);
  struct backend *b = open_file (path, O_RDONLY, false, false);
  struct extent_list l;

  CHECK (b != NULL);
  if (b == NULL)
    return;
  CHECK (b->size == (int64_t) (10 * MiB));
  CHECK (b->can_extents);
  CHECK (!b->can_write);
  CHECK (b->init == INIT_SPARSE);
  CHECK (b->bs[BS_MINIMUM] == 1);
  CHECK (!b->has_aio);

  extents_init (&l, 0, 10 * MiB);
  CHECK (extents_fill (b, 0, 10 * MiB, &l) == 0);
  CHECK (l.len == 5);
  if (l.len == 5) {
    CHECK (l.ptr[0].offset == 0 && l.ptr[0].length == MiB &&
           l.ptr[0].type == (EXTENT_HOLE|EXTENT_ZERO));
    CHECK (l.ptr[1].offset == MiB && l.ptr[1].length == 64 * 1024 &&
           l.ptr[1].type == 0);
    CHECK (l.ptr[2].type == (EXTENT_HOLE|EXTENT_ZERO) &&
           l.ptr[2].length == 4 * MiB - 64 * 1024);
    CHECK (l.ptr[3].offset == 5 * MiB && l.ptr[3].length == MiB &&
           l.ptr[3].type == 0);
    CHECK (l.ptr[4].offset == 6 * MiB && l.ptr[4].length == 4 * MiB &&
           l.ptr[4].type == (EXTENT_HOLE|EXTENT_ZERO));
  }

  /* REQ_ONE: just the extent at the offset, within the range asked. */
  extents_reset (&l, 0, 10 * MiB);
  CHECK (backend_extents (b, 10 * MiB, 0, F_REQ_ONE, &l) == 0);
  CHECK (l.len == 1 && l.ptr[0].length == MiB);

  /* A small range inside a data extent: one data extent, clipped. */
  extents_reset (&l, MiB + 4096, MiB + 12288);
  CHECK (backend_extents (b, 8192, MiB + 4096, 0, &l) == 0);
  CHECK (l.len == 1 && l.ptr[0].offset == MiB + 4096 &&
         l.ptr[0].length == 8192 && l.ptr[0].type == 0);

  /* The trailing hole, asked from its middle. */
  extents_reset (&l, 8 * MiB, 10 * MiB);
  CHECK (backend_extents (b, 2 * MiB, 8 * MiB, 0, &l) == 0);
  CHECK (l.len == 1 && l.ptr[0].type == (EXTENT_HOLE|EXTENT_ZERO) &&
         extents_covered_end (&l) == 10 * MiB);

  extents_free (&l);
  backend_close (b);
  unlink (path);
  free (path);
}

static void
test_init_flags (void)
{
  const uint64_t all[] = { 0, MiB };
  char *dense = make_file ("dense", MiB, all, 2);
  char *empty = make_file ("empty", 4 * MiB, NULL, 0);
  char *zero = make_file ("zero-size", 0, NULL, 0);
  struct backend *b;

  b = open_file (dense, O_RDONLY, false, false);
  CHECK (b && b->init == 0);
  backend_close (b);
  /* A file the sink created or truncated reads as zero. */
  b = open_file (dense, O_RDWR, true, false);
  CHECK (b && b->init == (INIT_ZERO|INIT_SPARSE));
  backend_close (b);
  b = open_file (empty, O_RDONLY, false, false);
  CHECK (b && b->init == (INIT_ZERO|INIT_SPARSE));
  backend_close (b);
  b = open_file (zero, O_RDONLY, false, false);
  CHECK (b && b->size == 0 && (b->init & INIT_ZERO));
  backend_close (b);

  unlink (dense); unlink (empty); unlink (zero);
  free (dense); free (empty); free (zero);
}

static void
test_zero (void)
{
  const uint64_t all[] = { 0, 4 * MiB };
  char *path = make_file ("zero", 4 * MiB, all, 2);
  struct backend *b = open_file (path, O_RDWR, false, false);
  uint64_t before, after;

  CHECK (b && b->can_zero && b->can_fast_zero && b->can_trim &&
         b->can_write && b->can_flush && b->can_multi_conn);
  if (!b)
    return;
  before = allocated_bytes (path);
  CHECK (before >= 4 * MiB);

  /* MAY_TRIM punches: the allocation shrinks and the range reads zero. */
  CHECK (backend_zero (b, MiB, MiB, F_MAY_TRIM) == 0);
  after = allocated_bytes (path);
  CHECK (after <= before - MiB);
  CHECK (reads_zero (b, MiB, MiB));
  CHECK (!reads_zero (b, 4096, 0));

  /* Without MAY_TRIM: zeroes, allocation kept (ZERO_RANGE). */
  before = allocated_bytes (path);
  CHECK (backend_zero (b, MiB, 2 * MiB, 0) == 0);
  CHECK (reads_zero (b, MiB, 2 * MiB));
  CHECK (allocated_bytes (path) == before);

  /* Unaligned: partial blocks are zeroed exactly. */
  CHECK (backend_zero (b, 1000, 3 * MiB + 10, F_MAY_TRIM) == 0);
  CHECK (reads_zero (b, 1000, 3 * MiB + 10));
  CHECK (!reads_zero (b, 10, 3 * MiB));
  CHECK (!reads_zero (b, 1, 3 * MiB + 1010));

  /* FAST_ZERO works where the file system zeroes cheaply (ext4, xfs). */
  CHECK (backend_zero (b, 4096, 0, F_FAST_ZERO) == 0);
  CHECK (reads_zero (b, 4096, 0));

  /* Trim punches too. */
  before = allocated_bytes (path);
  CHECK (backend_trim (b, 64 * 1024, 3 * MiB + 512 * 1024, 0) == 0);
  CHECK (allocated_bytes (path) < before);
  CHECK (backend_flush (b, 0) == 0);
  backend_close (b);

  /* --allocated: MAY_TRIM does not punch, trim does nothing. */
  b = open_file (path, O_RDWR, false, true);
  CHECK (b != NULL);
  if (b) {
    CHECK (backend_pwrite (b, "x", 1, 0, 0) == 0);
    CHECK (backend_zero (b, MiB, 0, F_MAY_TRIM) == 0);
    CHECK (reads_zero (b, MiB, 0));
    CHECK (no_hole_in (path, 0, MiB));
    CHECK (backend_trim (b, MiB, 0, 0) == 0);
    CHECK (no_hole_in (path, 0, MiB));
    backend_close (b);
  }
  unlink (path);
  free (path);
}

/* tmpfs punches holes but has no ZERO_RANGE: FAST_ZERO without MAY_TRIM
 * must fail with ENOTSUP and leave the data alone; plain zero falls back.
 */
static void
test_fast_zero_tmpfs (void)
{
  char path[] = "/dev/shm/test-file.XXXXXX";
  char buf[8192];
  struct backend *b;
  int fd = mkstemp (path);
  struct file_params p = { .size = -1 };

  if (fd == -1) {
    UNIT_SKIP ("tmpfs FAST_ZERO test: /dev/shm: %m");
    return;
  }
  memset (buf, 0x5a, sizeof buf);
  if (pwrite (fd, buf, sizeof buf, 0) != sizeof buf)
    abort ();
  b = file_backend_open (fd, path, &p);
  CHECK (b != NULL);
  if (b) {
    errno = 0;
    CHECK (backend_zero (b, 4096, 0, F_FAST_ZERO) == -1 && errno == ENOTSUP);
    CHECK (!reads_zero (b, 4096, 0));
    /* Twice: the second answer comes from the remembered failure. */
    CHECK (backend_zero (b, 4096, 0, F_FAST_ZERO) == -1 && errno == ENOTSUP);
    CHECK (backend_zero (b, 4096, 0, F_FAST_ZERO|F_MAY_TRIM) == 0);
    CHECK (reads_zero (b, 4096, 0));
    CHECK (backend_zero (b, 4096, 4096, 0) == 0);
    CHECK (reads_zero (b, 4096, 4096));
    backend_close (b);
  }
  unlink (path);
}

struct done_flag {
  struct completion c;
  int calls, err;
};

static void
set_done (struct completion *c, int err)
{
  struct done_flag *d = (struct done_flag *) c;
  d->calls++;
  d->err = err;
}

static void
wait_for (struct backend *b, struct done_flag *d)
{
  while (d->calls == 0) {
    short events;
    int fd = backend_aio_get_fd (b, &events);
    struct pollfd pfd = { .fd = fd, .events = events };
    if (fd == -1)
      break;
    CHECK (poll (&pfd, 1, 10000) == 1);
    CHECK (backend_aio_notify (b, pfd.revents) == 0);
  }
}

static void
test_direct (void)
{
  char *path = make_file ("direct", 2 * MiB, NULL, 0);
  struct backend *b = open_file (path, O_RDWR|O_DIRECT, false, false);
  struct backend *d;
  struct done_flag w = { .c.done = set_done }, r = { .c.done = set_done };
  void *out, *in;
  uint64_t i;

  CHECK (b != NULL);
  if (b == NULL) {
    fprintf (stderr, "O_DIRECT open failed: %s\n", last_error (errno));
    return;
  }
  CHECK (b->has_aio);
  CHECK (b->bs[BS_MINIMUM] >= 512);
  d = backend_dup (b);
  CHECK (d != NULL && d != b && d->has_aio && d->size == b->size);

  if (posix_memalign (&out, 4096, MiB) || posix_memalign (&in, 4096, MiB))
    abort ();
  for (i = 0; i < MiB; ++i)
    ((unsigned char *) out)[i] = i * 7 + 3;

  CHECK (backend_aio_pwrite (d, out, MiB, MiB, 0, &w.c) == 0);
  CHECK (backend_aio_in_flight (d) <= 1);
  wait_for (d, &w);
  CHECK (w.calls == 1 && w.err == 0);
  CHECK (backend_aio_in_flight (d) == 0);

  CHECK (backend_aio_pread (b, in, MiB, MiB, 0, &r.c) == 0);
  wait_for (b, &r);
  CHECK (r.calls == 1 && r.err == 0);
  CHECK (memcmp (in, out, MiB) == 0);

  /* An unaligned buffer bounces through the synchronous path, also when
   * submitted asynchronously.
   */
  r.calls = 0;
  CHECK (backend_aio_pread (b, (char *) in + 8, 4096, MiB, 0, &r.c) == 0);
  wait_for (b, &r);
  CHECK (r.calls == 1 && r.err == 0);
  CHECK (memcmp ((char *) in + 8, out, 4096) == 0);
  memset (in, 0, MiB);
  CHECK (backend_pread (d, (char *) in + 1, 4096, MiB, 0) == 0);
  CHECK (memcmp ((char *) in + 1, out, 4096) == 0);

  /* Writing zeroes as a fallback must use aligned buffers too. */
  CHECK (backend_zero (d, 4096, MiB, 0) == 0);
  CHECK (reads_zero (b, 4096, MiB));

  free (out);
  free (in);
  backend_close (d);
  backend_close (b);

  /* An unaligned size cannot be read directly: falls back to buffered. */
  {
    const uint64_t one[] = { 0, 4097 };
    char *odd = make_file ("odd", 4097, one, 2);
    b = open_file (odd, O_RDONLY|O_DIRECT, false, false);
    CHECK (b && !b->has_aio && b->bs[BS_MINIMUM] == 1);
    backend_close (b);
    unlink (odd);
    free (odd);
  }
  unlink (path);
  free (path);
}

/* A loop device (root only): punch is the fast zero, BLKZEROOUT the slow
 * one, unaligned ends of a buffered zero are written, BLKDISCARD trims.
 */
static void
test_device (void)
{
  char *backing = make_file ("backing", 8 * MiB, (const uint64_t[]) { 0, 8 * MiB }, 2);
  char cmd[256], dev[64] = "";
  struct backend *b;
  FILE *fp;

  if (getuid () != 0) {
    UNIT_SKIP ("device tests: not root");
    goto out;
  }
  snprintf (cmd, sizeof cmd, "losetup -f --show %s 2>/dev/null", backing);
  fp = popen (cmd, "r");
  if (fp == NULL || fgets (dev, sizeof dev, fp) == NULL) {
    UNIT_SKIP ("device tests: losetup failed");
    if (fp)
      pclose (fp);
    goto out;
  }
  pclose (fp);
  dev[strcspn (dev, "\n")] = '\0';

  b = open_file (dev, O_RDWR, false, false);
  CHECK (b != NULL);
  if (b) {
    CHECK (b->size == (int64_t) (8 * MiB) && b->init == 0 && !b->can_extents);
    CHECK (b->can_zero && b->can_fast_zero && b->can_trim);
    /* Fast zero is a punch: the loop device punches its backing file. */
    CHECK (backend_zero (b, MiB, MiB, F_FAST_ZERO|F_MAY_TRIM) == 0);
    CHECK (reads_zero (b, MiB, MiB));
    CHECK (!no_hole_in (backing, MiB, MiB));
    /* Fast without MAY_TRIM: only slow methods are left. */
    errno = 0;
    CHECK (backend_zero (b, MiB, 3 * MiB, F_FAST_ZERO) == -1 &&
           errno == ENOTSUP);
    CHECK (!reads_zero (b, 4096, 3 * MiB));
    CHECK (backend_zero (b, MiB, 3 * MiB, 0) == 0);
    CHECK (reads_zero (b, MiB, 3 * MiB));
    /* Unaligned (buffered): the ends are written exactly. */
    CHECK (backend_zero (b, 5000, 5 * MiB + 100, F_MAY_TRIM) == 0);
    CHECK (reads_zero (b, 5000, 5 * MiB + 100));
    CHECK (!reads_zero (b, 100, 5 * MiB));
    CHECK (!reads_zero (b, 1, 5 * MiB + 5100));
    CHECK (backend_trim (b, MiB, 6 * MiB, 0) == 0);
    CHECK (backend_flush (b, 0) == 0);
    backend_close (b);
  }
  /* O_DIRECT on a device: the sector size is the minimum. */
  b = open_file (dev, O_RDONLY|O_DIRECT, false, false);
  CHECK (b && b->has_aio && b->bs[BS_MINIMUM] >= 512);
  backend_close (b);

  snprintf (cmd, sizeof cmd, "losetup -d %s", dev);
  CHECK (system (cmd) == 0);
 out:
  unlink (backing);
  free (backing);
}

static void
test_errors (void)
{
  struct backend *b;
  char buf[16];
  const uint64_t one[] = { 0, 32 };
  char *path = make_file ("short", 32, one, 2);

  /* A file that shrinks under us: reading past its new end is an error,
   * not made-up data.  (Past the size it had at open, the dispatcher
   * refuses the request itself: tests/test-contract.c.)
   */
  b = open_file (path, O_RDONLY, false, false);
  CHECK (b != NULL);
  if (b) {
    CHECK (truncate (path, 16) == 0);
    CHECK (backend_pread (b, buf, 16, 0, 0) == 0);
    errno = 0;
    CHECK (backend_pread (b, buf, 16, 8, 0) == -1 && errno == EIO);
    backend_close (b);
  }
  unlink (path);
  free (path);
}

int
main (void)
{
  if (mkdtemp (dir) == NULL) {
    perror ("mkdtemp");
    return 1;
  }
  test_extents ();
  test_init_flags ();
  test_zero ();
  test_fast_zero_tmpfs ();
  test_direct ();
  test_device ();
  test_errors ();
  rmdir (dir);
  UNIT_EXIT ();
}
