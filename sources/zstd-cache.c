/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: decoded zstd frames shared by every reader (zstd-cache.h). */
#include <config.h>

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "zstd-cache.h"

enum { EMPTY, LOADING, READY };

struct zslot {
  size_t frame;
  int state;
  unsigned users;               /* copying out of buf */
  uint64_t used;                /* when last read, for LRU */
  char *buf;
  size_t cap;
  struct zscratch s;
};

struct zcache {
  pthread_mutex_t lock;
  pthread_cond_t cond;          /* a slot changed state or lost a user */
  uint64_t clock;
  unsigned n;
  struct zslot slot[];
};

struct zcache *
zcache_new (unsigned n)
{
  struct zcache *c = calloc (1, sizeof *c + n * sizeof c->slot[0]);
  unsigned i;

  if (c == NULL)
    return NULL;
  pthread_mutex_init (&c->lock, NULL);
  pthread_cond_init (&c->cond, NULL);
  c->n = n;
  for (i = 0; i < n; ++i) {
    c->slot[i].state = EMPTY;
    c->slot[i].s.dctx = ZSTD_createDCtx ();
    if (c->slot[i].s.dctx == NULL) {
      zcache_free (c);
      errno = ENOMEM;
      return NULL;
    }
  }
  return c;
}

void
zcache_free (struct zcache *c)
{
  unsigned i;

  if (c == NULL)
    return;
  for (i = 0; i < c->n; ++i) {
    ZSTD_freeDCtx (c->slot[i].s.dctx);
    free (c->slot[i].s.cbuf);
    free (c->slot[i].buf);
  }
  pthread_cond_destroy (&c->cond);
  pthread_mutex_destroy (&c->lock);
  free (c);
}

static struct zslot *
find (struct zcache *c, size_t frame)
{
  unsigned i;

  for (i = 0; i < c->n; ++i)
    if (c->slot[i].state != EMPTY && c->slot[i].frame == frame)
      return &c->slot[i];
  return NULL;
}

/* An idle slot to decode into, the cheapest first: an empty one with a
 * buffer, then the least recently read frame with a buffer (so that a few
 * workers keep reusing a few buffers), then an empty slot that needs one.
 * A frame read whole needs no buffer: any empty slot will do.  NULL when
 * every slot is busy.
 */
static unsigned
cost (const struct zslot *s, bool whole)
{
  if (s->state == EMPTY)
    return s->cap > 0 || whole ? 0 : 2;
  return 1;
}

static struct zslot *
victim (struct zcache *c, bool whole)
{
  struct zslot *best = NULL;
  unsigned i;

  for (i = 0; i < c->n; ++i) {
    struct zslot *s = &c->slot[i];
    if (s->state == LOADING || s->users > 0)
      continue;
    if (best == NULL || cost (s, whole) < cost (best, whole) ||
        (cost (s, whole) == cost (best, whole) && s->used < best->used))
      best = s;
  }
  return best;
}

static void
put (struct zcache *c, struct zslot *s)
{
  pthread_mutex_lock (&c->lock);
  s->users--;
  pthread_cond_broadcast (&c->cond);
  pthread_mutex_unlock (&c->lock);
}

/* Decode frame into s (or straight into buf when read whole). */
static int
load_slot (struct zslot *s, size_t frame, uint32_t dsize, char *buf,
           bool whole, zcache_load_fn load, void *arg)
{
  if (!whole && s->cap < dsize) {
    char *p = realloc (s->buf, dsize);
    if (p == NULL)
      return -1;
    s->buf = p;
    s->cap = dsize;
  }
  return load (arg, frame, whole ? buf : s->buf, &s->s);
}

int
zcache_read (struct zcache *c, size_t frame, uint32_t dsize, uint64_t skip,
             void *buf, uint64_t count, zcache_load_fn load, void *arg)
{
  const bool whole = skip == 0 && count == dsize;
  struct zslot *s;
  int r, err;

  pthread_mutex_lock (&c->lock);
  for (;;) {
    s = find (c, frame);
    if (s && s->state == READY) {
      s->users++;
      s->used = ++c->clock;
      pthread_mutex_unlock (&c->lock);
      memcpy (buf, s->buf + skip, count);
      put (c, s);
      return 0;
    }
    if (s == NULL && (s = victim (c, whole)) != NULL)
      break;
    /* Someone is decoding this frame, or every slot is in use. */
    pthread_cond_wait (&c->cond, &c->lock);
  }
  s->state = LOADING;
  s->frame = frame;
  pthread_mutex_unlock (&c->lock);

  r = load_slot (s, frame, dsize, buf, whole, load, arg);
  err = errno;

  pthread_mutex_lock (&c->lock);
  if (r == -1 || whole)
    s->state = EMPTY;           /* a waiter for this frame decodes it */
  else {
    s->state = READY;
    s->users = 1;
    s->used = ++c->clock;
  }
  pthread_cond_broadcast (&c->cond);
  pthread_mutex_unlock (&c->lock);
  if (r == -1 || whole) {
    errno = err;
    return r;
  }
  memcpy (buf, s->buf + skip, count);
  put (c, s);
  return 0;
}
