/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: progress reporting (see progress.h). */
#include <config.h>

#include <inttypes.h>
#include <pthread.h>
#include <stddef.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "fdio.h"
#include "progress.h"

#define TICK_NS (200 * 1000 * 1000)     /* redraw five times a second */
#define PLAIN_EVERY 25                  /* non-tty: a line every 5 s */

struct progress {
  int bar_fd, machine_fd;
  enum progress_format format;
  bool tty;
  uint64_t total;
  _Atomic uint64_t done;
  struct timespec start;
  pthread_t tid;
  pthread_mutex_t lock;
  pthread_cond_t cond;
  bool stopping, running;
  struct progress_counters counters;
  int last_percent;             /* last N/100 written */
  unsigned ticks;
};

static double
elapsed (const struct progress *p)
{
  struct timespec now;

  clock_gettime (CLOCK_MONOTONIC, &now);
  return (now.tv_sec - p->start.tv_sec) + (now.tv_nsec - p->start.tv_nsec) / 1e9;
}

void
human_size (char *buf, size_t len, double bytes)
{
  static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
  unsigned u = 0;

  while (bytes >= 1024 && u < 5) {
    bytes /= 1024;
    u++;
  }
  snprintf (buf, len, u ? "%.1f %s" : "%.0f %s", bytes, units[u]);
}

static int
percent_of (const struct progress *p, uint64_t done)
{
  if (p->total == 0)
    return 0;
  return done >= p->total ? 100 : (int) (done * 100 / p->total);
}


static void
draw_bar (struct progress *p, uint64_t done, bool final)
{
  char line[256], d[32], t[32], rate[32], eta[32] = "";
  double secs = elapsed (p), bps = secs > 0 ? done / secs : 0;
  int pc = percent_of (p, done), width = 30, fill = pc * width / 100, n;

  human_size (d, sizeof d, done);
  human_size (t, sizeof t, p->total);
  human_size (rate, sizeof rate, bps);
  if (!final && bps > 0 && p->total > done) {
    unsigned s = (p->total - done) / bps;
    snprintf (eta, sizeof eta, " ETA %u:%02u:%02u", s / 3600, s / 60 % 60,
              s % 60);
  }
  if (p->total == 0)             /* a stream: its size comes at the end */
    n = snprintf (line, sizeof line, p->tty ? "\r%s copied %s/s\033[K"
                  : "nbdferry: %s copied %s/s\n", d, rate);
  else if (p->tty)
    n = snprintf (line, sizeof line, "\r[%.*s%*s] %3d%% %s / %s %s/s%s\033[K%s",
                  fill, "##############################", width - fill, "",
                  pc, d, t, rate, eta, final ? "\n" : "");
  else
    n = snprintf (line, sizeof line, "nbdferry: %3d%% %s / %s %s/s%s\n",
                  pc, d, t, rate, eta);
  /* Progress is best effort: a failed write is not an error. */
  (void) fd_write_full (p->bar_fd, line,
                        n < (int) sizeof line ? (size_t) n : sizeof line - 1);
}

/* The summary's counters, in the order of the last JSON line. */
static const struct {
  const char *name;
  size_t offset;
} summary_counters[] = {
  { "read", offsetof (struct progress_summary, read) },
  { "written", offsetof (struct progress_summary, written) },
  { "zeroed", offsetof (struct progress_summary, zeroed) },
  { "skipped", offsetof (struct progress_summary, skipped) },
  { "retries", offsetof (struct progress_summary, retries) },
  { "reconnects", offsetof (struct progress_summary, reconnects) },
  { "extents_failed_bytes",
    offsetof (struct progress_summary, extents_failed) },
};

/* The last JSON line: the progress keys every line has, with phase "done"
 * or "failed", then each counter of the summary.
 */
static void
emit_summary (struct progress *p, const struct progress_summary *sum,
              bool ok)
{
  char line[1024];
  double secs = elapsed (p);
  size_t i;
  int n;

  n = snprintf (line, sizeof line,
                "{\"bytes\":%" PRIu64 ",\"size\":%" PRIu64
                ",\"percent\":%d,\"elapsed\":%.3f,\"rate\":%.0f"
                ",\"phase\":\"%s\"",
                sum->done, p->total, ok ? 100 : percent_of (p, sum->done),
                secs, secs > 0 ? sum->done / secs : 0.0,
                ok ? "done" : "failed");
  for (i = 0; i < sizeof summary_counters / sizeof summary_counters[0]; ++i)
    if (n > 0 && (size_t) n < sizeof line)
      n += snprintf (line + n, sizeof line - n, ",\"%s\":%" PRIu64,
                     summary_counters[i].name,
                     *(const uint64_t *) ((const char *) sum +
                                          summary_counters[i].offset));
  if (n > 0 && (size_t) n < sizeof line - 2) {
    memcpy (line + n, "}\n", 2);
    (void) fd_write_full (p->machine_fd, line, n + 2);
  }
}

static uint64_t
counter (const _Atomic uint64_t *c)
{
  return c ? atomic_load (c) : 0;
}

void
progress_set_counters (struct progress *p, const struct progress_counters *c)
{
  if (p == NULL)
    return;
  pthread_mutex_lock (&p->lock);       /* the drawing thread reads them */
  p->counters = *c;
  pthread_mutex_unlock (&p->lock);
}

static void
emit_machine (struct progress *p, uint64_t done, bool final)
{
  char line[256];
  int n, pc = final ? 100 : percent_of (p, done);

  if (p->format == PROGRESS_PERCENT) {
    /* virt-v2v parses these: monotonic, one line per change. */
    if (pc <= p->last_percent)
      return;
    if (pc == 100 && !final)
      pc = 99;                  /* 100/100 only once the copy has ended */
    if (pc <= p->last_percent)
      return;
    p->last_percent = pc;
    n = snprintf (line, sizeof line, "%d/100\n", pc);
  }
  else {
    double secs = elapsed (p);
    n = snprintf (line, sizeof line,
                  "{\"bytes\":%" PRIu64 ",\"size\":%" PRIu64
                  ",\"percent\":%d,\"elapsed\":%.3f,\"rate\":%.0f"
                  ",\"phase\":\"%s\",\"retries\":%" PRIu64
                  ",\"reconnects\":%" PRIu64
                  ",\"extents_failed_bytes\":%" PRIu64 "}\n",
                  done, p->total, pc, secs, secs > 0 ? done / secs : 0.0,
                  final ? "done" : "copying", counter (p->counters.retries),
                  counter (p->counters.reconnects),
                  counter (p->counters.extents_failed));
  }
  (void) fd_write_full (p->machine_fd, line, n);
}

void
progress_unreadable (struct progress *p, uint64_t offset, uint64_t length)
{
  char line[128];
  int n;

  if (p == NULL || p->machine_fd < 0 || p->format != PROGRESS_JSON)
    return;
  n = snprintf (line, sizeof line, "{\"unreadable\":{\"offset\":%" PRIu64
                ",\"length\":%" PRIu64 "}}\n", offset, length);
  (void) fd_write_full (p->machine_fd, line, n);
}

static void
tick (struct progress *p, bool final)
{
  uint64_t done = atomic_load (&p->done);

  if (p->bar_fd >= 0 && (p->tty || final || p->ticks % PLAIN_EVERY == 0))
    draw_bar (p, done, final);
  if (p->machine_fd >= 0 && !(final && p->format == PROGRESS_JSON))
    emit_machine (p, done, final);
  p->ticks++;
}

static void *
run (void *arg)
{
  struct progress *p = arg;
  LOCK_IN_SCOPE (&p->lock);
  struct timespec when;

  clock_gettime (CLOCK_REALTIME, &when);
  while (!p->stopping) {
    when.tv_nsec += TICK_NS;
    if (when.tv_nsec >= 1000000000) {
      when.tv_sec++;
      when.tv_nsec -= 1000000000;
    }
    pthread_cond_timedwait (&p->cond, &p->lock, &when);
    if (!p->stopping)
      tick (p, false);
  }
  return NULL;
}

struct progress *
progress_start (int bar_fd, int machine_fd, enum progress_format format,
                uint64_t total)
{
  struct progress *p = calloc (1, sizeof *p);

  if (p == NULL)
    return NULL;
  p->bar_fd = bar_fd;
  p->machine_fd = machine_fd;
  p->format = format;
  p->tty = bar_fd >= 0 && isatty (bar_fd);
  p->total = total;
  p->last_percent = -1;
  pthread_mutex_init (&p->lock, NULL);
  pthread_cond_init (&p->cond, NULL);
  clock_gettime (CLOCK_MONOTONIC, &p->start);
  if (machine_fd >= 0)
    emit_machine (p, 0, false);         /* 0/100 at once */
  p->running = pthread_create (&p->tid, NULL, run, p) == 0;
  return p;
}

void
progress_update (struct progress *p, uint64_t done)
{
  atomic_store (&p->done, done);
}

void
progress_finish (struct progress *p, const struct progress_summary *sum,
                 bool ok)
{
  uint64_t done = sum->done;

  if (p == NULL)
    return;
  pthread_mutex_lock (&p->lock);
  p->stopping = true;
  pthread_cond_signal (&p->cond);
  pthread_mutex_unlock (&p->lock);
  if (p->running)
    pthread_join (p->tid, NULL);
  atomic_store (&p->done, done);
  if (ok) {
    if (p->total == 0)
      p->total = done;                  /* a stream: now we know */
    tick (p, true);
  }
  else if (p->tty && p->bar_fd >= 0)
    (void) fd_write_full (p->bar_fd, "\n", 1);
  if (p->machine_fd >= 0 && p->format == PROGRESS_JSON)
    emit_summary (p, sum, ok);
  pthread_mutex_destroy (&p->lock);
  pthread_cond_destroy (&p->cond);
  free (p);
}
