/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target over what reads an untrusted zstd image before any
 * decompression: the seek table at the end of the file, and the frame
 * parser that recognises frames of zeroes.  Run longer by hand:
 *   tests/fuzz-zstd-seek -max_total_time=600 CORPUS
 */
#define _GNU_SOURCE
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "zstd/zstd-seek.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct zseek_table t;
  uint32_t dsize = 0;
  int fd = memfd_create ("fuzz", MFD_CLOEXEC);

  if (fd == -1)
    abort ();
  if (size && write (fd, data, size) != (ssize_t) size)
    abort ();
  if (zseek_read_table (fd, size, "fuzz", &t) == 1) {
    /* A table that was accepted describes the file exactly. */
    uint64_t end = 0;
    size_t i;
    for (i = 0; i < t.n; ++i) {
      if (t.f[i].coffset != end || t.f[i].dsize > ZSTD_SEEK_MAX_FRAME)
        abort ();
      end += t.f[i].csize;
    }
    if (end > size)
      abort ();
    if (t.image_size > 0) {
      i = zseek_find (&t, t.image_size - 1);
      if (i >= t.n || t.f[i].doffset + t.f[i].dsize != t.image_size)
        abort ();
    }
    zseek_free_table (&t);
  }
  close (fd);

  /* The frame parser, for a size taken from the input's first bytes. */
  if (size >= 4)
    dsize = data[0] | data[1] << 8 | data[2] << 16;
  (void) zseek_is_zero_frame (data, size, dsize);
  return 0;
}
