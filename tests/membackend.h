/* A sparse in-memory backend for the server's unit test and fuzzer only
 * (not shipped: the real drivers live in sources/ and sinks/).
 */
#ifndef NBDFERRY_TESTS_MEMBACKEND_H
#define NBDFERRY_TESTS_MEMBACKEND_H

#include <stdint.h>

#include "backend.h"

/* size: export size; minimum: its minimum block size (0: default). */
extern struct backend *mem_backend_open (uint64_t size, uint64_t minimum);
/* Data calls (pread, pwrite, zero, trim) that reached the backend. */
extern unsigned mem_backend_calls (struct backend *b);
/* Copy out [offset, offset+count) without counting a call. */
extern void mem_backend_peek (struct backend *b, void *buf, uint64_t count,
                              uint64_t offset);

#endif
