/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: opening and describing an NBD connection (libnbd). */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libnbd.h>

#include "backend.h"
#include "blocksize.h"
#include "cleanup.h"
#include "error.h"
#include "client.h"
#include "client-internal.h"
#include "probe.h"
#include "nbd/proto.h"
#include "sockact.h"

/* libnbd messages may span lines; ours are one line. */
static void
one_line (char *s)
{
  for (; *s; ++s)
    if (*s == '\n' || *s == '\r')
      *s = ' ';
}

int
nbd_client_error (struct nbd_client *c)
{
  int err = nbd_get_errno ();
  const char *msg = nbd_get_error ();
  char buf[512];

  /* The caller names the backend and the offset. */
  snprintf (buf, sizeof buf, "%s", msg ? msg : strerror (err ? err : EIO));
  one_line (buf);
  set_error ("%s", buf);
  errno = err ? err : EIO;
  return -1;
}

void
nbd_client_connect_error (struct nbd_client *c)
{
  char why[64];
  CLEANUP_FREE char *msg = strdup (nbd_get_error () ? : "connection failed");
  int err = nbd_get_errno ();

  if (msg)
    one_line (msg);
  if (c->server && sockact_exited (c->server, 1000, why, sizeof why))
    set_error ("%s: the server %s (%s)", c->b.name, why,
               msg ? msg : "connection failed");
  else
    set_error ("%s: %s", c->b.name, msg ? msg : "connection failed");
  errno = err ? err : EIO;
}

/* Run the handshake to its end (or to option mode), giving up after
 * connect_timeout seconds: a server that accepted the socket but never
 * speaks (stopped, or a `[ CMD ]` that never serves).
 */
static int
wait_connected (struct nbd_client *c)
{
  double deadline = monotonic_seconds () + c->connect_timeout;

  while (nbd_aio_is_connecting (c->nbd) == 1) {
    if (nbd_poll (c->nbd, 1000) == -1)
      return -1;
    if (c->connect_timeout && nbd_aio_is_connecting (c->nbd) == 1 &&
        monotonic_seconds () > deadline) {
      set_error ("%s: no answer within %u s (--connect-timeout)",
                 c->b.name, c->connect_timeout);
      errno = ETIMEDOUT;
      return -2;
    }
  }
  if (c->bitmap)
    return nbd_aio_is_negotiating (c->nbd) == 1 ? 0 : -1;
  return nbd_aio_is_ready (c->nbd) == 1 ? 0 : -1;
}

/* Create the handle and connect: handshake errors name the URI/command.
 * With a dirty bitmap wanted, stop in option mode: bitmap.c asks for it.
 */
static int
connect_handle (struct nbd_client *c)
{
  int r;

  c->nbd = nbd_create ();
  if (c->nbd == NULL) {
    set_error ("%s: %s", c->b.name, nbd_get_error ());
    return -1;
  }
  /* As nbdcopy: libnbd's debug output with -v, and never without it
   * (LIBNBD_DEBUG=1 would otherwise log every request).
   */
  /* Every read's outcome is checked before its buffer is used, so libnbd
   * need not zero each buffer first (9 % of the CPU of a dense copy).
   */
  if (nbd_set_debug (c->nbd, c->debug) == -1 ||
      nbd_set_pread_initialize (c->nbd, false) == -1 ||
      nbd_add_meta_context (c->nbd, NBD_META_BASE_ALLOCATION) == -1 ||
      nbd_set_uri_allow_local_file (c->nbd, true) == -1 ||
      (c->bitmap && nbd_set_opt_mode (c->nbd, true) == -1)) {
    nbd_client_connect_error (c);
    return -1;
  }
  if (c->uri)
    r = nbd_aio_connect_uri (c->nbd, c->uri);
  else
    r = nbd_aio_connect_unix (c->nbd, sockact_path (c->server));
  if (r == 0)
    r = wait_connected (c);
  if (r == -1)
    nbd_client_connect_error (c);
  if (r < 0 || (c->bitmap && nbd_client_go_bitmap (c) == -1))
    return -1;
  c->tripped = false;
  c->last_activity = monotonic_seconds ();
  return 0;
}

/* Cache what the data hooks need from this connection. */
static void
learn (struct nbd_client *c)
{
  int64_t min = nbd_get_block_size (c->nbd, LIBNBD_SIZE_MINIMUM);

  c->min_block = min > 0 ? min : 1;
  c->can_zero = nbd_can_zero (c->nbd) == 1;
  c->can_fast_zero = c->can_zero && nbd_can_fast_zero (c->nbd) == 1;
  c->can_fua = nbd_can_fua (c->nbd) == 1;
}

static const struct backend_ops nbd_client_ops;

/* A new client connected as want says (its uri or server, flags and
 * bitmap); NULL on error.
 */
static struct nbd_client *
client_new (const char *name, const struct nbd_client *want)
{
  struct nbd_client *c = backend_alloc (sizeof *c, &nbd_client_ops, name,
                                        NULL);

  if (c == NULL)
    return NULL;
  pthread_mutex_init (&c->cache_lock, NULL);
  extents_init (&c->alloc_cache, 0, 0);
  if ((want->uri && (c->uri = strdup (want->uri)) == NULL) ||
      (want->bitmap && (c->bitmap = strdup (want->bitmap)) == NULL)) {
    set_error_errno ("%s", name);
    backend_close (&c->b);      /* nothing is open yet */
    return NULL;
  }
  c->server = want->server ? sockact_ref (want->server) : NULL;
  c->writable = want->writable;
  c->no_extents = want->no_extents;
  c->debug = want->debug;
  c->connect_timeout = want->connect_timeout;
  c->request_timeout = want->request_timeout;
  if (connect_handle (c) == -1) {
    int err = errno;
    backend_close (&c->b);
    errno = err;
    return NULL;
  }
  learn (c);
  return c;
}

/* Say goodbye and wait for the server to close, as nbd_shutdown would, but
 * not forever: a stopped server never closes (DISCONNECT_WAIT seconds, or
 * the request timeout if shorter).
 */
#define DISCONNECT_WAIT 10

static void
disconnect (struct nbd_client *c)
{
  unsigned wait = c->request_timeout && c->request_timeout < DISCONNECT_WAIT
    ? c->request_timeout : DISCONNECT_WAIT;
  double deadline = monotonic_seconds () + wait;

  if (nbd_aio_disconnect (c->nbd, 0) == -1)
    return;
  while (nbd_aio_is_closed (c->nbd) != 1 && nbd_aio_is_dead (c->nbd) != 1 &&
         monotonic_seconds () < deadline)
    if (nbd_poll (c->nbd, 1000) == -1)
      break;
}

static void
client_close (struct backend *b)
{
  struct nbd_client *c = NBD_CLIENT (b);

  if (c->nbd) {
    if (nbd_aio_is_ready (c->nbd) == 1)
      disconnect (c);
    nbd_close (c->nbd);
  }
  sockact_unref (c->server);
  free (c->uri);
  free (c->bitmap);
  extents_free (&c->alloc_cache);
  pthread_mutex_destroy (&c->cache_lock);
}

static struct backend *
client_dup (struct backend *b)
{
  struct nbd_client *c = NBD_CLIENT (b), *d;

  /* Without multi-conn a second connection could see stale data. */
  if (!b->can_multi_conn)
    return backend_ref (b);
  d = client_new (b->name, c);
  if (d == NULL)
    return NULL;
  d->init = c->init;
  return &d->b;
}

static int64_t
client_get_size (struct backend *b)
{
  int64_t r = nbd_get_size (NBD_CLIENT (b)->nbd);

  return r == -1 ? nbd_client_error (NBD_CLIENT (b)) : r;
}

static int64_t
client_block_size (struct backend *b, enum bs_which which)
{
  struct nbd_client *c = NBD_CLIENT (b);
  int64_t max;

  switch (which) {
  case BS_MINIMUM:
    return nbd_get_block_size (c->nbd, LIBNBD_SIZE_MINIMUM);
  case BS_PREFERRED:
    return nbd_get_block_size (c->nbd, LIBNBD_SIZE_PREFERRED);
  case BS_MAX_DATA:
    max = nbd_get_block_size (c->nbd, LIBNBD_SIZE_MAXIMUM);
    if (max == -1)
      return nbd_client_error (c);
    /* No advertised maximum: the protocol's portable payload. */
    if (max == 0 || max == UINT32_MAX)
      return NBD_CLIENT_DEFAULT_MAX_DATA;
    return max;
  case BS_MAX_ZERO:
  case BS_MAX_TRIM:
    /* libnbd 1.14 sends 32-bit lengths for these. */
    return BS_ZERO_DEFAULT (c->min_block);
  default:
    return 0;
  }
}

static int
client_init_flags (struct backend *b)
{
  return NBD_CLIENT (b)->init;
}

#define CAN(hook, expr)                                 \
  static int                                            \
  client_##hook (struct backend *b)                     \
  {                                                     \
    struct nbd_client *c = NBD_CLIENT (b);              \
    int r = (expr);                                     \
    return r == -1 ? nbd_client_error (c) : r;          \
  }

CAN (can_zero, nbd_can_zero (c->nbd))
CAN (can_fast_zero, nbd_can_fast_zero (c->nbd))
CAN (can_trim, nbd_can_trim (c->nbd))
CAN (can_flush, nbd_can_flush (c->nbd))
CAN (can_fua, nbd_can_fua (c->nbd))
CAN (can_multi_conn, nbd_can_multi_conn (c->nbd))
CAN (can_cache, nbd_can_cache (c->nbd))

static int
client_can_write (struct backend *b)
{
  struct nbd_client *c = NBD_CLIENT (b);
  int ro = nbd_is_read_only (c->nbd);

  return ro == -1 ? nbd_client_error (c) : c->writable && !ro;
}

static int
client_can_extents (struct backend *b)
{
  struct nbd_client *c = NBD_CLIENT (b);
  int r;

  if (c->no_extents)
    return 0;
  r = nbd_can_meta_context (c->nbd, NBD_META_BASE_ALLOCATION);
  return r == -1 ? nbd_client_error (c) : r;
}

/* A request costs a round trip and the server's work: a hole known to
 * read as zero of up to this many bytes between data is cheaper to read
 * with it than to go around (measured on nbdkit file, DESIGN.md
 * "Coalesced reads").
 */
#define COALESCE_HOLE (16 * 1024)

static int64_t
client_coalesce (struct backend *b __attribute__ ((unused)))
{
  return COALESCE_HOLE;
}

/* The old handle is closed only once a new one is up, so that a failed
 * attempt leaves a (broken) handle for the hooks to fail on.
 */
static int
client_reconnect (struct backend *b)
{
  struct nbd_client *c = NBD_CLIENT (b);
  struct nbd_handle *old = c->nbd;
  int64_t size;

  if (!c->tripped && (nbd_aio_is_ready (old) == 1 ||
                      nbd_aio_is_processing (old) == 1))
    return 0;
  if (connect_handle (c) == -1) {
    if (c->nbd)
      nbd_close (c->nbd);
    c->nbd = old;
    c->tripped = true;          /* still broken: try again next time */
    return -1;
  }
  nbd_close (old);
  learn (c);
  size = nbd_get_size (c->nbd);
  if (size != b->size) {
    set_error ("%s: the export is %" PRIi64 " bytes after reconnecting, "
               "not %" PRIi64, b->name, size, b->size);
    c->tripped = true;
    errno = EIO;
    return -1;
  }
  return 1;
}

static const struct backend_ops nbd_client_ops = {
  .name = "nbd",
  .close = client_close,
  .dup = client_dup,
  .get_size = client_get_size,
  .block_size = client_block_size,
  .init_flags = client_init_flags,
  .can_write = client_can_write,
  .can_zero = client_can_zero,
  .can_fast_zero = client_can_fast_zero,
  .can_trim = client_can_trim,
  .can_flush = client_can_flush,
  .can_fua = client_can_fua,
  .can_extents = client_can_extents,
  .can_multi_conn = client_can_multi_conn,
  .can_cache = client_can_cache,
  .coalesce = client_coalesce,
  .pread = nbd_client_pread,
  .pwrite = nbd_client_pwrite,
  .zero = nbd_client_zero,
  .trim = nbd_client_trim,
  .flush = nbd_client_flush,
  .extents = nbd_client_extents,
  .dirty = nbd_client_dirty,
  .cache = nbd_client_cache,
  .aio_pread = nbd_client_aio_pread,
  .aio_pwrite = nbd_client_aio_pwrite,
  .aio_zero = nbd_client_aio_zero,
  .aio_extents = nbd_client_aio_extents,
  .aio_get_fd = nbd_client_aio_get_fd,
  .aio_notify = nbd_client_aio_notify,
  .aio_in_flight = nbd_client_aio_in_flight,
  .reconnect = client_reconnect,
};

/* A sink must be writable and big enough. */
static int
check_sink (struct nbd_client *c, const struct endpoint_opts *opts)
{
  if (!c->b.can_write) {
    errno = EROFS;
    set_error ("%s: the NBD export is read-only", c->b.name);
    return -1;
  }
  if (opts->src_size >= 0 && c->b.size < opts->src_size) {
    errno = ENOSPC;
    set_error ("%s: destination is smaller than the source "
               "(%" PRIi64 " < %" PRIi64 " bytes)",
               c->b.name, c->b.size, opts->src_size);
    return -1;
  }
  return 0;
}

struct backend *
nbd_client_open (const char *uri, const struct endpoint_opts *opts)
{
  struct sockact *server = NULL;
  struct nbd_client *c, want;
  CLEANUP_FREE char *bitmap = NULL;

  if (opts->dirty_bitmap && !opts->writable &&
      asprintf (&bitmap, NBD_META_QEMU_DIRTY_BITMAP "%s",
                opts->dirty_bitmap) == -1) {
    set_error_errno ("%s", uri ? uri : "[ command ]");
    return NULL;
  }
  if (uri == NULL) {
    server = sockact_start (opts->command);
    if (server == NULL)
      return NULL;
  }
  want = (struct nbd_client) {
    .uri = (char *) uri, .server = server, .bitmap = bitmap,
    .writable = opts->writable, .no_extents = opts->no_extents,
    .debug = opts->verbose > 0,
    .connect_timeout = opts->connect_timeout,
    .request_timeout = opts->request_timeout,
  };
  c = client_new (uri ? uri : sockact_name (server), &want);
  sockact_unref (server);       /* c holds its own reference */
  if (c == NULL)
    return NULL;
  /* After libnbd has connected: a server that exits when its last client
   * leaves (nbdkit's exitlast filter) would be gone after a probe made
   * before.
   */
  c->init = probe_init_state (c->nbd);
  if (backend_open_done (&c->b) == -1 ||
      (opts->writable && check_sink (c, opts) == -1)) {
    int err = errno;
    backend_close (&c->b);
    errno = err;
    return NULL;
  }
  return &c->b;
}
