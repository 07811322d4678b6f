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

/* Take the oldest write out of the window (under the lock). */
static void
pop_oldest (struct writeback *wb, uint64_t *offset, uint64_t *count)
{
  *offset = wb->w[wb->head].offset;
  *count = wb->w[wb->head].count;
  wb->head = (wb->head + 1) % WRITEBACK_WINDOW;
  wb->n--;
}

void
writeback_add (struct writeback *wb, uint64_t offset, uint64_t count)
{
  uint64_t old_offset = 0, old_count = 0;
  bool full;

  if (wb->fd < 0)
    return;
  sync_file_range (wb->fd, offset, count, SYNC_FILE_RANGE_WRITE);
  pthread_mutex_lock (&wb->lock);
  full = wb->n == WRITEBACK_WINDOW;
  if (full)
    pop_oldest (wb, &old_offset, &old_count);
  wb->w[(wb->head + wb->n) % WRITEBACK_WINDOW].offset = offset;
  wb->w[(wb->head + wb->n) % WRITEBACK_WINDOW].count = count;
  wb->n++;
  pthread_mutex_unlock (&wb->lock);
  if (full)
    drop (wb->fd, old_offset, old_count);
}

void
writeback_finish (struct writeback *wb)
{
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
