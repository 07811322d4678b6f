/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: the embedded NBD server (issue 5, DESIGN.md "The embedded NBD
 * server").
 *
 * Exports one or more already opened backends, by name, over any number of
 * listening sockets, in clear text or through TLS (NBD_OPT_STARTTLS).
 * Fixed newstyle handshake only; structured replies, base:allocation,
 * extended headers and the private NBD_INFO_INIT_STATE (PROTOCOL.md
 * "The initial-state extension").
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

enum server_tls { SERVER_TLS_OFF, SERVER_TLS_ON, SERVER_TLS_REQUIRE };

struct server_config {
  /* Per export (server_new's first export, and server_add_export). */
  const char *export_name;      /* NULL or "": the default export "" */
  const char *description;      /* NULL: none */
  bool read_only;               /* refuse writes even if the backend can */
  /* Advertised limits; 0 means the backend's own (b->bs[]).  The caller
   * validates them (blocksize_apply_rules) before starting.
   */
  uint64_t minimum, preferred, maximum;

  /* Per server (read by server_new only). */
  unsigned threads;             /* workers per connection (0: 4) */
  unsigned max_connections;     /* 0: 64 */
  unsigned handshake_timeout;   /* seconds for the whole handshake (0: 30) */
  unsigned idle_timeout;        /* seconds a client may stay silent with
                                   nothing in flight (0: forever) */
  enum server_tls tls;
  const char *tls_certificates; /* directory: ca-cert.pem, server-*.pem */
  const char *tls_psk;          /* psktool's file: "user:hexkey" lines */
  bool tls_verify_peer;         /* X.509: the client must have a certificate */
  /* Optional log sink for -v (called from many threads). */
  void (*log) (void *opaque, const char *msg);
  void *log_opaque;
  /* Optional sink for warnings shown even without -v (key files that
   * others can read), called from server_new with log_opaque.
   */
  void (*warn) (void *opaque, const char *msg);
};

struct server;

/* b stays owned by the caller and must outlive the server; it is the
 * first export, the default one.  With cfg->tls, the credentials are
 * loaded here (-1 with set_error when they cannot be).
 */
extern struct server *server_new (struct backend *b,
                                  const struct server_config *cfg);
/* One more export, named cfg->export_name (unique), with cfg's per-export
 * fields; before server_run.  0 or -1 with set_error.
 */
extern int server_add_export (struct server *s, struct backend *b,
                              const struct server_config *cfg);
/* Whether this build has TLS (GnuTLS). */
extern bool server_tls_available (void);
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
/* The same, then flush as server_run does (nbdferry serve -s).  fd -1
 * fails with set_error.
 */
extern int server_run_fd (struct server *s, int fd);

#endif /* NBDFERRY_NBD_SERVER_H */
