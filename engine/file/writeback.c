/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: page-cache hygiene for buffered writes (see writeback.h). */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include "cleanup.h"
#include "error.h"
#include "writeback.h"

void
writeback_error_init (struct writeback_error *e)
{
  pthread_mutex_init (&e->lock, NULL);
  atomic_init (&e->err, 0);
}

void
writeback_error_destroy (struct writeback_error *e)
{
  pthread_mutex_destroy (&e->lock);
}

int
writeback_check (struct writeback_error *e)
{
  struct writeback_range r;
  int err = atomic_load (&e->err);

  if (err == 0)
    return 0;
  pthread_mutex_lock (&e->lock);
  r = e->range;
  pthread_mutex_unlock (&e->lock);
  errno = err;
  set_error_errno ("writing back offset %" PRIu64 " (%" PRIu64 " bytes) "
                   "failed", r.offset, r.count);
  return -1;
}

void
writeback_init (struct writeback *wb, int fd, struct writeback_error *errs)
{
  memset (wb, 0, sizeof *wb);
  wb->fd = fd;
  wb->errs = errs;
  pthread_mutex_init (&wb->lock, NULL);
  pthread_cond_init (&wb->work, NULL);
  pthread_cond_init (&wb->room, NULL);
}

/* Keep the first failure.  A file that cannot be written back this way
 * at all (not a file or device) is not a failure.
 */
static void
record (struct writeback *wb, int err, uint64_t offset, uint64_t count)
{
  struct writeback_error *e = wb->errs;

  if (err == ESPIPE || err == EINVAL || err == ENOSYS)
    return;
  LOCK_IN_SCOPE (&e->lock);
  if (atomic_load (&e->err) == 0) {
    e->range.offset = offset;
    e->range.count = count;
    atomic_store (&e->err, err);
  }
}

/* Write [offset, offset+count) as fsync does and wait for it.  0, or the
 * errno of the failure.  Called without the lock: another thread's writes
 * go on while this one waits.
 */
static int
write_wait (int fd, uint64_t offset, uint64_t count)
{
  if (sync_file_range (fd, offset, count, SYNC_FILE_RANGE_WAIT_BEFORE |
                       SYNC_FILE_RANGE_WRITE |
                       SYNC_FILE_RANGE_WAIT_AFTER) == -1)
    return errno;
  return 0;
}

/* Once written, the pages are dropped: best effort, a failure here costs
 * memory, never data.
 */
static void
drop (struct writeback *wb, uint64_t offset, uint64_t count)
{
  int err = write_wait (wb->fd, offset, count);

  if (err == 0)
    posix_fadvise (wb->fd, offset, count, POSIX_FADV_DONTNEED);
  else
    record (wb, err, offset, count);
}

/* The writeback thread: takes what is queued, writes back each run of
 * neighbouring ranges in one call, drops their pages, and so on until
 * told to stop with nothing queued.
 */
static void *
writeback_thread (void *arg)
{
  struct writeback *wb = arg;
  struct writeback_range batch[WRITEBACK_WINDOW];
  unsigned i, j, n;

  pthread_mutex_lock (&wb->lock);
  for (;;) {
    while (wb->qn == 0 && !wb->stopping)
      pthread_cond_wait (&wb->work, &wb->lock);
    if (wb->qn == 0)
      break;
    for (n = 0; wb->qn > 0; n++, wb->qn--) {
      batch[n] = wb->q[wb->qhead];
      wb->qhead = (wb->qhead + 1) % WRITEBACK_WINDOW;
    }
    wb->busy = true;
    pthread_cond_broadcast (&wb->room);
    pthread_mutex_unlock (&wb->lock);

    for (i = 0; i < n; i = j) {
      uint64_t lo = batch[i].offset;
      uint64_t hi = batch[i].offset + batch[i].count;
      int err;

      for (j = i + 1; j < n && batch[j].offset >= hi &&
             batch[j].offset - hi <= WRITEBACK_GAP; j++)
        hi = batch[j].offset + batch[j].count;
      err = write_wait (wb->fd, lo, hi - lo);
      if (err) {
        record (wb, err, lo, hi - lo);
        continue;
      }
      /* Range by range: a gap may hold another handle's dirty pages. */
      for (; i < j; i++)
        posix_fadvise (wb->fd, batch[i].offset, batch[i].count,
                       POSIX_FADV_DONTNEED);
    }

    pthread_mutex_lock (&wb->lock);
    wb->busy = false;
    pthread_cond_broadcast (&wb->room);
  }
  pthread_mutex_unlock (&wb->lock);
  return NULL;
}

/* Queue a short-run range for the thread (under the lock), started at the
 * first one; waits while the queue is full.  Without a thread the range
 * is written back here: -1, the caller does it outside the lock.
 */
static int
enqueue (struct writeback *wb, uint64_t offset, uint64_t count)
{
  if (!wb->has_thread) {
    if (pthread_create (&wb->thread, NULL, writeback_thread, wb) != 0)
      return -1;
    wb->has_thread = true;
  }
  while (wb->qn == WRITEBACK_WINDOW)
    pthread_cond_wait (&wb->room, &wb->lock);
  wb->q[(wb->qhead + wb->qn) % WRITEBACK_WINDOW].offset = offset;
  wb->q[(wb->qhead + wb->qn) % WRITEBACK_WINDOW].count = count;
  wb->qn++;
  pthread_cond_signal (&wb->work);
  return 0;
}

/* Take the oldest started range out of the window (under the lock). */
static void
pop_oldest (struct writeback *wb, uint64_t *offset, uint64_t *count)
{
  *offset = wb->w[wb->head].offset;
  *count = wb->w[wb->head].count;
  wb->head = (wb->head + 1) % WRITEBACK_WINDOW;
  wb->n--;
}

/* What closing a range leaves to do outside the lock. */
struct closed {
  bool started, dropped, written;
  uint64_t offset, count;       /* the range closed: start (or write) it */
  uint64_t old_offset, old_count; /* the oldest range: wait and drop it */
};

/* Close the open range (under the lock): a range written in long runs
 * into the window, its writeback started; one written in short runs to
 * the thread.
 */
static void
end_range (struct writeback *wb, struct closed *c)
{
  bool short_runs;

  if (wb->bytes == 0)
    return;
  short_runs = wb->bytes / wb->runs < WRITEBACK_SHORT_RUN;
  c->offset = wb->lo;
  c->count = wb->hi - wb->lo;
  wb->runs = 0;
  wb->bytes = 0;
  if (short_runs) {
    c->written = enqueue (wb, c->offset, c->count) == -1;
    return;
  }
  c->started = true;
  c->dropped = wb->n == WRITEBACK_WINDOW;
  if (c->dropped)
    pop_oldest (wb, &c->old_offset, &c->old_count);
  wb->w[(wb->head + wb->n) % WRITEBACK_WINDOW].offset = c->offset;
  wb->w[(wb->head + wb->n) % WRITEBACK_WINDOW].count = c->count;
  wb->n++;
}

static void
act (struct writeback *wb, const struct closed *c)
{
  if (c->started)
    sync_file_range (wb->fd, c->offset, c->count, SYNC_FILE_RANGE_WRITE);
  if (c->written)
    drop (wb, c->offset, c->count);
  if (c->dropped)
    drop (wb, c->old_offset, c->old_count);
}

int
writeback_add (struct writeback *wb, uint64_t offset, uint64_t count)
{
  struct closed before = { 0 }, after = { 0 };
  uint64_t end = offset + count;

  if (wb->fd < 0 || count == 0)
    return 0;
  /* A range written back earlier failed: so does every write after it. */
  if (writeback_check (wb->errs) == -1)
    return -1;
  pthread_mutex_lock (&wb->lock);
  /* A write that would stretch the open range too far starts a new one. */
  if (wb->bytes > 0 &&
      (end > wb->hi ? end : wb->hi) - (offset < wb->lo ? offset : wb->lo) >
      WRITEBACK_SPAN)
    end_range (wb, &before);
  if (wb->bytes == 0 || offset != wb->last_end)
    wb->runs++;
  wb->last_end = end;
  if (wb->bytes == 0) {
    wb->lo = offset;
    wb->hi = end;
  }
  else {
    wb->lo = offset < wb->lo ? offset : wb->lo;
    wb->hi = end > wb->hi ? end : wb->hi;
  }
  wb->bytes += count;
  if (wb->bytes >= WRITEBACK_CHUNK)
    end_range (wb, &after);
  pthread_mutex_unlock (&wb->lock);
  act (wb, &before);
  act (wb, &after);
  return 0;
}

int
writeback_sync (struct writeback *wb)
{
  if (wb->fd < 0)
    return 0;
  pthread_mutex_lock (&wb->lock);
  while (wb->qn > 0 || wb->busy)
    pthread_cond_wait (&wb->room, &wb->lock);
  pthread_mutex_unlock (&wb->lock);
  return writeback_check (wb->errs);
}

/* Wait for and drop the open range and the window (not the thread's). */
static void
drain_window (struct writeback *wb)
{
  pthread_mutex_lock (&wb->lock);
  if (wb->bytes > 0) {
    /* The open range is waited for and dropped with the rest. */
    uint64_t lo = wb->lo, hi = wb->hi;

    wb->bytes = 0;
    pthread_mutex_unlock (&wb->lock);
    drop (wb, lo, hi - lo);
  }
  else
    pthread_mutex_unlock (&wb->lock);
  for (;;) {
    uint64_t offset, count;

    pthread_mutex_lock (&wb->lock);
    if (wb->n == 0) {
      pthread_mutex_unlock (&wb->lock);
      break;
    }
    pop_oldest (wb, &offset, &count);
    pthread_mutex_unlock (&wb->lock);
    drop (wb, offset, count);
  }
}

int
writeback_drain (struct writeback *wb)
{
  drain_window (wb);
  return writeback_sync (wb);
}

void
writeback_finish (struct writeback *wb)
{
  drain_window (wb);
  if (wb->has_thread) {
    pthread_mutex_lock (&wb->lock);
    wb->stopping = true;
    pthread_cond_signal (&wb->work);
    pthread_mutex_unlock (&wb->lock);
    pthread_join (wb->thread, NULL);
  }
  pthread_cond_destroy (&wb->work);
  pthread_cond_destroy (&wb->room);
  pthread_mutex_destroy (&wb->lock);
}
