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
#include <sys/syscall.h>

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

/* cachestat(2), Linux 6.5: the page cache's count of a file's range, one
 * walk of its tree without a reference on each page (mincore takes one):
 * a quarter of the time of mincore.  The number is the same on every
 * architecture but alpha, where the call fails and mincore answers.
 */
#if defined (__linux__) && !defined (__alpha__)
#ifndef __NR_cachestat
#define __NR_cachestat 451
#endif
struct cstat_range { uint64_t off, len; };
struct cstat { uint64_t nr_cache, nr_dirty, nr_writeback, nr_evicted,
    nr_recently_evicted; };

/* 1: [offset, offset + len) is all cached, 0: not, -1: cachestat failed. */
static int
cachestat_all (int fd, uint64_t offset, uint64_t len)
{
  struct cstat_range r = { offset, len };
  struct cstat cs;
  uint64_t page = sysconf (_SC_PAGESIZE);

  if (syscall (__NR_cachestat, fd, &r, &cs, 0) == -1)
    return -1;
  return cs.nr_cache >= (len + page - 1) / page;
}
#else
static int
cachestat_all (int fd, uint64_t offset, uint64_t len)
{
  return -1;
}
#endif

/* mincore(2): the same question asked of the view p of the range. */
static bool
mincore_all (char *p, uint64_t len)
{
  unsigned char vec[1024];
  uint64_t page = sysconf (_SC_PAGESIZE), pos, n, i;

  for (pos = 0; pos < len; pos += n * page) {
    n = (len - pos + page - 1) / page;
    if (n > sizeof vec)
      n = sizeof vec;
    if (mincore (p + pos, n * page, vec) == -1)
      return false;
    for (i = 0; i < n; ++i)
      if (!(vec[i] & 1))
        return false;
  }
  return true;
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
  /* Not to be kept: unmapping a page of a VM_SEQ_READ mapping does not
   * count as an access (vma_has_recency()), so a compare does not move
   * the pages it looked at once to the active list.
   */
  madvise (p, MAP_WINDOW, MADV_SEQUENTIAL);
  h->mw = p;
  h->mw_start = start;
  return h->mw;
}

/* Whether every page of [offset, offset + len) (page-aligned; p maps it)
 * is in the page cache: then it has been read, and faulting it in cannot
 * fail but for a file that shrinks.
 */
static bool
all_cached (int fd, char *p, uint64_t offset, uint64_t len)
{
  int r = cachestat_all (fd, offset, len);

  return r != -1 ? r : mincore_all (p, len);
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
  /* Cached data is left to the page faults of the compare itself:
   * faulting it in ahead (MADV_POPULATE_READ) goes through
   * get_user_pages, which marks every page accessed, and a page read once
   * (by a copy) is then moved to the active list in LRU-locked batches: a
   * fifth of the CPU time (16 GiB sparse pair just read: 0.35 s -> 0.26 s).
   * Uncached data: one readahead of the whole view, not the fault path's
   * page at a time (a cold 16 GiB sparse pair: 8.6 s -> 4.8 s), and
   * faulted in now, so an unreadable range fails here and is read with
   * pread, which says where.
   */
  if (!all_cached (sh->fd, p - s, offset - s, count + s)) {
    posix_fadvise (sh->fd, offset - s, count + s, POSIX_FADV_WILLNEED);
    if (populate (sh, p - s, count + s) == -1)
      return NULL;
  }
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
