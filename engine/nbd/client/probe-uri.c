/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: where a plain NBD URI points, for the init-state probe.
 *
 * Only nbd:// and nbd+unix:// (PROTOCOL.md "URIs"); TLS and vsock URIs are
 * left to libnbd alone.  Anything we do not understand means "do not probe",
 * never an error: libnbd parses the URI for real.
 */
#include <config.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "probe.h"

static int
hexval (char c)
{
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Percent-decode [s, s+len) into a new string; NULL on a bad escape or an
 * embedded NUL (an abstract socket, say: not probed).
 */
static char *
decode (const char *s, size_t len)
{
  char *r = malloc (len + 1), *p = r;
  size_t i;

  if (r == NULL)
    return NULL;
  for (i = 0; i < len; ++i) {
    if (s[i] == '%') {
      int hi = i + 2 < len ? hexval (s[i+1]) : -1;
      int lo = i + 2 < len ? hexval (s[i+2]) : -1;
      if (hi < 0 || lo < 0 || (hi | lo) == 0) {
        free (r);
        return NULL;
      }
      *p++ = hi << 4 | lo;
      i += 2;
      continue;
    }
    *p++ = s[i];
  }
  *p = '\0';
  return r;
}

/* Find key=value in the query (separated by & or ;); decoded or NULL. */
static char *
query_get (const char *query, const char *key)
{
  size_t klen = strlen (key);

  while (query && *query) {
    size_t n = strcspn (query, "&;");
    if (n > klen && strncmp (query, key, klen) == 0 && query[klen] == '=')
      return decode (query + klen + 1, n - klen - 1);
    query += n;
    if (*query)
      query++;
  }
  return NULL;
}

/* [user@]host[:port], host possibly a bracketed IPv6 literal. */
static int
parse_authority (const char *a, size_t len, struct probe_target *t)
{
  const char *at = memchr (a, '@', len);
  const char *end = a + len, *colon;

  if (at) {
    len -= at + 1 - a;
    a = at + 1;
  }
  if (len > 0 && a[0] == '[') {
    const char *rb = memchr (a, ']', len);
    if (rb == NULL)
      return -1;
    t->host = decode (a + 1, rb - a - 1);
    colon = rb + 1 < end && rb[1] == ':' ? rb + 1 : NULL;
    if (!colon && rb + 1 != end)
      return -1;
  }
  else {
    colon = memchr (a, ':', len);
    t->host = decode (a, (colon ? colon : end) - a);
  }
  t->port = colon && colon + 1 < end
    ? decode (colon + 1, end - colon - 1) : strdup ("10809");
  if (t->host == NULL || t->port == NULL || t->host[0] == '\0')
    return -1;
  return 0;
}

int
probe_parse_uri (const char *uri, struct probe_target *t)
{
  bool is_unix;
  const char *rest, *path, *query;
  size_t alen, plen;

  memset (t, 0, sizeof *t);
  if (strncmp (uri, "nbd://", 6) == 0) {
    is_unix = false;
    rest = uri + 6;
  }
  else if (strncmp (uri, "nbd+unix://", 11) == 0) {
    is_unix = true;
    rest = uri + 11;
  }
  else
    return -1;

  alen = strcspn (rest, "/?#");
  path = rest + alen;
  plen = strcspn (path, "?#");
  query = path[plen] == '?' ? path + plen + 1 : NULL;

  /* Export name: the path minus its leading '/'. */
  t->export = plen > 0 ? decode (path + 1, plen - 1) : strdup ("");
  if (t->export == NULL)
    goto bad;
  if (query && strstr (query, "tls-type=") != NULL)
    goto bad;                   /* asked for TLS: not a plain connection */

  if (is_unix) {
    if (alen != 0)
      goto bad;
    t->socket = query_get (query, "socket");
    if (t->socket == NULL || t->socket[0] == '\0')
      goto bad;
  }
  else if (parse_authority (rest, alen, t) == -1)
    goto bad;
  return 0;

 bad:
  probe_target_free (t);
  return -1;
}

void
probe_target_free (struct probe_target *t)
{
  free (t->host);
  free (t->port);
  free (t->socket);
  free (t->export);
  memset (t, 0, sizeof *t);
}
