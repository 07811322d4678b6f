/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry compare: are two images the same? */
#ifndef NBDFERRY_COMPARE_CMD_H
#define NBDFERRY_COMPARE_CMD_H

/* argv[0] is "compare".  Exit status as qemu-img compare: 0 identical,
 * 1 different, 2 error.
 */
extern int compare_main (int argc, char *argv[]);

#endif /* NBDFERRY_COMPARE_CMD_H */
