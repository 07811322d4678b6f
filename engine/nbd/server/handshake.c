/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: the fixed newstyle handshake (NBD-PROTOCOL.md A.3-A.7, A.14).
 *
 * Every length from the client is checked against what the option can
 * legitimately carry before anything is read into memory; option data lives
 * in a fixed buffer of NBD_MAX_OPTION_DATA bytes.
 */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <string.h>

#include "nbd/proto.h"
#include "nbd/wire.h"
#include "server-internal.h"

static int
hs_read (struct conn *c, void *buf, size_t len)
{
  return wire_read (c->fd, buf, len, c->deadline, c->s->stop_pipe[0]);
}

static int
hs_write (struct conn *c, const void *buf, size_t len)
{
  return wire_write (c->fd, buf, len, SERVER_WRITE_TIMEOUT_MS);
}

/* One option reply: header and payload written together. */
static int
send_rep (struct conn *c, uint32_t opt, uint32_t type,
          const void *data, uint32_t len)
{
  unsigned char h[20];
  struct iovec iov[2] = {
    { .iov_base = h, .iov_len = sizeof h },
    { .iov_base = (void *) data, .iov_len = len },
  };

  put_be64 (h, NBD_REP_MAGIC);
  put_be32 (h + 8, opt);
  put_be32 (h + 12, type);
  put_be32 (h + 16, len);
  return wire_writev (c->fd, iov, 2, SERVER_WRITE_TIMEOUT_MS);
}

static int
send_err (struct conn *c, uint32_t opt, uint32_t type, const char *msg)
{
  server_log (c->s, "option %" PRIu32 ": %s", opt, msg);
  return send_rep (c, opt, type, msg, strlen (msg));
}

/* A client names our export with "" (the default) or its exact name. */
static bool
name_ok (struct conn *c, const unsigned char *name, uint32_t len)
{
  const char *ours = c->s->export_name;
  return len == 0 || (len == strlen (ours) && memcmp (name, ours, len) == 0);
}

static uint16_t
init_state (struct server *s)
{
  unsigned init = s->b->init;
  uint16_t mask = 0;

  if (atomic_load (&s->dirtied))
    init &= ~INIT_ZERO;
  if (atomic_load (&s->filled))
    init &= ~INIT_SPARSE;
  if (init & INIT_SPARSE)
    mask |= NBD_INIT_SPARSE;
  if (init & INIT_ZERO)
    mask |= NBD_INIT_ZERO;
  return mask;
}

static int
send_info (struct conn *c, uint32_t opt, uint16_t type,
           const void *data, size_t len)
{
  unsigned char buf[2 + NBD_MAX_STRING];

  if (len > NBD_MAX_STRING)
    len = NBD_MAX_STRING;
  put_be16 (buf, type);
  memcpy (buf + 2, data, len);
  return send_rep (c, opt, NBD_REP_INFO, buf, 2 + len);
}

/* The NBD_REP_INFO replies of INFO/GO; asked[t] says which were asked. */
static int
send_infos (struct conn *c, uint32_t opt, const bool asked[5])
{
  struct server *s = c->s;
  unsigned char v[12];

  put_be64 (v, s->b->size);
  put_be16 (v + 8, srv_transmission_flags (c));
  if (send_info (c, opt, NBD_INFO_EXPORT, v, 10) == -1)
    return -1;
  if (asked[NBD_INFO_NAME] &&
      send_info (c, opt, NBD_INFO_NAME, s->export_name,
                 strlen (s->export_name)) == -1)
    return -1;
  if (asked[NBD_INFO_DESCRIPTION] && s->cfg.description &&
      send_info (c, opt, NBD_INFO_DESCRIPTION, s->cfg.description,
                 strlen (s->cfg.description)) == -1)
    return -1;
  /* Always sent: clients may ignore it, and our limits are enforced. */
  put_be32 (v, s->minimum);
  put_be32 (v + 4, s->preferred);
  put_be32 (v + 8, s->maximum);
  if (send_info (c, opt, NBD_INFO_BLOCK_SIZE, v, 12) == -1)
    return -1;
  if (asked[NBD_INFO_INIT_STATE]) {
    put_be16 (v, init_state (s));
    if (send_info (c, opt, NBD_INFO_INIT_STATE, v, 2) == -1)
      return -1;
  }
  return 0;
}

/* NBD_OPT_INFO / NBD_OPT_GO.  1 = go, 0 = stay in haggling, -1 = drop. */
static int
opt_info (struct conn *c, uint32_t opt, const unsigned char *d, uint32_t len)
{
  bool asked[5] = { false };
  uint32_t namelen, i;
  uint16_t n;

  if (len < 6 || (namelen = get_be32 (d)) > len - 6 ||
      namelen > NBD_MAX_STRING)
    return send_err (c, opt, NBD_REP_ERR_INVALID, "bad export name length");
  n = get_be16 (d + 4 + namelen);
  if ((uint64_t) len != 6 + namelen + 2 * (uint64_t) n)
    return send_err (c, opt, NBD_REP_ERR_INVALID, "bad info request length");
  for (i = 0; i < n; ++i) {
    uint16_t t = get_be16 (d + 6 + namelen + 2 * i);
    if (t < 5)
      asked[t] = true;
  }
  if (!name_ok (c, d + 4, namelen))
    return send_err (c, opt, NBD_REP_ERR_UNKNOWN, "no such export");
  if (send_infos (c, opt, asked) == -1 ||
      send_rep (c, opt, NBD_REP_ACK, NULL, 0) == -1)
    return -1;
  return opt == NBD_OPT_GO;
}

/* NBD_OPT_EXPORT_NAME: no way to report an error but hanging up. */
static int
opt_export_name (struct conn *c, const unsigned char *d, uint32_t len)
{
  unsigned char r[10 + 124] = { 0 };

  if (c->eh || len > NBD_MAX_STRING || !name_ok (c, d, len)) {
    server_log (c->s, "EXPORT_NAME refused");
    return -1;
  }
  put_be64 (r, c->s->b->size);
  put_be16 (r + 8, srv_transmission_flags (c));
  if (hs_write (c, r, c->no_zeroes ? 10 : sizeof r) == -1)
    return -1;
  return 1;
}

/* Does a query select base:allocation?  "base:" lists it too. */
static bool
query_matches (const unsigned char *q, uint32_t len, bool list)
{
  static const char want[] = NBD_META_BASE_ALLOCATION;

  if (len == sizeof want - 1 && memcmp (q, want, len) == 0)
    return true;
  return list && len == 5 && memcmp (q, "base:", 5) == 0;
}

/* NBD_OPT_LIST_META_CONTEXT / NBD_OPT_SET_META_CONTEXT. */
static int
opt_meta (struct conn *c, uint32_t opt, const unsigned char *d, uint32_t len)
{
  bool list = opt == NBD_OPT_LIST_META_CONTEXT, found = false;
  uint32_t namelen, nq, i, pos;
  unsigned char rep[4 + sizeof NBD_META_BASE_ALLOCATION];

  if (!list)
    c->meta = false;            /* replaced even when this one fails */
  if (!list && !c->sr && !c->eh)
    return send_err (c, opt, NBD_REP_ERR_INVALID,
                     "negotiate structured replies first");
  if (len < 8 || (namelen = get_be32 (d)) > len - 8 ||
      namelen > NBD_MAX_STRING)
    return send_err (c, opt, NBD_REP_ERR_INVALID, "bad export name length");
  nq = get_be32 (d + 4 + namelen);
  pos = 8 + namelen;
  for (i = 0; i < nq; ++i) {
    uint32_t ql;
    if (len - pos < 4 || (ql = get_be32 (d + pos)) > len - pos - 4 ||
        ql > NBD_MAX_STRING)
      return send_err (c, opt, NBD_REP_ERR_INVALID, "bad query length");
    if (query_matches (d + pos + 4, ql, list))
      found = true;
    pos += 4 + ql;
  }
  if (pos != len)
    return send_err (c, opt, NBD_REP_ERR_INVALID, "trailing data");
  if (!name_ok (c, d + 4, namelen))
    return send_err (c, opt, NBD_REP_ERR_UNKNOWN, "no such export");
  if (list && nq == 0)
    found = true;
  if (found) {
    put_be32 (rep, list ? 0 : SERVER_META_ID);
    memcpy (rep + 4, NBD_META_BASE_ALLOCATION,
            sizeof NBD_META_BASE_ALLOCATION - 1);
    if (send_rep (c, opt, NBD_REP_META_CONTEXT, rep, sizeof rep - 1) == -1)
      return -1;
    if (!list)
      c->meta = true;
  }
  return send_rep (c, opt, NBD_REP_ACK, NULL, 0);
}

static int
opt_list (struct conn *c, uint32_t len)
{
  const char *name = c->s->export_name, *desc = c->s->cfg.description;
  size_t nl = strlen (name), dl = desc ? strlen (desc) : 0;
  unsigned char buf[4 + 2 * NBD_MAX_STRING];

  if (len != 0)
    return send_err (c, NBD_OPT_LIST, NBD_REP_ERR_INVALID, "unexpected data");
  if (nl > NBD_MAX_STRING)
    nl = NBD_MAX_STRING;
  if (dl > NBD_MAX_STRING)
    dl = NBD_MAX_STRING;
  put_be32 (buf, nl);
  memcpy (buf + 4, name, nl);
  memcpy (buf + 4 + nl, desc ? desc : "", dl);
  if (send_rep (c, NBD_OPT_LIST, NBD_REP_SERVER, buf, 4 + nl + dl) == -1)
    return -1;
  return send_rep (c, NBD_OPT_LIST, NBD_REP_ACK, NULL, 0);
}

/* An option without data that only flips a switch. */
static int
opt_switch (struct conn *c, uint32_t opt, uint32_t len)
{
  if (len != 0)
    return send_err (c, opt, NBD_REP_ERR_INVALID, "unexpected data");
  if (opt == NBD_OPT_STRUCTURED_REPLY) {
    if (c->eh)
      return send_err (c, opt, NBD_REP_ERR_EXT_HEADER_REQD,
                       "extended headers already negotiated");
    c->sr = true;
  }
  else
    c->eh = true;
  return send_rep (c, opt, NBD_REP_ACK, NULL, 0);
}

/* One option whose data (len bytes) is already in d.
 * 1 = transmission, 0 = next option, -1 = drop, 2 = client aborted.
 */
static int
handle_option (struct conn *c, uint32_t opt, const unsigned char *d,
               uint32_t len)
{
  switch (opt) {
  case NBD_OPT_EXPORT_NAME:
    return opt_export_name (c, d, len);
  case NBD_OPT_ABORT:
    send_rep (c, opt, NBD_REP_ACK, NULL, 0); /* the client may be gone */
    return 2;
  case NBD_OPT_LIST:
    return opt_list (c, len) == -1 ? -1 : 0;
  case NBD_OPT_STARTTLS:
    return send_err (c, opt, NBD_REP_ERR_POLICY, "TLS is not supported")
      == -1 ? -1 : 0;
  case NBD_OPT_INFO:
  case NBD_OPT_GO:
    return opt_info (c, opt, d, len);
  case NBD_OPT_STRUCTURED_REPLY:
  case NBD_OPT_EXTENDED_HEADERS:
    return opt_switch (c, opt, len) == -1 ? -1 : 0;
  case NBD_OPT_LIST_META_CONTEXT:
  case NBD_OPT_SET_META_CONTEXT:
    return opt_meta (c, opt, d, len) == -1 ? -1 : 0;
  default:
    return send_err (c, opt, NBD_REP_ERR_UNSUP, "unknown option")
      == -1 ? -1 : 0;
  }
}

static int
greet (struct conn *c)
{
  unsigned char g[18], f[4];
  uint32_t flags;

  put_be64 (g, NBD_MAGIC);
  put_be64 (g + 8, NBD_OPTS_MAGIC);
  put_be16 (g + 16, NBD_FLAG_FIXED_NEWSTYLE | NBD_FLAG_NO_ZEROES);
  if (hs_write (c, g, sizeof g) == -1 || hs_read (c, f, sizeof f) == -1)
    return -1;
  flags = get_be32 (f);
  if (flags & ~(uint32_t) (NBD_FLAG_C_FIXED_NEWSTYLE|NBD_FLAG_C_NO_ZEROES) ||
      !(flags & NBD_FLAG_C_FIXED_NEWSTYLE)) {
    server_log (c->s, "bad client flags 0x%" PRIx32, flags);
    errno = EPROTO;
    return -1;
  }
  c->no_zeroes = flags & NBD_FLAG_C_NO_ZEROES;
  return 0;
}

int
srv_handshake (struct conn *c)
{
  unsigned char h[16], d[NBD_MAX_OPTION_DATA];
  unsigned n;

  if (greet (c) == -1)
    return -1;
  for (n = 0; n < SERVER_MAX_OPTIONS; ++n) {
    uint32_t opt, len;
    int r;

    if (hs_read (c, h, sizeof h) == -1)
      return -1;
    opt = get_be32 (h + 8);
    len = get_be32 (h + 12);
    if (get_be64 (h) != NBD_OPTS_MAGIC) {
      server_log (c->s, "bad option magic");
      return -1;
    }
    if (len > sizeof d) {
      server_log (c->s, "option %" PRIu32 ": length %" PRIu32 " too large",
                  opt, len);
      return -1;
    }
    if (hs_read (c, d, len) == -1)
      return -1;
    r = handle_option (c, opt, d, len);
    if (r == 2)
      return 0;
    if (r != 0)
      return r;
  }
  server_log (c->s, "too many options");
  return -1;
}
