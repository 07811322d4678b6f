/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: __attribute__((cleanup)) helpers for early returns. */
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
  if (*b)
    backend_close (*b);
}
#define CLEANUP_BACKEND __attribute__ ((cleanup (cleanup_backend)))

#endif /* NBDFERRY_CLEANUP_H */
