/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: do two local endpoints hold the same data? (alias.h) */
#include <config.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/sysmacros.h>
#include <linux/loop.h>

#include "alias.h"

/* How deep device stacks go before we stop looking (a loop in sysfs). */
#define MAX_DEPTH 8

static bool
same_node (const struct alias_node *x, const struct alias_node *y)
{
  return x->blk == y->blk && x->dev == y->dev && (x->blk || x->ino == y->ino);
}

static bool
has (const struct alias_set *s, const struct alias_node *x)
{
  unsigned i;

  for (i = 0; i < s->n; ++i)
    if (same_node (&s->node[i], x))
      return true;
  return false;
}

/* false if it was there already (or there is no room). */
static bool
add (struct alias_set *s, bool blk, dev_t dev, ino_t ino)
{
  struct alias_node x = { .blk = blk, .dev = dev, .ino = blk ? 0 : ino };

  if (has (s, &x) || s->n == ALIAS_MAX)
    return false;
  s->node[s->n++] = x;
  return true;
}

/* The first line of a sysfs file, without its newline; false if none. */
static bool
read_line (const char *path, char *buf, size_t size)
{
  FILE *fp = fopen (path, "re");
  bool ok;

  if (fp == NULL)
    return false;
  ok = fgets (buf, size, fp) != NULL;
  fclose (fp);
  if (ok)
    buf[strcspn (buf, "\n")] = '\0';
  return ok && buf[0];
}

static bool
read_dev (const char *path, dev_t *dev)
{
  char buf[64];
  unsigned ma, mi;

  if (!read_line (path, buf, sizeof buf) || sscanf (buf, "%u:%u", &ma, &mi) != 2)
    return false;
  *dev = makedev (ma, mi);
  return true;
}

static void add_blk (struct alias_set *s, dev_t rdev, int fd, int depth);

/* A file, then the device its file system is on. */
static void
add_file (struct alias_set *s, dev_t dev, ino_t ino, int depth)
{
  if (add (s, false, dev, ino))
    add_blk (s, dev, -1, depth + 1);
}

/* The file behind loop device dir (fd open on it, or -1), if it is one. */
static void
add_loop_file (struct alias_set *s, const char *dir, int fd, int depth)
{
  struct loop_info64 li;
  char path[512], file[4096];
  struct stat st;

  if (fd >= 0 && ioctl (fd, LOOP_GET_STATUS64, &li) == 0) {
    add_file (s, li.lo_device, li.lo_inode, depth);
    return;
  }
  /* The name as the process that set it up saw it. */
  snprintf (path, sizeof path, "%s/loop/backing_file", dir);
  if (read_line (path, file, sizeof file) && stat (file, &st) == 0 &&
      S_ISREG (st.st_mode))
    add_file (s, st.st_dev, st.st_ino, depth);
}

/* What device-mapper (or md) builds dir on. */
static void
add_slaves (struct alias_set *s, const char *dir, int depth)
{
  char path[512], dev_path[1024];
  struct dirent *d;
  DIR *dp;
  dev_t dev;

  snprintf (path, sizeof path, "%s/slaves", dir);
  dp = opendir (path);
  if (dp == NULL)
    return;
  while ((d = readdir (dp)) != NULL) {
    if (d->d_name[0] == '.')
      continue;
    snprintf (dev_path, sizeof dev_path, "%s/%s/dev", path, d->d_name);
    if (read_dev (dev_path, &dev))
      add_blk (s, dev, -1, depth + 1);
  }
  closedir (dp);
}

static void
add_blk (struct alias_set *s, dev_t rdev, int fd, int depth)
{
  char dir[64], path[128];
  dev_t parent;

  if (depth > MAX_DEPTH || major (rdev) == 0)
    return;
  snprintf (dir, sizeof dir, "/sys/dev/block/%u:%u", major (rdev),
            minor (rdev));
  if (access (dir, F_OK) == -1)
    return;
  /* A loop device is its file: that comes first, as the node itself. */
  add_loop_file (s, dir, fd, depth);
  if (!add (s, true, rdev, 0))
    return;
  snprintf (path, sizeof path, "%s/partition", dir);
  if (access (path, F_OK) == 0) {
    snprintf (path, sizeof path, "%s/../dev", dir);
    if (read_dev (path, &parent))
      add_blk (s, parent, -1, depth + 1);
  }
  add_slaves (s, dir, depth);
}

void
alias_of (const struct stat *st, int fd, struct alias_set *out)
{
  out->n = 0;
  if (S_ISREG (st->st_mode))
    add_file (out, st->st_dev, st->st_ino, 0);
  else if (S_ISBLK (st->st_mode))
    add_blk (out, st->st_rdev, fd, 0);
}

bool
alias_same_data (const struct alias_set *a, const struct alias_set *b)
{
  return a->n > 0 && b->n > 0 &&
    (has (a, &b->node[0]) || has (b, &a->node[0]));
}
