/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: the fixed newstyle handshake (PROTOCOL.md "Handshake",
 * "Metadata contexts").
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
  return srv_read (c, buf, len, c->deadline);
}

static int
hs_write (struct conn *c, const void *buf, size_t len)
{
  struct iovec iov = { .iov_base = (void *) buf, .iov_len = len };
  return srv_writev (c, &iov, 1);
}

/* Drop the connection for a reason the log should show. */
static int
hs_fail (struct conn *c, int err, const char *why)
{
  c->why = why;
  errno = err;
  return -1;
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
  return srv_writev (c, iov, 2);
}

static int
send_err (struct conn *c, uint32_t opt, uint32_t type, const char *msg)
{
  server_log (c->s, "option %" PRIu32 ": %s", opt, msg);
  return send_rep (c, opt, type, msg, strlen (msg));
}

/* A client names an export by its name; "" is the default (the first). */
static struct export *
find_export (struct conn *c, const unsigned char *name, uint32_t len)
{
  return len == 0 ? c->s->exports.ptr[0] : srv_find_export (c->s, name, len);
}

static uint16_t
init_state (struct export *e)
{
  unsigned init = e->b->init;
  uint16_t mask = 0;

  if (atomic_load (&e->dirtied))
    init &= ~INIT_ZERO;
  if (atomic_load (&e->filled))
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

/* The NBD_REP_INFO replies of INFO/GO for export e; asked[t] says which
 * were asked.
 */
static int
send_infos (struct conn *c, uint32_t opt, struct export *e,
            const bool asked[5])
{
  unsigned char v[12];

  put_be64 (v, e->b->size);
  put_be16 (v + 8, srv_transmission_flags (c, e));
  if (send_info (c, opt, NBD_INFO_EXPORT, v, 10) == -1)
    return -1;
  if (asked[NBD_INFO_NAME] &&
      send_info (c, opt, NBD_INFO_NAME, e->name, strlen (e->name)) == -1)
    return -1;
  if (asked[NBD_INFO_DESCRIPTION] && e->description &&
      send_info (c, opt, NBD_INFO_DESCRIPTION, e->description,
                 strlen (e->description)) == -1)
    return -1;
  /* Always sent: clients may ignore it, and our limits are enforced. */
  put_be32 (v, e->minimum);
  put_be32 (v + 4, e->preferred);
  put_be32 (v + 8, e->maximum);
  if (send_info (c, opt, NBD_INFO_BLOCK_SIZE, v, 12) == -1)
    return -1;
  if (asked[NBD_INFO_INIT_STATE]) {
    put_be16 (v, init_state (e));
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
  struct export *e;
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
  e = find_export (c, d + 4, namelen);
  if (e == NULL)
    return send_err (c, opt, NBD_REP_ERR_UNKNOWN, "no such export");
  if (send_infos (c, opt, e, asked) == -1 ||
      send_rep (c, opt, NBD_REP_ACK, NULL, 0) == -1)
    return -1;
  if (opt != NBD_OPT_GO)
    return 0;
  c->e = e;
  return 1;
}

/* NBD_OPT_EXPORT_NAME: no way to report an error but hanging up. */
static int
opt_export_name (struct conn *c, const unsigned char *d, uint32_t len)
{
  unsigned char r[10 + 124] = { 0 };
  struct export *e;

  if (c->eh)
    return hs_fail (c, EPROTO, "EXPORT_NAME after extended headers");
  if (len > NBD_MAX_STRING || (e = find_export (c, d, len)) == NULL)
    return hs_fail (c, ENOENT, "EXPORT_NAME of an unknown export");
  put_be64 (r, e->b->size);
  put_be16 (r + 8, srv_transmission_flags (c, e));
  if (hs_write (c, r, c->no_zeroes ? 10 : sizeof r) == -1)
    return -1;
  c->e = e;
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
  if (find_export (c, d + 4, namelen) == NULL)
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

/* One NBD_REP_SERVER per export (names and descriptions are bounded by
 * export_new).
 */
static int
opt_list (struct conn *c, uint32_t len)
{
  unsigned char buf[4 + 2 * NBD_MAX_STRING];
  size_t i;

  if (len != 0)
    return send_err (c, NBD_OPT_LIST, NBD_REP_ERR_INVALID, "unexpected data");
  for (i = 0; i < c->s->exports.len; ++i) {
    const struct export *e = c->s->exports.ptr[i];
    size_t nl = strlen (e->name);
    size_t dl = e->description ? strlen (e->description) : 0;

    put_be32 (buf, nl);
    memcpy (buf + 4, e->name, nl);
    memcpy (buf + 4 + nl, e->description ? e->description : "", dl);
    if (send_rep (c, NBD_OPT_LIST, NBD_REP_SERVER, buf, 4 + nl + dl) == -1)
      return -1;
  }
  return send_rep (c, NBD_OPT_LIST, NBD_REP_ACK, NULL, 0);
}

/* NBD_OPT_STARTTLS: on success the options negotiated in clear text are
 * forgotten, as the spec requires.
 */
static int
opt_starttls (struct conn *c, uint32_t len)
{
  uint32_t opt = NBD_OPT_STARTTLS;

  if (c->s->tls == NULL)
    return send_err (c, opt, NBD_REP_ERR_POLICY, "TLS is not enabled");
  if (c->session)
    return send_err (c, opt, NBD_REP_ERR_INVALID, "TLS is already on");
  if (len != 0)
    return send_err (c, opt, NBD_REP_ERR_INVALID, "unexpected data");
  if (send_rep (c, opt, NBD_REP_ACK, NULL, 0) == -1 ||
      srv_tls_handshake (c) == -1)
    return -1;
  c->sr = c->eh = c->meta = false;
  return 0;
}

/* Under --tls=require nothing but STARTTLS and ABORT is answered before
 * the TLS handshake: no export information leaks in clear text.
 */
static int
tls_required (struct conn *c, uint32_t opt)
{
  if (c->session || c->s->cfg.tls != SERVER_TLS_REQUIRE ||
      opt == NBD_OPT_STARTTLS || opt == NBD_OPT_ABORT)
    return 0;
  if (opt == NBD_OPT_EXPORT_NAME)
    return hs_fail (c, EACCES, "EXPORT_NAME without TLS, which is required");
  return send_err (c, opt, NBD_REP_ERR_TLS_REQD, "TLS is required")
    == -1 ? -1 : 1;
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
    return opt_starttls (c, len);
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
    return hs_fail (c, EPROTO, "bad client flags");
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
    atomic_store (&c->last_ms, monotonic_ms ());
    opt = get_be32 (h + 8);
    len = get_be32 (h + 12);
    if (get_be64 (h) != NBD_OPTS_MAGIC)
      return hs_fail (c, EPROTO, "bad option magic");
    if (len > sizeof d) {
      server_log (c->s, "option %" PRIu32 ": length %" PRIu32 " too large",
                  opt, len);
      return hs_fail (c, EMSGSIZE, "option data too long");
    }
    if (hs_read (c, d, len) == -1)
      return -1;
    r = tls_required (c, opt);
    if (r == 0)
      r = handle_option (c, opt, d, len);
    else if (r == 1)
      r = 0;
    if (r == 2)
      return 0;
    if (r != 0)
      return r;
  }
  return hs_fail (c, E2BIG, "too many options");
}
