/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: the generators behind the synthetic sources, for tests. */
#ifndef NBDFERRY_SYNTHETIC_H
#define NBDFERRY_SYNTHETIC_H

#include <stdbool.h>
#include <stdint.h>

/* The random word at index (offset / 8) for a seed, before byte order. */
extern uint64_t synthetic_random_word (uint64_t seed, uint64_t index);
/* Whether sparse-random's 1 MiB block holds data. */
extern bool synthetic_block_is_data (uint64_t seed, unsigned percent,
                                     uint64_t block);

#endif /* NBDFERRY_SYNTHETIC_H */
