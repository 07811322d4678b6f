/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry tests: a strict in-memory backend, the only one in tests/ (for
 * the filters, the copy engine and the server; not shipped: the real
 * drivers live in sources/ and sinks/).
 *
 * It refuses with EINVAL any request misaligned to its minimum or over its
 * maximum (like nbdkit's blocksize-policy filter with
 * blocksize-error-policy=error) and counts the requests and refusals.
 * Handles from dup() share the memory.  Static functions: include it in
 * one test program.
 */
#ifndef NBDFERRY_TESTS_MEM_H
#define NBDFERRY_TESTS_MEM_H

#include <errno.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "blocksize.h"
#include "error.h"
#include "extents.h"

#define EXTENT_GRAIN 512        /* finer than min: the filter must fold */

enum mem_op { MEM_READ, MEM_WRITE, MEM_EXTENTS, MEM_FINISH, MEM_OPS };

struct mem_shared {
  char *data;
  uint64_t size;
  uint64_t lim[BS_NR];
  atomic_uint refs;
  atomic_uint requests, refused, aio_calls, reads;
  bool yield;                   /* widen race windows in pread */
  bool aio_trap;                /* async hooks fail (must not be reached) */
  /* Injected failures (tests of error reporting): while fail[op] is set,
   * every request of that kind fails with it as errno, recording
   * fail_msg[op] with set_error() when that is not NULL.
   */
  int fail[MEM_OPS];
  const char *fail_msg[MEM_OPS];
};

struct mem {
  struct backend b;
  struct mem_shared *sh;
};

static const struct backend_ops mem_ops;

static struct mem_shared *
sh_of (struct backend *b)
{
  return ((struct mem *) b)->sh;
}

static int
strict (struct backend *b, uint64_t count, uint64_t offset, enum bs_which max)
{
  struct mem_shared *sh = sh_of (b);
  uint64_t min = b->bs[BS_MINIMUM];

  /* The validated limits: what the backend promised to refuse beyond. */
  atomic_fetch_add (&sh->requests, 1);
  if (count == 0 || offset % min || count % min ||
      (max != BS_NR && count > b->bs[max]) ||
      offset > sh->size || count > sh->size - offset) {
    atomic_fetch_add (&sh->refused, 1);
    errno = EINVAL;
    return -1;
  }
  return 0;
}

static int
injected (struct backend *b, enum mem_op op)
{
  struct mem_shared *sh = sh_of (b);

  if (sh->fail[op] == 0)
    return 0;
  if (sh->fail_msg[op])
    set_error ("%s", sh->fail_msg[op]);
  errno = sh->fail[op];
  return -1;
}

static struct backend *
mem_handle (struct mem_shared *sh)
{
  struct mem *m = backend_alloc (sizeof *m, &mem_ops, "mem", NULL);

  if (m == NULL)
    abort ();
  m->sh = sh;
  atomic_fetch_add (&sh->refs, 1);
  return &m->b;
}

static void
mem_close (struct backend *b)
{
  struct mem_shared *sh = sh_of (b);

  if (atomic_fetch_sub (&sh->refs, 1) == 1) {
    free (sh->data);
    free (sh);
  }
}

static struct backend *
mem_dup (struct backend *b)
{
  return mem_handle (sh_of (b));
}

static int64_t
mem_get_size (struct backend *b)
{
  return sh_of (b)->size;
}

static int64_t
mem_block_size (struct backend *b, enum bs_which w)
{
  return w < BS_NR ? sh_of (b)->lim[w] : 0;
}

static int
mem_pread (struct backend *b, void *buf, uint64_t count, uint64_t offset,
           uint32_t flags)
{
  if (strict (b, count, offset, BS_MAX_DATA) == -1 ||
      injected (b, MEM_READ) == -1)
    return -1;
  atomic_fetch_add (&sh_of (b)->reads, 1);
  memcpy (buf, sh_of (b)->data + offset, count);
  if (sh_of (b)->yield)
    sched_yield ();             /* let another thread in before the write */
  return 0;
}

static int
mem_pwrite (struct backend *b, const void *buf, uint64_t count,
            uint64_t offset, uint32_t flags)
{
  if (strict (b, count, offset, BS_MAX_DATA) == -1 ||
      injected (b, MEM_WRITE) == -1)
    return -1;
  memcpy (sh_of (b)->data + offset, buf, count);
  return 0;
}

static int
mem_zero (struct backend *b, uint64_t count, uint64_t offset, uint32_t flags)
{
  if (strict (b, count, offset, BS_MAX_ZERO) == -1)
    return -1;
  if ((flags & F_FAST_ZERO) && !b->can_fast_zero) {
    errno = ENOTSUP;
    return -1;
  }
  memset (sh_of (b)->data + offset, 0, count);
  return 0;
}

/* Trimmed blocks read as zero here, so the test sees what was trimmed. */
static int
mem_trim (struct backend *b, uint64_t count, uint64_t offset, uint32_t flags)
{
  if (strict (b, count, offset, BS_MAX_TRIM) == -1)
    return -1;
  memset (sh_of (b)->data + offset, 0, count);
  return 0;
}

static int
mem_flush (struct backend *b, uint32_t flags)
{
  return 0;
}

static int
mem_finish (struct backend *b)
{
  return injected (b, MEM_FINISH);
}

static int
mem_cache (struct backend *b, uint64_t count, uint64_t offset,
           uint32_t flags)
{
  return strict (b, count, offset, BS_MAX_CACHE);
}

static bool
all_zero (const char *p, uint64_t n)
{
  return n == 0 || (p[0] == 0 && memcmp (p, p + 1, n - 1) == 0);
}

/* Zero runs of EXTENT_GRAIN are holes, the rest data. */
static int
mem_extents (struct backend *b, uint64_t count, uint64_t offset,
             uint32_t flags, struct extent_list *list)
{
  struct mem_shared *sh = sh_of (b);
  uint64_t pos, end = offset + count;

  if (strict (b, count, offset, BS_NR) == -1 ||
      injected (b, MEM_EXTENTS) == -1)
    return -1;
  for (pos = offset; pos < end; pos += EXTENT_GRAIN) {
    uint64_t n = end - pos < EXTENT_GRAIN ? end - pos : EXTENT_GRAIN;
    uint32_t type = all_zero (sh->data + pos, n) ?
      EXTENT_HOLE|EXTENT_ZERO : 0;

    if (extents_add (list, pos, n, type) == -1)
      return -1;
    if (flags & F_REQ_ONE)
      break;
  }
  return 0;
}

/* Counted; with aio_trap set they fail, to show that a filter above
 * never lets a request reach them.  Otherwise they complete inline.
 */
static int
aio_done (struct backend *b, int r, struct completion *c)
{
  atomic_fetch_add (&sh_of (b)->aio_calls, 1);
  if (sh_of (b)->aio_trap) {
    errno = EIO;
    return -1;
  }
  c->done (c, r == -1 ? errno : 0);
  return 0;
}

static int
mem_aio_pread (struct backend *b, void *buf, uint64_t count,
               uint64_t offset, uint32_t flags, struct completion *c)
{
  return aio_done (b, sh_of (b)->aio_trap ? 0
                   : mem_pread (b, buf, count, offset, flags), c);
}

static int
mem_aio_pwrite (struct backend *b, const void *buf, uint64_t count,
                uint64_t offset, uint32_t flags, struct completion *c)
{
  return aio_done (b, sh_of (b)->aio_trap ? 0
                   : mem_pwrite (b, buf, count, offset, flags), c);
}

static int
mem_aio_zero (struct backend *b, uint64_t count, uint64_t offset,
              uint32_t flags, struct completion *c)
{
  return aio_done (b, sh_of (b)->aio_trap ? 0
                   : mem_zero (b, count, offset, flags), c);
}

static const struct backend_ops mem_ops = {
  .name = "mem",
  .close = mem_close,
  .dup = mem_dup,
  .get_size = mem_get_size,
  .block_size = mem_block_size,
  .can_write = backend_yes, .can_zero = backend_yes,
  .can_fast_zero = backend_yes, .can_trim = backend_yes,
  .can_flush = backend_yes, .can_extents = backend_yes,
  .can_multi_conn = backend_yes, .can_cache = backend_yes,
  .pread = mem_pread,
  .pwrite = mem_pwrite,
  .zero = mem_zero,
  .trim = mem_trim,
  .flush = mem_flush,
  .extents = mem_extents,
  .cache = mem_cache,
  .finish = mem_finish,
  .aio_pread = mem_aio_pread,
  .aio_pwrite = mem_aio_pwrite,
  .aio_zero = mem_aio_zero,
};

/* A strict backend of size bytes filled with fill, limits min/max (a max
 * of 0: the default).
 */
static struct backend *
mem_open (uint64_t size, uint64_t min, uint64_t max_data, uint64_t max_zero,
          int fill)
{
  struct mem_shared *sh = calloc (1, sizeof *sh);
  struct backend *b;

  if (sh == NULL || (sh->data = malloc (size)) == NULL)
    abort ();
  memset (sh->data, fill, size);
  sh->size = size;
  sh->lim[BS_MINIMUM] = min;
  sh->lim[BS_PREFERRED] = min > 4096 ? min : 4096;
  sh->lim[BS_MAX_DATA] = max_data;
  sh->lim[BS_MAX_TRIM] = max_zero;
  sh->lim[BS_MAX_ZERO] = max_zero;
  sh->lim[BS_MAX_CACHE] = max_data;
  b = mem_handle (sh);
  if (backend_ready (b) == NULL)
    abort ();
  return b;
}

#endif /* NBDFERRY_TESTS_MEM_H */
