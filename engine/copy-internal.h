/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: state shared by the parts of the copy pipeline. */
#ifndef NBDFERRY_COPY_INTERNAL_H
#define NBDFERRY_COPY_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>

#include "copy.h"

/* Work units: big enough that asking for extents is rare, small enough that
 * threads finish together.  A multiple of every legal alignment.
 */
#define COPY_UNIT (64 * 1024 * 1024)

struct copy {
  struct backend *src, *dst;
  /* The read-modify-write filter over a dup of dst, for what is not whole
   * blocks of dst (the source's unaligned tail); NULL when all is aligned.
   */
  struct backend *rmw;
  const struct copy_opts *opts;
  struct copy_stats *stats;
  uint64_t size;                /* bytes to copy (the source size) */
  bool dst_zero;                /* [0, size) of dst reads as zero */
  unsigned slots;               /* requests in flight per worker */
  _Atomic uint64_t next_unit;   /* the next unit a worker takes */
  atomic_uint next_worker;      /* workers started: the first one uses src
                                   and dst themselves, the others dups */
  /* Workers start copying together, once each has its connections (or
   * one failed): the first, which opened none, would otherwise take every
   * unit of a small copy alone.
   */
  unsigned workers, ready;      /* under lock */
  pthread_cond_t all_ready;
  atomic_bool stop;             /* a worker failed: everyone stops */
  pthread_mutex_t lock;         /* protects the error below */
  char error[512];              /* the first failure */
};

/* Record the first failure (later ones are consequences) and stop.  WHY
 * is the failure's own text (engine/error.h): copy_fail takes it from
 * last_error (err), so call it right after the backend call that failed;
 * for anything else (a completion processed later, malloc, poll) give the
 * text to copy_fail_why.
 */
extern void copy_fail (struct copy *cp, struct backend *b, const char *op,
                       uint64_t offset, uint64_t count, int err);
extern void copy_fail_why (struct copy *cp, struct backend *b, const char *op,
                           uint64_t offset, uint64_t count, const char *why);

/* --blkhash: the source holds buf (NULL: zeroes) at offset. */
extern void copy_hash (struct copy *cp, const void *buf, uint64_t offset,
                       uint64_t count);

/* A worker has its handles: wait for the others (copy_fail wakes us). */
extern void copy_worker_ready (struct copy *cp);

/* --salvage: a read of [offset, offset+count) into buf failed with err.
 * Read what can be read, zero the rest (listed in stats->unreadable):
 * returns 0, or err when salvage is off or cannot help.
 */
extern int copy_salvage (struct copy *cp, struct backend *src, char *buf,
                         uint64_t offset, uint64_t count, int err);

/* Credit completed bytes of the source. */
extern void copy_progress (struct copy *cp, uint64_t bytes);

/* The random-access pipeline: a worker thread per unit stream. */
extern void *copy_worker (void *cp);

/* The ordered pipeline for streams: returns 0 or -1 (cp->error set). */
extern int copy_stream (struct copy *cp);

/* Decide whether the destination reads as zero (the cheapest proof first),
 * zeroing it up front when it can do that fast.
 */
extern int copy_zero_state (struct copy *cp);

/* A run of count zero bytes of the source: true if the destination already
 * reads as zero there (the bytes are counted as skipped); false if it needs
 * zero requests, sent with copy_zero_flags.
 */
extern bool copy_zero_skip (struct copy *cp, uint64_t count);
extern uint32_t copy_zero_flags (const struct copy *cp);

#endif /* NBDFERRY_COPY_INTERNAL_H */
