/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: source drivers.  Each opens arg and returns a backend that has
 * been through backend_open_done(), or NULL with a message recorded by
 * set_error() that names arg.
 */
#ifndef NBDFERRY_SOURCES_H
#define NBDFERRY_SOURCES_H

#include "backend.h"
#include "endpoint.h"

/* local: files and devices, `-`, pipes, synthetic images */
extern struct backend *file_source_open (const char *arg,
                                         const struct endpoint_opts *opts);
extern bool stdio_matches (const char *arg);    /* "-" (source or sink) */
extern struct backend *stdin_source_open (const char *arg,
                                          const struct endpoint_opts *opts);
/* A stream read once in order; takes fd over (closed on failure). */
extern struct backend *stream_source_open (int fd, const char *name);
extern bool synthetic_matches (const char *arg);
extern struct backend *synthetic_source_open (const char *arg,
                                              const struct endpoint_opts *opts);
/* zstd:FILE, a compressed image (the zstd sink shares the matcher) */
extern bool zstd_matches (const char *arg);
extern const char *zstd_file_path (const char *arg);    /* `-`: stdio */
extern struct backend *zstd_source_open (const char *arg,
                                         const struct endpoint_opts *opts);

#endif /* NBDFERRY_SOURCES_H */
