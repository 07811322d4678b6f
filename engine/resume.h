/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: the --resume state file (DESIGN.md "Resilience").
 *
 * A bitmap of the copy's work units (one bit per unit: flat, O(units)),
 * plus what the copy was: source and destination, their sizes, the unit
 * size and every option that changes what is written.  A bit is set only
 * once a destination flush has covered the unit's writes; the file is
 * replaced atomically (a new file, fsync, rename, fsync of the directory),
 * so after a crash it holds either the old record or the new one.  Text,
 * ending in a checksum of everything before it: a truncated or edited file
 * is refused, never trusted.
 */
#ifndef NBDFERRY_RESUME_H
#define NBDFERRY_RESUME_H

#include <stdbool.h>
#include <stdint.h>

struct resume;

/* What the state belongs to: a state recorded for anything else is
 * refused, naming the field that differs.
 */
struct resume_id {
  const char *src, *dst;        /* as given on the command line */
  int64_t src_size;
  uint64_t unit;                /* the work unit size */
  /* Options that change what is written. */
  bool allocated, target_is_zero, no_extents;
  uint64_t sparse;
};

/* Read the state at path, or start an empty one when there is no file.
 * 1: a state was found and matches id; 0: no file; -1: unreadable,
 * corrupt or for another copy (a set_error message naming path and the
 * field).
 */
extern int resume_open (const char *path, const struct resume_id *id,
                        struct resume **out);
/* The destination's size, once open: a found state must match it. */
extern int resume_check_dst_size (struct resume *r, int64_t size);
extern void resume_free (struct resume *r);

/* Units finished by an earlier run, and bytes they hold. */
extern bool resume_is_done (const struct resume *r, uint64_t unit);
extern uint64_t resume_done_bytes (const struct resume *r);

/* Record units as finished (after a flush covered them) and write the
 * state out.  Thread-safe.
 */
extern void resume_mark (struct resume *r, uint64_t unit);
extern int resume_save (struct resume *r);
/* The copy is complete: the state file goes. */
extern int resume_remove (struct resume *r);

#endif /* NBDFERRY_RESUME_H */
