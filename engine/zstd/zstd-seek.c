/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: the zstd seekable format (see zstd-seek.h). */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "error.h"
#include "fdio.h"
#include "zstd-seek.h"

#define BLOCK_MAX (128 * 1024)  /* zstd's largest block */
#define MAX_FRAMES 0x8000000u   /* the format's own limit */

static uint32_t
get32 (const unsigned char *p)
{
  return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t) p[3] << 24;
}

static void
put32 (unsigned char *p, uint32_t v)
{
  p[0] = v; p[1] = v >> 8; p[2] = v >> 16; p[3] = v >> 24;
}

static int
bad_table (const char *name, const char *why)
{
  set_error ("%s: bad zstd seek table: %s", name, why);
  errno = EINVAL;
  return -1;
}

/* Fill t->f from the entries at offset (esz bytes each), checking that the
 * frames tile [0, end) of the file.
 */
static int
read_entries (int fd, uint64_t offset, size_t esz, uint64_t end,
              const char *name, struct zseek_table *t)
{
  unsigned char buf[12 * 1024];
  uint64_t coffset = 0, doffset = 0;
  size_t i = 0;

  while (i < t->n) {
    size_t k = t->n - i < sizeof buf / esz ? t->n - i : sizeof buf / esz, j;

    if (fd_pread_full (fd, buf, k * esz, offset) == -1) {
      set_error_errno ("%s: reading the zstd seek table", name);
      return -1;
    }
    offset += k * esz;
    for (j = 0; j < k; ++j, ++i) {
      struct zseek_frame *f = &t->f[i];
      f->csize = get32 (buf + j * esz);
      f->dsize = get32 (buf + j * esz + 4);
      if (f->dsize > ZSTD_SEEK_MAX_FRAME)
        return bad_table (name, "a frame over 1 GiB");
      f->coffset = coffset;
      f->doffset = doffset;
      coffset += f->csize;
      doffset += f->dsize;
    }
  }
  if (coffset != end)
    return bad_table (name, "its frames do not cover the file");
  t->image_size = doffset;
  return 0;
}

int
zseek_read_table (int fd, uint64_t file_size, const char *name,
                  struct zseek_table *t)
{
  unsigned char foot[ZSTD_SEEK_FOOTER], head[8];
  uint64_t table_size, start;
  size_t esz;

  memset (t, 0, sizeof *t);
  if (file_size < ZSTD_SEEK_FOOTER + 8)
    return 0;
  if (fd_pread_full (fd, foot, sizeof foot, file_size - sizeof foot) == -1) {
    set_error_errno ("%s: reading the zstd seek table", name);
    return -1;
  }
  if (get32 (foot + 5) != ZSTD_SEEK_MAGIC)
    return 0;
  if (foot[4] & 0x7c)
    return bad_table (name, "reserved bits set");
  t->n = get32 (foot);
  if (t->n > MAX_FRAMES)
    return bad_table (name, "too many frames");
  esz = foot[4] & 0x80 ? 12 : 8;
  table_size = 8 + (uint64_t) t->n * esz + ZSTD_SEEK_FOOTER;
  if (table_size > file_size)
    return bad_table (name, "longer than the file");
  start = file_size - table_size;
  if (fd_pread_full (fd, head, sizeof head, start) == -1) {
    set_error_errno ("%s: reading the zstd seek table", name);
    return -1;
  }
  if (get32 (head) != ZSTD_SKIPPABLE_MAGIC || get32 (head + 4) != table_size - 8)
    return bad_table (name, "not in a skippable frame of its size");
  t->f = calloc (t->n ? t->n : 1, sizeof *t->f);
  if (t->f == NULL) {
    set_error_errno ("%s: zstd seek table", name);
    return -1;
  }
  if (read_entries (fd, start + 8, esz, start, name, t) == -1) {
    zseek_free_table (t);
    return -1;
  }
  return 1;
}

void
zseek_free_table (struct zseek_table *t)
{
  free (t->f);
  memset (t, 0, sizeof *t);
}

size_t
zseek_find (const struct zseek_table *t, uint64_t offset)
{
  size_t lo = 0, hi = t->n;     /* the answer is in [lo, hi) */

  /* The last frame starting at or before offset: frames of no bytes share
   * their successor's start and are never the last such.
   */
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (t->f[mid].doffset <= offset)
      lo = mid;
    else
      hi = mid;
  }
  return lo;
}

void *
zseek_encode_table (const uint32_t *csize, const uint32_t *dsize, size_t n,
                    size_t *len)
{
  size_t size = 8 + n * 8 + ZSTD_SEEK_FOOTER, i;
  unsigned char *buf = malloc (size), *p;

  if (buf == NULL)
    return NULL;
  put32 (buf, ZSTD_SKIPPABLE_MAGIC);
  put32 (buf + 4, size - 8);
  for (i = 0, p = buf + 8; i < n; ++i, p += 8) {
    put32 (p, csize[i]);
    put32 (p + 4, dsize[i]);
  }
  put32 (p, n);
  p[4] = 0;                     /* no checksums */
  put32 (p + 5, ZSTD_SEEK_MAGIC);
  *len = size;
  return buf;
}

/* Frame header: magic, descriptor (4-byte content size, single segment, no
 * checksum, no dictionary), content size.
 */
#define ZERO_HEADER 9

size_t
zseek_zero_frame_bound (uint32_t dsize)
{
  return ZERO_HEADER + 4 * ((dsize + BLOCK_MAX - 1) / BLOCK_MAX + 1);
}

static unsigned char *
put_block (unsigned char *p, bool last, unsigned type, uint32_t size)
{
  uint32_t h = last | type << 1 | size << 3;
  p[0] = h; p[1] = h >> 8; p[2] = h >> 16;
  return p + 3;
}

size_t
zseek_zero_frame (void *buf, uint32_t dsize)
{
  unsigned char *p = buf;
  uint32_t left = dsize;

  put32 (p, ZSTD_FRAME_MAGIC);
  p[4] = 2 << 6 | 1 << 5;
  put32 (p + 5, dsize);
  p += ZERO_HEADER;
  if (dsize == 0)               /* one empty raw block */
    p = put_block (p, true, 0, 0);
  while (left > 0) {
    uint32_t n = left < BLOCK_MAX ? left : BLOCK_MAX;
    left -= n;
    p = put_block (p, left == 0, 1, n);
    *p++ = 0;
  }
  return p - (unsigned char *) buf;
}

bool
zseek_is_zero_frame (const void *frame, size_t len, uint32_t dsize)
{
  static const unsigned did_size[4] = { 0, 1, 2, 4 };
  const unsigned char *p = frame, *end = p + len;
  unsigned fhd, fcs, hdr;
  uint64_t total = 0;
  bool last = false;

  if (len < 6 || get32 (p) != ZSTD_FRAME_MAGIC)
    return false;
  fhd = p[4];
  if (fhd & 0x0c)               /* reserved bit, or a checksum to verify */
    return false;
  fcs = fhd >> 6;
  hdr = 5 + !(fhd & 0x20) + did_size[fhd & 3] +
    (fcs == 0 ? (fhd & 0x20 ? 1 : 0) : 1u << fcs);
  for (p += hdr; !last; ) {
    uint32_t h, type, size;

    if (end - p < 3)
      return false;
    h = p[0] | p[1] << 8 | (uint32_t) p[2] << 16;
    last = h & 1;
    type = h >> 1 & 3;
    size = h >> 3;
    p += 3;
    if (type == 1) {            /* RLE: one byte, size times */
      if (end - p < 1 || *p != 0)
        return false;
      p++;
    }
    else if (!(type == 0 && size == 0))
      return false;
    total += size;
  }
  return p == end && total == dsize;
}
