/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The backend_* dispatchers check what backend.h promises every hook:
 * each broken request (misaligned, over the maximum, past the end, empty,
 * a flag not valid for the op or not supported, through the sync or the
 * async door) aborts naming what it broke, before the backend sees it;
 * a good request goes through.  Each broken call runs in a child.
 */
#include <config.h>

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mem.h"
#include "unit.h"

#define SIZE (1024 * 1024)

static struct backend *b;       /* min 512, max data 64k; no FUA */
static char buf[256 * 1024];

static void
nop_done (struct completion *c, int err)
{
}

enum call { READ, WRITE, ZERO, TRIM, EXTENTS, CACHE, AIO_READ };

static int
call (enum call c, uint64_t count, uint64_t offset, uint32_t flags)
{
  struct completion done = { .done = nop_done };
  struct extent_list l;
  int r;

  switch (c) {
  case READ: return backend_pread (b, buf, count, offset, flags);
  case WRITE: return backend_pwrite (b, buf, count, offset, flags);
  case ZERO: return backend_zero (b, count, offset, flags);
  case TRIM: return backend_trim (b, count, offset, flags);
  case EXTENTS:
    extents_init (&l, offset, offset + count);
    r = backend_extents (b, count, offset, flags, &l);
    extents_free (&l);
    return r;
  case CACHE: return backend_cache (b, count, offset, flags);
  case AIO_READ:
    return backend_aio_pread (b, buf, count, offset, flags, &done);
  }
  return -1;
}

/* The call must abort with WHY on stderr, the backend untouched. */
static void
broken (int line, enum call c, uint64_t count, uint64_t offset,
        uint32_t flags, const char *why)
{
  unsigned before = sh_of (b)->requests;
  char out[4096] = "";
  int p[2], status;
  ssize_t n, got = 0;
  pid_t pid;

  if (pipe (p) == -1 || (pid = fork ()) == -1)
    abort ();
  if (pid == 0) {
    struct rlimit no_core = { 0, 0 };
    setrlimit (RLIMIT_CORE, &no_core);
    dup2 (p[1], 2);
    call (c, count, offset, flags);
    _exit (0);                  /* not caught */
  }
  close (p[1]);
  while ((n = read (p[0], out + got, sizeof out - 1 - got)) > 0)
    got += n;
  close (p[0]);
  waitpid (pid, &status, 0);
  if (!WIFSIGNALED (status) || WTERMSIG (status) != SIGABRT ||
      !strstr (out, "breaks the backend contract") || !strstr (out, why)) {
    fprintf (stderr, "line %d: not caught as '%s': status 0x%x, stderr: %s\n",
             line, why, status, out);
    unit_failures++;
  }
  CHECK_EQ (sh_of (b)->requests, before);
}
#define BROKEN(...) broken (__LINE__, __VA_ARGS__)

int
main (void)
{
  b = mem_open (SIZE, 512, 65536, 0, 'x');

  /* Good requests go through. */
  CHECK (call (READ, 65536, 0, 0) == 0);
  CHECK (call (WRITE, 512, SIZE - 512, 0) == 0);
  CHECK (call (ZERO, SIZE, 0, F_MAY_TRIM | F_FAST_ZERO) == 0);
  CHECK (call (EXTENTS, SIZE, 0, F_REQ_ONE) == 0);

  BROKEN (READ, 512, 100, 0, "not aligned to the minimum");
  BROKEN (WRITE, 1000, 0, 0, "not aligned to the minimum");
  BROKEN (READ, 131072, 0, 0, "longer than the maximum");
  BROKEN (WRITE, 1024, SIZE - 512, 0, "past the end");
  BROKEN (ZERO, 512, SIZE, 0, "past the end");
  BROKEN (CACHE, 0, 0, 0, "an empty request");
  BROKEN (READ, 512, 0, F_FUA, "a flag not valid for this request");
  BROKEN (EXTENTS, 512, 0, F_MAY_TRIM, "a flag not valid for this request");
  BROKEN (WRITE, 512, 0, F_FUA, "a flag the backend does not support");
  BROKEN (TRIM, 512, 0, F_FUA, "a flag the backend does not support");
  BROKEN (AIO_READ, 512, 3, 0, "not aligned to the minimum");

  backend_close (b);
  UNIT_EXIT ();
}
