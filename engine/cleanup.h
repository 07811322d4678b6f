/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: __attribute__((cleanup)) helpers for early returns, as
 * nbdkit's common/utils/cleanup.h.  A variable marked CLEANUP_* is released
 * on every way out of its scope; to hand it over on success, take it:
 * return TAKE_PTR (p) or TAKE_FD (fd).  Each helper keeps errno.
 * DESIGN.md "Small helpers: one of each" says when a goto is used instead.
 */
#ifndef NBDFERRY_CLEANUP_H
#define NBDFERRY_CLEANUP_H

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <pthread.h>

static inline void
cleanup_free (void *ptr)
{
  free (*(void **) ptr);
}
#define CLEANUP_FREE __attribute__ ((cleanup (cleanup_free)))

static inline void
cleanup_close (int *fd)
{
  if (*fd >= 0) {
    int saved = errno;
    close (*fd);
    errno = saved;
  }
}
#define CLEANUP_CLOSE __attribute__ ((cleanup (cleanup_close)))

static inline void
cleanup_unlock (pthread_mutex_t **m)
{
  pthread_mutex_unlock (*m);
}
/* Lock now, unlock at the end of the scope. */
#define LOCK_IN_SCOPE(mutex)                                    \
  pthread_mutex_t *scoped_lock_                                 \
    __attribute__ ((cleanup (cleanup_unlock))) = (mutex);       \
  pthread_mutex_lock (scoped_lock_)

struct backend;
extern void backend_close (struct backend *b);
static inline void
cleanup_backend (struct backend **b)
{
  if (*b) {
    int saved = errno;
    backend_close (*b);
    errno = saved;
  }
}
#define CLEANUP_BACKEND __attribute__ ((cleanup (cleanup_backend)))

/* For a struct extent_list that extents_init set up. */
struct extent_list;
extern void extents_free (struct extent_list *l);
static inline void
cleanup_extents (struct extent_list *l)
{
  extents_free (l);
}
#define CLEANUP_EXTENTS __attribute__ ((cleanup (cleanup_extents)))

/* The value of p, leaving NULL (or -1 for TAKE_FD) behind so that its
 * cleanup does nothing: ownership passes to whoever gets the value.
 */
#define TAKE_PTR(p) \
  ({ __typeof__ (p) take_ = (p); (p) = NULL; take_; })
#define TAKE_FD(fd) \
  ({ int take_ = (fd); (fd) = -1; take_; })

#endif /* NBDFERRY_CLEANUP_H */
