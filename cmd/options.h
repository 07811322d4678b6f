/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: the command line (one popt table feeds parsing, --help and the
 * OPTIONS section of the manual page).
 */
#ifndef NBDFERRY_OPTIONS_H
#define NBDFERRY_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "copy.h"
#include "progress.h"

struct cmdline {
  struct copy_opts copy;
  unsigned connections;
  bool bar;                     /* -p without FD */
  int progress_fd;              /* --progress=FD, or -1 */
  enum progress_format progress_format;
  bool direct;
  char *dirty_bitmap;           /* --dirty-bitmap=NAME, or NULL */
  /* Resilience (DESIGN.md "Resilience"). */
  unsigned retries;             /* --retries: per request, 0: none */
  double retry_delay;           /* --retry-delay: seconds, doubling */
  unsigned connect_timeout, request_timeout;    /* seconds, 0: none */
  char *resume;                 /* --resume=STATEFILE, or NULL */
  /* SRC and DST: a word, or a [ CMD ARGS ] group (word NULL). */
  const char *src, *dst;
  char **src_cmd, **dst_cmd;
  char *blkhash_spec;           /* --blkhash ALG[/BLOCKSIZE], or NULL */
  char *blkhash_file;
  uint64_t rate;                /* --rate: bytes per second, 0: no limit */           /* --blkhash-file, or NULL: stdout */
};

/* 0: go on; 1: done, exit 0 (--help, --version); -1: error printed. */
extern int parse_cmdline (int argc, char *argv[], struct cmdline *cl);

#endif /* NBDFERRY_OPTIONS_H */
