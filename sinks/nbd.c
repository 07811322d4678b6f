/* nbdferry: an NBD export as a sink: it must be writable and at least as
 * big as the source (engine/nbd/client.c does the work).
 */
#include <config.h>

#include "nbd/client.h"
#include "sinks.h"

struct backend *
nbd_sink_open (const char *arg, const struct endpoint_opts *opts)
{
  struct endpoint_opts o = *opts;

  o.writable = true;
  return nbd_client_open (arg, &o);
}
