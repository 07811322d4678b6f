/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: the retry filter (--retries), over a backend that can
 * reconnect (the NBD client).
 *
 * A request that fails is sent again, after a pause that doubles each time
 * (--retry-delay, at most RETRY_MAX_DELAY seconds), up to `retries` times.
 * Before each retry the connection is reconnected if it broke (dropped,
 * or tripped by the client's request timeout); then every request that was
 * in flight on the old connection is sent again on the new one, not just
 * the one that failed.  An error reply on a connection that still works is
 * retried on it: reconnecting would only lose the writes the server has
 * acknowledged but not yet flushed.  Answers that no retry can change
 * (ENOTSUP for a fast zero, EROFS, EINVAL) go up at once.
 *
 * Async completions are deferred: a failure seen inside the layer below's
 * callback is only recorded; the retry runs from aio_get_fd, aio_notify or
 * the submitting call, where it may block (pause, reconnect).
 *
 * Writes acknowledged on a connection that is then replaced may be lost if
 * the server did not flush them: retry_reconnects() lets the copy engine
 * notice and write them again (DESIGN.md "Resilience").
 */
#ifndef NBDFERRY_FILTERS_RETRY_H
#define NBDFERRY_FILTERS_RETRY_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "backend.h"

#define RETRY_MAX_DELAY 60.0    /* seconds: the longest pause */

/* Counters for the summary, shared by every handle of a copy. */
struct retry_stats {
  _Atomic uint64_t retries;     /* requests sent again */
  _Atomic uint64_t reconnects;  /* connections opened again */
};

struct retry_opts {
  unsigned retries;             /* per request */
  double delay;                 /* seconds before the first retry */
  struct retry_stats *stats;    /* not NULL */
};

/* next must be open and able to reconnect (backend_can_reconnect).  On
 * success the filter owns next; on failure (NULL, errno and a set_error
 * message) next is left open and still belongs to the caller.  o is copied.
 */
extern struct backend *retry_filter_open (struct backend *next,
                                          const struct retry_opts *o);

/* Sleep before retry number tries + 1: delay doubled per earlier try, at
 * most RETRY_MAX_DELAY.
 */
extern void retry_pause (double delay, unsigned tries);
/* Whether a failed first connection looks like a server that is not up
 * yet (refused, no socket yet, reset, timed out, unreachable; libnbd says
 * ENOENT for an export the server does not have yet too), worth asking
 * again with --retries; a TLS or protocol refusal is not.
 */
extern bool retry_connect_transient (int err);

/* How many times the retry layer of b (or of a filter over it) opened its
 * connection again; 0 without one.
 */
extern uint64_t retry_reconnects (struct backend *b);
/* Whether b has a retry layer. */
extern bool retry_layered (struct backend *b);

#endif /* NBDFERRY_FILTERS_RETRY_H */
