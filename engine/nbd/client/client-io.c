/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: data over an NBD connection (libnbd).
 *
 * Sync hooks use libnbd's blocking calls (the handle is thread-safe); the
 * hot path uses the aio calls, whose completion callback only records the
 * result through our struct completion (it runs with libnbd's handle lock
 * held, so it must not call back into libnbd).
 */
#include <config.h>

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <libnbd.h>

#include "backend.h"
#include "blocksize.h"
#include "cleanup.h"
#include "error.h"
#include "extents.h"
#include "client.h"
#include "client-internal.h"
#include "nbd/proto.h"

bool
nbd_client_check_silence (struct nbd_client *c)
{
  int fd;

  if (c->tripped)
    return true;
  if (c->request_timeout == 0 ||
      monotonic_seconds () - c->last_activity < c->request_timeout ||
      nbd_aio_in_flight (c->nbd) <= 0)
    return false;
  /* libnbd has no way to drop a connection but seeing it end: end it. */
  fd = nbd_aio_get_fd (c->nbd);
  if (fd >= 0)
    shutdown (fd, SHUT_RDWR);
  c->tripped = true;
  set_error ("no reply from the server in %u s (--request-timeout)",
             c->request_timeout);
  return true;
}

/* Wait for a command sent with the aio call, by slices, so that a silent
 * server ends it after request_timeout.  libnbd's blocking calls would
 * wait forever.
 */
static int
wait_command (struct nbd_client *c, int64_t cookie)
{
  int r;

  if (cookie == -1)
    return nbd_client_error (c);
  c->last_activity = monotonic_seconds ();
  while ((r = nbd_aio_command_completed (c->nbd, cookie)) == 0) {
    nbd_client_check_silence (c);
    r = nbd_poll (c->nbd, 1000);
    if (r == 1)
      c->last_activity = monotonic_seconds ();
    else if (r == -1 && nbd_get_errno () != EINTR) {
      r = nbd_aio_command_completed (c->nbd, cookie);
      break;
    }
  }
  if (r == 1)
    return 0;
  if (c->tripped) {
    errno = ETIMEDOUT;
    return -1;                  /* the message says why */
  }
  return nbd_client_error (c);
}


static int
unsupported (void)
{
  errno = ENOTSUP;
  return -1;
}

/* FUA where the server has it; without it the sync hooks flush after. */
static uint32_t
fua (struct nbd_client *c, uint32_t flags)
{
  return (flags & F_FUA) && c->can_fua ? LIBNBD_CMD_FLAG_FUA : 0;
}

static int
emulate_fua (struct nbd_client *c, uint32_t flags)
{
  if ((flags & F_FUA) && !c->can_fua &&
      wait_command (c, nbd_aio_flush (c->nbd, NBD_NULL_COMPLETION, 0)) == -1)
    return -1;
  return 0;
}

int
nbd_client_pread (struct backend *b, void *buf, uint64_t count,
                  uint64_t offset, uint32_t flags)
{
  struct nbd_client *c = NBD_CLIENT (b);

  if (wait_command (c, nbd_aio_pread (c->nbd, buf, count, offset,
                                          NBD_NULL_COMPLETION, 0)) == -1)
    return -1;
  return 0;
}

int
nbd_client_pwrite (struct backend *b, const void *buf, uint64_t count,
                   uint64_t offset, uint32_t flags)
{
  struct nbd_client *c = NBD_CLIENT (b);

  if (wait_command (c, nbd_aio_pwrite (c->nbd, buf, count, offset,
                                           NBD_NULL_COMPLETION,
                                           fua (c, flags))) == -1)
    return -1;
  return emulate_fua (c, flags);
}

/* Flags for WRITE_ZEROES, or -1/ENOTSUP for a fast zero the server cannot
 * promise.
 */
static int
zero_flags (struct nbd_client *c, uint32_t flags, uint32_t *out)
{
  *out = fua (c, flags);
  if (!(flags & F_MAY_TRIM))
    *out |= LIBNBD_CMD_FLAG_NO_HOLE;
  if (flags & F_FAST_ZERO) {
    if (!c->can_fast_zero)
      return unsupported ();
    *out |= LIBNBD_CMD_FLAG_FAST_ZERO;
  }
  return 0;
}

int
nbd_client_zero (struct backend *b, uint64_t count, uint64_t offset,
                 uint32_t flags)
{
  struct nbd_client *c = NBD_CLIENT (b);
  uint32_t zflags;

  if (!c->can_zero) {
    /* No zero command: writing zeroes is never fast. */
    if (flags & F_FAST_ZERO)
      return unsupported ();
    if (backend_write_zeroes (b, count, offset) == -1)
      return -1;
    return emulate_fua (c, flags);
  }
  if (zero_flags (c, flags, &zflags) == -1)
    return -1;
  if (wait_command (c, nbd_aio_zero (c->nbd, count, offset,
                                         NBD_NULL_COMPLETION, zflags)) == -1)
    return -1;
  return emulate_fua (c, flags);
}

int
nbd_client_trim (struct backend *b, uint64_t count, uint64_t offset,
                 uint32_t flags)
{
  struct nbd_client *c = NBD_CLIENT (b);

  if (wait_command (c, nbd_aio_trim (c->nbd, count, offset,
                                         NBD_NULL_COMPLETION,
                                         fua (c, flags))) == -1)
    return -1;
  return emulate_fua (c, flags);
}

int
nbd_client_flush (struct backend *b, uint32_t flags)
{
  struct nbd_client *c = NBD_CLIENT (b);

  if (wait_command (c, nbd_aio_flush (c->nbd, NBD_NULL_COMPLETION, 0)) == -1)
    return -1;
  return 0;
}

int
nbd_client_cache (struct backend *b, uint64_t count, uint64_t offset,
                  uint32_t flags)
{
  struct nbd_client *c = NBD_CLIENT (b);

  if (wait_command (c, nbd_aio_cache (c->nbd, count, offset,
                                          NBD_NULL_COMPLETION, 0)) == -1)
    return -1;
  return 0;
}

/* One context's answer going into one list. */
struct status_list {
  struct extent_list *list;     /* NULL: not wanted */
  bool bitmap;                  /* a qemu:dirty-bitmap (else allocation) */
  bool stop;                    /* a non-contiguous answer: keep what we have */
};

struct status_ctx {
  const char *context;          /* the meta context wanted */
  struct status_list want;
  /* A bitmap request also keeps the base:allocation answer (the server
   * sends every negotiated context for each request) for the cache.
   */
  struct status_list alloc;
};

static uint32_t
extent_type (bool bitmap, uint32_t st)
{
  if (bitmap)
    return st & NBD_STATE_DIRTY ? EXTENT_DIRTY : 0;
  return (st & NBD_STATE_HOLE ? EXTENT_HOLE : 0) |
    (st & NBD_STATE_ZERO ? EXTENT_ZERO : 0);
}

static int
add_entries (struct status_list *s, uint64_t offset, const uint32_t *entries,
             size_t nr_entries, int *error)
{
  size_t i;

  for (i = 0; s->list && !s->stop && i + 1 < nr_entries; i += 2) {
    uint32_t len = entries[i];

    if (len == 0)
      break;                    /* non-compliant; what came before stands */
    if (extents_add (s->list, offset, len,
                     extent_type (s->bitmap, entries[i+1])) == -1) {
      if (errno == ENOMEM) {
        *error = ENOMEM;
        return -1;
      }
      s->stop = true;
    }
    offset += len;
  }
  return 0;
}

static int
status_cb (void *user_data, const char *metacontext, uint64_t offset,
           uint32_t *entries, size_t nr_entries, int *error)
{
  struct status_ctx *ctx = user_data;

  /* Every negotiated context answers each request: take ours. */
  if (strcmp (metacontext, ctx->context) == 0)
    return add_entries (&ctx->want, offset, entries, nr_entries, error);
  if (strcmp (metacontext, NBD_META_BASE_ALLOCATION) == 0)
    return add_entries (&ctx->alloc, offset, entries, nr_entries, error);
  return 0;
}

/* Block status for one context, in a request the server takes. */
static int
block_status (struct nbd_client *c, struct status_ctx *ctx, uint64_t count,
              uint64_t offset, uint32_t flags)
{
  uint64_t cap = round_down (NBD_CLIENT_MAX_STATUS, c->min_block);
  nbd_extent_callback cb = { .callback = status_cb, .user_data = ctx };

  if (count > cap)
    count = cap;
  if (wait_command (c, nbd_aio_block_status (c->nbd, count, offset, cb,
                                             NBD_NULL_COMPLETION,
                                             flags & F_REQ_ONE
                                             ? LIBNBD_CMD_FLAG_REQ_ONE : 0))
      == -1)
    return -1;
  return 0;
}

/* An extents question in flight: what its callbacks need until the
 * answer is complete.
 */
struct status_aio {
  struct status_ctx ctx;
  struct completion *cmp;
  uint64_t count, offset;
};

static int
status_aio_done (void *user_data, int *error)
{
  struct status_aio *q = user_data;
  struct extent_list *list = q->ctx.want.list;
  int err = *error;

  /* As nbd_client_extents: a server that described nothing says data. */
  if (err == 0 && extents_covered_end (list) <= q->offset &&
      extents_add (list, q->offset, q->count, 0) == -1)
    err = errno;
  q->cmp->done (q->cmp, err);
  return 1;
}

/* The allocation of a bitmap source around offset from the last bitmap
 * answer, if that covered offset: the copy asks for the extents of the
 * ranges it was just told are dirty, and it costs no round trip.  Such a
 * source is only ever read, so the answer cannot go stale.
 */
static bool
from_cache (struct nbd_client *c, uint64_t offset, struct extent_list *list)
{
  const struct extent_list *a = &c->alloc_cache;
  size_t i;
  LOCK_IN_SCOPE (&c->cache_lock);

  if (offset < a->start || offset >= extents_covered_end (a))
    return false;
  for (i = 0; i < a->len; ++i)
    if (extents_add (list, a->ptr[i].offset, a->ptr[i].length,
                     a->ptr[i].type) == -1)
      return false;             /* ask the server instead */
  return extents_covered_end (list) > offset;
}

int
nbd_client_extents (struct backend *b, uint64_t count, uint64_t offset,
                    uint32_t flags, struct extent_list *list)
{
  struct nbd_client *c = NBD_CLIENT (b);
  struct status_ctx ctx = {
    .context = NBD_META_BASE_ALLOCATION, .want.list = list,
  };

  if (c->bitmap && from_cache (c, offset, list))
    return 0;
  if (block_status (c, &ctx, count, offset, flags) == -1)
    return -1;
  /* A server that described nothing: call it data, which is always safe. */
  if (extents_covered_end (list) <= offset)
    return extents_add (list, offset, count, 0);
  return 0;
}

int
nbd_client_aio_extents (struct backend *b, uint64_t count, uint64_t offset,
                        uint32_t flags, struct extent_list *list,
                        struct completion *cmp)
{
  struct nbd_client *c = NBD_CLIENT (b);
  uint64_t cap = round_down (NBD_CLIENT_MAX_STATUS, c->min_block);
  struct status_aio *q;
  nbd_extent_callback cb;
  nbd_completion_callback done;

  /* A bitmap source answers from its cache, without a round trip. */
  if (c->bitmap) {
    int r = nbd_client_extents (b, count, offset, flags, list);
    cmp->done (cmp, r == -1 ? errno : 0);
    return 0;
  }
  if ((q = malloc (sizeof *q)) == NULL)
    return -1;
  if (count > cap)
    count = cap;
  *q = (struct status_aio) {
    .ctx = { .context = NBD_META_BASE_ALLOCATION, .want.list = list },
    .cmp = cmp, .count = count, .offset = offset,
  };
  cb = (nbd_extent_callback) { .callback = status_cb, .user_data = &q->ctx };
  /* libnbd frees q once the callbacks are done with it, also when the
   * call fails.
   */
  done = (nbd_completion_callback) { .callback = status_aio_done,
                                     .user_data = q, .free = free };
  if (nbd_aio_block_status (c->nbd, count, offset, cb, done,
                            flags & F_REQ_ONE ? LIBNBD_CMD_FLAG_REQ_ONE : 0)
      == -1)
    return nbd_client_error (c);
  c->last_activity = monotonic_seconds ();
  return 0;
}

int
nbd_client_dirty (struct backend *b, uint64_t count, uint64_t offset,
                  struct extent_list *list)
{
  struct nbd_client *c = NBD_CLIENT (b);
  struct extent_list alloc;
  struct status_ctx ctx = {
    .context = c->bitmap, .want = { .list = list, .bitmap = true },
    .alloc.list = &alloc,
  };
  int r;

  if (c->bitmap == NULL) {
    errno = ENOTSUP;
    return -1;
  }
  extents_init (&alloc, offset, offset + count);
  /* Describing nothing is an error here (engine/dirty.c): calling a range
   * clean would lose its changes.
   */
  r = block_status (c, &ctx, count, offset, 0);
  if (r == 0) {
    LOCK_IN_SCOPE (&c->cache_lock);
    extents_free (&c->alloc_cache);
    c->alloc_cache = alloc;
  }
  else
    extents_free (&alloc);
  return r;
}

/* libnbd's completion callback: pass the result on and retire. */
static int
aio_done (void *user_data, int *error)
{
  struct completion *cmp = user_data;

  cmp->done (cmp, *error);
  return 1;
}

#define COMPLETION(cmp) \
  ((nbd_completion_callback) { .callback = aio_done, .user_data = (cmp) })

int
nbd_client_aio_pread (struct backend *b, void *buf, uint64_t count,
                      uint64_t offset, uint32_t flags, struct completion *cmp)
{
  struct nbd_client *c = NBD_CLIENT (b);

  if (nbd_aio_pread (c->nbd, buf, count, offset, COMPLETION (cmp), 0) == -1)
    return nbd_client_error (c);
  c->last_activity = monotonic_seconds ();
  return 0;
}

int
nbd_client_aio_pwrite (struct backend *b, const void *buf, uint64_t count,
                       uint64_t offset, uint32_t flags,
                       struct completion *cmp)
{
  struct nbd_client *c = NBD_CLIENT (b);

  /* Without FUA on the server the engine's final flush makes it durable. */
  if (nbd_aio_pwrite (c->nbd, buf, count, offset, COMPLETION (cmp),
                      fua (c, flags)) == -1)
    return nbd_client_error (c);
  c->last_activity = monotonic_seconds ();
  return 0;
}

int
nbd_client_aio_zero (struct backend *b, uint64_t count, uint64_t offset,
                     uint32_t flags, struct completion *cmp)
{
  struct nbd_client *c = NBD_CLIENT (b);
  uint32_t zflags;

  if (!c->can_zero || zero_flags (c, flags, &zflags) == -1) {
    /* Plain writes of zeroes, or ENOTSUP at once: complete inline. */
    int r = nbd_client_zero (b, count, offset, flags);
    cmp->done (cmp, r == -1 ? errno : 0);
    return 0;
  }
  if (nbd_aio_zero (c->nbd, count, offset, COMPLETION (cmp), zflags) == -1)
    return nbd_client_error (c);
  c->last_activity = monotonic_seconds ();
  return 0;
}

int
nbd_client_aio_get_fd (struct backend *b, short *events)
{
  struct nbd_client *c = NBD_CLIENT (b);
  unsigned dir;

  *events = 0;
  if (nbd_aio_in_flight (c->nbd) <= 0)
    return -1;
  /* A tripped connection's socket reads as ended: notify sees it. */
  if (nbd_client_check_silence (c)) {
    *events = POLLIN;
    return nbd_aio_get_fd (c->nbd);
  }
  dir = nbd_aio_get_direction (c->nbd);
  if (dir & LIBNBD_AIO_DIRECTION_READ)
    *events |= POLLIN;
  if (dir & LIBNBD_AIO_DIRECTION_WRITE)
    *events |= POLLOUT;
  return nbd_aio_get_fd (c->nbd);
}

int
nbd_client_aio_notify (struct backend *b, short revents)
{
  struct nbd_client *c = NBD_CLIENT (b);
  int r = 0;

  /* The completions libnbd fails now take this thread's message. */
  if (c->tripped)
    set_error ("no reply from the server in %u s (--request-timeout)",
               c->request_timeout);
  /* A hang-up or error is found by reading (libnbd sees the EOF). */
  if (revents & (POLLIN | POLLHUP | POLLERR))
    r = nbd_aio_notify_read (c->nbd);
  else if (revents & POLLOUT)
    r = nbd_aio_notify_write (c->nbd);
  c->last_activity = monotonic_seconds ();
  /* A connection that ended failed what was in flight on it: those
   * completions carry the error, with their offsets.
   */
  if (r == -1 && nbd_aio_is_dead (c->nbd) == 1 &&
      nbd_aio_in_flight (c->nbd) <= 0)
    return 0;
  if (r == -1 && c->tripped) {
    errno = ETIMEDOUT;
    return -1;
  }
  return r == -1 ? nbd_client_error (c) : 0;
}

unsigned
nbd_client_aio_in_flight (struct backend *b)
{
  int n = nbd_aio_in_flight (NBD_CLIENT (b)->nbd);

  return n > 0 ? n : 0;
}
