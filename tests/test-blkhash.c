/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests: the blkhash digest, against known digests (cross-checked
 * with Python's hashlib) and fed in every order the copy may feed it.
 */
#include <config.h>

#include <errno.h>
#include <string.h>

#include "blkhash.h"
#include "error.h"
#include "unit.h"

static void
check_hex (const char *spec, const void *buf, uint64_t size,
           const char *want)
{
  struct blkhash *h = blkhash_new (spec);
  char hex[BLKHASH_HEX_MAX] = "";

  CHECK (h != NULL);
  if (h == NULL)
    return;
  CHECK (blkhash_start (h, size, 64 * 1024 * 1024, 4) == 0);
  CHECK (blkhash_update (h, buf, 0, size) == 0);
  CHECK (blkhash_finish (h, size, hex) == 0);
  if (strcmp (hex, want) != 0) {
    fprintf (stderr, "%s: %s, expected %s\n", spec, hex, want);
    unit_failures++;
  }
  blkhash_free (h);
}

/* Digest of img[0, size) given in random pieces (zero pieces as NULL where
 * they are zero), shuffled within a window of units of 64 KiB; size < 0:
 * as a stream, in order, of unknown size.
 */
static void
digest_pieces (const char *spec, const char *img, int64_t size, char *hex)
{
  enum { UNIT = 64 * 1024, MAXP = 4096 };
  static uint64_t off[MAXP], len[MAXP];
  uint64_t total = size < 0 ? -size : size, pos = 0;
  struct blkhash *h = blkhash_new (spec);
  size_t n = 0, i;

  CHECK (h != NULL);
  CHECK (blkhash_start (h, size, UNIT, 64) == 0);
  while (pos < total && n < MAXP) {
    uint64_t l = 1 + rnd (size < 0 ? 9000 : 3 * 4096);
    if (l > total - pos)
      l = total - pos;
    off[n] = pos;
    len[n++] = l;
    pos += l;
  }
  CHECK (pos == total);
  /* Out of order only for a known size: swap pieces of nearby units. */
  for (i = 0; size >= 0 && i < n; ++i) {
    size_t j = i + rnd (8);
    uint64_t t;
    if (j >= n)
      continue;
    t = off[i]; off[i] = off[j]; off[j] = t;
    t = len[i]; len[i] = len[j]; len[j] = t;
  }
  for (i = 0; i < n; ++i) {
    const char *p = img + off[i];
    bool zero = true;
    uint64_t k;
    for (k = 0; k < len[i]; ++k)
      zero = zero && p[k] == 0;
    CHECK (blkhash_begin (h, off[i]) == 0);
    CHECK (blkhash_update (h, zero && rnd (2) ? NULL : p, off[i],
                           len[i]) == 0);
  }
  CHECK (blkhash_finish (h, total, hex) == 0);
  blkhash_free (h);
}

static void
orders (const char *spec)
{
  enum { SIZE = 5 * 64 * 1024 + 12345 };
  static char img[SIZE];
  char a[BLKHASH_HEX_MAX], b[BLKHASH_HEX_MAX], c[BLKHASH_HEX_MAX];
  uint64_t i;

  memset (img, 0, sizeof img);
  for (i = 0; i < SIZE; i += 1 + rnd (20000))
    img[i] = 1 + rnd (255);
  memset (img + 70000, 0, 100000);      /* whole zero blocks and units */
  memset (img + SIZE - 3000, 0, 3000);  /* a zero short last block */
  digest_pieces (spec, img, SIZE, a);
  digest_pieces (spec, img, SIZE, b);
  digest_pieces (spec, img, -(int64_t) SIZE, c);
  CHECK (strcmp (a, b) == 0);
  CHECK (strcmp (a, c) == 0);
}

int
main (void)
{
  static char big[1048576 + 7];
  struct blkhash *h = blkhash_new (NULL);

  if (h == NULL && errno == ENOTSUP) {
    fprintf (stderr, "test skipped: %s\n", last_error (errno));
    return 77;
  }
  blkhash_free (h);

  check_hex (NULL, "", 0,
             "af5570f5a1810b7af78caf4bc70a660f0df51e42baf91d4de5b2328de0e83dfc");
  check_hex ("md5", "hello", 5, "f741ac9ce55f5325906bb14e9c05d467");
  check_hex ("sha256", "hello", 5,
             "337355feb53a5309d5aba92796223c2c84ffab930e706c01fef573a2722545e6");
  check_hex ("md5/4", "hello", 5, "8262896de34125dec173722c920e8bd0");
  memcpy (big, "hello", 5);
  memcpy (big + 1048576, "goodbye", 7);
  check_hex ("sha256", big, sizeof big,
             "61b8f3a8cea76e16eeff7ce27f1b7711c1f1e437f5038cec17773772a4bded28");

  orders ("sha256");
  orders ("md5/4k");
  orders ("sha512/1k");
  orders ("sha1/64k");

  /* Bad specs are refused with a message naming the option. */
  CHECK (blkhash_new ("nosuch") == NULL);
  CHECK (strstr (last_error (0), "--blkhash") != NULL);
  CHECK (blkhash_new ("sha256/3000") == NULL);
  CHECK (blkhash_new ("sha256/128M") == NULL);
  CHECK (blkhash_new ("sha256/x") == NULL);
  UNIT_EXIT ();
}
