/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit test of the NBD server (engine/nbd/server*) over a socketpair, with
 * libnbd as the client and an in-memory backend: data round trip, many
 * requests in flight, block status, requests breaking the limits refused
 * before the backend is called, a second export chosen by name, an unknown
 * name refused, and (with GnuTLS) the same over TLS with a PSK required.
 */
#include <config.h>

#include <errno.h>
#include <libnbd.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mem.h"
#include "nbd/server/server.h"

#define CHECK(cond)                                                     \
  do {                                                                  \
    if (!(cond)) {                                                      \
      fprintf (stderr, "%s:%d: FAIL: %s (%s)\n", __FILE__, __LINE__,    \
               #cond, nbd_get_error () ? nbd_get_error () : "");        \
      exit (1);                                                         \
    }                                                                   \
  } while (0)

#define MiB (1024 * 1024)

struct serve_arg {
  struct server *s;
  int fd;
};

static void *
serve (void *arg)
{
  struct serve_arg *a = arg;
  server_serve_fd (a->s, a->fd);
  return NULL;
}

static int
status_cb (void *data, const char *ctx, uint64_t offset, uint32_t *e,
           size_t n, int *error)
{
  uint32_t *out = data;
  size_t i;

  for (i = 0; i < n && i < 8; ++i)
    out[i] = e[i];
  return 0;
}

static void
test_data (struct nbd_handle *h, struct backend *b)
{
  static char w[65536], r[65536];
  int64_t cookies[16];
  uint32_t st[8] = { 0 };
  int i;

  memset (w, 'x', sizeof w);
  CHECK (nbd_pwrite (h, w, sizeof w, MiB, 0) == 0);
  CHECK (nbd_pread (h, r, sizeof r, MiB, 0) == 0);
  CHECK (memcmp (w, r, sizeof r) == 0);
  memcpy (r, sh_of (b)->data + MiB, sizeof r);
  CHECK (memcmp (w, r, sizeof r) == 0);

  /* Many requests in flight on one connection. */
  for (i = 0; i < 16; ++i)
    CHECK ((cookies[i] = nbd_aio_pread (h, r, 4096, i * 65536,
                                        NBD_NULL_COMPLETION, 0)) > 0);
  for (i = 0; i < 16; ++i) {
    while (nbd_aio_command_completed (h, cookies[i]) == 0)
      CHECK (nbd_poll (h, -1) != -1);
  }

  CHECK (nbd_block_status (h, 4 * MiB, 0,
                           (nbd_extent_callback) { .callback = status_cb,
                                                   .user_data = st },
                           0) == 0);
  CHECK (st[0] == MiB && st[1] == 3);         /* hole up to 1 MiB */
  CHECK (st[2] == 65536 && st[3] == 0);       /* the data written */
  CHECK (nbd_zero (h, 65536, MiB, 0) == 0);
  memcpy (r, sh_of (b)->data + MiB, sizeof r);
  memset (w, 0, sizeof w);
  CHECK (memcmp (w, r, sizeof r) == 0);
}

static void
test_limits (struct nbd_handle *h, struct backend *b)
{
  static char buf[4096];
  unsigned calls = sh_of (b)->requests;

  CHECK (nbd_set_strict_mode (h, 0) == 0);
  CHECK (nbd_pwrite (h, buf, 100, 1, 0) == -1 && nbd_get_errno () == EINVAL);
  CHECK (nbd_pread (h, buf, 512, 1, 0) == -1 && nbd_get_errno () == EINVAL);
  CHECK (nbd_pread (h, buf, 4096, 8 * MiB, 0) == -1 &&
         nbd_get_errno () == EINVAL);
  CHECK (nbd_pwrite (h, buf, 4096, 8 * MiB, 0) == -1 &&
         nbd_get_errno () == ENOSPC);
  CHECK (nbd_zero (h, 512, 512, 0) == -1 && nbd_get_errno () == EINVAL);
  CHECK (sh_of (b)->requests == calls);       /* nothing reached it */
  CHECK (nbd_pread (h, buf, 4096, 0, 0) == 0);
}

/* A client of export name on a new socketpair served by s. */
static struct nbd_handle *
connect_to (struct server *s, const char *name, const char *psk,
            pthread_t *t, struct serve_arg *a)
{
  struct nbd_handle *h;
  int sv[2];

  CHECK (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
  *a = (struct serve_arg) { s, sv[0] };
  CHECK (pthread_create (t, NULL, serve, a) == 0);
  CHECK ((h = nbd_create ()) != NULL);
  CHECK (nbd_set_export_name (h, name) == 0);
  if (psk) {
    CHECK (nbd_set_tls (h, LIBNBD_TLS_REQUIRE) == 0);
    CHECK (nbd_set_tls_psk_file (h, psk) == 0);
    CHECK (nbd_set_tls_username (h, "alice") == 0);
  }
  if (nbd_connect_socket (h, sv[1]) == -1) {
    nbd_close (h);
    pthread_join (*t, NULL);
    return NULL;
  }
  return h;
}

static void
disconnect (struct nbd_handle *h, pthread_t t)
{
  CHECK (nbd_shutdown (h, 0) == 0);
  nbd_close (h);
  pthread_join (t, NULL);
}

/* Two exports; then TLS required: a 1 MiB write through TLS lands. */
static void
test_exports (struct server *s, struct backend *b2, const char *psk)
{
  static char w[MiB], r[MiB];
  struct nbd_handle *h;
  struct serve_arg a;
  pthread_t t;

  CHECK ((h = connect_to (s, "two", psk, &t, &a)) != NULL);
  CHECK (nbd_get_size (h) == MiB);
  CHECK (nbd_is_read_only (h) == 1);
  disconnect (h, t);
  CHECK (connect_to (s, "three", psk, &t, &a) == NULL);
  CHECK ((h = connect_to (s, "", psk, &t, &a)) != NULL);
  CHECK (nbd_get_size (h) == 8 * MiB);
  memset (w, 'y', sizeof w);
  CHECK (nbd_pwrite (h, w, sizeof w, 0, 0) == 0);
  CHECK (nbd_pread (h, r, sizeof r, 0, 0) == 0);
  CHECK (memcmp (w, r, sizeof r) == 0);
  disconnect (h, t);
}

static void
test_tls (struct backend *b, struct backend *b2)
{
  char psk[] = "/tmp/test-server-psk.XXXXXX";
  struct server_config cfg = { .threads = 2, .tls = SERVER_TLS_REQUIRE,
                               .tls_psk = psk };
  struct server_config two = { .export_name = "two", .read_only = true };
  struct nbd_handle *h;
  struct serve_arg a;
  struct server *s;
  pthread_t t;
  int fd;

  if (!server_tls_available ()) {
    CHECK (server_new (b, &cfg) == NULL);
    return;
  }
  CHECK ((fd = mkstemp (psk)) >= 0);
  CHECK (write (fd, "alice:0123456789abcdef0123456789abcdef\n", 39) == 39);
  close (fd);
  CHECK ((s = server_new (b, &cfg)) != NULL);
  CHECK (server_add_export (s, b2, &two) == 0);
  test_exports (s, b2, psk);
  /* A clear-text client is refused. */
  CHECK ((h = connect_to (s, "", NULL, &t, &a)) == NULL);
  server_free (s);
  unlink (psk);
}

int
main (void)
{
  struct backend *b = mem_open (8 * MiB, 512, 0, 0, 0);
  struct server_config cfg = { .threads = 2, .minimum = 4096 };
  struct server_config two = { .export_name = "two", .read_only = true };
  struct backend *b2;
  struct server *s;
  struct nbd_handle *h;
  struct serve_arg a;
  pthread_t t;
  int sv[2];

  signal (SIGPIPE, SIG_IGN);   /* as nbdferry does: peers hang up */
  CHECK (b != NULL);
  CHECK ((s = server_new (b, &cfg)) != NULL);
  CHECK (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
  a = (struct serve_arg) { s, sv[0] };
  CHECK (pthread_create (&t, NULL, serve, &a) == 0);

  CHECK ((h = nbd_create ()) != NULL);
  CHECK (nbd_add_meta_context (h, "base:allocation") == 0);
  CHECK (nbd_connect_socket (h, sv[1]) == 0);
  CHECK (nbd_get_size (h) == 8 * MiB);
  CHECK (nbd_get_block_size (h, LIBNBD_SIZE_MINIMUM) == 4096);
  CHECK (nbd_can_multi_conn (h) == 1);
  CHECK (nbd_can_meta_context (h, "base:allocation") == 1);

  test_data (h, b);
  test_limits (h, b);

  CHECK (nbd_shutdown (h, 0) == 0);
  nbd_close (h);
  pthread_join (t, NULL);

  b2 = mem_open (MiB, 512, 0, 0, 0);
  CHECK (b2 != NULL);
  CHECK (server_add_export (s, b2, &two) == 0);
  CHECK (server_add_export (s, b2, &two) == -1);    /* names are unique */
  test_exports (s, b2, NULL);
  server_free (s);
  test_tls (b, b2);
  backend_close (b2);
  backend_close (b);
  return 0;
}
