/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: sink drivers.  Each opens arg for writing and returns a backend
 * that has been through backend_open_done(), or NULL with a message recorded
 * by set_error() that names arg.
 */
#ifndef NBDFERRY_SINKS_H
#define NBDFERRY_SINKS_H

#include "backend.h"
#include "endpoint.h"

/* local: files and devices, `-`, pipes, null: */
extern struct backend *file_sink_open (const char *arg,
                                       const struct endpoint_opts *opts);
extern struct backend *stdout_sink_open (const char *arg,
                                         const struct endpoint_opts *opts);
/* A descriptor of our own on standard output, or -1 with a message (a
 * terminal is refused, as nbdcopy does).
 */
extern int stdout_dup (void);
/* A stream written once in order; takes fd over (closed on failure). */
extern struct backend *stream_sink_open (int fd, const char *name);
extern bool null_matches (const char *arg);
extern struct backend *null_sink_open (const char *arg,
                                       const struct endpoint_opts *opts);
/* zstd:FILE, a compressed image (zstd_matches is in sources/) */
extern struct backend *zstd_sink_open (const char *arg,
                                       const struct endpoint_opts *opts);

#endif /* NBDFERRY_SINKS_H */
