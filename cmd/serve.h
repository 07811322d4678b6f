/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: `nbdferry serve`, the embedded NBD server's command line. */
#ifndef NBDFERRY_SERVE_H
#define NBDFERRY_SERVE_H

/* argv[0] is "serve".  Returns the exit status. */
extern int serve_main (int argc, char *argv[]);

#endif /* NBDFERRY_SERVE_H */
