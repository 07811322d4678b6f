/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: page-cache hygiene for buffered writes (see writeback.h). */
#include <config.h>

#include <fcntl.h>
#include <stdbool.h>

#include "writeback.h"

void
writeback_init (struct writeback *wb, int fd)
{
  wb->fd = fd;
  pthread_mutex_init (&wb->lock, NULL);
  wb->head = wb->n = 0;
  wb->lo = wb->hi = wb->bytes = wb->last_end = wb->runs = 0;
}

/* Best effort: a failure here costs memory, never data.  Called without
 * the lock: another thread's writes go on while this one waits.
 */
static void
drop (int fd, uint64_t offset, uint64_t count)
{
  if (sync_file_range (fd, offset, count, SYNC_FILE_RANGE_WAIT_BEFORE |
                       SYNC_FILE_RANGE_WRITE |
                       SYNC_FILE_RANGE_WAIT_AFTER) == 0)
    posix_fadvise (fd, offset, count, POSIX_FADV_DONTNEED);
}

/* Take the oldest range out of the window (under the lock). */
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
  bool started, dropped;
  uint64_t offset, count;       /* the range closed: start its writeback */
  uint64_t old_offset, old_count; /* the oldest range: wait and drop it */
};

/* Close the open range into the window (under the lock). */
static void
close_range (struct writeback *wb, struct closed *c)
{
  if (wb->bytes == 0)
    return;
  c->started = wb->bytes / wb->runs >= WRITEBACK_SHORT_RUN;
  c->offset = wb->lo;
  c->count = wb->hi - wb->lo;
  c->dropped = wb->n == WRITEBACK_WINDOW;
  wb->runs = 0;
  if (c->dropped)
    pop_oldest (wb, &c->old_offset, &c->old_count);
  wb->w[(wb->head + wb->n) % WRITEBACK_WINDOW].offset = c->offset;
  wb->w[(wb->head + wb->n) % WRITEBACK_WINDOW].count = c->count;
  wb->n++;
  wb->bytes = 0;
}

static void
act (const struct writeback *wb, const struct closed *c)
{
  if (c->started)
    sync_file_range (wb->fd, c->offset, c->count, SYNC_FILE_RANGE_WRITE);
  if (c->dropped)
    drop (wb->fd, c->old_offset, c->old_count);
}

void
writeback_add (struct writeback *wb, uint64_t offset, uint64_t count)
{
  struct closed before = { 0 }, after = { 0 };
  uint64_t end = offset + count;

  if (wb->fd < 0 || count == 0)
    return;
  pthread_mutex_lock (&wb->lock);
  /* A write that would stretch the open range too far starts a new one. */
  if (wb->bytes > 0 &&
      (end > wb->hi ? end : wb->hi) - (offset < wb->lo ? offset : wb->lo) >
      WRITEBACK_SPAN)
    close_range (wb, &before);
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
    close_range (wb, &after);
  pthread_mutex_unlock (&wb->lock);
  act (wb, &before);
  act (wb, &after);
}

void
writeback_finish (struct writeback *wb)
{
  pthread_mutex_lock (&wb->lock);
  if (wb->bytes > 0) {
    /* The open range is waited for and dropped with the rest. */
    uint64_t lo = wb->lo, hi = wb->hi;

    wb->bytes = 0;
    pthread_mutex_unlock (&wb->lock);
    drop (wb->fd, lo, hi - lo);
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
    drop (wb->fd, offset, count);
  }
  pthread_mutex_destroy (&wb->lock);
}
