/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: parse a size with an optional binary suffix ("64k", "1M"). */
#ifndef NBDFERRY_SIZE_H
#define NBDFERRY_SIZE_H

#include <stdint.h>

/* Accepts decimal digits followed by an optional suffix: b (bytes), s
 * (512-byte sectors), or k, M, G, T, P, E in either case (multiples of
 * 1024), each optionally followed by "iB" or "B" ("4KiB", "4KB", "4K").
 * Returns 0 and sets *out, or -1 with errno EINVAL (not a size) or ERANGE
 * (does not fit in 63 bits, so it is also a valid off_t).  Nothing is
 * recorded with set_error: the caller names the argument.
 */
extern int parse_size (const char *s, uint64_t *out);

#endif /* NBDFERRY_SIZE_H */
