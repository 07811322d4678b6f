/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: what the pieces of the NBD server share (not for other code). */
#ifndef NBDFERRY_NBD_SERVER_INTERNAL_H
#define NBDFERRY_NBD_SERVER_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "backend.h"
#include "server.h"
#include "vector.h"

#define SERVER_WRITE_TIMEOUT_MS (120 * 1000)
#define SERVER_MAX_OPTIONS      256     /* options per handshake */
#define SERVER_MAX_DESCRIPTORS  (1 << 16) /* block status, per chunk */
/* Request and reply payloads held at once, per connection and for the
 * whole server: past them the reader stops reading new requests.
 */
#define SERVER_CONN_BYTES       (32 * 1024 * 1024)
#define SERVER_MEM_BYTES        (256 * 1024 * 1024)
/* At the connection limit, a connection silent this long with nothing in
 * flight makes room for a new client.
 */
#define SERVER_EVICT_IDLE_MS    5000
#define SERVER_QUEUE_DEPTH      64      /* requests in flight */
#define SERVER_META_ID          1       /* base:allocation */

/* One export: a backend under a name. */
struct export {
  struct backend *b;
  char *name;                   /* never NULL; "" for the default */
  char *description;            /* NULL: none */
  uint64_t minimum, preferred, maximum; /* advertised */
  bool read_only;

  /* Init state goes stale through our own writes (PROTOCOL.md
   * "The initial-state extension"). */
  atomic_bool dirtied;          /* data written or trimmed: not all zero */
  atomic_bool filled;           /* written or zeroed: holes may be gone */
};

struct srv_tls;                 /* tls.c: credentials of the server */

DEFINE_VECTOR_TYPE (export_vector, struct export *);
DEFINE_VECTOR_TYPE (fd_vector, int);

struct server {
  struct server_config cfg;
  struct export_vector exports; /* [0] is the default export */
  struct srv_tls *tls;          /* NULL unless cfg.tls */
  int stop_pipe[2];             /* [0] turns readable on stop */

  pthread_mutex_t lock;
  pthread_cond_t cond;          /* a connection ended, or memory freed */
  unsigned nconns;              /* connection threads alive */
  unsigned nevicted;            /* of those, closed for a new client */
  struct conn *conns;           /* every connection being served */
  uint64_t mem_bytes;           /* payload reserved by all connections */

  struct fd_vector listeners;
};

/* One request from the wire. */
struct request {
  struct request *next;
  uint16_t flags, type;
  uint64_t cookie, offset;
  uint64_t count;               /* effect length, or payload length */
  void *data;                   /* WRITE payload */
  uint64_t reserved;            /* payload bytes counted in the queue */
};

struct conn {
  struct conn *prev, *next;     /* s->conns, under s->lock */
  bool evicted;                 /* under s->lock */
  atomic_int_fast64_t last_ms;  /* when the client last said something */
  atomic_uint inflight;         /* requests read and not yet replied */
  struct server *s;
  struct export *e;             /* chosen by GO / EXPORT_NAME */
  int fd;
  void *session;                /* gnutls_session_t once STARTTLS is done */

  /* Negotiated in the handshake. */
  int64_t deadline;             /* of the handshake, monotonic_ms() time */
  const char *why;              /* why the handshake failed, for the log */
  bool no_zeroes, sr, eh, meta;
  uint16_t tflags;

  /* Transmission. */
  pthread_mutex_t write_lock;
  atomic_bool dead;             /* a reply could not be written */

  pthread_mutex_t qlock;
  pthread_cond_t qcond;         /* work queued, or room made */
  struct request *head, *tail;
  unsigned queued, busy;
  uint64_t queued_bytes;
  bool closing;                 /* reader done: workers exit when idle */
};

extern void server_log (struct server *s, const char *fs, ...)
  __attribute__ ((format (printf, 2, 3)));

/* The export named name[0..len), or NULL. */
extern struct export *srv_find_export (struct server *s, const void *name,
                                       size_t len);

/* io.c: the connection's bytes, in clear text or through its TLS session.
 * Same contracts as wire_read / wire_discard / wire_writev (errno set).
 */
extern int srv_read (struct conn *c, void *buf, size_t len,
                     int64_t deadline_ms);
extern int srv_discard (struct conn *c, uint64_t len, int64_t deadline_ms);
/* Wait until there is something to read (0) or -1 with errno. */
extern int srv_wait_readable (struct conn *c, int64_t deadline_ms);
extern int srv_writev (struct conn *c, struct iovec *iov, int n);

/* tls.c (stubs without GnuTLS). */
extern struct srv_tls *srv_tls_new (const struct server_config *cfg);
extern void srv_tls_free (struct srv_tls *t);
/* The TLS handshake on c->fd before c->deadline; sets c->session.  0, or
 * -1 with errno and a logged reason.
 */
extern int srv_tls_handshake (struct conn *c);
extern void srv_tls_close (struct conn *c);
extern bool srv_tls_pending (struct conn *c);
extern int srv_tls_read (struct conn *c, void *buf, size_t len,
                         int64_t deadline_ms);
extern int srv_tls_writev (struct conn *c, struct iovec *iov, int n);

/* handshake.c: 1 = enter transmission, 0 = client left cleanly,
 * -1 = drop the connection.
 */
extern int srv_handshake (struct conn *c);

/* The transmission flags of export e in this connection's state. */
extern uint16_t srv_transmission_flags (const struct conn *c,
                                        const struct export *e);

/* transmission.c: serve requests until DISC, EOF, an error or a stop. */
extern void srv_transmission (struct conn *c);

/* server.c: count bytes against the server's bound, waiting for room. */
extern void srv_mem_reserve (struct server *s, uint64_t bytes);
extern void srv_mem_release (struct server *s, uint64_t bytes);

/* request.c: read one request into r (payload included).  Returns 1 with
 * *err = 0 (run it) or an NBD error (refused before the backend), 0 when
 * the client disconnected (DISC), -1 to drop the connection.
 * reserve(c, bytes) is called before a payload is allocated and may wait
 * for room in the queue.
 */
extern int srv_request_read (struct conn *c, struct request *r,
                             uint32_t *err,
                             void (*reserve) (struct conn *, uint64_t));
/* The checks done before the backend sees a request: 0 or an NBD error. */
extern uint32_t srv_request_check (const struct conn *c,
                                   const struct request *r);

/* reply.c: whole replies, written under the connection's write lock. */
extern void srv_reply_ok (struct conn *c, const struct request *r);
extern void srv_reply_error (struct conn *c, const struct request *r,
                             uint32_t err);
/* Chunks of a structured READ reply, written in one go. */
struct read_chunk {
  uint64_t offset, length;
  bool hole;
  const void *data;
};
extern void srv_reply_read (struct conn *c, const struct request *r,
                            const struct read_chunk *chunks, size_t n);
/* Block status: n descriptors (length, status) for base:allocation. */
struct bs_desc {
  uint64_t length;
  uint32_t status;
};
extern void srv_reply_status (struct conn *c, const struct request *r,
                              const struct bs_desc *d, size_t n);

/* commands.c: run a checked request against the backend and reply. */
extern void srv_execute (struct conn *c, struct request *r);
/* errno -> NBD error for a request with flags. */
extern uint32_t srv_errno (int err, uint16_t flags);

#endif /* NBDFERRY_NBD_SERVER_INTERNAL_H */
