/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: synthetic sources for tests, benchmarks and the demo.
 *
 *   pattern:SIZE         each 8-byte aligned word holds its own offset, big
 *                        endian (the same bytes as nbdkit's pattern plugin)
 *   zero:SIZE            all zeroes, one hole
 *   random:SIZE[,seed=N] dense pseudo-random data
 *   sparse-random:SIZE[,percent=P][,seed=N]
 *                        P % (default 10) of the 1 MiB blocks hold random
 *                        data, the rest are holes reading as zero
 *
 * Stateless and deterministic: any thread reads any range and gets the same
 * bytes for the same arguments.  Random data is splitmix64 of the seed and
 * the word index, stored little endian.
 */
#include <config.h>

#include <endian.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "extents.h"
#include "size.h"
#include "sources.h"
#include "synthetic.h"

#define SPARSE_BLOCK (1024 * 1024)
/* Extents reported per call at most (a short answer is fine). */
#define MAX_BLOCKS_PER_CALL 65536

enum kind { PATTERN, ZERO, RANDOM, SPARSE_RANDOM };

static const struct {
  const char *prefix;
  enum kind kind;
} kinds[] = {
  { "pattern:", PATTERN },
  { "zero:", ZERO },
  { "random:", RANDOM },
  { "sparse-random:", SPARSE_RANDOM },
};
#define NR_KINDS (sizeof kinds / sizeof kinds[0])

struct synthetic {
  struct backend b;
  enum kind kind;
  uint64_t size;
  uint64_t seed;
  unsigned percent;
};

bool
synthetic_matches (const char *arg)
{
  size_t i;

  for (i = 0; arg && i < NR_KINDS; ++i)
    if (strncmp (arg, kinds[i].prefix, strlen (kinds[i].prefix)) == 0)
      return true;
  return false;
}

static inline uint64_t
mix64 (uint64_t z)
{
  z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
  return z ^ (z >> 31);
}

uint64_t
synthetic_random_word (uint64_t seed, uint64_t index)
{
  return mix64 (seed + (index + 1) * UINT64_C(0x9e3779b97f4a7c15));
}

bool
synthetic_block_is_data (uint64_t seed, unsigned percent, uint64_t block)
{
  /* A different stream from the data words so data and map are unrelated. */
  return mix64 (~seed ^ (block * UINT64_C(0xd1b54a32d192ed03))) % 100
    < percent;
}

/* The 8 bytes of word index (at offset index * 8), as stored. */
static inline uint64_t
word_bytes (const struct synthetic *s, uint64_t index)
{
  if (s->kind == PATTERN)
    return htobe64 (index * 8);
  return htole64 (synthetic_random_word (s->seed, index));
}

/* Fill buf with the words covering [offset, offset+count). */
static void
fill_words (const struct synthetic *s, char *buf, uint64_t count,
            uint64_t offset)
{
  uint64_t index = offset / 8, w;
  unsigned skip = offset % 8;

  if (skip) {
    unsigned n = 8 - skip < count ? 8 - skip : count;
    w = word_bytes (s, index++);
    memcpy (buf, (char *) &w + skip, n);
    buf += n;
    count -= n;
  }
  for (; count >= 8; buf += 8, count -= 8) {
    w = word_bytes (s, index++);
    memcpy (buf, &w, 8);
  }
  if (count) {
    w = word_bytes (s, index);
    memcpy (buf, &w, count);
  }
}

static int
synthetic_pread (struct backend *b, void *buf, uint64_t count,
                 uint64_t offset, uint32_t flags)
{
  const struct synthetic *s = (struct synthetic *) b;
  char *p = buf;

  switch (s->kind) {
  case ZERO:
    memset (buf, 0, count);
    break;
  case PATTERN:
  case RANDOM:
    fill_words (s, buf, count, offset);
    break;
  case SPARSE_RANDOM:
    while (count > 0) {
      uint64_t block = offset / SPARSE_BLOCK;
      uint64_t n = SPARSE_BLOCK - offset % SPARSE_BLOCK;
      if (n > count)
        n = count;
      if (synthetic_block_is_data (s->seed, s->percent, block))
        fill_words (s, p, n, offset);
      else
        memset (p, 0, n);
      p += n;
      offset += n;
      count -= n;
    }
    break;
  }
  return 0;
}

static int
synthetic_extents (struct backend *b, uint64_t count, uint64_t offset,
                   uint32_t flags, struct extent_list *list)
{
  const struct synthetic *s = (struct synthetic *) b;
  const uint64_t end = offset + count;
  uint32_t first = 0;
  unsigned n;

  if (s->kind != SPARSE_RANDOM)
    return extents_add (list, offset, count,
                        s->kind == ZERO ? EXTENT_HOLE|EXTENT_ZERO : 0);

  for (n = 0; offset < end && n < MAX_BLOCKS_PER_CALL; ++n) {
    uint64_t block = offset / SPARSE_BLOCK;
    uint64_t len = SPARSE_BLOCK - offset % SPARSE_BLOCK;
    uint32_t type = synthetic_block_is_data (s->seed, s->percent, block)
      ? 0 : EXTENT_HOLE|EXTENT_ZERO;

    if (len > end - offset)
      len = end - offset;
    if (n == 0)
      first = type;
    else if ((flags & F_REQ_ONE) && type != first)
      break;
    if (extents_add (list, offset, len, type) == -1)
      return -1;
    offset += len;
  }
  return 0;
}

static int
synthetic_init_flags (struct backend *b)
{
  const struct synthetic *s = (struct synthetic *) b;
  uint64_t block, blocks = (s->size + SPARSE_BLOCK - 1) / SPARSE_BLOCK;
  bool data = false, hole = false;

  switch (s->kind) {
  case ZERO:
    return INIT_ZERO|INIT_SPARSE;
  case PATTERN:
  case RANDOM:
    return 0;
  case SPARSE_RANDOM:
    if (s->percent == 0)
      return INIT_ZERO|INIT_SPARSE;
    if (s->percent >= 100)
      return 0;
    /* Both are found within a few blocks unless P is extreme. */
    for (block = 0; block < blocks && !(data && hole); ++block) {
      if (synthetic_block_is_data (s->seed, s->percent, block))
        data = true;
      else
        hole = true;
    }
    return (hole ? INIT_SPARSE : 0) | (data ? 0 : INIT_ZERO);
  }
  return 0;
}

static int64_t
synthetic_get_size (struct backend *b)
{
  return ((struct synthetic *) b)->size;
}

static int
synthetic_can_extents (struct backend *b)
{
  enum kind k = ((struct synthetic *) b)->kind;
  return k == ZERO || k == SPARSE_RANDOM;
}

static const struct backend_ops synthetic_ops = {
  .name = "synthetic",
  .get_size = synthetic_get_size,
  .init_flags = synthetic_init_flags,
  .can_extents = synthetic_can_extents,
  .can_multi_conn = backend_yes,
  .pread = synthetic_pread,
  .extents = synthetic_extents,
};

/* Parse ",key=value" options after the size. */
static int
parse_options (const char *arg, char *opts, struct synthetic *s)
{
  char *saveptr = NULL, *opt, *end, *value = NULL;

  for (opt = strtok_r (opts, ",", &saveptr); opt;
       opt = strtok_r (NULL, ",", &saveptr)) {
    unsigned long long v;
    bool is_seed, is_percent;

    value = strchr (opt, '=');
    if (value == NULL)
      goto bad;
    *value++ = '\0';
    is_seed = strcmp (opt, "seed") == 0 && s->kind != PATTERN &&
      s->kind != ZERO;
    is_percent = strcmp (opt, "percent") == 0 && s->kind == SPARSE_RANDOM;
    if (!is_seed && !is_percent)
      goto bad;
    errno = 0;
    v = strtoull (value, &end, 10);
    if (errno || *end || end == value || *value == '-' ||
        (is_percent && v > 100))
      goto bad_value;
    if (is_seed)
      s->seed = v;
    else
      s->percent = v;
  }
  return 0;

 bad:
  set_error ("%s: unknown option '%s'", arg, opt);
  errno = EINVAL;
  return -1;
 bad_value:
  set_error ("%s: bad value for %s: '%s'", arg, opt, value);
  errno = EINVAL;
  return -1;
}

static int
parse_arg (const char *arg, struct synthetic *s)
{
  const char *p = NULL;
  char *copy, *comma;
  size_t i;
  int r = 0;

  for (i = 0; i < NR_KINDS && p == NULL; ++i)
    if (strncmp (arg, kinds[i].prefix, strlen (kinds[i].prefix)) == 0) {
      s->kind = kinds[i].kind;
      p = arg + strlen (kinds[i].prefix);
    }
  copy = strdup (p ? p : "");
  if (copy == NULL) {
    set_error_errno ("%s", arg);
    return -1;
  }
  comma = strchr (copy, ',');
  if (comma)
    *comma++ = '\0';
  if (parse_size (copy, &s->size) == -1) {
    set_error ("%s: bad size '%s'%s", arg, copy,
               errno == ERANGE ? ": too large" : "");
    r = -1;
  }
  else if (comma)
    r = parse_options (arg, comma, s);
  free (copy);
  if (r == -1)
    errno = EINVAL;
  return r;
}

struct backend *
synthetic_source_open (const char *arg, const struct endpoint_opts *opts)
{
  struct synthetic *s = backend_alloc (sizeof *s, &synthetic_ops, arg, NULL);

  if (s == NULL)
    return NULL;
  s->percent = 10;
  if (parse_arg (arg, s) == -1) {
    backend_close (&s->b);
    return NULL;
  }
  return backend_ready (&s->b);
}
