/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: do two local endpoints hold the same data?
 *
 * An endpoint's data is a node (a regular file by st_dev/st_ino, or a
 * block device by st_rdev) that lives on lower nodes: a partition on its
 * disk, a device-mapper device on its slaves, a file on the block device of
 * its file system.  A loop device is the file behind it.  Two endpoints are
 * the same data when either one's node is among the other's nodes: a bind
 * mount or a hard link is the same inode, /dev/loop0 is f.img, f.img on
 * /dev/vda1 lives on /dev/vda.  Two partitions of one disk (two logical
 * volumes of one volume group) are not: neither lives on the other.
 */
#ifndef NBDFERRY_ALIAS_H
#define NBDFERRY_ALIAS_H

#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

#define ALIAS_MAX 32

struct alias_node {
  bool blk;                     /* a block device: dev is its st_rdev */
  dev_t dev;
  ino_t ino;
};

/* node[0] is the endpoint itself; the rest are what it lives on. */
struct alias_set {
  unsigned n;
  struct alias_node node[ALIAS_MAX];
};

/* The nodes of what st describes (a file, a block device; nothing for
 * anything else).  fd, if not -1, is open on it: a loop device is then
 * asked for its file (LOOP_GET_STATUS64), else sysfs names it.  Never
 * fails: what the kernel does not say is left out.
 */
extern void alias_of (const struct stat *st, int fd, struct alias_set *out);

/* Is one's node among the other's? */
extern bool alias_same_data (const struct alias_set *a,
                             const struct alias_set *b);

#endif /* NBDFERRY_ALIAS_H */
