/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: the table turning a command-line argument into a driver. */
#ifndef NBDFERRY_ENDPOINTS_H
#define NBDFERRY_ENDPOINTS_H

#include "backend.h"
#include "endpoint.h"

/* Open arg (or opts->command when arg is NULL) as a source, or as a sink
 * when opts->writable.  On failure print one line naming arg and return
 * NULL.  The result has been through backend_open_done().
 */
extern struct backend *endpoint_open (const char *arg,
                                      const struct endpoint_opts *opts);

/* The local file or device arg names (for the same-file check), or NULL
 * (an NBD URI, null:, -, a synthetic image).
 */
extern const char *endpoint_path (const char *arg);

/* False if arg can only be read (a synthetic image). */
extern bool endpoint_writable (const char *arg);

/* True if arg names an NBD URI. */
extern bool endpoint_is_uri (const char *arg);

#endif /* NBDFERRY_ENDPOINTS_H */
