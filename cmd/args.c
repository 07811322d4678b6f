/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: option values shared by `nbdferry` and `nbdferry serve`. */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "args.h"
#include "size.h"

int
arg_invalid (const char *prog, const char *opt, const char *arg,
             const char *why)
{
  fprintf (stderr, "%s: %s: invalid value '%s': %s\n", prog, opt, arg, why);
  return -1;
}

int
arg_size (const char *prog, const char *opt, const char *arg, uint64_t *out,
          bool zero_ok)
{
  if (parse_size (arg, out) == -1)
    return arg_invalid (prog, opt, arg,
                        "expected a size such as 512, 64k, 1M, 2G");
  if (*out == 0 && !zero_ok)
    return arg_invalid (prog, opt, arg, "must not be 0");
  return 0;
}

int
arg_count (const char *prog, const char *opt, const char *arg, unsigned min,
           unsigned max, unsigned *out)
{
  char msg[64];
  char *end;
  long v;

  errno = 0;
  v = strtol (arg, &end, 10);
  if (errno || end == arg || *end || v < (long) min || v > (long) max) {
    snprintf (msg, sizeof msg, "expected a number from %u to %u", min, max);
    return arg_invalid (prog, opt, arg, msg);
  }
  *out = v;
  return 0;
}
