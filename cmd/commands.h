/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: the subcommands, `nbdferry COMMAND ARGS`. */
#ifndef NBDFERRY_COMMANDS_H
#define NBDFERRY_COMMANDS_H

#include "optparse.h"

/* Ends with { NULL }.  main() dispatches on it, and --help and the bash
 * completion list it: a new subcommand is one entry here.
 */
extern const struct opt_command commands[];

#endif /* NBDFERRY_COMMANDS_H */
