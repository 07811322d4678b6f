/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: block-size limits and request planning.
 *
 * The rules (DESIGN.md "Limits"), applied to every backend when it opens:
 *
 *   MINIMUM    power of 2, 1..64 KiB; size aligned to it      default 1
 *   PREFERRED  power of 2, max(512, MIN)..PREF_CAP           default max(4 KiB, MIN)
 *   MAX_DATA   multiple of MIN, >= PREFERRED, <= DATA_CAP    default DATA_CAP
 *   MAX_TRIM, MAX_ZERO  multiple of MIN                       default 4 GiB - MIN
 *   MAX_CACHE  multiple of MIN                                default MAX_DATA
 *
 * A value of 0 means "not stated, use the default".  0xFFFFFFFF (NBD's "no
 * limit") for a maximum means the same.  Larger preferred sizes than
 * PREF_CAP (NBD allows up to 32 MiB) and maxima above the caps are clamped,
 * not refused: they are hints that we cannot use, not broken promises.
 */
#ifndef NBDFERRY_BLOCKSIZE_H
#define NBDFERRY_BLOCKSIZE_H

#include <stdint.h>

#include "backend.h"

#define BS_MIN_CAP   (64 * 1024)
#define BS_PREF_CAP  (2 * 1024 * 1024)
#define BS_DATA_CAP  (64 * 1024 * 1024)
#define BS_ZERO_DEFAULT(min) ((UINT64_C(4) << 30) - (min))

/* The default data request when the user gives no --request-size. */
#define PLAN_DEFAULT_REQUEST (1024 * 1024)

/* Turn raw answers (0 = default) into validated limits.  On a broken rule
 * return -1/EINVAL with a message naming backend and limit (set_error).
 * size < 0 means unknown (a stream).
 */
extern int blocksize_apply_rules (const char *backend, int64_t size,
                                  const uint64_t raw[BS_NR],
                                  uint64_t out[BS_NR]);

extern const char *blocksize_name (enum bs_which which);

struct plan {
  uint64_t align;               /* every offset and length is a multiple */
  uint64_t data;                /* read/write request size */
  uint64_t zero;                /* zero request size */
  uint64_t trim;                /* trim request size */
  uint64_t sparse;              /* zero-detection granularity, 0 = off */
  char note[256];               /* why --request-size was changed, or "" */
};

/* Plan requests from both sides' validated limits, the user's
 * --request-size (0 = default) and -S (0 = no zero detection).
 */
extern void plan_requests (const uint64_t src[BS_NR], const uint64_t dst[BS_NR],
                           uint64_t request_size, uint64_t sparse_size,
                           struct plan *p);

static inline int
is_power_of_2 (uint64_t v)
{
  return v && (v & (v - 1)) == 0;
}

static inline uint64_t
round_down (uint64_t v, uint64_t align)
{
  return v - v % align;
}

static inline uint64_t
round_up (uint64_t v, uint64_t align)
{
  return round_down (v + align - 1, align);
}

#endif /* NBDFERRY_BLOCKSIZE_H */
