/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: the null: sink, which discards everything (for benchmarks). */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "sinks.h"

/* A stream source has no size: big enough for anything, 64 KiB aligned. */
#define NULL_UNBOUNDED (INT64_MAX - INT64_MAX % (64 * 1024))

struct null_sink {
  struct backend b;
  int64_t size;
};

bool
null_matches (const char *arg)
{
  return arg && strcmp (arg, "null:") == 0;
}

static int64_t
null_get_size (struct backend *b)
{
  return ((struct null_sink *) b)->size;
}

static int
null_init_flags (struct backend *b)
{
  return INIT_ZERO|INIT_SPARSE;
}

static int
null_pread (struct backend *b, void *buf, uint64_t count, uint64_t offset,
            uint32_t flags)
{
  memset (buf, 0, count);
  return 0;
}

static int
null_pwrite (struct backend *b, const void *buf, uint64_t count,
             uint64_t offset, uint32_t flags)
{
  return 0;
}

static int
null_zero (struct backend *b, uint64_t count, uint64_t offset, uint32_t flags)
{
  return 0;
}

static int
null_flush (struct backend *b, uint32_t flags)
{
  return 0;
}

static int
null_extend (struct backend *b, uint64_t size)
{
  return 0;
}

static const struct backend_ops null_ops = {
  .name = "null",
  .get_size = null_get_size,
  .init_flags = null_init_flags,
  .can_write = backend_yes,
  .can_zero = backend_yes,
  .can_fast_zero = backend_yes,
  .can_trim = backend_yes,
  .can_flush = backend_yes,
  .can_multi_conn = backend_yes,
  .discards = backend_yes,
  .pread = null_pread,
  .pwrite = null_pwrite,
  .zero = null_zero,
  .trim = null_zero,
  .flush = null_flush,
  .extend = null_extend,
};

struct backend *
null_sink_open (const char *arg, const struct endpoint_opts *opts)
{
  struct null_sink *n = backend_alloc (sizeof *n, &null_ops, arg, NULL);

  if (n == NULL)
    return NULL;
  n->size = opts->src_size >= 0 ? opts->src_size : NULL_UNBOUNDED;
  return backend_ready (&n->b);
}
