/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: the one monotonic clock every timer, timeout and rate reads. */
#ifndef NBDFERRY_CLOCK_H
#define NBDFERRY_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline double
monotonic_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline int64_t
monotonic_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#endif /* NBDFERRY_CLOCK_H */
