/* nbdferry: the table turning a command-line argument into a driver.
 *
 * Each driver registers one line here; nothing else in cmd/ knows drivers.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "endpoints.h"
#include "error.h"
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
};

static const struct driver drivers[] = {
  /* Registration lines go here, most specific first. */
  { .what = "NBD", .matches = endpoint_is_uri, .command = true,
    .open_source = nbd_source_open, .open_sink = nbd_sink_open },
  { .what = "null sink", .matches = null_matches, .open_sink = null_sink_open },
  { .what = "-", .matches = stdio_matches,
    .open_source = stdin_source_open, .open_sink = stdout_sink_open },
  { .what = "synthetic image", .matches = synthetic_matches,
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

struct backend *
endpoint_open (const char *arg, const struct endpoint_opts *opts)
{
  const char *shown = arg ? arg : "[ command ]";
  size_t i;

  for (i = 0; drivers[i].what; ++i) {
    const struct driver *d = &drivers[i];
    open_fn fn;
    struct backend *b;

    if (arg == NULL ? !d->command : d->matches && !d->matches (arg))
      continue;
    fn = opts->writable ? d->open_sink : d->open_source;
    if (fn == NULL) {
      fprintf (stderr, "nbdferry: %s: a %s cannot be used as a %s\n",
               shown, d->what, opts->writable ? "destination" : "source");
      return NULL;
    }
    clear_error ();
    b = fn (arg, opts);
    if (b == NULL)
      fprintf (stderr, "nbdferry: %s\n", last_error (errno));
    return b;
  }
  fprintf (stderr, "nbdferry: %s: no driver for this argument\n", shown);
  return NULL;
}
