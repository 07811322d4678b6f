/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: the blkhash digest of an image, as nbdcopy --blkhash prints it.
 *
 *   H( H(block_1) || ... || H(block_N) || le64(size) )
 *
 * Blocks are BLOCKSIZE bytes (the last may be short and is hashed as it
 * is).  Pieces of the image arrive from any thread in any order; block
 * digests are kept per unit (the copy's work unit) in a ring of `window`
 * units and folded into the outer hash in order as soon as the unit at the
 * head is complete, so memory is the ring, not the image.  A whole block
 * of zeroes costs no hashing: its digest was computed once.
 * DESIGN.md "Block hashes".
 */
#ifndef NBDFERRY_BLKHASH_H
#define NBDFERRY_BLKHASH_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BLKHASH_DEFAULT_ALG "sha256"
#define BLKHASH_DEFAULT_BLOCK (64 * 1024)
/* Blocks never straddle the copy's 64 MiB units. */
#define BLKHASH_MAX_BLOCK (64 * 1024 * 1024)
/* Long enough for the hex of any digest (SHA-512: 128) and a NUL. */
#define BLKHASH_HEX_MAX 257

struct blkhash;

/* Parse "ALG[/BLOCKSIZE]" (NULL or "": sha256/64k).  NULL on a bad spec,
 * with a message (set_error) and errno EINVAL.
 */
extern struct blkhash *blkhash_new (const char *spec);
extern void blkhash_free (struct blkhash *h);

/* Set up for an image of size bytes (-1: a stream, known at the end),
 * units of unit bytes (a multiple of the block size), at most window units
 * held at once.  -1 on failure (set_error).
 */
extern int blkhash_start (struct blkhash *h, int64_t size, uint64_t unit,
                          unsigned window);

/* Claim the unit holding offset before hashing in it: 0 done, 1 it is too
 * far ahead of the unit the hash is waiting for (finish what you hold,
 * then blkhash_wait), -1 error.  Needed only when pieces arrive out of
 * order; the ordered path claims units implicitly.
 */
extern int blkhash_begin (struct blkhash *h, uint64_t offset);
/* Wait until the unit holding offset fits, or *stop becomes true. */
extern void blkhash_wait (struct blkhash *h, uint64_t offset,
                          const atomic_bool *stop);

/* Hash [offset, offset+len): buf holds the bytes, or NULL for zeroes.
 * Each byte of the image must be given exactly once.  -1 on failure.
 */
extern int blkhash_update (struct blkhash *h, const void *buf,
                           uint64_t offset, uint64_t len);

/* All of the image [0, size) was given: write the digest in hex into
 * hex (BLKHASH_HEX_MAX bytes).  -1 on failure (set_error).
 */
extern int blkhash_finish (struct blkhash *h, uint64_t size, char *hex);

#endif /* NBDFERRY_BLKHASH_H */
