/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target: the NBD server's option and request parsers.
 *
 * Each input is a byte choosing the server (clear text, TLS offered, TLS
 * required), then what one client sends: it is written into one end of a
 * socketpair (then the write side is shut), while the server serves the
 * other end and a thread throws away the replies.  Every server has an
 * in-memory default export and named ones: read-only, a file, and
 * read-modify-write.  Every path through the handshake (the TLS policy's
 * included; a STARTTLS goes on to a TLS handshake with whatever follows)
 * and transmission code is reachable this way, including extended headers
 * and hostile lengths.
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

#include "file/file.h"
#include "filters/rmw.h"
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

/* The exports every server has: the default in memory, and named ones
 * read-only, on a file, and through read-modify-write (minimum 512 over a
 * 4096-byte backend).
 */
static void
add_exports (struct server *s, struct backend *mem)
{
  static struct backend *file, *rmw;
  struct server_config ro = { .export_name = "ro", .read_only = true };
  struct server_config fc = { .export_name = "file" };
  struct server_config rc = { .export_name = "rmw", .minimum = 512 };

  if (file == NULL) {
    char path[] = "/tmp/fuzz-server.XXXXXX";
    struct file_params p = { .size = -1 };
    int fd = mkstemp (path);
    if (fd == -1 || ftruncate (fd, 1 << 20) == -1)
      abort ();
    unlink (path);
    file = file_backend_open (fd, "file", &p);
    rmw = rmw_filter_open (mem_open (1 << 20, 4096, 0, 0, 0));
    if (file == NULL || rmw == NULL)
      abort ();
  }
  if (server_add_export (s, mem, &ro) == -1 ||
      server_add_export (s, file, &fc) == -1 ||
      server_add_export (s, rmw, &rc) == -1)
    abort ();
}

/* The first byte picks the server: 0 clear text, 1 TLS offered, 2 TLS
 * required (PSK; enum server_tls), so the option phase is fuzzed under each
 * policy; without GnuTLS, always clear text.
 */
static struct server *
pick_server (uint8_t which)
{
  static struct server *servers[3];
  static char psk[] = "/tmp/fuzz-server-psk.XXXXXX";
  unsigned i = server_tls_available () ? which % 3 : 0;

  if (servers[i] == NULL) {
    struct backend *b = mem_open (1 << 20, 512, 0, 0, 0);
    struct server_config cfg = { .threads = 2, .handshake_timeout = 2,
                                 .description = "fuzz", .tls = i,
                                 .tls_psk = psk };
    if (i > 0 && psk[sizeof psk - 2] == 'X') {
      int fd = mkstemp (psk);
      if (fd == -1 ||
          write (fd, "fuzz:00112233445566778899aabbccddeeff\n", 38) != 38)
        abort ();
      close (fd);
    }
    servers[i] = server_new (b, &cfg);
    if (servers[i] == NULL)
      abort ();
    add_exports (servers[i], b);
  }
  return servers[i];
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct server *s;
  struct feed f;
  pthread_t ft, dt;
  int sv[2];

  if (size == 0)
    return 0;
  s = pick_server (data[0]);
  data++, size--;
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
