/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry serve: captive mode (--run).  The command gets the export's
 * URI; when it exits the server stops and its status is ours.
 */
#include <config.h>

#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nbd/server/server.h"
#include "serve-internal.h"

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

/* The URI a --run command gets, from the socket we listen on (nbds when
 * TLS is required, as nbdkit does); the TCP port goes in port[].
 */
static char *
make_uri (const struct serve_args *a, int tcp_fd, const char *export_name,
          char port[NI_MAXSERV])
{
  const char *scheme = a->tls == SERVER_TLS_REQUIRE ? "nbds" : "nbd";
  char *uri = NULL;
  size_t len = 0;
  FILE *fp = open_memstream (&uri, &len);

  port[0] = '\0';
  if (fp == NULL)
    return NULL;
  if (a->unix_path) {
    fprintf (fp, "%s+unix:///", scheme);
    encode (fp, export_name);
    fputs ("?socket=", fp);
    encode (fp, a->unix_path);
  }
  else {
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    char host[NI_MAXHOST];

    if (getsockname (tcp_fd, (struct sockaddr *) &ss, &sl) == -1 ||
        getnameinfo ((struct sockaddr *) &ss, sl, host, sizeof host,
                     port, NI_MAXSERV, NI_NUMERICHOST|NI_NUMERICSERV)) {
      fclose (fp);
      free (uri);
      return NULL;
    }
    fprintf (fp, strchr (host, ':') ? "%s://[%s]:%s/" : "%s://%s:%s/",
             scheme, host, port);
    encode (fp, export_name);
  }
  fclose (fp);
  return uri;
}

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

/* The variables nbdkit sets for --run (nbdkit-captive(1)). */
static void
set_environment (const struct serve_args *a, const char *uri,
                 const char *port, const char *export_name)
{
  setenv ("uri", uri, 1);
  setenv ("nbd", uri, 1);
  setenv ("unixsocket", a->unix_path ? a->unix_path : "", 1);
  setenv ("port", port, 1);
  setenv ("exportname", export_name, 1);
  if (a->tls != SERVER_TLS_OFF)
    setenv ("tls", a->tls == SERVER_TLS_REQUIRE ? "2" : "1", 1);
  else
    unsetenv ("tls");
}

static int
fork_command (const struct serve_args *a, const char *uri, const char *port,
              const char *export_name, struct captive *cp)
{
  cp->pid = fork ();
  if (cp->pid == -1) {
    perror (SERVE ": fork");
    return -1;
  }
  if (cp->pid == 0) {
    signal (SIGINT, SIG_DFL);
    signal (SIGTERM, SIG_DFL);
    signal (SIGPIPE, SIG_DFL);
    set_environment (a, uri, port, export_name);
    execl ("/bin/sh", "sh", "-c", a->run, (char *) NULL);
    perror (SERVE ": /bin/sh");
    _exit (127);
  }
  return 0;
}

int
captive_start (struct captive *cp, const struct serve_args *a, int tcp_fd,
               const char *export_name)
{
  char port[NI_MAXSERV];

  cp->uri = make_uri (a, tcp_fd, export_name, port);
  if (cp->uri == NULL) {
    perror (SERVE ": the URI for --run");
    return -1;
  }
  if (fork_command (a, cp->uri, port, export_name, cp) == -1)
    return -1;
  if (pthread_create (&cp->waiter, NULL, wait_child, cp) != 0) {
    fprintf (stderr, SERVE ": cannot start a thread\n");
    kill (cp->pid, SIGTERM);
    return -1;
  }
  return 0;
}

int
captive_finish (struct captive *cp)
{
  if (cp->pid > 0 && !cp->exited)
    kill (cp->pid, SIGTERM);    /* we were signalled: stop the command */
  pthread_join (cp->waiter, NULL);
  return WIFEXITED (cp->status) ? WEXITSTATUS (cp->status)
    : 128 + WTERMSIG (cp->status);
}
