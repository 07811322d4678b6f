/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: option values shared by `nbdferry` and `nbdferry serve`.
 * Each prints one line naming the option and the value on error.
 */
#ifndef NBDFERRY_ARGS_H
#define NBDFERRY_ARGS_H

#include <stdbool.h>
#include <stdint.h>

/* A size with an optional binary suffix (engine/size.h). */
extern int arg_size (const char *prog, const char *opt, const char *arg,
                     uint64_t *out, bool zero_ok);
/* A whole number from min (0 or 1) to max. */
extern int arg_count (const char *prog, const char *opt, const char *arg,
                      unsigned min, unsigned max, unsigned *out);
/* "PROG: OPT: invalid value 'ARG': WHY" on stderr; returns -1. */
extern int arg_invalid (const char *prog, const char *opt, const char *arg,
                        const char *why);

#endif /* NBDFERRY_ARGS_H */
