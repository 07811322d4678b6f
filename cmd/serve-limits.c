/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry serve: the block-size limits it advertises (--blocksize-*). */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "backend.h"
#include "blocksize.h"
#include "error.h"
#include "filters/rmw.h"
#include "nbd/server/server.h"
#include "serve-internal.h"

/* A minimum below the target's own (a 4K-sector device served to clients
 * that write 512-byte sectors) is honoured through the read-modify-write
 * filter, which takes requests of any alignment.
 */
static int
relax_minimum (const struct serve_args *a, struct backend **bp)
{
  struct backend *f;

  if (a->bs_min == 0 || a->bs_min >= (*bp)->bs[BS_MINIMUM])
    return 0;
  f = rmw_filter_open (*bp);
  if (f == NULL) {
    fprintf (stderr, SERVE ": %s\n", last_error (errno));
    return -1;
  }
  *bp = f;
  return 0;
}

/* Tighten the target's limits with --blocksize-*; same rules as any
 * backend (engine/blocksize.h), and never looser than the target.
 */
static int
advertised_limits (const struct serve_args *a, const struct backend *b,
                   struct server_config *cfg)
{
  uint64_t raw[BS_NR], out[BS_NR];

  memcpy (raw, b->bs, sizeof raw);
  if (a->bs_min) {
    raw[BS_MINIMUM] = a->bs_min;
    if (!a->bs_pref && raw[BS_PREFERRED] < a->bs_min)
      raw[BS_PREFERRED] = a->bs_min;
  }
  if (a->bs_pref)
    raw[BS_PREFERRED] = a->bs_pref;
  if (a->bs_max) {
    if (a->bs_max > b->bs[BS_MAX_DATA]) {
      fprintf (stderr, SERVE ": --blocksize-maximum %" PRIu64
               " is above the target's maximum %" PRIu64 "\n",
               a->bs_max, b->bs[BS_MAX_DATA]);
      return -1;
    }
    raw[BS_MAX_DATA] = a->bs_max;
  }
  raw[BS_MAX_TRIM] = raw[BS_MAX_ZERO] = raw[BS_MAX_CACHE] = 0;
  if (blocksize_apply_rules (SERVE, b->size, raw, out) == -1) {
    fprintf (stderr, "%s\n", last_error (errno));
    return -1;
  }
  cfg->minimum = out[BS_MINIMUM];
  cfg->preferred = out[BS_PREFERRED];
  cfg->maximum = out[BS_MAX_DATA];
  return 0;
}

int
serve_limits (const struct serve_args *a, struct backend **bp,
              struct server_config *cfg)
{
  if (relax_minimum (a, bp) == -1)
    return -1;
  return advertised_limits (a, *bp, cfg);
}
