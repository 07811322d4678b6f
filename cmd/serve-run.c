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
fork_command (const char *cmd, const char *uri, const char *unix_path,
              struct captive *cp)
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
    setenv ("uri", uri, 1);
    setenv ("unixsocket", unix_path ? unix_path : "", 1);
    execl ("/bin/sh", "sh", "-c", cmd, (char *) NULL);
    perror (SERVE ": /bin/sh");
    _exit (127);
  }
  return 0;
}

int
captive_start (struct captive *cp, const struct serve_args *a, int tcp_fd)
{
  cp->uri = make_uri (a->unix_path, tcp_fd,
                      a->export_name ? a->export_name : "");
  if (cp->uri == NULL) {
    perror (SERVE ": the URI for --run");
    return -1;
  }
  if (fork_command (a->run, cp->uri, a->unix_path, cp) == -1)
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
