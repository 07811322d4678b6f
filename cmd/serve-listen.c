/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry serve: where it listens (socket activation, --unix, --port, a
 * private socket for --run) and the --pidfile that says it does.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "nbd/server/server.h"
#include "serve-internal.h"

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

/* Captive mode without an address: a private Unix socket. */
static int
private_socket (struct serve_args *a, char **tmpdir)
{
  char tmpl[] = "/tmp/nbdferry-serve.XXXXXX";

  if (mkdtemp (tmpl) == NULL || (*tmpdir = strdup (tmpl)) == NULL ||
      asprintf (&a->unix_path, "%s/sock", tmpl) == -1) {
    perror (SERVE ": temporary directory");
    return -1;
  }
  return 0;
}

int
serve_listen (struct server *s, struct serve_args *a, char **tmpdir,
              bool *made_socket, int *tcp_fd)
{
  int n;

  if (a->run && !a->unix_path && !a->port && !getenv ("LISTEN_FDS") &&
      private_socket (a, tmpdir) == -1)
    return -1;
  n = inherited_listeners (s);
  if (n != 0) {
    if (n > 0)
      return 0;
  }
  else if (a->unix_path) {
    if (server_listen_unix (s, a->unix_path) != -1) {
      *made_socket = true;
      return 0;
    }
  }
  else {
    *tcp_fd = server_listen_tcp (s, a->bind, a->port ? a->port : "10809");
    if (*tcp_fd != -1)
      return 0;
  }
  fprintf (stderr, SERVE ": %s\n", last_error (errno));
  return -1;
}

int
serve_write_pidfile (const char *path)
{
  FILE *fp = fopen (path, "w");

  if (fp == NULL || fprintf (fp, "%ld\n", (long) getpid ()) < 0 ||
      fclose (fp) == EOF) {
    fprintf (stderr, SERVE ": %s: %m\n", path);
    return -1;
  }
  return 0;
}
