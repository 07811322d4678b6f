/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: typed growable arrays, the one way to grow an array.
 *
 *   DEFINE_VECTOR_TYPE (fd_vector, int);
 *   struct fd_vector fds = { 0 };        (or VECTOR_INIT)
 *   if (fd_vector_append (&fds, fd) == -1) ...   (-1 with errno ENOMEM)
 *   fds.ptr[i] for i < fds.len;  fd_vector_reset (&fds) frees it.
 *
 * Capacity doubles, so appending n elements costs O(n) copies; the size
 * in bytes is checked for overflow.  As nbdkit's common/utils/vector.h.
 */
#ifndef NBDFERRY_VECTOR_H
#define NBDFERRY_VECTOR_H

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* Make room for at least n elements of size each in *ptr (capacity *cap).
 * 0, or -1 with errno ENOMEM (on overflow too) and *ptr unchanged.
 */
extern int vector_reserve (void **ptr, size_t *cap, size_t n, size_t size);

#define VECTOR_INIT { NULL, 0, 0 }

#define DEFINE_VECTOR_TYPE(name, type)                                  \
  struct name {                                                         \
    type *ptr;                                                          \
    size_t len, cap;                                                    \
  };                                                                    \
  /* Room for n more elements without moving them. */                   \
  static inline __attribute__ ((unused)) int                           \
  name##_reserve (struct name *v, size_t n)                             \
  {                                                                     \
    if (v->cap - v->len >= n)                                           \
      return 0;                                                         \
    if (n > (size_t) -1 - v->len)                                       \
      n = (size_t) -1 - v->len;   /* vector_reserve reports ENOMEM */   \
    return vector_reserve ((void **) &v->ptr, &v->cap, v->len + n,      \
                           sizeof (type));                              \
  }                                                                     \
  static inline __attribute__ ((unused)) int                           \
  name##_append (struct name *v, type elem)                             \
  {                                                                     \
    if (name##_reserve (v, 1) == -1)                                    \
      return -1;                                                        \
    v->ptr[v->len++] = elem;                                            \
    return 0;                                                           \
  }                                                                     \
  /* Remove element i, keeping the order of the rest. */                \
  static inline __attribute__ ((unused)) void                          \
  name##_remove (struct name *v, size_t i)                              \
  {                                                                     \
    memmove (&v->ptr[i], &v->ptr[i + 1],                                \
             (v->len - i - 1) * sizeof (type));                         \
    v->len--;                                                           \
  }                                                                     \
  /* Free the elements' memory; the vector is empty and usable again. */ \
  static inline __attribute__ ((unused)) void                          \
  name##_reset (struct name *v)                                         \
  {                                                                     \
    free (v->ptr);                                                      \
    v->ptr = NULL;                                                      \
    v->len = v->cap = 0;                                                \
  }

#endif /* NBDFERRY_VECTOR_H */
