/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: whole reads and writes on a descriptor (see fdio.h). */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <unistd.h>

#include "error.h"
#include "fdio.h"

int
fd_pread_full (int fd, void *buf, size_t count, uint64_t offset)
{
  while (count > 0) {
    ssize_t r = pread (fd, buf, count, offset);
    if (r == -1) {
      if (errno == EINTR)
        continue;
      return -1;
    }
    if (r == 0) {
      errno = EIO;
      set_error ("unexpected end of file at offset %" PRIu64, offset);
      return -1;
    }
    buf = (char *) buf + r;
    count -= r;
    offset += r;
  }
  return 0;
}

/* offset -1: write(2) at the current position. */
static int
write_full (int fd, const void *buf, size_t count, int64_t offset)
{
  while (count > 0) {
    ssize_t r = offset >= 0 ? pwrite (fd, buf, count, offset)
      : write (fd, buf, count);
    if (r == -1) {
      if (errno == EINTR)
        continue;
      return -1;
    }
    if (r == 0) {
      errno = ENOSPC;
      return -1;
    }
    buf = (const char *) buf + r;
    count -= r;
    if (offset >= 0)
      offset += r;
  }
  return 0;
}

int
fd_pwrite_full (int fd, const void *buf, size_t count, uint64_t offset)
{
  return write_full (fd, buf, count, offset);
}

int
fd_write_full (int fd, const void *buf, size_t count)
{
  return write_full (fd, buf, count, -1);
}
