/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: `-` as a source, and streams (pipes) as sources.
 *
 * Standard input that is a regular file or a block device is read through
 * the file backend, so it keeps its holes and can be read by many threads.
 * Anything else is a stream: read once, in order, by one reader, with a
 * size known only at its end.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "error.h"
#include "stream/stream.h"
#include "file/file.h"
#include "sources.h"

bool
stdio_matches (const char *arg)
{
  return arg && strcmp (arg, "-") == 0;
}

/* Returns the bytes read: fewer than count only at the end of the stream. */
static int
stream_pread (struct backend *b, void *buf, uint64_t count, uint64_t offset,
              uint32_t flags)
{
  struct stream *s = (struct stream *) b;
  uint64_t done = 0;

  if (offset != s->pos)
    return stream_out_of_order (b, "read", offset, s->pos);
  if (count > INT_MAX) {
    errno = EINVAL;
    return -1;
  }
  while (done < count) {
    ssize_t r = read (s->fd, (char *) buf + done, count - done);
    if (r == -1) {
      if (errno == EINTR)
        continue;
      return -1;
    }
    if (r == 0)
      break;
    done += r;
  }
  s->pos += done;
  return done;
}

static const struct backend_ops stream_source_ops = {
  .name = "stream",
  .close = stream_close,
  .get_size = stream_get_size,
  .is_stream = backend_yes,
  .pread = stream_pread,
};

struct backend *
stream_source_open (int fd, const char *name)
{
  return stream_open (fd, name, &stream_source_ops);
}

struct backend *
stdin_source_open (const char *arg, const struct endpoint_opts *opts)
{
  struct file_params p = {
    .allocated = true, .size = -1, .requests = opts->requests,
  };
  struct stat st;
  int fd;

  /* Our own descriptor: closing the backend leaves fd 0 alone. */
  fd = fcntl (STDIN_FILENO, F_DUPFD_CLOEXEC, 3);
  if (fd == -1 || fstat (fd, &st) == -1) {
    set_error_errno ("standard input");
    if (fd >= 0)
      close (fd);
    return NULL;
  }
  if (S_ISREG (st.st_mode) || S_ISBLK (st.st_mode))
    return file_backend_open (fd, "standard input", &p);
  if (S_ISDIR (st.st_mode)) {
    close (fd);
    errno = EISDIR;
    set_error ("standard input: is a directory");
    return NULL;
  }
  /* As a named character device is refused (sources/file.c): /dev/zero
   * would be copied until the destination is full, and a terminal is
   * almost always a forgotten redirection.
   */
  if (S_ISCHR (st.st_mode)) {
    bool tty = isatty (fd);
    close (fd);
    errno = EINVAL;
    if (tty)
      set_error ("standard input: is a terminal (redirect an image into it, "
                 "or name the source)");
    else
      set_error ("standard input: is a character device, which has no size "
                 "to copy (for N bytes of it: head -c N | nbdferry - "
                 "DESTINATION)");
    return NULL;
  }
  return stream_source_open (fd, "standard input");
}
