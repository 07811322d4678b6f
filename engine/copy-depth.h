/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: how many of its slots a worker keeps in flight.
 *
 * A worker starts at a modest depth and doubles it, up to the slots it
 * has, only while the round trip dominates: for DEPTH_ROUNDS rounds in a
 * row the worker had to wait for a slot, a slot's round trip was long
 * (DEPTH_MIN_RTT) and hardly longer than the shortest ever seen
 * (DEPTH_QUEUEING), so the time goes in the server's or the network's
 * delay, not in a queue that more requests would only make longer.  The
 * shortest round trip is first measured on requests sent alone: one
 * that waited behind others would pass a busy server for a distant one.
 * Only the number of requests grows, not their size: larger requests
 * for the same bytes in flight cost a local server more CPU than they
 * save us (DESIGN.md, "Adaptive depth").  A pure function of the
 * samples: tests/test-copy-depth.c.
 */
#ifndef NBDFERRY_COPY_DEPTH_H
#define NBDFERRY_COPY_DEPTH_H

#include <stdbool.h>

/* Below this a round trip is covered by the starting depth anyway: 4 MiB
 * in flight per 3 ms is 1.3 GiB/s per connection.  It also keeps a fast
 * server on a loaded machine, where every request waits for a CPU about
 * as long, from passing for a distant one.
 */
#define DEPTH_MIN_RTT 0.003
/* A round whose mean round trip is more than this times the shortest one
 * was spent queueing: the far side, or the link, is the bottleneck.
 */
#define DEPTH_QUEUEING 1.5
/* Rounds in a row that must say "deeper" before it goes deeper: one
 * round can be a scheduling hiccup.
 */
#define DEPTH_ROUNDS 2
/* Requests a worker sends alone before it starts at its depth.  A
 * server's first requests can be slow (qemu-nbd's took 10-90 ms, the
 * next ones 0.3-3 ms): taken from one, the shortest round trip was so
 * long that a busy local server passed for a distant one.
 */
#define DEPTH_LONE 3

struct depth {
  unsigned now;                 /* slots the worker may have in use */
  unsigned start;               /* where it starts, after the first */
  unsigned max;                 /* slots it has */
  double base;                  /* the shortest round trip (s), 0: none */
  double sum;                   /* round trips of this round */
  unsigned n;                   /* their number: a round is `now` */
  unsigned streak;              /* rounds in a row that said deeper */
  unsigned lone;                /* requests still to be sent alone */
  bool starved;                 /* this round, a slot was wanted with
                                   `now` in use */
};

extern void depth_init (struct depth *d, unsigned start, unsigned max);

/* A slot came back rtt seconds after it was taken: true when the depth
 * grew.
 */
extern bool depth_sample (struct depth *d, double rtt);

/* The worker wants a slot and has `now` in use. */
static inline void
depth_starved (struct depth *d)
{
  d->starved = true;
}

#endif /* NBDFERRY_COPY_DEPTH_H */
