/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: zstd:FILE as a source.
 *
 * A file with a seek table (what our zstd sink writes, or any seekable
 * zstd) is read like a disk: any part, by many threads at once, through a
 * cache of decoded frames they share (zstd-cache.h).  Frames of
 * zeroes (RLE blocks of 0) are the image's holes, reported as extents, so
 * that a sparse image comes back sparse without decompressing them.  A
 * file without a seek table, or `zstd:-`, is read as a stream
 * (sources/zstd-stream.c).
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <zstd.h>

#include "cleanup.h"
#include "error.h"
#include "extents.h"
#include "fdio.h"
#include "sources.h"
#include "zstd-cache.h"
#include "zstd-internal.h"
#include "zstd/zstd-seek.h"

enum { FRAME_UNKNOWN, FRAME_DATA, FRAME_ZERO };

/* Decoded frames we keep: enough for a server's threads to share a few
 * frames, within 256 MiB for frames of other tools (up to 1 GiB each).
 */
#define CACHE_BUDGET (256 * 1024 * 1024)
#define CACHE_SLOTS 8

/* One handle for all threads: its state is the shared cache. */
struct zstd_src {
  struct backend b;
  int fd;
  struct zseek_table t;
  _Atomic unsigned char *kind;  /* FRAME_*, per frame, learnt lazily */
  struct zcache *cache;
};

bool
zstd_matches (const char *arg)
{
  return arg && strncmp (arg, ZSTD_PREFIX, sizeof ZSTD_PREFIX - 1) == 0;
}

const char *
zstd_file_path (const char *arg)
{
  return zstd_image_path (arg);
}

static int
frame_error (struct zstd_src *z, size_t i, const char *why)
{
  /* The copy names the source and the offset asked for. */
  set_error ("zstd frame %zu (image offset %" PRIu64 "): %s", i,
             z->t.f[i].doffset, why);
  errno = EIO;
  return -1;
}

/* Read frame i's compressed bytes into buf (f->csize bytes). */
static int
read_frame (struct zstd_src *z, size_t i, char *buf)
{
  const struct zseek_frame *f = &z->t.f[i];
  char why[256];

  if (fd_pread_full (z->fd, buf, f->csize, f->coffset) == 0)
    return 0;
  snprintf (why, sizeof why, "%s", last_error (errno));
  return frame_error (z, i, why);
}

/* Is frame i zero?  Only a frame small enough to be RLE blocks can be. */
static int
frame_kind (struct zstd_src *z, size_t i)
{
  const struct zseek_frame *f = &z->t.f[i];
  int k = atomic_load (&z->kind[i]);
  char buf[ZSTD_SEEK_ZERO_FRAME_MAX];

  if (k != FRAME_UNKNOWN)
    return k;
  k = FRAME_DATA;
  if (f->csize <= zseek_zero_frame_bound (f->dsize)) {
    if (read_frame (z, i, buf) == -1)
      return -1;
    if (zseek_is_zero_frame (buf, f->csize, f->dsize))
      k = FRAME_ZERO;
  }
  atomic_store (&z->kind[i], k);
  return k;
}

/* zcache_load_fn: decode frame i into dst. */
static int
load_frame (void *arg, size_t i, char *dst, struct zscratch *s)
{
  struct zstd_src *z = arg;
  const struct zseek_frame *f = &z->t.f[i];
  size_t r;

  if (s->ccap < f->csize) {
    char *p = realloc (s->cbuf, f->csize);
    if (p == NULL)
      return frame_error (z, i, "out of memory");
    s->cbuf = p;
    s->ccap = f->csize;
  }
  if (read_frame (z, i, s->cbuf) == -1)
    return -1;
  r = ZSTD_decompressDCtx (s->dctx, dst, f->dsize, s->cbuf, f->csize);
  if (ZSTD_isError (r))
    return frame_error (z, i, ZSTD_getErrorName (r));
  if (r != f->dsize)
    return frame_error (z, i, "shorter than the seek table says");
  return 0;
}

static int
zstd_pread (struct backend *b, void *buf, uint64_t count, uint64_t offset,
            uint32_t flags)
{
  struct zstd_src *z = (struct zstd_src *) b;

  while (count > 0) {
    size_t i = zseek_find (&z->t, offset);
    const struct zseek_frame *f = &z->t.f[i];
    uint64_t skip = offset - f->doffset;
    uint64_t n = f->dsize - skip < count ? f->dsize - skip : count;
    int k = frame_kind (z, i);

    if (k == -1)
      return -1;
    if (k == FRAME_ZERO)
      memset (buf, 0, n);
    else if (zcache_read (z->cache, i, f->dsize, skip, buf, n,
                          load_frame, z) == -1)
      return -1;
    buf = (char *) buf + n;
    offset += n;
    count -= n;
  }
  return 0;
}

static int
zstd_extents (struct backend *b, uint64_t count, uint64_t offset,
              uint32_t flags, struct extent_list *list)
{
  struct zstd_src *z = (struct zstd_src *) b;
  uint64_t end = offset + count;
  size_t i;

  for (i = zseek_find (&z->t, offset);
       i < z->t.n && z->t.f[i].doffset < end; ++i) {
    const struct zseek_frame *f = &z->t.f[i];
    int k;

    if (f->dsize == 0)
      continue;
    k = frame_kind (z, i);
    if (k == -1 ||
        extents_add (list, f->doffset, f->dsize,
                     k == FRAME_ZERO ? EXTENT_HOLE|EXTENT_ZERO : 0) == -1)
      return -1;
    if (flags & F_REQ_ONE)
      break;
  }
  return 0;
}

static int64_t
zstd_get_size (struct backend *b)
{
  return ((struct zstd_src *) b)->t.image_size;
}

static void
zstd_close (struct backend *b)
{
  struct zstd_src *z = (struct zstd_src *) b;

  if (z->fd >= 0)
    close (z->fd);
  zseek_free_table (&z->t);
  free ((void *) z->kind);
  zcache_free (z->cache);
}

static const struct backend_ops zstd_ops = {
  .name = "zstd",
  .close = zstd_close,
  .get_size = zstd_get_size,
  .can_extents = backend_yes,
  .can_multi_conn = backend_yes,
  .pread = zstd_pread,
  .extents = zstd_extents,
};

static unsigned
cache_slots (const struct zseek_table *t)
{
  uint64_t biggest = 1;
  size_t i;

  for (i = 0; i < t->n; ++i)
    if (t->f[i].dsize > biggest)
      biggest = t->f[i].dsize;
  if (biggest * CACHE_SLOTS <= CACHE_BUDGET)
    return CACHE_SLOTS;
  return CACHE_BUDGET / biggest > 2 ? CACHE_BUDGET / biggest : 2;
}

/* A seekable file: takes fd and t over. */
static struct backend *
open_seekable (int fd, struct zseek_table *t, const char *arg)
{
  struct zstd_src *z = backend_alloc (sizeof *z, &zstd_ops, arg, NULL);

  if (z == NULL) {
    close (fd);
    zseek_free_table (t);
    return NULL;
  }
  z->fd = fd;
  z->t = *t;
  z->kind = calloc (t->n ? t->n : 1, sizeof *z->kind);
  z->cache = zcache_new (cache_slots (t));
  if (z->kind == NULL || z->cache == NULL) {
    set_error_errno ("%s", arg);
    backend_close (&z->b);
    return NULL;
  }
  return backend_ready (&z->b);
}

struct backend *
zstd_source_open (const char *arg, const struct endpoint_opts *opts)
{
  const char *path = zstd_image_path (arg);
  struct zseek_table t;
  struct stat st;
  CLEANUP_CLOSE int fd = -1;
  int r;

  if (*path == '\0') {
    set_error ("%s: no file name after %s", arg, ZSTD_PREFIX);
    errno = EINVAL;
    return NULL;
  }
  if (strcmp (path, "-") == 0)
    fd = fcntl (STDIN_FILENO, F_DUPFD_CLOEXEC, 3);
  else
    fd = open (path, O_RDONLY|O_CLOEXEC|O_NOCTTY);
  if (fd == -1 || fstat (fd, &st) == -1) {
    set_error_errno ("%s", path);
    return NULL;
  }
  if (S_ISDIR (st.st_mode)) {
    set_error ("%s: is a directory", path);
    errno = EISDIR;
    return NULL;
  }
  r = S_ISREG (st.st_mode) ? zseek_read_table (fd, st.st_size, arg, &t) : 0;
  if (r == -1)
    return NULL;
  if (r == 1)
    return open_seekable (TAKE_FD (fd), &t, arg);
  return zstd_stream_open (TAKE_FD (fd), arg);
}
