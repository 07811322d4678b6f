/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: the NBD server's listening sockets, connections and limits. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cleanup.h"
#include "error.h"
#include "nbd/proto.h"
#include "nbd/wire.h"
#include "server-internal.h"

void
server_log (struct server *s, const char *fs, ...)
{
  char msg[512];
  va_list ap;
  int saved = errno;

  if (s->cfg.log == NULL)
    return;
  va_start (ap, fs);
  vsnprintf (msg, sizeof msg, fs, ap);
  va_end (ap);
  s->cfg.log (s->cfg.log_opaque, msg);
  errno = saved;
}

static void
export_free (struct export *e)
{
  if (e == NULL)
    return;
  free (e->name);
  free (e->description);
  free (e);
}

/* An export of b with cfg's per-export fields. */
static struct export *
export_new (struct backend *b, const struct server_config *cfg)
{
  const char *name = cfg->export_name ? cfg->export_name : "";
  struct export *e;

  /* Clients read and write anywhere. */
  if (b->is_stream) {
    set_error ("%s: cannot be served: it can only be read or written in "
               "order", b->name);
    errno = ESPIPE;
    return NULL;
  }
  if (strlen (name) > NBD_MAX_STRING ||
      (cfg->description && strlen (cfg->description) > NBD_MAX_STRING)) {
    set_error ("export '%.64s': name or description longer than %d bytes",
               name, NBD_MAX_STRING);
    errno = ENAMETOOLONG;
    return NULL;
  }
  e = calloc (1, sizeof *e);
  if (e == NULL ||
      (e->name = strdup (name)) == NULL ||
      (cfg->description &&
       (e->description = strdup (cfg->description)) == NULL)) {
    set_error_errno ("server");
    export_free (e);
    return NULL;
  }
  e->b = b;
  e->minimum = cfg->minimum ? cfg->minimum : b->bs[BS_MINIMUM];
  e->preferred = cfg->preferred ? cfg->preferred : b->bs[BS_PREFERRED];
  e->maximum = cfg->maximum ? cfg->maximum : b->bs[BS_MAX_DATA];
  if (e->maximum > UINT32_MAX)
    e->maximum = UINT32_MAX;
  e->read_only = cfg->read_only || !b->can_write;
  return e;
}

struct export *
srv_find_export (struct server *s, const void *name, size_t len)
{
  size_t i;

  for (i = 0; i < s->exports.len; ++i)
    if (strlen (s->exports.ptr[i]->name) == len &&
        memcmp (s->exports.ptr[i]->name, name, len) == 0)
      return s->exports.ptr[i];
  return NULL;
}

int
server_add_export (struct server *s, struct backend *b,
                   const struct server_config *cfg)
{
  struct export *e;
  const char *name = cfg->export_name ? cfg->export_name : "";

  if (srv_find_export (s, name, strlen (name))) {
    set_error ("export '%s' given twice", name);
    errno = EEXIST;
    return -1;
  }
  e = export_new (b, cfg);
  if (e == NULL)
    return -1;
  if (export_vector_append (&s->exports, e) == -1) {
    set_error_errno ("server");
    export_free (e);
    return -1;
  }
  return 0;
}

struct server *
server_new (struct backend *b, const struct server_config *cfg)
{
  struct server *s = calloc (1, sizeof *s);

  if (s == NULL) {
    set_error_errno ("server");
    return NULL;
  }
  s->cfg = *cfg;
  s->stop_pipe[0] = s->stop_pipe[1] = -1;
  if (s->cfg.threads == 0)
    s->cfg.threads = 4;
  if (s->cfg.max_connections == 0)
    s->cfg.max_connections = 64;
  if (s->cfg.handshake_timeout == 0)
    s->cfg.handshake_timeout = 30;
  pthread_mutex_init (&s->lock, NULL);
  pthread_cond_init (&s->cond, NULL);
  if (pipe2 (s->stop_pipe, O_CLOEXEC | O_NONBLOCK) == -1) {
    set_error_errno ("server: pipe");
    goto fail;
  }
  if (server_add_export (s, b, cfg) == -1 ||
      (cfg->tls != SERVER_TLS_OFF && (s->tls = srv_tls_new (cfg)) == NULL))
    goto fail;
  return s;

 fail:
  server_free (s);
  return NULL;
}

void
server_free (struct server *s)
{
  unsigned i;

  if (s == NULL)
    return;
  for (i = 0; i < s->listeners.len; ++i)
    if (s->listeners.ptr[i] >= 0)
      close (s->listeners.ptr[i]);
  fd_vector_reset (&s->listeners);
  for (i = 0; i < s->exports.len; ++i)
    export_free (s->exports.ptr[i]);
  export_vector_reset (&s->exports);
  srv_tls_free (s->tls);
  if (s->stop_pipe[0] >= 0) {
    close (s->stop_pipe[0]);
    close (s->stop_pipe[1]);
  }
  pthread_mutex_destroy (&s->lock);
  pthread_cond_destroy (&s->cond);
  free (s);
}

void
server_stop (struct server *s)
{
  char c = 0;
  ssize_t r = write (s->stop_pipe[1], &c, 1);
  (void) r;                     /* already stopping if the pipe is full */
}

int
server_add_listener (struct server *s, int fd)
{
  if (fd_vector_append (&s->listeners, fd) == -1) {
    set_error_errno ("server");
    return -1;
  }
  return fd;
}

int
server_listen_unix (struct server *s, const char *path)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  CLEANUP_CLOSE int fd = -1;

  if (strlen (path) >= sizeof addr.sun_path) {
    set_error ("%s: socket path too long", path);
    return -1;
  }
  strcpy (addr.sun_path, path);
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd == -1 ||
      bind (fd, (struct sockaddr *) &addr, sizeof addr) == -1 ||
      listen (fd, SOMAXCONN) == -1) {
    set_error_errno ("%s", path);
    return -1;
  }
  if (server_add_listener (s, fd) == -1)
    return -1;
  return TAKE_FD (fd);
}

static int
listen_addr (const struct addrinfo *a)
{
  CLEANUP_CLOSE int fd = socket (a->ai_family, a->ai_socktype | SOCK_CLOEXEC,
                                 a->ai_protocol);
  int one = 1;

  if (fd == -1)
    return -1;
  setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (a->ai_family == AF_INET6)
    setsockopt (fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  if (bind (fd, a->ai_addr, a->ai_addrlen) == -1 ||
      listen (fd, SOMAXCONN) == -1)
    return -1;
  return TAKE_FD (fd);
}

int
server_listen_tcp (struct server *s, const char *bind, const char *port)
{
  struct addrinfo hints = {
    .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
    .ai_flags = AI_PASSIVE | AI_ADDRCONFIG,
  }, *res, *a;
  int r, first = -1;

  if (bind == NULL)
    bind = "127.0.0.1";
  r = getaddrinfo (bind, port, &hints, &res);
  if (r != 0) {
    set_error ("%s:%s: %s", bind, port, gai_strerror (r));
    return -1;
  }
  for (a = res; a; a = a->ai_next) {
    int fd = listen_addr (a);
    if (fd == -1) {
      set_error_errno ("%s:%s", bind, port);
      continue;
    }
    if (server_add_listener (s, fd) == -1) {
      close (fd);
      break;
    }
    if (first == -1)
      first = fd;
  }
  freeaddrinfo (res);
  return first;
}

void
srv_mem_reserve (struct server *s, uint64_t bytes)
{
  LOCK_IN_SCOPE (&s->lock);
  while (s->mem_bytes > 0 && s->mem_bytes + bytes > SERVER_MEM_BYTES)
    pthread_cond_wait (&s->cond, &s->lock);
  s->mem_bytes += bytes;
}

void
srv_mem_release (struct server *s, uint64_t bytes)
{
  if (bytes == 0)
    return;
  LOCK_IN_SCOPE (&s->lock);
  s->mem_bytes -= bytes;
  pthread_cond_broadcast (&s->cond);
}

static void
conn_register (struct server *s, struct conn *c)
{
  LOCK_IN_SCOPE (&s->lock);
  atomic_store (&c->last_ms, monotonic_ms ());
  c->next = s->conns;
  if (s->conns)
    s->conns->prev = c;
  s->conns = c;
}

static void
conn_unregister (struct server *s, struct conn *c)
{
  LOCK_IN_SCOPE (&s->lock);
  if (c->prev)
    c->prev->next = c->next;
  else
    s->conns = c->next;
  if (c->next)
    c->next->prev = c->prev;
  if (c->evicted)
    s->nevicted--;
}

static void
serve_conn (struct server *s, int fd)
{
  struct conn c = { .s = s, .fd = fd };
  int r;

  pthread_mutex_init (&c.write_lock, NULL);
  pthread_mutex_init (&c.qlock, NULL);
  pthread_cond_init (&c.qcond, NULL);
  c.deadline = monotonic_ms () + s->cfg.handshake_timeout * INT64_C(1000);
  conn_register (s, &c);
  r = srv_handshake (&c);
  if (r == 1)
    srv_transmission (&c);
  else if (r == 0)
    server_log (s, "handshake ended: the client aborted it");
  else if (c.why)
    server_log (s, "handshake ended: %s", c.why);
  else
    server_log (s, "handshake ended: %s",
                errno == ECONNRESET ? "the client went away"
                : errno == ETIMEDOUT ? "timed out" : strerror (errno));
  srv_tls_close (&c);
  conn_unregister (s, &c);
  close (fd);
  pthread_mutex_destroy (&c.write_lock);
  pthread_mutex_destroy (&c.qlock);
  pthread_cond_destroy (&c.qcond);
}

void
server_serve_fd (struct server *s, int fd)
{
  serve_conn (s, fd);
}

/* Flush every writable export once no client is left. */
static int
server_flush (struct server *s)
{
  int ret = 0;
  size_t i;

  for (i = 0; i < s->exports.len; ++i) {
    struct export *e = s->exports.ptr[i];
    if (!e->read_only && backend_flush (e->b, 0) == -1) {
      set_error_errno ("%s: flush", e->b->name);
      ret = -1;
    }
  }
  return ret;
}

int
server_run_fd (struct server *s, int fd)
{
  if (fd == -1) {
    set_error_errno ("server");
    return -1;
  }
  serve_conn (s, fd);
  return server_flush (s);
}

struct conn_start {
  struct server *s;
  int fd;
};

static void *
conn_thread (void *arg)
{
  struct conn_start cs = *(struct conn_start *) arg;

  free (arg);
  serve_conn (cs.s, cs.fd);
#ifdef HAVE_MALLOC_TRIM
  malloc_trim (0);              /* give its buffers back to the system */
#endif
  pthread_mutex_lock (&cs.s->lock);
  cs.s->nconns--;
  pthread_cond_broadcast (&cs.s->cond);
  pthread_mutex_unlock (&cs.s->lock);
  return NULL;
}

/* At the connection limit, close the connection that has been silent
 * longest with nothing in flight, if any has been for long enough, so
 * that idle clients cannot lock new ones out.  Called with s->lock held.
 */
static bool
evict_idle (struct server *s)
{
  int64_t now = monotonic_ms (), oldest = now - SERVER_EVICT_IDLE_MS;
  struct conn *c, *victim = NULL;

  for (c = s->conns; c; c = c->next) {
    int64_t t = atomic_load (&c->last_ms);
    if (!c->evicted && atomic_load (&c->inflight) == 0 && t <= oldest) {
      oldest = t;
      victim = c;
    }
  }
  if (victim == NULL)
    return false;
  victim->evicted = true;
  s->nevicted++;
  shutdown (victim->fd, SHUT_RDWR);
  return true;
}

/* Start a thread for a new connection, within the connection limit. */
static void
start_conn (struct server *s, int fd)
{
  struct conn_start *cs;
  pthread_attr_t attr;
  pthread_t t;
  int one = 1, r;

  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  pthread_mutex_lock (&s->lock);
  if (s->nconns - s->nevicted >= s->cfg.max_connections) {
    bool evicted = evict_idle (s);
    pthread_mutex_unlock (&s->lock);
    server_log (s, "connection limit reached: %s",
                evicted ? "closing the longest idle client"
                : "refusing a client");
    if (!evicted) {
      close (fd);
      return;
    }
    pthread_mutex_lock (&s->lock);
  }
  s->nconns++;
  pthread_mutex_unlock (&s->lock);

  cs = malloc (sizeof *cs);
  r = -1;
  if (cs) {
    *cs = (struct conn_start) { s, fd };
    pthread_attr_init (&attr);
    pthread_attr_setdetachstate (&attr, PTHREAD_CREATE_DETACHED);
    r = pthread_create (&t, &attr, conn_thread, cs);
    pthread_attr_destroy (&attr);
  }
  if (r != 0) {
    free (cs);
    close (fd);
    pthread_mutex_lock (&s->lock);
    s->nconns--;
    pthread_mutex_unlock (&s->lock);
  }
}

static void
accept_loop (struct server *s)
{
  unsigned n = s->listeners.len, i;
  CLEANUP_FREE struct pollfd *p = calloc (n + 1, sizeof *p);

  if (p == NULL)
    return;
  for (i = 0; i < n; ++i)
    p[i] = (struct pollfd) { .fd = s->listeners.ptr[i], .events = POLLIN };
  p[n] = (struct pollfd) { .fd = s->stop_pipe[0], .events = POLLIN };
  for (;;) {
    if (poll (p, n + 1, -1) == -1) {
      if (errno == EINTR)
        continue;
      return;
    }
    if (p[n].revents)
      return;
    for (i = 0; i < n; ++i)
      if (p[i].revents & POLLIN) {
        int fd = accept4 (p[i].fd, NULL, NULL, SOCK_CLOEXEC);
        if (fd >= 0)
          start_conn (s, fd);
        else if (errno == EMFILE || errno == ENFILE)
          usleep (100000);      /* let connections finish */
      }
  }
}

int
server_run (struct server *s)
{
  unsigned i;

  accept_loop (s);
  for (i = 0; i < s->listeners.len; ++i) {
    close (s->listeners.ptr[i]);
    s->listeners.ptr[i] = -1;
  }
  /* Connections see the stop pipe, finish what is in flight and go. */
  pthread_mutex_lock (&s->lock);
  while (s->nconns > 0)
    pthread_cond_wait (&s->cond, &s->lock);
  pthread_mutex_unlock (&s->lock);
  return server_flush (s);
}
