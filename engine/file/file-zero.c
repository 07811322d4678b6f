/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: zeroing and trimming files and block devices.
 *
 * The cascade, cheapest first: punch a hole (when the caller allows it and
 * not --allocated), zero a range in the file system, BLKZEROOUT on devices,
 * then writes of zeroes.  F_FAST_ZERO stops before anything that may write.
 * A method that answers EOPNOTSUPP is remembered and not tried again.
 *
 * On a block device, fallocate(PUNCH_HOLE) is a write-zeroes request that
 * may unmap and never falls back to writing (so it is cheap and reads back
 * as zero), while ZERO_RANGE and BLKZEROOUT may fall back to writing zeroes.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/falloc.h>
#include <linux/fs.h>

#include "blocksize.h"
#include "cleanup.h"
#include "file-internal.h"

/* Returns from the try_* helpers. */
#define TRIED_OK 0
#define NOT_HERE 1              /* not supported: go on down the cascade */

static int
outcome (int r, atomic_bool *unsupported)
{
  if (r == 0)
    return TRIED_OK;
  switch (errno) {
  case EOPNOTSUPP: case ENOTTY: case ENOSYS:
    atomic_store (unsupported, true);
    return NOT_HERE;
  case EINVAL:                  /* this range or file type only */
    return NOT_HERE;
  default:
    return -1;                  /* a real error (EIO, ENOSPC): report it */
  }
}

static int
try_fallocate (struct file_shared *sh, atomic_bool *unsupported, int mode,
               uint64_t offset, uint64_t count)
{
  int r;

  if (atomic_load_explicit (unsupported, memory_order_relaxed))
    return NOT_HERE;
  do
    r = fallocate (sh->fd, mode, offset, count);
  while (r == -1 && errno == EINTR);
  return outcome (r, unsupported);
}

static int
try_ioctl (struct file_shared *sh, atomic_bool *unsupported,
           unsigned long req, uint64_t offset, uint64_t count)
{
  uint64_t range[2] = { offset, count };
  int r;

  if (atomic_load_explicit (unsupported, memory_order_relaxed))
    return NOT_HERE;
  do
    r = ioctl (sh->fd, req, range);
  while (r == -1 && errno == EINTR);
  return outcome (r, unsupported);
}

#define ZERO_CHUNK (1024 * 1024)

static int
write_zeroes (struct file_shared *sh, uint64_t count, uint64_t offset)
{
  CLEANUP_FREE void *zeroes = NULL;
  uint64_t chunk = count < ZERO_CHUNK ? count : ZERO_CHUNK;

  if (count == 0)
    return 0;
  errno = posix_memalign (&zeroes, sh->mem_align < 4096 ? 4096 : sh->mem_align,
                          chunk);
  if (errno)
    return -1;
  memset (zeroes, 0, chunk);
  while (count > 0) {
    uint64_t n = count < chunk ? count : chunk;
    if (file_pwrite_full (sh, zeroes, n, offset) == -1)
      return -1;
    offset += n;
    count -= n;
  }
  return 0;
}

static int
file_zero_regular (struct file_shared *sh, uint64_t count, uint64_t offset,
                   uint32_t flags)
{
  int r = NOT_HERE;

  if ((flags & F_MAY_TRIM) && !sh->allocated)
    r = try_fallocate (sh, &sh->no_punch,
                       FALLOC_FL_PUNCH_HOLE|FALLOC_FL_KEEP_SIZE,
                       offset, count);
  /* Without KEEP_SIZE: a sink growing behind a stream gets its size. */
  if (r == NOT_HERE)
    r = try_fallocate (sh, &sh->no_zero_range, FALLOC_FL_ZERO_RANGE,
                       offset, count);
  if (r != NOT_HERE)
    return r;
  if (flags & F_FAST_ZERO) {
    errno = ENOTSUP;
    return -1;
  }
  return write_zeroes (sh, count, offset);
}

/* Devices zero whole sectors: the kernel's methods get the aligned middle,
 * the unaligned ends (buffered I/O only) are written.
 */
static int
file_zero_device (struct file_shared *sh, uint64_t count, uint64_t offset,
                  uint32_t flags)
{
  const uint64_t end = offset + count;
  const uint64_t a = round_up (offset, sh->sector);
  const uint64_t e = round_down (end, sh->sector);
  int r = NOT_HERE;

  if (a >= e)
    return write_zeroes (sh, count, offset);
  if ((flags & F_MAY_TRIM) && !sh->allocated)
    r = try_fallocate (sh, &sh->no_punch,
                       FALLOC_FL_PUNCH_HOLE|FALLOC_FL_KEEP_SIZE, a, e - a);
  if (r == NOT_HERE && !(flags & F_FAST_ZERO))
    r = try_ioctl (sh, &sh->no_zeroout, BLKZEROOUT, a, e - a);
  if (r == -1)
    return -1;
  if (r == NOT_HERE) {
    if (flags & F_FAST_ZERO) {
      errno = ENOTSUP;
      return -1;
    }
    return write_zeroes (sh, count, offset);
  }
  if (write_zeroes (sh, a - offset, offset) == -1 ||
      write_zeroes (sh, end - e, e) == -1)
    return -1;
  return 0;
}

int
file_zero (struct backend *b, uint64_t count, uint64_t offset, uint32_t flags)
{
  struct file_shared *sh = file_sh (b);
  int r;

  if (sh->is_device)
    r = file_zero_device (sh, count, offset, flags);
  else if (sh->is_char) {
    if (flags & F_FAST_ZERO) {
      errno = ENOTSUP;
      return -1;
    }
    r = write_zeroes (sh, count, offset);
  }
  else
    r = file_zero_regular (sh, count, offset, flags);
  if (r == 0 && (flags & F_FUA))
    r = fdatasync (sh->fd);
  return r;
}

/* Trim is advisory: where it cannot be done, doing nothing is right. */
int
file_trim (struct backend *b, uint64_t count, uint64_t offset, uint32_t flags)
{
  struct file_shared *sh = file_sh (b);
  int r = TRIED_OK;

  if (sh->is_device) {
    const uint64_t a = round_up (offset, sh->sector);
    const uint64_t e = round_down (offset + count, sh->sector);
    if (a < e)
      r = try_ioctl (sh, &sh->no_discard, BLKDISCARD, a, e - a);
  }
  else if (!sh->is_char && !sh->allocated)
    r = try_fallocate (sh, &sh->no_punch,
                       FALLOC_FL_PUNCH_HOLE|FALLOC_FL_KEEP_SIZE,
                       offset, count);
  if (r == -1)
    return -1;
  if ((flags & F_FUA) && fdatasync (sh->fd) == -1)
    return -1;
  return 0;
}
