/* nbdferry: what a pipe as a source and a pipe as a sink share. */
#include <config.h>

#include <errno.h>
#include <unistd.h>

#include "stream.h"

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
