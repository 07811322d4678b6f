/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: the rate filter (see rate.h).
 *
 * A reader takes what it reads from the bucket before reading, even if
 * that leaves the bucket in debt, and sleeps until the debt (its own and
 * that of the readers before it) is paid at the rate.  So the bytes read
 * by time t never pass rate x t + burst, whatever the number of workers,
 * and readers are served in the order they asked.  The bucket holds at most
 * a tenth of a second of tokens: a pause in the copy is not made up by a
 * burst.
 */
#include <config.h>

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "cleanup.h"
#include "error.h"
#include "filters/rate.h"
#include "progress.h"

struct bucket {
  pthread_mutex_t lock;
  double rate;                  /* bytes per second */
  double burst;                 /* most tokens held */
  double tokens;                /* negative: debt */
  double last;                  /* when tokens were last refilled */
  _Atomic unsigned refs;
};

struct rate {
  struct backend b;
  struct bucket *k;
};

static const struct backend_ops rate_ops;

static void
take (struct bucket *k, uint64_t n)
{
  double wait;
  struct timespec ts;

  {
    LOCK_IN_SCOPE (&k->lock);
    double now = monotonic_seconds ();

    k->tokens += (now - k->last) * k->rate;
    if (k->tokens > k->burst)
      k->tokens = k->burst;
    k->last = now;
    k->tokens -= n;
    wait = k->tokens < 0 ? -k->tokens / k->rate : 0;
  }
  if (wait <= 0)
    return;
  ts.tv_sec = wait;
  ts.tv_nsec = (wait - ts.tv_sec) * 1e9;
  while (nanosleep (&ts, &ts) == -1 && errno == EINTR)
    ;
}

static void
rate_close (struct backend *b)
{
  struct bucket *k = ((struct rate *) b)->k;

  if (k && atomic_fetch_sub (&k->refs, 1) == 1) {
    pthread_mutex_destroy (&k->lock);
    free (k);
  }
}

/* Each worker its own handle on next, all of them one bucket. */
static struct backend *
rate_dup (struct backend *b)
{
  struct rate *r = (struct rate *) b, *d;
  struct backend *next;

  if ((next = backend_dup (b->next)) == NULL)
    return NULL;
  if ((d = backend_alloc (sizeof *d, &rate_ops, b->name, next)) == NULL) {
    backend_close (next);
    return NULL;
  }
  atomic_fetch_add (&r->k->refs, 1);
  d->k = r->k;
  return &d->b;
}

static int
rate_pread (struct backend *b, void *buf, uint64_t count, uint64_t offset,
            uint32_t flags)
{
  take (((struct rate *) b)->k, count);
  return backend_pread (b->next, buf, count, offset, flags);
}

static int
rate_aio_pread (struct backend *b, void *buf, uint64_t count,
                uint64_t offset, uint32_t flags, struct completion *c)
{
  take (((struct rate *) b)->k, count);
  return backend_aio_pread (b->next, buf, count, offset, flags, c);
}

static const struct backend_ops rate_ops = {
  .name = "rate",
  .close = rate_close,
  .dup = rate_dup,
  .pread = rate_pread,
  .aio_pread = rate_aio_pread,
};

struct backend *
rate_filter_open (struct backend *next, uint64_t bytes_per_second)
{
  struct rate *r;
  CLEANUP_FREE struct bucket *k = calloc (1, sizeof *k);

  if (k == NULL) {
    set_error_errno ("--rate");
    return NULL;
  }
  pthread_mutex_init (&k->lock, NULL);
  k->rate = bytes_per_second;
  k->burst = k->rate / 10;
  k->last = monotonic_seconds ();
  atomic_init (&k->refs, 1);
  /* Not backend_ready: closing r on failure would close next too. */
  if ((r = backend_alloc (sizeof *r, &rate_ops, next->name, next)) == NULL)
    return NULL;
  r->k = TAKE_PTR (k);
  if (backend_open_done (&r->b) == -1) {
    r->b.next = NULL;           /* next still belongs to the caller */
    backend_close (&r->b);
    return NULL;
  }
  return &r->b;
}
