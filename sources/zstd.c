/* nbdferry: zstd:FILE as a source.
 *
 * A file with a seek table (what our zstd sink writes, or any seekable
 * zstd) is read like a disk: any part, by many workers at once, each with
 * its own decompression context and its last frame cached.  Frames of
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
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <zstd.h>

#include "cleanup.h"
#include "error.h"
#include "extents.h"
#include "sources.h"
#include "zstd-internal.h"
#include "zstd-seek.h"

enum { FRAME_UNKNOWN, FRAME_DATA, FRAME_ZERO };

struct zstd_shared {
  atomic_uint refs;
  int fd;
  struct zseek_table t;
  _Atomic unsigned char *kind;  /* FRAME_*, per frame, learnt lazily */
};

/* One handle per copy worker (dup); the server shares one between its
 * threads, so the handle's context and cache are under a lock.
 */
struct zstd_src {
  struct backend b;
  struct zstd_shared *sh;
  pthread_mutex_t lock;
  ZSTD_DCtx *dctx;
  char *cbuf, *dbuf;            /* a compressed frame, the cached frame */
  size_t ccap, dcap;
  size_t cached;                /* frame in dbuf, or SIZE_MAX */
};

bool
zstd_matches (const char *arg)
{
  return arg && strncmp (arg, ZSTD_PREFIX, sizeof ZSTD_PREFIX - 1) == 0;
}

const char *
zstd_file_path (const char *arg)
{
  const char *path = zstd_image_path (arg);
  return strcmp (path, "-") == 0 ? NULL : path;
}

static int
grow (char **buf, size_t *cap, size_t want)
{
  char *p;

  if (want <= *cap)
    return 0;
  p = realloc (*buf, want);
  if (p == NULL)
    return -1;
  *buf = p;
  *cap = want;
  return 0;
}

static int
frame_error (struct zstd_src *z, size_t i, const char *why)
{
  /* The copy names the source and the offset asked for. */
  set_error ("zstd frame %zu (image offset %" PRIu64 "): %s", i,
             z->sh->t.f[i].doffset, why);
  errno = EIO;
  return -1;
}

/* Read frame i's compressed bytes into cbuf. */
static int
read_frame (struct zstd_src *z, size_t i)
{
  const struct zseek_frame *f = &z->sh->t.f[i];
  size_t done = 0;

  if (grow (&z->cbuf, &z->ccap, f->csize) == -1)
    return frame_error (z, i, "out of memory");
  while (done < f->csize) {
    ssize_t r = pread (z->sh->fd, z->cbuf + done, f->csize - done,
                       f->coffset + done);
    if (r == -1 && errno == EINTR)
      continue;
    if (r <= 0)
      return frame_error (z, i, r == 0 ? "the file is truncated"
                          : strerror (errno));
    done += r;
  }
  return 0;
}

/* Is frame i zero?  Only a frame small enough to be RLE blocks can be. */
static int
frame_kind (struct zstd_src *z, size_t i)
{
  const struct zseek_frame *f = &z->sh->t.f[i];
  int k = atomic_load (&z->sh->kind[i]);

  if (k != FRAME_UNKNOWN)
    return k;
  k = FRAME_DATA;
  if (f->csize <= zseek_zero_frame_bound (f->dsize)) {
    if (read_frame (z, i) == -1)
      return -1;
    if (zseek_is_zero_frame (z->cbuf, f->csize, f->dsize))
      k = FRAME_ZERO;
  }
  atomic_store (&z->sh->kind[i], k);
  return k;
}

/* Decompress frame i into dst (f->dsize bytes). */
static int
decompress_frame (struct zstd_src *z, size_t i, char *dst)
{
  const struct zseek_frame *f = &z->sh->t.f[i];
  int k = frame_kind (z, i);
  size_t r;

  if (k == -1)
    return -1;
  if (k == FRAME_ZERO) {
    memset (dst, 0, f->dsize);
    return 0;
  }
  if (read_frame (z, i) == -1)
    return -1;
  r = ZSTD_decompressDCtx (z->dctx, dst, f->dsize, z->cbuf, f->csize);
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
  const struct zseek_table *t = &z->sh->t;
  LOCK_IN_SCOPE (&z->lock);

  while (count > 0) {
    size_t i = zseek_find (t, offset);
    const struct zseek_frame *f = &t->f[i];
    uint64_t skip = offset - f->doffset;
    uint64_t n = f->dsize - skip < count ? f->dsize - skip : count;

    if (skip == 0 && n == f->dsize) {   /* a whole frame: no copy */
      if (decompress_frame (z, i, buf) == -1)
        return -1;
    }
    else {
      if (z->cached != i) {
        z->cached = SIZE_MAX;
        if (grow (&z->dbuf, &z->dcap, f->dsize) == -1)
          return frame_error (z, i, "out of memory");
        if (decompress_frame (z, i, z->dbuf) == -1)
          return -1;
        z->cached = i;
      }
      memcpy (buf, z->dbuf + skip, n);
    }
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
  const struct zseek_table *t = &z->sh->t;
  uint64_t end = offset + count;
  size_t i;
  LOCK_IN_SCOPE (&z->lock);

  for (i = zseek_find (t, offset); i < t->n && t->f[i].doffset < end; ++i) {
    const struct zseek_frame *f = &t->f[i];
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
  return ((struct zstd_src *) b)->sh->t.image_size;
}

static void
shared_put (struct zstd_shared *sh)
{
  if (atomic_fetch_sub (&sh->refs, 1) != 1)
    return;
  close (sh->fd);
  zseek_free_table (&sh->t);
  free ((void *) sh->kind);
  free (sh);
}

static void
zstd_close (struct backend *b)
{
  struct zstd_src *z = (struct zstd_src *) b;

  ZSTD_freeDCtx (z->dctx);
  free (z->cbuf);
  free (z->dbuf);
  pthread_mutex_destroy (&z->lock);
  if (z->sh)
    shared_put (z->sh);
}

static struct backend *handle_new (struct zstd_shared *sh, const char *name);

/* Each worker gets its own handle: its own context and cached frame. */
static struct backend *
zstd_dup (struct backend *b)
{
  return handle_new (((struct zstd_src *) b)->sh, b->name);
}

static const struct backend_ops zstd_ops = {
  .name = "zstd",
  .close = zstd_close,
  .dup = zstd_dup,
  .get_size = zstd_get_size,
  .can_extents = backend_yes,
  .can_multi_conn = backend_yes,
  .pread = zstd_pread,
  .extents = zstd_extents,
};

static struct backend *
handle_new (struct zstd_shared *sh, const char *name)
{
  struct zstd_src *z = backend_alloc (sizeof *z, &zstd_ops, name, NULL);

  if (z == NULL)
    return NULL;
  z->cached = SIZE_MAX;
  pthread_mutex_init (&z->lock, NULL);
  z->dctx = ZSTD_createDCtx ();
  if (z->dctx == NULL) {
    set_error ("%s: cannot make a zstd context", name);
    errno = ENOMEM;
    backend_close (&z->b);
    return NULL;
  }
  atomic_fetch_add (&sh->refs, 1);
  z->sh = sh;
  return &z->b;
}

/* A seekable file: its table, then the first handle. */
static struct backend *
open_seekable (int fd, struct zseek_table *t, const char *arg)
{
  struct zstd_shared *sh = calloc (1, sizeof *sh);
  struct backend *b;

  if (sh)
    sh->kind = calloc (t->n ? t->n : 1, sizeof *sh->kind);
  if (sh == NULL || sh->kind == NULL) {
    set_error_errno ("%s", arg);
    free (sh);
    close (fd);
    zseek_free_table (t);
    return NULL;
  }
  atomic_init (&sh->refs, 1);   /* ours until the first handle has one */
  sh->fd = fd;
  sh->t = *t;
  b = handle_new (sh, arg);
  shared_put (sh);
  return b ? backend_ready (b) : NULL;
}

struct backend *
zstd_source_open (const char *arg, const struct endpoint_opts *opts)
{
  const char *path = zstd_image_path (arg);
  struct zseek_table t;
  struct stat st;
  int fd, r;

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
    if (fd >= 0)
      close (fd);
    return NULL;
  }
  if (S_ISDIR (st.st_mode)) {
    set_error ("%s: is a directory", path);
    errno = EISDIR;
    close (fd);
    return NULL;
  }
  r = S_ISREG (st.st_mode) ? zseek_read_table (fd, st.st_size, arg, &t) : 0;
  if (r == -1) {
    close (fd);
    return NULL;
  }
  if (r == 1)
    return open_seekable (fd, &t, arg);
  return zstd_stream_open (fd, arg);
}
