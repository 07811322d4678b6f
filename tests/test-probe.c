/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: drive the init-state probe from the shell tests.
 *
 *   test-probe URI              print the init flags the probe finds
 *   test-probe --parse URI      print where the probe would connect
 *   test-probe --cmd CMD ARGS   start CMD with socket activation, probe it
 *
 * Flags print as a decimal mask (INIT_SPARSE 1, INIT_ZERO 2).
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "error.h"
#include "nbd/client/probe.h"
#include "nbd/client/sockact.h"

static int
parse (const char *uri)
{
  struct probe_target t;

  if (probe_parse_uri (uri, &t) == -1) {
    printf ("skip\n");
    return 0;
  }
  if (t.socket)
    printf ("unix socket=%s export=%s\n", t.socket, t.export);
  else
    printf ("tcp host=%s port=%s export=%s\n", t.host, t.port, t.export);
  probe_target_free (&t);
  return 0;
}

static int
command (char **argv)
{
  struct sockact *s = sockact_start (argv);

  if (s == NULL) {
    fprintf (stderr, "test-probe: %s\n", last_error (errno));
    return 1;
  }
  printf ("%u\n", probe_init_state_unix (sockact_path (s), ""));
  sockact_unref (s);
  return 0;
}

int
main (int argc, char *argv[])
{
  if (argc == 3 && strcmp (argv[1], "--parse") == 0)
    return parse (argv[2]);
  if (argc >= 3 && strcmp (argv[1], "--cmd") == 0)
    return command (argv + 2);
  if (argc != 2) {
    fprintf (stderr, "usage: test-probe [--parse] URI | --cmd CMD...\n");
    return 2;
  }
  printf ("%u\n", probe_init_state_uri (argv[1]));
  return 0;
}
