/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: one way to parse a command line (optparse.h). */
#include <config.h>

#include <popt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "cleanup.h"
#include "optparse.h"

/* Options every program has; their popt values start at STD. */
enum { STD = 0x1000, STD_HELP = STD, STD_USAGE, STD_VERSION, STD_SHORT,
       STD_LONG, STD_POD, STD_COMPLETION };

static struct opt std_options[] = {
  { "help", '?', .help = "Show this help" },
  { "usage", 0, .help = "Show a short usage message" },
  { "version", 'V', .help = "Print the version and exit" },
  { "short-options", 0, .flags = OPT_HIDDEN,
    .help = "List the short options (for shell completion)" },
  { "long-options", 0, .flags = OPT_HIDDEN,
    .help = "List the long options (for shell completion)" },
  { "print-pod-options", 0, .flags = OPT_HIDDEN,
    .help = "Print the options as POD (builds the manual page)" },
  { "print-completion", 0, .flags = OPT_HIDDEN,
    .help = "Print the options and subcommands as words for the bash "
    "completion (builds it)" },
  { NULL }
};

/* A table whose entry does not say what to do with its value is a bug:
 * say which entry at once, whatever the command line.
 */
static int
check_table (const struct opt_program *p)
{
  const struct opt *o;

  for (o = p->options; o->name; ++o) {
    int targets = !!o->flag + !!o->incr + !!o->string + !!o->count +
      !!o->size + !!o->call;
    bool needs_arg = o->string || o->count || o->size;
    bool takes_none = o->flag || o->incr;

    if (targets != 1 || (needs_arg && !o->arg) || (takes_none && o->arg) ||
        (o->count && o->max == 0)) {
      fprintf (stderr, "%s: option table: --%s needs exactly one target "
               "and an argument name when it takes an argument\n",
               p->name, o->name);
      return -1;
    }
  }
  return 0;
}

static void
to_popt (const struct opt *o, int val, struct poptOption *po)
{
  *po = (struct poptOption) {
    .longName = o->name, .shortName = o->short_name,
    .argInfo = o->arg ? POPT_ARG_STRING : POPT_ARG_NONE,
    .val = val, .descrip = o->help, .argDescrip = o->arg,
  };
  if (o->flags & OPT_OPTIONAL)
    po->argInfo |= POPT_ARGFLAG_OPTIONAL;
  if (o->flags & OPT_HIDDEN)
    po->argInfo |= POPT_ARGFLAG_DOC_HIDDEN;
}

/* The popt table: the program's options, then the standard ones under
 * "Help options:" as popt's own help table shows them.
 */
static struct poptOption *
popt_table (const struct opt_program *p)
{
  static struct poptOption std_popt[sizeof std_options / sizeof std_options[0]];
  struct poptOption *t;
  size_t n, i;

  for (i = 0; std_options[i].name; ++i)
    to_popt (&std_options[i], STD + i, &std_popt[i]);
  for (n = 0; p->options[n].name; ++n)
    ;
  t = calloc (n + 2, sizeof *t);
  if (t == NULL) {
    perror (p->name);
    return NULL;
  }
  for (i = 0; i < n; ++i)
    to_popt (&p->options[i], i + 1, &t[i]);
  t[n] = (struct poptOption) {
    .argInfo = POPT_ARG_INCLUDE_TABLE, .arg = std_popt,
    .descrip = "Help options:",
  };
  return t;
}

static void
pod_item (const struct opt *o)
{
  bool optional = o->flags & OPT_OPTIONAL;

  printf ("=item B<--%s>", o->name);
  if (o->arg)
    printf (optional ? "[=I<%s>]" : "=I<%s>", o->arg);
  /* A short option's optional argument must be attached (-p3). */
  if (o->short_name) {
    printf ("\n\n=item B<-%c>", o->short_name);
    if (o->arg)
      printf (optional ? "[I<%s>]" : " I<%s>", o->arg);
  }
  if (o->man)
    printf ("\n\n%s\n\n", o->man);
  else
    printf ("\n\n%s.\n\n", o->help);
}

/* --print-completion: one line per word the shell may complete, the
 * documented options ("--name=" when it takes an argument, then "-x") and
 * the subcommands ("command NAME").
 */
static void
completion_words (const struct opt_program *p, const struct opt *o)
{
  const struct opt_command *c;

  if (o->flags & OPT_HIDDEN)
    return;
  printf ("--%s%s\n", o->name,
          o->arg && !(o->flags & OPT_OPTIONAL) ? "=" : "");
  if (o->short_name)
    printf ("-%c\n", o->short_name);
  if (o == std_options)         /* once, after the first standard option */
    for (c = p->commands; c && c->name; ++c)
      printf ("command %s\n", c->name);
}

/* --short-options, --long-options (every option), --print-completion and
 * --print-pod-options (the documented ones, for the manual page).
 */
static void
list_options (const struct opt_program *p, int what)
{
  const struct opt *tables[] = { p->options, std_options }, *o;
  size_t i;

  for (i = 0; i < 2; ++i)
    for (o = tables[i]; o->name; ++o) {
      if (what == STD_POD && !(o->flags & OPT_HIDDEN))
        pod_item (o);
      else if (what == STD_COMPLETION)
        completion_words (p, o);
      else if (what == STD_LONG)
        printf ("--%s\n", o->name);
      else if (what == STD_SHORT && o->short_name)
        printf ("-%c\n", o->short_name);
    }
}

/* popt's help, then the subcommands with their sentences in popt's
 * column (where it put "Show this help"), then the manual page.
 */
static void
print_help (const struct opt_program *p, poptContext ctx)
{
  const struct opt_command *c;
  CLEANUP_FREE char *text = NULL;
  size_t len = 0;
  const char *at;
  int col = 0;
  FILE *fp = open_memstream (&text, &len);

  if (fp == NULL) {
    poptPrintHelp (ctx, stdout, 0);
  }
  else {
    poptPrintHelp (ctx, fp, 0);
    fclose (fp);
    fwrite (text, 1, len, stdout);
    at = strstr (text, std_options[0].help);
    while (at && at - col > text && at[-col - 1] != '\n')
      ++col;
  }
  if (p->commands && p->commands[0].name) {
    printf ("\nSubcommands (%s COMMAND --help for each):\n", p->name);
    for (c = p->commands; c->name; ++c)
      printf ("  %-*s%s\n", col > 2 ? col - 2 : 0, c->name, c->help);
  }
  printf ("\nThe manual page has the details and examples: man %s\n",
          p->manual);
}

static int
standard (const struct opt_program *p, poptContext ctx, int val)
{
  switch (val) {
  case STD_HELP: print_help (p, ctx); break;
  case STD_USAGE:
    /* popt lists the options itself: the words follow. */
    poptSetOtherOptionHelp (ctx, p->usage);
    poptPrintUsage (ctx, stdout, 0);
    break;
  case STD_VERSION:
    printf ("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
    if (p->version)
      p->version ();
    break;
  default: list_options (p, val);
  }
  return 1;
}

/* Store one option's value (ARG is ours to keep or free). */
static int
apply (const struct opt_program *p, const struct opt *o, char *arg)
{
  char name[64];
  int r = 0;

  snprintf (name, sizeof name, "--%s", o->name);
  if (o->flag)
    *o->flag = true;
  else if (o->incr)
    ++*o->incr;
  else if (o->string) {
    free (*o->string);
    *o->string = arg;
    return 0;
  }
  else if (o->count)
    r = arg_count (p->name, name, arg, o->zero_ok ? 0 : 1, o->max, o->count);
  else if (o->size)
    r = arg_size (p->name, name, arg, o->size, o->zero_ok);
  else
    r = o->call (p->name, arg);
  free (arg);
  return r;
}

/* As with getopt, an optional argument is taken only when attached (-p3,
 * --progress=3); popt would take the next word, so make the bare form
 * explicit.  Returns the word to use: *OWNED when it had to be made.
 */
static char *
bare_optional (const struct opt_program *p, char *word, char **owned)
{
  const struct opt *o;

  if (word[0] != '-')
    return word;
  for (o = p->options; o->name; ++o)
    if ((o->flags & OPT_OPTIONAL) &&
        ((o->short_name && word[1] == o->short_name && !word[2]) ||
         (word[1] == '-' && strcmp (word + 2, o->name) == 0))) {
      if (asprintf (owned, "--%s=", o->name) == -1) {
        *owned = NULL;
        return word;            /* popt reports what it makes of it */
      }
      return *owned;
    }
  return word;
}

static unsigned
max_words (const struct opt_program *p)
{
  return p->max_words ? p->max_words : p->nwords;
}

/* Lift "[ CMD ARGS ]" groups out of argv before popt sees them, so options
 * of the server's command line are never taken for ours.  Each group is
 * copied out (argv is compacted in place) and replaced by a placeholder
 * word "[N]".
 */
static int
lift_commands (const struct opt_program *p, int *argc, char **argv,
               char **cmds[], char **owned)
{
  static char *placeholder[] = { "[0]", "[1]", "[2]", "[3]" };
  unsigned n = 0;
  int i, j, out = 1;

  for (i = 1; i < *argc; ++i) {
    argv[i] = bare_optional (p, argv[i], &owned[i]);
    if (strcmp (argv[i], "[") != 0) {
      argv[out++] = argv[i];
      continue;
    }
    for (j = i + 1; j < *argc && strcmp (argv[j], "]") != 0; ++j)
      ;
    if (j == *argc || j == i + 1 || n == max_words (p) || n == 4) {
      fprintf (stderr, "%s: '[' at argument %d: expected "
               "'[ CMD ARGS ]' with a command and a closing ']'\n",
               p->name, i);
      return -1;
    }
    cmds[n] = calloc (j - i, sizeof (char *));
    if (cmds[n] == NULL) {
      perror (p->name);
      return -1;
    }
    memcpy (cmds[n], &argv[i + 1], (j - i - 1) * sizeof (char *));
    argv[out++] = placeholder[n++];
    i = j;
  }
  *argc = out;
  argv[out] = NULL;
  return 0;
}

/* The words after the options; a placeholder takes its group. */
static int
take_words (const struct opt_program *p, poptContext ctx, char **cmds[],
            struct opt_word *words)
{
  const char **args = poptGetArgs (ctx);
  unsigned n, i;

  for (n = 0; args && args[n]; ++n)
    ;
  if (n < p->nwords || n > max_words (p)) {
    fprintf (stderr, "%s: expected %s (got %u argument%s); try --help\n",
             p->name, p->words_needed, n, n == 1 ? "" : "s");
    return -1;
  }
  for (i = 0; i < n; ++i) {
    if (args[i][0] == '[' && args[i][1] >= '0' && args[i][1] <= '3' &&
        strcmp (args[i] + 2, "]") == 0) {
      words[i].command = cmds[args[i][1] - '0'];
      cmds[args[i][1] - '0'] = NULL;
      continue;
    }
    /* popt owns its argument copies: keep our own. */
    words[i].word = strdup (args[i]);
    if (words[i].word == NULL) {
      perror (p->name);
      return -1;
    }
  }
  return 0;
}

static int
run_popt (const struct opt_program *p, int argc, char *argv[], char **cmds[],
          struct opt_word *words)
{
  CLEANUP_FREE struct poptOption *table = popt_table (p);
  CLEANUP_FREE char *other = NULL;
  poptContext ctx;
  int val, r = 0;

  if (table == NULL || asprintf (&other, "[OPTION...] %s", p->usage) == -1)
    return -1;
  argv[0] = (char *) p->name;   /* for --help and --usage */
  ctx = poptGetContext (p->name, argc, (const char **) argv, table, 0);
  poptSetOtherOptionHelp (ctx, other);
  while (r == 0 && (val = poptGetNextOpt (ctx)) > 0) {
    if (val >= STD)
      r = standard (p, ctx, val);
    else
      r = apply (p, &p->options[val - 1], poptGetOptArg (ctx));
  }
  if (r == 0 && val < -1) {
    fprintf (stderr, "%s: %s: %s\n", p->name,
             poptBadOption (ctx, POPT_BADOPTION_NOALIAS), poptStrerror (val));
    r = -1;
  }
  if (r == 0)
    r = take_words (p, ctx, cmds, words);
  poptFreeContext (ctx);
  return r;
}

int
opt_parse (const struct opt_program *p, int argc, char *argv[],
           struct opt_word *words)
{
  char **cmds[4] = { NULL };
  char **owned;
  int i, r, given = argc;

  memset (words, 0, max_words (p) * sizeof *words);
  if (check_table (p) == -1)
    return -1;
  owned = calloc (argc, sizeof *owned);
  if (owned == NULL) {
    perror (p->name);
    return -1;
  }
  r = lift_commands (p, &argc, argv, cmds, owned);
  if (r == 0)
    r = run_popt (p, argc, argv, cmds, words);
  /* Groups not taken as words (an error, or --help) are ours to free. */
  for (i = 0; i < 4; ++i)
    free (cmds[i]);
  for (i = 0; i < given; ++i)
    free (owned[i]);
  free (owned);
  return r;
}

void
opt_free (const struct opt_program *p, struct opt_word *words)
{
  const struct opt *o;
  unsigned i;

  for (o = p->options; o->name; ++o)
    if (o->string) {
      free (*o->string);
      *o->string = NULL;
    }
  for (i = 0; i < max_words (p); ++i) {
    free (words[i].word);
    free (words[i].command);
    words[i] = (struct opt_word) { NULL };
  }
}
