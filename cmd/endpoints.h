/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: the table turning a command-line argument into a driver. */
#ifndef NBDFERRY_ENDPOINTS_H
#define NBDFERRY_ENDPOINTS_H

#include "backend.h"
#include "endpoint.h"
#include "file/alias.h"

/* Open arg (or opts->command when arg is NULL) as a source, or as a sink
 * when opts->writable.  On failure print one line naming arg and return
 * NULL.  The result has been through backend_open_done().
 */
extern struct backend *endpoint_open (const char *arg,
                                      const struct endpoint_opts *opts);

/* What the local file or device arg names lives on (file/alias.h), as a
 * source or as a sink (for `-`: standard input or output); empty for an
 * NBD URI, null:, a synthetic image, or a file that does not exist yet.
 */
extern void endpoint_alias (const char *arg, bool sink,
                            struct alias_set *out);

/* False if arg can only be read (a synthetic image) or only written in
 * order (a zstd image): it cannot be served writable.
 */
extern bool endpoint_writable (const char *arg);

/* True if arg names an NBD URI. */
extern bool endpoint_is_uri (const char *arg);

#endif /* NBDFERRY_ENDPOINTS_H */
