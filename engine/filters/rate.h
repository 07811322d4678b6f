/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: the rate filter (--rate): data read through it costs tokens
 * from one bucket shared by every dup, refilled at the rate.  Everything
 * else (extents, zero runs that are never read) is free and passes
 * through.  DESIGN.md "Rate limiting".
 */
#ifndef NBDFERRY_FILTERS_RATE_H
#define NBDFERRY_FILTERS_RATE_H

#include <stdint.h>

#include "backend.h"

/* next must be open.  On success the filter owns next; on failure (NULL,
 * errno and a set_error message) next still belongs to the caller.
 * bytes_per_second > 0.
 */
extern struct backend *rate_filter_open (struct backend *next,
                                         uint64_t bytes_per_second);

#endif /* NBDFERRY_FILTERS_RATE_H */
