/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit test: parse_size (engine/size.c). */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "size.h"

#include "unit.h"

static void
ok (const char *s, uint64_t want)
{
  uint64_t got = 0;

  if (parse_size (s, &got) == -1) {
    fprintf (stderr, "FAIL: parse_size(\"%s\") failed: %m\n", s);
    unit_failures++;
  }
  else if (got != want) {
    fprintf (stderr, "FAIL: parse_size(\"%s\") = %" PRIu64 ", want %" PRIu64
             "\n", s, got, want);
    unit_failures++;
  }
}

static void
bad (const char *s, int want_errno)
{
  uint64_t got = 12345;

  errno = 0;
  if (parse_size (s, &got) != -1 || errno != want_errno || got != 12345) {
    fprintf (stderr, "FAIL: parse_size(\"%s\") should fail with %d, "
             "got errno %d, value %" PRIu64 "\n", s ? s : "(null)",
             want_errno, errno, got);
    unit_failures++;
  }
}

int
main (void)
{
  ok ("0", 0);
  ok ("1", 1);
  ok ("512", 512);
  ok ("4097", 4097);
  ok ("64k", 65536);
  ok ("64K", 65536);
  ok ("64KiB", 65536);
  ok ("64KB", 65536);
  ok ("1M", 1 << 20);
  ok ("1m", 1 << 20);
  ok ("2G", UINT64_C(2) << 30);
  ok ("3T", UINT64_C(3) << 40);
  ok ("1P", UINT64_C(1) << 50);
  ok ("7E", UINT64_C(7) << 60);
  ok ("100b", 100);
  ok ("2s", 1024);
  ok ("0G", 0);
  ok ("9223372036854775807", INT64_MAX);
  ok ("8191P", UINT64_C(8191) << 50);

  bad (NULL, EINVAL);
  bad ("", EINVAL);
  bad ("k", EINVAL);
  bad ("-1", EINVAL);
  bad ("+1", EINVAL);
  bad (" 1", EINVAL);
  bad ("1 ", EINVAL);
  bad ("1.5M", EINVAL);
  bad ("1X", EINVAL);
  bad ("1MM", EINVAL);
  bad ("1Mi", EINVAL);
  bad ("1bB", EINVAL);
  bad ("0x10", EINVAL);
  bad ("9223372036854775808", ERANGE);
  bad ("99999999999999999999999", ERANGE);
  bad ("8E", ERANGE);
  bad ("8192P", ERANGE);
  bad ("9007199254740992k", ERANGE);

  UNIT_EXIT ();
}
