/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: --salvage, reading what can be read of a failing source.
 *
 * A read that failed is read again in halves, down to the smallest
 * granularity the source can read (its minimum block, at least a 512-byte
 * sector); what still fails reads as zero and is listed.  DESIGN.md
 * "Salvage".
 */
#ifndef NBDFERRY_SALVAGE_H
#define NBDFERRY_SALVAGE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend.h"

/* Ranges kept in the list; more are counted in bytes, not listed. */
#define SALVAGE_MAX_RANGES 4096

struct bad_range {
  uint64_t offset, length;
};

/* The unreadable ranges, coalesced; shared by the workers. */
struct bad_ranges {
  pthread_mutex_t lock;
  struct bad_range *v;
  size_t len, cap;
  uint64_t bytes;               /* all unreadable bytes, listed or not */
  bool truncated;               /* more than SALVAGE_MAX_RANGES */
};

extern void bad_ranges_init (struct bad_ranges *l);
extern void bad_ranges_free (struct bad_ranges *l);
/* Sort by offset and merge neighbours (workers add out of order). */
extern void bad_ranges_sort (struct bad_ranges *l);

/* Read [offset, offset+count) of src into buf after a read of it failed:
 * the parts that cannot be read are zeroed in buf and added to bad.
 * 0 when buf is complete; -1 when the source is gone (the connection, not
 * the medium, failed: errno says so), which salvage cannot help.
 */
extern int salvage_read (struct backend *src, char *buf, uint64_t offset,
                         uint64_t count, struct bad_ranges *bad);

#endif /* NBDFERRY_SALVAGE_H */
