/* nbdferry: an NBD export as a source (engine/nbd/client.c does the work). */
#include <config.h>

#include "nbd/client.h"
#include "sources.h"

struct backend *
nbd_source_open (const char *arg, const struct endpoint_opts *opts)
{
  struct endpoint_opts o = *opts;

  o.writable = false;
  o.src_size = -1;
  return nbd_client_open (arg, &o);
}
