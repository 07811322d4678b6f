/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: backend dispatch, caching and the inline async fallback. */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "blocksize.h"
#include "error.h"

int
backend_init (struct backend *b, const struct backend_ops *ops,
              const char *name, struct backend *next)
{
  b->ops = ops;
  b->next = next;
  atomic_init (&b->refs, 1);
  b->size = -1;
  b->name = strdup (name ? name : ops->name);
  if (b->name == NULL)
    return -1;
  return 0;
}

void *
backend_alloc (size_t size, const struct backend_ops *ops, const char *name,
               struct backend *next)
{
  struct backend *b = calloc (1, size);

  if (b == NULL || backend_init (b, ops, name, next) == -1) {
    set_error_errno ("%s", name ? name : ops->name);
    free (b);
    return NULL;
  }
  return b;
}

struct backend *
backend_ready (struct backend *b)
{
  int err;

  if (backend_open_done (b) == 0)
    return b;
  err = errno;
  backend_close (b);
  errno = err;
  return NULL;
}

int
backend_yes (struct backend *b)
{
  return 1;
}

/* The layer that implements HOOK: a filter's NULL hook passes down. */
#define LAYER(b, hook)                                                  \
  ({                                                                    \
    struct backend *l_ = (b);                                           \
    while (l_->ops->hook == NULL && l_->next)                           \
      l_ = l_->next;                                                    \
    l_;                                                                 \
  })

static int
ask_bool (struct backend *b, int (*fn) (struct backend *), bool *out)
{
  int r = fn ? fn (b) : 0;

  if (r == -1)
    return -1;
  *out = r > 0;
  return 0;
}

#define ASK(hook)                                                       \
  do {                                                                  \
    struct backend *hl_ = LAYER (b, hook);                              \
    if (ask_bool (hl_, hl_->ops->hook, &b->hook) == -1) {               \
      set_error_errno ("%s: %s", b->name, #hook);                       \
      return -1;                                                        \
    }                                                                   \
  } while (0)

int
backend_open_done (struct backend *b)
{
  struct backend *l;
  uint64_t raw[BS_NR];
  int64_t hole;
  int w, flags;

  ASK (is_stream);
  l = LAYER (b, get_size);
  b->size = l->ops->get_size ? l->ops->get_size (l) : -1;
  if (b->size == -1 && !b->is_stream) {
    set_error_errno ("%s: cannot get size", b->name);
    return -1;
  }

  l = LAYER (b, block_size);
  for (w = 0; w < BS_NR; ++w) {
    int64_t v = l->ops->block_size ? l->ops->block_size (l, w) : 0;
    if (v == -1) {
      set_error_errno ("%s: cannot get the %s block size",
                       b->name, blocksize_name (w));
      return -1;
    }
    raw[w] = v;
  }
  if (blocksize_apply_rules (b->name, b->size, raw, b->bs) == -1)
    return -1;

  l = LAYER (b, init_flags);
  flags = l->ops->init_flags ? l->ops->init_flags (l) : 0;
  if (flags == -1) {
    set_error_errno ("%s: cannot get the initial state", b->name);
    return -1;
  }
  b->init = flags & (INIT_SPARSE|INIT_ZERO);

  ASK (can_write);
  ASK (can_zero);
  ASK (can_fast_zero);
  ASK (can_trim);
  ASK (can_flush);
  ASK (can_fua);
  ASK (can_extents);
  ASK (can_multi_conn);
  ASK (can_cache);
  ASK (is_local);
  ASK (discards);
  l = LAYER (b, coalesce);
  if ((hole = l->ops->coalesce ? l->ops->coalesce (l) : 0) == -1) {
    set_error_errno ("%s: coalesce", b->name);
    return -1;
  }
  b->coalesce = hole;
  b->has_aio = LAYER (b, aio_get_fd)->ops->aio_get_fd != NULL;
  return 0;
}

void
backend_close (struct backend *b)
{
  struct backend *next;

  if (b == NULL || atomic_fetch_sub (&b->refs, 1) > 1)
    return;
  next = b->next;
  if (b->ops->close)
    b->ops->close (b);
  free (b->name);
  free (b);
  backend_close (next);
}

struct backend *
backend_ref (struct backend *b)
{
  atomic_fetch_add (&b->refs, 1);
  return b;
}

struct backend *
backend_dup (struct backend *b)
{
  struct backend *d;

  if (b->ops->dup == NULL)
    return backend_ref (b);
  d = b->ops->dup (b);
  if (d == NULL || d == b)
    return d;
  /* A new handle on the same endpoint answers the same questions. */
  d->answers = b->answers;
  return d;
}

/* What backend.h promises every data hook, checked at the door as
 * nbdkit's server/backend.c does: within the size, aligned to the minimum,
 * within the op's maximum, flags valid for the op and supported by the
 * backend.  A request breaking it is a bug in the caller, never the
 * user's input: abort, naming it.  A few compares on cached answers, so it
 * stays on in release builds (bench figures in DESIGN.md).
 */
struct rule {
  const char *op;
  enum bs_which max;            /* BS_NR: no maximum */
  uint32_t flags;               /* the flags valid for the op */
  bool writes;                  /* needs can_write */
};
static const struct rule READ = { "pread", BS_MAX_DATA, 0, false };
static const struct rule WRITE = { "pwrite", BS_MAX_DATA, F_FUA, true };
static const struct rule ZERO = { "zero", BS_MAX_ZERO,
                                  F_FUA | F_MAY_TRIM | F_FAST_ZERO, true };
static const struct rule TRIM = { "trim", BS_MAX_TRIM, F_FUA, true };
static const struct rule EXTENTS = { "extents", BS_NR, F_REQ_ONE, false };
static const struct rule CACHE = { "cache", BS_MAX_CACHE, 0, false };
static const struct rule MAP = { "map", BS_NR, 0, false };

static void __attribute__ ((noreturn, cold))
broken (const struct backend *b, const struct rule *r, uint64_t count,
        uint64_t offset, uint32_t flags, const char *why)
{
  fprintf (stderr, "nbdferry: bug: %s: %s of %" PRIu64 " bytes at offset %"
           PRIu64 " (flags 0x%x) breaks the backend contract: %s\n",
           b->name, r->op, count, offset, flags, why);
  abort ();
}

static inline void
check (const struct backend *b, const struct rule *r, uint64_t count,
       uint64_t offset, uint32_t flags)
{
  const char *why = NULL;

  if (flags & ~r->flags)
    why = "a flag not valid for this request";
  else if (((flags & F_FUA) && !b->can_fua) ||
           ((flags & F_FAST_ZERO) && !b->can_fast_zero))
    why = "a flag the backend does not support";
  else if ((r->writes && !b->can_write) || (r == &EXTENTS && !b->can_extents))
    why = "a request the backend does not support";
  else if (count == 0)
    why = "an empty request";
  else if ((offset | count) & (b->bs[BS_MINIMUM] - 1))
    why = "not aligned to the minimum block size";
  else if (r->max != BS_NR && count > b->bs[r->max])
    why = "longer than the maximum for this request";
  else if (b->size >= 0 && !b->is_stream &&
           (offset > (uint64_t) b->size || count > b->size - offset))
    why = "past the end";
  if (__builtin_expect (why != NULL, 0))
    broken (b, r, count, offset, flags, why);
}

static int
unsupported (void)
{
  errno = ENOTSUP;
  return -1;
}

int
backend_pread (struct backend *b, void *buf, uint64_t count,
               uint64_t offset, uint32_t flags)
{
  clear_error ();
  check (b, &READ, count, offset, flags);
  struct backend *l = LAYER (b, pread);
  return l->ops->pread ? l->ops->pread (l, buf, count, offset, flags)
    : unsupported ();
}

int
backend_pwrite (struct backend *b, const void *buf, uint64_t count,
                uint64_t offset, uint32_t flags)
{
  clear_error ();
  check (b, &WRITE, count, offset, flags);
  struct backend *l = LAYER (b, pwrite);
  return l->ops->pwrite ? l->ops->pwrite (l, buf, count, offset, flags)
    : unsupported ();
}

int
backend_zero (struct backend *b, uint64_t count, uint64_t offset,
              uint32_t flags)
{
  clear_error ();
  check (b, &ZERO, count, offset, flags);
  struct backend *l = LAYER (b, zero);
  if (l->ops->zero)
    return l->ops->zero (l, count, offset, flags);
  if (flags & F_FAST_ZERO)
    return unsupported ();
  return backend_write_zeroes (b, count, offset);
}

int
backend_trim (struct backend *b, uint64_t count, uint64_t offset,
              uint32_t flags)
{
  clear_error ();
  check (b, &TRIM, count, offset, flags);
  struct backend *l = LAYER (b, trim);
  /* Trim is a hint: where it is not supported, doing nothing is right. */
  return l->ops->trim ? l->ops->trim (l, count, offset, flags) : 0;
}

int
backend_flush (struct backend *b, uint32_t flags)
{
  clear_error ();
  struct backend *l = LAYER (b, flush);
  return l->ops->flush ? l->ops->flush (l, flags) : 0;
}

int
backend_extents (struct backend *b, uint64_t count, uint64_t offset,
                 uint32_t flags, struct extent_list *list)
{
  clear_error ();
  check (b, &EXTENTS, count, offset, flags);
  struct backend *l = LAYER (b, extents);
  return l->ops->extents ? l->ops->extents (l, count, offset, flags, list)
    : unsupported ();
}

int
backend_cache (struct backend *b, uint64_t count, uint64_t offset,
               uint32_t flags)
{
  clear_error ();
  check (b, &CACHE, count, offset, flags);
  struct backend *l = LAYER (b, cache);
  return l->ops->cache ? l->ops->cache (l, count, offset, flags) : 0;
}

const void *
backend_map (struct backend *b, uint64_t count, uint64_t offset)
{
  clear_error ();
  check (b, &MAP, count, offset, 0);
  if (b->ops->map == NULL) {
    errno = ENOTSUP;
    return NULL;
  }
  return b->ops->map (b, count, offset);
}

void
backend_unmap (struct backend *b, const void *addr, uint64_t count,
               uint64_t offset)
{
  b->ops->unmap (b, addr, count, offset);
}

int
backend_dirty (struct backend *b, uint64_t count, uint64_t offset,
               struct extent_list *list)
{
  clear_error ();
  struct backend *l = LAYER (b, dirty);
  return l->ops->dirty ? l->ops->dirty (l, count, offset, list)
    : unsupported ();
}

int
backend_extend (struct backend *b, uint64_t size)
{
  clear_error ();
  struct backend *l = LAYER (b, extend);

  if (!l->ops->extend)
    return unsupported ();
  if (l->ops->extend (l, size) == -1)
    return -1;
  /* The cached size follows: requests up to it are now in the contract. */
  if (b->size >= 0 && (uint64_t) b->size < size)
    b->size = size;
  return 0;
}

int
backend_finish (struct backend *b)
{
  clear_error ();
  struct backend *l = LAYER (b, finish);
  return l->ops->finish ? l->ops->finish (l) : 0;
}

/* The layer serving an async hook: the first that defines it or its sync
 * twin, so a filter's sync hook is never bypassed.
 */
#define AIO_LAYER(b, aio, sync)                                         \
  ({                                                                    \
    struct backend *l_ = (b);                                           \
    while (l_->ops->aio == NULL && l_->ops->sync == NULL && l_->next)   \
      l_ = l_->next;                                                    \
    l_;                                                                 \
  })

/* Without real async I/O a request completes inline. */
static int
complete_inline (int r, struct completion *c)
{
  c->done (c, r == -1 ? errno : 0);
  return 0;
}

int
backend_aio_pread (struct backend *b, void *buf, uint64_t count,
                   uint64_t offset, uint32_t flags, struct completion *c)
{
  clear_error ();
  check (b, &READ, count, offset, flags);
  struct backend *l = AIO_LAYER (b, aio_pread, pread);
  if (l->ops->aio_pread)
    return l->ops->aio_pread (l, buf, count, offset, flags, c);
  return complete_inline (backend_pread (l, buf, count, offset, flags), c);
}

int
backend_aio_pwrite (struct backend *b, const void *buf, uint64_t count,
                    uint64_t offset, uint32_t flags, struct completion *c)
{
  clear_error ();
  check (b, &WRITE, count, offset, flags);
  struct backend *l = AIO_LAYER (b, aio_pwrite, pwrite);
  if (l->ops->aio_pwrite)
    return l->ops->aio_pwrite (l, buf, count, offset, flags, c);
  return complete_inline (backend_pwrite (l, buf, count, offset, flags), c);
}

int
backend_aio_zero (struct backend *b, uint64_t count, uint64_t offset,
                  uint32_t flags, struct completion *c)
{
  clear_error ();
  check (b, &ZERO, count, offset, flags);
  struct backend *l = AIO_LAYER (b, aio_zero, zero);
  if (l->ops->aio_zero)
    return l->ops->aio_zero (l, count, offset, flags, c);
  return complete_inline (backend_zero (l, count, offset, flags), c);
}

int
backend_aio_extents (struct backend *b, uint64_t count, uint64_t offset,
                     uint32_t flags, struct extent_list *list,
                     struct completion *c)
{
  clear_error ();
  check (b, &EXTENTS, count, offset, flags);
  struct backend *l = AIO_LAYER (b, aio_extents, extents);
  if (l->ops->aio_extents)
    return l->ops->aio_extents (l, count, offset, flags, list, c);
  return complete_inline (backend_extents (l, count, offset, flags, list), c);
}

int
backend_aio_get_fd (struct backend *b, short *events)
{
  struct backend *l = LAYER (b, aio_get_fd);
  *events = 0;
  return l->ops->aio_get_fd ? l->ops->aio_get_fd (l, events) : -1;
}

int
backend_aio_notify (struct backend *b, short revents)
{
  clear_error ();
  struct backend *l = LAYER (b, aio_notify);
  return l->ops->aio_notify ? l->ops->aio_notify (l, revents) : 0;
}

unsigned
backend_aio_in_flight (struct backend *b)
{
  struct backend *l = LAYER (b, aio_in_flight);
  return l->ops->aio_in_flight ? l->ops->aio_in_flight (l) : 0;
}

int
backend_reconnect (struct backend *b)
{
  struct backend *l = LAYER (b, reconnect);
  return l->ops->reconnect ? l->ops->reconnect (l) : 0;
}

bool
backend_can_reconnect (struct backend *b)
{
  return LAYER (b, reconnect)->ops->reconnect != NULL;
}

int
backend_write_zeroes (struct backend *b, uint64_t count, uint64_t offset)
{
  uint64_t chunk = b->bs[BS_MAX_DATA];
  void *zeroes;
  int r = 0;

  if (chunk > count)
    chunk = count;
  if (chunk > 1024 * 1024)
    chunk = round_down (1024 * 1024, b->bs[BS_MINIMUM]);
  zeroes = calloc (1, chunk ? chunk : 1);
  if (zeroes == NULL)
    return -1;
  while (count > 0) {
    uint64_t n = count < chunk ? count : chunk;
    r = backend_pwrite (b, zeroes, n, offset, 0);
    if (r == -1)
      break;
    offset += n;
    count -= n;
  }
  free (zeroes);
  return r;
}
