/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: the init-state probe (DESIGN.md "Endpoints").
 *
 * libnbd 1.14 cannot read NBD_INFO_INIT_STATE (PROTOCOL.md "The
 * initial-state extension"), so before libnbd connects we run a tiny
 * handshake of our own on a plain socket: fixed newstyle, NBD_OPT_INFO
 * asking for types 0, 3 and 4, then NBD_OPT_ABORT.  It never fails:
 * anything unexpected (an old server, TLS required, a timeout, a malformed
 * reply) gives 0, "unknown".
 */
#ifndef NBDFERRY_NBD_PROBE_H
#define NBDFERRY_NBD_PROBE_H

/* Bound on the whole probe (connect included), in milliseconds. */
#define PROBE_TIMEOUT_MS 5000

/* Probe the export on a connected stream socket (fd is not closed).
 * Returns INIT_SPARSE | INIT_ZERO (engine/backend.h) or 0.
 */
extern unsigned probe_init_state_fd (int fd, const char *export,
                                     int timeout_ms);

/* Connect to a Unix socket / a TCP host and port, probe, close. */
extern unsigned probe_init_state_unix (const char *path, const char *export);
extern unsigned probe_init_state_tcp (const char *host, const char *port,
                                      const char *export);

/* Probe the export named by a plain nbd:// or nbd+unix:// URI.  Any other
 * URI (TLS, vsock, abstract sockets, a malformed one) is skipped: 0.
 */
extern unsigned probe_init_state_uri (const char *uri);

/* Where a plain URI points, for the probe.  Exposed for tests. */
struct probe_target {
  char *host, *port;            /* TCP, or NULL */
  char *socket;                 /* Unix, or NULL */
  char *export;                 /* decoded export name */
};
/* 0 and *t filled (free with probe_target_free), or -1: not probed. */
extern int probe_parse_uri (const char *uri, struct probe_target *t);
extern void probe_target_free (struct probe_target *t);

#endif /* NBDFERRY_NBD_PROBE_H */
