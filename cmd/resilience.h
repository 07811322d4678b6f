/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: the command line's part of resilience (DESIGN.md
 * "Resilience"): the first connection with --retries, --resume and
 * stopping cleanly on SIGINT / SIGTERM.
 */
#ifndef NBDFERRY_RESILIENCE_H
#define NBDFERRY_RESILIENCE_H

#include <signal.h>

#include "backend.h"
#include "endpoint.h"
#include "filters/retry.h"
#include "options.h"
#include "resume.h"

/* endpoint_open, but with --retries an NBD server that is not up yet
 * (retry_connect_transient) is asked again, with the pauses and the count
 * of a failed request; each failure is said.
 */
extern struct backend *open_retrying (const struct cmdline *cl,
                                      const char *arg,
                                      const struct endpoint_opts *o,
                                      struct retry_stats *stats);

/* The signal that asked the copy to stop, or 0. */
extern volatile sig_atomic_t stop_signal;

/* SIGINT and SIGTERM set stop_signal (a second one kills as usual). */
extern void catch_stop_signals (void);

/* Before the destination is opened (a refusal leaves it untouched): read
 * or start the --resume state for this command line and source.  Sets
 * cl->copy.resume and cl->copy.resuming.  -1 after printing one line.
 */
extern int resume_begin (struct cmdline *cl, struct backend *src);

/* The destination is open: check it against the state and record that the
 * copy has begun, so that a later run never takes the destination for new
 * or zero.  -1 after printing one line.
 */
extern int resume_started (struct cmdline *cl, struct backend *dst);

/* The end: remove the state after a success; say how far a stopped copy
 * got.  Returns the exit status for r (copy_run's result).
 */
extern int resume_end (struct cmdline *cl, int r, uint64_t done,
                       uint64_t total);

#endif /* NBDFERRY_RESILIENCE_H */
