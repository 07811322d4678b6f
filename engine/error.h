/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: error messages recorded per thread.
 *
 * A hook that knows more than errno says (libnbd's message, the path) calls
 * set_error(); the caller that knows the context (the offset, the argument)
 * reports once, appending last_error().  Nothing here prints.
 *
 * A message belongs to one failure.  Every backend_* dispatcher clears it
 * on entry (engine/backend.c) and the server clears it for each request,
 * so right after a call fails last_error() is that call's own message, or
 * strerror(errno) when it recorded none: never the text of an earlier
 * failure that was handled.  Whoever reports a failure later (an async
 * completion, processed after other calls) copies the text at once.
 */
#ifndef NBDFERRY_ERROR_H
#define NBDFERRY_ERROR_H

#include <errno.h>

/* Record a message for this thread (printf-style).  errno is preserved. */
extern void set_error (const char *fs, ...)
  __attribute__ ((format (printf, 1, 2)));
/* Like set_error, appending ": strerror(errno)". */
extern void set_error_errno (const char *fs, ...)
  __attribute__ ((format (printf, 1, 2)));
/* The last message recorded on this thread, or strerror(err) if none was
 * recorded since clear_error().
 */
extern const char *last_error (int err);
extern void clear_error (void);

#endif /* NBDFERRY_ERROR_H */
