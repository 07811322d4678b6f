/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: `-` as a sink, and streams (pipes) as sinks.
 *
 * Written once and in order (the engine guarantees it); a gap the engine
 * skips, a zero or a trim request are written as zero bytes, since a
 * stream cannot seek over them.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/stat.h>

#include "error.h"
#include "fdio.h"
#include "stream/stream.h"
#include "sinks.h"

static int
write_all (struct stream *s, const void *buf, uint64_t count)
{
  if (fd_write_full (s->fd, buf, count) == -1)
    return -1;
  s->pos += count;
  return 0;
}

static int
write_zeroes_to (struct stream *s, uint64_t end)
{
  static const char zeroes[64 * 1024];

  if (s->seek_gaps && s->pos < end) {
    if (lseek (s->fd, end - s->pos, SEEK_CUR) == -1)
      return -1;
    s->pos = end;
  }
  while (s->pos < end) {
    uint64_t n = end - s->pos < sizeof zeroes ? end - s->pos : sizeof zeroes;
    if (write_all (s, zeroes, n) == -1)
      return -1;
  }
  return 0;
}

/* Reach offset: fill a gap with zeroes, refuse to go back. */
static int
seek_to (struct stream *s, uint64_t offset)
{
  if (offset < s->pos)
    return stream_out_of_order (&s->b, "write", offset, s->pos);
  return write_zeroes_to (s, offset);
}

static int
stream_pwrite (struct backend *b, const void *buf, uint64_t count,
               uint64_t offset, uint32_t flags)
{
  struct stream *s = (struct stream *) b;

  if (seek_to (s, offset) == -1)
    return -1;
  return write_all (s, buf, count);
}

static int
stream_zero (struct backend *b, uint64_t count, uint64_t offset,
             uint32_t flags)
{
  struct stream *s = (struct stream *) b;

  if (flags & F_FAST_ZERO) {
    errno = ENOTSUP;
    return -1;
  }
  if (seek_to (s, offset) == -1)
    return -1;
  return write_zeroes_to (s, offset + count);
}

static int
stream_flush (struct backend *b, uint32_t flags)
{
  struct stream *s = (struct stream *) b;

  return stream_sync (s->fd);
}

/* The source's size is known at last: write the zeroes it ends with. */
static int
stream_extend (struct backend *b, uint64_t size)
{
  return write_zeroes_to ((struct stream *) b, size);
}

/* A file whose end was sought over is as long as the image. */
static int
stream_finish (struct backend *b)
{
  struct stream *s = (struct stream *) b;
  struct stat st;
  off_t end;

  if (!s->seek_gaps)
    return 0;
  end = lseek (s->fd, 0, SEEK_CUR);
  if (end == -1 || fstat (s->fd, &st) == -1)
    return -1;
  if (st.st_size < end && ftruncate (s->fd, end) == -1)
    return -1;
  return 0;
}

static const struct backend_ops stream_sink_ops = {
  .name = "stream",
  .close = stream_close,
  .get_size = stream_get_size,
  .is_stream = backend_yes,
  .can_write = backend_yes,
  .can_zero = backend_yes,
  .can_flush = backend_yes,
  .pwrite = stream_pwrite,
  .zero = stream_zero,
  .flush = stream_flush,
  .extend = stream_extend,
  .finish = stream_finish,
};

struct backend *
stream_sink_open (int fd, const char *name)
{
  return stream_open (fd, name, &stream_sink_ops);
}

int
stdout_dup (void)
{
  int fd;

  /* As nbdcopy: an image is no text for a terminal. */
  if (isatty (STDOUT_FILENO)) {
    set_error ("standard output: refusing to write to a terminal "
               "(redirect it to a file or a pipe)");
    errno = EINVAL;
    return -1;
  }
  /* Our own descriptor: closing the backend leaves fd 1 alone. */
  fd = fcntl (STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
  if (fd == -1)
    set_error_errno ("standard output");
  return fd;
}

/* A regular file with nothing past where we start writing (`> FILE`), not
 * in append mode, where seeking writes nothing.
 */
static bool
can_seek_gaps (int fd)
{
  struct stat st;
  int fl = fcntl (fd, F_GETFL);
  off_t pos;

  if (fl == -1 || (fl & O_APPEND) || fstat (fd, &st) == -1 ||
      !S_ISREG (st.st_mode))
    return false;
  pos = lseek (fd, 0, SEEK_CUR);
  return pos != -1 && pos >= st.st_size;
}

struct backend *
stdout_sink_open (const char *arg, const struct endpoint_opts *opts)
{
  int fd = stdout_dup ();
  bool seek_gaps;
  struct backend *b;

  if (fd == -1)
    return NULL;
  seek_gaps = can_seek_gaps (fd);
  b = stream_sink_open (fd, "standard output");
  if (b)
    ((struct stream *) b)->seek_gaps = seek_gaps;
  return b;
}
