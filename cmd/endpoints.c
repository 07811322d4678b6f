/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: the table turning a command-line argument into a driver.
 *
 * Each driver registers one line here; nothing else in cmd/ knows drivers.
 */
#include <config.h>

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "endpoints.h"
#include "error.h"
#include "nbd/client/client.h"
#include "sources/sources.h"
#include "sinks/sinks.h"

typedef struct backend *(*open_fn) (const char *arg,
                                    const struct endpoint_opts *opts);

struct driver {
  const char *what;                       /* for messages */
  bool (*matches) (const char *arg);      /* NULL: the fallback (files) */
  bool command;                           /* serves [ CMD ARGS ] (arg NULL) */
  open_fn open_source;                    /* NULL: cannot be a source */
  open_fn open_sink;                      /* NULL: cannot be a sink */
  bool sink_in_order;                     /* its sink cannot be served */
  /* The local file arg names ("-": standard input or output; NULL: none);
   * absent: arg itself is a path.
   */
  const char *(*path) (const char *arg);
};

static const char *
no_path (const char *arg)
{
  return NULL;
}

static const struct driver drivers[] = {
  /* Registration lines go here, most specific first. */
  { .what = "NBD", .matches = endpoint_is_uri, .command = true,
    .path = no_path,
    .open_source = nbd_client_open, .open_sink = nbd_client_open },
  { .what = "null sink", .matches = null_matches, .path = no_path,
    .open_sink = null_sink_open },
  { .what = "-", .matches = stdio_matches,
    .open_source = stdin_source_open, .open_sink = stdout_sink_open },
  { .what = "zstd image", .matches = zstd_matches, .path = zstd_file_path,
    .open_source = zstd_source_open, .open_sink = zstd_sink_open,
    .sink_in_order = true },
  { .what = "synthetic image", .matches = synthetic_matches, .path = no_path,
    .open_source = synthetic_source_open },

  { .what = "file", .open_source = file_source_open,
    .open_sink = file_sink_open },
  { NULL }
};

bool
endpoint_is_uri (const char *arg)
{
  static const char *const schemes[] = {
    "nbd://", "nbds://", "nbd+unix://", "nbds+unix://",
    "nbd+vsock://", "nbds+vsock://",
  };
  size_t i;

  for (i = 0; i < sizeof schemes / sizeof schemes[0]; ++i)
    if (strncmp (arg, schemes[i], strlen (schemes[i])) == 0)
      return true;
  return false;
}

static const struct driver *
find_driver (const char *arg)
{
  size_t i;

  for (i = 0; drivers[i].what; ++i)
    if (arg == NULL ? drivers[i].command
        : !drivers[i].matches || drivers[i].matches (arg))
      return &drivers[i];
  return NULL;
}

void
endpoint_alias (const char *arg, bool sink, struct alias_set *out)
{
  const struct driver *d = arg ? find_driver (arg) : NULL;
  const char *path = d == NULL ? NULL : d->path ? d->path (arg) : arg;
  CLEANUP_CLOSE int fd = -1;
  struct stat st;

  out->n = 0;
  if (path == NULL)
    return;
  if (strcmp (path, "-") == 0) {
    /* Standard input or output is a file like any other. */
    if (fstat (sink ? STDOUT_FILENO : STDIN_FILENO, &st) == 0)
      alias_of (&st, sink ? STDOUT_FILENO : STDIN_FILENO, out);
    return;
  }
  if (stat (path, &st) == -1)
    return;
  /* Only a block device is opened: opening some devices has effects. */
  if (S_ISBLK (st.st_mode))
    fd = open (path, O_RDONLY|O_CLOEXEC|O_NOCTTY);
  alias_of (&st, fd, out);
}

bool
endpoint_writable (const char *arg)
{
  const struct driver *d = find_driver (arg);
  return d && d->open_sink && !d->sink_in_order;
}

struct backend *
endpoint_open (const char *arg, const struct endpoint_opts *opts)
{
  const char *shown = arg ? arg : "[ command ]";
  const struct driver *d = find_driver (arg);
  open_fn fn;
  struct endpoint_opts o;
  struct backend *b;

  if (d == NULL) {
    fprintf (stderr, "nbdferry: %s: no driver for this argument\n", shown);
    return NULL;
  }
  fn = opts->writable ? d->open_sink : d->open_source;
  if (fn == NULL) {
    fprintf (stderr, "nbdferry: %s: a %s cannot be used as a %s\n",
             shown, d->what, opts->writable ? "destination" : "source");
    return NULL;
  }
  clear_error ();
  o = *opts;
  if (!o.writable)
    o.src_size = -1;            /* only a sink is sized from the source */
  b = fn (arg, &o);
  if (b == NULL)
    fprintf (stderr, "nbdferry: %s\n", last_error (errno));
  return b;
}
