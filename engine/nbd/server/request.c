/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: reading and checking NBD requests (PROTOCOL.md "Requests").
 *
 * A request breaking an advertised limit is answered here, before the
 * backend sees it; a payload we refuse is read and thrown away without
 * allocating, and only a payload too big to be honest (over 4 GiB) or a
 * broken frame costs the connection.
 */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include "nbd/proto.h"
#include "nbd/wire.h"
#include "server-internal.h"

/* Flags each command accepts (FUA is checked separately). */
static uint16_t
allowed_flags (const struct conn *c, uint16_t type)
{
  switch (type) {
  case NBD_CMD_READ:
    return (c->sr || c->eh) ? NBD_CMD_FLAG_DF : 0;
  case NBD_CMD_WRITE_ZEROES:
    return NBD_CMD_FLAG_NO_HOLE |
      (c->tflags & NBD_FLAG_SEND_FAST_ZERO ? NBD_CMD_FLAG_FAST_ZERO : 0);
  case NBD_CMD_BLOCK_STATUS:
    return NBD_CMD_FLAG_REQ_ONE;
  default:
    return 0;
  }
}

static bool
is_write (uint16_t type)
{
  return type == NBD_CMD_WRITE || type == NBD_CMD_TRIM ||
    type == NBD_CMD_WRITE_ZEROES;
}

uint32_t
srv_request_check (const struct conn *c, const struct request *r)
{
  const struct export *e = c->e;
  uint16_t ok = allowed_flags (c, r->type) | NBD_CMD_FLAG_FUA;

  if (r->type > NBD_CMD_BLOCK_STATUS || r->type == NBD_CMD_DISC)
    return NBD_EINVAL;
  if (r->type == NBD_CMD_WRITE && c->eh)
    ok |= NBD_CMD_FLAG_PAYLOAD_LEN;
  if ((r->flags & ~ok) ||
      ((r->flags & NBD_CMD_FLAG_FUA) && !(c->tflags & NBD_FLAG_SEND_FUA)))
    return NBD_EINVAL;
  if (is_write (r->type) && (c->tflags & NBD_FLAG_READ_ONLY))
    return NBD_EPERM;
  if (r->type == NBD_CMD_FLUSH)
    return r->offset || r->count ? NBD_EINVAL : 0;
  if (r->type == NBD_CMD_TRIM && !(c->tflags & NBD_FLAG_SEND_TRIM))
    return NBD_EINVAL;
  if (r->type == NBD_CMD_BLOCK_STATUS && !c->meta)
    return NBD_EINVAL;
  if (r->count == 0)
    return NBD_EINVAL;
  if (r->offset > (uint64_t) e->b->size ||
      r->count > (uint64_t) e->b->size - r->offset)
    return r->type == NBD_CMD_WRITE || r->type == NBD_CMD_WRITE_ZEROES
      ? NBD_ENOSPC : NBD_EINVAL;
  if (r->offset % e->minimum || r->count % e->minimum)
    return NBD_EINVAL;
  if ((r->type == NBD_CMD_READ || r->type == NBD_CMD_WRITE) &&
      r->count > e->maximum)
    return NBD_EINVAL;
  return 0;
}

/* The header, compact (28 bytes) or extended (32).  -1: broken frame. */
static int
read_header (struct conn *c, struct request *r)
{
  unsigned char h[32];
  size_t len = c->eh ? 32 : 28;
  uint32_t magic;

  if (srv_read (c, h, len, -1) == -1)
    return -1;
  magic = get_be32 (h);
  if (magic != (c->eh ? NBD_EXTENDED_REQUEST_MAGIC : NBD_REQUEST_MAGIC)) {
    server_log (c->s, "bad request magic 0x%" PRIx32, magic);
    errno = EPROTO;
    return -1;
  }
  r->flags = get_be16 (h + 4);
  r->type = get_be16 (h + 6);
  r->cookie = get_be64 (h + 8);
  r->offset = get_be64 (h + 16);
  r->count = c->eh ? get_be64 (h + 24) : get_be32 (h + 24);
  r->data = NULL;
  r->next = NULL;
  return 0;
}

/* Bytes of payload following the header, or -1 for a broken frame. */
static int64_t
payload_length (struct conn *c, const struct request *r)
{
  if (!c->eh)
    return r->type == NBD_CMD_WRITE ? (int64_t) r->count : 0;
  if (r->flags & NBD_CMD_FLAG_PAYLOAD_LEN)
    return r->count <= UINT32_MAX ? (int64_t) r->count : -1;
  /* A WRITE must say how long its payload is. */
  return r->type == NBD_CMD_WRITE ? -1 : 0;
}

int
srv_request_read (struct conn *c, struct request *r, uint32_t *err,
                  void (*reserve) (struct conn *, uint64_t))
{
  int64_t plen;

  if (read_header (c, r) == -1)
    return -1;
  if (r->type == NBD_CMD_DISC)
    return 0;
  plen = payload_length (c, r);
  if (plen == -1) {
    server_log (c->s, "request with a broken payload length");
    return -1;
  }
  *err = srv_request_check (c, r);
  if (*err == 0 && plen > 0 && r->type != NBD_CMD_WRITE)
    *err = NBD_EINVAL;
  if (*err != 0 || plen == 0)
    return srv_discard (c, plen, -1) == -1 ? -1 : 1;

  /* A WRITE whose length was checked against the maximum. */
  reserve (c, plen);
  r->reserved = plen;
  r->data = malloc (plen);
  if (r->data == NULL) {
    *err = NBD_ENOMEM;
    return srv_discard (c, plen, -1) == -1 ? -1 : 1;
  }
  if (srv_read (c, r->data, plen, -1) == -1) {
    free (r->data);
    r->data = NULL;
    return -1;
  }
  return 1;
}
