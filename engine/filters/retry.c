/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: the retry filter (see retry.h). */
#include <config.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cleanup.h"
#include "error.h"
#include "extents.h"
#include "filters/retry.h"

enum req_kind { RQ_READ, RQ_WRITE, RQ_ZERO };

/* An async request not yet completed upward. */
struct req {
  struct completion c;          /* first: what the layer below completes */
  struct retry *r;
  struct completion *up;        /* the caller's */
  enum req_kind kind;
  void *buf;
  uint64_t count, offset;
  uint32_t flags;
  unsigned tries;               /* retries made for it */
  int err;                      /* failed, to be sent again (0: in flight) */
  struct req *prev, *next;      /* the list of requests, or the free list */
};

struct retry {
  struct backend b;             /* first: the engine sees only this */
  struct retry_opts o;
  struct req head;              /* circular list of requests */
  struct req *free;
  unsigned nr, failed;
  /* Set while the layer below reconnects: completions it runs then are
   * the old connection's, and their requests are sent again anyway.
   */
  bool reconnecting;
  _Atomic uint64_t reconnects;
  pthread_mutex_t lock;         /* one reconnect at a time */
};

static const struct backend_ops retry_ops;

static bool
retryable (int err)
{
  return err != ENOTSUP && err != EOPNOTSUPP && err != EROFS &&
    err != EINVAL && err != ENOMEM;
}

/* Wait before retry number tries + 1. */
void
retry_pause (double delay, unsigned tries)
{
  double s = delay;
  struct timespec ts;

  while (tries-- > 0 && s < RETRY_MAX_DELAY)
    s *= 2;
  if (s > RETRY_MAX_DELAY)
    s = RETRY_MAX_DELAY;
  if (s <= 0)
    return;
  ts.tv_sec = s;
  ts.tv_nsec = (s - ts.tv_sec) * 1e9;
  while (nanosleep (&ts, &ts) == -1 && errno == EINTR)
    ;
}

bool
retry_connect_transient (int err)
{
  return err == ECONNREFUSED || err == ENOENT || err == ECONNRESET ||
    err == ECONNABORTED || err == ETIMEDOUT || err == EHOSTUNREACH ||
    err == ENETUNREACH || err == EPIPE || err == EAGAIN;
}

/* The message of a request given up on says how hard we tried. */
static void
gave_up (int err, unsigned tries)
{
  char why[512];

  if (tries == 0)
    return;
  snprintf (why, sizeof why, "%s", last_error (err));
  if (strstr (why, " (gave up after "))   /* another request's, on this thread */
    *strstr (why, " (gave up after ") = '\0';
  set_error ("%s (gave up after %u retr%s)", why, tries,
             tries == 1 ? "y" : "ies");
  errno = err;
}

static void
link_req (struct retry *r, struct req *q)
{
  q->prev = r->head.prev;
  q->next = &r->head;
  r->head.prev->next = q;
  r->head.prev = q;
  r->nr++;
}

static void
complete_up (struct retry *r, struct req *q, int err)
{
  struct completion *up = q->up;

  q->prev->next = q->next;
  q->next->prev = q->prev;
  r->nr--;
  if (q->err)
    r->failed--;
  if (err)
    gave_up (err, q->tries);
  q->next = r->free;
  r->free = q;
  up->done (up, err);
}

static void
req_done (struct completion *c, int err)
{
  struct req *q = (struct req *) c;
  struct retry *r = q->r;

  /* The old connection's, or already counted as failed. */
  if (r->reconnecting || q->err)
    return;
  if (err == 0 || !retryable (err) || r->o.retries == 0) {
    complete_up (r, q, err);
    return;
  }
  q->err = err;
  r->failed++;
}

/* Reconnect if the connection broke.  Whatever was in flight on a broken
 * connection will not complete: it is marked failed, to be sent again.
 */
static int
reconnect (struct retry *r)
{
  struct req *q;
  int rc;

  pthread_mutex_lock (&r->lock);
  r->reconnecting = true;
  rc = backend_reconnect (r->b.next);
  r->reconnecting = false;
  pthread_mutex_unlock (&r->lock);
  if (rc == 0)
    return 0;
  if (rc == 1) {
    atomic_fetch_add (&r->reconnects, 1);
    atomic_fetch_add (&r->o.stats->reconnects, 1);
  }
  for (q = r->head.next; q != &r->head; q = q->next)
    if (q->err == 0) {
      q->err = ENOTCONN;
      r->failed++;
    }
  return rc;
}

static void
send_req (struct retry *r, struct req *q)
{
  struct backend *n = r->b.next;
  int rc;

  if (q->err) {
    q->err = 0;
    r->failed--;
  }
  switch (q->kind) {
  case RQ_READ:
    rc = backend_aio_pread (n, q->buf, q->count, q->offset, q->flags, &q->c);
    break;
  case RQ_WRITE:
    rc = backend_aio_pwrite (n, q->buf, q->count, q->offset, q->flags, &q->c);
    break;
  default:
    rc = backend_aio_zero (n, q->count, q->offset, q->flags, &q->c);
  }
  if (rc == -1)
    req_done (&q->c, errno);
}

/* Send failed requests again until each is in flight or out of retries.
 * Only outside the layer below's callbacks: this may block.
 */
static void
retry_failed (struct retry *r)
{
  while (r->failed > 0) {
    struct req *q, *nx;
    unsigned most = 0;
    int rc;

    for (q = r->head.next; q != &r->head; q = nx) {
      nx = q->next;
      if (q->err && q->tries >= r->o.retries)
        complete_up (r, q, q->err);
      else if (q->err && q->tries > most)
        most = q->tries;
    }
    if (r->failed == 0)
      break;
    retry_pause (r->o.delay, most);
    rc = reconnect (r);
    for (q = r->head.next; q != &r->head; q = nx) {
      nx = q->next;
      if (q->err == 0)
        continue;
      q->tries++;
      atomic_fetch_add (&r->o.stats->retries, 1);
      if (rc != -1)
        send_req (r, q);
    }
  }
}

static int
submit (struct backend *b, enum req_kind kind, void *buf, uint64_t count,
        uint64_t offset, uint32_t flags, struct completion *up)
{
  struct retry *r = (struct retry *) b;
  struct req *q = r->free;

  if (q)
    r->free = q->next;
  else if ((q = malloc (sizeof *q)) == NULL)
    return -1;
  *q = (struct req) {
    .c.done = req_done, .r = r, .up = up, .kind = kind, .buf = buf,
    .count = count, .offset = offset, .flags = flags,
  };
  link_req (r, q);
  send_req (r, q);
  retry_failed (r);
  return 0;
}

static int
retry_aio_pread (struct backend *b, void *buf, uint64_t count,
                 uint64_t offset, uint32_t flags, struct completion *c)
{
  return submit (b, RQ_READ, buf, count, offset, flags, c);
}

static int
retry_aio_pwrite (struct backend *b, const void *buf, uint64_t count,
                  uint64_t offset, uint32_t flags, struct completion *c)
{
  return submit (b, RQ_WRITE, (void *) buf, count, offset, flags, c);
}

static int
retry_aio_zero (struct backend *b, uint64_t count, uint64_t offset,
                uint32_t flags, struct completion *c)
{
  return submit (b, RQ_ZERO, NULL, count, offset, flags, c);
}

static int
retry_aio_get_fd (struct backend *b, short *events)
{
  struct retry *r = (struct retry *) b;

  retry_failed (r);             /* after a reconnect by a sync hook */
  return backend_aio_get_fd (b->next, events);
}

static int
retry_aio_notify (struct backend *b, short revents)
{
  struct retry *r = (struct retry *) b;

  /* A broken connection: what was in flight on it is sent again. */
  if (backend_aio_notify (b->next, revents) == -1 && r->nr > 0)
    reconnect (r);
  retry_failed (r);
  return 0;
}

static unsigned
retry_aio_in_flight (struct backend *b)
{
  return ((struct retry *) b)->nr;
}

/* Sync hooks: call again while the error may pass and tries remain. */
static bool
again (struct retry *r, unsigned *tries)
{
  int err = errno;

  if (!retryable (err) || *tries >= r->o.retries) {
    gave_up (err, *tries);
    return false;
  }
  retry_pause (r->o.delay, *tries);
  ++*tries;
  atomic_fetch_add (&r->o.stats->retries, 1);
  reconnect (r);
  return true;
}

#define RETRYING(b, call)                                               \
  do {                                                                  \
    struct retry *r_ = (struct retry *) (b);                            \
    unsigned tries_ = 0;                                                \
    while ((call) == -1)                                                \
      if (!again (r_, &tries_))                                         \
        return -1;                                                      \
    return 0;                                                           \
  } while (0)

static int
retry_pread (struct backend *b, void *buf, uint64_t count, uint64_t offset,
             uint32_t flags)
{
  RETRYING (b, backend_pread (b->next, buf, count, offset, flags));
}

static int
retry_pwrite (struct backend *b, const void *buf, uint64_t count,
              uint64_t offset, uint32_t flags)
{
  RETRYING (b, backend_pwrite (b->next, buf, count, offset, flags));
}

static int
retry_zero (struct backend *b, uint64_t count, uint64_t offset,
            uint32_t flags)
{
  RETRYING (b, backend_zero (b->next, count, offset, flags));
}

static int
retry_trim (struct backend *b, uint64_t count, uint64_t offset,
            uint32_t flags)
{
  RETRYING (b, backend_trim (b->next, count, offset, flags));
}

static int
retry_flush (struct backend *b, uint32_t flags)
{
  RETRYING (b, backend_flush (b->next, flags));
}

static int
retry_cache (struct backend *b, uint64_t count, uint64_t offset,
             uint32_t flags)
{
  RETRYING (b, backend_cache (b->next, count, offset, flags));
}

/* A failed answer may have added part of the range: forget that part. */
static int
extents_once (struct backend *b, uint64_t count, uint64_t offset,
              uint32_t flags, struct extent_list *l,
              const struct extent_list *was)
{
  l->next = was->next;
  l->started = was->started;
  l->len = was->len;
  return backend_extents (b->next, count, offset, flags, l);
}

static int
retry_extents (struct backend *b, uint64_t count, uint64_t offset,
               uint32_t flags, struct extent_list *l)
{
  const struct extent_list was = *l;

  RETRYING (b, extents_once (b, count, offset, flags, l, &was));
}

static void
retry_close (struct backend *b)
{
  struct retry *r = (struct retry *) b;

  while (r->free) {
    struct req *q = r->free;
    r->free = q->next;
    free (q);
  }
  pthread_mutex_destroy (&r->lock);
}

static struct retry *
retry_new (struct backend *next, const struct retry_opts *o)
{
  struct retry *r = backend_alloc (sizeof *r, &retry_ops, next->name, next);

  if (r == NULL)
    return NULL;
  r->o = *o;
  r->head.next = r->head.prev = &r->head;
  pthread_mutex_init (&r->lock, NULL);
  return r;
}

static struct backend *
retry_dup (struct backend *b)
{
  struct retry *r = (struct retry *) b, *d;
  struct backend *n = backend_dup (b->next);

  if (n == NULL)
    return NULL;
  /* A shared connection shares its retry state too. */
  if (n == b->next) {
    backend_close (n);
    b->refs++;
    return b;
  }
  d = retry_new (n, &r->o);
  if (d == NULL) {
    backend_close (n);
    return NULL;
  }
  return &d->b;
}

static const struct backend_ops retry_ops = {
  .name = "retry",
  .close = retry_close,
  .dup = retry_dup,
  .pread = retry_pread,
  .pwrite = retry_pwrite,
  .zero = retry_zero,
  .trim = retry_trim,
  .flush = retry_flush,
  .extents = retry_extents,
  .cache = retry_cache,
  .aio_pread = retry_aio_pread,
  .aio_pwrite = retry_aio_pwrite,
  .aio_zero = retry_aio_zero,
  .aio_get_fd = retry_aio_get_fd,
  .aio_notify = retry_aio_notify,
  .aio_in_flight = retry_aio_in_flight,
};

struct backend *
retry_filter_open (struct backend *next, const struct retry_opts *o)
{
  struct retry *r = retry_new (next, o);

  if (r == NULL)
    return NULL;
  if (backend_open_done (&r->b) == -1) {
    int err = errno;
    r->b.next = NULL;           /* next stays the caller's */
    backend_close (&r->b);
    errno = err;
    return NULL;
  }
  return &r->b;
}

static struct retry *
find (struct backend *b)
{
  for (; b; b = b->next)
    if (b->ops == &retry_ops)
      return (struct retry *) b;
  return NULL;
}

uint64_t
retry_reconnects (struct backend *b)
{
  struct retry *r = find (b);

  return r ? atomic_load (&r->reconnects) : 0;
}

bool
retry_layered (struct backend *b)
{
  return find (b) != NULL;
}
