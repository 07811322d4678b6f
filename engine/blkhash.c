/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: the blkhash digest (see blkhash.h).
 *
 * Hashing a block (the expensive part) happens in the caller's thread
 * without the lock; the lock covers recording the block's digest and, when
 * that completes the unit the outer hash waits for, folding the finished
 * units into it in order (32 bytes per block: cheap).
 */
#include <config.h>

#include <endian.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef HAVE_GNUTLS
#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#endif

#include "blkhash.h"
#include "blocksize.h"
#include "cleanup.h"
#include "error.h"
#include "size.h"
#include "zero.h"

#ifdef HAVE_GNUTLS

/* The digests of the units in the ring may not take more than this: a tiny
 * block size on a big image is refused rather than swapping.
 */
#define BLKHASH_MEM_MAX (UINT64_C (1) << 30)
/* Copies of the zero block's digest fed to the outer hash at once. */
#define ZRUN 256

enum { BLK_PENDING, BLK_DATA, BLK_ZERO };

struct partial {                /* a block given in several pieces */
  struct partial *next;
  uint64_t block;               /* index in its unit */
  uint64_t filled;              /* bytes given so far */
  unsigned char buf[];          /* bs bytes, zeroed */
};

struct hunit {
  bool used;
  uint64_t index;               /* unit number */
  uint64_t nblocks;             /* a stream's last: fixed at the end */
  uint64_t done;                /* blocks whose digest is recorded */
  unsigned char *state;         /* BLK_* per block */
  unsigned char *digests;       /* dlen bytes per block */
  struct partial *partials;
};

struct blkhash {
  gnutls_digest_algorithm_t alg;
  size_t dlen;
  uint64_t bs;
  int64_t size;                 /* -1: not known yet */
  uint64_t unit, per_unit;      /* bytes and blocks in a unit */
  unsigned window;
  pthread_mutex_t lock;
  pthread_cond_t cond;
  struct hunit *ring;           /* window units */
  uint64_t next;                /* the unit the outer hash waits for */
  bool started, failed;
  gnutls_hash_hd_t outer;
  unsigned char *zeroes;        /* bs zero bytes */
  unsigned char *zrun;          /* ZRUN copies of the zero block's digest */
};

static int
hash_fail (const char *what, int r)
{
  set_error ("blkhash: %s: %s", what, gnutls_strerror (r));
  errno = EIO;
  return -1;
}

static int
digest (const struct blkhash *h, const void *buf, uint64_t len,
        unsigned char *out)
{
  int r = gnutls_hash_fast (h->alg, buf, len, out);

  return r < 0 ? hash_fail ("hashing a block", r) : 0;
}

static int
parse_spec (struct blkhash *h, const char *spec)
{
  const char *slash = spec ? strchr (spec, '/') : NULL;
  size_t n = spec ? (slash ? (size_t) (slash - spec) : strlen (spec)) : 0;
  char name[64];

  if (n >= sizeof name)
    goto bad_alg;
  memcpy (name, n ? spec : BLKHASH_DEFAULT_ALG,
          n ? n : strlen (BLKHASH_DEFAULT_ALG));
  name[n ? n : strlen (BLKHASH_DEFAULT_ALG)] = '\0';
  h->alg = gnutls_digest_get_id (name);
  if (h->alg == GNUTLS_DIG_UNKNOWN ||
      (h->dlen = gnutls_hash_get_len (h->alg)) == 0 ||
      h->dlen * 2 >= BLKHASH_HEX_MAX)
    goto bad_alg;
  h->bs = BLKHASH_DEFAULT_BLOCK;
  if (slash &&
      (parse_size (slash + 1, &h->bs) == -1 || !is_power_of_2 (h->bs) ||
       h->bs > BLKHASH_MAX_BLOCK)) {
    set_error ("--blkhash: block size '%s': must be a power of 2 "
               "up to 64M", slash + 1);
    errno = EINVAL;
    return -1;
  }
  return 0;

 bad_alg:
  set_error ("--blkhash: unknown digest algorithm '%.*s' (try md5, sha1, "
             "sha224, sha256, sha384, sha512)", (int) n, spec);
  errno = EINVAL;
  return -1;
}

struct blkhash *
blkhash_new (const char *spec)
{
  struct blkhash *h = calloc (1, sizeof *h);
  unsigned char zd[64];
  unsigned i;

  if (h == NULL) {
    set_error_errno ("blkhash");
    return NULL;
  }
  pthread_mutex_init (&h->lock, NULL);
  pthread_cond_init (&h->cond, NULL);
  h->size = -1;
  if (parse_spec (h, spec) == -1)
    goto fail;
  h->zeroes = calloc (1, h->bs);
  h->zrun = malloc (ZRUN * h->dlen);
  if (h->zeroes == NULL || h->zrun == NULL) {
    set_error_errno ("blkhash");
    goto fail;
  }
  if (digest (h, h->zeroes, h->bs, zd) == -1)
    goto fail;
  for (i = 0; i < ZRUN; ++i)
    memcpy (h->zrun + i * h->dlen, zd, h->dlen);
  return h;

 fail:
  blkhash_free (h);
  return NULL;
}

static void
unit_release (struct hunit *u)
{
  while (u->partials) {
    struct partial *p = u->partials;
    u->partials = p->next;
    free (p);
  }
  free (u->state);
  free (u->digests);
  *u = (struct hunit) { .used = false };
}

void
blkhash_free (struct blkhash *h)
{
  unsigned i;

  if (h == NULL)
    return;
  for (i = 0; h->ring && i < h->window; ++i)
    unit_release (&h->ring[i]);
  if (h->started)
    gnutls_hash_deinit (h->outer, NULL);
  free (h->ring);
  free (h->zeroes);
  free (h->zrun);
  pthread_mutex_destroy (&h->lock);
  pthread_cond_destroy (&h->cond);
  free (h);
}

int
blkhash_start (struct blkhash *h, int64_t size, uint64_t unit,
               unsigned window)
{
  uint64_t blocks;
  int r;

  h->size = size;
  h->unit = unit;
  h->per_unit = unit / h->bs;
  h->window = window < 2 ? 2 : window;
  blocks = h->per_unit;
  if (size >= 0 && (uint64_t) size < unit)
    blocks = (size + h->bs - 1) / h->bs;
  if (blocks * (h->dlen + 1) * h->window > BLKHASH_MEM_MAX) {
    set_error ("--blkhash: block size %" PRIu64 " is too small for an "
               "image this big", h->bs);
    errno = EINVAL;
    return -1;
  }
  if ((h->ring = calloc (h->window, sizeof *h->ring)) == NULL) {
    set_error_errno ("blkhash");
    return -1;
  }
  if ((r = gnutls_hash_init (&h->outer, h->alg)) < 0)
    return hash_fail ("starting", r);
  h->started = true;
  return 0;
}

/* Bytes in block blk of the image: bs, less for a short last block. */
static uint64_t
block_len (const struct blkhash *h, uint64_t blk)
{
  uint64_t start = blk * h->bs;

  if (h->size >= 0 && start + h->bs > (uint64_t) h->size)
    return h->size - start;
  return h->bs;
}

static int
internal (const char *what)
{
  set_error ("blkhash: internal error: %s", what);
  errno = EINVAL;
  return -1;
}

/* The ring entry of unit index, claimed if new: 0, 1 (too far ahead) or
 * -1.  Called with the lock held.
 */
static int
unit_get (struct blkhash *h, uint64_t index, struct hunit **out)
{
  struct hunit *u;
  uint64_t n = h->per_unit;

  if (index < h->next)
    return internal ("a unit was given twice");
  if (index >= h->next + h->window)
    return 1;
  u = &h->ring[index % h->window];
  if (u->used && u->index != index)
    return internal ("ring overrun");
  if (!u->used) {
    if (h->size >= 0) {
      uint64_t left = h->size - index * h->unit;
      if (left < h->unit)
        n = (left + h->bs - 1) / h->bs;
    }
    *u = (struct hunit) {
      .used = true, .index = index, .nblocks = n,
      .state = calloc (n, 1), .digests = malloc (n * h->dlen),
    };
    if (u->state == NULL || u->digests == NULL) {
      unit_release (u);
      set_error_errno ("blkhash");
      return -1;
    }
  }
  *out = u;
  return 0;
}

static int
feed (struct blkhash *h, const unsigned char *p, uint64_t len)
{
  int r = gnutls_hash (h->outer, p, len);

  return r < 0 ? hash_fail ("combining", r) : 0;
}

/* Feed one finished unit's digests to the outer hash, runs at a time. */
static int
fold (struct blkhash *h, const struct hunit *u)
{
  uint64_t i = 0;

  while (i < u->nblocks) {
    uint64_t j = i;

    while (j < u->nblocks && u->state[j] == u->state[i])
      j++;
    if (u->state[i] == BLK_DATA) {
      if (feed (h, u->digests + i * h->dlen, (j - i) * h->dlen) == -1)
        return -1;
    }
    else {
      uint64_t k;
      for (k = i; k < j; k += ZRUN)
        if (feed (h, h->zrun, (j - k < ZRUN ? j - k : ZRUN) * h->dlen) == -1)
          return -1;
    }
    i = j;
  }
  return 0;
}

/* Fold every finished unit at the head.  Lock held. */
static int
fold_ready (struct blkhash *h)
{
  for (;;) {
    struct hunit *u = &h->ring[h->next % h->window];

    if (!u->used || u->index != h->next || u->done != u->nblocks)
      return 0;
    if (fold (h, u) == -1)
      return -1;
    unit_release (u);
    h->next++;
    pthread_cond_broadcast (&h->cond);
  }
}

/* Record the digest (or zeroness) of blocks [blk, blk+count).  Lock held. */
static int
record (struct blkhash *h, uint64_t blk, uint64_t count, int state,
        const unsigned char *d)
{
  struct hunit *u;
  uint64_t i = blk % h->per_unit;
  int r = unit_get (h, blk / h->per_unit, &u);

  if (r == 1)
    return internal ("a piece too far ahead");
  if (r == -1)
    return -1;
  memset (u->state + i, state, count);
  if (d)
    memcpy (u->digests + i * h->dlen, d, h->dlen);
  u->done += count;
  return fold_ready (h);
}

/* A whole block of data (or zeroes): its digest, then record it. */
static int
whole_block (struct blkhash *h, uint64_t blk, const void *p, uint64_t len)
{
  unsigned char d[64];

  if (p == NULL || is_zero (p, len)) {
    if (len == h->bs) {
      LOCK_IN_SCOPE (&h->lock);
      return record (h, blk, 1, BLK_ZERO, NULL);
    }
    p = h->zeroes;              /* a short last block of zeroes */
  }
  if (digest (h, p, len, d) == -1)
    return -1;
  LOCK_IN_SCOPE (&h->lock);
  return record (h, blk, 1, BLK_DATA, d);
}

/* A piece of a block: gather it; the piece that fills the block hashes
 * it.  Returns the filled block's partial (detached) or NULL.
 */
static int
piece (struct blkhash *h, uint64_t blk, const void *p, uint64_t off,
       uint64_t n, struct partial **full)
{
  struct partial **pp, *part;
  struct hunit *u;
  int r;

  LOCK_IN_SCOPE (&h->lock);
  *full = NULL;
  if ((r = unit_get (h, blk / h->per_unit, &u)) != 0)
    return r == 1 ? internal ("a piece too far ahead") : -1;
  for (pp = &u->partials; *pp && (*pp)->block != blk % h->per_unit;
       pp = &(*pp)->next)
    ;
  if ((part = *pp) == NULL) {
    if ((part = calloc (1, sizeof *part + h->bs)) == NULL) {
      set_error_errno ("blkhash");
      return -1;
    }
    part->block = blk % h->per_unit;
    part->next = u->partials;
    u->partials = part;
    pp = &u->partials;
  }
  if (p)
    memcpy (part->buf + off, p, n);
  part->filled += n;
  if (part->filled == block_len (h, blk)) {
    *pp = part->next;
    *full = part;
  }
  return 0;
}

static int
partial_block (struct blkhash *h, uint64_t blk, const void *p, uint64_t off,
               uint64_t n)
{
  struct partial *full;
  int r;

  if (piece (h, blk, p, off, n, &full) == -1)
    return -1;
  if (full == NULL)
    return 0;
  r = whole_block (h, blk, full->buf, full->filled);
  free (full);
  return r;
}

/* Whole full-size zero blocks from blk on, within one unit: no hashing. */
static int
zero_blocks (struct blkhash *h, uint64_t blk, uint64_t count)
{
  LOCK_IN_SCOPE (&h->lock);
  return record (h, blk, count, BLK_ZERO, NULL);
}

int
blkhash_update (struct blkhash *h, const void *buf, uint64_t offset,
                uint64_t len)
{
  const unsigned char *p = buf;

  while (len > 0) {
    uint64_t blk = offset / h->bs, bstart = blk * h->bs;
    uint64_t blen = block_len (h, blk);
    uint64_t n = len < bstart + blen - offset ? len : bstart + blen - offset;
    int r;

    if (p == NULL && offset == bstart && len >= 2 * h->bs) {
      /* Whole zero blocks up to the unit's end, never the image's last. */
      uint64_t m = len / h->bs - 1;
      uint64_t to_unit = h->per_unit - blk % h->per_unit;
      if (m > to_unit)
        m = to_unit;
      n = m * h->bs;
      r = zero_blocks (h, blk, m);
    }
    else if (offset == bstart && n == blen)
      r = whole_block (h, blk, p, n);
    else
      r = partial_block (h, blk, p, offset - bstart, n);
    if (r == -1)
      return -1;
    offset += n;
    len -= n;
    if (p)
      p += n;
  }
  return 0;
}

int
blkhash_begin (struct blkhash *h, uint64_t offset)
{
  struct hunit *u;
  LOCK_IN_SCOPE (&h->lock);

  return unit_get (h, offset / h->unit, &u);
}

void
blkhash_wait (struct blkhash *h, uint64_t offset, const atomic_bool *stop)
{
  LOCK_IN_SCOPE (&h->lock);

  /* Timed: a failing copy sets *stop without knowing about us. */
  while (offset / h->unit >= h->next + h->window && !atomic_load (stop)) {
    struct timespec ts;
    clock_gettime (CLOCK_REALTIME, &ts);
    ts.tv_nsec += 100 * 1000 * 1000;
    if (ts.tv_nsec >= 1000 * 1000 * 1000) {
      ts.tv_sec++;
      ts.tv_nsec -= 1000 * 1000 * 1000;
    }
    pthread_cond_timedwait (&h->cond, &h->lock, &ts);
  }
}

/* A stream's size is known now: its last unit and block are too. */
static int
end_stream (struct blkhash *h, uint64_t size)
{
  struct hunit *u = &h->ring[h->next % h->window];
  struct partial *part;

  h->size = size;
  if (size == 0 || !u->used || u->index != h->next)
    return 0;
  u->nblocks = (size - u->index * h->unit + h->bs - 1) / h->bs;
  if ((part = u->partials) != NULL) {
    unsigned char d[64];
    uint64_t blk = u->index * h->per_unit + part->block;
    if (part->next || part->filled != block_len (h, blk))
      return internal ("a block was not given whole");
    u->partials = NULL;
    if (digest (h, is_zero (part->buf, part->filled) ? h->zeroes : part->buf,
                part->filled, d) == -1)
      return -1;
    memcpy (u->digests + part->block * h->dlen, d, h->dlen);
    u->state[part->block] = BLK_DATA;
    u->done++;
    free (part);
  }
  return fold_ready (h);
}

int
blkhash_finish (struct blkhash *h, uint64_t size, char *hex)
{
  uint64_t le = htole64 (size);
  unsigned char d[64];
  size_t i;
  LOCK_IN_SCOPE (&h->lock);

  if (h->size < 0 && end_stream (h, size) == -1)
    return -1;
  if (h->next * h->unit < size)
    return internal ("part of the image was not hashed");
  if (feed (h, (const unsigned char *) &le, sizeof le) == -1)
    return -1;
  gnutls_hash_output (h->outer, d);
  for (i = 0; i < h->dlen; ++i)
    snprintf (hex + 2 * i, 3, "%02x", d[i]);
  return 0;
}

#else /* !HAVE_GNUTLS */

struct blkhash *
blkhash_new (const char *spec)
{
  set_error ("--blkhash: this nbdferry was built without GnuTLS: "
             "block hashes are not available");
  errno = ENOTSUP;
  return NULL;
}

void blkhash_free (struct blkhash *h) { }
int blkhash_start (struct blkhash *h, int64_t size, uint64_t unit,
                   unsigned window) { return -1; }
int blkhash_begin (struct blkhash *h, uint64_t offset) { return -1; }
void blkhash_wait (struct blkhash *h, uint64_t offset,
                   const atomic_bool *stop) { }
int blkhash_update (struct blkhash *h, const void *buf, uint64_t offset,
                    uint64_t len) { return -1; }
int blkhash_finish (struct blkhash *h, uint64_t size, char *hex) { return -1; }

#endif /* !HAVE_GNUTLS */
