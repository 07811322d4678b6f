/* nbdferry: sink drivers.  Each opens arg for writing and returns a backend
 * that has been through backend_open_done(), or NULL with a message recorded
 * by set_error() that names arg.
 */
#ifndef NBDFERRY_SINKS_H
#define NBDFERRY_SINKS_H

#include "backend.h"
#include "endpoint.h"

extern struct backend *nbd_sink_open (const char *arg, const struct endpoint_opts *opts);

#endif /* NBDFERRY_SINKS_H */
