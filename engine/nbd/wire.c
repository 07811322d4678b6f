/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: whole reads/writes with deadlines for the NBD server. */
#include <config.h>

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "wire.h"

int
wire_wait (int fd, short events, int64_t deadline_ms, int stop_fd)
{
  for (;;) {
    struct pollfd p[2] = {
      { .fd = fd, .events = events },
      { .fd = stop_fd, .events = POLLIN },
    };
    int timeout = -1, r;

    if (deadline_ms >= 0) {
      int64_t left = deadline_ms - monotonic_ms ();
      if (left <= 0) {
        errno = ETIMEDOUT;
        return -1;
      }
      timeout = left > 60000 ? 60000 : (int) left;
    }
    r = poll (p, stop_fd >= 0 ? 2 : 1, timeout);
    if (r == -1) {
      if (errno == EINTR)
        continue;
      return -1;
    }
    if (stop_fd >= 0 && (p[1].revents & POLLIN)) {
      errno = ESHUTDOWN;
      return -1;
    }
    if (p[0].revents)
      return 0;
  }
}

int
wire_read (int fd, void *buf, size_t len, int64_t deadline_ms, int stop_fd)
{
  unsigned char *p = buf;

  while (len > 0) {
    ssize_t r;

    if (wire_wait (fd, POLLIN, deadline_ms, stop_fd) == -1)
      return -1;
    r = read (fd, p, len);
    if (r == -1) {
      if (errno == EINTR || errno == EAGAIN)
        continue;
      return -1;
    }
    if (r == 0) {
      errno = ECONNRESET;
      return -1;
    }
    p += r;
    len -= r;
  }
  return 0;
}

static ssize_t
send_some (int fd, struct iovec *iov, int n)
{
  struct msghdr msg = { .msg_iov = iov, .msg_iovlen = n };
  ssize_t r = sendmsg (fd, &msg, MSG_NOSIGNAL);

  if (r == -1 && errno == ENOTSOCK)   /* a pipe, in tests */
    r = writev (fd, iov, n);
  return r;
}

int
wire_writev (int fd, struct iovec *iov, int n, int timeout_ms)
{
  while (n > 0) {
    ssize_t r;

    if (iov->iov_len == 0) {
      iov++, n--;
      continue;
    }
    if (wire_wait (fd, POLLOUT, monotonic_ms () + timeout_ms, -1) == -1)
      return -1;
    r = send_some (fd, iov, n);
    if (r == -1) {
      if (errno == EINTR || errno == EAGAIN)
        continue;
      return -1;
    }
    while (n > 0 && (size_t) r >= iov->iov_len) {
      r -= iov->iov_len;
      iov++, n--;
    }
    if (n > 0) {
      iov->iov_base = (char *) iov->iov_base + r;
      iov->iov_len -= r;
    }
  }
  return 0;
}

int
wire_write (int fd, const void *buf, size_t len, int timeout_ms)
{
  struct iovec iov = { .iov_base = (void *) buf, .iov_len = len };
  return wire_writev (fd, &iov, 1, timeout_ms);
}
