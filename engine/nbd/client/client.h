/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: the NBD client backend (libnbd), shared by sources/nbd.c and
 * sinks/nbd.c.
 *
 * One backend is one libnbd handle, one connection.  dup() opens another
 * connection to the same place when the server advertises multi-conn, and
 * otherwise shares the handle.  `[ CMD ARGS ]` servers are started with
 * socket activation (nbd/sockact.h) and stopped when the last connection
 * to them closes.
 */
#ifndef NBDFERRY_NBD_CLIENT_H
#define NBDFERRY_NBD_CLIENT_H

#include "backend.h"
#include "endpoint.h"

/* The default maximum payload when the server advertises none: what every
 * server takes (qemu-nbd drops the connection above it).
 */
#define NBD_CLIENT_DEFAULT_MAX_DATA (32 * 1024 * 1024)

/* Block-status requests stay below this (nbdkit 1.32 aborts on a status
 * request of 0xFFFFFFFF bytes); rounded down to the minimum block size.
 */
#define NBD_CLIENT_MAX_STATUS UINT64_C(0xFFFF0000)

/* Open uri, or the `[ CMD ARGS ]` in opts->command when uri is NULL.
 * As a sink (opts->writable) the export must be writable and at least
 * opts->src_size bytes.  Returns a backend that has been through
 * backend_open_done(), or NULL with a set_error() message naming the URI
 * or the command.
 */
extern struct backend *nbd_client_open (const char *uri,
                                        const struct endpoint_opts *opts);

#endif /* NBDFERRY_NBD_CLIENT_H */
