/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: big-endian fields and whole reads/writes for the NBD server.
 *
 * Every read waits for the socket with poll(), so a read can give up at a
 * deadline (a stalled handshake) or when the server's stop descriptor
 * becomes readable (shutdown).  Writes give up after a timeout so a client
 * that stops reading costs only its own connection.
 */
#ifndef NBDFERRY_NBD_WIRE_H
#define NBDFERRY_NBD_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "clock.h"


/* Wait until fd is ready for events (POLLIN, POLLOUT), with the same
 * deadline_ms and stop_fd as wire_read.  0 ready, -1 with errno.
 */
extern int wire_wait (int fd, short events, int64_t deadline_ms,
                      int stop_fd);

/* Read exactly len bytes.  deadline_ms is an absolute monotonic_ms() time or
 * -1 for none; stop_fd is polled too (-1: none).  Returns 0, or -1 with
 * errno: ECONNRESET (end of file), ETIMEDOUT, ESHUTDOWN (stop_fd readable)
 * or the read error.
 */
extern int wire_read (int fd, void *buf, size_t len, int64_t deadline_ms,
                      int stop_fd);

/* Write all of iov[0..n).  Returns 0 or -1 with errno (ETIMEDOUT when the
 * peer has not taken anything for timeout_ms).  Never raises SIGPIPE on a
 * socket.
 */
extern int wire_writev (int fd, struct iovec *iov, int n, int timeout_ms);
extern int wire_write (int fd, const void *buf, size_t len, int timeout_ms);

static inline void
put_be16 (unsigned char *p, uint16_t v)
{
  p[0] = v >> 8; p[1] = v;
}

static inline void
put_be32 (unsigned char *p, uint32_t v)
{
  put_be16 (p, v >> 16); put_be16 (p + 2, v);
}

static inline void
put_be64 (unsigned char *p, uint64_t v)
{
  put_be32 (p, v >> 32); put_be32 (p + 4, v);
}

static inline uint16_t
get_be16 (const unsigned char *p)
{
  return (uint16_t) (p[0] << 8 | p[1]);
}

static inline uint32_t
get_be32 (const unsigned char *p)
{
  return (uint32_t) get_be16 (p) << 16 | get_be16 (p + 2);
}

static inline uint64_t
get_be64 (const unsigned char *p)
{
  return (uint64_t) get_be32 (p) << 32 | get_be32 (p + 4);
}

#endif /* NBDFERRY_NBD_WIRE_H */
