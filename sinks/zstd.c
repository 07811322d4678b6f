/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: zstd:FILE as a sink, a compressed image in the seekable format.
 *
 * Written once and in order (the engine's stream path), so the file grows
 * by whole frames: each ZSTD_SEEK_FRAME bytes of the image become one
 * independent frame, and finish() writes the last, shorter frame and the
 * seek table.  A frame that is all zero (holes, zero requests, or data that
 * happens to be zero) is written as RLE blocks without compressing
 * anything, so a sparse image costs its data.  Frames compress in
 * parallel on every CPU (zstd-pool.h).  `zstd -d` reads the result.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <zstd.h>

#include "cleanup.h"
#include "error.h"
#include "fdio.h"
#include "sinks.h"
#include "stream/stream.h"
#include "vector.h"
#include "file/writeback.h"
#include "zstd-pool.h"
#include "zstd/zstd-seek.h"

#define ZSTD_LEVEL 3            /* zstd's own default */

DEFINE_VECTOR_TYPE (u32_vector, uint32_t);

struct zstd_sink {
  struct backend b;
  int fd;
  struct zpool *pool;           /* compresses frames on every CPU */
  /* The frame being filled, from its first data on: until then its fill
   * bytes are all zero and it needs no buffer.
   */
  char *frame;
  uint32_t fill;                /* image bytes in it */
  uint64_t pos;                 /* image bytes taken so far */
  uint64_t written;             /* bytes of the file so far */
  struct writeback wb;          /* page-cache hygiene, as for files */
  struct writeback_error wb_err;
  struct u32_vector csize, dsize;       /* the seek table so far */
};

static int
write_all (struct zstd_sink *z, const void *buf, size_t count)
{
  if (fd_write_full (z->fd, buf, count) == -1) {
    set_error_errno ("write");
    return -1;
  }
  z->written += count;
  return writeback_add (&z->wb, z->written - count, count);
}

static int
add_entry (struct zstd_sink *z, uint32_t csize, uint32_t dsize)
{
  if (u32_vector_append (&z->csize, csize) == -1)
    goto err;
  if (u32_vector_append (&z->dsize, dsize) == -1) {
    z->csize.len--;             /* the two stay the same length */
    goto err;
  }
  return 0;
 err:
  set_error_errno ("seek table");
  return -1;
}

/* zpool_emit_fn: a finished frame, in order. */
static int
write_frame (void *arg, const void *buf, size_t len, uint32_t dsize)
{
  struct zstd_sink *z = arg;

  if (write_all (z, buf, len) == -1 || add_entry (z, len, dsize) == -1)
    return -1;
  return 0;
}

/* Hand the frame being filled to the pool and start the next.  A frame
 * that only ever saw zeroes still takes its turn (and a buffer it does not
 * touch), so that frames stay in order.
 */
static int
end_frame (struct zstd_sink *z)
{
  const bool zero = z->frame == NULL;

  if (z->fill == 0)
    return 0;
  if (zero && (z->frame = zpool_buffer (z->pool)) == NULL)
    return -1;
  if (zpool_submit (z->pool, z->fill, zero) == -1)
    return -1;
  z->frame = NULL;
  z->fill = 0;
  return 0;
}

/* Take count image bytes: from buf, or zeroes when buf is NULL. */
static int
take (struct zstd_sink *z, const char *buf, uint64_t count)
{
  while (count > 0) {
    uint32_t n = ZSTD_SEEK_FRAME - z->fill;

    if (n > count)
      n = count;
    if (buf) {
      if (z->frame == NULL) {   /* the first data: now it needs a buffer */
        if ((z->frame = zpool_buffer (z->pool)) == NULL)
          return -1;
        memset (z->frame, 0, z->fill);
      }
      memcpy (z->frame + z->fill, buf, n);
      buf += n;
    }
    else if (z->frame)
      memset (z->frame + z->fill, 0, n);
    z->fill += n;
    z->pos += n;
    count -= n;
    if (z->fill == ZSTD_SEEK_FRAME && end_frame (z) == -1)
      return -1;
  }
  return 0;
}

/* Reach offset: a gap is zeroes; going back is a bug in the caller. */
static int
seek_to (struct zstd_sink *z, uint64_t offset)
{
  if (offset < z->pos)
    return stream_out_of_order (&z->b, "write", offset, z->pos);
  return take (z, NULL, offset - z->pos);
}

static int
zstd_pwrite (struct backend *b, const void *buf, uint64_t count,
             uint64_t offset, uint32_t flags)
{
  struct zstd_sink *z = (struct zstd_sink *) b;

  if (seek_to (z, offset) == -1)
    return -1;
  return take (z, buf, count);
}

static int
zstd_zero (struct backend *b, uint64_t count, uint64_t offset, uint32_t flags)
{
  struct zstd_sink *z = (struct zstd_sink *) b;

  if (flags & F_FAST_ZERO) {
    errno = ENOTSUP;
    return -1;
  }
  return seek_to (z, offset + count);
}

static int
zstd_extend (struct backend *b, uint64_t size)
{
  return seek_to ((struct zstd_sink *) b, size);
}

static int
zstd_finish (struct backend *b)
{
  struct zstd_sink *z = (struct zstd_sink *) b;
  CLEANUP_FREE void *table = NULL;
  size_t len;

  if (end_frame (z) == -1 || zpool_drain (z->pool) == -1)
    return -1;
  table = zseek_encode_table (z->csize.ptr, z->dsize.ptr, z->csize.len,
                             &len);
  if (table == NULL) {
    set_error_errno ("seek table");
    return -1;
  }
  /* The last frames and the table reach the disk, or the copy fails. */
  if (write_all (z, table, len) == -1)
    return -1;
  return writeback_drain (&z->wb);
}

static int
zstd_flush (struct backend *b, uint32_t flags)
{
  struct zstd_sink *z = (struct zstd_sink *) b;

  if (stream_sync (z->fd) == -1)
    return -1;
  return writeback_check (&z->wb_err);
}

static void
zstd_close (struct backend *b)
{
  struct zstd_sink *z = (struct zstd_sink *) b;

  zpool_free (z->pool);         /* its threads stop first */
  writeback_finish (&z->wb);
  writeback_error_destroy (&z->wb_err);
  if (z->fd >= 0)
    close (z->fd);
  u32_vector_reset (&z->csize);
  u32_vector_reset (&z->dsize);
}

static const struct backend_ops zstd_sink_ops = {
  .name = "zstd",
  .close = zstd_close,
  .get_size = stream_get_size,
  .is_stream = backend_yes,
  .can_write = backend_yes,
  .can_zero = backend_yes,
  .can_flush = backend_yes,
  .pwrite = zstd_pwrite,
  .zero = zstd_zero,
  .flush = zstd_flush,
  .extend = zstd_extend,
  .finish = zstd_finish,
};

static int
open_file (const char *path)
{
  int fd;

  if (strcmp (path, "-") == 0)
    return stdout_dup ();
  fd = open (path, O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC|O_NOCTTY, 0644);
  if (fd == -1) {
    if (errno == EISDIR)
      set_error ("%s: is a directory", path);
    else
      set_error_errno ("%s", path);
  }
  return fd;
}

struct backend *
zstd_sink_open (const char *arg, const struct endpoint_opts *opts)
{
  const char *path = zstd_image_path (arg);
  long cpus = sysconf (_SC_NPROCESSORS_ONLN);
  CLEANUP_BACKEND struct backend *b = NULL;
  struct zstd_sink *z;
  struct stat st;

  if (*path == '\0') {
    set_error ("%s: no file name after %s", arg, ZSTD_PREFIX);
    errno = EINVAL;
    return NULL;
  }
  if (opts->patch) {
    set_error ("%s: a delta copy patches the destination in place, and a "
               "compressed image cannot be patched", arg);
    errno = EINVAL;
    return NULL;
  }
  if (opts->in_place) {         /* nbdferry serve: clients write anywhere */
    set_error ("%s: a zstd image can only be served read-only", arg);
    errno = EINVAL;
    return NULL;
  }
  z = backend_alloc (sizeof *z, &zstd_sink_ops, arg, NULL);
  if (z == NULL)
    return NULL;
  b = &z->b;
  z->fd = -1;
  writeback_error_init (&z->wb_err);
  writeback_init (&z->wb, -1, &z->wb_err);
  z->pool = zpool_new (cpus > 0 ? cpus : 1, ZSTD_LEVEL, ZSTD_SEEK_FRAME,
                       write_frame, z);
  if (z->pool == NULL) {
    set_error_errno ("%s", arg);
    return NULL;
  }
  z->fd = open_file (path);
  if (z->fd == -1)
    return NULL;
  if (fstat (z->fd, &st) == 0 && (S_ISREG (st.st_mode) || S_ISBLK (st.st_mode)))
    z->wb.fd = z->fd;           /* not for a pipe */
  return backend_ready (TAKE_PTR (b));
}
