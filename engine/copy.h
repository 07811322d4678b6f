/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: the copy pipeline (DESIGN.md "The copy pipeline"). */
#ifndef NBDFERRY_COPY_H
#define NBDFERRY_COPY_H

#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "backend.h"
#include "blocksize.h"
#include "salvage.h"
#include "filters/retry.h"

struct blkhash;
struct progress;
struct resume;

/* Work units: big enough that asking for extents is rare, small enough that
 * threads finish together.  A multiple of every legal alignment.
 */
#define COPY_UNIT (64 * 1024 * 1024)

/* -T, -C and -R are maxima, as in nbdcopy (which takes any count): beyond
 * these, more threads or requests only cost memory.
 */
#define COPY_MAX_WORKERS 1024
#define COPY_MAX_SLOTS 1024

struct copy_opts {
  unsigned threads;             /* worker threads (0: one per CPU) */
  unsigned connections;         /* cap on workers using an async side */
  unsigned requests;            /* requests in flight per worker */
  uint64_t request_size;        /* 0: planned from the limits */
  uint64_t queue_size;          /* bytes in flight per worker */
  uint64_t sparse;              /* zero detection granularity, 0 = off */
  bool allocated;               /* fully allocate the destination */
  bool target_is_zero;          /* the user says the destination is zero */
  bool no_extents;              /* do not ask the source for extents */
  bool flush;                   /* flush the destination at the end */
  bool synchronous;             /* one request at a time, no async I/O */
  bool salvage;                 /* unreadable source sectors become zeroes */
  bool dirty;                   /* a delta copy: only what the source's
                                 * dirty bitmap marks (engine/dirty.h) */
  int verbose;
  struct progress *progress;    /* or NULL */
  struct blkhash *blkhash;      /* --blkhash: fed what the source holds */
  /* --resume: units are recorded there once a flush covered them; NULL
   * without.  resuming: it holds an earlier run's record, whose units are
   * skipped, and nothing else of the destination is trusted to be zero.
   */
  struct resume *resume;
  bool resuming;
  /* Set (by a signal handler) to stop issuing work, finish what is in
   * flight, flush and record; NULL: not watched.
   */
  const volatile sig_atomic_t *interrupted;
};

struct copy_stats {
  _Atomic uint64_t read;        /* bytes read from the source */
  _Atomic uint64_t written;     /* bytes written as data */
  _Atomic uint64_t zeroed;      /* bytes zeroed by zero requests */
  _Atomic uint64_t skipped;     /* bytes left alone: already zero */
  _Atomic uint64_t done;        /* bytes of the source finished */
  uint64_t total;               /* the source size (for streams: at end) */
  uint64_t dirty;               /* a delta copy: the bytes it covers (set
                                 * by the caller, from dirty_total) */
  unsigned workers;
  struct plan plan;
  /* Requests in flight per worker (engine/copy-depth.h): where each
   * starts, how deep it may go, and the deepest any went.
   */
  unsigned depth_start, depth_max;
  atomic_uint depth_reached;
  uint64_t tail;                /* bytes past dst's last whole block, done
                                 * by read-modify-write (0: none) */
  struct bad_ranges unreadable; /* --salvage: what could not be read */
  const char *zero_reason;      /* how the destination was known to read
                                   as zero, or NULL */
  struct retry_stats retry;     /* filled by the retry filters (--retries) */
  _Atomic uint64_t extents_failed;  /* bytes read as data because the
                                       source's extents failed */
  _Atomic uint64_t resumed;     /* bytes an earlier run had finished */
  _Atomic uint64_t redone;      /* bytes copied again after the destination
                                   reconnected with unflushed writes */
};

/* Copy src into dst.  -1 on failure with a message (set_error) naming the
 * side, the operation and the offset.
 */
extern int copy_run (struct backend *src, struct backend *dst,
                     const struct copy_opts *opts, struct copy_stats *stats);

#endif /* NBDFERRY_COPY_H */
