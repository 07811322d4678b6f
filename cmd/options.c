/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: the command line, compatible with nbdcopy's. */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <popt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "args.h"

enum {
  OPT_CONNECTIONS = 1, OPT_THREADS, OPT_REQUESTS, OPT_REQUEST_SIZE,
  OPT_QUEUE_SIZE, OPT_SPARSE, OPT_ALLOCATED, OPT_TARGET_ZERO, OPT_NO_EXTENTS,
  OPT_FLUSH, OPT_PROGRESS, OPT_PROGRESS_FORMAT, OPT_SYNCHRONOUS, OPT_VERBOSE,
  OPT_VERSION, OPT_DIRECT, OPT_SHORT, OPT_LONG, OPT_POD, OPT_HELP,
};

static const struct poptOption table[] = {
  { "connections", 'C', POPT_ARG_STRING, NULL, OPT_CONNECTIONS,
    "Open N connections to each NBD server that allows multi-conn "
    "(default 4); one worker thread per connection", "N" },
  { "threads", 'T', POPT_ARG_STRING, NULL, OPT_THREADS,
    "Use N worker threads (default: one per CPU for local endpoints, one "
    "per connection when a side is NBD)", "N" },
  { "requests", 'R', POPT_ARG_STRING, NULL, OPT_REQUESTS,
    "Keep up to N requests in flight per worker (default 64)", "N" },
  { "request-size", '\0', POPT_ARG_STRING, NULL, OPT_REQUEST_SIZE,
    "Size of each read and write; clamped into both sides' block-size "
    "limits (default 1M for local endpoints, 256k when a side is NBD)",
    "SIZE" },
  { "queue-size", '\0', POPT_ARG_STRING, NULL, OPT_QUEUE_SIZE,
    "Bytes of data in flight per worker, that is per NBD connection "
    "(default 4M: nbdcopy's 16M buys no speed here and costs 48 MiB)",
    "SIZE" },
  { "sparse", 'S', POPT_ARG_STRING, NULL, OPT_SPARSE,
    "Detect zero blocks of SIZE bytes in the data and do not write them "
    "(default 4096; 0 disables)", "SIZE" },
  { "allocated", '\0', POPT_ARG_NONE, NULL, OPT_ALLOCATED,
    "Fully allocate the destination: zeroes are written, never punched",
    NULL },
  { "destination-is-zero", '\0', POPT_ARG_NONE, NULL, OPT_TARGET_ZERO,
    "Assume the destination already reads as zero", NULL },
  { "target-is-zero", '\0', POPT_ARG_NONE, NULL, OPT_TARGET_ZERO,
    "Same as --destination-is-zero", NULL },
  { "no-extents", '\0', POPT_ARG_NONE, NULL, OPT_NO_EXTENTS,
    "Do not ask the source which parts are holes; read everything", NULL },
  { "flush", '\0', POPT_ARG_NONE, NULL, OPT_FLUSH,
    "Flush the destination at the end of the copy", NULL },
  { "progress", 'p', POPT_ARG_STRING | POPT_ARGFLAG_OPTIONAL, NULL,
    OPT_PROGRESS,
    "Show a progress bar on stderr; with =FD, write N/100 lines to file "
    "descriptor FD instead (as nbdcopy)", "FD" },
  { "progress-format", '\0', POPT_ARG_STRING, NULL, OPT_PROGRESS_FORMAT,
    "Format of --progress=FD lines: percent (N/100, default) or json "
    "(bytes, size, percent, elapsed, rate, phase)", "percent|json" },
  { "synchronous", '\0', POPT_ARG_NONE, NULL, OPT_SYNCHRONOUS,
    "One worker, one request at a time, no asynchronous I/O", NULL },
  { "direct", '\0', POPT_ARG_NONE, NULL, OPT_DIRECT,
    "Open files and block devices with O_DIRECT (asynchronous I/O "
    "through libaio)", NULL },
  { "verbose", 'v', POPT_ARG_NONE, NULL, OPT_VERBOSE,
    "Print the limits of each side, the plan, and a summary", NULL },
  { "version", 'V', POPT_ARG_NONE, NULL, OPT_VERSION,
    "Print the version and exit", NULL },
  { "short-options", '\0', POPT_ARG_NONE | POPT_ARGFLAG_DOC_HIDDEN, NULL,
    OPT_SHORT, "List the short options (for shell completion)", NULL },
  { "long-options", '\0', POPT_ARG_NONE | POPT_ARGFLAG_DOC_HIDDEN, NULL,
    OPT_LONG, "List the long options (for shell completion)", NULL },
  { "print-pod-options", '\0', POPT_ARG_NONE | POPT_ARGFLAG_DOC_HIDDEN, NULL,
    OPT_POD, "Print this table as POD (builds the manual page)", NULL },
  { "help", '?', POPT_ARG_NONE, NULL, OPT_HELP, "Show this help", NULL },
  POPT_TABLEEND
};

#define USAGE "SOURCE DESTINATION\n" \
  "  SOURCE, DESTINATION: FILE | DEVICE | NBD-URI | [ CMD ARGS ] | - | null:\n" \
  "  | zstd:FILE | pattern:SIZE | zero:SIZE | random:SIZE | sparse-random:SIZE"

static void
list_options (bool longs, bool pod)
{
  const struct poptOption *o;

  for (o = table; o->longName || o->shortName; ++o) {
    if (pod) {
      if (o->argInfo & POPT_ARGFLAG_DOC_HIDDEN)
        continue;
      printf ("=item B<--%s>%s%s%s", o->longName,
              o->argDescrip ? (o->argInfo & POPT_ARGFLAG_OPTIONAL ? "[=I<"
                               : "=I<") : "",
              o->argDescrip ? o->argDescrip : "",
              o->argDescrip ? (o->argInfo & POPT_ARGFLAG_OPTIONAL ? ">]"
                               : ">") : "");
      /* A short option's optional argument must be attached (-p3). */
      bool arg = o->argDescrip != NULL;
      bool optional = o->argInfo & POPT_ARGFLAG_OPTIONAL;
      if (o->shortName)
        printf ("\n\n=item B<-%c>%s%s%s", o->shortName,
                arg ? (optional ? "[I<" : " I<") : "",
                arg ? o->argDescrip : "", arg ? (optional ? ">]" : ">") : "");
      printf ("\n\n%s.\n\n", o->descrip);
    }
    else if (longs)
      printf ("--%s\n", o->longName);
    else if (o->shortName)
      printf ("-%c\n", o->shortName);
  }
}

static int
progress_opt (struct cmdline *cl, const char *arg)
{
  char *end;
  long fd;

  if (arg == NULL || *arg == '\0') {
    cl->bar = true;
    return 0;
  }
  errno = 0;
  fd = strtol (arg, &end, 10);
  if (errno || end == arg || *end || fd < 0 || fd > INT_MAX)
  {
    fprintf (stderr, "nbdferry: --progress: invalid value '%s': expected a "
             "file descriptor number\n", arg);
    return -1;
  }
  cl->progress_fd = fd;
  return 0;
}

/* One option; 1 when the program should exit successfully. */
static int
handle (poptContext ctx, int opt, struct cmdline *cl)
{
  const char *arg = poptGetOptArg (ctx);
  struct copy_opts *c = &cl->copy;
  int r = 0;

  switch (opt) {
  case OPT_CONNECTIONS: r = arg_count ("nbdferry", "--connections", arg, 1024, &cl->connections);
    break;
  case OPT_THREADS: r = arg_count ("nbdferry", "--threads", arg, 1024, &c->threads); break;
  case OPT_REQUESTS: r = arg_count ("nbdferry", "--requests", arg, 1024, &c->requests); break;
  case OPT_REQUEST_SIZE:
    r = arg_size ("nbdferry", "--request-size", arg, &c->request_size, false); break;
  case OPT_QUEUE_SIZE:
    r = arg_size ("nbdferry", "--queue-size", arg, &c->queue_size, false); break;
  case OPT_SPARSE: r = arg_size ("nbdferry", "--sparse", arg, &c->sparse, true); break;
  case OPT_ALLOCATED: c->allocated = true; break;
  case OPT_TARGET_ZERO: c->target_is_zero = true; break;
  case OPT_NO_EXTENTS: c->no_extents = true; break;
  case OPT_FLUSH: c->flush = true; break;
  case OPT_PROGRESS: r = progress_opt (cl, arg); break;
  case OPT_PROGRESS_FORMAT:
    if (strcmp (arg, "json") == 0)
      cl->progress_format = PROGRESS_JSON;
    else if (strcmp (arg, "percent") == 0)
      cl->progress_format = PROGRESS_PERCENT;
    else
      fprintf (stderr, "nbdferry: --progress-format: invalid value '%s': "
               "expected percent or json\n", arg), r = -1;
    break;
  case OPT_SYNCHRONOUS: c->synchronous = true; break;
  case OPT_DIRECT: cl->direct = true; break;
  case OPT_VERBOSE: c->verbose++; break;
  case OPT_VERSION: printf ("nbdferry %s\n", PACKAGE_VERSION); r = 1; break;
  case OPT_SHORT: list_options (false, false); r = 1; break;
  case OPT_LONG: list_options (true, false); r = 1; break;
  case OPT_POD: list_options (false, true); r = 1; break;
  case OPT_HELP: poptPrintHelp (ctx, stdout, 0); r = 1; break;
  }
  free ((char *) arg);
  return r;
}

/* Lift "[ CMD ARGS ]" groups out of argv before popt sees them, so options
 * of the server's command line are never taken for ours.  Each group is
 * copied out (argv is compacted in place) and replaced by a placeholder
 * word "[N]".
 */
static int
lift_commands (int *argc, char **argv, char **cmds[2])
{
  int i, j, out = 1, n = 0;

  for (i = 1; i < *argc; ++i) {
    /* As with getopt, -p takes an FD only when attached (-p3, --progress=3):
     * popt would take the next word, so make the bare form explicit.
     */
    if (strcmp (argv[i], "-p") == 0 || strcmp (argv[i], "--progress") == 0)
      argv[i] = (char *) "--progress=";
    if (strcmp (argv[i], "[") != 0) {
      argv[out++] = argv[i];
      continue;
    }
    for (j = i + 1; j < *argc && strcmp (argv[j], "]") != 0; ++j)
      ;
    if (j == *argc || j == i + 1 || n == 2) {
      fprintf (stderr, "nbdferry: '[' at argument %d: expected "
               "'[ CMD ARGS ]' with a command and a closing ']'\n", i);
      return -1;
    }
    cmds[n] = calloc (j - i, sizeof (char *));
    if (cmds[n] == NULL) {
      perror ("nbdferry: calloc");
      return -1;
    }
    memcpy (cmds[n], &argv[i + 1], (j - i - 1) * sizeof (char *));
    argv[out++] = n++ == 0 ? (char *) "[0]" : (char *) "[1]";
    i = j;
  }
  *argc = out;
  argv[out] = NULL;
  return 0;
}

static int
positional (poptContext ctx, char **cmds[2], struct cmdline *cl)
{
  const char **args = poptGetArgs (ctx);
  const char *words[2];
  char **groups[2] = { NULL, NULL };
  int n, i;

  for (n = 0; args && args[n]; ++n)
    if (n < 2)
      words[n] = args[n];
  if (n != 2) {
    fprintf (stderr, "nbdferry: expected SOURCE and DESTINATION "
             "(got %d argument%s); try --help\n", n, n == 1 ? "" : "s");
    return -1;
  }
  for (i = 0; i < 2; ++i)
    if (strcmp (words[i], "[0]") == 0 || strcmp (words[i], "[1]") == 0) {
      groups[i] = cmds[words[i][1] - '0'];
      words[i] = NULL;
    }
  /* popt owns its argument copies: keep our own. */
  cl->src = words[0] ? strdup (words[0]) : NULL;
  cl->dst = words[1] ? strdup (words[1]) : NULL;
  if ((words[0] && !cl->src) || (words[1] && !cl->dst)) {
    perror ("nbdferry: strdup");
    return -1;
  }
  cl->src_cmd = groups[0];
  cl->dst_cmd = groups[1];
  /* Whichever group was not used as an endpoint is ours to free. */
  for (i = 0; i < 2; ++i)
    if (cmds[i] != cl->src_cmd && cmds[i] != cl->dst_cmd) {
      free (cmds[i]);
      cmds[i] = NULL;
    }
  return 0;
}

int
parse_cmdline (int argc, char *argv[], struct cmdline *cl)
{
  char **cmds[2] = { NULL, NULL };
  poptContext ctx;
  int opt, r = 0;

  *cl = (struct cmdline) {
    .copy = { .requests = 64, .queue_size = 4 << 20, .sparse = 4096 },
    .connections = 4, .progress_fd = -1,
  };
  if (lift_commands (&argc, argv, cmds) == -1) {
    free (cmds[0]);
    return -1;
  }
  ctx = poptGetContext ("nbdferry", argc, (const char **) argv, table, 0);
  poptSetOtherOptionHelp (ctx, "[OPTION...] " USAGE);
  while (r == 0 && (opt = poptGetNextOpt (ctx)) > 0)
    r = handle (ctx, opt, cl);
  if (r == 0 && opt < -1) {
    fprintf (stderr, "nbdferry: %s: %s\n",
             poptBadOption (ctx, POPT_BADOPTION_NOALIAS), poptStrerror (opt));
    r = -1;
  }
  if (r == 0)
    r = positional (ctx, cmds, cl);
  else {
    free (cmds[0]);
    free (cmds[1]);
  }
  cl->copy.connections = cl->connections;
  poptFreeContext (ctx);
  return r;
}
