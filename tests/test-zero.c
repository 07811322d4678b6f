/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests: zero detection. */
#include <config.h>

#include <string.h>

#include "unit.h"
#include "zero.h"

int
main (void)
{
  static char buf[65536];
  size_t i;

  CHECK (is_zero (buf, 0));
  CHECK (is_zero (buf, 1));
  CHECK (is_zero (buf, sizeof buf));
  /* A single set byte anywhere is found, including in the first 16 and
   * the last byte.
   */
  for (i = 0; i < sizeof buf; i += 4093) {
    buf[i] = 1;
    CHECK (!is_zero (buf, sizeof buf));
    CHECK (is_zero (buf, i));
    buf[i] = 0;
  }
  buf[sizeof buf - 1] = 1;
  CHECK (!is_zero (buf, sizeof buf));
  CHECK (is_zero (buf, sizeof buf - 1));
  buf[sizeof buf - 1] = 0;

  /* Runs at 4 KiB granularity: zero, zero, data, zero..., short tail. */
  buf[2 * 4096 + 17] = 'x';
  CHECK_EQ (zero_run (buf, sizeof buf, 4096, true), 2 * 4096);
  CHECK_EQ (zero_run (buf + 8192, sizeof buf - 8192, 4096, false), 4096);
  CHECK_EQ (zero_run (buf + 12288, 5000, 4096, true), 5000);
  buf[12288 + 4096 + 10] = 'y';
  CHECK_EQ (zero_run (buf + 12288, 5000, 4096, true), 4096);
  CHECK_EQ (zero_run (buf + 16384, 904, 4096, false), 904);
  UNIT_EXIT ();
}
