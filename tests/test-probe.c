/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: drive the init-state probe from the shell tests.
 *
 *   test-probe URI              connect libnbd to URI, print the init
 *                               flags the probe finds beside it
 *   test-probe --cmd CMD ARGS   the same for CMD started with socket
 *                               activation ([ CMD ARGS ])
 *
 * Flags print as a decimal mask (INIT_SPARSE 1, INIT_ZERO 2).
 */
#include <config.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <libnbd.h>

#include "error.h"
#include "nbd/client/probe.h"
#include "nbd/client/sockact.h"

int
main (int argc, char *argv[])
{
  struct sockact *s = NULL;
  struct nbd_handle *nbd;
  int r;

  if (argc < 2 || (argc > 2 && strcmp (argv[1], "--cmd") != 0)) {
    fprintf (stderr, "usage: test-probe URI | --cmd CMD...\n");
    return 2;
  }
  if (argc > 2 && (s = sockact_start (argv + 2)) == NULL) {
    fprintf (stderr, "test-probe: %s\n", last_error (errno));
    return 1;
  }
  nbd = nbd_create ();
  if (nbd == NULL)
    r = -1;
  else if (s)
    r = nbd_connect_unix (nbd, sockact_path (s));
  else
    r = nbd_set_uri_allow_local_file (nbd, true) == -1 ? -1 :
      nbd_connect_uri (nbd, argv[1]);
  if (r == -1) {
    fprintf (stderr, "test-probe: %s\n", nbd_get_error ());
    return 1;
  }
  printf ("%u\n", probe_init_state (nbd));
  nbd_close (nbd);
  sockact_unref (s);
  return 0;
}
