/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: compare two images (nbdferry compare, DESIGN.md "Compare").
 *
 * Worker threads take 64 MiB units in order; in each, both sides' extents
 * split the unit into runs: a run that is zero on both sides is equal
 * without a read, a run that is zero on one side is read on the other and
 * checked for zeroes, and the rest is read on both and compared.  The part
 * of the longer image past the shorter one must read as zero (qemu-img
 * compare's rule without --strict).  The first difference is the lowest
 * one any worker found: workers stop at units past it.
 */
#ifndef NBDFERRY_COMPARE_H
#define NBDFERRY_COMPARE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "backend.h"

struct compare_opts {
  unsigned threads;             /* 0: one per CPU, or per NBD connection */
  unsigned connections;         /* cap on workers when a side is NBD */
  bool no_extents;              /* read everything */
  bool no_map;                  /* pread even where the data can be mapped */
  bool to_end;                  /* a stream: read to its end even past a
                                   difference, to learn its size */
};

struct compare_stats {
  _Atomic uint64_t read;        /* bytes read, both sides together */
  _Atomic uint64_t skipped;     /* bytes zero on both sides: not read */
  unsigned workers;
  int64_t size[2];              /* each image's size; a stream's is -1
                                   unless it was read to its end */
};

/* Compare [0, max(size a, size b)) of a and b, the part past the shorter
 * one reading as zero.  0: identical; 1: they differ, *first is the first
 * differing byte; -1: error (set_error names the side and the offset).
 * A stream (a pipe) is compared in one pass, in order, by one thread; it
 * is read until the first difference (opts->to_end: to its end).
 */
extern int compare_run (struct backend *a, struct backend *b,
                        const struct compare_opts *opts,
                        struct compare_stats *stats, uint64_t *first);

/* Inside the compare (engine/compare*.c). */
extern int compare_stream (struct backend *a, struct backend *b,
                           const struct compare_opts *opts,
                           struct compare_stats *stats, uint64_t *first);
/* The first byte where p and q differ (q NULL: zeroes), or n. */
extern uint64_t compare_first_diff (const char *p, const char *q,
                                    uint64_t n);

#endif /* NBDFERRY_COMPARE_H */
