/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: the adaptive depth of a worker (copy-depth.h).
 *
 * Little's law: a worker with N requests of B bytes in flight over a round
 * trip of T moves at most N x B / T.  Where T is the far side's delay (a
 * WAN, a slow server, nbdkit's delay filter) only a deeper queue goes
 * faster; where T is time spent waiting behind other requests (a link or a
 * disk already busy) a deeper queue only holds more memory.  The two are
 * told apart as TCP Vegas does: in the first case the round trip stays
 * near the shortest one seen however many are in flight, in the second it
 * grows with them.
 */
#include <config.h>

#include "copy-depth.h"

void
depth_init (struct depth *d, unsigned start, unsigned max)
{
  if (start < 1)
    start = 1;
  if (start > max)
    start = max;
  /* The shortest round trip is only known from a request that waited
   * behind no other: where the depth can grow, the first ones go alone.
   */
  *d = (struct depth) { .now = start < max ? 1 : start, .start = start,
                        .max = max, .lone = start < max ? DEPTH_LONE : 0 };
}

bool
depth_sample (struct depth *d, double rtt)
{
  double mean;
  bool grow;

  if (d->base == 0 || rtt < d->base)
    d->base = rtt;
  if (d->lone > 0) {
    if (--d->lone == 0)
      d->now = d->start;
    return false;
  }
  d->sum += rtt;
  if (++d->n < d->now)
    return false;
  mean = d->sum / d->n;
  grow = d->starved && d->now < d->max && mean >= DEPTH_MIN_RTT &&
    mean <= d->base * DEPTH_QUEUEING;
  d->sum = 0;
  d->n = 0;
  d->starved = false;
  d->streak = grow ? d->streak + 1 : 0;
  if (d->streak < DEPTH_ROUNDS)
    return false;
  d->streak = 0;
  d->now = d->now * 2 < d->max ? d->now * 2 : d->max;
  return true;
}
