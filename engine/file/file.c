/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: the file and block-device backend (see file.h).
 *
 * This file: open, size, limits, init flags, extents and synchronous I/O.
 * file-zero.c has the zeroing cascade, file-aio.c the O_DIRECT libaio path.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <linux/fs.h>

#include "backend.h"
#include "blocksize.h"
#include "cleanup.h"
#include "error.h"
#include "extents.h"
#include "file.h"
#include "fdio.h"
#include "file-internal.h"

/* Cap on the extents one call reports: a short answer keeps latency flat. */
#define MAX_EXTENTS_PER_CALL 1024

static void *
bounce_alloc (struct file_shared *sh, uint64_t count)
{
  void *p;

  errno = posix_memalign (&p, sh->mem_align < 4096 ? 4096 : sh->mem_align,
                          count ? count : 1);
  return errno ? NULL : p;
}

int
file_pread_full (struct file_shared *sh, void *buf, uint64_t count,
                 uint64_t offset)
{
  if ((uintptr_t) buf % sh->mem_align) {
    CLEANUP_FREE void *bounce = bounce_alloc (sh, count);
    if (bounce == NULL || file_pread_full (sh, bounce, count, offset) == -1)
      return -1;
    memcpy (buf, bounce, count);
    return 0;
  }

  return fd_pread_full (sh->fd, buf, count, offset);
}

int
file_pwrite_full (struct file_shared *sh, const void *buf, uint64_t count,
                  uint64_t offset)
{
  if ((uintptr_t) buf % sh->mem_align) {
    CLEANUP_FREE void *bounce = bounce_alloc (sh, count);
    if (bounce == NULL)
      return -1;
    memcpy (bounce, buf, count);
    return file_pwrite_full (sh, bounce, count, offset);
  }

  return fd_pwrite_full (sh->fd, buf, count, offset);
}

static int
file_pread (struct backend *b, void *buf, uint64_t count, uint64_t offset,
            uint32_t flags)
{
  return file_pread_full (file_sh (b), buf, count, offset);
}

static int
file_pwrite (struct backend *b, const void *buf, uint64_t count,
             uint64_t offset, uint32_t flags)
{
  struct file_shared *sh = file_sh (b);

  if (file_pwrite_full (sh, buf, count, offset) == -1)
    return -1;
  if ((flags & F_FUA) && fdatasync (sh->fd) == -1)
    return -1;
  if (!sh->direct)
    return writeback_add (&((struct file_be *) b)->wb, offset, count);
  return 0;
}

static int64_t
file_get_size (struct backend *b)
{
  struct file_shared *sh = file_sh (b);
  struct stat st;

  if (sh->is_device) {
    uint64_t size;
    if (ioctl (sh->fd, BLKGETSIZE64, &size) == -1)
      return -1;
    return size;
  }
  if (fstat (sh->fd, &st) == -1)
    return -1;
  if (sh->is_char && sh->size_override >= 0)
    return sh->size_override;
  return st.st_size;
}

/* A preferred size we can use: a power of two of at least 512. */
static uint64_t
usable_pref (uint64_t v)
{
  return is_power_of_2 (v) && v >= 512 ? v : 0;
}

static int64_t
file_block_size (struct backend *b, enum bs_which which)
{
  struct file_shared *sh = file_sh (b);
  uint64_t pref = 0;
  struct stat st;

  switch (which) {
  case BS_MINIMUM:
    return sh->align;
  case BS_PREFERRED:
    if (sh->is_device) {
      unsigned int io_opt = 0, pbs = 0;
      if (ioctl (sh->fd, BLKIOOPT, &io_opt) == 0)
        pref = usable_pref (io_opt);
      if (pref == 0 && ioctl (sh->fd, BLKPBSZGET, &pbs) == 0)
        pref = usable_pref (pbs);
    }
    if (pref == 0 && fstat (sh->fd, &st) == 0)
      pref = usable_pref (st.st_blksize);
    if (pref && pref < sh->align)
      pref = sh->align;
    return pref;
  default:
    return 0;
  }
}

/* Extents are reported in whole aligned blocks: a partly allocated block
 * counts as data.
 */
static int
file_extents (struct backend *b, uint64_t count, uint64_t offset,
              uint32_t flags, struct extent_list *list)
{
  struct file_shared *sh = file_sh (b);
  const uint64_t end = offset + count;
  uint64_t pos = offset;
  unsigned n;
  bool at_data = false;         /* pos is where the last SEEK_DATA landed */

  if (sh->is_device || sh->is_char)
    return extents_add (list, offset, count, 0);

  for (n = 0; pos < end && n < MAX_EXTENTS_PER_CALL; ++n) {
    off_t data, hole;

    /* After a hole we know data starts here: one lseek per boundary, not
     * three per extent (a fragmented image asks this 65,536 times).
     */
    data = at_data ? (off_t) pos : lseek (sh->fd, pos, SEEK_DATA);
    at_data = false;
    if (data == -1) {
      if (errno != ENXIO)
        return -1;
      /* No data from pos on: a hole to the end of the file.  Holes are
       * described whole, past end: the list keeps the rest as a hint, and
       * the copy skips the next units of a huge hole without asking.
       */
      return extents_add (list, pos, b->size - pos, EXTENT_HOLE|EXTENT_ZERO);
    }
    data = round_down (data, sh->align);
    if ((uint64_t) data > pos) {
      if (extents_add (list, pos, data - pos, EXTENT_HOLE|EXTENT_ZERO) == -1)
        return -1;
      pos = data;
      at_data = true;
      if (flags & F_REQ_ONE)
        break;
      continue;
    }

    hole = lseek (sh->fd, pos, SEEK_HOLE);
    if (hole == -1)
      return -1;
    hole = round_up (hole, sh->align);
    if ((uint64_t) hole > end || (uint64_t) hole <= pos)
      hole = end;
    if (extents_add (list, pos, hole - pos, 0) == -1)
      return -1;
    pos = hole;
    if (flags & F_REQ_ONE)
      break;
  }
  return 0;
}

static int
file_init_flags (struct backend *b)
{
  struct file_shared *sh = file_sh (b);
  int64_t size = b->size;
  off_t data, hole;

  if (sh->is_device || sh->is_char)
    return 0;
  if (sh->created)
    return INIT_ZERO|INIT_SPARSE;

  data = lseek (sh->fd, 0, SEEK_DATA);
  if (data == -1) {
    if (errno == ENXIO)
      return INIT_ZERO|INIT_SPARSE;
    return 0;                   /* no SEEK_DATA here: we know nothing */
  }
  if (data > 0)
    return INIT_SPARSE;
  hole = lseek (sh->fd, 0, SEEK_HOLE);
  return hole != -1 && hole < size ? INIT_SPARSE : 0;
}

static int
file_can_write (struct backend *b)
{
  int fl = fcntl (file_sh (b)->fd, F_GETFL);

  if (fl == -1)
    return -1;
  return (fl & O_ACCMODE) != O_RDONLY;
}

static int
file_can_extents (struct backend *b)
{
  struct file_shared *sh = file_sh (b);
  return !sh->is_device && !sh->is_char;
}

static int
file_can_zero_range (struct backend *b)
{
  struct file_shared *sh = file_sh (b);
  return file_can_write (b) == 1 && !sh->is_char;
}

static int
file_can_cache (struct backend *b)
{
  return !file_sh (b)->direct;
}

/* A failure that a writeback call met (this handle's or another's, now
 * or before) is not reported again by fdatasync on the same open file:
 * the handle's writeback thread is waited for, and the failures recorded
 * are checked after fdatasync too.
 */
static int
file_flush (struct backend *b, uint32_t flags)
{
  struct file_shared *sh = file_sh (b);

  if (writeback_sync (&((struct file_be *) b)->wb) == -1 ||
      fdatasync (sh->fd) == -1)
    return -1;
  return writeback_check (&sh->wb_err);
}

/* The copy's last writes were this handle's (the first worker's handle is
 * the one opened, closed only after the copy): written back now, and
 * every handle's failures checked, or a copy whose last ranges failed to
 * reach the disk would succeed.  The other handles were closed, their
 * windows drained, when their workers ended.
 */
static int
file_finish (struct backend *b)
{
  return writeback_drain (&((struct file_be *) b)->wb);
}

static int
file_cache (struct backend *b, uint64_t count, uint64_t offset,
            uint32_t flags)
{
  int r = posix_fadvise (file_sh (b)->fd, offset, count, POSIX_FADV_WILLNEED);

  if (r) {
    errno = r;
    return -1;
  }
  return 0;
}

/* A sink whose source was a stream learns its size at the end. */
static int
file_extend (struct backend *b, uint64_t size)
{
  struct file_shared *sh = file_sh (b);
  struct stat st;

  if (sh->is_device || sh->is_char) {
    if ((int64_t) size > b->size) {
      errno = ENOSPC;
      return -1;
    }
    return 0;
  }
  if (fstat (sh->fd, &st) == -1)
    return -1;
  if ((uint64_t) st.st_size >= size)
    return 0;
  return ftruncate (sh->fd, size);
}

static void
shared_unref (struct file_shared *sh)
{
  if (atomic_fetch_sub (&sh->refs, 1) == 1) {
    close (sh->fd);
    writeback_error_destroy (&sh->wb_err);
    free (sh);
  }
}

static void
file_close (struct backend *b)
{
  struct file_be *h = (struct file_be *) b;

  if (h->sh->direct)
    file_aio_close (h);
  file_map_close (h);
  writeback_finish (&h->wb);
  shared_unref (h->sh);
}

static const struct backend_ops file_ops;
static const struct backend_ops file_direct_ops;

static struct file_be *
handle_new (struct file_shared *sh, const char *name)
{
  struct file_be *h = backend_alloc (sizeof *h,
                                     sh->direct ? &file_direct_ops : &file_ops,
                                     name, NULL);

  if (h == NULL)
    return NULL;
  h->efd = -1;
  writeback_init (&h->wb, sh->direct ? -1 : sh->fd, &sh->wb_err);
  h->sh = sh;
  atomic_fetch_add (&sh->refs, 1);
  if (sh->direct && file_aio_init (h) == -1) {
    set_error_errno ("%s: cannot set up asynchronous I/O", name);
    backend_close (&h->b);
    return NULL;
  }
  return h;
}

/* Each worker gets its own handle: its own io context under O_DIRECT, its
 * own writeback window otherwise.
 */
static struct backend *
file_dup (struct backend *b)
{
  struct file_be *h = handle_new (file_sh (b), b->name);
  return h ? &h->b : NULL;
}

#define COMMON_OPS                              \
  .close = file_close,                          \
  .get_size = file_get_size,                    \
  .block_size = file_block_size,                \
  .init_flags = file_init_flags,                \
  .can_write = file_can_write,                  \
  .can_zero = file_can_write,                   \
  .can_fast_zero = file_can_zero_range,         \
  .can_trim = file_can_zero_range,              \
  .can_flush = file_can_write,                  \
  .can_extents = file_can_extents,              \
  .can_multi_conn = backend_yes,                        \
  .can_cache = file_can_cache,                  \
  .is_local = backend_yes,                      \
  .pread = file_pread,                          \
  .pwrite = file_pwrite,                        \
  .zero = file_zero,                            \
  .trim = file_trim,                            \
  .flush = file_flush,                          \
  .finish = file_finish,                        \
  .extents = file_extents,                      \
  .cache = file_cache,                          \
  .extend = file_extend

static const struct backend_ops file_ops = {
  .name = "file",
  .map = file_map,
  .unmap = file_unmap,
  COMMON_OPS,
  .dup = file_dup,
};

static const struct backend_ops file_direct_ops = {
  .name = "file",
  COMMON_OPS,
  .dup = file_dup,
  .aio_pread = file_aio_pread,
  .aio_pwrite = file_aio_pwrite,
  .aio_get_fd = file_aio_get_fd,
  .aio_notify = file_aio_notify,
  .aio_in_flight = file_aio_in_flight,
};

/* O_DIRECT alignment of offsets/lengths and of buffers. */
static void
direct_alignment (struct file_shared *sh)
{
  struct statx stx;
  int lbs;

#ifdef STATX_DIOALIGN
  if (statx (sh->fd, "", AT_EMPTY_PATH, STATX_DIOALIGN, &stx) == 0 &&
      (stx.stx_mask & STATX_DIOALIGN) &&
      is_power_of_2 (stx.stx_dio_offset_align) &&
      is_power_of_2 (stx.stx_dio_mem_align)) {
    sh->align = stx.stx_dio_offset_align;
    sh->mem_align = stx.stx_dio_mem_align;
    return;
  }
#endif
  (void) stx;
  if (sh->is_device && ioctl (sh->fd, BLKSSZGET, &lbs) == 0 &&
      is_power_of_2 (lbs)) {
    sh->align = sh->mem_align = lbs;
    return;
  }
  /* Unknown: 4 KiB suits every device with sectors up to 4 KiB. */
  sh->align = sh->mem_align = 4096;
}

/* Direct I/O cannot reach a tail shorter than a block: use the page cache. */
static int
maybe_direct (struct file_shared *sh, const struct stat *st)
{
  int fl = fcntl (sh->fd, F_GETFL);

  if (fl == -1)
    return -1;
  if (!(fl & O_DIRECT) || sh->is_char)
    return 0;
  direct_alignment (sh);
  if (!sh->is_device && st->st_size % sh->align != 0) {
    sh->align = sh->mem_align = 1;
    return fcntl (sh->fd, F_SETFL, fl & ~O_DIRECT);
  }
  sh->direct = true;
  return 0;
}

struct backend *
file_backend_open (int fd, const char *name, const struct file_params *p)
{
  CLEANUP_CLOSE int cfd = fd;
  struct file_shared *sh;
  struct file_be *h;
  struct stat st;

  if (fstat (fd, &st) == -1) {
    set_error_errno ("%s", name);
    return NULL;
  }
  sh = calloc (1, sizeof *sh);
  if (sh == NULL) {
    set_error_errno ("%s", name);
    return NULL;
  }
  atomic_init (&sh->refs, 1);   /* ours until the first handle has one */
  writeback_error_init (&sh->wb_err);
  sh->fd = fd;
  sh->is_device = S_ISBLK (st.st_mode);
  sh->is_char = S_ISCHR (st.st_mode);
  sh->created = p->created;
  sh->allocated = p->allocated;
  sh->size_override = p->size;
  sh->requests = p->requests ? p->requests : 64;
  if (sh->requests > FILE_MAX_REQUESTS)
    sh->requests = FILE_MAX_REQUESTS;   /* io_setup's limit is system-wide */
  sh->align = sh->mem_align = sh->sector = 1;
  if (sh->is_device) {
    int lbs;
    sh->sector = ioctl (fd, BLKSSZGET, &lbs) == 0 && is_power_of_2 (lbs)
      ? lbs : 512;
  }
  if (maybe_direct (sh, &st) == -1) {
    set_error_errno ("%s", name);
    writeback_error_destroy (&sh->wb_err);
    free (sh);
    return NULL;
  }
  cfd = -1;                     /* sh owns it now */

  h = handle_new (sh, name);    /* takes a reference on sh */
  shared_unref (sh);            /* drop ours: h holds sh, or nothing does */
  if (h == NULL)
    return NULL;
  return backend_ready (&h->b);
}
