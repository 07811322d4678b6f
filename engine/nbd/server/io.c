/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: a connection's bytes, in clear text until STARTTLS, then
 * through its TLS session (tls.c).
 */
#include <config.h>

#include <poll.h>

#include "nbd/wire.h"
#include "server-internal.h"

int
srv_read (struct conn *c, void *buf, size_t len, int64_t deadline_ms)
{
  if (c->session)
    return srv_tls_read (c, buf, len, deadline_ms);
  return wire_read (c->fd, buf, len, deadline_ms, c->s->stop_pipe[0]);
}

int
srv_discard (struct conn *c, uint64_t len, int64_t deadline_ms)
{
  char junk[16384];

  while (len > 0) {
    size_t n = len < sizeof junk ? len : sizeof junk;
    if (srv_read (c, junk, n, deadline_ms) == -1)
      return -1;
    len -= n;
  }
  return 0;
}

int
srv_wait_readable (struct conn *c, int64_t deadline_ms)
{
  if (c->session && srv_tls_pending (c))
    return 0;
  return wire_wait (c->fd, POLLIN, deadline_ms, c->s->stop_pipe[0]);
}

int
srv_writev (struct conn *c, struct iovec *iov, int n)
{
  if (c->session)
    return srv_tls_writev (c, iov, n);
  return wire_writev (c->fd, iov, n, SERVER_WRITE_TIMEOUT_MS);
}
