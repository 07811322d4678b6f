/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: the zstd seekable format, shared by the zstd source and sink.
 *
 * A compressed image is a run of independent zstd frames, each holding
 * ZSTD_SEEK_FRAME bytes of the image (the last may hold less), followed by
 * a skippable frame with the seek table (facebook/zstd, contrib/
 * seekable_format): one entry (compressed size, decompressed size) per
 * frame, then the number of frames, a descriptor byte and a magic number.
 * Plain `zstd -d` skips the table and decompresses the image; we use it to
 * read any part of the image without decompressing what comes before.
 *
 * Frames of zeroes are written as runs of RLE blocks of the byte 0, which
 * a reader recognises from the frame's bytes alone: those are the image's
 * holes.
 */
#ifndef NBDFERRY_ZSTD_SEEK_H
#define NBDFERRY_ZSTD_SEEK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ZSTD_SEEK_FRAME (4 * 1024 * 1024)   /* image bytes per frame we write */
#define ZSTD_SEEK_MAX_FRAME (1024 * 1024 * 1024) /* largest frame we read */
#define ZSTD_SEEK_FOOTER 9
#define ZSTD_SEEK_MAGIC 0x8F92EAB1u
#define ZSTD_SKIPPABLE_MAGIC 0x184D2A5Eu
#define ZSTD_FRAME_MAGIC 0xFD2FB528u

/* On the command line a zstd image is zstd:FILE (FILE may be `-`). */
#define ZSTD_PREFIX "zstd:"
#define zstd_image_path(arg) ((arg) + sizeof ZSTD_PREFIX - 1)

struct zseek_frame {
  uint64_t coffset;             /* where the frame starts in the file */
  uint64_t doffset;             /* where its bytes start in the image */
  uint32_t csize, dsize;
};

struct zseek_table {
  struct zseek_frame *f;
  size_t n;
  uint64_t image_size;          /* sum of dsize */
};

/* Read the seek table at the end of fd (file_size bytes).  Returns 1 and
 * fills t, 0 if the file has no seek table (a plain zstd stream), -1 with
 * errno and a message naming name if it has one that does not describe the
 * file (frames not covering it exactly, a frame over ZSTD_SEEK_MAX_FRAME).
 */
extern int zseek_read_table (int fd, uint64_t file_size, const char *name,
                             struct zseek_table *t);
extern void zseek_free_table (struct zseek_table *t);

/* Index of the frame holding image offset (< t->image_size). */
extern size_t zseek_find (const struct zseek_table *t, uint64_t offset);

/* The seek table for n frames of the given sizes (csize[i], dsize[i]) as
 * bytes: *len bytes at the returned pointer (malloc), NULL on ENOMEM.
 */
extern void *zseek_encode_table (const uint32_t *csize,
                                 const uint32_t *dsize, size_t n,
                                 size_t *len);

/* A frame of dsize zero bytes (dsize <= ZSTD_SEEK_MAX_FRAME): writes at
 * most zseek_zero_frame_bound(dsize) bytes to buf and returns the length.
 */
extern size_t zseek_zero_frame_bound (uint32_t dsize);
/* ... for any frame we read (32 KiB: a stack buffer will do). */
#define ZSTD_SEEK_ZERO_FRAME_MAX (9 + 4 * (ZSTD_SEEK_MAX_FRAME / 131072 + 2))
extern size_t zseek_zero_frame (void *buf, uint32_t dsize);

/* True if the len bytes at frame are one zstd frame of dsize zero bytes
 * made only of RLE blocks of 0 (as zseek_zero_frame writes them).
 */
extern bool zseek_is_zero_frame (const void *frame, size_t len,
                                 uint32_t dsize);

#endif /* NBDFERRY_ZSTD_SEEK_H */
