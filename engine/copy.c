/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: the copy pipeline's set-up and teardown.
 *
 * Open questions are settled here once (sizes, the plan, the destination's
 * zero state); the workers (copy-worker.c) or the stream path
 * (copy-stream.c) then move the bytes.
 */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blkhash.h"
#include "cleanup.h"
#include "copy-internal.h"
#include "dirty.h"
#include "error.h"
#include "filters/rmw.h"
#include "progress.h"

static const char *
op_name (const char *op)
{
  return op ? op : "request";
}

void
copy_fail_why (struct copy *cp, struct backend *b, const char *op,
               uint64_t offset, uint64_t count, const char *why)
{
  LOCK_IN_SCOPE (&cp->lock);
  if (cp->error[0] == '\0' && count == 0)   /* not a request: flush, finish */
    snprintf (cp->error, sizeof cp->error, "%s: %s failed: %s",
              b->name, op_name (op), why);
  else if (cp->error[0] == '\0')
    snprintf (cp->error, sizeof cp->error,
              "%s: %s failed at offset %" PRIu64 " (%" PRIu64 " bytes): %s",
              b->name, op_name (op), offset, count, why);
  atomic_store (&cp->stop, true);
  pthread_cond_broadcast (&cp->all_ready);
}

void
copy_worker_ready (struct copy *cp)
{
  LOCK_IN_SCOPE (&cp->lock);
  if (++cp->ready == cp->workers)
    pthread_cond_broadcast (&cp->all_ready);
  while (cp->ready < cp->workers && !atomic_load (&cp->stop))
    pthread_cond_wait (&cp->all_ready, &cp->lock);
}

void
copy_fail (struct copy *cp, struct backend *b, const char *op,
           uint64_t offset, uint64_t count, int err)
{
  copy_fail_why (cp, b, op, offset, count, last_error (err));
}

void
copy_progress (struct copy *cp, uint64_t bytes)
{
  atomic_fetch_add (&cp->stats->done, bytes);
  if (cp->opts->progress)
    progress_update (cp->opts->progress, atomic_load (&cp->stats->done));
}

void
copy_depth_reached (struct copy *cp, unsigned n)
{
  unsigned old = atomic_load (&cp->stats->depth_reached);

  while (n > old &&
         !atomic_compare_exchange_weak (&cp->stats->depth_reached, &old, n))
    ;
}

void
copy_hash (struct copy *cp, const void *buf, uint64_t offset, uint64_t count)
{
  if (cp->opts->blkhash &&
      blkhash_update (cp->opts->blkhash, buf, offset, count) == -1)
    copy_fail (cp, cp->src, "blkhash", offset, count, errno);
}

int
copy_salvage (struct copy *cp, struct backend *src, char *buf,
              uint64_t offset, uint64_t count, int err)
{
  /* Hook: --retries (the resilience work) retries first; salvage acts on
   * what is still failing, here on the first failure.
   */
  if (!cp->opts->salvage || src->is_stream)
    return err;
  if (salvage_read (src, buf, offset, count, &cp->stats->unreadable) == -1)
    return errno;
  return 0;
}

/* An NBD side: its requests travel over connections, so many small ones
 * keep it busy and workers follow connections.  Async I/O alone does not
 * make one: a local file opened with --direct is async through libaio.
 */
static bool
is_nbd (const struct backend *b)
{
  return b->has_aio && !b->is_local;
}

static unsigned
count_workers (struct copy *cp)
{
  const struct copy_opts *o = cp->opts;
  bool nbd = is_nbd (cp->src) || is_nbd (cp->dst);
  uint64_t units = (cp->size + COPY_UNIT - 1) / COPY_UNIT;
  unsigned n = o->threads;

  if (n == 0) {
    /* Local I/O is bound by CPUs; an async side by its connections. */
    long cpus = sysconf (_SC_NPROCESSORS_ONLN);
    n = nbd && o->connections ? o->connections : cpus > 0 ? cpus : 1;
  }
  if (nbd && o->connections && n > o->connections)
    n = o->connections;
  if (n > COPY_MAX_WORKERS)
    n = COPY_MAX_WORKERS;
  /* Each worker has its own connection: one only without multi-conn. */
  if (o->synchronous ||
      (is_nbd (cp->src) && !cp->src->can_multi_conn) ||
      (is_nbd (cp->dst) && !cp->dst->can_multi_conn))
    n = 1;
  if (n > units)
    n = units ? units : 1;
  return n;
}

static int
run_workers (struct copy *cp, unsigned n)
{
  CLEANUP_FREE pthread_t *tids = calloc (n, sizeof *tids);
  unsigned i, started = 0;
  int err = 0;

  if (tids == NULL) {
    copy_fail_why (cp, cp->src, "starting worker threads", 0, 0,
                   strerror (ENOMEM));
    return -1;
  }
  cp->workers = n;
  for (i = 0; i < n; ++i) {
    err = pthread_create (&tids[i], NULL, copy_worker, cp);
    if (err) {
      errno = err;
      copy_fail_why (cp, cp->src, "starting a worker thread", 0, 0,
                     strerror (err));
      break;
    }
    started++;
  }
  for (i = 0; i < started; ++i)
    pthread_join (tids[i], NULL);
  return copy_halted (cp) ? -1 : 0;
}

static int
check_sizes (struct copy *cp)
{
  struct backend *src = cp->src, *dst = cp->dst;

  if (!dst->can_write) {
    set_error ("%s: the destination is read-only", dst->name);
    errno = EROFS;
    return -1;
  }
  if (cp->opts->dirty)
    return dirty_check (src, dst);
  if (!src->is_stream && !dst->is_stream && dst->size < src->size) {
    set_error ("%s: the destination is smaller than the source "
               "(%" PRIi64 " < %" PRIi64 " bytes)",
               dst->name, dst->size, src->size);
    errno = ENOSPC;
    return -1;
  }
  return 0;
}

/* NBD requests default to nbdcopy's 256 KiB: many small requests in
 * flight keep a connection busy.  Local I/O is synchronous, one request per
 * worker at a time, and cheaper in 1 MiB pieces.
 */
#define NBD_DEFAULT_REQUEST (256 * 1024)

/* A worker starts with this much in flight (or --queue-size, if less) and
 * goes deeper only while round trips dominate (copy-depth.h): up to
 * --queue-size, or by default (where a side is NBD) up to a share of
 * DEPTH_BUDGET_BYTES.  The
 * budget keeps peak RSS under nbdcopy's (39 MiB on a 5 ms source: about
 * 8 MiB of it is libraries), whose buffers are its own 64 MiB in flight.
 */
#define DEPTH_START_BYTES (4 * 1024 * 1024)
#define DEPTH_BUDGET_BYTES (24 * 1024 * 1024)

/* Slots per worker (the most requests in flight) and where each starts. */
static void
plan_depth (struct copy *cp, bool nbd)
{
  const struct copy_opts *o = cp->opts;
  struct copy_stats *st = cp->stats;
  uint64_t data = st->plan.data, slots, queue = o->queue_size;

  /* --queue-size bounds the bytes in flight per worker (per connection,
   * as in nbdcopy).  Local I/O's round trip is the disk's own queue: no
   * deeper than the start by default.  The NBD budget is shared, not a
   * floor per worker: -C 16 once had 16 x 4 MiB in flight (74 MiB peak
   * RSS), where 16 x 1.5 MiB keeps as many bytes moving as 4 x 6 MiB.
   */
  if (queue == 0)
    queue = nbd ? DEPTH_BUDGET_BYTES / st->workers : DEPTH_START_BYTES;
  slots = o->requests ? o->requests : 64;
  if (slots * data > queue)
    slots = queue / data;
  if (slots > COPY_MAX_SLOTS)
    slots = COPY_MAX_SLOTS;
  if (slots < 1 || o->synchronous)
    slots = 1;
  cp->slots = st->depth_max = slots;
  slots = DEPTH_START_BYTES / data;
  st->depth_start = slots < 1 ? 1 : slots < cp->slots ? slots : cp->slots;
  st->depth_reached = st->depth_start;
}

static void
plan_copy (struct copy *cp)
{
  const struct copy_opts *o = cp->opts;
  struct plan *p = &cp->stats->plan;
  bool nbd = is_nbd (cp->src) || is_nbd (cp->dst);
  uint64_t req = o->request_size;

  if (req == 0 && nbd)
    req = NBD_DEFAULT_REQUEST;
  plan_requests (cp->src->bs, cp->dst->bs, req,
                 cp->dst->discards ? 0 : o->sparse, p);
  if (!o->request_size)
    p->note[0] = '\0';         /* our own default, not worth a note */
  plan_depth (cp, nbd);
}

/* The plan stays aligned to the raw sink's blocks, so the bulk goes to it
 * directly; only a part of the copy that is not whole blocks of the sink
 * (the end of a source whose size is not a multiple of the sink's minimum,
 * or any of a stream of unknown size) goes through read-modify-write.
 */
static int
open_rmw (struct copy *cp)
{
  struct backend *dst = cp->dst, *next;
  uint64_t min = dst->bs[BS_MINIMUM];

  if (min == 1 || dst->is_stream ||
      (!cp->src->is_stream && cp->size % min == 0))
    return 0;
  if (!cp->src->is_stream)
    cp->stats->tail = cp->size % min;
  if ((next = backend_dup (dst)) == NULL) {
    set_error_errno ("%s: opening a connection for read-modify-write",
                     dst->name);
    return -1;
  }
  if ((cp->rmw = rmw_filter_open (next)) == NULL) {
    backend_close (next);
    return -1;
  }
  return 0;
}

static int
copy_body (struct copy *cp)
{
  const struct copy_opts *opts = cp->opts;
  struct backend *src = cp->src, *dst = cp->dst;
  int r;

  if (copy_zero_state (cp) == -1)
    return -1;
  if (src->is_stream || dst->is_stream)
    r = copy_stream (cp);
  else
    r = run_workers (cp, cp->stats->workers);
  /* The read-modify-write handle is closed after us: its writes too. */
  if (r == 0 && (backend_finish (dst) == -1 ||
                 (cp->rmw && backend_finish (cp->rmw) == -1))) {
    copy_fail (cp, dst, "finish", 0, 0, errno);
    r = -1;
  }
  if (r == 0 && opts->flush && backend_flush (dst, 0) == -1) {
    copy_fail (cp, dst, "flush", 0, 0, errno);
    r = -1;
  }
  /* The read-modify-write connection wrote too. */
  if (r == 0 && opts->flush && cp->rmw && backend_flush (cp->rmw, 0) == -1) {
    copy_fail (cp, dst, "flush", 0, 0, errno);
    r = -1;
  }
  if (r == -1 && cp->error[0] == '\0' && copy_interrupted (cp)) {
    set_error ("interrupted");
    errno = EINTR;
    return -1;
  }
  if (r == -1) {
    set_error ("%s", cp->error);
    return -1;
  }
  return 0;
}

int
copy_run (struct backend *src, struct backend *dst,
          const struct copy_opts *opts, struct copy_stats *stats)
{
  struct copy cp = {
    .src = src, .dst = dst, .opts = opts, .stats = stats,
    .lock = PTHREAD_MUTEX_INITIALIZER,
    .all_ready = PTHREAD_COND_INITIALIZER,
  };
  int r, err;

  bad_ranges_init (&stats->unreadable);
  if (check_sizes (&cp) == -1)
    return -1;
  stats->total = cp.size = src->is_stream ? 0 : src->size;
  stats->workers = src->is_stream || dst->is_stream ? 1 : count_workers (&cp);
  cp.checkpoints = opts->resume || retry_layered (dst);
  plan_copy (&cp);
  /* Each worker holds a unit or two; the rest of the ring lets fast
   * workers run ahead of a slow one.
   */
  if (opts->blkhash &&
      blkhash_start (opts->blkhash, src->is_stream ? -1 : src->size,
                     COPY_UNIT, 4 * stats->workers + 4) == -1)
    return -1;
  if (open_rmw (&cp) == -1)
    return -1;
  r = copy_body (&cp);
  err = errno;
  backend_close (cp.rmw);       /* NULL is fine */
  errno = err;
  return r;
}
