/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: the one interface every source, sink and filter implements.
 *
 * Shaped after nbdkit's plugin/filter API.  A backend is a handle on one
 * endpoint (a file, an NBD connection, a synthetic image, ...) or a filter
 * wrapping another backend ("next").
 *
 * Contract, for every hook:
 *  - sync hooks must be thread-safe: the server calls them on one handle
 *    from its worker pool (it never dups).  The copy engine gives each
 *    worker its own handle where dup makes one.  Async hooks are only ever
 *    used by one thread per handle.
 *  - return -1 and set errno on failure.  A hook may record a richer message
 *    with set_error() (engine/error.h); the caller, who knows the offset,
 *    reports it once.  Nothing below cmd/ exits.
 *  - Offsets and counts are 64-bit; the engine never calls a data hook with a
 *    request breaking the limits the backend reported (engine/blocksize.h).
 *  - Sizes, limits, init flags and can_* are asked once by backend_open_done()
 *    and cached in struct backend; the hot path reads the cache.
 *  - A NULL hook in a plain backend means "not supported"; in a filter it
 *    means "pass through to next".  A filter that changes offsets, sizes or
 *    alignment must define every data hook (tests/test-filters.c checks).
 */
#ifndef NBDFERRY_BACKEND_H
#define NBDFERRY_BACKEND_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum bs_which {
  BS_MINIMUM,
  BS_PREFERRED,
  BS_MAX_DATA,
  BS_MAX_TRIM,
  BS_MAX_ZERO,
  BS_MAX_CACHE,
  BS_NR
};

/* init_flags: the state at open time; stale after the first write. */
#define INIT_SPARSE 1           /* at least one hole */
#define INIT_ZERO   2           /* reads as all zeroes */

/* Flags for data hooks. */
#define F_FUA       (1u << 0)
#define F_MAY_TRIM  (1u << 1)   /* zero: may punch a hole */
#define F_FAST_ZERO (1u << 2)   /* zero: fail with ENOTSUP unless cheap */
#define F_REQ_ONE   (1u << 3)   /* extents: only the extent at offset */

struct backend;
struct extent_list;

/* Asynchronous completion.  The backend calls done() exactly once per
 * successful submission, with err = 0 or an errno, from inside aio_notify()
 * (or inline from the submitting call for backends without real async I/O).
 * done() must not submit new requests on the same backend: it should only
 * record the result (the copy engine queues it and acts outside).
 */
struct completion {
  void (*done) (struct completion *c, int err);
};

struct backend_ops {
  const char *name;             /* driver name, e.g. "file", "nbd", "rmw" */

  void (*close) (struct backend *b);

  /* Another handle on the same endpoint for another copy worker (its own
   * connection, queue or position).  NULL: workers share this handle.  A
   * backend may also return b itself (with a reference) when it cannot
   * open more (no multi-conn).
   */
  struct backend *(*dup) (struct backend *b);

  int64_t (*get_size) (struct backend *b);
  /* -1 error, 0 "use the default" (also for an unknown which), or the limit */
  int64_t (*block_size) (struct backend *b, enum bs_which which);
  int (*init_flags) (struct backend *b);

  /* 1 yes, 0 no, -1 error.  NULL is "no" for a plain backend. */
  int (*can_write) (struct backend *b);
  int (*can_zero) (struct backend *b);
  int (*can_fast_zero) (struct backend *b);
  int (*can_trim) (struct backend *b);
  int (*can_flush) (struct backend *b);
  int (*can_fua) (struct backend *b);
  int (*can_extents) (struct backend *b);
  int (*can_multi_conn) (struct backend *b);
  int (*can_cache) (struct backend *b);
  /* Sequential only (a pipe): pread/pwrite offsets must be consecutive and
   * the size may be unknown (get_size returns -1 with errno ESPIPE).
   */
  int (*is_stream) (struct backend *b);
  /* Requests are system calls on this host (files, block devices), not
   * round trips to a server.
   */
  int (*is_local) (struct backend *b);
  /* Writes are dropped unread (null:): finding zeroes in what is written
   * to it saves nothing and costs a scan of every byte.
   */
  int (*discards) (struct backend *b);
  /* Bytes: the longest hole known to read as zero that is worth reading
   * together with the data on both sides of it, because a request costs
   * this endpoint more than reading that many bytes (an NBD server: a
   * round trip and the server's work per request).  0 (or NULL): never;
   * a local file reads a hole for CPU and saves nothing.  -1 error.
   */
  int64_t (*coalesce) (struct backend *b);

  /* Returns 0.  Exception: a stream's pread returns the bytes read, which
   * is less than count only at the end of the stream (0 at the end).
   */
  int (*pread) (struct backend *b, void *buf, uint64_t count,
                uint64_t offset, uint32_t flags);
  int (*pwrite) (struct backend *b, const void *buf, uint64_t count,
                 uint64_t offset, uint32_t flags);
  int (*zero) (struct backend *b, uint64_t count, uint64_t offset,
               uint32_t flags);
  int (*trim) (struct backend *b, uint64_t count, uint64_t offset,
               uint32_t flags);
  int (*flush) (struct backend *b, uint32_t flags);
  /* Fill list (already set up for [offset, offset+count)) with at least the
   * extent holding offset; a short answer is fine, the caller asks again.
   */
  int (*extents) (struct backend *b, uint64_t count, uint64_t offset,
                  uint32_t flags, struct extent_list *list);
  int (*cache) (struct backend *b, uint64_t count, uint64_t offset,
                uint32_t flags);
  /* The bytes of [offset, offset+count) in place, read-only, without a
   * copy (a local file's page cache, mapped and faulted in): their
   * address, or NULL with errno (an unreadable range too: pread then says
   * where).  Release with unmap and the same count and offset.  Reading a
   * view raises SIGBUS if the file shrinks under it.  Not passed through
   * filters: a layer without map answers ENOTSUP and the caller preads.
   */
  const void *(*map) (struct backend *b, uint64_t count, uint64_t offset);
  void (*unmap) (struct backend *b, const void *addr, uint64_t count,
                 uint64_t offset);
  /* As extents, but what changed since a checkpoint (a dirty bitmap the
   * backend was opened with, --dirty-bitmap): EXTENT_DIRTY or 0.  NULL: the
   * backend keeps no such record.
   */
  int (*dirty) (struct backend *b, uint64_t count, uint64_t offset,
                struct extent_list *list);

  /* Grow a sink to size (a stream source's size is known only at the end). */
  int (*extend) (struct backend *b, uint64_t size);
  /* The copy is complete: write out what the sink still holds (a
   * compressed image's last frame and index).  Not called after a failure.
   */
  int (*finish) (struct backend *b);

  /* Asynchronous variants (optional; without them backend_aio_* complete
   * inline through the sync hooks).  Return 0 when submitted (done() will
   * be called), -1 with errno when the submission itself failed.
   */
  int (*aio_pread) (struct backend *b, void *buf, uint64_t count,
                    uint64_t offset, uint32_t flags, struct completion *c);
  int (*aio_pwrite) (struct backend *b, const void *buf, uint64_t count,
                     uint64_t offset, uint32_t flags, struct completion *c);
  int (*aio_zero) (struct backend *b, uint64_t count, uint64_t offset,
                   uint32_t flags, struct completion *c);
  /* As extents; list is filled when done() is called.  A remote source
   * answers in a round trip: asked ahead, it costs the copy none.
   */
  int (*aio_extents) (struct backend *b, uint64_t count, uint64_t offset,
                      uint32_t flags, struct extent_list *list,
                      struct completion *c);
  /* The fd to poll and the events wanted (POLLIN/POLLOUT), or -1 when
   * nothing is in flight.  aio_notify() is called with what poll returned
   * and runs the completions that are ready.
   */
  int (*aio_get_fd) (struct backend *b, short *events);
  int (*aio_notify) (struct backend *b, short revents);
  /* Requests submitted and not yet completed. */
  unsigned (*aio_in_flight) (struct backend *b);

  /* A connection that broke (dropped, timed out): connect again to the
   * same endpoint.  1: a new connection (what was in flight on the old one
   * is gone; its completions may or may not have run, with an error);
   * 0: the connection still works, nothing done; -1: cannot connect (the
   * old, broken connection stays).  Only remote backends have it.
   */
  int (*reconnect) (struct backend *b);
};

/* The answers backend_open_done() asks once and caches: the one list of
 * them, used twice below so that they read as b->size, b->can_zero, ... and
 * are also one struct (b->answers) that backend_dup copies by assignment.
 * A new cached answer goes here and nowhere else.
 */
#define BACKEND_ANSWERS                                                 \
  int64_t size;                 /* -1 for a stream of unknown size */   \
  uint64_t bs[BS_NR];           /* limits after defaults and rules */   \
  unsigned init;                /* INIT_SPARSE | INIT_ZERO */           \
  uint64_t coalesce;            /* longest hole read with data, or 0 */ \
  bool can_write, can_zero, can_fast_zero, can_trim, can_flush,         \
    can_fua, can_extents, can_multi_conn, can_cache, is_stream,         \
    is_local, discards, has_aio;

struct backend_answers {
  BACKEND_ANSWERS
};

struct backend {
  const struct backend_ops *ops;
  struct backend *next;         /* the layer below, for filters */
  char *name;                   /* path or URI, for messages */
  atomic_uint refs;             /* dup() returning self takes a reference
                                   (workers dup at once: atomic) */
  union {
    struct backend_answers answers;
    struct { BACKEND_ANSWERS };
  };
};

/* Set up the common part of a freshly allocated backend (ops, name, next). */
extern int backend_init (struct backend *b, const struct backend_ops *ops,
                         const char *name, struct backend *next);

/* Ask the cached questions once, apply the limit rules (engine/blocksize.h)
 * and fail with a message naming the backend and the limit if they break.
 */
extern int backend_open_done (struct backend *b);

/* The two ends of a driver's open function.  backend_alloc returns a zeroed
 * struct of size bytes (struct backend first) through backend_init, or NULL
 * with a set_error_errno message naming name (ops->name if NULL); next is
 * left alone on failure.  backend_ready runs backend_open_done: on success
 * it returns b, on failure it closes b (ops->close, and next for a filter)
 * and returns NULL, with the message recorded and errno kept.
 */
extern void *backend_alloc (size_t size, const struct backend_ops *ops,
                            const char *name, struct backend *next);
extern struct backend *backend_ready (struct backend *b);

/* Always 1: for can_* and is_stream hooks that are simply "yes". */
extern int backend_yes (struct backend *b);

/* Drop a reference; the last one closes (and frees next, for filters). */
extern void backend_close (struct backend *b);
extern struct backend *backend_dup (struct backend *b);
/* Another reference to b itself (the same handle, the same connection). */
extern struct backend *backend_ref (struct backend *b);

/* Dispatch: walks past filters that leave a hook out. */
extern int backend_pread (struct backend *b, void *buf, uint64_t count,
                          uint64_t offset, uint32_t flags);
extern int backend_pwrite (struct backend *b, const void *buf, uint64_t count,
                           uint64_t offset, uint32_t flags);
extern int backend_zero (struct backend *b, uint64_t count, uint64_t offset,
                         uint32_t flags);
extern int backend_trim (struct backend *b, uint64_t count, uint64_t offset,
                         uint32_t flags);
extern int backend_flush (struct backend *b, uint32_t flags);
extern int backend_extents (struct backend *b, uint64_t count,
                            uint64_t offset, uint32_t flags,
                            struct extent_list *list);
extern int backend_cache (struct backend *b, uint64_t count, uint64_t offset,
                          uint32_t flags);
/* b's own map (never a lower layer's: a filter's view would skip it). */
extern const void *backend_map (struct backend *b, uint64_t count,
                                uint64_t offset);
extern void backend_unmap (struct backend *b, const void *addr,
                           uint64_t count, uint64_t offset);
extern int backend_dirty (struct backend *b, uint64_t count, uint64_t offset,
                          struct extent_list *list);
extern int backend_extend (struct backend *b, uint64_t size);
extern int backend_finish (struct backend *b);   /* 0 where there is no hook */

extern int backend_aio_pread (struct backend *b, void *buf, uint64_t count,
                              uint64_t offset, uint32_t flags,
                              struct completion *c);
extern int backend_aio_pwrite (struct backend *b, const void *buf,
                               uint64_t count, uint64_t offset,
                               uint32_t flags, struct completion *c);
extern int backend_aio_zero (struct backend *b, uint64_t count,
                             uint64_t offset, uint32_t flags,
                             struct completion *c);
extern int backend_aio_extents (struct backend *b, uint64_t count,
                                uint64_t offset, uint32_t flags,
                                struct extent_list *list,
                                struct completion *c);
extern int backend_aio_get_fd (struct backend *b, short *events);
extern int backend_aio_notify (struct backend *b, short revents);
extern unsigned backend_aio_in_flight (struct backend *b);
/* 0 where no layer can reconnect. */
extern int backend_reconnect (struct backend *b);
extern bool backend_can_reconnect (struct backend *b);

/* Zero a range the slow way (writes of zeroes in MAX_DATA pieces), for
 * backends and filters whose endpoint has no zero command.
 */
extern int backend_write_zeroes (struct backend *b, uint64_t count,
                                 uint64_t offset);


#endif /* NBDFERRY_BACKEND_H */
