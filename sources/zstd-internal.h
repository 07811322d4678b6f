/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: the two readers of zstd:FILE. */
#ifndef NBDFERRY_ZSTD_INTERNAL_H
#define NBDFERRY_ZSTD_INTERNAL_H

#include "backend.h"

/* A zstd file without a seek table, or a pipe: decompressed as a stream.
 * Takes fd over (closed on failure).
 */
extern struct backend *zstd_stream_open (int fd, const char *name);

#endif /* NBDFERRY_ZSTD_INTERNAL_H */
