/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: the transmission phase of one connection.
 *
 * The connection's thread reads requests; those that passed the checks go
 * to a queue served by a small pool of workers, which call the backend and
 * write the replies.  The queue is bounded in requests and in payload
 * bytes, WRITE payloads and READ replies alike, per connection
 * (SERVER_CONN_BYTES) and for the server (SERVER_MEM_BYTES): over either,
 * the reader stops reading, so a client that sends large reads and never
 * reads the replies holds a bounded amount.  A client silent for the idle
 * timeout with nothing in flight is dropped.  After DISC, end of file, a
 * broken frame or a server stop the reader stops, the workers finish what
 * was queued, and we return.
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>

#include "cleanup.h"
#include "nbd/proto.h"
#include "nbd/wire.h"
#include "server-internal.h"

uint16_t
srv_transmission_flags (const struct conn *c, const struct export *e)
{
  const struct backend *b = e->b;
  uint16_t f = NBD_FLAG_HAS_FLAGS | NBD_FLAG_SEND_CACHE;

  if (e->read_only)
    f |= NBD_FLAG_READ_ONLY;
  else {
    f |= NBD_FLAG_SEND_FLUSH | NBD_FLAG_SEND_FUA |
      NBD_FLAG_SEND_WRITE_ZEROES | NBD_FLAG_SEND_FAST_ZERO;
    if (b->can_trim)
      f |= NBD_FLAG_SEND_TRIM;
  }
  if (c->sr || c->eh)
    f |= NBD_FLAG_SEND_DF;
  if (b->can_multi_conn)
    f |= NBD_FLAG_CAN_MULTI_CONN;
  return f;
}

/* The next request, waiting for one; NULL once the connection closes. */
static struct request *
dequeue (struct conn *c)
{
  LOCK_IN_SCOPE (&c->qlock);
  struct request *r;

  while (c->head == NULL && !c->closing)
    pthread_cond_wait (&c->qcond, &c->qlock);
  r = c->head;
  if (r) {
    c->head = r->next;
    if (c->head == NULL)
      c->tail = NULL;
  }
  return r;
}

static void *
worker (void *arg)
{
  struct conn *c = arg;

  for (;;) {
    struct request *r = dequeue (c);

    if (r == NULL)
      return NULL;
    srv_execute (c, r);
    atomic_store (&c->last_ms, monotonic_ms ());
    atomic_fetch_sub (&c->inflight, 1);
    free (r->data);

    pthread_mutex_lock (&c->qlock);
    c->queued--;
    c->queued_bytes -= r->reserved;
    pthread_cond_broadcast (&c->qcond);
    pthread_mutex_unlock (&c->qlock);
    srv_mem_release (c->s, r->reserved);
    free (r);
  }
}

/* Wait until a request with a payload of bytes fits, and count it. */
static void
reserve (struct conn *c, uint64_t bytes)
{
  pthread_mutex_lock (&c->qlock);
  while (c->queued > 0 && c->queued_bytes + bytes > SERVER_CONN_BYTES)
    pthread_cond_wait (&c->qcond, &c->qlock);
  c->queued_bytes += bytes;
  pthread_mutex_unlock (&c->qlock);
  srv_mem_reserve (c->s, bytes);
}

static void
unreserve (struct conn *c, uint64_t bytes)
{
  pthread_mutex_lock (&c->qlock);
  c->queued_bytes -= bytes;
  pthread_mutex_unlock (&c->qlock);
  srv_mem_release (c->s, bytes);
}

/* Wait for the next request; past the idle timeout with nothing in
 * flight, give up (-1).
 */
static int
wait_request (struct conn *c)
{
  unsigned idle = c->s->cfg.idle_timeout;

  for (;;) {
    int64_t deadline = idle ? monotonic_ms () + idle * INT64_C(1000) : -1;

    if (srv_wait_readable (c, deadline) == 0)
      return 0;
    if (errno != ETIMEDOUT)
      return -1;
    if (atomic_load (&c->inflight) == 0) {
      server_log (c->s, "client silent for %u seconds: closing", idle);
      return -1;
    }
  }
}

static void
enqueue (struct conn *c, struct request *r)
{
  LOCK_IN_SCOPE (&c->qlock);
  while (c->queued >= SERVER_QUEUE_DEPTH)
    pthread_cond_wait (&c->qcond, &c->qlock);
  if (c->tail)
    c->tail->next = r;
  else
    c->head = r;
  c->tail = r;
  c->queued++;
  pthread_cond_broadcast (&c->qcond);
}

/* Read requests until the connection ends. */
static void
reader (struct conn *c)
{
  while (!atomic_load (&c->dead)) {
    struct request *r = calloc (1, sizeof *r);
    uint32_t err = 0;
    int ret;

    if (r == NULL || wait_request (c) == -1) {
      free (r);
      return;
    }
    ret = srv_request_read (c, r, &err, reserve);
    atomic_store (&c->last_ms, monotonic_ms ());
    if (ret == 1 && err == 0) {
      /* The reply's data is held until it is written. */
      if (r->type == NBD_CMD_READ) {
        reserve (c, r->count);
        r->reserved = r->count;
      }
      atomic_fetch_add (&c->inflight, 1);
      enqueue (c, r);
      continue;
    }
    unreserve (c, r->reserved);
    free (r->data);
    if (ret == 1)
      srv_reply_error (c, r, err);
    free (r);
    if (ret != 1)
      return;
  }
}

void
srv_transmission (struct conn *c)
{
  unsigned n = c->s->cfg.threads, i;
  CLEANUP_FREE pthread_t *t = calloc (n, sizeof *t);
  unsigned started = 0;

  c->tflags = srv_transmission_flags (c, c->e);
  if (t == NULL)
    return;
  for (i = 0; i < n; ++i)
    if (pthread_create (&t[i], NULL, worker, c) == 0)
      started++;
    else
      break;
  if (started == 0)
    return;

  reader (c);

  pthread_mutex_lock (&c->qlock);
  c->closing = true;
  pthread_cond_broadcast (&c->qcond);
  pthread_mutex_unlock (&c->qlock);
  for (i = 0; i < started; ++i)
    pthread_join (t[i], NULL);
}
