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

/* Captive mode without an address, or -U -: a private Unix socket. */
static int
private_socket (struct serve_args *a, char **tmpdir)
{
  char tmpl[] = "/tmp/nbdferry-serve.XXXXXX";

  free (a->unix_path);
  a->unix_path = NULL;
  if (mkdtemp (tmpl) == NULL || (*tmpdir = strdup (tmpl)) == NULL ||
      asprintf (&a->unix_path, "%s/sock", tmpl) == -1) {
    perror (SERVE ": temporary directory");
    return -1;
  }
  return 0;
}

/* Inherited sockets, --unix, or TCP.  -1 after printing the error. */
static int
listen_sockets (struct server *s, struct serve_args *a, bool *made_socket,
                int *tcp_fd)
{
  int n;

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

/* --selinux-label: sockets this thread creates get LABEL (what libselinux's
 * setsockcreatecon does); NULL puts the default back.  Without SELinux
 * there is nothing to label.
 */
static int
socket_label (const struct serve_args *a, const char *label)
{
  const char *path = "/proc/thread-self/attr/sockcreate";
  FILE *fp;

  if (a->selinux_label == NULL)
    return 0;
  if (access ("/sys/fs/selinux/enforce", F_OK) == -1) {
    if (label && a->verbose)
      fprintf (stderr, SERVE ": SELinux is not enabled: --selinux-label "
               "ignored\n");
    return 0;
  }
  fp = fopen (path, "w");
  if (fp == NULL || fputs (label ? label : "", fp) == EOF ||
      fclose (fp) == EOF) {
    fprintf (stderr, SERVE ": --selinux-label=%s: %m\n", a->selinux_label);
    return -1;
  }
  return 0;
}

int
serve_listen (struct server *s, struct serve_args *a, char **tmpdir,
              bool *made_socket, int *tcp_fd)
{
  bool private = a->run && !a->unix_path && !a->port &&
    !getenv ("LISTEN_FDS");
  int r;

  if ((private || (a->unix_path && strcmp (a->unix_path, "-") == 0)) &&
      private_socket (a, tmpdir) == -1)
    return -1;
  if (socket_label (a, a->selinux_label) == -1)
    return -1;
  r = listen_sockets (s, a, made_socket, tcp_fd);
  if (socket_label (a, NULL) == -1 || r == -1)
    return -1;
  return 0;
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
