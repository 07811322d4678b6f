/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: zero detection (see zero.h). */
#include <config.h>

#include <string.h>

#include "zero.h"

bool
is_zero (const void *buf, size_t len)
{
  const unsigned char *p = buf;
  size_t head = len < 16 ? len : 16;
  size_t i;

  /* Check a short prefix by hand, then compare the buffer with itself
   * shifted by 16 bytes: memcmp is vectorised and stops at the first
   * difference, which for data is almost always near the start.
   */
  for (i = 0; i < head; ++i)
    if (p[i])
      return false;
  return len <= 16 || memcmp (p, p + 16, len - 16) == 0;
}

size_t
zero_run (const char *buf, size_t len, size_t blksize, bool want_zero)
{
  size_t pos = 0;

  while (pos < len) {
    size_t n = len - pos < blksize ? len - pos : blksize;
    if (is_zero (buf + pos, n) != want_zero)
      break;
    pos += n;
  }
  return pos;
}
