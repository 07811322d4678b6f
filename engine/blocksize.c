/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: block-size limits and request planning (see blocksize.h). */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "blocksize.h"
#include "error.h"

static const char *const names[BS_NR] = {
  [BS_MINIMUM] = "minimum",
  [BS_PREFERRED] = "preferred",
  [BS_MAX_DATA] = "maximum data",
  [BS_MAX_TRIM] = "maximum trim",
  [BS_MAX_ZERO] = "maximum zero",
  [BS_MAX_CACHE] = "maximum cache",
};

const char *
blocksize_name (enum bs_which which)
{
  return which < BS_NR ? names[which] : "unknown";
}

static int
broken (const char *backend, enum bs_which which, uint64_t v, const char *why)
{
  set_error ("%s: invalid %s block size %" PRIu64 ": %s",
             backend, names[which], v, why);
  errno = EINVAL;
  return -1;
}

/* A maximum of 0 or NBD's 0xFFFFFFFF states no limit. */
static uint64_t
max_or (uint64_t v, uint64_t dflt)
{
  return v == 0 || v == UINT32_MAX ? dflt : v;
}

int
blocksize_apply_rules (const char *backend, int64_t size,
                       const uint64_t raw[BS_NR], uint64_t out[BS_NR])
{
  uint64_t min, pref, max;
  int w;

  min = raw[BS_MINIMUM] ? raw[BS_MINIMUM] : 1;
  if (!is_power_of_2 (min) || min > BS_MIN_CAP)
    return broken (backend, BS_MINIMUM, min,
                   "must be a power of 2 from 1 to 65536");
  if (size > 0 && size % min != 0)
    return broken (backend, BS_MINIMUM, min,
                   "the size is not a multiple of it");

  pref = raw[BS_PREFERRED] ? raw[BS_PREFERRED] : (min > 4096 ? min : 4096);
  if (!is_power_of_2 (pref) || pref < 512 || pref < min)
    return broken (backend, BS_PREFERRED, pref,
                   "must be a power of 2, at least 512 and the minimum");
  if (pref > BS_PREF_CAP)
    pref = BS_PREF_CAP;

  max = max_or (raw[BS_MAX_DATA], BS_DATA_CAP);
  if (max > BS_DATA_CAP)
    max = BS_DATA_CAP;          /* a multiple of every legal minimum */
  if (max % min != 0)
    return broken (backend, BS_MAX_DATA, max,
                   "must be a multiple of the minimum");
  if (max < pref) {
    if (raw[BS_PREFERRED] != 0)
      return broken (backend, BS_MAX_DATA, max,
                     "must be at least the preferred size");
    /* Our default preference yields to a small stated maximum. */
    while (pref > max && pref > min)
      pref /= 2;
  }

  out[BS_MINIMUM] = min;
  out[BS_PREFERRED] = pref;
  out[BS_MAX_DATA] = max;
  for (w = BS_MAX_TRIM; w <= BS_MAX_ZERO; ++w) {
    uint64_t v = max_or (raw[w], BS_ZERO_DEFAULT (min));
    if (v % min != 0)
      return broken (backend, w, v, "must be a multiple of the minimum");
    out[w] = v;
  }
  out[BS_MAX_CACHE] = max_or (raw[BS_MAX_CACHE], max);
  if (out[BS_MAX_CACHE] % min != 0)
    return broken (backend, BS_MAX_CACHE, out[BS_MAX_CACHE],
                   "must be a multiple of the minimum");
  return 0;
}

static uint64_t
max64 (uint64_t a, uint64_t b)
{
  return a > b ? a : b;
}

static uint64_t
min64 (uint64_t a, uint64_t b)
{
  return a < b ? a : b;
}

/* A zero or trim request size: the sink's maximum, in whole preferred
 * blocks where it holds one, so that a big range is split on block
 * boundaries (a 4 GiB - 1 maximum must not leave a sector to be zeroed by
 * writing).  Both sizes are powers of two: the larger is a multiple of both.
 */
static uint64_t
zero_piece (uint64_t max, uint64_t preferred, uint64_t align)
{
  uint64_t unit = max64 (preferred, align);

  if (max < unit)
    unit = align;
  max = round_down (max, unit);
  return max < align ? align : max;
}

/* Why --request-size could not be used as given, for -v. */
static void
explain (const uint64_t src[BS_NR], const uint64_t dst[BS_NR],
         uint64_t asked, struct plan *p, uint64_t lo, uint64_t hi)
{
  const uint64_t *side = src[BS_PREFERRED] >= dst[BS_PREFERRED] ? src : dst;
  const char *name = side == src ? "source" : "destination";
  char why[160];

  if (asked < lo && lo == side[BS_PREFERRED])
    /* A request smaller than a side's preferred size costs that side a
     * read-modify-write (or a slow path) on every request.
     */
    snprintf (why, sizeof why, "below the %s's preferred block size %"
              PRIu64, name, lo);
  else if (asked < lo)
    snprintf (why, sizeof why, "below the alignment %" PRIu64
              " (the larger minimum block size)", lo);
  else if (asked > hi) {
    side = src[BS_MAX_DATA] <= dst[BS_MAX_DATA] ? src : dst;
    snprintf (why, sizeof why, "above the %s's largest request %" PRIu64,
              side == src ? "source" : "destination", side[BS_MAX_DATA]);
  }
  else
    snprintf (why, sizeof why, "not a multiple of the alignment %" PRIu64
              " (the larger minimum block size)", p->align);
  snprintf (p->note, sizeof p->note, "--request-size %" PRIu64 " %s: "
            "using %" PRIu64, asked, why, p->data);
}

void
plan_requests (const uint64_t src[BS_NR], const uint64_t dst[BS_NR],
               uint64_t request_size, uint64_t sparse_size, struct plan *p)
{
  uint64_t lo, hi, want;

  memset (p, 0, sizeof *p);
  /* Both minimums are powers of two: the larger is a multiple of both. */
  p->align = max64 (src[BS_MINIMUM], dst[BS_MINIMUM]);

  /* Never above either maximum; at least both preferred where they fit. */
  hi = round_down (min64 (src[BS_MAX_DATA], dst[BS_MAX_DATA]), p->align);
  if (hi < p->align)
    hi = p->align;              /* both maxima are multiples of their own min */
  lo = max64 (max64 (src[BS_PREFERRED], dst[BS_PREFERRED]), p->align);
  if (lo > hi)
    lo = hi;

  want = request_size ? request_size : PLAN_DEFAULT_REQUEST;
  if (want < lo)
    want = lo;
  if (want > hi)
    want = hi;
  want = round_down (want, p->align);
  if (want < lo)
    want = lo;
  p->data = want;
  if (request_size && request_size != p->data)
    explain (src, dst, request_size, p, lo, hi);

  p->zero = zero_piece (dst[BS_MAX_ZERO], dst[BS_PREFERRED], p->align);
  p->trim = zero_piece (dst[BS_MAX_TRIM], dst[BS_PREFERRED], p->align);

  p->sparse = sparse_size ? round_up (sparse_size, p->align) : 0;
  if (p->sparse > p->data)
    p->sparse = p->data;
}
