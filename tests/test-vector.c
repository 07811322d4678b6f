/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* engine/vector.h: appends keep every element in order while the array
 * grows, reserve makes room without moving, remove keeps the order, reset
 * frees and leaves a usable vector, and a size that would overflow fails
 * with ENOMEM and leaves the vector as it was.
 */
#include <config.h>

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "unit.h"
#include "vector.h"

struct pair { uint64_t a, b; };
DEFINE_VECTOR_TYPE (int_vector, int);
DEFINE_VECTOR_TYPE (pair_vector, struct pair);

int
main (void)
{
  struct int_vector v = VECTOR_INIT;
  struct pair_vector pv = VECTOR_INIT;
  int *before;
  size_t i;

  for (i = 0; i < 100000; ++i)
    CHECK (int_vector_append (&v, i * 3) == 0);
  CHECK_EQ (v.len, 100000);
  CHECK (v.cap >= v.len);
  for (i = 0; i < v.len; ++i)
    if (v.ptr[i] != (int) i * 3) {
      CHECK_EQ (v.ptr[i], i * 3);
      break;
    }

  CHECK (int_vector_reserve (&v, v.cap - v.len + 1000) == 0);
  before = v.ptr;
  while (v.len < v.cap)
    CHECK (int_vector_append (&v, -1) == 0);
  CHECK (v.ptr == before);          /* reserved: no move */

  int_vector_remove (&v, 0);
  CHECK_EQ (v.ptr[0], 3);
  CHECK_EQ (v.ptr[99998], 299997);

  int_vector_reset (&v);
  CHECK (v.ptr == NULL && v.len == 0 && v.cap == 0);
  CHECK (int_vector_append (&v, 7) == 0 && v.len == 1 && v.ptr[0] == 7);
  int_vector_reset (&v);

  CHECK (pair_vector_append (&pv, (struct pair) { 1, 2 }) == 0);
  errno = 0;
  CHECK (pair_vector_reserve (&pv, SIZE_MAX / sizeof (struct pair)) == -1);
  CHECK (errno == ENOMEM);
  CHECK (pv.len == 1 && pv.ptr[0].a == 1 && pv.ptr[0].b == 2);
  pair_vector_reset (&pv);
  UNIT_EXIT ();
}
