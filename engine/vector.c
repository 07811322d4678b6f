/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: growing a typed vector (vector.h). */
#include <config.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "vector.h"

int
vector_reserve (void **ptr, size_t *cap, size_t n, size_t size)
{
  size_t ncap = *cap ? *cap : 8;
  void *p;

  if (n <= *cap)
    return 0;
  while (ncap < n) {
    if (ncap > SIZE_MAX / 2) {
      ncap = n;
      break;
    }
    ncap *= 2;
  }
  if (size && ncap > SIZE_MAX / size) {
    errno = ENOMEM;
    return -1;
  }
  p = realloc (*ptr, ncap * size);
  if (p == NULL) {
    errno = ENOMEM;
    return -1;
  }
  *ptr = p;
  *cap = ncap;
  return 0;
}
