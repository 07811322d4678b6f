/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: the --resume state file (see resume.h).
 *
 *   nbdferry-resume 1
 *   source-size N
 *   destination-size N
 *   unit N
 *   allocated 0|1
 *   target-is-zero 0|1
 *   no-extents 0|1
 *   sparse N
 *   source NAME
 *   destination NAME
 *   done HEX            one bit per unit, unit 0 the low bit of the first byte
 *   checksum HEX        FNV-1a 64 of every byte before this line
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "error.h"
#include "fdio.h"
#include "resume.h"

#define MAGIC "nbdferry-resume 1\n"

struct resume {
  char *path;
  struct resume_id id;          /* names point into src, dst below */
  char *src, *dst;
  int64_t dst_size;             /* recorded, or -1 */
  bool found;
  uint64_t units;
  _Atomic unsigned char *bits;
  pthread_mutex_t lock;         /* one save at a time */
};

static uint64_t
fnv1a (const char *s, size_t n)
{
  uint64_t h = UINT64_C (0xcbf29ce484222325);

  while (n--) {
    h ^= (unsigned char) *s++;
    h *= UINT64_C (0x100000001b3);
  }
  return h;
}

/* The whole file as text, the bitmap included. */
static char *
format (struct resume *r, size_t *len)
{
  size_t nbytes = (r->units + 7) / 8, i;
  size_t cap = 512 + strlen (r->src) + strlen (r->dst) + 2 * nbytes;
  char *s = malloc (cap), *p;

  if (s == NULL)
    return NULL;
  p = s + snprintf (s, cap, MAGIC "source-size %" PRIi64 "\n"
                    "destination-size %" PRIi64 "\nunit %" PRIu64 "\n"
                    "allocated %d\ntarget-is-zero %d\nno-extents %d\n"
                    "sparse %" PRIu64 "\nsource %s\ndestination %s\ndone ",
                    r->id.src_size, r->dst_size, r->id.unit,
                    r->id.allocated, r->id.target_is_zero, r->id.no_extents,
                    r->id.sparse, r->src, r->dst);
  for (i = 0; i < nbytes; ++i)
    p += sprintf (p, "%02x", (unsigned) atomic_load (&r->bits[i]));
  *p++ = '\n';
  p += sprintf (p, "checksum %016" PRIx64 "\n", fnv1a (s, p - s));
  *len = p - s;
  return s;
}

/* "KEY VALUE\n" at *pos: the value (NUL-terminated in place), or NULL. */
static char *
field (char **pos, const char *key)
{
  size_t k = strlen (key);
  char *s = *pos, *nl;

  if (strncmp (s, key, k) != 0 || s[k] != ' ' ||
      (nl = strchr (s, '\n')) == NULL)
    return NULL;
  *nl = '\0';
  *pos = nl + 1;
  return s + k + 1;
}

static bool
number (char **pos, const char *key, uint64_t *out)
{
  char *v = field (pos, key), *end;

  if (v == NULL)
    return false;
  errno = 0;
  *out = strtoull (v, &end, 10);
  return errno == 0 && end != v && *end == '\0';
}

static int
corrupt (const char *path, const char *what)
{
  set_error ("--resume=%s: the state file is corrupt (%s); remove it to "
             "start over", path, what);
  errno = EINVAL;
  return -1;
}

static int
differs (const char *path, const char *what, const char *was,
         const char *now)
{
  set_error ("--resume=%s: the state is for another copy: %s was '%s', "
             "now '%s'", path, what, was, now);
  errno = EINVAL;
  return -1;
}

#define DIFFERS_NUM(path, what, was, now)                               \
  do {                                                                  \
    char w_[32], n_[32];                                                \
    snprintf (w_, sizeof w_, "%" PRIi64, (int64_t) (was));              \
    snprintf (n_, sizeof n_, "%" PRIi64, (int64_t) (now));              \
    return differs (path, what, w_, n_);                                \
  } while (0)

/* Check and take the recorded state; text is modified. */
static int
parse (struct resume *r, char *text, size_t len)
{
  const struct resume_id *id = &r->id;
  char *pos = text, *sum, *src, *dst, *hex;
  uint64_t ssize, dsize, unit, alloc, tiz, noext, sparse, i, want;

  /* The last line: after the newline before the final one. */
  sum = len > 1 && text[len - 1] == '\n' ? memrchr (text, '\n', len - 1)
    : NULL;
  if (sum)
    sum++;
  if (strncmp (text, MAGIC, strlen (MAGIC)) != 0)
    return corrupt (r->path, "not an nbdferry state file");
  if (sum == NULL || strncmp (sum, "checksum ", 9) != 0 ||
      strtoull (sum + 9, NULL, 16) != fnv1a (text, sum - text))
    return corrupt (r->path, "checksum mismatch: truncated or edited");
  pos += strlen (MAGIC);
  if (!number (&pos, "source-size", &ssize) ||
      !number (&pos, "destination-size", &dsize) ||
      !number (&pos, "unit", &unit) || !number (&pos, "allocated", &alloc) ||
      !number (&pos, "target-is-zero", &tiz) ||
      !number (&pos, "no-extents", &noext) ||
      !number (&pos, "sparse", &sparse) ||
      (src = field (&pos, "source")) == NULL ||
      (dst = field (&pos, "destination")) == NULL ||
      (hex = field (&pos, "done")) == NULL)
    return corrupt (r->path, "a field is missing");
  if (strcmp (src, id->src) != 0)
    return differs (r->path, "the source", src, id->src);
  if (strcmp (dst, id->dst) != 0)
    return differs (r->path, "the destination", dst, id->dst);
  if ((int64_t) ssize != id->src_size)
    DIFFERS_NUM (r->path, "the source size", ssize, id->src_size);
  if (unit != id->unit)
    DIFFERS_NUM (r->path, "the unit size", unit, id->unit);
  if (alloc != id->allocated)
    return differs (r->path, "--allocated", alloc ? "on" : "off",
                    id->allocated ? "on" : "off");
  if (tiz != id->target_is_zero)
    return differs (r->path, "--target-is-zero", tiz ? "on" : "off",
                    id->target_is_zero ? "on" : "off");
  if (noext != id->no_extents)
    return differs (r->path, "--no-extents", noext ? "on" : "off",
                    id->no_extents ? "on" : "off");
  if (sparse != id->sparse)
    DIFFERS_NUM (r->path, "--sparse", sparse, id->sparse);
  want = (r->units + 7) / 8;
  if (strlen (hex) != 2 * want)
    return corrupt (r->path, "the bitmap has the wrong length");
  for (i = 0; i < want; ++i) {
    unsigned v;
    if (sscanf (hex + 2 * i, "%2x", &v) != 1)
      return corrupt (r->path, "the bitmap is not hex");
    atomic_store (&r->bits[i], v);
  }
  r->dst_size = dsize;
  return 0;
}

static int
load (struct resume *r)
{
  CLEANUP_CLOSE int fd = open (r->path, O_RDONLY | O_CLOEXEC);
  CLEANUP_FREE char *text = NULL;
  struct stat st;

  if (fd == -1 && errno == ENOENT)
    return 0;
  if (fd == -1 || fstat (fd, &st) == -1) {
    set_error_errno ("--resume=%s", r->path);
    return -1;
  }
  /* Header, names and the bitmap: anything far bigger is not ours. */
  if (st.st_size > (off_t) (4096 + 2 * (r->units + 7) / 8 +
                            strlen (r->src) + strlen (r->dst)))
    return corrupt (r->path, "too big");
  text = malloc (st.st_size + 1);
  if (text == NULL || fd_pread_full (fd, text, st.st_size, 0) == -1) {
    set_error_errno ("--resume=%s", r->path);
    return -1;
  }
  text[st.st_size] = '\0';
  if (strlen (text) != (size_t) st.st_size)
    return corrupt (r->path, "binary data");
  if (parse (r, text, st.st_size) == -1)
    return -1;
  return 1;
}

int
resume_open (const char *path, const struct resume_id *id,
             struct resume **out)
{
  struct resume *r = calloc (1, sizeof *r);
  int found;

  *out = NULL;
  if (r == NULL)
    return -1;
  r->id = *id;
  r->dst_size = -1;
  r->units = (id->src_size + id->unit - 1) / id->unit;
  r->path = strdup (path);
  r->src = strdup (id->src);
  r->dst = strdup (id->dst);
  r->bits = calloc ((r->units + 7) / 8 + 1, 1);
  pthread_mutex_init (&r->lock, NULL);
  if (!r->path || !r->src || !r->dst || !r->bits) {
    set_error_errno ("--resume=%s", path);
    goto fail;
  }
  if (strchr (r->src, '\n') || strchr (r->dst, '\n')) {
    set_error ("--resume=%s: a name with a newline cannot be recorded",
               path);
    errno = EINVAL;
    goto fail;
  }
  found = load (r);
  if (found == -1)
    goto fail;
  r->found = found;
  *out = r;
  return found;

 fail:
  resume_free (r);              /* keeps errno */
  return -1;
}

int
resume_check_dst_size (struct resume *r, int64_t size)
{
  if (r->found && r->dst_size != size)
    DIFFERS_NUM (r->path, "the destination size", r->dst_size, size);
  r->dst_size = size;
  return 0;
}

void
resume_free (struct resume *r)
{
  if (r == NULL)
    return;
  pthread_mutex_destroy (&r->lock);
  free (r->path);
  free (r->src);
  free (r->dst);
  free ((void *) r->bits);
  free (r);
}

bool
resume_is_done (const struct resume *r, uint64_t unit)
{
  return unit < r->units &&
    (atomic_load (&r->bits[unit / 8]) >> (unit % 8)) & 1;
}

uint64_t
resume_done_bytes (const struct resume *r)
{
  uint64_t u, n = 0;

  for (u = 0; u < r->units; ++u)
    if (resume_is_done (r, u))
      n += u + 1 < r->units ? r->id.unit
        : r->id.src_size - u * r->id.unit;
  return n;
}

void
resume_mark (struct resume *r, uint64_t unit)
{
  if (unit < r->units)
    atomic_fetch_or (&r->bits[unit / 8], 1u << (unit % 8));
}

/* Make the rename itself durable. */
static int
sync_dir (const char *path)
{
  CLEANUP_FREE char *copy = strdup (path);
  CLEANUP_CLOSE int fd = -1;

  if (copy == NULL)
    return -1;
  fd = open (dirname (copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  return fd == -1 ? -1 : fsync (fd);
}

int
resume_save (struct resume *r)
{
  CLEANUP_FREE char *tmp = NULL, *text = NULL;
  size_t len;
  int fd, err;

  LOCK_IN_SCOPE (&r->lock);
  if (asprintf (&tmp, "%s.tmp", r->path) == -1) {
    tmp = NULL;
    return -1;
  }
  if ((text = format (r, &len)) == NULL)
    return -1;
  fd = open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd >= 0 && (fd_write_full (fd, text, len) == -1 || fsync (fd) == -1)) {
    err = errno;
    close (fd);
    errno = err;
    fd = -1;
  }
  else if (fd >= 0 && close (fd) == -1)
    fd = -1;
  if (fd == -1 || rename (tmp, r->path) == -1 || sync_dir (r->path) == -1) {
    err = errno;
    set_error_errno ("--resume=%s: writing the state", r->path);
    unlink (tmp);
    errno = err;
    return -1;
  }
  return 0;
}

int
resume_remove (struct resume *r)
{
  if (unlink (r->path) == -1 && errno != ENOENT) {
    set_error_errno ("--resume=%s: removing the state", r->path);
    return -1;
  }
  return sync_dir (r->path);
}
