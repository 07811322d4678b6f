/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: the read-modify-write filter (in the spirit of nbdkit's
 * blocksize filter).
 *
 * Over a sink with a MINIMUM block size it reports MINIMUM 1 and turns any
 * request into requests the sink accepts: the unaligned head or tail of a
 * write or zero is done by reading the sink's whole block, patching it and
 * writing it whole; the aligned body goes straight down in pieces within the
 * sink's maxima.  Unaligned reads go through a bounce block, unaligned parts
 * of a trim are ignored (trim is a hint), extents are rounded to the sink's
 * blocks, and FAST_ZERO on an unaligned part fails at once with ENOTSUP.
 *
 * Every dup() of a filter shares one lock with the original: an RMW holds it
 * exclusively from its read to its write, aligned writes, zeroes and trims
 * hold it shared, so no two RMW of a block race and no aligned write lands
 * between an RMW's read and its write.
 */
#ifndef NBDFERRY_FILTERS_RMW_H
#define NBDFERRY_FILTERS_RMW_H

#include "backend.h"

/* next must be open (backend_open_done done).  On success the filter owns
 * next (closing the filter closes it); on failure (NULL, errno and a
 * set_error message) next is left open and still belongs to the caller.
 */
extern struct backend *rmw_filter_open (struct backend *next);

#endif /* NBDFERRY_FILTERS_RMW_H */
