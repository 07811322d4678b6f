/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: frames of a zstd image compressed in parallel (zstd-pool.h).
 *
 * Frames are numbered in image order; frame s lives in slot s % n.  The
 * writer fills frame `fill`, threads take queued frames in order from
 * `next`, and the writer writes finished frames in order from `emit`.
 */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <zstd.h>

#include "cleanup.h"
#include "error.h"
#include "zero.h"
#include "zstd-pool.h"
#include "zstd/zstd-seek.h"

enum { FREE, FILLING, QUEUED, BUSY, DONE };

struct zjob {
  int state;
  char *in;
  char *out;
  size_t out_cap, len;          /* len: the compressed frame */
  uint32_t dsize;
  bool zero;
  char err[128];                /* a failed compression, for the writer */
};

struct zpool {
  pthread_mutex_t lock;
  pthread_cond_t work;          /* a frame was queued, or stop */
  pthread_cond_t done;          /* a frame was compressed */
  struct zjob *job;
  unsigned n;
  uint64_t fill, next, emit;
  bool stop, failed;
  pthread_t *tid;
  unsigned threads;
  int level;
  uint32_t frame_size;
  zpool_emit_fn emit_fn;
  void *arg;
};

static void
compress_job (struct zjob *j, ZSTD_CCtx *cctx)
{
  size_t r;

  j->err[0] = '\0';
  if (j->zero || is_zero (j->in, j->dsize)) {
    j->len = zseek_zero_frame (j->out, j->dsize);
    return;
  }
  r = ZSTD_compress2 (cctx, j->out, j->out_cap, j->in, j->dsize);
  if (ZSTD_isError (r))
    snprintf (j->err, sizeof j->err, "%s", ZSTD_getErrorName (r));
  else
    j->len = r;
}

static void *
worker (void *arg)
{
  struct zpool *p = arg;
  ZSTD_CCtx *cctx = ZSTD_createCCtx ();

  if (cctx) {
    ZSTD_CCtx_setParameter (cctx, ZSTD_c_compressionLevel, p->level);
    ZSTD_CCtx_setParameter (cctx, ZSTD_c_checksumFlag, 1);
  }
  pthread_mutex_lock (&p->lock);
  for (;;) {
    struct zjob *j;

    while (!p->stop && !(p->next < p->fill &&
                         p->job[p->next % p->n].state == QUEUED))
      pthread_cond_wait (&p->work, &p->lock);
    if (p->stop)
      break;
    j = &p->job[p->next++ % p->n];
    j->state = BUSY;
    pthread_mutex_unlock (&p->lock);
    if (cctx)
      compress_job (j, cctx);
    else
      snprintf (j->err, sizeof j->err, "cannot make a zstd context");
    pthread_mutex_lock (&p->lock);
    j->state = DONE;
    pthread_cond_broadcast (&p->done);
  }
  pthread_mutex_unlock (&p->lock);
  ZSTD_freeCCtx (cctx);
  return NULL;
}

/* Write the frame at emit if it is done (wait for it when wait).  Returns
 * 1 if one was written, 0 if none was ready, -1 on failure.  Called by the
 * writer only, with the lock held; the lock is dropped while writing.
 */
static int
emit_one (struct zpool *p, bool wait)
{
  struct zjob *j;
  int r;

  if (p->emit == p->fill)
    return 0;
  j = &p->job[p->emit % p->n];
  while (wait && j->state != DONE)
    pthread_cond_wait (&p->done, &p->lock);
  if (j->state != DONE)
    return 0;
  pthread_mutex_unlock (&p->lock);
  if (j->err[0]) {
    set_error ("compressing image offset %" PRIu64 ": %s",
               p->emit * p->frame_size, j->err);
    errno = EIO;
    r = -1;
  }
  else
    r = p->emit_fn (p->arg, j->out, j->len, j->dsize);
  pthread_mutex_lock (&p->lock);
  if (r == -1) {
    p->failed = true;
    return -1;
  }
  j->state = FREE;
  p->emit++;
  return 1;
}

char *
zpool_buffer (struct zpool *p)
{
  LOCK_IN_SCOPE (&p->lock);
  struct zjob *j = &p->job[p->fill % p->n];

  /* The slot holds an older frame until it is written. */
  while (!p->failed && j->state != FREE && emit_one (p, true) >= 0)
    ;
  if (!p->failed)
    j->state = FILLING;
  return p->failed ? NULL : j->in;
}

int
zpool_submit (struct zpool *p, uint32_t dsize, bool zero)
{
  LOCK_IN_SCOPE (&p->lock);
  struct zjob *j = &p->job[p->fill % p->n];

  j->dsize = dsize;
  j->zero = zero;
  j->state = QUEUED;
  p->fill++;
  pthread_cond_signal (&p->work);
  /* Keep the output moving: write what is done, without waiting. */
  while (!p->failed && emit_one (p, false) > 0)
    ;
  return p->failed ? -1 : 0;
}

int
zpool_drain (struct zpool *p)
{
  LOCK_IN_SCOPE (&p->lock);
  while (!p->failed && emit_one (p, true) > 0)
    ;
  return p->failed ? -1 : 0;
}

void
zpool_free (struct zpool *p)
{
  unsigned i;

  if (p == NULL)
    return;
  pthread_mutex_lock (&p->lock);
  p->stop = true;
  pthread_cond_broadcast (&p->work);
  pthread_mutex_unlock (&p->lock);
  for (i = 0; i < p->threads; ++i)
    pthread_join (p->tid[i], NULL);
  for (i = 0; i < p->n; ++i) {
    free (p->job[i].in);
    free (p->job[i].out);
  }
  pthread_cond_destroy (&p->work);
  pthread_cond_destroy (&p->done);
  pthread_mutex_destroy (&p->lock);
  free (p->job);
  free (p->tid);
  free (p);
}

struct zpool *
zpool_new (unsigned threads, int level, uint32_t frame_size,
           zpool_emit_fn emit, void *arg)
{
  struct zpool *p = calloc (1, sizeof *p);
  unsigned i;
  int err;

  if (p == NULL)
    return NULL;
  pthread_mutex_init (&p->lock, NULL);
  pthread_cond_init (&p->work, NULL);
  pthread_cond_init (&p->done, NULL);
  p->n = threads + 1;
  p->level = level;
  p->frame_size = frame_size;
  p->emit_fn = emit;
  p->arg = arg;
  p->job = calloc (p->n, sizeof *p->job);
  p->tid = calloc (threads, sizeof *p->tid);
  if (p->job == NULL || p->tid == NULL)
    goto fail;
  for (i = 0; i < p->n; ++i) {
    p->job[i].out_cap = ZSTD_compressBound (frame_size);
    p->job[i].in = malloc (frame_size);
    p->job[i].out = malloc (p->job[i].out_cap);
    if (p->job[i].in == NULL || p->job[i].out == NULL)
      goto fail;
  }
  for (; p->threads < threads; p->threads++) {
    err = pthread_create (&p->tid[p->threads], NULL, worker, p);
    if (err) {
      errno = err;
      goto fail;
    }
  }
  return p;

 fail:
  err = errno;
  zpool_free (p);
  errno = err;
  return NULL;
}
