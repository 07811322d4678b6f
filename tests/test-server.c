/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit test of the NBD server (engine/nbd/server*) over a socketpair, with
 * libnbd as the client and an in-memory backend: data round trip, many
 * requests in flight, block status, and requests breaking the limits
 * refused before the backend is called.
 */
#include <config.h>

#include <errno.h>
#include <libnbd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

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

int
main (void)
{
  struct backend *b = mem_open (8 * MiB, 512, 0, 0, 0);
  struct server_config cfg = { .threads = 2, .minimum = 4096 };
  struct server *s;
  struct nbd_handle *h;
  struct serve_arg a;
  pthread_t t;
  int sv[2];

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
  server_free (s);
  backend_close (b);
  return 0;
}
