/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry serve: what its files share (cmd/serve*.c, one job each). */
#ifndef NBDFERRY_SERVE_INTERNAL_H
#define NBDFERRY_SERVE_INTERNAL_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "optparse.h"

struct backend;
struct server;
struct server_config;

#define SERVE "nbdferry serve"
#define SERVE_MAX_EXPORTS 16    /* NAME=TARGET words on one command line */

enum { LOG_TO_STDERR, LOG_TO_SYSLOG, LOG_TO_NULL };

/* The command line (serve-options.c).  A field per option; strings are
 * NULL and numbers 0 when the option was not given.
 */
struct serve_args {
  char *unix_path, *port, *bind, *size, *export_name, *description;
  char *run, *pidfile;
  char *tls_psk, *tls_certificates, *selinux_label;
  uint64_t bs_min, bs_pref, bs_max;
  bool read_only, direct, tls_verify_peer;
  bool foreground, exit_with_parent, single; /* nbdkit's -f, -s */
  int log;                      /* LOG_TO_STDERR, LOG_TO_SYSLOG, LOG_TO_NULL */
  unsigned threads, max_conns, timeout;
  unsigned idle_timeout;        /* seconds; 0: none */
  int tls;                      /* enum server_tls */
  int verbose;
};

/* Parse argv into *a (owned by serve-options.c until serve_args_free) and
 * the words (targets[SERVE_MAX_EXPORTS]).  0: go on; 1: exit 0 (--help);
 * -1: error printed.
 */
extern int serve_parse (int argc, char *argv[], struct serve_args **a,
                        struct opt_word *targets);
extern void serve_args_free (struct opt_word *targets);

/* The exports the words name (serve-exports.c): NAME=TARGET, or a plain
 * TARGET named by --export-name.  -1 after printing the error.
 */
struct serve_export {
  const char *name;             /* points into the word, or --export-name */
  const char *target;           /* NULL for a [ CMD ARGS ] group */
  char **command;
};
extern int serve_exports (const struct serve_args *a,
                          const struct opt_word *words,
                          struct serve_export *out, size_t *n);

/* The advertised block-size limits (serve-limits.c); may wrap *bp in the
 * read-modify-write filter.  -1 after printing the error.
 */
extern int serve_limits (const struct serve_args *a, struct backend **bp,
                         struct server_config *cfg);

/* The listening sockets: inherited, --unix, a private one for --run, or
 * TCP (serve-listen.c).  Sets *made_socket when a Unix socket was created
 * and *tcp_fd for TCP.  -1 after printing the error.
 */
extern int serve_listen (struct server *s, struct serve_args *a,
                         char **tmpdir, bool *made_socket, int *tcp_fd);
extern int serve_write_pidfile (const char *path);

/* Captive mode, --run (serve-run.c). */
struct captive {
  pid_t pid;
  int status;
  volatile sig_atomic_t exited;
  struct server *s;
  pthread_t waiter;
  char *uri;
};
/* Start the command with nbdkit's variables ($uri, $unixsocket, $port,
 * $exportname, $tls, $nbd) and a thread that stops the
 * server when it exits.  -1 after printing the error.
 */
extern int captive_start (struct captive *cp, const struct serve_args *a,
                          int tcp_fd, const char *export_name);
/* After server_run: stop the command if it still runs; its exit status. */
extern int captive_finish (struct captive *cp);

#endif /* NBDFERRY_SERVE_INTERNAL_H */
