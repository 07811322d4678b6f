/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: the subcommands (commands.h). */
#include <config.h>

#include <stddef.h>

#include "commands.h"
#include "compare-cmd.h"
#include "serve.h"

const struct opt_command commands[] = {
  { "serve", serve_main,
    .help = "Export an image over NBD" },
  { "compare", compare_main,
    .help = "Compare two images (as qemu-img compare, sparse-aware)" },
  { NULL }
};
