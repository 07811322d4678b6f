/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: one way to parse a command line, for `nbdferry` and `nbdferry
 * serve` alike (DESIGN.md "Command lines").
 *
 * A program is a table of struct opt.  Each entry names an option and says
 * where its value goes; the same table makes the parser, --help, --usage,
 * the shell completion (--print-completion) and the manual page's OPTIONS
 * section (--print-pod-options).  Adding an option is adding one entry.
 */
#ifndef NBDFERRY_OPTPARSE_H
#define NBDFERRY_OPTPARSE_H

#include <stdbool.h>
#include <stdint.h>

enum {
  OPT_OPTIONAL = 1,             /* the argument may be left out: --progress */
  OPT_HIDDEN = 2,               /* left out of --help and the manual page */
};

struct opt {
  const char *name;             /* --NAME; NULL ends the table */
  char short_name;              /* -X, or 0 */
  const char *arg;              /* the argument's name (N, SIZE); NULL: none */

  /* Where the value goes: exactly one of these is set. */
  bool *flag;                   /* set to true (no argument) */
  int *incr;                    /* one more each time, as -v -v (no argument) */
  char **string;                /* a copy; given again, the last one wins */
  unsigned *count;              /* a whole number from 1 (0 if zero_ok)
                                   to max */
  uint64_t *size;               /* a size with a suffix; 0 only if zero_ok */
  /* Anything else (ARG is NULL when not given): 0 to go on, 1 to exit with
   * status 0 (--version), -1 after printing one line (arg_invalid).
   */
  int (*call) (const char *prog, const char *arg);

  unsigned max;                 /* count: the largest value */
  bool zero_ok;                 /* size, count: 0 is allowed */
  unsigned flags;               /* OPT_OPTIONAL, OPT_HIDDEN */
  const char *help;             /* --help: one sentence, no final period */
  const char *man;              /* POD paragraphs for the manual page
                                   (NULL: the help sentence) */
};

/* The words after the options: a plain word, or a [ CMD ARGS ] group
 * (word NULL, command a NULL-terminated array).
 */
struct opt_word {
  char *word;
  char **command;
};

/* A subcommand: `nbdferry NAME ARGS` runs main with argv[0] = NAME. */
struct opt_command {
  const char *name;             /* NULL ends the table */
  int (*main) (int argc, char *argv[]); /* returns the exit status */
  const char *help;             /* --help: one sentence, no final period */
};

struct opt_program {
  const char *name;             /* "nbdferry serve": messages and --help */
  const char *usage;            /* the words, for --help and --usage */
  const char *words_needed;     /* "SOURCE and DESTINATION": the error */
  unsigned nwords;              /* at least (exactly) this many words */
  unsigned max_words;           /* and at most this many (0: nwords) */
  struct opt *options;          /* ends with { NULL } */
  void (*version) (void);       /* more --version lines, or NULL */
  const struct opt_command *commands; /* NULL, or ends with { NULL } */
  const char *manual;           /* the manual page --help points at */
};

/* Parse argv (which is edited in place) into the table's targets and
 * words[0 .. max_words-1] (unused ones are zero).  --help, --usage,
 * --version and the hidden lists (--short-options, --long-options,
 * --print-pod-options and --print-completion, which builds the bash
 * completion) are added to every program.  Returns 0 to go on, 1 when the
 * program should exit with status 0, or -1 after printing one line naming
 * the option or the word.
 */
extern int opt_parse (const struct opt_program *p, int argc, char *argv[],
                      struct opt_word *words);

/* Free what opt_parse stored: the table's strings and the words. */
extern void opt_free (const struct opt_program *p, struct opt_word *words);

#endif /* NBDFERRY_OPTPARSE_H */
