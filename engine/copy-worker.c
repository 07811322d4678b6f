/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: the random-access copy pipeline.
 *
 * Each worker takes 64 MiB units in order, asks the source what is data,
 * reads data in planned requests (several in flight where a side has real
 * async I/O), splits each buffer into data and zero runs at -S granularity,
 * and writes only what must change.  Buffers ("slots") are per worker and
 * bounded, so memory does not grow with the image.
 */
#include <config.h>

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "blkhash.h"
#include "clock.h"
#include "copy-depth.h"
#include "copy-internal.h"
#include "error.h"
#include "dirty.h"
#include "extents.h"
#include "zero.h"

enum op_kind { OP_READ, OP_WRITE, OP_ZERO, OP_EXTENTS };

struct slot {
  char *buf;                    /* in w->bufs, mapped on first use */
  uint64_t offset, count;       /* what the buffer holds */
  struct extent_list map;       /* its extents when it crosses holes */
  unsigned pending;             /* ops still using the buffer */
  double taken;                 /* when get_slot handed it out */
  struct slot *next_free;
};

struct op {
  struct completion c;          /* first: backends see only this */
  struct worker *w;
  struct slot *slot;            /* the buffer it uses, or NULL */
  enum op_kind kind;
  bool rmw;                     /* through cp->rmw: not whole dst blocks */
  uint64_t offset, count;
  int err;
  char *why;                    /* the failure's message, copied at once */
  struct op *next;              /* done queue or free list */
};

struct worker {
  struct copy *cp;
  struct backend *src, *dst;
  const struct plan *plan;
  bool sync;                    /* --synchronous: no async hooks */
  struct slot *slots, *free_slots;
  unsigned used;                /* slots taken and not yet released */
  struct depth depth;           /* how many may be (copy-depth.c) */
  char *bufs;                   /* the slots' buffers (map_buffers) */
  struct op *free_ops;
  struct op *done_head, **done_tail;
  unsigned in_flight;           /* ops submitted and not yet processed */
  struct extent_list ext, scratch;
  struct checkpoint ckpt;
  bool redo;                    /* copying units again: dst holds junk */
  struct dirty_walk dirty;      /* a delta copy: what changed */
  /* The source reads as zero in [hole_start, hole_end): what its extents
   * said past the last range asked.  A huge hole costs one question, not
   * one per unit.
   */
  uint64_t hole_start, hole_end;
  struct map_sense sense;       /* map the next unit, or probe it */
  /* The next unit, claimed while this one is read so that its extents
   * question (a round trip to a remote source) is in flight meanwhile
   * instead of between the two units' reads.
   */
  struct {
    uint64_t start;
    bool claimed;               /* the worker's loop takes start next */
    bool asking;                /* its question is in flight */
    bool answered;              /* ext holds the answer (or err) */
    int err;
    struct extent_list ext;
  } ahead;
};

static void
op_done (struct completion *c, int err)
{
  struct op *op = (struct op *) c;
  struct worker *w = op->w;

  /* Only record: the worker loop acts outside the backend's callback.  The
   * message is this failure's now; later calls would replace it.
   */
  op->err = err;
  if (err)
    op->why = strdup (last_error (err));
  op->next = NULL;
  *w->done_tail = op;
  w->done_tail = &op->next;
}

static struct op *
new_op (struct worker *w, enum op_kind kind, struct slot *s,
        uint64_t offset, uint64_t count)
{
  struct op *op = w->free_ops;

  if (op)
    w->free_ops = op->next;
  else if ((op = malloc (sizeof *op)) == NULL)
    return NULL;
  *op = (struct op) {
    .c.done = op_done, .w = w, .slot = s, .kind = kind,
    .offset = offset, .count = count,
  };
  if (s)
    s->pending++;
  w->in_flight++;
  return op;
}

static void
put_slot (struct worker *w, struct slot *s)
{
  s->next_free = w->free_slots;
  w->free_slots = s;
  w->used--;
}

static void
release_slot (struct worker *w, struct slot *s)
{
  if (--s->pending == 0) {
    put_slot (w, s);
    if (depth_sample (&w->depth, monotonic_seconds () - s->taken))
      copy_depth_reached (w->cp, w->depth.now);
  }
}

/* Submit one op; a failed submission completes it with the error. */
static void
submit (struct worker *w, struct op *op)
{
  void *buf = op->slot ? op->slot->buf + (op->offset - op->slot->offset)
    : NULL;
  uint32_t zflags = copy_zero_flags (w->cp);
  struct backend *dst = op->rmw ? w->cp->rmw : w->dst;
  int r;

  if (w->sync) {
    switch (op->kind) {
    case OP_READ: r = backend_pread (w->src, buf, op->count, op->offset, 0);
      break;
    case OP_WRITE: r = backend_pwrite (dst, buf, op->count, op->offset, 0);
      break;
    default: r = backend_zero (dst, op->count, op->offset, zflags);
    }
    op_done (&op->c, r == -1 ? errno : 0);
    return;
  }
  switch (op->kind) {
  case OP_READ:
    r = backend_aio_pread (w->src, buf, op->count, op->offset, 0, &op->c);
    break;
  case OP_WRITE:
    r = backend_aio_pwrite (dst, buf, op->count, op->offset, 0, &op->c);
    break;
  default:
    r = backend_aio_zero (dst, op->count, op->offset, zflags, &op->c);
  }
  if (r == -1)
    op_done (&op->c, errno);
}

static void
oom (struct worker *w)
{
  copy_fail_why (w->cp, w->dst, "allocating a request", 0, 0,
                 strerror (ENOMEM));
}

/* Queue a write or zero of the destination.  What is not whole blocks of
 * the sink (only ever the source's unaligned end) is split off and goes
 * through the read-modify-write filter; the rest goes straight down.
 */
static bool
queue_dst (struct worker *w, enum op_kind kind, struct slot *s,
           uint64_t offset, uint64_t count)
{
  uint64_t end = offset + count, split = end;
  struct op *op;

  if (w->cp->rmw) {
    uint64_t min = w->dst->bs[BS_MINIMUM];
    split = offset % min ? offset : round_down (end, min);
    if (split < offset)
      split = offset;
  }
  if (split > offset) {
    if ((op = new_op (w, kind, s, offset, split - offset)) == NULL)
      return false;
    submit (w, op);
  }
  if (split < end) {
    if ((op = new_op (w, kind, s, split, end - split)) == NULL)
      return false;
    op->rmw = true;
    submit (w, op);
  }
  return true;
}

/* A zero run of the source: nothing to do, or a zero request. */
static void
zero_range (struct worker *w, uint64_t offset, uint64_t count)
{
  struct copy *cp = w->cp;

  if (!w->redo && copy_zero_skip (cp, count)) {
    copy_progress (cp, count);
    return;
  }
  while (count > 0 && !atomic_load (&cp->stop)) {
    uint64_t n = count < w->plan->zero ? count : w->plan->zero;

    if (!queue_dst (w, OP_ZERO, NULL, offset, n))
      return oom (w);
    offset += n;
    count -= n;
  }
}

/* Data of the source in s: write its data runs, zero or skip its zero
 * runs.
 */
static void
write_data (struct worker *w, struct slot *s, uint64_t offset, uint64_t count)
{
  uint64_t sparse = w->plan->sparse, pos = offset - s->offset;
  uint64_t end = pos + count;

  while (pos < end && !atomic_load (&w->cp->stop)) {
    uint64_t left = end - pos, n;

    if (sparse) {
      n = zero_run (s->buf + pos, left, sparse, true);
      if (n) {
        if (n > w->src->coalesce)
          w->sense.long_zero += n;
        zero_range (w, s->offset + pos, n);
        pos += n;
        continue;
      }
      n = zero_run (s->buf + pos, left, sparse, false);
    }
    else
      n = left;
    if (!queue_dst (w, OP_WRITE, s, s->offset + pos, n))
      return oom (w);
    pos += n;
  }
}

/* A read has landed: its data is written, its holes (a coalesced read's
 * map) are holes.
 */
static void
write_slot (struct worker *w, struct slot *s)
{
  size_t i;

  s->pending++;                 /* hold the buffer while submitting */
  if (s->map.len == 0)
    write_data (w, s, s->offset, s->count);
  for (i = 0; i < s->map.len && !atomic_load (&w->cp->stop); ++i) {
    const struct extent *e = &s->map.ptr[i];

    if (e->type & EXTENT_ZERO)
      zero_range (w, e->offset, e->length);
    else
      write_data (w, s, e->offset, e->length);
  }
  release_slot (w, s);
}

/* A read, write or zero has completed. */
static void
process_io (struct worker *w, struct op *op)
{
  struct copy *cp = w->cp;
  struct copy_stats *st = cp->stats;

  if (op->err && op->kind == OP_READ) {
    struct extent failed;
    int err = coalesce_read_again (cp, w->src, op->slot->buf, op->offset,
                                   op->count, &op->slot->map, op->err,
                                   &failed);
    if (err != op->err) {       /* salvage's own outcome */
      free (op->why);
      op->why = err ? strdup (last_error (err)) : NULL;
      op->err = err;
    }
    if (err) {
      op->offset = failed.offset;
      op->count = failed.length;
    }
  }
  if (op->err) {
    static const char *const names[] = { "read", "write", "zero" };
    copy_fail_why (cp, op->kind == OP_READ ? w->src : w->dst,
                   names[op->kind], op->offset, op->count,
                   op->why ? op->why : strerror (op->err));
  }
  else if (op->kind == OP_READ) {
    atomic_fetch_add (&st->read, op->count);
    if (!w->redo)               /* hashed the first time */
      copy_hash (cp, op->slot->buf, op->offset, op->count);
    write_slot (w, op->slot);
  }
  else {
    atomic_fetch_add (op->kind == OP_WRITE ? &st->written : &st->zeroed,
                      op->count);
    if (w->redo)
      atomic_fetch_add (&st->redone, op->count);
    else
      copy_progress (cp, op->count);
  }
  if (op->slot)
    release_slot (w, op->slot);
}

static void
process (struct worker *w, struct op *op)
{
  w->in_flight--;
  if (op->kind == OP_EXTENTS) {
    /* A hint: a failed question reads the unit as data (copy_range). */
    w->ahead.asking = false;
    w->ahead.answered = true;
    w->ahead.err = op->err;
  }
  else
    process_io (w, op);
  free (op->why);
  op->why = NULL;
  op->next = w->free_ops;
  w->free_ops = op;
}

static void
drain (struct worker *w)
{
  while (w->done_head) {
    struct op *op = w->done_head;

    w->done_head = op->next;
    if (w->done_head == NULL)
      w->done_tail = &w->done_head;
    process (w, op);
  }
}

/* Wait for async completions on either side. */
static void
wait_backends (struct worker *w)
{
  struct backend *sides[2] = { w->src, w->dst }, *which[2];
  struct pollfd pfd[2];
  int i, n = 0;

  for (i = 0; i < 2; ++i) {
    short events;
    int fd;

    if (backend_aio_in_flight (sides[i]) == 0)
      continue;
    fd = backend_aio_get_fd (sides[i], &events);
    if (fd == -1)
      continue;
    pfd[n] = (struct pollfd) { .fd = fd, .events = events };
    which[n++] = sides[i];
  }
  if (n == 0 || poll (pfd, n, 1000) <= 0)
    return;
  for (i = 0; i < n; ++i)
    if (pfd[i].revents &&
        backend_aio_notify (which[i], pfd[i].revents) == -1)
      copy_fail (w->cp, which[i], "poll", 0, 0, errno);
}

/* Make progress: completions first, else wait for some. */
static void
step (struct worker *w)
{
  if (w->done_head == NULL)
    wait_backends (w);
  drain (w);
}

/* The slots' buffers are one anonymous mapping: a page is resident only
 * once a read lands in it, as with a buffer each, but without the page of
 * malloc header each 4 KiB-aligned buffer cost (64 KiB of RSS per 16
 * slots).  The stride keeps every buffer aligned for O_DIRECT.
 */
static int
map_buffers (struct worker *w)
{
  size_t stride = round_up (w->plan->data, 4096);
  unsigned i;
  char *p;

  p = mmap (NULL, w->cp->slots * stride, PROT_READ|PROT_WRITE,
            MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED)
    return -1;
  w->bufs = p;
  for (i = 0; i < w->cp->slots; ++i)
    w->slots[i].buf = p + i * stride;
  return 0;
}

static struct slot *
get_slot (struct worker *w)
{
  struct slot *s;

  /* The free list is a stack: a slot past the deepest ever reached is
   * never taken, so its pages are never touched.
   */
  while (w->used >= w->depth.now && !atomic_load (&w->cp->stop)) {
    depth_starved (&w->depth);
    step (w);
  }
  if (w->used >= w->depth.now || (s = w->free_slots) == NULL)
    return NULL;
  if (w->bufs == NULL && map_buffers (w) == -1) {
    oom (w);
    return NULL;
  }
  w->free_slots = s->next_free;
  w->used++;
  s->taken = monotonic_seconds ();
  return s;
}

/* Read [offset, offset+count) in planned requests.  A coalesced run
 * (map_from: its first extent in w->ext, else SIZE_MAX) gives each read
 * its part of the map.
 */
static void
read_range (struct worker *w, uint64_t offset, uint64_t count,
            size_t map_from)
{
  while (count > 0 && !copy_halted (w->cp)) {
    uint64_t n = count < w->plan->data ? count : w->plan->data;
    struct slot *s = get_slot (w);
    struct op *op;

    if (s == NULL)
      return;
    s->offset = offset;
    s->count = n;
    extents_reset (&s->map, offset, offset + n);
    if (map_from != SIZE_MAX &&
        coalesce_map (&s->map, &w->ext, &map_from, offset, n) == -1) {
      put_slot (w, s);
      return oom (w);
    }
    if ((op = new_op (w, OP_READ, s, offset, n)) == NULL) {
      put_slot (w, s);
      return oom (w);
    }
    submit (w, op);
    drain (w);                  /* inline completions: write while hot */
    offset += n;
    count -= n;
  }
}

static uint64_t
unit_end (const struct copy *cp, uint64_t start)
{
  return cp->size - start < COPY_UNIT ? cp->size : start + COPY_UNIT;
}

/* The source's extents of [start, end), from the hole already known
 * where it covers them, or from the question asked ahead.
 */
static int
source_extents (struct worker *w, uint64_t start, uint64_t end)
{
  int r;

  if (start >= w->hole_start && end <= w->hole_end) {
    extents_reset (&w->ext, start, end);
    return extents_add (&w->ext, start, end - start,
                        EXTENT_HOLE|EXTENT_ZERO);
  }
  if ((w->ahead.asking || w->ahead.answered) && w->ahead.start == start) {
    struct extent_list t;

    while (w->ahead.asking && !atomic_load (&w->cp->stop))
      step (w);
    if (w->ahead.asking || w->ahead.err) {
      errno = w->ahead.asking ? EINTR : w->ahead.err;
      w->ahead.answered = false;
      return -1;
    }
    w->ahead.answered = false;
    t = w->ext;                 /* the answer becomes the unit's list */
    w->ext = w->ahead.ext;
    w->ahead.ext = t;
    r = extents_fill_rest (w->src, &w->ext);
  }
  else
    r = extents_fill (w->src, start, end - start, &w->ext);
  if (r == 0 && w->ext.zero_end > end) {
    w->hole_start = end;
    w->hole_end = w->ext.zero_end;
  }
  return r;
}

/* A unit of a fragmented source, probed instead of mapped in full. */
static void
probe_range (struct worker *w, uint64_t start, uint64_t end)
{
  uint64_t pos = start;

  while (pos < end && !copy_halted (w->cp)) {
    uint64_t n = coalesce_probe_hole (w->src, pos, end, w->plan->align,
                                      &w->scratch);

    if (n) {
      if (!w->redo)
        copy_hash (w->cp, NULL, pos, n);
      zero_range (w, pos, n);
    }
    else {
      n = end - pos < PROBE_WINDOW ? end - pos : PROBE_WINDOW;
      read_range (w, pos, n, SIZE_MAX);
    }
    pos += n;
  }
  coalesce_probed (&w->sense, end - start);
}

/* Claim the unit after the current one and ask its extents now, so that
 * the answer (a round trip where the source is remote) comes while the
 * current unit's reads are in flight.  Not for the last units of the
 * copy: a worker holding one while finishing another would leave the
 * others idle at the end.
 */
static void
look_ahead (struct worker *w)
{
  struct copy *cp = w->cp;
  uint64_t start, end;
  struct op *op;

  if (w->ahead.claimed || w->ahead.asking || w->redo || w->sync ||
      !w->src->has_aio || w->src->is_local || !w->src->can_extents ||
      cp->opts->no_extents || cp->opts->dirty)
    return;
  start = atomic_load (&cp->next_unit);
  do {
    if (cp->size <= start || (cp->size - start) / COPY_UNIT < cp->workers)
      return;
  } while (!atomic_compare_exchange_weak (&cp->next_unit, &start,
                                          start + COPY_UNIT));
  w->ahead.start = start;
  w->ahead.claimed = true;
  end = unit_end (cp, start);
  /* No question where the answer is known, or where the next unit may
   * be probed instead (a fragmented map is the server's work per extent).
   */
  if ((start >= w->hole_start && end <= w->hole_end) ||
      coalesce_probing (cp, w->src, &w->sense) ||
      (w->src->coalesce && coalesce_fragmented (&w->ext)))
    return;
  if ((op = new_op (w, OP_EXTENTS, NULL, start, end - start)) == NULL)
    return;                     /* it is asked when it is copied */
  extents_reset (&w->ahead.ext, start, end);
  w->ahead.asking = true;
  w->ahead.answered = false;
  if (backend_aio_extents (w->src, end - start, start, 0, &w->ahead.ext,
                           &op->c) == -1)
    op_done (&op->c, errno);
}

static void
copy_range (struct worker *w, uint64_t start, uint64_t end)
{
  struct copy *cp = w->cp;
  uint64_t read = 0;
  size_t i;
  int r;

  if (coalesce_probing (cp, w->src, &w->sense))
    return probe_range (w, start, end);

  /* Extents are an optimisation: where they fail, read it all as data. */
  r = cp->opts->no_extents || !w->src->can_extents ? -1
    : cp->opts->dirty ? dirty_extents (&w->dirty, start, end, &w->ext)
    : source_extents (w, start, end);
  if (r == -1 && !cp->opts->no_extents && w->src->can_extents)
    atomic_fetch_add (&cp->stats->extents_failed, end - start);
  if (r == -1) {
    extents_reset (&w->ext, start, end);
    r = extents_add (&w->ext, start, end - start, 0);
  }
  if (r == 0)
    r = extents_align_data (&w->ext, w->plan->align, &w->scratch);
  if (r == -1)
    return copy_fail (cp, w->src, "extents", start, end - start, errno);

  look_ahead (w);
  for (i = 0; i < w->ext.len && !copy_halted (cp); ++i) {
    const struct extent *e = &w->ext.ptr[i];

    if (e->type & EXTENT_ZERO) {
      if (!w->redo)
        copy_hash (cp, NULL, e->offset, e->length);
      zero_range (w, e->offset, e->length);
    }
    else {
      size_t first = i;
      uint64_t run_end = coalesce_run (&w->ext, &i, w->src->coalesce);

      read_range (w, e->offset, run_end - e->offset,
                  i > first ? first : SIZE_MAX);
      read += run_end - e->offset;
    }
  }
  if (w->src->coalesce && r == 0)
    coalesce_mapped (&w->sense, &w->ext, read);
}

/* A unit: all of it, or for a delta copy only the ranges that changed. */
static void
copy_unit (struct worker *w, uint64_t start, uint64_t end)
{
  uint64_t offset, count;
  int r = 0;

  if (!w->cp->opts->dirty)
    return copy_range (w, start, end);
  dirty_start (&w->dirty, start, end);
  while (!copy_halted (w->cp) &&
         (r = dirty_next (&w->dirty, &offset, &count)) == 1)
    copy_range (w, offset, offset + count);
  if (r == -1)
    copy_fail (w->cp, w->src, "dirty bitmap", start, end - start, errno);
}

static int
worker_init (struct worker *w, struct copy *cp)
{
  unsigned i;

  *w = (struct worker) {
    .cp = cp, .plan = &cp->stats->plan, .sync = cp->opts->synchronous,
  };
  w->done_tail = &w->done_head;
  extents_init (&w->ext, 0, 0);
  extents_init (&w->scratch, 0, 0);
  extents_init (&w->ahead.ext, 0, 0);
  /* The first worker takes the handles we opened, so a copy over N
   * connections opens N, not N + 1.
   */
  if (atomic_fetch_add (&cp->next_worker, 1) == 0) {
    w->src = backend_ref (cp->src);
    w->dst = backend_ref (cp->dst);
  }
  else {
    w->src = backend_dup (cp->src);
    w->dst = w->src ? backend_dup (cp->dst) : NULL;
  }
  dirty_init (&w->dirty, w->src, cp->stats->plan.align);
  depth_init (&w->depth, cp->stats->depth_start, cp->slots);
  w->slots = calloc (cp->slots, sizeof *w->slots);
  if (w->src == NULL || w->dst == NULL || w->slots == NULL)
    return -1;
  for (i = 0; i < cp->slots; ++i) {
    extents_init (&w->slots[i].map, 0, 0);
    w->slots[i].next_free = w->free_slots;
    w->free_slots = &w->slots[i];
  }
  return 0;
}

static void
worker_free (struct worker *w)
{
  unsigned i;

  /* Buffers may be freed only when the backends hold none. */
  while (w->in_flight > 0) {
    unsigned before = w->in_flight;
    step (w);
    if (w->in_flight == before && w->done_head == NULL &&
        backend_aio_in_flight (w->src) + backend_aio_in_flight (w->dst) == 0)
      break;                    /* nothing left that could complete */
  }
  /* Every connection that wrote is flushed, once its writes are done. */
  if ((w->cp->opts->flush || copy_interrupted (w->cp)) &&
      !atomic_load (&w->cp->stop) && w->dst &&
      backend_flush (w->dst, 0) == -1)
    copy_fail (w->cp, w->dst, "flush", 0, 0, errno);
  while (w->free_ops) {
    struct op *op = w->free_ops;
    w->free_ops = op->next;
    free (op);
  }
  if (w->bufs)
    munmap (w->bufs, w->cp->slots * round_up (w->plan->data, 4096));
  for (i = 0; w->slots && i < w->cp->slots; ++i)
    extents_free (&w->slots[i].map);
  free (w->slots);
  extents_free (&w->ext);
  extents_free (&w->scratch);
  extents_free (&w->ahead.ext);
  dirty_free (&w->dirty);
  backend_close (w->src);
  backend_close (w->dst);
}

/* --blkhash keeps a bounded ring of units: a worker too far ahead of the
 * unit it waits for finishes what it holds (which may be that unit), then
 * waits.
 */
static void
hash_begin (struct worker *w, uint64_t start)
{
  struct copy *cp = w->cp;
  int r;

  while (cp->opts->blkhash && !atomic_load (&cp->stop) &&
         (r = blkhash_begin (cp->opts->blkhash, start)) != 0) {
    if (r == -1)
      copy_fail (cp, cp->src, "blkhash", start, COPY_UNIT, errno);
    else if (w->in_flight > 0)
      step (w);
    else
      blkhash_wait (cp->opts->blkhash, start, &cp->stop);
  }
}

/* Wait for what is in flight, flush, and record; copy the units again for
 * as long as the destination turns out to have been reopened meanwhile.
 */
static void
worker_checkpoint (struct worker *w)
{
  struct copy *cp = w->cp;
  unsigned i;

  for (;;) {
    while (w->in_flight > 0 && !atomic_load (&cp->stop))
      step (w);
    if (atomic_load (&cp->stop) ||
        checkpoint_commit (cp, &w->ckpt, w->dst) != 1)
      return;
    w->redo = true;
    for (i = 0; i < w->ckpt.n && !copy_halted (cp); ++i)
      copy_unit (w, w->ckpt.unit[i], unit_end (cp, w->ckpt.unit[i]));
    w->redo = false;
    if (copy_interrupted (cp))
      w->ckpt.n = 0;            /* cut short: none is finished */
  }
}

void *
copy_worker (void *arg)
{
  struct copy *cp = arg;
  struct worker w;

  if (worker_init (&w, cp) == -1)
    copy_fail (cp, w.src ? cp->dst : cp->src, "opening a connection",
               0, 0, errno);
  else
    checkpoint_init (cp, &w.ckpt, w.dst);
  copy_worker_ready (cp);
  while (!copy_halted (cp)) {
    uint64_t start = w.ahead.claimed ? w.ahead.start
      : atomic_fetch_add (&cp->next_unit, COPY_UNIT);

    w.ahead.claimed = false;
    if (start >= cp->size)
      break;
    if (checkpoint_resumed (cp, start, unit_end (cp, start)))
      continue;
    hash_begin (&w, start);
    copy_unit (&w, start, unit_end (cp, start));
    /* A unit cut short by a signal is not finished. */
    if (cp->checkpoints && !copy_halted (cp) &&
        checkpoint_add (&w.ckpt, start))
      worker_checkpoint (&w);
  }
  if (cp->checkpoints && !atomic_load (&cp->stop))
    worker_checkpoint (&w);
  worker_free (&w);
  return NULL;
}
