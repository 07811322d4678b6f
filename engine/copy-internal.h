/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: state shared by the parts of the copy pipeline. */
#ifndef NBDFERRY_COPY_INTERNAL_H
#define NBDFERRY_COPY_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>

#include "copy.h"

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
  bool checkpoints;             /* workers flush now and then (resilience) */
  pthread_mutex_t lock;         /* protects the error below */
  char error[512];              /* the first failure */
};

/* A signal asked to stop (stop issuing work, finish what is in flight). */
static inline bool
copy_interrupted (const struct copy *cp)
{
  return cp->opts->interrupted && *cp->opts->interrupted;
}

/* No new work: a failure or a signal. */
static inline bool
copy_halted (struct copy *cp)
{
  return atomic_load (&cp->stop) || copy_interrupted (cp);
}

/* Checkpoints (copy-checkpoint.c): with --resume, or --retries on the
 * destination, a worker flushes its destination connection at least every
 * CHECKPOINT_SECS or CHECKPOINT_UNITS units.  The units written since the
 * last checkpoint count as finished (and are recorded for --resume) only if
 * the connection was never reopened in between; otherwise they are copied
 * again.
 */
#define CHECKPOINT_SECS 5
#define CHECKPOINT_UNITS 16

struct checkpoint {
  uint64_t unit[CHECKPOINT_UNITS];      /* starts of units since the last */
  unsigned n;
  double last;                  /* when (monotonic seconds) */
  uint64_t reconnects;          /* of the worker's destination, then */
};

extern void checkpoint_init (struct copy *cp, struct checkpoint *k,
                             struct backend *dst);
/* Count a finished unit; true when a checkpoint is due. */
extern bool checkpoint_add (struct checkpoint *k, uint64_t start);
/* Flush dst (and the read-modify-write connection) and record the units:
 * 0 done, 1 dst was reopened (copy the units again, then commit again),
 * -1 failed (copy_fail called).
 */
extern int checkpoint_commit (struct copy *cp, struct checkpoint *k,
                              struct backend *dst);
/* An earlier run (--resume) finished [start, end): credit it, true. */
extern bool checkpoint_resumed (struct copy *cp, uint64_t start,
                                uint64_t end);

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

/* A worker's depth grew to n requests in flight. */
extern void copy_depth_reached (struct copy *cp, unsigned n);

/* Coalesced reads (copy-coalesce.c), for a source whose `coalesce` answer
 * is not 0.  The run of data that begins at extent *i of l (data): it goes
 * on across each hole that reads as zero and is at most max_hole bytes,
 * while data follows it.  Returns where the run ends; *i is its last
 * extent.
 */
struct extent;
struct extent_list;
extern uint64_t coalesce_run (const struct extent_list *l, size_t *i,
                              uint64_t max_hole);
/* The extents of l in [offset, offset+count) into map (what one read of
 * the run covers), from the index *cursor on (advanced past the extents
 * before offset); map is left empty when the range is all data.  0 or -1.
 */
extern int coalesce_map (struct extent_list *map, const struct extent_list *l,
                         size_t *cursor, uint64_t offset, uint64_t count);
/* A read of [offset, offset+count) into buf failed with err.  With a map
 * (the read crossed holes), read its data pieces again one by one and
 * zero its holes, salvaging only the pieces that still fail; without,
 * salvage the whole read.  0, or the error and in *failed the range it
 * belongs to.
 */
extern int coalesce_read_again (struct copy *cp, struct backend *src,
                                char *buf, uint64_t offset, uint64_t count,
                                const struct extent_list *map, int err,
                                struct extent *failed);

/* Probing a fragmented source's units instead of mapping them in full
 * (copy-coalesce.c): a worker's sense of the units it copies.
 */
struct map_sense {
  bool probe;                   /* read the next unit by probing */
  uint64_t long_zero;           /* zero runs over `coalesce` found in it */
};
#define PROBE_WINDOW (4 * 1024 * 1024)
/* The next unit is to be probed. */
extern bool coalesce_probing (const struct copy *cp, const struct backend *src,
                              const struct map_sense *m);
/* A map with at least one extent per PROBE_DENSE bytes: the next unit
 * may be probed.
 */
extern bool coalesce_fragmented (const struct extent_list *l);
/* A unit was mapped in full (l) and read bytes of it were read. */
extern void coalesce_mapped (struct map_sense *m, const struct extent_list *l,
                             uint64_t read);
/* A unit of range bytes was probed (m->long_zero counted meanwhile). */
extern void coalesce_probed (struct map_sense *m, uint64_t range);
/* The long hole (over src->coalesce, whole blocks of align unless it
 * reaches end) that starts at offset, from a one-extent question: its
 * length, or 0 where the window is to be read.
 */
extern uint64_t coalesce_probe_hole (struct backend *src, uint64_t offset,
                                     uint64_t end, uint64_t align,
                                     struct extent_list *scratch);

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
