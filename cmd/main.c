/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: copy a disk image (drop-in for nbdcopy SRC DST). */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "blkhash.h"
#include "cleanup.h"
#include "commands.h"
#include "copy.h"
#include "dirty.h"
#include "endpoints.h"
#include "error.h"
#include "filters/rate.h"
#include "filters/retry.h"
#include "options.h"
#include "progress.h"
#include "resilience.h"
#include "serve.h"

/* An NBD side with --retries gets the retry filter over it. */
static struct backend *
with_retries (const struct cmdline *cl, struct backend *b,
              struct retry_stats *stats)
{
  struct retry_opts o = {
    .retries = cl->retries, .delay = cl->retry_delay, .stats = stats,
  };
  struct backend *r;

  if (b == NULL || cl->retries == 0 || !backend_can_reconnect (b))
    return b;
  if ((r = retry_filter_open (b, &o)) == NULL) {
    fprintf (stderr, "nbdferry: %s\n", last_error (errno));
    backend_close (b);
  }
  return r;
}

static struct backend *
open_side (const struct cmdline *cl, bool sink, int64_t src_size,
           struct retry_stats *stats)
{
  struct endpoint_opts o = {
    .writable = sink,
    .allocated = cl->copy.allocated,
    .direct = cl->direct,
    .no_extents = !sink && cl->copy.no_extents,
    .verbose = cl->copy.verbose,
    .src_size = src_size,
    .create_size = -1,
    .dirty_bitmap = sink ? NULL : cl->dirty_bitmap,
    .patch = sink && (cl->dirty_bitmap || cl->copy.resuming),
    .connections = cl->connections,
    .requests = cl->copy.requests,
    .command = sink ? cl->dst_cmd : cl->src_cmd,
    .connect_timeout = cl->connect_timeout,
    .request_timeout = cl->request_timeout,
  };
  struct backend *b = open_retrying (cl, sink ? cl->dst : cl->src, &o,
                                     stats), *f;

  b = with_retries (cl, b, stats);
  /* --rate: what is read from the source goes through one token bucket. */
  if (b && !sink && cl->rate) {
    if ((f = rate_filter_open (b, cl->rate)) == NULL) {
      fprintf (stderr, "nbdferry: %s\n", last_error (errno));
      backend_close (b);
    }
    b = f;
  }
  return b;
}

static const char *
shown (const char *arg, bool sink)
{
  if (arg == NULL)
    return "[ command ]";
  if (strcmp (arg, "-") == 0)
    return sink ? "standard output" : "standard input";
  return arg;
}

/* Writing the destination would destroy the source: refuse.  Standard
 * input and output count, and so does a device over the other side's file
 * (file/alias.h).
 */
static int
check_same_file (const struct cmdline *cl)
{
  struct alias_set s, d;

  endpoint_alias (cl->src, false, &s);
  endpoint_alias (cl->dst, true, &d);
  if (alias_same_data (&s, &d)) {
    fprintf (stderr, "nbdferry: %s and %s are the same file (or one is "
             "a device over the other)\n",
             shown (cl->src, false), shown (cl->dst, true));
    return -1;
  }
  return 0;
}

/* --progress=FD: a descriptor that is not open for writing fails now, not
 * silently at the first line.
 */
static int
check_progress_fd (int fd)
{
  int fl;

  if (fd < 0)
    return 0;
  fl = fcntl (fd, F_GETFL);
  if (fl == -1 || (fl & O_ACCMODE) == O_RDONLY) {
    fprintf (stderr, "nbdferry: --progress=%d: file descriptor %d is not "
             "open for writing\n", fd, fd);
    return -1;
  }
  return 0;
}

static void
describe (const char *side, const struct backend *b)
{
  fprintf (stderr, "nbdferry: %s %s: size %" PRIi64 ", block size "
           "min %" PRIu64 " preferred %" PRIu64 " max data %" PRIu64
           " max zero %" PRIu64 " max trim %" PRIu64 "%s%s%s%s%s\n",
           side, b->name, b->size, b->bs[BS_MINIMUM], b->bs[BS_PREFERRED],
           b->bs[BS_MAX_DATA], b->bs[BS_MAX_ZERO], b->bs[BS_MAX_TRIM],
           b->init & INIT_ZERO ? ", init-zero" : "",
           b->init & INIT_SPARSE ? ", init-sparse" : "",
           b->can_extents ? ", extents" : "",
           b->can_fast_zero ? ", fast-zero" : "",
           b->can_multi_conn ? ", multi-conn" : "");
}

/* What it took to get there, when it took anything. */
static void
resilience_summary (const struct copy_stats *st)
{
  uint64_t retries = st->retry.retries, reconnects = st->retry.reconnects;
  char x[32], a[32], f[32];

  if (retries == 0 && reconnects == 0 && st->extents_failed == 0 &&
      st->redone == 0 && st->resumed == 0)
    return;
  human_size (x, sizeof x, st->extents_failed);
  human_size (a, sizeof a, st->redone);
  human_size (f, sizeof f, st->resumed);
  fprintf (stderr, "nbdferry: %" PRIu64 " retr%s, %" PRIu64 " reconnect%s, "
           "%s read as data because extents failed, %s written again after "
           "a reconnect, %s finished by an earlier run\n",
           retries, retries == 1 ? "y" : "ies",
           reconnects, reconnects == 1 ? "" : "s", x, a, f);
}

static void
summary (const struct cmdline *cl, const struct copy_stats *st, double secs)
{
  char r[32], w[32], z[32], s[32], t[32];

  human_size (r, sizeof r, st->read);
  human_size (w, sizeof w, st->written);
  human_size (z, sizeof z, st->zeroed);
  human_size (s, sizeof s, st->skipped);
  human_size (t, sizeof t, secs > 0 ? st->done / secs : 0);
  if (cl->dirty_bitmap) {
    char d[32], a[32];

    human_size (d, sizeof d, st->dirty);
    human_size (a, sizeof a, st->total);
    fprintf (stderr, "nbdferry: delta copy (bitmap %s): %s of %s dirty; "
             "in bytes: dirty %" PRIu64 ", read %" PRIu64 ", wrote %" PRIu64
             ", zeroed %" PRIu64 "\n", cl->dirty_bitmap, d, a, st->dirty,
             (uint64_t) st->read, (uint64_t) st->written,
             (uint64_t) st->zeroed);
  }
  fprintf (stderr, "nbdferry: read %s, wrote %s, zeroed %s, skipped %s "
           "already zero; %.2f s, %s/s\n", r, w, z, s, secs, t);
  resilience_summary (st);
}

static void
show_plan (const struct copy_stats *st)
{
  const struct plan *p = &st->plan;

  fprintf (stderr, "nbdferry: plan: %u worker%s, alignment %" PRIu64
           ", data requests %" PRIu64 ", zero requests %" PRIu64
           ", zero detection %" PRIu64 "; destination %s\n",
           st->workers, st->workers == 1 ? "" : "s", p->align, p->data,
           p->zero, p->sparse,
           st->zero_reason ? "reads as zero" : "may hold data");
  fprintf (stderr, "nbdferry: requests in flight per worker: %u, up to %u"
           " (deepest reached: %u)\n", st->depth_start, st->depth_max,
           atomic_load (&st->depth_reached));
  if (st->zero_reason)
    fprintf (stderr, "nbdferry: destination known zero from: %s\n",
             st->zero_reason);
  if (p->note[0])
    fprintf (stderr, "nbdferry: %s\n", p->note);
  if (st->tail)
    fprintf (stderr, "nbdferry: the last %" PRIu64 " bytes are not whole "
             "destination blocks: read-modify-write\n", st->tail);
}

/* --blkhash: one line of hex, on stdout or in --blkhash-file (as nbdcopy). */
static int
print_blkhash (const struct cmdline *cl, uint64_t size)
{
  char hex[BLKHASH_HEX_MAX];
  FILE *fp = stdout;

  if (blkhash_finish (cl->copy.blkhash, size, hex) == -1) {
    fprintf (stderr, "nbdferry: %s\n", last_error (errno));
    return -1;
  }
  if (cl->blkhash_file && (fp = fopen (cl->blkhash_file, "w")) == NULL) {
    fprintf (stderr, "nbdferry: --blkhash-file: %s: %m\n", cl->blkhash_file);
    return -1;
  }
  fprintf (fp, "%s\n", hex);
  if ((fp == stdout ? fflush (fp) : fclose (fp)) == EOF) {
    fprintf (stderr, "nbdferry: writing the blkhash: %m\n");
    return -1;
  }
  return 0;
}

/* --salvage: the ranges written as zeroes because they could not be read,
 * as JSON progress lines (before the final one) ...
 */
static void
unreadable_progress (const struct cmdline *cl, struct copy_stats *st)
{
  size_t i;

  bad_ranges_sort (&st->unreadable);
  for (i = 0; i < st->unreadable.len; ++i)
    progress_unreadable (cl->copy.progress, st->unreadable.v[i].offset,
                         st->unreadable.v[i].length);
}

/* ... and at the end on stderr: the copy is incomplete, exit status 2. */
static int
unreadable_report (struct copy_stats *st)
{
  const struct bad_ranges *l = &st->unreadable;
  size_t i;
  int r = l->bytes ? 2 : 0;

  if (r)
    fprintf (stderr, "nbdferry: --salvage: %" PRIu64 " bytes of the source "
             "could not be read and were written as zeroes\n", l->bytes);
  for (i = 0; i < l->len; ++i)
    fprintf (stderr, "nbdferry: unreadable: offset %" PRIu64 ", %" PRIu64
             " bytes\n", l->v[i].offset, l->v[i].length);
  if (l->truncated)
    fprintf (stderr, "nbdferry: unreadable: more ranges, not listed\n");
  bad_ranges_free (&st->unreadable);
  return r;
}

static int
copy_main (struct cmdline *cl)
{
  CLEANUP_BACKEND struct backend *src = NULL;
  CLEANUP_BACKEND struct backend *dst = NULL;
  struct copy_stats st = { 0 };
  bool verbose = cl->copy.verbose || cl->bar;
  double t0 = monotonic_seconds ();
  int r;

  if (check_progress_fd (cl->progress_fd) == -1 ||
      (src = open_side (cl, false, -1, &st.retry)) == NULL ||
      check_same_file (cl) == -1 ||
      (cl->resume && resume_begin (cl, src) == -1) ||
      (dst = open_side (cl, true, src->is_stream ? -1 : src->size,
                        &st.retry)) == NULL ||
      (cl->resume && resume_started (cl, dst) == -1))
    return resume_end (cl, 1, 0, 0);
  cl->copy.interrupted = &stop_signal;
  catch_stop_signals ();
  if (cl->copy.verbose) {
    describe ("source", src);
    describe ("destination", dst);
  }
  clear_error ();
  /* A delta copy's total is what the bitmap marks, counted before. */
  if (cl->copy.dirty && dirty_total (src, dst, &st.dirty) == -1) {
    fprintf (stderr, "nbdferry: %s\n", last_error (errno));
    return 1;
  }
  if (cl->bar || cl->progress_fd >= 0)
    cl->copy.progress = progress_start (cl->bar ? 2 : -1, cl->progress_fd,
                                        cl->progress_format,
                                        cl->copy.dirty ? st.dirty
                                        : src->is_stream ? 0
                                        : (uint64_t) src->size);
  progress_set_counters (cl->copy.progress, &(struct progress_counters) {
      .retries = &st.retry.retries, .reconnects = &st.retry.reconnects,
      .extents_failed = &st.extents_failed,
    });
  r = copy_run (src, dst, &cl->copy, &st);
  if (r == 0)
    unreadable_progress (cl, &st);
  progress_finish (cl->copy.progress, &(struct progress_summary) {
      .done = st.done, .read = st.read, .written = st.written,
      .zeroed = st.zeroed, .skipped = st.skipped,
      .retries = st.retry.retries, .reconnects = st.retry.reconnects,
      .extents_failed = st.extents_failed }, r == 0);
  if (cl->copy.verbose)
    show_plan (&st);
  if (r == -1 && !stop_signal)
    fprintf (stderr, "nbdferry: %s\n", last_error (errno));
  if (r == -1 && stop_signal && verbose)
    summary (cl, &st, monotonic_seconds () - t0);
  r = resume_end (cl, r, st.done, st.total);
  if (r != 0) {
    bad_ranges_free (&st.unreadable);
    return r;
  }
  if (verbose)
    summary (cl, &st, monotonic_seconds () - t0);
  if (cl->copy.blkhash && print_blkhash (cl, st.total) == -1) {
    bad_ranges_free (&st.unreadable);
    return 1;
  }
  return unreadable_report (&st);
}

int
main (int argc, char *argv[])
{
  const struct opt_command *c;
  struct cmdline cl;
  int r;

  /* A closed pipe is an error we report, not a signal that kills us. */
  signal (SIGPIPE, SIG_IGN);
  for (c = commands; argc > 1 && c->name; ++c)
    if (strcmp (argv[1], c->name) == 0)
      return c->main (argc - 1, argv + 1);
  r = parse_cmdline (argc, argv, &cl);
  if (r == 0)
    r = copy_main (&cl);
  else
    r = r == 1 ? 0 : 1;
  free ((char *) cl.src);
  free ((char *) cl.dst);
  free (cl.src_cmd);
  free (cl.dst_cmd);
  free (cl.dirty_bitmap);
  free (cl.blkhash_spec);
  free (cl.blkhash_file);
  blkhash_free (cl.copy.blkhash);
  free (cl.resume);
  return r;
}
