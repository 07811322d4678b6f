/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: a regular file or block device as a source.  Pipes and sockets
 * named by path are read as streams.  A character device is refused: it has
 * no size (/dev/zero would be a 0-byte source, /dev/urandom an endless one).
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>

#include "error.h"
#include "file/file.h"
#include "sources.h"

struct backend *
file_source_open (const char *arg, const struct endpoint_opts *opts)
{
  struct file_params p = {
    .allocated = true, .size = -1, .requests = opts->requests,
  };
  struct stat st;
  int fd;

  if (arg == NULL) {
    errno = EINVAL;
    set_error ("no source file name");
    return NULL;
  }
  fd = open (arg, O_RDONLY|O_CLOEXEC|O_NOCTTY|(opts->direct ? O_DIRECT : 0));
  if (fd == -1) {
    set_error_errno ("%s", arg);
    return NULL;
  }
  if (fstat (fd, &st) == -1) {
    set_error_errno ("%s", arg);
    close (fd);
    return NULL;
  }
  if (S_ISDIR (st.st_mode)) {
    close (fd);
    errno = EISDIR;
    set_error ("%s: is a directory", arg);
    return NULL;
  }
  if (S_ISCHR (st.st_mode)) {
    close (fd);
    errno = EINVAL;
    set_error ("%s: is a character device, which has no size to copy "
               "(for N bytes of it: head -c N %s | nbdferry - DESTINATION)",
               arg, arg);
    return NULL;
  }
  if (S_ISFIFO (st.st_mode) || S_ISSOCK (st.st_mode))
    return stream_source_open (fd, arg);
  return file_backend_open (fd, arg, &p);
}
