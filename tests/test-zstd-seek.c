/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for engine/zstd-seek: zero frames are real zstd, the seek
 * table reads back, and a table that does not describe its file is refused.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

#include "zstd/zstd-seek.h"
#include "unit.h"

static void
test_zero_frames (void)
{
  static const uint32_t sizes[] = { 0, 1, 4096, 131072, 131073,
                                    ZSTD_SEEK_FRAME };
  size_t i;

  for (i = 0; i < sizeof sizes / sizeof sizes[0]; ++i) {
    uint32_t d = sizes[i];
    unsigned char *frame = malloc (zseek_zero_frame_bound (d));
    unsigned char *out = malloc (d + 1);
    size_t len = zseek_zero_frame (frame, d), r, j;

    CHECK (len <= zseek_zero_frame_bound (d));
    CHECK_EQ (ZSTD_findFrameCompressedSize (frame, len), len);
    CHECK_EQ (ZSTD_getFrameContentSize (frame, len), d);
    memset (out, 0xaa, d + 1);
    r = ZSTD_decompress (out, d + 1, frame, len);
    CHECK (!ZSTD_isError (r));
    CHECK_EQ (r, d);
    for (j = 0; j < d && out[j] == 0; ++j)
      ;
    CHECK_EQ (j, d);
    CHECK (zseek_is_zero_frame (frame, len, d));
    CHECK (!zseek_is_zero_frame (frame, len, d + 1));
    CHECK (!zseek_is_zero_frame (frame, len - 1, d));
    if (d > 0) {                /* an RLE block of another byte */
      frame[len - 1] = 1;
      CHECK (!zseek_is_zero_frame (frame, len, d));
    }
    free (frame);
    free (out);
  }
}

/* libzstd's own frame of zeroes starts with a compressed block: data to us,
 * which is safe (it is decompressed and found zero by the copy).
 */
static void
test_foreign_frames (void)
{
  char in[300000], out[ZSTD_COMPRESSBOUND (300000)];
  size_t len;

  memset (in, 0, sizeof in);
  len = ZSTD_compress (out, sizeof out, in, sizeof in, 3);
  CHECK (!ZSTD_isError (len));
  (void) zseek_is_zero_frame (out, len, sizeof in);    /* either answer */
  memset (in, 'x', sizeof in);
  len = ZSTD_compress (out, sizeof out, in, sizeof in, 3);
  CHECK (!zseek_is_zero_frame (out, len, sizeof in));
}

/* A file of three frames (data, zeroes, data) and its table. */
static int
make_file (FILE *fp, uint64_t *file_size)
{
  static char a[5000], b[70000];
  char buf[ZSTD_COMPRESSBOUND (70000)];
  uint32_t csize[3], dsize[3] = { sizeof a, ZSTD_SEEK_FRAME, sizeof b };
  unsigned char *z = malloc (zseek_zero_frame_bound (ZSTD_SEEK_FRAME));
  void *table;
  size_t len, tlen;

  memset (a, 'a', sizeof a);
  memset (b, 'b', sizeof b);
  len = ZSTD_compress (buf, sizeof buf, a, sizeof a, 1);
  fwrite (buf, 1, len, fp);
  csize[0] = len;
  len = zseek_zero_frame (z, ZSTD_SEEK_FRAME);
  fwrite (z, 1, len, fp);
  csize[1] = len;
  len = ZSTD_compress (buf, sizeof buf, b, sizeof b, 1);
  fwrite (buf, 1, len, fp);
  csize[2] = len;
  table = zseek_encode_table (csize, dsize, 3, &tlen);
  fwrite (table, 1, tlen, fp);
  if (fflush (fp) == EOF || ferror (fp)) {
    perror ("writing the test image");
    unit_failures++;
    return -1;
  }
  *file_size = csize[0] + csize[1] + csize[2] + tlen;
  free (table);
  free (z);
  return 0;
}

static void
test_table (void)
{
  FILE *fp = tmpfile ();
  struct zseek_table t;
  uint64_t size;
  unsigned char *all, *out;
  size_t r;

  CHECK (fp != NULL);
  if (fp == NULL || make_file (fp, &size) == -1)
    return;
  CHECK_EQ (zseek_read_table (fileno (fp), size, "t", &t), 1);
  if (t.f == NULL)              /* reported: the checks below need it */
    return;
  CHECK_EQ (t.n, 3);
  CHECK_EQ (t.image_size, 5000 + ZSTD_SEEK_FRAME + 70000);
  CHECK_EQ (t.f[1].doffset, 5000);
  CHECK_EQ (t.f[2].doffset, 5000 + ZSTD_SEEK_FRAME);
  CHECK_EQ (t.f[1].coffset, t.f[0].csize);
  CHECK_EQ (zseek_find (&t, 0), 0);
  CHECK_EQ (zseek_find (&t, 4999), 0);
  CHECK_EQ (zseek_find (&t, 5000), 1);
  CHECK_EQ (zseek_find (&t, 5000 + ZSTD_SEEK_FRAME), 2);
  CHECK_EQ (zseek_find (&t, t.image_size - 1), 2);
  zseek_free_table (&t);

  /* Plain zstd decompresses the whole file, table and all. */
  all = malloc (size);
  out = malloc (5000 + ZSTD_SEEK_FRAME + 70000);
  CHECK (pread (fileno (fp), all, size, 0) == (ssize_t) size);
  r = ZSTD_decompress (out, 5000 + ZSTD_SEEK_FRAME + 70000, all, size);
  CHECK (!ZSTD_isError (r));
  CHECK_EQ (r, 5000 + ZSTD_SEEK_FRAME + 70000);
  CHECK (out[4999] == 'a' && out[5000] == 0 && out[r - 1] == 'b');

  /* No magic at the end: a plain stream. */
  CHECK_EQ (zseek_read_table (fileno (fp), 100, "t", &t), 0);
  CHECK (ftruncate (fileno (fp), size - 1) == 0);
  CHECK_EQ (zseek_read_table (fileno (fp), size - 1, "t", &t), 0);
  /* A byte lost in the frames: the table is not where it says. */
  CHECK (pwrite (fileno (fp), all + 1, size - 1, 0) == (ssize_t) size - 1);
  CHECK_EQ (zseek_read_table (fileno (fp), size - 1, "t", &t), (uint64_t) -1);
  /* A frame one byte longer than the table says. */
  CHECK (pwrite (fileno (fp), all, size, 0) == (ssize_t) size);
  all[size - 9 - 24] += 1;
  CHECK (pwrite (fileno (fp), all, size, 0) == (ssize_t) size);
  CHECK_EQ (zseek_read_table (fileno (fp), size, "t", &t), (uint64_t) -1);
  all[size - 9 - 24] -= 1;
  /* Reserved bits of the descriptor. */
  CHECK (pwrite (fileno (fp), all, size, 0) == (ssize_t) size);
  all[size - 5] = 0x04;
  CHECK (pwrite (fileno (fp), all, size, 0) == (ssize_t) size);
  CHECK_EQ (zseek_read_table (fileno (fp), size, "t", &t), (uint64_t) -1);
  free (all);
  free (out);
  fclose (fp);
}

int
main (void)
{
  CHECK (zseek_zero_frame_bound (ZSTD_SEEK_MAX_FRAME) <=
         ZSTD_SEEK_ZERO_FRAME_MAX);
  test_zero_frames ();
  test_foreign_frames ();
  test_table ();
  UNIT_EXIT ();
}
