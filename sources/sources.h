/* nbdferry: source drivers.  Each opens arg and returns a backend that has
 * been through backend_open_done(), or NULL with a message recorded by
 * set_error() that names arg.
 */
#ifndef NBDFERRY_SOURCES_H
#define NBDFERRY_SOURCES_H

#include "backend.h"
#include "endpoint.h"

extern struct backend *nbd_source_open (const char *arg, const struct endpoint_opts *opts);

#endif /* NBDFERRY_SOURCES_H */
