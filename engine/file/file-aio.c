/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: O_DIRECT asynchronous I/O on files and devices with libaio.
 *
 * Each handle (one per worker thread) has its own io context and an eventfd
 * that the kernel signals on completion (io_set_eventfd); the worker polls
 * it and calls aio_notify, which reaps completions without blocking.  When
 * the context is full or the kernel refuses the submission with EAGAIN the
 * request completes inline through the synchronous path instead, as does
 * one whose buffer is not aligned for O_DIRECT.
 */
#include <config.h>

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include "error.h"
#include "file-internal.h"

struct aio_req {
  struct iocb iocb;             /* first: io_event.obj points here */
  struct completion *c;
};

int
file_aio_init (struct file_be *h)
{
  int r;

  h->nr = h->sh->requests * 2;
  if (h->nr < 64)
    h->nr = 64;
  h->efd = eventfd (0, EFD_NONBLOCK|EFD_CLOEXEC);
  if (h->efd == -1)
    return -1;
  r = io_setup (h->nr, &h->ctx);
  if (r < 0) {
    errno = -r;
    return -1;
  }
  return 0;
}

static void
finish (struct file_be *h, struct aio_req *req, long res, bool call)
{
  struct iocb *io = &req->iocb;
  int err = 0;

  h->in_flight--;
  /* A batch completes many requests: a message is only this one's. */
  if (res < 0 || (unsigned long) res < io->u.c.nbytes)
    clear_error ();
  if (res < 0)
    err = -res;
  else if ((unsigned long) res < io->u.c.nbytes) {
    /* A short transfer (rare): finish it synchronously. */
    char *buf = (char *) io->u.c.buf + res;
    uint64_t count = io->u.c.nbytes - res, offset = io->u.c.offset + res;
    int r = io->aio_lio_opcode == IO_CMD_PREAD
      ? file_pread_full (h->sh, buf, count, offset)
      : file_pwrite_full (h->sh, buf, count, offset);
    if (r == -1)
      err = errno;
  }
  if (call)
    req->c->done (req->c, err);
  free (req);
}

void
file_aio_close (struct file_be *h)
{
  /* Drain: the kernel may still write into buffers the caller owns. */
  while (h->ctx && h->in_flight > 0) {
    struct io_event ev[64];
    int i, n = io_getevents (h->ctx, 1, 64, ev, NULL);
    if (n < 0 && n != -EINTR)
      break;
    for (i = 0; i < n; ++i)
      finish (h, (struct aio_req *) ev[i].obj, (long) ev[i].res, false);
  }
  if (h->ctx)
    io_destroy (h->ctx);
  if (h->efd >= 0)
    close (h->efd);
}

static int
submit (struct file_be *h, bool write, void *buf, uint64_t count,
        uint64_t offset, struct completion *c)
{
  struct aio_req *req;
  struct iocb *iocbs[1];
  int r;

  /* An unaligned buffer would fail in the kernel: the sync path bounces. */
  if ((uintptr_t) buf % h->sh->mem_align == 0 && h->in_flight < h->nr &&
      (req = malloc (sizeof *req)) != NULL) {
    if (write)
      io_prep_pwrite (&req->iocb, h->sh->fd, buf, count, offset);
    else
      io_prep_pread (&req->iocb, h->sh->fd, buf, count, offset);
    io_set_eventfd (&req->iocb, h->efd);
    req->c = c;
    iocbs[0] = &req->iocb;
    do
      r = io_submit (h->ctx, 1, iocbs);
    while (r == -EINTR);
    if (r == 1) {
      h->in_flight++;
      return 0;
    }
    free (req);
    if (r != -EAGAIN) {
      errno = r < 0 ? -r : EIO;
      return -1;
    }
  }

  /* No room: complete inline. */
  r = write ? file_pwrite_full (h->sh, buf, count, offset)
    : file_pread_full (h->sh, buf, count, offset);
  c->done (c, r == -1 ? errno : 0);
  return 0;
}

int
file_aio_pread (struct backend *b, void *buf, uint64_t count,
                uint64_t offset, uint32_t flags, struct completion *c)
{
  return submit ((struct file_be *) b, false, buf, count, offset, c);
}

int
file_aio_pwrite (struct backend *b, const void *buf, uint64_t count,
                 uint64_t offset, uint32_t flags, struct completion *c)
{
  struct file_be *h = (struct file_be *) b;

  /* FUA needs the data durable before done(): take the sync path. */
  if (flags & F_FUA) {
    int r = b->ops->pwrite (b, buf, count, offset, flags);
    c->done (c, r == -1 ? errno : 0);
    return 0;
  }
  return submit (h, true, (void *) buf, count, offset, c);
}

int
file_aio_get_fd (struct backend *b, short *events)
{
  struct file_be *h = (struct file_be *) b;

  if (h->in_flight == 0) {
    *events = 0;
    return -1;
  }
  *events = POLLIN;
  return h->efd;
}

int
file_aio_notify (struct backend *b, short revents)
{
  struct file_be *h = (struct file_be *) b;
  static const struct timespec no_wait = { 0, 0 };
  struct io_event ev[64];
  uint64_t counter;
  int i, n;

  /* Clear the eventfd first: a completion after this signals it again. */
  if (read (h->efd, &counter, sizeof counter) == -1 && errno != EAGAIN)
    return -1;
  do {
    n = io_getevents (h->ctx, 0, 64, ev, (struct timespec *) &no_wait);
    if (n == -EINTR)
      continue;
    if (n < 0) {
      errno = -n;
      return -1;
    }
    for (i = 0; i < n; ++i)
      finish (h, (struct aio_req *) ev[i].obj, (long) ev[i].res, true);
  } while (n == 64);
  return 0;
}

unsigned
file_aio_in_flight (struct backend *b)
{
  return ((struct file_be *) b)->in_flight;
}
