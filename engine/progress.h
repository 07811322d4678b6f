/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: progress reporting.
 *
 * A bar on stderr (-p): percent, bytes done / total, rate and ETA, redrawn
 * several times a second from *completed* bytes; plain lines every few
 * seconds when stderr is not a terminal.  A machine stream (--progress=FD):
 * nbdcopy's "N/100" lines, or JSON lines with --progress-format=json.
 */
#ifndef NBDFERRY_PROGRESS_H
#define NBDFERRY_PROGRESS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "clock.h"

struct progress;

enum progress_format { PROGRESS_PERCENT, PROGRESS_JSON };

/* bar_fd: the terminal bar's fd (2), or -1.  machine_fd: --progress=FD, or
 * -1.  total: bytes expected (0 when unknown: a stream).
 */
extern struct progress *progress_start (int bar_fd, int machine_fd,
                                        enum progress_format format,
                                        uint64_t total);
/* Counters JSON lines show besides the bytes, read when a line is
 * written (retries, reconnects, bytes read as data because extents
 * failed); any may be NULL.
 */
struct progress_counters {
  const _Atomic uint64_t *retries, *reconnects, *extents_failed;
};
extern void progress_set_counters (struct progress *p,
                                   const struct progress_counters *c);
/* Completed bytes so far (monotonic); cheap, called from any thread. */
extern void progress_update (struct progress *p, uint64_t done);
/* --salvage: a JSON line {"unreadable":{"offset":O,"length":L}} (nothing
 * in the other formats).
 */
extern void progress_unreadable (struct progress *p, uint64_t offset,
                                 uint64_t length);

/* What the whole copy did, for the last JSON line.  Each counter is named
 * in progress.c's summary_counters table: a new counter (retries,
 * reconnects, ...) is a field here, a line there, and its value filled in
 * where the copy ends (cmd/main.c).
 */
struct progress_summary {
  uint64_t done;                /* bytes of the source finished */
  uint64_t read;                /* bytes read from the source */
  uint64_t written;             /* bytes written as data */
  uint64_t zeroed;              /* bytes zeroed by zero requests */
  uint64_t skipped;             /* bytes left alone: already zero */
  uint64_t retries, reconnects; /* --retries: requests sent again,
                                   connections opened again */
  uint64_t extents_failed;      /* bytes read as data: extents failed */
};

/* Stop the drawing thread and write the final lines: the bar's, N/100 as
 * 100/100 on success, and in JSON one line with phase "done" (or "failed")
 * that carries the summary.
 */
extern void progress_finish (struct progress *p,
                             const struct progress_summary *sum, bool ok);

/* "1.5 GiB" */
extern void human_size (char *buf, size_t len, double bytes);

#endif /* NBDFERRY_PROGRESS_H */
