/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* An error message belongs to the failure it describes (engine/error.h):
 * after one failure with a message of its own is recovered, a second,
 * different failure is reported with its own text, never the first one's.
 * Both in the server (two requests on one thread) and in the copy (a
 * recovered extents query, then a failing finish on the same thread).
 */
#include <config.h>

#include <errno.h>
#include <libnbd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "copy.h"
#include "mem.h"
#include "nbd/server/server.h"
#include "unit.h"

#define MiB (1024 * 1024)
#define FIRST "mem: the first failure, already handled"

static char logged[4][512];
static unsigned nlogged;

static void
log_line (void *opaque, const char *msg)
{
  if (nlogged < 4)
    snprintf (logged[nlogged++], sizeof logged[0], "%s", msg);
}

static void *
serve (void *arg)
{
  void **a = arg;

  server_serve_fd (a[0], *(int *) a[1]);
  return NULL;
}

/* A READ fails with a message; a WRITE then fails with errno only. */
static void
test_server (void)
{
  static char buf[4096];
  struct backend *b = mem_open (MiB, 512, 0, 0, 'd');
  struct server_config cfg = { .threads = 1, .log = log_line };
  struct server *s = server_new (b, &cfg);
  struct nbd_handle *h = nbd_create ();
  pthread_t t;
  int sv[2];
  void *args[2] = { s, &sv[0] };

  CHECK (s != NULL && h != NULL);
  CHECK (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
  CHECK (pthread_create (&t, NULL, serve, args) == 0);
  CHECK (nbd_connect_socket (h, sv[1]) == 0);

  sh_of (b)->fail[MEM_READ] = EIO;
  sh_of (b)->fail_msg[MEM_READ] = FIRST;
  CHECK (nbd_pread (h, buf, sizeof buf, 0, 0) == -1);
  sh_of (b)->fail[MEM_READ] = 0;
  sh_of (b)->fail[MEM_WRITE] = ENOSPC;
  CHECK (nbd_pwrite (h, buf, sizeof buf, 4096, 0) == -1);
  CHECK (nbd_shutdown (h, 0) == 0);
  nbd_close (h);
  pthread_join (t, NULL);

  CHECK_EQ (nlogged, 2);
  CHECK (strstr (logged[0], FIRST) != NULL);
  CHECK (strstr (logged[1], strerror (ENOSPC)) != NULL);
  CHECK (strstr (logged[1], FIRST) == NULL);
  if (nlogged == 2 && strstr (logged[1], FIRST))
    fprintf (stderr, "the write's failure was logged as: %s\n", logged[1]);
  server_free (s);
  backend_close (b);
}

/* The destination's extents fail (with a message) while the copy proves
 * whether it reads as zero, which the copy survives; its finish then
 * fails with errno only.
 */
static void
test_copy (void)
{
  struct backend *src = mem_open (MiB, 512, 0, 0, 'x');
  struct backend *dst = mem_open (MiB, 512, 0, 0, 'y');
  struct copy_opts opts = { .threads = 1, .requests = 4,
                            .queue_size = MiB, .sparse = 4096 };
  struct copy_stats st = { 0 };
  const char *msg;

  sh_of (dst)->fail[MEM_EXTENTS] = EIO;
  sh_of (dst)->fail_msg[MEM_EXTENTS] = FIRST;
  sh_of (dst)->fail[MEM_FINISH] = EROFS;
  clear_error ();
  CHECK (copy_run (src, dst, &opts, &st) == -1);
  msg = last_error (errno);
  CHECK (strstr (msg, "finish failed") != NULL);
  CHECK (strstr (msg, strerror (EROFS)) != NULL);
  CHECK (strstr (msg, FIRST) == NULL);
  if (strstr (msg, FIRST))
    fprintf (stderr, "the finish failure was reported as: %s\n", msg);
  backend_close (src);
  backend_close (dst);
}

int
main (void)
{
  test_server ();
  test_copy ();
  UNIT_EXIT ();
}
