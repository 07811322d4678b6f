/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: a minimal harness for C unit tests. */
#ifndef NBDFERRY_UNIT_H
#define NBDFERRY_UNIT_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "error.h"

static int unit_failures;
static int unit_skipped __attribute__ ((unused));

/* A part of the test that cannot run on this machine (not root, no loop
 * device): say why.  The test then ends in SKIP (exit 77, automake's)
 * unless something failed, so a skipped part is never counted as passed.
 */
#define UNIT_SKIP(...)                                                  \
  do {                                                                  \
    fprintf (stderr, "SKIP: " __VA_ARGS__);                             \
    fputc ('\n', stderr);                                               \
    unit_skipped++;                                                     \
  } while (0)

#define CHECK(cond)                                                     \
  do {                                                                  \
    if (!(cond)) {                                                      \
      fprintf (stderr, "%s:%d: check failed: %s (errno: %m, last "      \
               "error: %s)\n", __FILE__, __LINE__, #cond,               \
               last_error (errno));                                     \
      unit_failures++;                                                  \
    }                                                                   \
  } while (0)

#define CHECK_EQ(a, b)                                                  \
  do {                                                                  \
    uint64_t a_ = (a), b_ = (b);                                        \
    if (a_ != b_) {                                                     \
      fprintf (stderr, "%s:%d: %s == %" PRIu64 ", expected %s == %"     \
               PRIu64 "\n", __FILE__, __LINE__, #a, a_, #b, b_);        \
      unit_failures++;                                                  \
    }                                                                   \
  } while (0)

/* rnd (n): a number below n (0 when n is 0), from xorshift64 with a fixed
 * seed so that random cases replay the same.  A test may choose its seed:
 * #define UNIT_SEED before including this header.
 */
#ifndef UNIT_SEED
#define UNIT_SEED 88172645463325252ull
#endif
static uint64_t unit_rng __attribute__ ((unused)) = UNIT_SEED;

static inline uint64_t
rnd (uint64_t n)
{
  unit_rng ^= unit_rng << 13;
  unit_rng ^= unit_rng >> 7;
  unit_rng ^= unit_rng << 17;
  return n ? unit_rng % n : 0;
}

#define UNIT_EXIT()                                                     \
  do {                                                                  \
    if (unit_failures) {                                                \
      fprintf (stderr, "%d failure(s)\n", unit_failures);               \
      return 1;                                                         \
    }                                                                   \
    return unit_skipped ? 77 : 0;                                       \
  } while (0)

#endif /* NBDFERRY_UNIT_H */
