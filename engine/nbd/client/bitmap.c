/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: asking an NBD export for a qemu dirty bitmap (--dirty-bitmap).
 *
 * The handle is still in option mode.  The export's meta contexts are
 * listed first (an empty query asks for all of them), so that a missing
 * bitmap is reported with what the export does offer, before anything is
 * copied; then base:allocation and the bitmap are requested and the
 * handshake finishes.  libnbd 1.14 has no nbd_opt_set_meta_context: the
 * requests ride on nbd_opt_go.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <libnbd.h>

#include "client-internal.h"
#include "error.h"
#include "nbd/proto.h"

struct offered {
  char buf[512];                /* "a, b, c" (cut with "..." when full) */
  size_t len;
  unsigned n;
};

static int
offered_cb (void *user_data, const char *name)
{
  struct offered *o = user_data;
  size_t room = sizeof o->buf - o->len;
  int n = snprintf (o->buf + o->len, room, "%s%s", o->n++ ? ", " : "", name);

  if (n < 0 || (size_t) n >= room) {
    o->len = sizeof o->buf - 1;
    memcpy (o->buf + o->len - 3, "...", 3);
  }
  else
    o->len += n;
  return 0;
}

int
nbd_client_go_bitmap (struct nbd_client *c)
{
  struct offered o = { .buf = "" };
  nbd_context_callback cb = { .callback = offered_cb, .user_data = &o };
  bool listed;
  int r;

  listed = nbd_clear_meta_contexts (c->nbd) == 0 &&
    nbd_opt_list_meta_context (c->nbd, cb) != -1;
  if (nbd_clear_meta_contexts (c->nbd) == -1 ||
      nbd_add_meta_context (c->nbd, NBD_META_BASE_ALLOCATION) == -1 ||
      nbd_add_meta_context (c->nbd, c->bitmap) == -1 ||
      nbd_opt_go (c->nbd) == -1 ||
      (r = nbd_can_meta_context (c->nbd, c->bitmap)) == -1) {
    nbd_client_connect_error (c);
    return -1;
  }
  if (r == 1)
    return 0;
  set_error ("%s: the export does not offer %s (it offers: %s)",
             c->b.name, c->bitmap,
             !listed ? "unknown, the server cannot list them"
             : o.n ? o.buf : "none");
  errno = ENOENT;
  return -1;
}
