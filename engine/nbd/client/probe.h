/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: the init-state probe (DESIGN.md "Endpoints").
 *
 * libnbd 1.14 cannot read NBD_INFO_INIT_STATE (PROTOCOL.md "The
 * initial-state extension"), so once libnbd has connected we open a second
 * connection to the same server and run a tiny handshake of our own:
 * fixed newstyle, NBD_OPT_INFO asking for types 0, 3 and 4 of the export
 * libnbd opened, then NBD_OPT_ABORT.  It never fails: anything unexpected
 * (an old server, a timeout, a malformed reply) gives 0, "unknown".
 */
#ifndef NBDFERRY_NBD_PROBE_H
#define NBDFERRY_NBD_PROBE_H

#include <libnbd.h>

/* Bound on the whole probe (connect included), in milliseconds. */
#define PROBE_TIMEOUT_MS 5000

/* Probe the export that the connected handle nbd has open.  Returns
 * INIT_SPARSE | INIT_ZERO (engine/backend.h) or 0.  Not probed (0): a
 * server without multi-conn (it may not take a second client), a TLS
 * connection (the answer would come unauthenticated, in clear text), a
 * socket without an address to connect to again (socketpair).
 */
extern unsigned probe_init_state (struct nbd_handle *nbd);

#endif /* NBDFERRY_NBD_PROBE_H */
