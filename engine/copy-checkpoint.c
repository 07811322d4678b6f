/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: checkpoints of the random-access pipeline (copy-internal.h,
 * DESIGN.md "Resilience").
 *
 * A server acknowledges a write before it is durable; only a flush makes
 * it so.  When a destination connection is reopened (the server was killed
 * and restarted), what it acknowledged but no completed flush covered may
 * be gone.  So a worker writing to a destination that can reconnect, or
 * recording finished units for --resume, flushes now and then and keeps
 * the units written since: finished only if the flush completed on the
 * same connection, else copied again.
 */
#include <config.h>

#include <errno.h>
#include <time.h>

#include "copy-internal.h"
#include "filters/retry.h"
#include "clock.h"
#include "resume.h"

/* Reopened connections that carried this worker's writes. */
static uint64_t
reconnects (const struct copy *cp, struct backend *dst)
{
  return retry_reconnects (dst) + (cp->rmw ? retry_reconnects (cp->rmw) : 0);
}

void
checkpoint_init (struct copy *cp, struct checkpoint *k, struct backend *dst)
{
  k->n = 0;
  k->last = monotonic_seconds ();
  k->reconnects = reconnects (cp, dst);
}

bool
checkpoint_add (struct checkpoint *k, uint64_t start)
{
  k->unit[k->n++] = start;
  return k->n == CHECKPOINT_UNITS || monotonic_seconds () - k->last >= CHECKPOINT_SECS;
}

static int
flush (struct copy *cp, struct backend *b)
{
  if (b == NULL || !b->can_flush || backend_flush (b, 0) == 0)
    return 0;
  copy_fail (cp, b, "flush", 0, 0, errno);
  return -1;
}

int
checkpoint_commit (struct copy *cp, struct checkpoint *k,
                   struct backend *dst)
{
  uint64_t r;
  unsigned i;

  if (flush (cp, dst) == -1 || flush (cp, cp->rmw) == -1)
    return -1;
  r = reconnects (cp, dst);
  if (r != k->reconnects) {
    k->reconnects = r;
    return 1;
  }
  if (cp->opts->resume && k->n > 0) {
    for (i = 0; i < k->n; ++i)
      resume_mark (cp->opts->resume, k->unit[i] / COPY_UNIT);
    if (resume_save (cp->opts->resume) == -1) {
      copy_fail (cp, dst, "recording finished units", 0, 0, errno);
      return -1;
    }
  }
  k->n = 0;
  k->last = monotonic_seconds ();
  return 0;
}

bool
checkpoint_resumed (struct copy *cp, uint64_t start, uint64_t end)
{
  if (!cp->opts->resuming ||
      !resume_is_done (cp->opts->resume, start / COPY_UNIT))
    return false;
  atomic_fetch_add (&cp->stats->resumed, end - start);
  copy_progress (cp, end - start);
  return true;
}
