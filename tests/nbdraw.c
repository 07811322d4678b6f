/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdraw: a small raw NBD client for the server tests.
 *
 * No packaged client in Debian bookworm speaks extended headers or asks
 * for NBD_INFO_INIT_STATE, and none can send a broken handshake on purpose:
 * this one does, one scenario per run.
 *
 *   nbdraw SOCKET info               INFO for types 0,3,4; prints what came
 *   nbdraw SOCKET options            LIST, STARTTLS, unknown, bad SR, meta
 *   nbdraw SOCKET ext                extended headers: 64-bit status/zero
 *   nbdraw SOCKET limits             misaligned/oversized/past-end requests
 *   nbdraw SOCKET exportname         NBD_OPT_EXPORT_NAME, with/without zeroes
 *   nbdraw SOCKET readonly           writes on a read-only export
 *   nbdraw SOCKET hostile KIND       badflags|badmagic|biglen|truncated|
 *                                    silent|badrequest|tlsstall|tlsgarbage|
 *                                    tlsexportname: expect a hang-up
 *   nbdraw SOCKET tlsreqd            under --tls=require: options before
 *                                    STARTTLS get only NBD_REP_ERR_TLS_REQD
 *
 * Exit 0 when every expectation held, 1 with a message otherwise.
 */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "nbd/proto.h"
#include "nbd/wire.h"

static const char *scenario = "";

static void __attribute__ ((noreturn, format (printf, 1, 2)))
die (const char *fs, ...)
{
  va_list ap;

  fprintf (stderr, "nbdraw %s: FAIL: ", scenario);
  va_start (ap, fs);
  vfprintf (stderr, fs, ap);
  va_end (ap);
  fputc ('\n', stderr);
  exit (1);
}

static int
connect_unix (const char *path)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  int fd = socket (AF_UNIX, SOCK_STREAM, 0);

  if (fd == -1 || strlen (path) >= sizeof addr.sun_path)
    die ("socket");
  strcpy (addr.sun_path, path);
  if (connect (fd, (struct sockaddr *) &addr, sizeof addr) == -1)
    die ("connect %s: %m", path);
  return fd;
}

static void
get (int fd, void *buf, size_t len)
{
  if (wire_read (fd, buf, len, monotonic_ms () + 20000, -1) == -1)
    die ("read: %m");
}

static void
put (int fd, const void *buf, size_t len)
{
  if (wire_write (fd, buf, len, 20000) == -1)
    die ("write: %m");
}

/* True if the server hangs up within 20 s (reading and ignoring data). */
static int
hung_up (int fd)
{
  char buf[256];
  int64_t deadline = monotonic_ms () + 20000;

  for (;;) {
    if (wire_read (fd, buf, 1, deadline, -1) == -1)
      return errno == ECONNRESET;
  }
}

static void
greeting (int fd, uint32_t cflags)
{
  unsigned char g[18], f[4];

  get (fd, g, sizeof g);
  if (get_be64 (g) != NBD_MAGIC || get_be64 (g + 8) != NBD_OPTS_MAGIC)
    die ("bad greeting");
  if (get_be16 (g + 16) != (NBD_FLAG_FIXED_NEWSTYLE | NBD_FLAG_NO_ZEROES))
    die ("handshake flags 0x%x", get_be16 (g + 16));
  put_be32 (f, cflags);
  put (fd, f, 4);
}

static void
send_opt (int fd, uint32_t opt, const void *data, uint32_t len)
{
  unsigned char h[16];

  put_be64 (h, NBD_OPTS_MAGIC);
  put_be32 (h + 8, opt);
  put_be32 (h + 12, len);
  put (fd, h, sizeof h);
  put (fd, data, len);
}

/* One option reply; payload into buf (up to 8 KiB).  Returns the type. */
static uint32_t
get_rep (int fd, uint32_t opt, unsigned char *buf, uint32_t *len)
{
  unsigned char h[20];

  get (fd, h, sizeof h);
  if (get_be64 (h) != NBD_REP_MAGIC || get_be32 (h + 8) != opt)
    die ("bad option reply to %" PRIu32, opt);
  *len = get_be32 (h + 16);
  if (*len > 8192)
    die ("option reply too long");
  get (fd, buf, *len);
  return get_be32 (h + 12);
}

static void
expect_rep (int fd, uint32_t opt, uint32_t want)
{
  unsigned char buf[8192];
  uint32_t len, t = get_rep (fd, opt, buf, &len);

  if (t != want)
    die ("option %" PRIu32 ": reply 0x%" PRIx32 ", expected 0x%" PRIx32,
         opt, t, want);
}

/* INFO/GO payload: name "" and the info types asked. */
static uint32_t
info_request (unsigned char *d, const uint16_t *types, uint16_t n)
{
  uint16_t i;

  put_be32 (d, 0);
  put_be16 (d + 4, n);
  for (i = 0; i < n; ++i)
    put_be16 (d + 6 + 2 * i, types[i]);
  return 6 + 2 * n;
}

struct export {
  uint64_t size;
  uint16_t flags;
  uint32_t min, pref, max;
  int init;                     /* -1: not sent */
};

/* Send INFO or GO asking for 0, 3, 4; read the replies up to ACK. */
static void
info_go (int fd, uint32_t opt, struct export *e)
{
  static const uint16_t types[] = { NBD_INFO_EXPORT, NBD_INFO_BLOCK_SIZE,
                                    NBD_INFO_INIT_STATE };
  unsigned char d[64], buf[8192];
  uint32_t len, t;

  send_opt (fd, opt, d, info_request (d, types, 3));
  e->init = -1;
  while ((t = get_rep (fd, opt, buf, &len)) == NBD_REP_INFO) {
    switch (get_be16 (buf)) {
    case NBD_INFO_EXPORT:
      e->size = get_be64 (buf + 2);
      e->flags = get_be16 (buf + 10);
      break;
    case NBD_INFO_BLOCK_SIZE:
      e->min = get_be32 (buf + 2);
      e->pref = get_be32 (buf + 6);
      e->max = get_be32 (buf + 10);
      break;
    case NBD_INFO_INIT_STATE:
      if (len != 4)
        die ("INIT_STATE length %" PRIu32, len);
      e->init = get_be16 (buf + 2);
      break;
    }
  }
  if (t != NBD_REP_ACK)
    die ("INFO/GO answered 0x%" PRIx32, t);
}

static void
set_meta (int fd)
{
  static const char q[] = NBD_META_BASE_ALLOCATION;
  unsigned char d[64], buf[8192];
  uint32_t len;

  put_be32 (d, 0);
  put_be32 (d + 4, 1);
  put_be32 (d + 8, sizeof q - 1);
  memcpy (d + 12, q, sizeof q - 1);
  send_opt (fd, NBD_OPT_SET_META_CONTEXT, d, 12 + sizeof q - 1);
  if (get_rep (fd, NBD_OPT_SET_META_CONTEXT, buf, &len)
      != NBD_REP_META_CONTEXT || get_be32 (buf) == 0)
    die ("base:allocation not selected");
  expect_rep (fd, NBD_OPT_SET_META_CONTEXT, NBD_REP_ACK);
}

/* The transmission phase. */
struct cl {
  int fd;
  int eh, sr;
  uint64_t cookie;
};

struct status {
  size_t n;
  uint64_t len[64];
  uint32_t flags[64];
};

static void
send_req (struct cl *c, uint16_t flags, uint16_t type, uint64_t offset,
          uint64_t len, const void *payload)
{
  unsigned char h[32];

  put_be32 (h, c->eh ? NBD_EXTENDED_REQUEST_MAGIC : NBD_REQUEST_MAGIC);
  put_be16 (h + 4, flags);
  put_be16 (h + 6, type);
  put_be64 (h + 8, ++c->cookie);
  put_be64 (h + 16, offset);
  if (c->eh)
    put_be64 (h + 24, len);
  else
    put_be32 (h + 24, len);
  put (c->fd, h, c->eh ? 32 : 28);
  if (payload)
    put (c->fd, payload, len);
}

static void
got_status (struct status *st, uint64_t len, uint32_t flags)
{
  if (st && st->n < 64) {
    st->len[st->n] = len;
    st->flags[st->n] = flags;
  }
  if (st)
    st->n++;
}

/* One chunk; returns its flags.  *err set by error chunks. */
static uint16_t
get_chunk (struct cl *c, uint64_t off, unsigned char *rbuf, uint64_t count,
           struct status *st, uint32_t *err)
{
  unsigned char h[32], p[64];
  uint16_t flags, type;
  uint64_t len, i;

  get (c->fd, h, c->eh ? 32 : 20);
  if (get_be32 (h) != (c->eh ? NBD_EXTENDED_REPLY_MAGIC
                       : NBD_STRUCTURED_REPLY_MAGIC))
    die ("bad chunk magic 0x%" PRIx32, get_be32 (h));
  if (get_be64 (h + 8) != c->cookie)
    die ("wrong cookie");
  flags = get_be16 (h + 4);
  type = get_be16 (h + 6);
  len = c->eh ? get_be64 (h + 24) : get_be32 (h + 16);
  if (c->eh && get_be64 (h + 16) != off)
    die ("extended reply offset mismatch");
  switch (type) {
  case NBD_REPLY_TYPE_NONE:
    if (len || !(flags & NBD_REPLY_FLAG_DONE))
      die ("bad NONE chunk");
    break;
  case NBD_REPLY_TYPE_OFFSET_DATA:
    get (c->fd, p, 8);
    if (get_be64 (p) < off || get_be64 (p) - off + len - 8 > count)
      die ("data chunk outside the request");
    get (c->fd, rbuf + (get_be64 (p) - off), len - 8);
    break;
  case NBD_REPLY_TYPE_OFFSET_HOLE:
    if (len != 12)
      die ("bad hole chunk");
    get (c->fd, p, 12);
    if (get_be64 (p) < off || get_be64 (p) - off + get_be32 (p + 8) > count)
      die ("hole chunk outside the request");
    memset (rbuf + (get_be64 (p) - off), 0, get_be32 (p + 8));
    break;
  case NBD_REPLY_TYPE_BLOCK_STATUS:
  case NBD_REPLY_TYPE_BLOCK_STATUS_EXT: {
    int ext = type == NBD_REPLY_TYPE_BLOCK_STATUS_EXT;
    if (ext != c->eh)
      die ("block status chunk type %u with eh=%d", type, c->eh);
    get (c->fd, p, ext ? 8 : 4);
    for (i = ext ? 8 : 4; i < len; i += ext ? 16 : 8) {
      get (c->fd, p, ext ? 16 : 8);
      if (ext)
        got_status (st, get_be64 (p), get_be64 (p + 8));
      else
        got_status (st, get_be32 (p), get_be32 (p + 4));
    }
    break;
  }
  case NBD_REPLY_TYPE_ERROR:
    if (len < 6 || len > sizeof p)
      die ("bad error chunk");
    get (c->fd, p, len);
    *err = get_be32 (p);
    break;
  default:
    die ("unexpected chunk type %u", type);
  }
  return flags;
}

/* Read the whole reply to the last request. */
static uint32_t
get_reply (struct cl *c, uint16_t type, uint64_t off, void *rbuf,
           uint64_t count, struct status *st)
{
  uint32_t err = 0;

  if (!c->eh && (!c->sr || (type != NBD_CMD_READ &&
                            type != NBD_CMD_BLOCK_STATUS))) {
    unsigned char h[16];
    get (c->fd, h, 16);
    if (get_be32 (h) != NBD_SIMPLE_REPLY_MAGIC || get_be64 (h + 8) != c->cookie)
      die ("bad simple reply");
    err = get_be32 (h + 4);
    if (err == 0 && type == NBD_CMD_READ)
      get (c->fd, rbuf, count);
    return err;
  }
  while (!(get_chunk (c, off, rbuf, count, st, &err) & NBD_REPLY_FLAG_DONE))
    ;
  return err;
}

/* A request and its reply; returns the NBD error. */
static uint32_t
cmd (struct cl *c, uint16_t flags, uint16_t type, uint64_t off, uint64_t len,
     const void *payload, void *rbuf, struct status *st)
{
  send_req (c, flags, type, off, len, payload);
  return get_reply (c, type, off, rbuf, len, st);
}

static void
expect (uint32_t got, uint32_t want, const char *what)
{
  if (got != want)
    die ("%s: error %" PRIu32 ", expected %" PRIu32, what, got, want);
}

static void
disconnect (struct cl *c)
{
  send_req (c, 0, NBD_CMD_DISC, 0, 0, NULL);
  if (!hung_up (c->fd))
    die ("no hang-up after DISC");
}

static struct cl
start (const char *sock, int eh, int sr, int meta, struct export *e)
{
  struct cl c = { .fd = connect_unix (sock), .eh = eh, .sr = sr };

  greeting (c.fd, NBD_FLAG_C_FIXED_NEWSTYLE | NBD_FLAG_C_NO_ZEROES);
  if (eh) {
    send_opt (c.fd, NBD_OPT_EXTENDED_HEADERS, NULL, 0);
    expect_rep (c.fd, NBD_OPT_EXTENDED_HEADERS, NBD_REP_ACK);
  }
  if (sr) {
    send_opt (c.fd, NBD_OPT_STRUCTURED_REPLY, NULL, 0);
    expect_rep (c.fd, NBD_OPT_STRUCTURED_REPLY, NBD_REP_ACK);
  }
  if (meta)
    set_meta (c.fd);
  info_go (c.fd, NBD_OPT_GO, e);
  return c;
}

static int
do_info (const char *sock)
{
  int fd = connect_unix (sock);
  struct export e;

  greeting (fd, NBD_FLAG_C_FIXED_NEWSTYLE | NBD_FLAG_C_NO_ZEROES);
  info_go (fd, NBD_OPT_INFO, &e);
  printf ("size=%" PRIu64 " flags=0x%x min=%" PRIu32 " pref=%" PRIu32
          " max=%" PRIu32 " init=%d\n", e.size, e.flags, e.min, e.pref,
          e.max, e.init);
  send_opt (fd, NBD_OPT_ABORT, NULL, 0);
  expect_rep (fd, NBD_OPT_ABORT, NBD_REP_ACK);
  return 0;
}

static void
meta_opt (int fd, uint32_t opt, const char *export, const char *query,
          uint32_t want_first)
{
  unsigned char d[256], buf[8192];
  uint32_t nl = strlen (export), ql = query ? strlen (query) : 0, len = 0;

  put_be32 (d, nl);
  memcpy (d + 4, export, nl);
  put_be32 (d + 4 + nl, query ? 1 : 0);
  len = 8 + nl;
  if (query) {
    put_be32 (d + len, ql);
    memcpy (d + len + 4, query, ql);
    len += 4 + ql;
  }
  send_opt (fd, opt, d, len);
  if (get_rep (fd, opt, buf, &len) != want_first)
    die ("meta context option %" PRIu32 ": unexpected reply", opt);
  if (want_first == NBD_REP_META_CONTEXT) {
    if (len != 4 + strlen (NBD_META_BASE_ALLOCATION) ||
        memcmp (buf + 4, NBD_META_BASE_ALLOCATION, len - 4) != 0)
      die ("wrong context name");
    expect_rep (fd, opt, NBD_REP_ACK);
  }
}

static int
do_options (const char *sock)
{
  int fd = connect_unix (sock);
  unsigned char d[64], buf[8192];
  uint32_t len;

  greeting (fd, NBD_FLAG_C_FIXED_NEWSTYLE);
  send_opt (fd, NBD_OPT_LIST, NULL, 0);
  if (get_rep (fd, NBD_OPT_LIST, buf, &len) != NBD_REP_SERVER)
    die ("LIST: no SERVER reply");
  expect_rep (fd, NBD_OPT_LIST, NBD_REP_ACK);
  send_opt (fd, NBD_OPT_STARTTLS, NULL, 0);
  expect_rep (fd, NBD_OPT_STARTTLS, NBD_REP_ERR_POLICY);
  send_opt (fd, 42, "0123456789", 10);
  expect_rep (fd, 42, NBD_REP_ERR_UNSUP);
  meta_opt (fd, NBD_OPT_SET_META_CONTEXT, "", NBD_META_BASE_ALLOCATION,
            NBD_REP_ERR_INVALID);             /* before SR */
  send_opt (fd, NBD_OPT_EXTENDED_HEADERS, "x", 1);
  expect_rep (fd, NBD_OPT_EXTENDED_HEADERS, NBD_REP_ERR_INVALID);
  put_be32 (d, 1000);                          /* name longer than data */
  put_be16 (d + 4, 0);
  send_opt (fd, NBD_OPT_INFO, d, 6);
  expect_rep (fd, NBD_OPT_INFO, NBD_REP_ERR_INVALID);
  put_be32 (d, 4);
  memcpy (d + 4, "nope", 4);
  put_be16 (d + 8, 0);
  send_opt (fd, NBD_OPT_INFO, d, 10);
  expect_rep (fd, NBD_OPT_INFO, NBD_REP_ERR_UNKNOWN);
  send_opt (fd, NBD_OPT_STRUCTURED_REPLY, NULL, 0);
  expect_rep (fd, NBD_OPT_STRUCTURED_REPLY, NBD_REP_ACK);
  send_opt (fd, NBD_OPT_EXTENDED_HEADERS, NULL, 0);
  expect_rep (fd, NBD_OPT_EXTENDED_HEADERS, NBD_REP_ACK);
  send_opt (fd, NBD_OPT_STRUCTURED_REPLY, NULL, 0);
  expect_rep (fd, NBD_OPT_STRUCTURED_REPLY, NBD_REP_ERR_EXT_HEADER_REQD);
  meta_opt (fd, NBD_OPT_LIST_META_CONTEXT, "", NULL, NBD_REP_META_CONTEXT);
  meta_opt (fd, NBD_OPT_LIST_META_CONTEXT, "", "base:",
            NBD_REP_META_CONTEXT);
  meta_opt (fd, NBD_OPT_SET_META_CONTEXT, "", "x-other:thing", NBD_REP_ACK);
  meta_opt (fd, NBD_OPT_SET_META_CONTEXT, "", NBD_META_BASE_ALLOCATION,
            NBD_REP_META_CONTEXT);
  send_opt (fd, NBD_OPT_ABORT, NULL, 0);
  expect_rep (fd, NBD_OPT_ABORT, NBD_REP_ACK);
  return 0;
}

#define GiB (UINT64_C(1) << 30)

static void
expect_status (struct cl *c, uint16_t flags, uint64_t off, uint64_t len,
               size_t n, const uint64_t *lens, const uint32_t *st,
               const char *what)
{
  struct status s = { 0 };
  size_t i;

  expect (cmd (c, flags, NBD_CMD_BLOCK_STATUS, off, len, NULL, NULL, &s),
          0, what);
  if (s.n != n)
    die ("%s: %zu descriptors, expected %zu", what, s.n, n);
  for (i = 0; i < n; ++i)
    if (s.len[i] != lens[i] || s.flags[i] != st[i])
      die ("%s: descriptor %zu is %" PRIu64 "/%" PRIu32 ", expected %"
           PRIu64 "/%" PRIu32, what, i, s.len[i], s.flags[i], lens[i], st[i]);
}

/* An empty sparse export larger than 4 GiB, served writable. */
static int
do_ext (const char *sock)
{
  struct export e;
  struct cl c = start (sock, 1, 0, 1, &e);
  static unsigned char w[65536], r[65536];
  uint64_t at = 5 * GiB;

  if (e.size <= 5 * GiB + sizeof w)
    die ("export too small: %" PRIu64, e.size);
  if (e.init != (NBD_INIT_SPARSE | NBD_INIT_ZERO))
    die ("init state %d on an empty file", e.init);
  expect_status (&c, 0, 0, e.size, 1, (uint64_t[]) { e.size },
                 (uint32_t[]) { 3 }, "64-bit status of an empty export");
  memset (w, 0xab, sizeof w);
  expect (cmd (&c, NBD_CMD_FLAG_PAYLOAD_LEN, NBD_CMD_WRITE, at, sizeof w, w,
               NULL, NULL), 0, "write at 5 GiB");
  expect (cmd (&c, 0, NBD_CMD_READ, at, sizeof r, NULL, r, NULL), 0, "read");
  if (memcmp (w, r, sizeof r) != 0)
    die ("read back differs");
  expect_status (&c, 0, 0, e.size, 3,
                 (uint64_t[]) { at, sizeof w, e.size - at - sizeof w },
                 (uint32_t[]) { 3, 0, 3 }, "status after a write");
  expect_status (&c, NBD_CMD_FLAG_REQ_ONE, 0, e.size, 1,
                 (uint64_t[]) { at }, (uint32_t[]) { 3 }, "REQ_ONE");
  expect (cmd (&c, 0, NBD_CMD_WRITE_ZEROES, 0, e.size, NULL, NULL, NULL), 0,
          "64-bit write zeroes");
  expect (cmd (&c, 0, NBD_CMD_READ, at, sizeof r, NULL, r, NULL), 0, "read");
  memset (w, 0, sizeof w);
  if (memcmp (w, r, sizeof r) != 0)
    die ("not zero after write zeroes");
  expect_status (&c, 0, 0, e.size, 1, (uint64_t[]) { e.size },
                 (uint32_t[]) { 3 }, "status after zeroing");
  expect (cmd (&c, 0, NBD_CMD_FLUSH, 0, 0, NULL, NULL, NULL), 0, "flush");
  disconnect (&c);

  /* INIT_STATE is computed per connection: ours wrote, so not zero. */
  c = start (sock, 1, 0, 0, &e);
  if (e.init & NBD_INIT_ZERO)
    die ("INIT_ZERO still claimed after writes");
  disconnect (&c);
  return 0;
}

/* Served with --blocksize-minimum=4096 --blocksize-maximum=1M: nothing
 * breaking them reaches the file (the shell test compares it).
 */
static int
do_limits (const char *sock)
{
  struct export e;
  struct cl c = start (sock, 0, 1, 1, &e);
  static unsigned char buf[2 << 20];
  uint64_t end = e.size;

  if (e.min != 4096 || e.max != 1048576)
    die ("advertised %" PRIu32 "/%" PRIu32, e.min, e.max);
  memset (buf, 0x55, sizeof buf);
  expect (cmd (&c, 0, NBD_CMD_WRITE, 0, 1, buf, NULL, NULL), NBD_EINVAL,
          "1-byte write");
  expect (cmd (&c, 0, NBD_CMD_WRITE, 512, 4096, buf, NULL, NULL), NBD_EINVAL,
          "misaligned write");
  expect (cmd (&c, 0, NBD_CMD_WRITE, 0, 2 << 20, buf, NULL, NULL), NBD_EINVAL,
          "write over the maximum");
  expect (cmd (&c, 0, NBD_CMD_WRITE, end, 4096, buf, NULL, NULL), NBD_ENOSPC,
          "write past the end");
  expect (cmd (&c, 0, NBD_CMD_WRITE_ZEROES, end - 4096, 8192, NULL, NULL,
               NULL), NBD_ENOSPC, "zero past the end");
  expect (cmd (&c, 0, NBD_CMD_WRITE_ZEROES, 0, 512, NULL, NULL, NULL),
          NBD_EINVAL, "misaligned zero");
  expect (cmd (&c, 0, NBD_CMD_TRIM, 4096, 100, NULL, NULL, NULL),
          NBD_EINVAL, "misaligned trim");
  expect (cmd (&c, 0, NBD_CMD_READ, 0, 512, NULL, buf, NULL), NBD_EINVAL,
          "misaligned read");
  expect (cmd (&c, 0, NBD_CMD_READ, 0, 2 << 20, NULL, buf, NULL), NBD_EINVAL,
          "read over the maximum");
  expect (cmd (&c, 0, NBD_CMD_READ, end, 4096, NULL, buf, NULL), NBD_EINVAL,
          "read past the end");
  expect (cmd (&c, 0, NBD_CMD_BLOCK_STATUS, 0, 100, NULL, NULL, NULL),
          NBD_EINVAL, "misaligned status");
  expect (cmd (&c, 0, 42, 0, 4096, NULL, NULL, NULL), NBD_EINVAL,
          "unknown command");
  expect (cmd (&c, NBD_CMD_FLAG_REQ_ONE, NBD_CMD_READ, 0, 4096, NULL, buf,
               NULL), NBD_EINVAL, "READ with REQ_ONE");
  expect (cmd (&c, 0, NBD_CMD_FLUSH, 4096, 0, NULL, NULL, NULL), NBD_EINVAL,
          "flush with an offset");
  expect (cmd (&c, NBD_CMD_FLAG_DF, NBD_CMD_READ, 0, 1 << 20, NULL, buf,
               NULL), 0, "aligned read of the maximum (DF)");
  disconnect (&c);
  return 0;
}

/* The old way in: NBD_OPT_EXPORT_NAME, with and without NO_ZEROES. */
static int
do_exportname (const char *sock)
{
  static unsigned char r[4096], z[124];
  unsigned char h[134];
  int pass;

  for (pass = 0; pass < 3; ++pass) {
    struct cl c = { .fd = connect_unix (sock) };
    int nz = pass == 0;

    greeting (c.fd, NBD_FLAG_C_FIXED_NEWSTYLE |
              (nz ? NBD_FLAG_C_NO_ZEROES : 0));
    send_opt (c.fd, NBD_OPT_EXPORT_NAME, pass == 2 ? "nope" : "",
              pass == 2 ? 4 : 0);
    if (pass == 2) {
      if (!hung_up (c.fd))
        die ("EXPORT_NAME of an unknown export: no hang-up");
      break;
    }
    get (c.fd, h, nz ? 10 : 134);
    if (!nz && memcmp (h + 10, z, sizeof z) != 0)
      die ("padding is not zero");
    if (!(get_be16 (h + 8) & NBD_FLAG_HAS_FLAGS))
      die ("no HAS_FLAGS");
    expect (cmd (&c, 0, NBD_CMD_READ, 0, sizeof r, NULL, r, NULL), 0,
            "read after EXPORT_NAME");
    disconnect (&c);
  }
  return 0;
}

static int
do_readonly (const char *sock)
{
  struct export e;
  struct cl c = start (sock, 0, 0, 0, &e);
  static unsigned char buf[4096];

  if (!(e.flags & NBD_FLAG_READ_ONLY))
    die ("not advertised read-only");
  expect (cmd (&c, 0, NBD_CMD_WRITE, 0, 4096, buf, NULL, NULL), NBD_EPERM,
          "write");
  expect (cmd (&c, 0, NBD_CMD_WRITE_ZEROES, 0, 4096, NULL, NULL, NULL),
          NBD_EPERM, "zero");
  expect (cmd (&c, 0, NBD_CMD_TRIM, 0, 4096, NULL, NULL, NULL), NBD_EPERM,
          "trim");
  expect (cmd (&c, 0, NBD_CMD_READ, 0, 4096, NULL, buf, NULL), 0, "read");
  disconnect (&c);
  return 0;
}

/* Under --tls=require: nothing but TLS_REQD before STARTTLS. */
static int
do_tlsreqd (const char *sock)
{
  static const uint32_t opts[] = {
    NBD_OPT_LIST, NBD_OPT_INFO, NBD_OPT_GO, NBD_OPT_STRUCTURED_REPLY,
    NBD_OPT_LIST_META_CONTEXT, NBD_OPT_EXTENDED_HEADERS, 12345,
  };
  unsigned char d[64];
  uint16_t types[] = { NBD_INFO_NAME, NBD_INFO_DESCRIPTION };
  int fd = connect_unix (sock);
  size_t i;

  greeting (fd, NBD_FLAG_C_FIXED_NEWSTYLE);
  for (i = 0; i < sizeof opts / sizeof opts[0]; ++i) {
    uint32_t len = 0;
    if (opts[i] == NBD_OPT_INFO || opts[i] == NBD_OPT_GO)
      len = info_request (d, types, 2);
    else if (opts[i] == NBD_OPT_LIST_META_CONTEXT) {
      memset (d, 0, 8);
      len = 8;
    }
    send_opt (fd, opts[i], d, len);
    expect_rep (fd, opts[i], NBD_REP_ERR_TLS_REQD);
  }
  send_opt (fd, NBD_OPT_ABORT, NULL, 0);
  expect_rep (fd, NBD_OPT_ABORT, NBD_REP_ACK);
  close (fd);
  return 0;
}

static int
do_hostile (const char *sock, const char *kind)
{
  int fd = connect_unix (sock);
  unsigned char h[16];

  if (strcmp (kind, "silent") == 0)
    ;                           /* say nothing: the timeout must drop us */
  else if (strcmp (kind, "tlsstall") == 0 ||
           strcmp (kind, "tlsgarbage") == 0) {
    greeting (fd, NBD_FLAG_C_FIXED_NEWSTYLE);
    send_opt (fd, NBD_OPT_STARTTLS, NULL, 0);
    expect_rep (fd, NBD_OPT_STARTTLS, NBD_REP_ACK);
    /* Half a ClientHello record header, then nothing; or junk. */
    if (kind[3] == 's')
      put (fd, "\x16\x03\x01", 3);
    else
      put (fd, "GET / HTTP/1.0\r\n\r\n", 18);
  }
  else if (strcmp (kind, "tlsexportname") == 0) {
    greeting (fd, NBD_FLAG_C_FIXED_NEWSTYLE);
    send_opt (fd, NBD_OPT_EXPORT_NAME, NULL, 0);
  }
  else if (strcmp (kind, "badflags") == 0)
    greeting (fd, 0xffffffff);
  else if (strcmp (kind, "badrequest") == 0) {
    struct export e;
    struct cl c = start (sock, 0, 0, 0, &e);
    close (fd);
    fd = c.fd;
    memset (h, 0xee, sizeof h);
    put (fd, h, sizeof h);
    put (fd, h, 12);
  }
  else {
    greeting (fd, NBD_FLAG_C_FIXED_NEWSTYLE);
    put_be64 (h, strcmp (kind, "badmagic") == 0 ? NBD_REP_MAGIC
              : NBD_OPTS_MAGIC);
    put_be32 (h + 8, NBD_OPT_INFO);
    if (strcmp (kind, "biglen") == 0)
      put_be32 (h + 12, 0xffffffff);
    else if (strcmp (kind, "truncated") == 0)
      put_be32 (h + 12, 100);
    else if (strcmp (kind, "badmagic") == 0)
      put_be32 (h + 12, 0);
    else
      die ("unknown kind %s", kind);
    put (fd, h, sizeof h);
    if (strcmp (kind, "truncated") == 0) {
      put (fd, "0123456789", 10);
      shutdown (fd, SHUT_WR);
    }
  }
  if (!hung_up (fd))
    die ("the server did not hang up");
  return 0;
}

int
main (int argc, char *argv[])
{
  if (argc < 3) {
    fprintf (stderr, "usage: nbdraw SOCKET SCENARIO [ARG]\n");
    return 2;
  }
  scenario = argv[2];
  if (strcmp (scenario, "info") == 0)
    return do_info (argv[1]);
  if (strcmp (scenario, "options") == 0)
    return do_options (argv[1]);
  if (strcmp (scenario, "ext") == 0)
    return do_ext (argv[1]);
  if (strcmp (scenario, "limits") == 0)
    return do_limits (argv[1]);
  if (strcmp (scenario, "exportname") == 0)
    return do_exportname (argv[1]);
  if (strcmp (scenario, "readonly") == 0)
    return do_readonly (argv[1]);
  if (strcmp (scenario, "tlsreqd") == 0)
    return do_tlsreqd (argv[1]);
  if (strcmp (scenario, "hostile") == 0 && argc == 4)
    return do_hostile (argv[1], argv[3]);
  die ("unknown scenario");
}
