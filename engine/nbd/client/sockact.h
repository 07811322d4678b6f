/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: `[ CMD ARGS ]` NBD servers started with systemd socket
 * activation on a listening Unix socket we own, so that we can open as many
 * connections to them as they allow.
 *
 * Reference counted: every libnbd connection to the server holds a
 * reference; the last sockact_unref() stops the server (SIGTERM, wait) and
 * removes the socket and its private directory.
 */
#ifndef NBDFERRY_NBD_SOCKACT_H
#define NBDFERRY_NBD_SOCKACT_H

#include <stdbool.h>

struct sockact;

/* Start argv (NULL-terminated) on a fresh listening socket.  NULL with a
 * set_error() message naming the command when it cannot be started.
 */
extern struct sockact *sockact_start (char **argv);

extern struct sockact *sockact_ref (struct sockact *s);
extern void sockact_unref (struct sockact *s);

/* The socket path to connect to. */
extern const char *sockact_path (const struct sockact *s);
/* "[ cmd args ]", for messages. */
extern const char *sockact_name (const struct sockact *s);

/* If the server has exited, or exits within wait_ms, describe how
 * ("exited with status 1", "was killed by signal 9") into buf and return
 * true.  (A server dying closes its socket a moment before it can be
 * reaped, so a failed connection waits a little to tell why.)
 */
extern bool sockact_exited (struct sockact *s, int wait_ms,
                            char *buf, size_t len);

#endif /* NBDFERRY_NBD_SOCKACT_H */
