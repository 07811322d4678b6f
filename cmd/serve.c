/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry serve: export a source or sink over NBD (man/nbdferry-serve.pod).
 *
 * Foreground only.  SIGINT/SIGTERM stop the server cleanly: in-flight
 * requests finish, the target is flushed, the exit status is 0.  With
 * --run, the command's exit status is ours.
 */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <popt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <netdb.h>
#include <unistd.h>

#include "args.h"
#include "blocksize.h"
#include "cleanup.h"
#include "endpoints.h"
#include "filters/rmw.h"
#include "error.h"
#include "nbd/proto.h"
#include "nbd/server/server.h"
#include "serve.h"
#include "size.h"

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
  fprintf (stderr, "nbdferry serve: %s\n", msg);
}

struct serve_args {
  char *unix_path, *port, *bind, *size, *export_name, *description;
  char *bs_min, *bs_pref, *bs_max, *run, *pidfile;
  int read_only, direct, threads, max_conns, timeout, verbose;
};

/* popt hands out copies: a repeated option replaces (and frees) the last. */
static void
set_str (char **field, char *arg)
{
  free (*field);
  *field = arg;
}

static void
free_args (struct serve_args *a)
{
  char **strs[] = { &a->unix_path, &a->port, &a->bind, &a->size,
                    &a->export_name, &a->description, &a->bs_min,
                    &a->bs_pref, &a->bs_max, &a->run, &a->pidfile };
  size_t i;

  for (i = 0; i < sizeof strs / sizeof strs[0]; ++i) {
    free (*strs[i]);
    *strs[i] = NULL;
  }
}

/* A minimum below the target's own (a 4K-sector device served to clients
 * that write 512-byte sectors) is honoured through the read-modify-write
 * filter, which takes requests of any alignment.
 */
static int
relax_minimum (const struct serve_args *a, struct backend **bp)
{
  struct backend *f;
  uint64_t v;

  if (!a->bs_min || parse_size (a->bs_min, &v) == -1 ||
      v >= (*bp)->bs[BS_MINIMUM])
    return 0;                   /* a bad value is reported by the caller */
  f = rmw_filter_open (*bp);
  if (f == NULL) {
    fprintf (stderr, "nbdferry serve: %s\n", last_error (errno));
    return -1;
  }
  *bp = f;
  return 0;
}

/* Tighten the target's limits with --blocksize-*; same rules as any
 * backend (engine/blocksize.h), and never looser than the target.
 */
static int
advertised_limits (const struct serve_args *a, struct backend *b,
                   struct server_config *cfg)
{
  uint64_t raw[BS_NR], out[BS_NR];
  uint64_t v;

  memcpy (raw, b->bs, sizeof raw);
  if (a->bs_min) {
    if (arg_size ("nbdferry serve", "--blocksize-minimum", a->bs_min, &v, false)
        == -1)
      return -1;
    raw[BS_MINIMUM] = v;
    if (!a->bs_pref && raw[BS_PREFERRED] < v)
      raw[BS_PREFERRED] = v;
  }
  if (a->bs_pref) {
    if (arg_size ("nbdferry serve", "--blocksize-preferred", a->bs_pref, &v, false)
        == -1)
      return -1;
    raw[BS_PREFERRED] = v;
  }
  if (a->bs_max) {
    if (arg_size ("nbdferry serve", "--blocksize-maximum", a->bs_max, &v, false)
        == -1)
      return -1;
    if (v > b->bs[BS_MAX_DATA]) {
      fprintf (stderr, "nbdferry serve: --blocksize-maximum %" PRIu64
               " is above the target's maximum %" PRIu64 "\n",
               v, b->bs[BS_MAX_DATA]);
      return -1;
    }
    raw[BS_MAX_DATA] = v;
  }
  raw[BS_MAX_TRIM] = raw[BS_MAX_ZERO] = raw[BS_MAX_CACHE] = 0;
  if (blocksize_apply_rules ("nbdferry serve", b->size, raw, out) == -1) {
    fprintf (stderr, "%s\n", last_error (errno));
    return -1;
  }
  cfg->minimum = out[BS_MINIMUM];
  cfg->preferred = out[BS_PREFERRED];
  cfg->maximum = out[BS_MAX_DATA];
  return 0;
}

/* Percent-encode an export name for a URI path. */
static void
encode (FILE *fp, const char *s)
{
  for (; *s; ++s) {
    unsigned char ch = *s;
    if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
        (ch >= '0' && ch <= '9') || strchr ("-._~/", ch))
      fputc (ch, fp);
    else
      fprintf (fp, "%%%02X", ch);
  }
}

/* The URI a --run command gets, from the socket we listen on. */
static char *
make_uri (const char *unix_path, int tcp_fd, const char *export_name)
{
  char *uri = NULL;
  size_t len = 0;
  FILE *fp = open_memstream (&uri, &len);

  if (fp == NULL)
    return NULL;
  if (unix_path) {
    fputs ("nbd+unix:///", fp);
    encode (fp, export_name);
    fputs ("?socket=", fp);
    encode (fp, unix_path);
  }
  else {
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    char host[NI_MAXHOST], port[NI_MAXSERV];

    if (getsockname (tcp_fd, (struct sockaddr *) &ss, &sl) == -1 ||
        getnameinfo ((struct sockaddr *) &ss, sl, host, sizeof host,
                     port, sizeof port, NI_NUMERICHOST|NI_NUMERICSERV)) {
      fclose (fp);
      free (uri);
      return NULL;
    }
    fprintf (fp, strchr (host, ':') ? "nbd://[%s]:%s/" : "nbd://%s:%s/",
             host, port);
    encode (fp, export_name);
  }
  fclose (fp);
  return uri;
}

/* Systemd socket activation: adopt LISTEN_FDS if they are ours. */
static int
inherited_listeners (struct server *s)
{
  const char *pid = getenv ("LISTEN_PID"), *fds = getenv ("LISTEN_FDS");
  int n, i;

  if (!pid || !fds || strtol (pid, NULL, 10) != getpid ())
    return 0;
  n = atoi (fds);
  unsetenv ("LISTEN_PID");
  unsetenv ("LISTEN_FDS");
  unsetenv ("LISTEN_FDNAMES");
  for (i = 0; i < n; ++i)
    if (server_add_listener (s, 3 + i) == -1)
      return -1;
  return n;
}

struct captive {
  pid_t pid;
  int status;
  volatile sig_atomic_t exited;
  struct server *s;
};

static void *
wait_child (void *arg)
{
  struct captive *cp = arg;

  while (waitpid (cp->pid, &cp->status, 0) == -1 && errno == EINTR)
    ;
  cp->exited = 1;
  server_stop (cp->s);
  return NULL;
}

static int
start_captive (const char *cmd, const char *uri, const char *unix_path,
               struct captive *cp)
{
  cp->pid = fork ();
  if (cp->pid == -1) {
    perror ("nbdferry serve: fork");
    return -1;
  }
  if (cp->pid == 0) {
    signal (SIGINT, SIG_DFL);
    signal (SIGTERM, SIG_DFL);
    signal (SIGPIPE, SIG_DFL);
    setenv ("uri", uri, 1);
    setenv ("unixsocket", unix_path ? unix_path : "", 1);
    execl ("/bin/sh", "sh", "-c", cmd, (char *) NULL);
    perror ("nbdferry serve: /bin/sh");
    _exit (127);
  }
  return 0;
}

static int
write_pidfile (const char *path)
{
  FILE *fp = fopen (path, "w");

  if (fp == NULL || fprintf (fp, "%ld\n", (long) getpid ()) < 0 ||
      fclose (fp) == EOF) {
    fprintf (stderr, "nbdferry serve: %s: %m\n", path);
    return -1;
  }
  return 0;
}

/* Open the listening sockets: inherited, --unix, or TCP (--port). */
static int
listen_all (struct server *s, struct serve_args *a, int *tcp_fd)
{
  int n = inherited_listeners (s);

  if (n != 0)
    return n < 0 ? -1 : 0;
  if (a->unix_path) {
    if (server_listen_unix (s, a->unix_path) == -1)
      goto err;
    return 0;
  }
  *tcp_fd = server_listen_tcp (s, a->bind, a->port ? a->port : "10809");
  if (*tcp_fd == -1)
    goto err;
  return 0;
 err:
  fprintf (stderr, "nbdferry serve: %s\n", last_error (errno));
  return -1;
}

static struct poptOption serve_options[] = {
  { "unix", 'U', POPT_ARG_STRING, NULL, 'U',
    "Serve on a Unix socket", "PATH" },
  { "port", 'p', POPT_ARG_STRING, NULL, 'p',
    "Serve on a TCP port (default 10809)", "N" },
  { "bind", 0, POPT_ARG_STRING, NULL, 'b',
    "Address to listen on (default 127.0.0.1)", "ADDR" },
  { "read-only", 'r', POPT_ARG_NONE, NULL, 'r',
    "Export read-only", NULL },
  { "direct", 0, POPT_ARG_NONE, NULL, 'D',
    "Open a file or block device target with O_DIRECT", NULL },
  { "size", 0, POPT_ARG_STRING, NULL, 's',
    "Create the target (or grow it) at this size", "SIZE" },
  { "export-name", 'e', POPT_ARG_STRING, NULL, 'e',
    "The export's name (default \"\")", "NAME" },
  { "description", 0, POPT_ARG_STRING, NULL, 'd',
    "The export's description", "TEXT" },
  { "blocksize-minimum", 0, POPT_ARG_STRING, NULL, 'm',
    "Advertise this minimum block size (below the target's own, requests "
    "go through read-modify-write)", "SIZE" },
  { "blocksize-preferred", 0, POPT_ARG_STRING, NULL, 'f',
    "Advertise this preferred block size", "SIZE" },
  { "blocksize-maximum", 0, POPT_ARG_STRING, NULL, 'x',
    "Advertise this maximum payload", "SIZE" },
  { "run", 0, POPT_ARG_STRING, NULL, 'R',
    "Run CMD with $uri and $unixsocket set, then exit", "CMD" },
  { "pidfile", 'P', POPT_ARG_STRING, NULL, 'P',
    "Write the process id here once listening", "FILE" },
  { "threads", 't', POPT_ARG_STRING, NULL, 't',
    "Worker threads per connection (default 4)", "N" },
  { "max-connections", 0, POPT_ARG_STRING, NULL, 'c',
    "Connections served at once (default 64)", "N" },
  { "handshake-timeout", 0, POPT_ARG_STRING, NULL, 'T',
    "Seconds a client has to finish the handshake (default 30)", "SECS" },
  { "verbose", 'v', POPT_ARG_NONE, NULL, 'v', "Log connections", NULL },
  POPT_AUTOHELP
  POPT_TABLEEND
};

/* Parse the command line.  Returns the remaining arguments (the target)
 * in *rest, or NULL with *status set to the exit status.
 */
static const char **
parse_args (int argc, char *argv[], struct serve_args *a, poptContext *pc,
            int *status)
{
  int c;

  argv[0] = (char *) "nbdferry serve";       /* for --help */
  *pc = poptGetContext ("nbdferry serve", argc, (const char **) argv,
                        serve_options, 0);
  poptSetOtherOptionHelp (*pc, "[OPTIONS] TARGET | [ CMD ARGS ]");
  while ((c = poptGetNextOpt (*pc)) > 0) {
    char *arg = poptGetOptArg (*pc);
    switch (c) {
    case 'U': set_str (&a->unix_path, arg); break;
    case 'p': set_str (&a->port, arg); break;
    case 'b': set_str (&a->bind, arg); break;
    case 'r': a->read_only = 1; break;
    case 'D': a->direct = 1; break;
    case 's': set_str (&a->size, arg); break;
    case 'e': set_str (&a->export_name, arg); break;
    case 'd': set_str (&a->description, arg); break;
    case 'm': set_str (&a->bs_min, arg); break;
    case 'f': set_str (&a->bs_pref, arg); break;
    case 'x': set_str (&a->bs_max, arg); break;
    case 'R': set_str (&a->run, arg); break;
    case 'P': set_str (&a->pidfile, arg); break;
    case 'v': a->verbose++; break;
    case 't': case 'c': case 'T': {
      unsigned v;
      int r = arg_count ("nbdferry serve", c == 't' ? "--threads"
                         : c == 'c' ? "--max-connections"
                         : "--handshake-timeout", arg, 4096, &v);
      free (arg);
      if (r == -1) {
        *status = 1;
        return NULL;
      }
      *(c == 't' ? &a->threads : c == 'c' ? &a->max_conns : &a->timeout) = v;
      break;
    }
    default: free (arg);
    }
  }
  if (c < -1) {
    fprintf (stderr, "nbdferry serve: %s: %s\n",
             poptBadOption (*pc, POPT_BADOPTION_NOALIAS), poptStrerror (c));
    *status = 1;
    return NULL;
  }
  return poptGetArgs (*pc);
}

/* The target: one argument, or [ CMD ARGS ] for a server to proxy. */
static int
target_of (const char **rest, const char **target, char ***command)
{
  int n = 0;

  while (rest && rest[n])
    n++;
  if (n == 1 && strcmp (rest[0], "[") != 0) {
    *target = rest[0];
    return 0;
  }
  if (n >= 3 && strcmp (rest[0], "[") == 0 && strcmp (rest[n-1], "]") == 0) {
    rest[n-1] = NULL;           /* poptGetArgs' array is ours to edit */
    *command = (char **) &rest[1];
    return 0;
  }
  fprintf (stderr, "nbdferry serve: expected one TARGET "
           "(see nbdferry serve --help)\n");
  return -1;
}

struct serve_state {
  struct serve_args a;
  poptContext pc;
  struct backend *b;
  struct server *s;
  char *tmpdir, *uri;
  bool made_socket;
};

static void
cleanup_state (struct serve_state *st)
{
  running = NULL;
  server_free (st->s);
  if (st->b)
    backend_close (st->b);
  if (st->made_socket)
    unlink (st->a.unix_path);
  if (st->tmpdir)
    rmdir (st->tmpdir);
  free (st->tmpdir);
  free_args (&st->a);
  free (st->uri);
  poptFreeContext (st->pc);
}

/* The target, opened in place (a file is never truncated by serve). */
static int
open_target (struct serve_state *st, const char *target, char **command)
{
  struct serve_args *a = &st->a;
  struct endpoint_opts opts = {
    .src_size = -1, .create_size = -1, .command = command,
    .writable = !a->read_only, .direct = a->direct, .verbose = a->verbose,
    .in_place = true,
  };
  uint64_t size;

  /* As nbdkit does with a plugin that cannot write. */
  if (!a->read_only && !endpoint_writable (target)) {
    if (a->verbose)
      fprintf (stderr, "nbdferry serve: %s cannot be written: serving it "
               "read-only\n", target ? target : "[ command ]");
    a->read_only = 1;
    opts.writable = false;
  }
  if (a->size) {
    if (arg_size ("nbdferry serve", "--size", a->size, &size, true) == -1)
      return 1;
    if (a->read_only) {
      fprintf (stderr, "nbdferry serve: --size needs a writable target\n");
      return 1;
    }
    opts.create_size = size;
  }
  st->b = endpoint_open (target, &opts);
  return st->b == NULL;
}

/* The server object and its listening sockets. */
static int
start_server (struct serve_state *st, int *tcp_fd)
{
  struct serve_args *a = &st->a;
  struct server_config cfg = {
    .export_name = a->export_name, .description = a->description,
    .read_only = a->read_only, .threads = a->threads,
    .max_connections = a->max_conns, .handshake_timeout = a->timeout,
    .log = a->verbose ? log_stderr : NULL,
  };

  if (relax_minimum (a, &st->b) == -1 ||
      advertised_limits (a, st->b, &cfg) == -1)
    return 1;
  st->s = server_new (st->b, &cfg);
  if (st->s == NULL) {
    fprintf (stderr, "nbdferry serve: %s\n", last_error (errno));
    return 1;
  }
  /* Captive mode without an address: a private Unix socket. */
  if (a->run && !a->unix_path && !a->port && !getenv ("LISTEN_FDS")) {
    char tmpl[] = "/tmp/nbdferry-serve.XXXXXX";
    if (mkdtemp (tmpl) == NULL ||
        (st->tmpdir = strdup (tmpl)) == NULL ||
        asprintf (&a->unix_path, "%s/sock", tmpl) == -1) {
      perror ("nbdferry serve: temporary directory");
      return 1;
    }
  }
  if (listen_all (st->s, a, tcp_fd) == -1)
    return 1;
  st->made_socket = a->unix_path != NULL;
  return 0;
}

/* Everything up to listening.  0 or the exit status. */
static int
setup (struct serve_state *st, int argc, char *argv[], int *tcp_fd)
{
  struct serve_args *a = &st->a;
  const char **rest, *target = NULL;
  char **command = NULL;
  int status = 0;

  rest = parse_args (argc, argv, a, &st->pc, &status);
  if (rest == NULL && status)
    return status;
  if (target_of (rest, &target, &command) == -1)
    return 1;
  if (a->unix_path && a->port) {
    fprintf (stderr, "nbdferry serve: --unix and --port exclude each other\n");
    return 1;
  }
  if (a->export_name && strlen (a->export_name) > NBD_MAX_STRING) {
    fprintf (stderr, "nbdferry serve: --export-name is too long\n");
    return 1;
  }
  return open_target (st, target, command) || start_server (st, tcp_fd);
}

int
serve_main (int argc, char *argv[])
{
  struct serve_state st;
  struct captive cp = { .pid = -1 };
  pthread_t waiter;
  int tcp_fd = -1, status;
  struct sigaction sa = { .sa_handler = on_signal };

  memset (&st, 0, sizeof st);

  status = setup (&st, argc, argv, &tcp_fd);
  if (status) {
    cleanup_state (&st);
    return status;
  }
  running = st.s;
  sigaction (SIGINT, &sa, NULL);
  sigaction (SIGTERM, &sa, NULL);
  signal (SIGPIPE, SIG_IGN);

  if (st.a.pidfile && write_pidfile (st.a.pidfile) == -1) {
    cleanup_state (&st);
    return 1;
  }
  if (st.a.run) {
    st.uri = make_uri (st.a.unix_path, tcp_fd,
                       st.a.export_name ? st.a.export_name : "");
    cp.s = st.s;
    if (st.uri == NULL ||
        start_captive (st.a.run, st.uri, st.a.unix_path, &cp) == -1 ||
        pthread_create (&waiter, NULL, wait_child, &cp) != 0) {
      if (cp.pid > 0)
        kill (cp.pid, SIGTERM);
      cleanup_state (&st);
      return 1;
    }
  }

  status = server_run (st.s) == -1 ? 1 : 0;
  if (status)
    fprintf (stderr, "nbdferry serve: %s\n", last_error (errno));
  if (st.a.run) {
    if (cp.pid > 0 && !cp.exited)
      kill (cp.pid, SIGTERM);   /* we were signalled: stop the command */
    pthread_join (waiter, NULL);
    if (status == 0)
      status = WIFEXITED (cp.status) ? WEXITSTATUS (cp.status)
        : 128 + WTERMSIG (cp.status);
  }
  cleanup_state (&st);
  return status;
}
