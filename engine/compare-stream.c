/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: compare when an image is a stream (a pipe), see compare.h.
 *
 * A stream is read once, in order, and says nothing of its holes or its
 * size: one pass from offset 0, both images read piece by piece into
 * buffers, until both have ended.  An image that has ended reads as zero
 * (qemu-img compare's rule for different sizes); its size is then known.
 */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include "blocksize.h"
#include "cleanup.h"
#include "compare.h"
#include "error.h"

struct sside {
  struct backend *b;
  char *buf;
  uint64_t got;                 /* bytes in buf from this piece */
  int64_t size;                 /* known once it has ended, else -1 */
};

/* Up to n bytes of s at pos into its buffer: fewer only where it ends. */
static int
fill (struct sside *s, uint64_t n, uint64_t pos)
{
  struct backend *b = s->b;
  int r = 0;

  s->got = 0;
  if (s->size >= 0) {
    if (pos < (uint64_t) s->size)
      s->got = s->size - pos < n ? s->size - pos : n;
    if (s->got)
      r = backend_pread (b, s->buf, s->got, pos, 0);
  }
  else if ((r = backend_pread (b, s->buf, n, pos, 0)) >= 0) {
    s->got = r;
    if (s->got < n)
      s->size = pos + s->got;
  }
  if (r == -1)
    set_error ("%s: read failed at offset %" PRIu64 ": %s", b->name, pos,
               last_error (errno));
  return r == -1 ? -1 : 0;
}

/* The first difference in this piece, or UINT64_MAX. */
static uint64_t
piece_diff (const struct sside s[2])
{
  int l = s[0].got >= s[1].got ? 0 : 1;     /* the longer */
  uint64_t lo = s[!l].got, hi = s[l].got, d;

  d = compare_first_diff (s[0].buf, s[1].buf, lo);
  if (d == lo && hi > lo)
    d = lo + compare_first_diff (s[l].buf + lo, NULL, hi - lo);
  return d < hi ? d : UINT64_MAX;
}

int
compare_stream (struct backend *a, struct backend *b,
                const struct compare_opts *opts, struct compare_stats *st,
                uint64_t *first)
{
  CLEANUP_FREE char *buf0 = NULL;
  CLEANUP_FREE char *buf1 = NULL;
  struct sside s[2] = {
    { a, NULL, 0, a->is_stream ? -1 : a->size },
    { b, NULL, 0, b->is_stream ? -1 : b->size },
  };
  struct plan plan;
  uint64_t pos;
  int i;

  plan_requests (a->bs, b->bs, 0, 0, &plan);
  if ((buf0 = malloc (plan.data)) == NULL ||
      (buf1 = malloc (plan.data)) == NULL) {
    set_error_errno ("compare: allocating buffers");
    return -1;
  }
  s[0].buf = buf0;
  s[1].buf = buf1;
  st->workers = 1;
  *first = UINT64_MAX;
  for (pos = 0; ; pos += plan.data) {
    uint64_t d;
    for (i = 0; i < 2; ++i)
      if (fill (&s[i], plan.data, pos) == -1)
        return -1;
    st->read += s[0].got + s[1].got;
    if (*first == UINT64_MAX && (d = piece_diff (s)) != UINT64_MAX) {
      *first = pos + d;
      if (!opts->to_end)
        break;
    }
    if (s[0].got + s[1].got == 0 && s[0].size >= 0 && s[1].size >= 0)
      break;
  }
  for (i = 0; i < 2; ++i)
    st->size[i] = s[i].size;
  return *first != UINT64_MAX;
}
