/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: zero detection. */
#ifndef NBDFERRY_ZERO_H
#define NBDFERRY_ZERO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* True if len bytes at buf are all zero. */
extern bool is_zero (const void *buf, size_t len);

/* Length of the run starting at buf made of whole blocks of blksize bytes
 * that are all zero (want_zero) or each hold data (!want_zero), at most len.
 * The last block may be short.  Used to split a read buffer into writes and
 * zero requests at -S granularity.
 */
extern size_t zero_run (const char *buf, size_t len, size_t blksize,
                        bool want_zero);

#endif /* NBDFERRY_ZERO_H */
