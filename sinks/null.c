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
yes (struct backend *b)
{
  return 1;
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
  .can_write = yes,
  .can_zero = yes,
  .can_fast_zero = yes,
  .can_trim = yes,
  .can_flush = yes,
  .can_multi_conn = yes,
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
  struct null_sink *n = calloc (1, sizeof *n);

  if (n == NULL || backend_init (&n->b, &null_ops, arg, NULL) == -1) {
    set_error_errno ("%s", arg);
    free (n);
    return NULL;
  }
  n->size = opts->src_size >= 0 ? opts->src_size : NULL_UNBOUNDED;
  if (backend_open_done (&n->b) == -1) {
    backend_close (&n->b);
    return NULL;
  }
  return &n->b;
}
