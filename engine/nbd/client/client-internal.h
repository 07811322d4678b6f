/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: the NBD client backend's private parts (client.c opens and
 * describes a connection, client-io.c moves data over it).
 */
#ifndef NBDFERRY_NBD_CLIENT_INTERNAL_H
#define NBDFERRY_NBD_CLIENT_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <libnbd.h>

#include "backend.h"
#include "clock.h"
#include "extents.h"

struct sockact;

struct nbd_client {
  struct backend b;             /* must be first */
  struct nbd_handle *nbd;
  char *uri;                    /* where to reconnect, or NULL ... */
  struct sockact *server;       /* ... a [ CMD ] server (a reference) */
  bool writable, no_extents;
  bool debug;                   /* libnbd's debug messages (-v) */
  char *bitmap;                 /* qemu:dirty-bitmap:NAME wanted, or NULL */
  unsigned connect_timeout, request_timeout;    /* seconds, 0: none */
  /* When the server last moved (a reply, room to send) or a request was
   * sent: silence past request_timeout with requests outstanding trips the
   * connection (its socket is shut down, so every request fails).
   */
  double last_activity;
  bool tripped;
  /* With a bitmap: the base:allocation part of the last bitmap answer
   * (client-io.c, from_cache).
   */
  pthread_mutex_t cache_lock;
  struct extent_list alloc_cache;
  unsigned init;                /* from the init-state probe */
  /* What this connection's server said, for the data hooks. */
  uint64_t min_block;           /* >= 1 */
  bool can_zero, can_fast_zero, can_fua;
};

#define NBD_CLIENT(b) ((struct nbd_client *) (b))

/* Record libnbd's message for this thread, naming the backend, and set
 * errno from libnbd.  Returns -1.
 */
extern int nbd_client_error (struct nbd_client *c);

/* A handshake failed: record libnbd's message naming the URI or command
 * (and why a [ CMD ] server exited), set errno.
 */
extern void nbd_client_connect_error (struct nbd_client *c);

/* The handle is connected in option mode: request base:allocation and
 * c->bitmap and finish the handshake (bitmap.c).  A missing bitmap fails
 * naming it and the contexts the export offers.
 */
extern int nbd_client_go_bitmap (struct nbd_client *c);

/* Shut the connection down after request_timeout seconds of silence, with
 * a message saying so.  true if it did (now or before).
 */
extern bool nbd_client_check_silence (struct nbd_client *c);

/* Data hooks (client-io.c). */
extern int nbd_client_pread (struct backend *b, void *buf, uint64_t count,
                             uint64_t offset, uint32_t flags);
extern int nbd_client_pwrite (struct backend *b, const void *buf,
                              uint64_t count, uint64_t offset,
                              uint32_t flags);
extern int nbd_client_zero (struct backend *b, uint64_t count,
                            uint64_t offset, uint32_t flags);
extern int nbd_client_trim (struct backend *b, uint64_t count,
                            uint64_t offset, uint32_t flags);
extern int nbd_client_flush (struct backend *b, uint32_t flags);
extern int nbd_client_cache (struct backend *b, uint64_t count,
                             uint64_t offset, uint32_t flags);
extern int nbd_client_extents (struct backend *b, uint64_t count,
                               uint64_t offset, uint32_t flags,
                               struct extent_list *list);
extern int nbd_client_dirty (struct backend *b, uint64_t count,
                             uint64_t offset, struct extent_list *list);
extern int nbd_client_aio_pread (struct backend *b, void *buf,
                                 uint64_t count, uint64_t offset,
                                 uint32_t flags, struct completion *cmp);
extern int nbd_client_aio_pwrite (struct backend *b, const void *buf,
                                  uint64_t count, uint64_t offset,
                                  uint32_t flags, struct completion *cmp);
extern int nbd_client_aio_zero (struct backend *b, uint64_t count,
                                uint64_t offset, uint32_t flags,
                                struct completion *cmp);
extern int nbd_client_aio_extents (struct backend *b, uint64_t count,
                                   uint64_t offset, uint32_t flags,
                                   struct extent_list *list,
                                   struct completion *cmp);
extern int nbd_client_aio_get_fd (struct backend *b, short *events);
extern int nbd_client_aio_notify (struct backend *b, short revents);
extern unsigned nbd_client_aio_in_flight (struct backend *b);

#endif /* NBDFERRY_NBD_CLIENT_INTERNAL_H */
