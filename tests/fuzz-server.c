/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target: the NBD server's option and request parsers.
 *
 * Each input is what one client sends: it is written into one end of a
 * socketpair (then the write side is shut), while the server serves the
 * other end against a small in-memory export and a thread throws away the
 * replies.  Every path through the handshake and transmission code is
 * reachable this way, including extended headers and hostile lengths.
 *
 * Built only with ./configure --enable-fuzzing CC=clang.  make check runs
 * it for a few seconds (tests/test-fuzz-server.sh).  A longer run:
 *
 *   mkdir -p /tmp/corpus && tests/test-fuzz-server.sh --seeds /tmp/corpus
 *   tests/fuzz-server -max_total_time=3600 -jobs=2 -timeout=10 /tmp/corpus
 *
 * A crash leaves crash-* in the current directory; replay it with
 * tests/fuzz-server crash-FILE.
 */
#include <config.h>

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mem.h"
#include "nbd/server/server.h"

struct feed {
  int fd;
  const uint8_t *data;
  size_t size;
};

static void *
feeder (void *arg)
{
  struct feed *f = arg;
  size_t done = 0;

  while (done < f->size) {
    ssize_t r = send (f->fd, f->data + done, f->size - done, MSG_NOSIGNAL);
    if (r <= 0)
      break;
    done += r;
  }
  shutdown (f->fd, SHUT_WR);
  return NULL;
}

static void *
drain (void *arg)
{
  int fd = *(int *) arg;
  char buf[65536];

  while (read (fd, buf, sizeof buf) > 0)
    ;
  return NULL;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static struct backend *b;
  static struct server *s;
  struct feed f;
  pthread_t ft, dt;
  int sv[2];

  if (b == NULL) {
    struct server_config cfg = { .threads = 2, .handshake_timeout = 2,
                                 .description = "fuzz" };
    b = mem_open (1 << 20, 512, 0, 0, 0);
    s = server_new (b, &cfg);
    if (s == NULL)
      abort ();
  }
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1)
    abort ();
  f = (struct feed) { .fd = sv[1], .data = data, .size = size };
  if (pthread_create (&ft, NULL, feeder, &f) != 0 ||
      pthread_create (&dt, NULL, drain, &sv[1]) != 0)
    abort ();
  server_serve_fd (s, sv[0]);   /* closes sv[0]: drain sees the end */
  pthread_join (ft, NULL);
  pthread_join (dt, NULL);
  close (sv[1]);
  return 0;
}
