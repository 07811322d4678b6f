/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: `[ CMD ARGS ]` servers with systemd socket activation.
 *
 * The protocol (sd_listen_fds(3)): the listening socket is fd 3 in the
 * child, LISTEN_PID is the child's pid, LISTEN_FDS=1.  nbdkit and qemu-nbd
 * both accept it when given no socket options of their own.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "cleanup.h"
#include "error.h"
#include "sockact.h"

#define FIRST_SOCKET_ACTIVATION_FD 3
#define STOP_WAIT_MS 5000

struct sockact {
  pthread_mutex_t lock;
  unsigned refs;
  pid_t pid;
  bool reaped;
  int status;                   /* wait status once reaped */
  char dir[64];                 /* private temp directory */
  char path[128];               /* dir/sock */
  char *name;                   /* "[ cmd args ]" */
};

static char *
make_name (char **argv)
{
  size_t len = 4, i;
  char *s;

  for (i = 0; argv[i]; ++i)
    len += strlen (argv[i]) + 1;
  s = malloc (len + 1);
  if (s == NULL)
    return NULL;
  strcpy (s, "[");
  for (i = 0; argv[i]; ++i) {
    strcat (s, " ");
    strcat (s, argv[i]);
  }
  strcat (s, " ]");
  return s;
}

/* The child's environment: ours minus any LISTEN_* we inherited, plus the
 * socket activation variables.  LISTEN_PID is filled in after fork (the
 * slot is pre-allocated: the child must not allocate).
 */
static char **
make_env (char **pidvar)
{
  extern char **environ;
  size_t n = 0, i, j = 0;
  char **env;

  while (environ[n])
    n++;
  env = calloc (n + 4, sizeof *env);
  *pidvar = malloc (32);
  if (env == NULL || *pidvar == NULL) {
    free (env);
    free (*pidvar);
    *pidvar = NULL;
    return NULL;
  }
  for (i = 0; i < n; ++i)
    if (strncmp (environ[i], "LISTEN_", 7) != 0)
      env[j++] = environ[i];
  env[j++] = (char *) "LISTEN_FDS=1";
  env[j++] = (char *) "LISTEN_FDNAMES=nbd";
  env[j++] = *pidvar;
  env[j] = NULL;
  return env;
}

/* Async-signal-safe "LISTEN_PID=<pid>". */
static void
format_pid (char *buf, pid_t pid)
{
  char digits[24];
  int n = 0;

  do {
    digits[n++] = '0' + pid % 10;
    pid /= 10;
  } while (pid > 0);
  strcpy (buf, "LISTEN_PID=");
  buf += strlen (buf);
  while (n > 0)
    *buf++ = digits[--n];
  *buf = '\0';
}

/* In the child: put the socket on fd 3, exec.  On failure write errno to
 * errfd (close-on-exec, so the parent reads EOF on success).
 */
static void __attribute__ ((noreturn))
child (int sock, int errfd, char **argv, char **env, char *pidvar,
       pid_t parent)
{
  sigset_t mask;
  int err;

  /* A server outlives nothing: if nbdferry is killed, it is told to stop
   * (the fork runs on the main thread, which lives as long as we do).
   */
  if (prctl (PR_SET_PDEATHSIG, SIGTERM) == -1 || getppid () != parent)
    _exit (126);

  /* Move errfd out of the way of fd 3. */
  if (errfd <= FIRST_SOCKET_ACTIVATION_FD) {
    int fd = fcntl (errfd, F_DUPFD_CLOEXEC, FIRST_SOCKET_ACTIVATION_FD + 1);
    if (fd == -1)
      _exit (126);
    errfd = fd;
  }
  if (sock == FIRST_SOCKET_ACTIVATION_FD) {
    if (fcntl (sock, F_SETFD, 0) == -1)
      goto fail;
  }
  else if (dup2 (sock, FIRST_SOCKET_ACTIVATION_FD) == -1)
    goto fail;
  /* Our stdout may be the copy's destination; keep the server off it. */
  dup2 (STDERR_FILENO, STDOUT_FILENO);
  sigemptyset (&mask);
  sigprocmask (SIG_SETMASK, &mask, NULL);
  format_pid (pidvar, getpid ());
  execvpe (argv[0], argv, env);
 fail:
  err = errno;
  if (write (errfd, &err, sizeof err) == -1)
    _exit (126);
  _exit (127);
}

static int
listen_socket (struct sockact *s)
{
  struct sockaddr_un sun = { .sun_family = AF_UNIX };
  int fd;

  strcpy (s->dir, "/tmp/nbdferryXXXXXX");
  if (mkdtemp (s->dir) == NULL) {
    s->dir[0] = '\0';
    return -1;
  }
  snprintf (s->path, sizeof s->path, "%s/sock", s->dir);
  strcpy (sun.sun_path, s->path);
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd == -1)
    return -1;
  if (bind (fd, (struct sockaddr *) &sun, sizeof sun) == -1 ||
      listen (fd, SOMAXCONN) == -1) {
    close (fd);
    return -1;
  }
  return fd;
}

/* Fork and exec; wait until exec succeeded or failed. */
static int
spawn (struct sockact *s, int sock, char **argv)
{
  CLEANUP_FREE char **env = NULL;
  CLEANUP_FREE char *pidvar = NULL;
  int errpipe[2], err = 0;
  ssize_t r;
  pid_t parent;

  env = make_env (&pidvar);
  if (env == NULL || pipe2 (errpipe, O_CLOEXEC) == -1)
    return -1;
  parent = getpid ();
  s->pid = fork ();
  if (s->pid == -1) {
    err = errno;
    close (errpipe[0]);
    close (errpipe[1]);
    errno = err;
    return -1;
  }
  if (s->pid == 0)
    child (sock, errpipe[1], argv, env, pidvar, parent);
  close (errpipe[1]);
  do
    r = read (errpipe[0], &err, sizeof err);
  while (r == -1 && errno == EINTR);
  close (errpipe[0]);
  if (r == sizeof err) {
    waitpid (s->pid, NULL, 0);
    s->pid = -1;
    errno = err;
    return -1;
  }
  return 0;
}

static void
remove_socket (struct sockact *s)
{
  if (s->path[0])
    unlink (s->path);
  if (s->dir[0])
    rmdir (s->dir);
}

struct sockact *
sockact_start (char **argv)
{
  struct sockact *s;
  int sock;

  if (argv == NULL || argv[0] == NULL) {
    errno = EINVAL;
    set_error ("[ ]: no command between the brackets");
    return NULL;
  }
  s = calloc (1, sizeof *s);
  if (s == NULL || (s->name = make_name (argv)) == NULL) {
    free (s);
    set_error_errno ("malloc");
    return NULL;
  }
  pthread_mutex_init (&s->lock, NULL);
  s->refs = 1;
  s->pid = -1;
  sock = listen_socket (s);
  if (sock == -1) {
    set_error_errno ("%s: cannot create a socket for the server", s->name);
    goto fail;
  }
  if (spawn (s, sock, argv) == -1) {
    set_error_errno ("%s: cannot run %s", s->name, argv[0]);
    close (sock);
    goto fail;
  }
  /* Only the server keeps the listening socket: if it dies, connecting
   * fails at once instead of hanging.
   */
  close (sock);
  return s;

 fail:
  remove_socket (s);
  free (s->name);
  pthread_mutex_destroy (&s->lock);
  free (s);
  return NULL;
}

struct sockact *
sockact_ref (struct sockact *s)
{
  LOCK_IN_SCOPE (&s->lock);
  s->refs++;
  return s;
}

/* Reap without blocking; true once the child is gone.  Lock held. */
static bool
reap (struct sockact *s, int options)
{
  if (!s->reaped && s->pid > 0 &&
      waitpid (s->pid, &s->status, options) == s->pid)
    s->reaped = true;
  return s->reaped;
}

static void
stop (struct sockact *s)
{
  int i;

  if (s->pid <= 0 || reap (s, WNOHANG))
    return;
  kill (s->pid, SIGTERM);
  for (i = 0; i < STOP_WAIT_MS / 10; ++i) {
    const struct timespec ts = { 0, 10 * 1000 * 1000 };
    if (reap (s, WNOHANG))
      return;
    nanosleep (&ts, NULL);
  }
  kill (s->pid, SIGKILL);
  reap (s, 0);
}

void
sockact_unref (struct sockact *s)
{
  unsigned refs;

  if (s == NULL)
    return;
  pthread_mutex_lock (&s->lock);
  refs = --s->refs;
  pthread_mutex_unlock (&s->lock);
  if (refs > 0)
    return;
  stop (s);
  remove_socket (s);
  free (s->name);
  pthread_mutex_destroy (&s->lock);
  free (s);
}

const char *
sockact_path (const struct sockact *s)
{
  return s->path;
}

const char *
sockact_name (const struct sockact *s)
{
  return s->name;
}

bool
sockact_exited (struct sockact *s, int wait_ms, char *buf, size_t len)
{
  LOCK_IN_SCOPE (&s->lock);
  while (!reap (s, WNOHANG)) {
    const struct timespec ts = { 0, 10 * 1000 * 1000 };
    if (wait_ms <= 0)
      return false;
    nanosleep (&ts, NULL);
    wait_ms -= 10;
  }
  if (WIFEXITED (s->status))
    snprintf (buf, len, "exited with status %d", WEXITSTATUS (s->status));
  else if (WIFSIGNALED (s->status))
    snprintf (buf, len, "was killed by signal %d", WTERMSIG (s->status));
  else
    snprintf (buf, len, "stopped");
  return true;
}
