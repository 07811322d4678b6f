/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: whole reads and writes on a descriptor (EINTR and short
 * transfers retried), for every backend that does plain I/O.
 */
#ifndef NBDFERRY_FDIO_H
#define NBDFERRY_FDIO_H

#include <stddef.h>
#include <stdint.h>

/* 0, or -1 with errno.  Past the end of the file: EIO, with a message
 * naming the offset (the file shrank; never make up data).
 */
extern int fd_pread_full (int fd, void *buf, size_t count, uint64_t offset);
/* 0, or -1 with errno (ENOSPC if nothing could be written). */
extern int fd_pwrite_full (int fd, const void *buf, size_t count,
                           uint64_t offset);
extern int fd_write_full (int fd, const void *buf, size_t count);

#endif /* NBDFERRY_FDIO_H */
