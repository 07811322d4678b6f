/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests: the block-size rules and the request planner. */
#include <config.h>

#include <errno.h>
#include <string.h>

#include "blocksize.h"
#include "error.h"
#include "unit.h"

#define KiB 1024
#define MiB (1024 * 1024)

static int
rules (int64_t size, uint64_t min, uint64_t pref, uint64_t max,
       uint64_t out[BS_NR])
{
  uint64_t raw[BS_NR] = { [BS_MINIMUM] = min, [BS_PREFERRED] = pref,
                          [BS_MAX_DATA] = max };
  clear_error ();
  return blocksize_apply_rules ("test", size, raw, out);
}

static void
test_defaults (void)
{
  uint64_t o[BS_NR];

  CHECK (rules (1 << 20, 0, 0, 0, o) == 0);
  CHECK_EQ (o[BS_MINIMUM], 1);
  CHECK_EQ (o[BS_PREFERRED], 4096);
  CHECK_EQ (o[BS_MAX_DATA], BS_DATA_CAP);
  CHECK_EQ (o[BS_MAX_ZERO], (UINT64_C(4) << 30) - 1);
  CHECK_EQ (o[BS_MAX_TRIM], (UINT64_C(4) << 30) - 1);
  CHECK_EQ (o[BS_MAX_CACHE], BS_DATA_CAP);
  /* A minimum above 4 KiB raises the default preference. */
  CHECK (rules (1 << 20, 16 * KiB, 0, 0, o) == 0);
  CHECK_EQ (o[BS_PREFERRED], 16 * KiB);
  CHECK_EQ (o[BS_MAX_ZERO], (UINT64_C(4) << 30) - 16 * KiB);
}

static void
test_refused (void)
{
  uint64_t o[BS_NR];

  CHECK (rules (4096, 3, 0, 0, o) == -1 && errno == EINVAL);
  CHECK (strstr (last_error (0), "test: invalid minimum") != NULL);
  CHECK (rules (1 << 20, 128 * KiB, 0, 0, o) == -1);    /* min > 64 KiB */
  CHECK (rules (4097, 512, 0, 0, o) == -1);            /* size unaligned */
  CHECK (strstr (last_error (0), "size") != NULL);
  CHECK (rules (4096, 0, 3000, 0, o) == -1);           /* pref not pow2 */
  CHECK (rules (4096, 0, 256, 0, o) == -1);            /* pref < 512 */
  CHECK (rules (1 << 20, 4096, 2048, 0, o) == -1);     /* pref < min */
  CHECK (rules (1 << 20, 512, 0, 1000, o) == -1);      /* max % min */
  CHECK (rules (1 << 20, 512, 64 * KiB, 32 * KiB, o) == -1); /* max < pref */
  CHECK (strstr (last_error (0), "maximum data") != NULL);
}

static void
test_clamped (void)
{
  uint64_t o[BS_NR];

  /* NBD's "no maximum" and oversized values are hints we clamp. */
  CHECK (rules (1 << 20, 4096, 4096, UINT32_MAX, o) == 0);
  CHECK_EQ (o[BS_MAX_DATA], BS_DATA_CAP);
  CHECK (rules (1 << 20, 0, 32 * MiB, 0, o) == 0);
  CHECK_EQ (o[BS_PREFERRED], BS_PREF_CAP);
  /* A small maximum lowers our default preference. */
  CHECK (rules (1 << 20, 0, 0, 1024, o) == 0);
  CHECK_EQ (o[BS_PREFERRED], 1024);
  CHECK_EQ (o[BS_MAX_DATA], 1024);
  /* Unknown size (a stream) is fine. */
  CHECK (rules (-1, 512, 0, 0, o) == 0);
}

static void
limits (uint64_t l[BS_NR], uint64_t min, uint64_t pref, uint64_t max)
{
  uint64_t raw[BS_NR] = { [BS_MINIMUM] = min, [BS_PREFERRED] = pref,
                          [BS_MAX_DATA] = max };
  if (blocksize_apply_rules ("plan", -1, raw, l) == -1)
    abort ();
}

static void
test_planner (void)
{
  uint64_t a[BS_NR], b[BS_NR];
  struct plan p;

  /* Defaults: 1 MiB requests, byte alignment, 4 KiB zero detection. */
  limits (a, 0, 0, 0); limits (b, 0, 0, 0);
  plan_requests (a, b, 0, 4096, &p);
  CHECK_EQ (p.align, 1);
  CHECK_EQ (p.data, PLAN_DEFAULT_REQUEST);
  CHECK_EQ (p.sparse, 4096);
  CHECK_EQ (p.note[0], 0);

  /* Alignment is the larger minimum; never above either maximum. */
  limits (a, 512, 4096, 128 * KiB); limits (b, 16 * KiB, 16 * KiB, 64 * KiB);
  plan_requests (a, b, 0, 4096, &p);
  CHECK_EQ (p.align, 16 * KiB);
  CHECK_EQ (p.data, 64 * KiB);
  CHECK_EQ (p.sparse, 16 * KiB);        /* rounded up to the alignment */
  CHECK_EQ (p.zero % p.align, 0);

  /* --request-size is clamped into range, with a note, never obeyed into
   * a failure.
   */
  plan_requests (a, b, 1 * MiB, 4096, &p);
  CHECK_EQ (p.data, 64 * KiB);
  CHECK (strstr (p.note, "above the") != NULL);
  CHECK (strstr (p.note, "using 65536") != NULL);
  plan_requests (a, b, 1000, 4096, &p);
  CHECK_EQ (p.data, 16 * KiB);          /* at least the preferred size */
  CHECK (strstr (p.note, "below the") != NULL);
  limits (a, 0, 0, 0); limits (b, 4096, 4096, 0);
  plan_requests (a, b, 100000, 0, &p);
  CHECK_EQ (p.data, 98304);             /* rounded down to 4 KiB */
  CHECK (strstr (p.note, "not a multiple of the alignment 4096") != NULL);
  CHECK_EQ (p.sparse, 0);

  /* Both preferred sizes respected where the maxima allow. */
  limits (a, 0, 64 * KiB, 0); limits (b, 0, 2 * MiB, 0);
  plan_requests (a, b, 256 * KiB, 4096, &p);
  CHECK_EQ (p.data, 2 * MiB);
  /* ... and the maxima win where they do not. */
  limits (a, 0, 0, 32 * KiB); limits (b, 0, 64 * KiB, 0);
  plan_requests (a, b, 0, 4096, &p);
  CHECK_EQ (p.data, 32 * KiB);

  /* Zero and trim sizes come from the sink. */
  {
    uint64_t raw[BS_NR] = { [BS_MINIMUM] = 4096, [BS_MAX_ZERO] = 1 * MiB,
                            [BS_MAX_TRIM] = 2 * MiB };
    CHECK (blocksize_apply_rules ("z", -1, raw, b) == 0);
    limits (a, 0, 0, 0);
    plan_requests (a, b, 0, 4096, &p);
    CHECK_EQ (p.zero, 1 * MiB);
    CHECK_EQ (p.trim, 2 * MiB);
  }
  /* A maximum that is not whole preferred blocks is cut to them. */
  {
    uint64_t raw[BS_NR] = { [BS_MINIMUM] = 1, [BS_PREFERRED] = 512,
                            [BS_MAX_ZERO] = 0xffffffff,
                            [BS_MAX_TRIM] = 300 };
    CHECK (blocksize_apply_rules ("z", -1, raw, b) == 0);
    limits (a, 0, 0, 0);
    plan_requests (a, b, 0, 4096, &p);
    CHECK_EQ (p.zero, 0xfffffe00);
    CHECK_EQ (p.trim, 300);     /* smaller than a block: as it is */
  }
}

int
main (void)
{
  test_defaults ();
  test_refused ();
  test_clamped ();
  test_planner ();
  UNIT_EXIT ();
}
