/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: NBD replies (PROTOCOL.md "Replies").
 *
 * Simple replies without structured replies; with them, chunks for READ and
 * BLOCK_STATUS (simple replies elsewhere); with extended headers, extended
 * chunks for everything.  A reply is written whole under the connection's
 * write lock; if it cannot be written the connection is dead and its socket
 * is shut down so the reader notices.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cleanup.h"
#include "nbd/proto.h"
#include "nbd/wire.h"
#include "server-internal.h"

/* Called with the write lock held. */
static void
send_locked (struct conn *c, struct iovec *iov, int n)
{
  if (atomic_load (&c->dead))
    return;
  if (srv_writev (c, iov, n) == -1) {
    server_log (c->s, "cannot write a reply: %m");
    atomic_store (&c->dead, true);
    shutdown (c->fd, SHUT_RDWR);
  }
}

static void
simple (struct conn *c, const struct request *r, uint32_t err,
        const void *data, size_t len)
{
  unsigned char h[16];
  struct iovec iov[2] = {
    { .iov_base = h, .iov_len = sizeof h },
    { .iov_base = (void *) data, .iov_len = len },
  };

  put_be32 (h, NBD_SIMPLE_REPLY_MAGIC);
  put_be32 (h + 4, err);
  put_be64 (h + 8, r->cookie);
  LOCK_IN_SCOPE (&c->write_lock);
  send_locked (c, iov, 2);
}

/* Fill a chunk header (20 or 32 bytes); returns its length. */
static size_t
chunk_header (const struct conn *c, const struct request *r,
              unsigned char *h, uint16_t flags, uint16_t type,
              uint64_t plen)
{
  if (c->eh) {
    put_be32 (h, NBD_EXTENDED_REPLY_MAGIC);
    put_be16 (h + 4, flags);
    put_be16 (h + 6, type);
    put_be64 (h + 8, r->cookie);
    put_be64 (h + 16, r->offset);
    put_be64 (h + 24, plen);
    return 32;
  }
  put_be32 (h, NBD_STRUCTURED_REPLY_MAGIC);
  put_be16 (h + 4, flags);
  put_be16 (h + 6, type);
  put_be64 (h + 8, r->cookie);
  put_be32 (h + 16, plen);
  return 20;
}

/* One chunk: header + up to two payload pieces, under the lock. */
static void
chunk_locked (struct conn *c, const struct request *r, uint16_t flags,
              uint16_t type, const void *p1, size_t l1,
              const void *p2, size_t l2)
{
  unsigned char h[32];
  struct iovec iov[3] = {
    { .iov_base = h },
    { .iov_base = (void *) p1, .iov_len = l1 },
    { .iov_base = (void *) p2, .iov_len = l2 },
  };

  iov[0].iov_len = chunk_header (c, r, h, flags, type, l1 + l2);
  send_locked (c, iov, 3);
}

void
srv_reply_ok (struct conn *c, const struct request *r)
{
  if (!c->eh) {
    simple (c, r, 0, NULL, 0);
    return;
  }
  LOCK_IN_SCOPE (&c->write_lock);
  chunk_locked (c, r, NBD_REPLY_FLAG_DONE, NBD_REPLY_TYPE_NONE,
                NULL, 0, NULL, 0);
}

void
srv_reply_error (struct conn *c, const struct request *r, uint32_t err)
{
  unsigned char p[6];

  if (!c->eh && !(c->sr && (r->type == NBD_CMD_READ ||
                            r->type == NBD_CMD_BLOCK_STATUS))) {
    simple (c, r, err, NULL, 0);
    return;
  }
  put_be32 (p, err);
  put_be16 (p + 4, 0);          /* no message */
  LOCK_IN_SCOPE (&c->write_lock);
  chunk_locked (c, r, NBD_REPLY_FLAG_DONE, NBD_REPLY_TYPE_ERROR,
                p, sizeof p, NULL, 0);
}

void
srv_reply_read (struct conn *c, const struct request *r,
                const struct read_chunk *ch, size_t n)
{
  size_t i;

  if (!c->sr && !c->eh) {
    /* One chunk covering everything (the caller read it all). */
    simple (c, r, 0, ch[0].data, r->count);
    return;
  }
  LOCK_IN_SCOPE (&c->write_lock);
  for (i = 0; i < n; ++i) {
    uint16_t flags = i == n - 1 ? NBD_REPLY_FLAG_DONE : 0;
    unsigned char p[12];

    put_be64 (p, ch[i].offset);
    if (ch[i].hole) {
      put_be32 (p + 8, ch[i].length);
      chunk_locked (c, r, flags, NBD_REPLY_TYPE_OFFSET_HOLE,
                    p, 12, NULL, 0);
    }
    else
      chunk_locked (c, r, flags, NBD_REPLY_TYPE_OFFSET_DATA,
                    p, 8, ch[i].data, ch[i].length);
  }
}

void
srv_reply_status (struct conn *c, const struct request *r,
                  const struct bs_desc *d, size_t n)
{
  size_t each = c->eh ? 16 : 8, head = c->eh ? 8 : 4, i;
  CLEANUP_FREE unsigned char *p = malloc (head + n * each);
  unsigned char *q;

  if (p == NULL) {
    srv_reply_error (c, r, NBD_ENOMEM);
    return;
  }
  put_be32 (p, SERVER_META_ID);
  if (c->eh)
    put_be32 (p + 4, n);
  for (i = 0, q = p + head; i < n; ++i, q += each) {
    if (c->eh) {
      put_be64 (q, d[i].length);
      put_be64 (q + 8, d[i].status);
    }
    else {
      put_be32 (q, d[i].length);
      put_be32 (q + 4, d[i].status);
    }
  }
  LOCK_IN_SCOPE (&c->write_lock);
  chunk_locked (c, r, NBD_REPLY_FLAG_DONE,
                c->eh ? NBD_REPLY_TYPE_BLOCK_STATUS_EXT
                : NBD_REPLY_TYPE_BLOCK_STATUS,
                p, head + n * each, NULL, 0);
}
