/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: running checked NBD requests against the backend.
 *
 * Requests reaching this file are within the export, aligned and within
 * the advertised maximum (request.c).  Zero, trim and cache lengths may be
 * 64-bit under extended headers: they are split here by the backend's own
 * MAX_ZERO / MAX_TRIM / MAX_CACHE.
 */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include "blocksize.h"
#include "cleanup.h"
#include "error.h"
#include "extents.h"
#include "nbd/proto.h"
#include "server-internal.h"

/* A zero run shorter than this is sent as data, not as a hole chunk. */
#define MIN_HOLE_CHUNK 4096

uint32_t
srv_errno (int err, uint16_t flags)
{
  switch (err) {
  case 0: return 0;
  case EROFS: case EPERM: return NBD_EPERM;
  case ENOMEM: return NBD_ENOMEM;
  case EDQUOT: case EFBIG: case ENOSPC: return NBD_ENOSPC;
  case ESHUTDOWN: return NBD_ESHUTDOWN;
  case EINVAL: return NBD_EINVAL;
  case ENOTSUP:
#if EOPNOTSUPP != ENOTSUP
  case EOPNOTSUPP:
#endif
    return flags & NBD_CMD_FLAG_FAST_ZERO ? NBD_ENOTSUP : NBD_EINVAL;
  case EOVERFLOW:
    return flags & NBD_CMD_FLAG_DF ? NBD_EOVERFLOW : NBD_EINVAL;
  default: return NBD_EIO;
  }
}

/* FUA: passed down when the backend has it, else a flush afterwards. */
static uint32_t
fua_flags (struct conn *c, const struct request *r)
{
  return (r->flags & NBD_CMD_FLAG_FUA) && c->e->b->can_fua ? F_FUA : 0;
}

static int
after_fua (struct conn *c, const struct request *r)
{
  struct backend *b = c->e->b;

  if ((r->flags & NBD_CMD_FLAG_FUA) && !b->can_fua)
    return backend_flush (b, 0);
  return 0;
}

typedef int (*ranged_fn) (struct backend *, uint64_t, uint64_t, uint32_t);

/* Run a payload-less op over [offset, offset+count) in max-sized pieces. */
static int
split (struct backend *b, ranged_fn fn, uint64_t count, uint64_t offset,
       uint64_t max, uint32_t flags)
{
  max = round_down (max, b->bs[BS_MINIMUM]);
  if (max == 0)
    max = b->bs[BS_MINIMUM];
  while (count > 0) {
    uint64_t n = count < max ? count : max;
    if (fn (b, n, offset, flags) == -1)
      return -1;
    offset += n;
    count -= n;
  }
  return 0;
}

/* Structured READ: zero extents become hole chunks (unless DF). */
static int
do_read (struct conn *c, const struct request *r)
{
  struct backend *b = c->e->b;
  CLEANUP_FREE unsigned char *buf = malloc (r->count);
  CLEANUP_FREE struct read_chunk *ch = NULL;
  CLEANUP_EXTENTS struct extent_list l;
  size_t n = 0, i;
  bool sparse = (c->sr || c->eh) && !(r->flags & NBD_CMD_FLAG_DF) &&
    b->can_extents;

  if (buf == NULL)
    return -1;
  extents_init (&l, r->offset, r->offset + r->count);
  if (!sparse || extents_fill (b, r->offset, r->count, &l) == -1) {
    /* Without extents (or if asking failed) it is all data. */
    extents_reset (&l, r->offset, r->offset + r->count);
    if (extents_add (&l, r->offset, r->count, 0) == -1)
      return -1;
  }
  ch = calloc (l.len ? l.len : 1, sizeof *ch);
  if (ch == NULL)
    return -1;
  for (i = 0; i < l.len; ++i) {
    const struct extent *e = &l.ptr[i];
    bool hole = (e->type & EXTENT_ZERO) && e->length >= MIN_HOLE_CHUNK;

    if (!hole && n > 0 && !ch[n-1].hole)
      ch[n-1].length += e->length;            /* coalesce data */
    else
      ch[n++] = (struct read_chunk) {
        .offset = e->offset, .length = e->length, .hole = hole,
        .data = buf + (e->offset - r->offset),
      };
  }
  for (i = 0; i < n; ++i)
    if (!ch[i].hole &&
        backend_pread (b, (void *) ch[i].data, ch[i].length,
                       ch[i].offset, 0) == -1)
      return -1;
  srv_reply_read (c, r, ch, n);
  return 0;
}

static int
do_write (struct conn *c, const struct request *r)
{
  struct export *e = c->e;

  atomic_store (&e->dirtied, true);
  atomic_store (&e->filled, true);
  if (backend_pwrite (e->b, r->data, r->count, r->offset,
                      fua_flags (c, r)) == -1)
    return -1;
  return after_fua (c, r);
}

static int
do_zero (struct conn *c, const struct request *r)
{
  struct backend *b = c->e->b;
  uint32_t flags = fua_flags (c, r);

  if (r->flags & NBD_CMD_FLAG_FAST_ZERO) {
    if (!b->can_fast_zero) {
      errno = ENOTSUP;          /* fail fast, touching nothing */
      return -1;
    }
    flags |= F_FAST_ZERO;
  }
  if (!(r->flags & NBD_CMD_FLAG_NO_HOLE))
    flags |= F_MAY_TRIM;
  atomic_store (&c->e->filled, true);
  if (split (b, backend_zero, r->count, r->offset, b->bs[BS_MAX_ZERO],
             flags) == -1)
    return -1;
  return after_fua (c, r);
}

static int
do_trim (struct conn *c, const struct request *r)
{
  struct backend *b = c->e->b;

  atomic_store (&c->e->dirtied, true);
  if (split (b, backend_trim, r->count, r->offset, b->bs[BS_MAX_TRIM],
             fua_flags (c, r)) == -1)
    return -1;
  return after_fua (c, r);
}

extern int srv_block_status (struct conn *c, const struct request *r);

void
srv_execute (struct conn *c, struct request *r)
{
  struct backend *b = c->e->b;
  int ret;

  clear_error ();               /* a failure logged below is this request's */
  switch (r->type) {
  case NBD_CMD_READ:
    ret = do_read (c, r);
    if (ret == 0)
      return;                   /* replied with the data */
    break;
  case NBD_CMD_WRITE:
    ret = do_write (c, r);
    break;
  case NBD_CMD_FLUSH:
    ret = backend_flush (b, 0);
    break;
  case NBD_CMD_TRIM:
    ret = do_trim (c, r);
    break;
  case NBD_CMD_CACHE:
    ret = split (b, backend_cache, r->count, r->offset, b->bs[BS_MAX_CACHE],
                 0);
    break;
  case NBD_CMD_WRITE_ZEROES:
    ret = do_zero (c, r);
    break;
  case NBD_CMD_BLOCK_STATUS:
    ret = srv_block_status (c, r);
    if (ret == 0)
      return;
    break;
  default:
    errno = EINVAL;
    ret = -1;
  }
  if (ret == -1) {
    int err = errno;
    server_log (c->s, "request type %u at %" PRIu64 " failed: %s",
                r->type, r->offset, last_error (err));
    srv_reply_error (c, r, srv_errno (err, r->flags));
  }
  else
    srv_reply_ok (c, r);
}
