/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry serve: export a source or sink over NBD (man/nbdferry-serve.pod).
 *
 * Foreground only.  SIGINT/SIGTERM stop the server cleanly: in-flight
 * requests finish, the target is flushed, the exit status is 0.  With
 * --run, the command's exit status is ours.
 *
 * One job per file: serve-options.c (the command line), serve-limits.c
 * (advertised block sizes), serve-listen.c (sockets, pidfile),
 * serve-run.c (--run); this file opens the target and runs the server.
 */
#include <config.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "args.h"
#include "endpoints.h"
#include "error.h"
#include "nbd/proto.h"
#include "nbd/server/server.h"
#include "serve.h"
#include "serve-internal.h"

/* For the signal handlers (cmd/ may hold global state). */
static struct server *running;

static void
on_signal (int sig)
{
  if (running)
    server_stop (running);
}

static void
log_stderr (void *opaque, const char *msg)
{
  fprintf (stderr, SERVE ": %s\n", msg);
}

static void
log_syslog (void *opaque, const char *msg)
{
  syslog (LOG_NOTICE, "%s", msg);
}

/* --log: where the running server's messages go (NULL: nowhere). */
static void (*logger (const struct serve_args *a)) (void *, const char *)
{
  switch (a->log) {
  case LOG_TO_SYSLOG:
    openlog ("nbdferry-serve", LOG_PID, LOG_DAEMON);
    return log_syslog;
  case LOG_TO_NULL:
    return NULL;
  default:
    return log_stderr;
  }
}

struct serve_state {
  struct serve_args *a;
  struct opt_word words[SERVE_MAX_EXPORTS];
  struct serve_export ex[SERVE_MAX_EXPORTS];
  struct backend *b[SERVE_MAX_EXPORTS];
  size_t n;                     /* exports */
  bool wrote_pidfile;
  struct server *s;
  char *tmpdir;
  bool made_socket;
  int tcp_fd;
  struct captive cp;
};

static void
cleanup_state (struct serve_state *st)
{
  size_t i;

  running = NULL;
  server_free (st->s);
  for (i = 0; i < st->n; ++i)
    if (st->b[i])
      backend_close (st->b[i]);
  if (st->wrote_pidfile)
    unlink (st->a->pidfile);
  if (st->made_socket)
    unlink (st->a->unix_path);
  if (st->tmpdir)
    rmdir (st->tmpdir);
  free (st->tmpdir);
  free (st->cp.uri);
  serve_args_free (st->words);
}

/* Export i's target, opened in place (a file is never truncated by
 * serve).  *read_only says how it was opened.
 */
static int
open_target (struct serve_state *st, size_t i, bool *read_only)
{
  struct serve_args *a = st->a;
  const char *target = st->ex[i].target;
  struct endpoint_opts opts = {
    .src_size = -1, .create_size = -1, .command = st->ex[i].command,
    .writable = !a->read_only, .direct = a->direct, .verbose = a->verbose,
    .in_place = true,
  };
  uint64_t size;

  *read_only = a->read_only;
  /* As nbdkit does with a plugin that cannot write. */
  if (!a->read_only && !endpoint_writable (target)) {
    if (a->verbose)
      fprintf (stderr, SERVE ": %s cannot be written: serving it "
               "read-only\n", target ? target : "[ command ]");
    *read_only = true;
    opts.writable = false;
  }
  if (a->size) {
    if (arg_size (SERVE, "--size", a->size, &size, true) == -1)
      return -1;
    if (*read_only) {
      fprintf (stderr, SERVE ": --size needs a writable target\n");
      return -1;
    }
    opts.create_size = size;
  }
  else if (!*read_only && target && !strchr (target, ':') &&
           access (target, F_OK) == -1 && errno == ENOENT) {
    fprintf (stderr, SERVE ": %s: no such file (--size=SIZE creates it)\n",
             target);
    return -1;
  }
  st->b[i] = endpoint_open (target, &opts);
  return st->b[i] ? 0 : -1;
}

/* Open export i and add it to the server (made by the first). */
static int
add_export (struct serve_state *st, size_t i, struct server_config *cfg)
{
  bool read_only;

  if (open_target (st, i, &read_only) == -1)
    return -1;
  cfg->export_name = st->ex[i].name;
  cfg->read_only = read_only;
  cfg->minimum = cfg->preferred = cfg->maximum = 0;
  if (serve_limits (st->a, &st->b[i], cfg) == -1)
    return -1;
  if (i == 0)
    st->s = server_new (st->b[i], cfg);
  if (i == 0 ? st->s == NULL : server_add_export (st->s, st->b[i], cfg) == -1) {
    fprintf (stderr, SERVE ": %s\n", last_error (errno));
    return -1;
  }
  return 0;
}

/* The server object, its exports and its listening sockets. */
static int
start_server (struct serve_state *st)
{
  struct serve_args *a = st->a;
  struct server_config cfg = {
    .description = a->description, .threads = a->threads,
    .max_connections = a->max_conns, .handshake_timeout = a->timeout,
    .idle_timeout = a->idle_timeout, .tls = a->tls,
    .tls_certificates = a->tls_certificates, .tls_psk = a->tls_psk,
    .tls_verify_peer = a->tls_verify_peer,
    .log = a->verbose ? logger (a) : NULL, .warn = logger (a),
  };
  size_t i;

  if (serve_exports (a, st->words, st->ex, &st->n) == -1)
    return -1;
  for (i = 0; i < st->n; ++i)
    if (add_export (st, i, &cfg) == -1)
      return -1;
  if (a->single)
    return 0;
  return serve_listen (st->s, a, &st->tmpdir, &st->made_socket,
                       &st->tcp_fd);
}

/* --exit-with-parent: the parent's death is a SIGTERM (a stop); a
 * parent already gone before the request is seen is one too.
 */
static int
exit_with_parent (void)
{
  pid_t parent = getppid ();

  if (prctl (PR_SET_PDEATHSIG, SIGTERM) == -1) {
    perror (SERVE ": --exit-with-parent");
    return -1;
  }
  if (getppid () != parent)
    raise (SIGTERM);
  return 0;
}

/* Serve until stopped (-s: one client on stdin, which must be a socket
 * as we read and write it); 1 if that or the final flush failed.
 */
static int
run (struct serve_state *st)
{
  if (st->a->single) {
    struct stat sb;
    if (fstat (0, &sb) == -1 || !S_ISSOCK (sb.st_mode)) {
      fprintf (stderr, SERVE ": -s: standard input is not a socket (run "
               "it from inetd or libnbd's nbd_connect_command)\n");
      return 1;
    }
  }
  if ((st->a->single ? server_run_fd (st->s, dup (0))
       : server_run (st->s)) == -1) {
    fprintf (stderr, SERVE ": %s\n", last_error (errno));
    return 1;
  }
  return 0;
}

/* What the options say together, before anything is opened. */
static int
check_args (const struct serve_args *a)
{
  if (a->unix_path && a->port) {
    fprintf (stderr, SERVE ": --unix and --port exclude each other\n");
    return -1;
  }
  if (a->export_name && strlen (a->export_name) > NBD_MAX_STRING) {
    fprintf (stderr, SERVE ": --export-name is too long\n");
    return -1;
  }
  if (a->tls == SERVER_TLS_OFF && (a->tls_psk || a->tls_certificates ||
                                   a->tls_verify_peer)) {
    fprintf (stderr, SERVE ": --tls-psk, --tls-certificates and "
             "--tls-verify-peer need --tls=on or --tls=require\n");
    return -1;
  }
  if (a->single && (a->unix_path || a->port || a->run)) {
    fprintf (stderr, SERVE ": -s (--single) serves stdin: it excludes "
             "--unix, --port and --run\n");
    return -1;
  }
  if (a->tls != SERVER_TLS_OFF && !server_tls_available ()) {
    fprintf (stderr, SERVE ": --tls: this nbdferry was built without "
             "GnuTLS: TLS is not available\n");
    return -1;
  }
  return 0;
}

/* Everything up to listening and --run.  True to serve; false to exit
 * with *status (0 after --help).
 */
static bool
setup (struct serve_state *st, int argc, char *argv[], int *status)
{
  struct sigaction sa = { .sa_handler = on_signal };
  int r = serve_parse (argc, argv, &st->a, st->words);

  *status = r == 1 ? 0 : 1;
  if (r != 0 || check_args (st->a) == -1 || start_server (st) == -1)
    return false;
  running = st->s;
  sigaction (SIGINT, &sa, NULL);
  sigaction (SIGTERM, &sa, NULL);
  signal (SIGPIPE, SIG_IGN);
  if (st->a->exit_with_parent && exit_with_parent () == -1)
    return false;
  if (st->a->pidfile) {
    if (serve_write_pidfile (st->a->pidfile) == -1)
      return false;
    st->wrote_pidfile = true;
  }
  st->cp.s = st->s;
  return !st->a->run ||
    captive_start (&st->cp, st->a, st->tcp_fd,
                   st->a->export_name ? st->a->export_name : st->ex[0].name)
    == 0;
}

int
serve_main (int argc, char *argv[])
{
  struct serve_state st = { .tcp_fd = -1, .cp = { .pid = -1 } };
  int status;

  if (setup (&st, argc, argv, &status)) {
    status = run (&st);
    if (st.a->run) {
      int command = captive_finish (&st.cp);
      if (status == 0)
        status = command;
    }
  }
  cleanup_state (&st);
  return status;
}
