/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: the embedded NBD server (issue 5, DESIGN.md "The embedded NBD
 * server").
 *
 * Exports one already opened backend over any number of listening sockets.
 * Fixed newstyle handshake only; structured replies, base:allocation,
 * extended headers and the private NBD_INFO_INIT_STATE (NBD-PROTOCOL.md §B).
 * Every connection gets a thread reading requests and a small pool of
 * workers calling the backend's sync hooks (thread-safe by contract) and
 * writing whole replies under a per-connection lock.  Nothing here prints:
 * with verbose set, events go through the log callback.
 */
#ifndef NBDFERRY_NBD_SERVER_H
#define NBDFERRY_NBD_SERVER_H

#include <stdbool.h>
#include <stdint.h>

#include "backend.h"

struct server_config {
  const char *export_name;      /* NULL or "": the default export "" */
  const char *description;      /* NULL: none */
  bool read_only;               /* refuse writes even if the backend can */
  unsigned threads;             /* workers per connection (0: 4) */
  unsigned max_connections;     /* 0: 64 */
  unsigned handshake_timeout;   /* seconds for the whole handshake (0: 30) */
  /* Advertised limits; 0 means the backend's own (b->bs[]).  The caller
   * validates them (blocksize_apply_rules) before starting.
   */
  uint64_t minimum, preferred, maximum;
  /* Optional log sink for -v (called from many threads). */
  void (*log) (void *opaque, const char *msg);
  void *log_opaque;
};

struct server;

/* b stays owned by the caller and must outlive the server. */
extern struct server *server_new (struct backend *b,
                                  const struct server_config *cfg);
extern void server_free (struct server *s);

/* Listen on a Unix socket path or a TCP address (bind NULL = loopback).
 * Return the listening fd (also added to the server) or -1 with a
 * set_error message.  server_add_listener adopts an inherited fd.
 */
extern int server_listen_unix (struct server *s, const char *path);
extern int server_listen_tcp (struct server *s, const char *bind,
                              const char *port);
extern int server_add_listener (struct server *s, int fd);

/* Accept and serve until server_stop(); then stop reading new requests,
 * finish those in flight, wait for every connection, flush a writable
 * backend.  Returns 0, or -1 if the final flush failed.
 */
extern int server_run (struct server *s);

/* Ask server_run to return.  Async-signal-safe (one write to a pipe). */
extern void server_stop (struct server *s);

/* Serve one already connected socket on the calling thread until the
 * client goes (tests and the fuzzer).  Closes fd.
 */
extern void server_serve_fd (struct server *s, int fd);

#endif /* NBDFERRY_NBD_SERVER_H */
