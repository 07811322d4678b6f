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

/* Views are cut from one mapping per MAP_WINDOW-aligned range of the
 * file, kept until a view falls outside it: a unit of many small extents
 * costs one mmap and one munmap instead of one of each per extent (16 GiB
 * sparse pair, 1 MiB extents: 3,038 munmaps -> 257).  Faulted-in pages
 * count in the resident set, so once MAP_HELD bytes are held, each
 * released view's pages are dropped (MADV_DONTNEED keeps the page cache).
 */
#define MAP_WINDOW (64 * 1024 * 1024)
#define MAP_HELD (8 * 1024 * 1024)

void
file_map_close (struct file_be *h)
{
  if (h->mw)
    munmap (h->mw, MAP_WINDOW);
  h->mw = NULL;
  h->mw_held = 0;
}

/* The window holding [offset, offset + count), or NULL (errno set). */
static char *
window (struct file_be *h, uint64_t count, uint64_t offset)
{
  uint64_t start = offset - offset % MAP_WINDOW;
  void *p;

  if (offset + count > start + MAP_WINDOW) {
    errno = ENOTSUP;            /* a view across windows: pread it */
    return NULL;
  }
  if (h->mw && h->mw_start == start)
    return h->mw;
  file_map_close (h);
  p = mmap (NULL, MAP_WINDOW, PROT_READ, MAP_SHARED, h->sh->fd, start);
  if (p == MAP_FAILED)
    return NULL;
  h->mw = p;
  h->mw_start = start;
  return h->mw;
}

const void *
file_map (struct backend *b, uint64_t count, uint64_t offset)
{
  struct file_be *h = (struct file_be *) b;
  struct file_shared *sh = h->sh;
  uint64_t s = skew (offset);
  char *w = window (h, count, offset), *p;

  if (w == NULL)
    return NULL;
  p = w + (offset - h->mw_start);
  /* Uncached data: one readahead of the whole view, not the fault path's
   * page at a time (a cold 16 GiB sparse pair: 8.6 s -> 4.8 s; 0.03 s
   * more when it is all cached).  A hint: its failure changes nothing.
   */
  posix_fadvise (sh->fd, offset - s, count + s, POSIX_FADV_WILLNEED);
  if (populate (sh, p - s, count + s) == -1)
    return NULL;
  h->mw_held += count + s;
  return p;
}

void
file_unmap (struct backend *b, const void *addr, uint64_t count,
            uint64_t offset)
{
  struct file_be *h = (struct file_be *) b;
  uint64_t s = skew (offset);

  if (h->mw_held > MAP_HELD) {
    madvise ((char *) addr - s, count + s, MADV_DONTNEED);
    h->mw_held -= count + s;
  }
}
