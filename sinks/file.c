/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: a regular file or block device as a sink (nbdcopy's rules).
 *
 * An existing regular file is truncated to the source's size, a missing one
 * is created 0644 (served in place instead for nbdferry serve, patched as
 * it is by a delta copy); a block device is written in place (never
 * replaced by a file) and must be at least as big as the source.  Pipes
 * and terminals named by path are written as streams.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <linux/fs.h>

#include "cleanup.h"
#include "error.h"
#include "file/file.h"
#include "sinks.h"

/* A stream source's size is unknown until its end: then the sink can only
 * grow as written, and direct I/O could not write its unaligned tail.  A
 * file served in place (serve --direct) has its size: direct I/O applies.
 */
static int
open_sink (const char *arg, const struct endpoint_opts *opts, bool *created)
{
  int direct = opts->direct && (opts->src_size >= 0 || opts->in_place)
    ? O_DIRECT : 0;
  int fl = O_CLOEXEC|O_NOCTTY|direct;
  int fd;

  /* No O_CREAT first: a device node or a file in place is never replaced. */
  fd = open (arg, O_RDWR|fl);
  if (fd == -1 && errno == EACCES)
    fd = open (arg, O_WRONLY|fl);
  if (fd == -1 && errno == ENOENT && !opts->patch &&
      (!opts->in_place || opts->create_size >= 0)) {
    fd = open (arg, O_RDWR|O_CREAT|O_EXCL|fl, 0644);
    *created = true;
  }
  if (fd == -1) {
    if (errno == EISDIR)
      set_error ("%s: is a directory", arg);
    else if (errno == ENOENT && opts->patch)
      set_error ("%s: no such file: a delta copy patches an earlier copy",
                 arg);
    else
      set_error_errno ("%s", arg);
  }
  return fd;
}

static int
check_device_size (int fd, const char *arg, int64_t src_size)
{
  uint64_t size;

  if (ioctl (fd, BLKGETSIZE64, &size) == -1) {
    set_error_errno ("%s: cannot get the device size", arg);
    return -1;
  }
  if (src_size >= 0 && size < (uint64_t) src_size) {
    set_error ("%s: device is smaller than the source (%" PRIu64
               " < %" PRIi64 " bytes)", arg, size, src_size);
    errno = ENOSPC;
    return -1;
  }
  return 0;
}

/* Make an opened regular file or device ready to take the image, by
 * nbdcopy's rules (or serve's, in place).  1: it is a stream instead.
 */
static int
prepare (int fd, const struct stat *st, const char *arg,
         const struct endpoint_opts *opts, struct file_params *p)
{
  if (S_ISREG (st->st_mode) && (opts->in_place || opts->patch)) {
    if (st->st_size < opts->create_size &&
        ftruncate (fd, opts->create_size) == -1) {
      set_error_errno ("%s: cannot grow to %" PRIi64 " bytes", arg,
                       opts->create_size);
      return -1;
    }
  }
  else if (S_ISREG (st->st_mode)) {
    /* Truncating to 0 first drops stale data: the file reads as zero. */
    if (ftruncate (fd, 0) == -1 ||
        ftruncate (fd, opts->src_size >= 0 ? opts->src_size : 0) == -1) {
      set_error_errno ("%s: truncate", arg);
      return -1;
    }
    p->created = true;
  }
  else if (S_ISBLK (st->st_mode))
    return check_device_size (fd, arg, opts->src_size);
  else if (S_ISFIFO (st->st_mode) || S_ISSOCK (st->st_mode) ||
           (S_ISCHR (st->st_mode) && lseek (fd, 0, SEEK_CUR) == -1))
    return 1;
  else if (S_ISCHR (st->st_mode))
    /* /dev/null and friends: as big as needed. */
    p->size = opts->src_size >= 0 ? opts->src_size
      : INT64_MAX - INT64_MAX % (64 * 1024);
  else {
    errno = EINVAL;
    set_error ("%s: not a file or block device", arg);
    return -1;
  }
  return 0;
}

struct backend *
file_sink_open (const char *arg, const struct endpoint_opts *opts)
{
  struct file_params p = {
    .allocated = opts->allocated, .size = -1, .requests = opts->requests,
  };
  CLEANUP_CLOSE int fd = -1;
  struct stat st;
  int r, stream;

  if (arg == NULL) {
    errno = EINVAL;
    set_error ("no destination file name");
    return NULL;
  }
  fd = open_sink (arg, opts, &p.created);
  if (fd == -1)
    return NULL;
  if (fstat (fd, &st) == -1) {
    set_error_errno ("%s", arg);
    return NULL;
  }
  stream = prepare (fd, &st, arg, opts, &p);
  if (stream == -1)
    return NULL;
  r = fd;
  fd = -1;                      /* the backend takes it over */
  return stream ? stream_sink_open (r, arg) : file_backend_open (r, arg, &p);
}
