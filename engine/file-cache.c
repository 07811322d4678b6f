/* nbdferry: page-cache hygiene for buffered file and device sinks.
 *
 * Writing a whole image through the page cache fills memory with dirty
 * pages that the kernel must later find, write and reclaim, and every new
 * page is memory the machine has to hand out again.  Instead, as each
 * write lands we start its writeback, and wait for the previous one to
 * reach the disk and drop its pages: a copy then cycles through a few hot
 * pages per worker and the data is on its way to disk as it goes.
 */
#include <config.h>

#include <fcntl.h>

#include "cleanup.h"
#include "file-internal.h"

static void
drop (int fd, uint64_t offset, uint64_t count)
{
  /* Best effort: a failure here costs memory, never data. */
  if (sync_file_range (fd, offset, count, SYNC_FILE_RANGE_WAIT_BEFORE |
                       SYNC_FILE_RANGE_WRITE |
                       SYNC_FILE_RANGE_WAIT_AFTER) == 0)
    posix_fadvise (fd, offset, count, POSIX_FADV_DONTNEED);
}

void
file_writeback (struct file_be *h, uint64_t offset, uint64_t count)
{
  int fd = h->sh->fd;
  LOCK_IN_SCOPE (&h->wb_lock);

  sync_file_range (fd, offset, count, SYNC_FILE_RANGE_WRITE);
  if (h->wb_len)
    drop (fd, h->wb_off, h->wb_len);
  h->wb_off = offset;
  h->wb_len = count;
}

void
file_writeback_finish (struct file_be *h)
{
  LOCK_IN_SCOPE (&h->wb_lock);

  if (h->wb_len)
    drop (h->sh->fd, h->wb_off, h->wb_len);
  h->wb_len = 0;
}
