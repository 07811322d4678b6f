/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: size parsing (see size.h). */
#include <config.h>

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "size.h"

/* log2 of the multiplier for a suffix letter, or -1 if not a suffix. */
static int
suffix_shift (char c)
{
  switch (c) {
  case 'b': case 'B': return 0;
  case 's': case 'S': return 9;
  case 'k': case 'K': return 10;
  case 'm': case 'M': return 20;
  case 'g': case 'G': return 30;
  case 't': case 'T': return 40;
  case 'p': case 'P': return 50;
  case 'e': case 'E': return 60;
  default: return -1;
  }
}

int
parse_size (const char *s, uint64_t *out)
{
  const uint64_t max = INT64_MAX;
  uint64_t v = 0;
  const char *p = s;
  int shift = 0;

  if (s == NULL || *s < '0' || *s > '9')
    goto invalid;
  for (; *p >= '0' && *p <= '9'; ++p) {
    unsigned d = *p - '0';
    if (v > (max - d) / 10)
      goto range;
    v = v * 10 + d;
  }

  if (*p) {
    shift = suffix_shift (*p);
    if (shift == -1)
      goto invalid;
    ++p;
    /* "KiB", "KB" spell the same multiplier; "bB" and "sB" do not. */
    if (shift >= 10 && (strcmp (p, "iB") == 0 || strcmp (p, "B") == 0))
      p += strlen (p);
    if (*p)
      goto invalid;
  }

  if (shift > 0 && v > (max >> shift))
    goto range;
  *out = v << shift;
  return 0;

 invalid:
  errno = EINVAL;
  return -1;
 range:
  errno = ERANGE;
  return -1;
}
