/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: a zstd file without a seek table (plain `zstd` output), or a
 * pipe, as a stream source: decompressed once, in order, its size known at
 * its end.  Skippable frames (a seek table among them) are skipped.
 */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

#include "cleanup.h"
#include "error.h"
#include "stream/stream.h"
#include "zstd-internal.h"
#include "zstd/zstd-seek.h"

struct zstd_stream {
  struct backend b;
  int fd;
  ZSTD_DCtx *dctx;
  char *in;
  size_t in_cap;
  ZSTD_inBuffer input;
  uint64_t pos;                 /* image bytes returned so far */
  size_t hint;                  /* 0: between frames */
  bool eof;
};

/* More input; false at the end of the file. */
static int
refill (struct zstd_stream *z)
{
  ssize_t r;

  do
    r = read (z->fd, z->in, z->in_cap);
  while (r == -1 && errno == EINTR);
  if (r == -1) {
    set_error_errno ("read");
    return -1;
  }
  z->input = (ZSTD_inBuffer) { z->in, r, 0 };
  z->eof = r == 0;
  return 0;
}

/* Returns the bytes made: fewer than count only at the end of the image. */
static int
zstd_stream_pread (struct backend *b, void *buf, uint64_t count,
                   uint64_t offset, uint32_t flags)
{
  struct zstd_stream *z = (struct zstd_stream *) b;
  ZSTD_outBuffer out = { buf, count, 0 };

  if (offset != z->pos)
    return stream_out_of_order (b, "read", offset, z->pos);
  while (out.pos < out.size) {
    size_t before = out.pos, in_before, r;

    if (z->input.pos == z->input.size && !z->eof && refill (z) == -1)
      return -1;
    in_before = z->input.pos;

    /* Also with no input left: libzstd may hold output back. */
    r = ZSTD_decompressStream (z->dctx, &out, &z->input);
    if (ZSTD_isError (r)) {
      set_error ("image offset %" PRIu64 ": %s",
                 z->pos + out.pos, ZSTD_getErrorName (r));
      errno = EIO;
      return -1;
    }
    if (out.pos == before && z->input.pos == in_before) {
      if (z->eof)
        break;
      continue;
    }
    z->hint = r;                /* 0: a frame just ended */
  }
  if (z->eof && z->hint != 0) {
    set_error ("truncated: the last frame ends early (image offset %"
               PRIu64 ")", z->pos + out.pos);
    errno = EIO;
    return -1;
  }
  z->pos += out.pos;
  return out.pos;
}

/* Read the first input now and check it starts a frame, so that a file
 * that is not zstd fails at open, before the destination is touched.
 */
static int
check_start (struct zstd_stream *z, const char *name)
{
  const unsigned char *p = (const unsigned char *) z->in;
  uint32_t magic;

  if (refill (z) == -1)
    return -1;
  while (z->input.size < 4 && !z->eof) {
    ssize_t r = read (z->fd, z->in + z->input.size, z->in_cap - z->input.size);
    if (r == -1 && errno == EINTR)
      continue;
    if (r == -1) {
      set_error_errno ("%s: read", name);
      return -1;
    }
    z->input.size += r;
    z->eof = r == 0;
  }
  magic = z->input.size < 4 ? 0
    : p[0] | p[1] << 8 | p[2] << 16 | (uint32_t) p[3] << 24;
  if (magic != ZSTD_FRAME_MAGIC && (magic & 0xFFFFFFF0u) != 0x184D2A50u) {
    set_error ("%s: not a zstd image (%s)", name,
               z->input.size == 0 ? "empty" : "no zstd frame at its start");
    errno = EINVAL;
    return -1;
  }
  return 0;
}

static void
zstd_stream_close (struct backend *b)
{
  struct zstd_stream *z = (struct zstd_stream *) b;

  close (z->fd);
  ZSTD_freeDCtx (z->dctx);
  free (z->in);
}

static const struct backend_ops zstd_stream_ops = {
  .name = "zstd stream",
  .close = zstd_stream_close,
  .get_size = stream_get_size,
  .is_stream = backend_yes,
  .pread = zstd_stream_pread,
};

struct backend *
zstd_stream_open (int fd, const char *name)
{
  struct zstd_stream *z = backend_alloc (sizeof *z, &zstd_stream_ops, name,
                                         NULL);
  CLEANUP_BACKEND struct backend *b = z ? &z->b : NULL;

  if (z == NULL) {
    close (fd);
    return NULL;
  }
  z->fd = fd;                   /* closed by zstd_stream_close from now on */
  z->in_cap = ZSTD_DStreamInSize ();
  z->in = malloc (z->in_cap);
  z->dctx = ZSTD_createDCtx ();
  if (z->in == NULL || z->dctx == NULL) {
    set_error ("%s: cannot make a zstd context", name);
    errno = ENOMEM;
    return NULL;
  }
  if (check_start (z, name) == -1)
    return NULL;
  return backend_ready (TAKE_PTR (b));
}
