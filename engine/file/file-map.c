/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: views of a file's page cache (the backend's map hook).
 *
 * A compare reads both images only to look at them: mapping the page
 * cache saves the copy pread makes into a buffer, the larger part of the
 * CPU time when the data is cached (DESIGN.md "Compare").
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/mman.h>

#include "file-internal.h"

static uint64_t
skew (uint64_t offset)
{
  return offset % (uint64_t) sysconf (_SC_PAGESIZE);
}

/* Fault the view in now, in one call: a range that cannot be read (an I/O
 * error, a file that shrank) fails here with EFAULT instead of raising
 * SIGBUS later.  Kernels before 5.14 lack it: the reads fault it in.
 */
static int
populate (struct file_shared *sh, char *p, uint64_t len)
{
#ifdef MADV_POPULATE_READ
  if (!atomic_load (&sh->no_populate) &&
      madvise (p, len, MADV_POPULATE_READ) == -1) {
    if (errno != EINVAL)
      return -1;
    atomic_store (&sh->no_populate, true);
  }
#endif
  return 0;
}

const void *
file_map (struct backend *b, uint64_t count, uint64_t offset)
{
  struct file_shared *sh = file_sh (b);
  uint64_t s = skew (offset);
  char *p = mmap (NULL, count + s, PROT_READ, MAP_SHARED, sh->fd,
                  offset - s);

  if (p == MAP_FAILED)
    return NULL;
  /* Uncached data: one readahead of the whole view, not the fault path's
   * page at a time (a cold 16 GiB sparse pair: 8.6 s -> 4.8 s; 0.03 s
   * more when it is all cached).  A hint: its failure changes nothing.
   */
  posix_fadvise (sh->fd, offset - s, count + s, POSIX_FADV_WILLNEED);
  if (populate (sh, p, count + s) == -1) {
    int err = errno;
    munmap (p, count + s);
    errno = err;
    return NULL;
  }
  return p + s;
}

void
file_unmap (struct backend *b, const void *addr, uint64_t count,
            uint64_t offset)
{
  uint64_t s = skew (offset);

  munmap ((char *) addr - s, count + s);
}
