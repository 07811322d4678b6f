/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: --resume and clean stops (see resilience.h). */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "copy.h"
#include "endpoints.h"
#include "error.h"
#include "progress.h"
#include "resilience.h"

volatile sig_atomic_t stop_signal;

static void
on_stop_signal (int sig)
{
  stop_signal = sig;
}

void
catch_stop_signals (void)
{
  struct sigaction sa = {
    .sa_handler = on_stop_signal,
    /* Interrupted system calls go on; a second signal kills. */
    .sa_flags = SA_RESTART | SA_RESETHAND,
  };

  sigemptyset (&sa.sa_mask);
  sigaction (SIGINT, &sa, NULL);
  sigaction (SIGTERM, &sa, NULL);
}

/* "[ cmd args ]" for a command endpoint: the state names what ran. */
static char *
side_name (const char *word, char **cmd)
{
  size_t len = 3, i;
  char *s;

  if (word)
    return strdup (word);
  for (i = 0; cmd && cmd[i]; ++i)
    len += strlen (cmd[i]) + 1;
  if ((s = malloc (len + 1)) == NULL)
    return NULL;
  strcpy (s, "[");
  for (i = 0; cmd && cmd[i]; ++i) {
    strcat (s, " ");
    strcat (s, cmd[i]);
  }
  strcat (s, " ]");
  return s;
}

static int
refuse (const struct cmdline *cl, const char *why)
{
  fprintf (stderr, "nbdferry: --resume=%s: %s\n", cl->resume, why);
  return -1;
}

int
resume_begin (struct cmdline *cl, struct backend *src)
{
  CLEANUP_FREE char *s = side_name (cl->src, cl->src_cmd);
  CLEANUP_FREE char *d = side_name (cl->dst, cl->dst_cmd);
  struct copy_opts *o = &cl->copy;
  struct resume_id id;
  struct stat st;
  int r;

  if (s == NULL || d == NULL) {
    perror ("nbdferry: malloc");
    return -1;
  }
  if (src->is_stream || (cl->dst && strcmp (cl->dst, "-") == 0))
    return refuse (cl, "a stream cannot be resumed (it cannot be read or "
                   "written again from the middle)");
  if (cl->dirty_bitmap)
    return refuse (cl, "a delta copy (--dirty-bitmap) is not resumed: run "
                   "it again whole");
  if (o->blkhash)
    return refuse (cl, "--blkhash needs the whole source read in one run");
  id = (struct resume_id) {
    .src = s, .dst = d, .src_size = src->size, .unit = COPY_UNIT,
    .allocated = o->allocated, .target_is_zero = o->target_is_zero,
    .no_extents = o->no_extents, .sparse = o->sparse,
  };
  r = resume_open (cl->resume, &id, &o->resume);
  if (r == -1) {
    fprintf (stderr, "nbdferry: %s\n", last_error (errno));
    return -1;
  }
  o->resuming = r == 1;
  /* Finished work lives in that file: never create it anew. */
  if (o->resuming && cl->dst && !endpoint_is_uri (cl->dst) &&
      stat (cl->dst, &st) == -1 && errno == ENOENT)
    return refuse (cl, "the state records finished work in the "
                   "destination, which is missing (remove the state file "
                   "to start over)");
  return 0;
}

struct backend *
open_retrying (const struct cmdline *cl, const char *arg,
               const struct endpoint_opts *o, struct retry_stats *stats)
{
  struct backend *b;
  unsigned tries;
  int err;

  for (tries = 0; ; ++tries) {
    if ((b = endpoint_open (arg, o)) != NULL)
      return b;
    err = errno;
    if (tries >= cl->retries || !endpoint_is_uri (arg) ||
        !retry_connect_transient (err))
      return NULL;
    fprintf (stderr, "nbdferry: %s: connecting again (%u of %u, "
             "--retries)\n", arg, tries + 1, cl->retries);
    atomic_fetch_add (&stats->retries, 1);
    retry_pause (cl->retry_delay, tries);
  }
}

int
resume_started (struct cmdline *cl, struct backend *dst)
{
  struct resume *r = cl->copy.resume;

  if (dst->is_stream)
    return refuse (cl, "a stream cannot be resumed");
  if (resume_check_dst_size (r, dst->size) == -1 || resume_save (r) == -1) {
    fprintf (stderr, "nbdferry: %s\n", last_error (errno));
    return -1;
  }
  /* Said without -v: the user should know this run is not a whole copy. */
  if (cl->copy.resuming) {
    char b[32];
    human_size (b, sizeof b, resume_done_bytes (r));
    fprintf (stderr, "nbdferry: resuming: %s finished by an earlier run\n",
             b);
  }
  return 0;
}

int
resume_end (struct cmdline *cl, int r, uint64_t done, uint64_t total)
{
  struct resume *rs = cl->copy.resume;
  bool resumable = rs != NULL;
  char d[32], t[32];

  if (r == 0 && rs && resume_remove (rs) == -1) {
    fprintf (stderr, "nbdferry: %s\n", last_error (errno));
    r = -1;
  }
  resume_free (rs);
  cl->copy.resume = NULL;
  if (r == 0)
    return 0;
  if (!stop_signal)
    return 1;
  human_size (d, sizeof d, done);
  human_size (t, sizeof t, total);
  fprintf (stderr, "nbdferry: stopped by %s after %s of %s%s%s%s\n",
           stop_signal == SIGINT ? "SIGINT" : "SIGTERM", d, t,
           resumable ? "; the same command resumes it (state in " : "",
           resumable ? cl->resume : "", resumable ? ")" : "");
  return 128 + stop_signal;
}
