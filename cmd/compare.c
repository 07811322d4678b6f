/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry compare A B: the command line and the report (qemu-img
 * compare's messages and exit status; the engine is engine/compare.c).
 */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "compare.h"
#include "compare-cmd.h"
#include "endpoints.h"
#include "error.h"
#include "optparse.h"
#include "progress.h"

/* The table's targets (cmd/ may hold global state). */
static struct {
  bool strict, quiet, no_extents, no_map;
  unsigned threads, connections;
  int verbose;
} args;

static struct opt options[] = {
  { "strict", 's', .flag = &args.strict,
    .help = "Images of different sizes differ (exit 1), as qemu-img "
    "compare -s" },
  { "quiet", 'q', .flag = &args.quiet,
    .help = "Print nothing on stdout: the exit status says it all" },
  { "threads", 'T', "N", .count = &args.threads, .max = 1024,
    .help = "Use N worker threads (default: one per CPU for local images, "
    "one per connection when a side is NBD)" },
  { "connections", 'C', "N", .count = &args.connections, .max = 1024,
    .help = "Open N connections to each NBD server that allows multi-conn "
    "(default 4)" },
  { "no-extents", 0, .flag = &args.no_extents,
    .help = "Do not ask for extents: read and compare every byte" },
  { "no-map", 0, .flag = &args.no_map,
    .help = "Read local files with pread instead of mapping their page "
    "cache (slower; for files that may shrink during the compare)" },
  { "verbose", 'v', .incr = &args.verbose,
    .help = "Print what was read and skipped, and the time, on stderr" },
  { NULL }
};

static const struct opt_program program = {
  .name = "nbdferry compare",
  .usage = "A B\n"
  "  A, B: FILE | DEVICE | NBD-URI | [ CMD ARGS ] | zstd:FILE | pattern:SIZE\n"
  "  | zero:SIZE | random:SIZE | sparse-random:SIZE | - (a pipe: one pass)",
  .words_needed = "two images A and B",
  .nwords = 2,
  .options = options,
  .manual = "nbdferry-compare",
};

static struct backend *
open_image (const struct opt_word *w)
{
  struct endpoint_opts o = {
    .no_extents = args.no_extents,
    .verbose = args.verbose,
    .src_size = -1,
    .create_size = -1,
    .connections = args.connections,
    .requests = 64,
    .command = w->command,
  };

  return endpoint_open (w->word, &o);
}

/* qemu-img compare's lines, on stdout unless --quiet. */
static void say (const char *fs, ...)
  __attribute__ ((format (printf, 1, 2)));
static void
say (const char *fs, ...)
{
  va_list ap;

  if (args.quiet)
    return;
  va_start (ap, fs);
  vprintf (fs, ap);
  va_end (ap);
  fflush (stdout);
}

static void
summary (const struct compare_stats *st, double secs)
{
  char r[32], s[32];

  human_size (r, sizeof r, st->read);
  human_size (s, sizeof s, st->skipped);
  fprintf (stderr, "nbdferry compare: %u worker%s; read %s, skipped %s zero "
           "on both sides; %.2f s\n", st->workers,
           st->workers == 1 ? "" : "s", r, s, secs);
}

/* A mapped file that shrinks under a worker raises SIGBUS where the
 * compare reads past its new end (cached views are faulted in by the
 * compare's own reads), as does a cached page evicted meanwhile and then
 * unreadable: an error, exit 2, not a crash.
 */
static void
on_sigbus (int sig)
{
  static const char msg[] = "nbdferry compare: an image shrank or could "
    "not be read while it was mapped (SIGBUS); --no-map reads with pread "
    "instead\n";

  ssize_t r = write (STDERR_FILENO, msg, sizeof msg - 1);

  (void) r;
  _exit (2);
}

/* qemu-img compare: different sizes differ only in strict mode; else the
 * longer image's excess must read as zero.  1: they differ; 0: go on.
 */
static int
sizes_differ (int64_t a, int64_t b)
{
  if (a == b)
    return 0;
  if (args.strict) {
    say ("Strict mode: Image size mismatch!\n");
    return 1;
  }
  say ("Warning: Image size mismatch!\n");
  return 0;
}

static int
compare_images (struct backend *a, struct backend *b)
{
  struct compare_opts o = {
    .threads = args.threads, .connections = args.connections,
    .no_extents = args.no_extents, .no_map = args.no_map,
  };
  struct compare_stats st = { 0 };
  double t0 = monotonic_seconds ();
  bool stream = a->is_stream || b->is_stream;
  uint64_t first;
  int r;

  /* A stream's size is known at its end: the rule is applied then. */
  if (!stream && sizes_differ (a->size, b->size))
    return 1;
  o.to_end = stream && args.strict;
  if (!args.no_map)
    signal (SIGBUS, on_sigbus);
  clear_error ();
  r = compare_run (a, b, &o, &st, &first);
  if (args.verbose)
    summary (&st, monotonic_seconds () - t0);
  if (r == -1) {
    fprintf (stderr, "nbdferry compare: %s\n", last_error (errno));
    return 2;
  }
  if (stream && st.size[0] >= 0 && st.size[1] >= 0 &&
      sizes_differ (st.size[0], st.size[1]))
    return 1;
  if (r == 1)
    say ("Content mismatch at offset %" PRIu64 "!\n", first);
  else
    say ("Images are identical.\n");
  return r;
}

/* Both images the same pipe (`-` twice, or `-` and /dev/stdin): each
 * side would get every other piece of it.
 */
static bool
same_pipe (const struct opt_word w[2])
{
  struct stat st[2];
  int i;

  for (i = 0; i < 2; ++i) {
    const char *p = w[i].word;
    if (p == NULL ||
        (strcmp (p, "-") == 0 ? fstat (STDIN_FILENO, &st[i])
         : stat (p, &st[i])) == -1 ||
        !S_ISFIFO (st[i].st_mode))
      return false;
  }
  return st[0].st_dev == st[1].st_dev && st[0].st_ino == st[1].st_ino;
}

int
compare_main (int argc, char *argv[])
{
  struct opt_word words[2] = { { NULL } };
  CLEANUP_BACKEND struct backend *a = NULL;
  CLEANUP_BACKEND struct backend *b = NULL;
  int r;

  args.connections = 4;
  r = opt_parse (&program, argc, argv, words);
  if (r == 0 && same_pipe (words)) {
    fprintf (stderr, "nbdferry compare: %s and %s are the same pipe: it "
             "can be read only once\n", words[0].word, words[1].word);
    r = 2;
  }
  else if (r == 0) {
    if ((a = open_image (&words[0])) == NULL ||
        (b = open_image (&words[1])) == NULL)
      r = 2;
    else
      r = compare_images (a, b);
  }
  else
    r = r == 1 ? 0 : 2;
  opt_free (&program, words);
  return r;
}
