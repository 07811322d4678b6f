/* nbdferry: a minimal harness for C unit tests. */
#ifndef NBDFERRY_UNIT_H
#define NBDFERRY_UNIT_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

static int unit_failures;

#define CHECK(cond)                                                     \
  do {                                                                  \
    if (!(cond)) {                                                      \
      fprintf (stderr, "%s:%d: check failed: %s\n",                     \
               __FILE__, __LINE__, #cond);                              \
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

#define UNIT_EXIT() \
  do { if (unit_failures) { fprintf (stderr, "%d failure(s)\n", unit_failures); return 1; } return 0; } while (0)

#endif /* NBDFERRY_UNIT_H */
