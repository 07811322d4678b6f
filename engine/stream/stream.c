/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: what a pipe as a source and a pipe as a sink share. */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <unistd.h>

#include "error.h"
#include "stream.h"

int
stream_out_of_order (const struct backend *b, const char *what,
                     uint64_t offset, uint64_t pos)
{
  set_error ("%s: %s at offset %" PRIu64 " out of order (the stream is at %"
             PRIu64 ")", b->name, what, offset, pos);
  errno = ESPIPE;
  return -1;
}

int
stream_sync (int fd)
{
  if (fdatasync (fd) == -1 && errno != EINVAL && errno != EROFS &&
      errno != ENOTSUP)
    return -1;
  return 0;
}

void
stream_close (struct backend *b)
{
  close (((struct stream *) b)->fd);
}

int64_t
stream_get_size (struct backend *b)
{
  errno = ESPIPE;
  return -1;
}

struct backend *
stream_open (int fd, const char *name, const struct backend_ops *ops)
{
  struct stream *s = backend_alloc (sizeof *s, ops, name, NULL);

  if (s == NULL) {
    close (fd);
    return NULL;
  }
  s->fd = fd;                   /* closed by stream_close from now on */
  return backend_ready (&s->b);
}
