/* A sparse in-memory backend for tests: 64 KiB pages allocated on write. */
#include <config.h>

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "extents.h"
#include "membackend.h"

#define PAGE (64 * 1024)

struct mem {
  struct backend b;
  uint64_t size, minimum;
  unsigned char **pages;
  unsigned calls;
  pthread_mutex_t lock;
};

#define MEM(b) ((struct mem *) (b))

static void
mem_close (struct backend *b)
{
  struct mem *m = MEM (b);
  uint64_t i;

  for (i = 0; i < (m->size + PAGE - 1) / PAGE; ++i)
    free (m->pages[i]);
  free (m->pages);
  pthread_mutex_destroy (&m->lock);
}

static int64_t mem_size (struct backend *b) { return MEM (b)->size; }
static int yes (struct backend *b) { return 1; }

static int64_t
mem_block_size (struct backend *b, enum bs_which w)
{
  return w == BS_MINIMUM ? (int64_t) MEM (b)->minimum : 0;
}

static int
mem_init_flags (struct backend *b)
{
  return INIT_SPARSE | INIT_ZERO;
}

/* Walk [offset, offset+count) page by page; with lock held. */
static void
walk (struct mem *m, uint64_t count, uint64_t offset,
      void (*fn) (struct mem *m, uint64_t page, uint64_t in, uint64_t n,
                  void *arg), void *arg)
{
  while (count > 0) {
    uint64_t page = offset / PAGE, in = offset % PAGE;
    uint64_t n = PAGE - in < count ? PAGE - in : count;
    fn (m, page, in, n, arg);
    arg = arg ? (char *) arg + n : NULL;
    offset += n;
    count -= n;
  }
}

static void
copy_out (struct mem *m, uint64_t page, uint64_t in, uint64_t n, void *buf)
{
  if (m->pages[page])
    memcpy (buf, m->pages[page] + in, n);
  else
    memset (buf, 0, n);
}

static void
copy_in (struct mem *m, uint64_t page, uint64_t in, uint64_t n, void *buf)
{
  if (m->pages[page] == NULL && buf == NULL)
    return;                     /* zeroing a hole */
  if (m->pages[page] == NULL && (m->pages[page] = calloc (1, PAGE)) == NULL)
    abort ();
  if (buf)
    memcpy (m->pages[page] + in, buf, n);
  else
    memset (m->pages[page] + in, 0, n);
}

static int
mem_pread (struct backend *b, void *buf, uint64_t count, uint64_t offset,
           uint32_t flags)
{
  struct mem *m = MEM (b);
  LOCK_IN_SCOPE (&m->lock);
  m->calls++;
  walk (m, count, offset, copy_out, buf);
  return 0;
}

static int
mem_pwrite (struct backend *b, const void *buf, uint64_t count,
            uint64_t offset, uint32_t flags)
{
  struct mem *m = MEM (b);
  LOCK_IN_SCOPE (&m->lock);
  m->calls++;
  walk (m, count, offset, copy_in, (void *) buf);
  return 0;
}

static int
mem_zero (struct backend *b, uint64_t count, uint64_t offset, uint32_t flags)
{
  struct mem *m = MEM (b);
  LOCK_IN_SCOPE (&m->lock);
  m->calls++;
  walk (m, count, offset, copy_in, NULL);
  return 0;
}

static int
mem_extents (struct backend *b, uint64_t count, uint64_t offset,
             uint32_t flags, struct extent_list *l)
{
  struct mem *m = MEM (b);
  uint64_t page = offset / PAGE, end = offset + count;
  LOCK_IN_SCOPE (&m->lock);

  for (; page * PAGE < end; ++page)
    if (extents_add (l, page * PAGE, PAGE,
                     m->pages[page] ? 0 : EXTENT_HOLE | EXTENT_ZERO) == -1)
      return -1;
  return 0;
}

static const struct backend_ops mem_ops = {
  .name = "mem",
  .close = mem_close,
  .get_size = mem_size,
  .block_size = mem_block_size,
  .init_flags = mem_init_flags,
  .can_write = yes,
  .can_zero = yes,
  .can_extents = yes,
  .can_multi_conn = yes,
  .pread = mem_pread,
  .pwrite = mem_pwrite,
  .zero = mem_zero,
  .extents = mem_extents,
};

struct backend *
mem_backend_open (uint64_t size, uint64_t minimum)
{
  struct mem *m = calloc (1, sizeof *m);

  if (m == NULL)
    return NULL;
  m->size = size;
  m->minimum = minimum;
  m->pages = calloc ((size + PAGE - 1) / PAGE + 1, sizeof *m->pages);
  pthread_mutex_init (&m->lock, NULL);
  if (m->pages == NULL || backend_init (&m->b, &mem_ops, "mem", NULL) == -1 ||
      backend_open_done (&m->b) == -1) {
    backend_close (&m->b);
    return NULL;
  }
  return &m->b;
}

unsigned
mem_backend_calls (struct backend *b)
{
  struct mem *m = MEM (b);
  LOCK_IN_SCOPE (&m->lock);
  return m->calls;
}

void
mem_backend_peek (struct backend *b, void *buf, uint64_t count,
                  uint64_t offset)
{
  struct mem *m = MEM (b);
  LOCK_IN_SCOPE (&m->lock);
  walk (m, count, offset, copy_out, buf);
}
