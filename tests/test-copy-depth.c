/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests: the adaptive depth of a worker (engine/copy-depth.c).
 *
 * Round trips are modelled as a server with a fixed delay and a link that
 * moves one request per `fill` seconds: the depth should grow while the
 * delay, not the link, takes the time.
 */
#include <config.h>

#include "copy-depth.h"
#include "unit.h"

/* Feed `rounds` rounds of round trips at the current depth; the worker
 * was short of slots in each when `starved`.
 */
static void
feed (struct depth *d, unsigned rounds, double delay, double fill,
      bool starved)
{
  unsigned r, i, n;

  for (r = 0; r < rounds; ++r) {
    n = d->now;
    /* The round's requests leave together, wait out the delay, then
     * cross the link one after the other.
     */
    for (i = 0; i < n; ++i) {
      if (starved)
        depth_starved (d);
      depth_sample (d, delay + (i + 1) * fill);
    }
  }
}

/* depth_init, then the round trips of the first requests, sent alone:
 * `first` for the first, `rtt` for the others.
 */
static void
start_slow (struct depth *d, unsigned first, unsigned max, double slow,
            double rtt)
{
  unsigned i;

  depth_init (d, first, max);
  CHECK_EQ (d->now, first < max ? 1 : max);
  if (first >= max)
    return;
  for (i = 0; i < DEPTH_LONE; ++i) {
    CHECK_EQ (d->now, 1);
    depth_sample (d, i == 0 ? slow : rtt);
  }
  CHECK_EQ (d->now, first);
}

static void
start (struct depth *d, unsigned first, unsigned max, double rtt)
{
  start_slow (d, first, max, rtt, rtt);
}

int
main (void)
{
  struct depth d;

  /* A distant server: 5 ms of delay, 60 us per 256 KiB request.  The
   * depth doubles to the cap (64 x 60 us is under 5 ms) and stays there.
   */
  start (&d, 16, 64, 0.005 + 60e-6);
  CHECK_EQ (d.now, 16);
  feed (&d, 1, 0.005, 60e-6, true);
  CHECK_EQ (d.now, 16);           /* one round could be a hiccup */
  feed (&d, 1, 0.005, 60e-6, true);
  CHECK_EQ (d.now, 32);
  feed (&d, 5, 0.005, 60e-6, true);
  CHECK_EQ (d.now, 64);

  /* A stall on a loaded machine (the first request and a round where
   * every request waited alike), then the round trips of a busy link: no
   * growth.
   */
  start (&d, 16, 64, 0.005);
  feed (&d, 1, 0.005, 0, true);
  feed (&d, 5, 0, 0.001, true);
  CHECK_EQ (d.now, 16);

  /* A doubling past the cap stops at the cap. */
  start (&d, 16, 24, 0.005 + 60e-6);
  feed (&d, 5, 0.005, 60e-6, true);
  CHECK_EQ (d.now, 24);

  /* The same server, but the worker never waited for a slot (a sparse
   * image's few reads per unit): nothing to gain, no growth.
   */
  start (&d, 16, 64, 0.005 + 60e-6);
  feed (&d, 10, 0.005, 60e-6, false);
  CHECK_EQ (d.now, 16);

  /* A fast server: round trips far under DEPTH_MIN_RTT.  No growth; nor
   * at 2 ms, which 16 requests of 256 KiB cover at 2 GB/s.
   */
  start (&d, 16, 64, 20e-6 + 10e-6);
  feed (&d, 10, 20e-6, 10e-6, true);
  CHECK_EQ (d.now, 16);
  start (&d, 16, 64, 0.002 + 10e-6);
  feed (&d, 10, 0.002, 10e-6, true);
  CHECK_EQ (d.now, 16);

  /* A busy link: 1 ms per request, no delay to hide.  Each request waits
   * behind the others, the round trip grows with the depth: no growth,
   * although the round trips are long.
   */
  start (&d, 16, 64, 0.001);
  feed (&d, 10, 0, 0.001, true);
  CHECK_EQ (d.now, 16);

  /* A fast server kept busy by all the workers (a local nbdferry serve):
   * a request alone takes 0.3 ms, and each of a round 4-5.6 ms, all
   * alike.  Judged against its own round's shortest, that would pass for
   * a distant server; against the request sent alone it does not.
   */
  start (&d, 16, 64, 0.0003);
  feed (&d, 10, 0.004, 0.0001, true);
  CHECK_EQ (d.now, 16);

  /* The same busy server, whose first request was slow (qemu-nbd's first
   * took 10-90 ms on a loaded machine, the next ones far less).  Taken
   * from that one alone, the shortest round trip was the round's own.
   */
  start_slow (&d, 16, 64, 0.020, 0.0003);
  feed (&d, 10, 0.004, 0.0001, true);
  CHECK_EQ (d.now, 16);

  /* A delay the link fills at 32 requests (0.3 ms each, 10 ms delay):
   * 16 -> 32, then the round trips queue and it stops.
   */
  start (&d, 16, 1024, 0.010 + 0.0003);
  feed (&d, 10, 0.010, 0.0003, true);
  CHECK_EQ (d.now, 64);
  start (&d, 16, 1024, 0.005 + 0.0003);
  feed (&d, 10, 0.005, 0.0003, true);
  CHECK_EQ (d.now, 32);

  /* Limits: the start is clamped into 1..max. */
  depth_init (&d, 16, 4);
  CHECK_EQ (d.now, 4);
  depth_init (&d, 0, 4);
  CHECK_EQ (d.now, 1);
  start (&d, 1, 1, 0.005 + 60e-6);
  feed (&d, 10, 0.005, 60e-6, true);
  CHECK_EQ (d.now, 1);

  return unit_failures ? 1 : 0;
}
