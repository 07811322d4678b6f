/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: the init-state probe, a minimal fixed-newstyle handshake.
 *
 * Everything read from the wire is bounded before use and every wait has a
 * deadline, so a stuck or hostile server costs at most PROBE_TIMEOUT_MS and
 * never the copy.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <endian.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "backend.h"
#include "cleanup.h"
#include "clock.h"
#include "probe.h"
#include "nbd/proto.h"

/* At most this many replies to one NBD_OPT_INFO (a server looping on
 * unknown replies must not keep us forever; the deadline bounds it too).
 */
#define MAX_REPLIES 64

/* How long the probe waits for the server to close after NBD_OPT_ABORT. */
#define PROBE_CLOSE_MS 1000

/* Wait until fd is ready for events, or the deadline passes. */
static int
wait_fd (int fd, short events, int64_t deadline)
{
  for (;;) {
    struct pollfd p = { .fd = fd, .events = events };
    int64_t left = deadline - monotonic_ms ();
    int r;

    if (left <= 0) {
      errno = ETIMEDOUT;
      return -1;
    }
    r = poll (&p, 1, (int) left);
    if (r == -1 && errno == EINTR)
      continue;
    if (r <= 0) {
      if (r == 0)
        errno = ETIMEDOUT;
      return -1;
    }
    return 0;
  }
}

static int
read_full (int fd, void *buf, size_t len, int64_t deadline)
{
  char *p = buf;

  while (len > 0) {
    ssize_t r;

    if (wait_fd (fd, POLLIN, deadline) == -1)
      return -1;
    r = recv (fd, p, len, MSG_DONTWAIT);
    if (r == -1 && (errno == EINTR || errno == EAGAIN))
      continue;
    if (r <= 0) {
      if (r == 0)
        errno = ECONNRESET;
      return -1;
    }
    p += r;
    len -= r;
  }
  return 0;
}

static int
write_full (int fd, const void *buf, size_t len, int64_t deadline)
{
  const char *p = buf;

  while (len > 0) {
    ssize_t r;

    if (wait_fd (fd, POLLOUT, deadline) == -1)
      return -1;
    /* MSG_NOSIGNAL: a server that hung up must not kill us with SIGPIPE. */
    r = send (fd, p, len, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (r == -1 && (errno == EINTR || errno == EAGAIN))
      continue;
    if (r == -1)
      return -1;
    p += r;
    len -= r;
  }
  return 0;
}

/* Discard len bytes (an option reply we do not care about). */
static int
skip (int fd, uint32_t len, int64_t deadline)
{
  char buf[512];

  while (len > 0) {
    uint32_t n = len < sizeof buf ? len : sizeof buf;
    if (read_full (fd, buf, n, deadline) == -1)
      return -1;
    len -= n;
  }
  return 0;
}

/* Greeting: NBDMAGIC, IHAVEOPT, 16-bit handshake flags; answer with our
 * client flags.  Oldstyle or non-fixed newstyle servers cannot do INFO.
 */
static int
greet (int fd, int64_t deadline)
{
  struct { uint64_t magic, opts_magic; uint16_t flags; }
    __attribute__ ((packed)) hello;
  uint32_t cflags;

  if (read_full (fd, &hello, sizeof hello, deadline) == -1)
    return -1;
  if (be64toh (hello.magic) != NBD_MAGIC ||
      be64toh (hello.opts_magic) != NBD_OPTS_MAGIC ||
      !(be16toh (hello.flags) & NBD_FLAG_FIXED_NEWSTYLE))
    return -1;
  cflags = NBD_FLAG_C_FIXED_NEWSTYLE;
  if (be16toh (hello.flags) & NBD_FLAG_NO_ZEROES)
    cflags |= NBD_FLAG_C_NO_ZEROES;
  cflags = htobe32 (cflags);
  return write_full (fd, &cflags, sizeof cflags, deadline);
}

static int
send_option (int fd, uint32_t option, const void *data, uint32_t len,
             int64_t deadline)
{
  struct { uint64_t magic; uint32_t option, len; }
    __attribute__ ((packed)) h = {
    htobe64 (NBD_OPTS_MAGIC), htobe32 (option), htobe32 (len)
  };

  if (write_full (fd, &h, sizeof h, deadline) == -1)
    return -1;
  return len ? write_full (fd, data, len, deadline) : 0;
}

/* NBD_OPT_INFO: 4 name length, name, 2 count, count * 2 info types. */
static int
send_info (int fd, const char *export, int64_t deadline)
{
  static const uint16_t types[] = {
    NBD_INFO_EXPORT, NBD_INFO_BLOCK_SIZE, NBD_INFO_INIT_STATE
  };
  size_t namelen = strlen (export);
  char buf[4 + NBD_MAX_STRING + 2 + sizeof types];
  uint32_t len32;
  uint16_t n16;
  size_t i, off = 0;

  if (namelen > NBD_MAX_STRING)
    return -1;
  len32 = htobe32 (namelen);
  memcpy (buf, &len32, 4); off += 4;
  memcpy (buf + off, export, namelen); off += namelen;
  n16 = htobe16 (sizeof types / sizeof types[0]);
  memcpy (buf + off, &n16, 2); off += 2;
  for (i = 0; i < sizeof types / sizeof types[0]; ++i) {
    n16 = htobe16 (types[i]);
    memcpy (buf + off, &n16, 2); off += 2;
  }
  return send_option (fd, NBD_OPT_INFO, buf, off, deadline);
}

/* Read replies until ACK or an error; returns the init-state mask seen
 * (0 if none), or -1 if the exchange broke.  Any order of infos is fine.
 */
static int
read_info_replies (int fd, int64_t deadline)
{
  unsigned mask = 0;
  int i;

  for (i = 0; i < MAX_REPLIES; ++i) {
    struct { uint64_t magic; uint32_t option, type, len; }
      __attribute__ ((packed)) h;
    uint32_t type, len;

    if (read_full (fd, &h, sizeof h, deadline) == -1)
      return -1;
    type = be32toh (h.type);
    len = be32toh (h.len);
    if (be64toh (h.magic) != NBD_REP_MAGIC ||
        be32toh (h.option) != NBD_OPT_INFO ||
        len > NBD_MAX_OPTION_DATA)
      return -1;
    if (type == NBD_REP_ACK)
      return len == 0 ? (int) mask : -1;
    if (type & NBD_REP_FLAG_ERROR)
      return 0;                 /* unknown export, TLS required, ... */
    if (type == NBD_REP_INFO && len == 4) {
      uint16_t v[2];
      if (read_full (fd, v, sizeof v, deadline) == -1)
        return -1;
      if (be16toh (v[0]) == NBD_INFO_INIT_STATE)
        mask = be16toh (v[1]);
      continue;
    }
    /* Other infos (export, block size, unknown) and unknown reply types
     * are not what we came for.
     */
    if (skip (fd, len, deadline) == -1)
      return -1;
  }
  return -1;
}

/* Until the server has closed its end (briefly): then a server that counts
 * its clients no longer counts the probe when the copy connects.
 */
static void
wait_closed (int fd, int64_t deadline)
{
  int64_t soon = monotonic_ms () + PROBE_CLOSE_MS;
  char buf[256];
  ssize_t r;

  if (soon < deadline)
    deadline = soon;
  do {
    if (wait_fd (fd, POLLIN, deadline) == -1)
      return;
    r = recv (fd, buf, sizeof buf, MSG_DONTWAIT);
  } while (r > 0 || (r == -1 && (errno == EINTR || errno == EAGAIN)));
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

unsigned
probe_init_state_fd (int fd, const char *export, int timeout_ms)
{
  int64_t deadline = monotonic_ms () + timeout_ms;
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

/* Non-blocking connect bounded by the deadline. */
static int
connect_by (int fd, const struct sockaddr *sa, socklen_t len,
            int64_t deadline)
{
  int err = 0;
  socklen_t errlen = sizeof err;

  if (fcntl (fd, F_SETFL, O_NONBLOCK) == -1)
    return -1;
  if (connect (fd, sa, len) == 0)
    return 0;
  if (errno != EINPROGRESS && errno != EAGAIN)
    return -1;
  if (wait_fd (fd, POLLOUT, deadline) == -1)
    return -1;
  if (getsockopt (fd, SOL_SOCKET, SO_ERROR, &err, &errlen) == -1 || err) {
    errno = err ? err : errno;
    return -1;
  }
  return 0;
}

unsigned
probe_init_state_unix (const char *path, const char *export)
{
  int64_t deadline = monotonic_ms () + PROBE_TIMEOUT_MS;
  struct sockaddr_un sun = { .sun_family = AF_UNIX };
  CLEANUP_CLOSE int fd = -1;

  if (strlen (path) >= sizeof sun.sun_path)
    return 0;
  strcpy (sun.sun_path, path);
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd == -1 ||
      connect_by (fd, (struct sockaddr *) &sun, sizeof sun, deadline) == -1)
    return 0;
  return probe_init_state_fd (fd, export, deadline - monotonic_ms ());
}

unsigned
probe_init_state_tcp (const char *host, const char *port, const char *export)
{
  int64_t deadline = monotonic_ms () + PROBE_TIMEOUT_MS;
  struct addrinfo hints = {
    .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
  };
  struct addrinfo *res, *ai;
  unsigned r = 0;

  if (getaddrinfo (host, port, &hints, &res) != 0)
    return 0;
  for (ai = res; ai; ai = ai->ai_next) {
    CLEANUP_CLOSE int fd = socket (ai->ai_family,
                                   ai->ai_socktype | SOCK_CLOEXEC,
                                   ai->ai_protocol);
    if (fd == -1 ||
        connect_by (fd, ai->ai_addr, ai->ai_addrlen, deadline) == -1)
      continue;
    r = probe_init_state_fd (fd, export, deadline - monotonic_ms ());
    break;
  }
  freeaddrinfo (res);
  return r;
}

unsigned
probe_init_state_uri (const char *uri)
{
  struct probe_target t;
  unsigned r;

  if (probe_parse_uri (uri, &t) == -1)
    return 0;
  if (t.socket)
    r = probe_init_state_unix (t.socket, t.export);
  else
    r = probe_init_state_tcp (t.host, t.port, t.export);
  probe_target_free (&t);
  return r;
}
