/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: what the command line tells a driver when it opens an endpoint.
 *
 * cmd/endpoints.c turns an argument (path, URI, [ CMD ], null:, -, synthetic
 * name) into a driver and passes these options; drivers in sources/ and
 * sinks/ read them.  The copy engine never sees them.
 */
#ifndef NBDFERRY_ENDPOINT_H
#define NBDFERRY_ENDPOINT_H

#include <stdbool.h>
#include <stdint.h>

struct endpoint_opts {
  bool writable;          /* opened as a sink (or a writable served export) */
  bool allocated;         /* --allocated: a sink must not punch holes */
  bool direct;            /* O_DIRECT for files and block devices */
  bool no_extents;        /* --no-extents: do not ask for extents */
  int verbose;            /* -v */
  /* Sink: the size the source has (-1: unknown, a stream).  A regular file
   * sink is created or truncated to it; a block device or NBD export must
   * be at least that big.
   */
  int64_t src_size;
  /* Serve the target as it is (nbdferry serve): a regular file is never
   * truncated; a missing one is created only with create_size.
   */
  bool in_place;
  /* serve --size: create a missing target at this size, or grow a smaller
   * one to it (-1: not asked).
   */
  int64_t create_size;
  /* --dirty-bitmap: a source requests the meta context
   * qemu:dirty-bitmap:NAME and fails to open without it (NULL: none).
   */
  const char *dirty_bitmap;
  /* A delta copy patches the sink: an existing file or device is kept as it
   * is (never created, truncated or grown); a sink that cannot be patched
   * in place refuses to open.
   */
  bool patch;
  unsigned connections;   /* -C: NBD connections wanted (multi-conn only) */
  unsigned requests;      /* -R: requests in flight per connection */
  /* NBD: seconds a connection may take to open, and a server with
   * requests outstanding may stay silent (0: forever).
   */
  unsigned connect_timeout, request_timeout;
  char **command;         /* [ CMD ARGS ]: NULL-terminated, or NULL */
};

#endif /* NBDFERRY_ENDPOINT_H */
