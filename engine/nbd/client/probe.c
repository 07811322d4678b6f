/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: the init-state probe, a minimal fixed-newstyle handshake on a
 * second connection to the server libnbd is connected to.
 *
 * The bytes go through the server's wire layer (nbd/wire.h): everything
 * read is bounded before use and every wait has a deadline, so a stuck or
 * hostile server costs at most PROBE_TIMEOUT_MS and never the copy.
 */
#include <config.h>

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <libnbd.h>

#include "backend.h"
#include "cleanup.h"
#include "probe.h"
#include "nbd/proto.h"
#include "nbd/wire.h"

/* At most this many replies to one NBD_OPT_INFO (a server looping on
 * unknown replies must not keep us forever; the deadline bounds it too).
 */
#define MAX_REPLIES 64

/* How long the probe waits for the server to close after NBD_OPT_ABORT. */
#define PROBE_CLOSE_MS 1000

/* What is left of the deadline, for the wire layer's write timeout. */
static int
left_ms (int64_t deadline)
{
  int64_t left = deadline - monotonic_ms ();

  return left > 0 ? (int) left : 0;
}

/* Greeting: NBDMAGIC, IHAVEOPT, 16-bit handshake flags; answer with our
 * client flags.  Oldstyle or non-fixed newstyle servers cannot do INFO.
 */
static int
greet (int fd, int64_t deadline)
{
  unsigned char hello[18], cflags[4];
  uint16_t flags;

  if (wire_read (fd, hello, sizeof hello, deadline, -1) == -1)
    return -1;
  flags = get_be16 (hello + 16);
  if (get_be64 (hello) != NBD_MAGIC || get_be64 (hello + 8) != NBD_OPTS_MAGIC
      || !(flags & NBD_FLAG_FIXED_NEWSTYLE))
    return -1;
  put_be32 (cflags, NBD_FLAG_C_FIXED_NEWSTYLE |
            (flags & NBD_FLAG_NO_ZEROES ? NBD_FLAG_C_NO_ZEROES : 0));
  return wire_write (fd, cflags, sizeof cflags, left_ms (deadline));
}

/* One option request: header and payload written together. */
static int
send_option (int fd, uint32_t option, const void *data, uint32_t len,
             int64_t deadline)
{
  unsigned char h[16];
  struct iovec iov[2] = {
    { .iov_base = h, .iov_len = sizeof h },
    { .iov_base = (void *) data, .iov_len = len },
  };

  put_be64 (h, NBD_OPTS_MAGIC);
  put_be32 (h + 8, option);
  put_be32 (h + 12, len);
  return wire_writev (fd, iov, 2, left_ms (deadline));
}

/* NBD_OPT_INFO: 4 name length, name, 2 count, count * 2 info types. */
static int
send_info (int fd, const char *export, int64_t deadline)
{
  static const uint16_t types[] = {
    NBD_INFO_EXPORT, NBD_INFO_BLOCK_SIZE, NBD_INFO_INIT_STATE
  };
  const size_t ntypes = sizeof types / sizeof types[0];
  size_t namelen = strlen (export), i;
  unsigned char buf[4 + NBD_MAX_STRING + 2 + sizeof types], *p = buf;

  if (namelen > NBD_MAX_STRING)
    return -1;
  put_be32 (p, namelen);
  memcpy (p + 4, export, namelen);
  p += 4 + namelen;
  put_be16 (p, ntypes);
  for (i = 0; i < ntypes; ++i)
    put_be16 (p + 2 + 2 * i, types[i]);
  return send_option (fd, NBD_OPT_INFO, buf, p + 2 + 2 * ntypes - buf,
                      deadline);
}

/* Read replies until ACK or an error; returns the init-state mask seen
 * (0 if none), or -1 if the exchange broke.  Any order of infos is fine.
 */
static int
read_info_replies (int fd, int64_t deadline)
{
  unsigned char h[20], payload[NBD_MAX_OPTION_DATA];
  unsigned mask = 0;
  int i;

  for (i = 0; i < MAX_REPLIES; ++i) {
    uint32_t type, len;

    if (wire_read (fd, h, sizeof h, deadline, -1) == -1)
      return -1;
    type = get_be32 (h + 12);
    len = get_be32 (h + 16);
    if (get_be64 (h) != NBD_REP_MAGIC || get_be32 (h + 8) != NBD_OPT_INFO ||
        len > sizeof payload)
      return -1;
    if (type == NBD_REP_ACK)
      return len == 0 ? (int) mask : -1;
    if (type & NBD_REP_FLAG_ERROR)
      return 0;                 /* unknown export, TLS required, ... */
    if (wire_read (fd, payload, len, deadline, -1) == -1)
      return -1;
    /* Other infos (export, block size, unknown) and unknown reply types
     * are not what we came for.
     */
    if (type == NBD_REP_INFO && len == 4 &&
        get_be16 (payload) == NBD_INFO_INIT_STATE)
      mask = get_be16 (payload + 2);
  }
  return -1;
}

/* Until the server has closed its end (briefly): then a server that counts
 * its clients no longer counts the probe when the copy goes on.
 */
static void
wait_closed (int fd, int64_t deadline)
{
  int64_t soon = monotonic_ms () + PROBE_CLOSE_MS;
  char buf[256];

  if (soon < deadline)
    deadline = soon;
  while (wire_read (fd, buf, sizeof buf, deadline, -1) == 0)
    ;                           /* ends at end of file or the deadline */
}

static unsigned
to_init_flags (unsigned mask)
{
  unsigned r = 0;

  if (mask & NBD_INIT_SPARSE)
    r |= INIT_SPARSE;
  if (mask & NBD_INIT_ZERO)
    r |= INIT_ZERO;
  return r;                     /* unknown bits are ignored */
}

/* The handshake on the connected socket fd. */
static unsigned
probe_fd (int fd, const char *export, int64_t deadline)
{
  int mask;

  if (greet (fd, deadline) == -1 || send_info (fd, export, deadline) == -1)
    return 0;
  mask = read_info_replies (fd, deadline);
  /* Soft disconnect; some servers (nbd-server) just close instead of
   * acknowledging, so we wait for the end, not the ACK.
   */
  if (send_option (fd, NBD_OPT_ABORT, NULL, 0, deadline) == 0)
    wait_closed (fd, deadline);
  return mask > 0 ? to_init_flags (mask) : 0;
}

/* Whether two Unix sockets reach the same listening socket: its creator's
 * process is each one's peer.  A relative path from getpeername() names
 * the server's directory, not ours, and must not reach another server.
 */
static bool
same_listener (int a, int b)
{
  struct ucred ca, cb;
  socklen_t la = sizeof ca, lb = sizeof cb;

  return getsockopt (a, SOL_SOCKET, SO_PEERCRED, &ca, &la) == 0 &&
    getsockopt (b, SOL_SOCKET, SO_PEERCRED, &cb, &lb) == 0 &&
    ca.pid == cb.pid;
}

/* Connect the non-blocking socket s within the deadline. */
static int
connect_within (int s, const struct sockaddr *sa, socklen_t len,
                int64_t deadline)
{
  int err = 0;
  socklen_t errlen = sizeof err;

  if (connect (s, sa, len) == 0)
    return 0;
  if ((errno != EINPROGRESS && errno != EAGAIN) ||
      wire_wait (s, POLLOUT, deadline, -1) == -1 ||
      getsockopt (s, SOL_SOCKET, SO_ERROR, &err, &errlen) == -1 || err)
    return -1;
  return 0;
}

/* A new connection to the address fd is connected to: TCP, Unix (abstract
 * ones too), vsock alike.  -1 if there is no address (a socketpair) or it
 * cannot be reached in time.
 */
static int
connect_again (int fd, int64_t deadline)
{
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  int s;

  if (getpeername (fd, (struct sockaddr *) &ss, &len) == -1 ||
      (ss.ss_family == AF_UNIX &&
       len <= offsetof (struct sockaddr_un, sun_path)))
    return -1;
  s = socket (ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (s == -1)
    return -1;
  if (connect_within (s, (struct sockaddr *) &ss, len, deadline) == -1 ||
      (ss.ss_family == AF_UNIX && !same_listener (fd, s))) {
    close (s);
    return -1;
  }
  return s;
}

unsigned
probe_init_state (struct nbd_handle *nbd)
{
  int64_t deadline = monotonic_ms () + PROBE_TIMEOUT_MS;
  CLEANUP_FREE char *export = NULL;
  CLEANUP_CLOSE int fd = -1;

  /* A second connection while libnbd's is up: only where the server says
   * it takes several (qemu-nbd -e 1 would leave it waiting until the
   * deadline).  Over TLS, libnbd 1.14 cannot lend us its session, and an
   * answer in clear text is not one to trust.
   */
  if (nbd_can_multi_conn (nbd) != 1 || nbd_get_tls_negotiated (nbd) != 0)
    return 0;
  export = nbd_get_export_name (nbd);
  if (export == NULL)
    return 0;
  fd = connect_again (nbd_aio_get_fd (nbd), deadline);
  if (fd == -1)
    return 0;
  return probe_fd (fd, export, deadline);
}
