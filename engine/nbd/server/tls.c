/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: TLS for the NBD server (NBD_OPT_STARTTLS), with GnuTLS.
 *
 * Credentials are loaded once per server, as nbdkit does: X.509 from a
 * directory (ca-cert.pem, server-cert.pem, server-key.pem, optional
 * ca-crl.pem) or PSK from psktool's "username:hexkey" file.  After the
 * handshake the socket is non-blocking: the connection's reader thread
 * receives while the workers send under the write lock (GnuTLS allows one
 * sender and one receiver on a session at once), and each side waits with
 * poll() so the deadlines, the stop pipe and the write timeout still hold.
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "server-internal.h"

#ifdef HAVE_GNUTLS

#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gnutls/gnutls.h>

#include "cleanup.h"
#include "nbd/wire.h"

/* TLS records carry at most this much. */
#define TLS_RECORD 16384

struct srv_tls {
  gnutls_certificate_credentials_t x509;
  gnutls_psk_server_credentials_t psk;
  bool verify_peer;
};

bool
server_tls_available (void)
{
  return true;
}

/* A key file others can read is worth a warning, not a refusal (nbdkit
 * and qemu-nbd accept it too).
 */
static int
check_key (const struct server_config *cfg, const char *path)
{
  struct stat st;
  char msg[PATH_MAX + 128];

  if (stat (path, &st) == -1 || access (path, R_OK) == -1) {
    set_error_errno ("%s", path);
    return -1;
  }
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) && cfg->warn) {
    snprintf (msg, sizeof msg, "warning: %s can be read by other users "
              "(mode %04o): chmod 600 it", path,
              (unsigned) (st.st_mode & 07777));
    cfg->warn (cfg->log_opaque, msg);
  }
  return 0;
}

/* A file GnuTLS could not load. */
static int
file_error (const char *path, int r)
{
  set_error ("%s: %s", path, gnutls_strerror (r));
  errno = EINVAL;
  return -1;
}

static int
load_psk (struct srv_tls *t, const struct server_config *cfg)
{
  int r;

  if (check_key (cfg, cfg->tls_psk) == -1)
    return -1;
  r = gnutls_psk_allocate_server_credentials (&t->psk);
  if (r == 0)
    r = gnutls_psk_set_server_credentials_file (t->psk, cfg->tls_psk);
  return r < 0 ? file_error (cfg->tls_psk, r) : 0;
}

static int
load_x509 (struct srv_tls *t, const struct server_config *cfg)
{
  const char *dir = cfg->tls_certificates;
  CLEANUP_FREE char *ca = NULL, *crl = NULL, *cert = NULL, *key = NULL;
  int r;

  if (asprintf (&ca, "%s/ca-cert.pem", dir) == -1 ||
      asprintf (&crl, "%s/ca-crl.pem", dir) == -1 ||
      asprintf (&cert, "%s/server-cert.pem", dir) == -1 ||
      asprintf (&key, "%s/server-key.pem", dir) == -1) {
    set_error_errno ("tls");
    return -1;
  }
  if (check_key (cfg, key) == -1)
    return -1;
  if ((r = gnutls_certificate_allocate_credentials (&t->x509)) < 0 ||
      (r = gnutls_certificate_set_x509_key_file (t->x509, cert, key,
                                                 GNUTLS_X509_FMT_PEM)) < 0)
    return file_error (cert, r);
  /* The CA is needed only to check client certificates. */
  if (access (ca, R_OK) == 0 &&
      (r = gnutls_certificate_set_x509_trust_file (t->x509, ca,
                                                   GNUTLS_X509_FMT_PEM)) < 0)
    return file_error (ca, r);
  if (access (ca, R_OK) == -1 && cfg->tls_verify_peer) {
    set_error_errno ("--tls-verify-peer: %s", ca);
    return -1;
  }
  if (access (crl, R_OK) == 0 &&
      (r = gnutls_certificate_set_x509_crl_file (t->x509, crl,
                                                 GNUTLS_X509_FMT_PEM)) < 0)
    return file_error (crl, r);
  gnutls_certificate_set_known_dh_params (t->x509, GNUTLS_SEC_PARAM_MEDIUM);
  return 0;
}

struct srv_tls *
srv_tls_new (const struct server_config *cfg)
{
  struct srv_tls *t;

  if (!cfg->tls_psk && !cfg->tls_certificates) {
    set_error ("TLS needs --tls-certificates=DIR or --tls-psk=FILE");
    errno = EINVAL;
    return NULL;
  }
  t = calloc (1, sizeof *t);
  if (t == NULL) {
    set_error_errno ("tls");
    return NULL;
  }
  t->verify_peer = cfg->tls_verify_peer;
  /* PSK wins over certificates when both are given, as in nbdkit. */
  if ((cfg->tls_psk ? load_psk (t, cfg) : load_x509 (t, cfg)) == -1) {
    srv_tls_free (t);
    return NULL;
  }
  return t;
}

void
srv_tls_free (struct srv_tls *t)
{
  if (t == NULL)
    return;
  if (t->x509)
    gnutls_certificate_free_credentials (t->x509);
  if (t->psk)
    gnutls_psk_free_server_credentials (t->psk);
  free (t);
}

static int
tls_error (struct conn *c, const char *what, int r)
{
  server_log (c->s, "TLS %s: %s", what, gnutls_strerror (r));
  c->why = "TLS error";
  errno = r == GNUTLS_E_PREMATURE_TERMINATION ? ECONNRESET : EPROTO;
  return -1;
}

static int
session_setup (struct conn *c, gnutls_session_t sess)
{
  struct srv_tls *t = c->s->tls;
  int r;

  if (t->psk) {
    r = gnutls_priority_set_direct (sess,
                                    "NORMAL:+ECDHE-PSK:+DHE-PSK:+PSK", NULL);
    if (r == 0)
      r = gnutls_credentials_set (sess, GNUTLS_CRD_PSK, t->psk);
  }
  else {
    r = gnutls_set_default_priority (sess);
    if (r == 0)
      r = gnutls_credentials_set (sess, GNUTLS_CRD_CERTIFICATE, t->x509);
    if (r == 0 && t->verify_peer) {
      gnutls_certificate_server_set_request (sess, GNUTLS_CERT_REQUIRE);
      gnutls_session_set_verify_cert (sess, NULL, 0);
    }
  }
  return r;
}

static void
cleanup_session (gnutls_session_t *sess)
{
  if (*sess) {
    int saved = errno;
    gnutls_deinit (*sess);
    errno = saved;
  }
}

int
srv_tls_handshake (struct conn *c)
{
  __attribute__ ((cleanup (cleanup_session))) gnutls_session_t sess = NULL;
  int r, fl;

  r = gnutls_init (&sess, GNUTLS_SERVER | GNUTLS_NONBLOCK);
  if (r < 0) {
    sess = NULL;                /* nothing to deinit */
    return tls_error (c, "session", r);
  }
  r = session_setup (c, sess);
  if (r < 0)
    return tls_error (c, "session", r);
  fl = fcntl (c->fd, F_GETFL);
  if (fl == -1 || fcntl (c->fd, F_SETFL, fl | O_NONBLOCK) == -1)
    return -1;
  gnutls_transport_set_int (sess, c->fd);
  /* c->session stays NULL until the handshake is done: nothing goes
   * through a half-made session.
   */
  while ((r = gnutls_handshake (sess)) < 0) {
    if (gnutls_error_is_fatal (r))
      return tls_error (c, "handshake", r);
    if (wire_wait (c->fd, gnutls_record_get_direction (sess) ? POLLOUT
                   : POLLIN, c->deadline, c->s->stop_pipe[0]) == -1) {
      c->why = errno == ETIMEDOUT ? "TLS handshake timed out" : NULL;
      return -1;
    }
  }
  c->session = TAKE_PTR (sess);
  if (c->s->cfg.log) {
    char *desc = gnutls_session_get_desc (c->session);
    server_log (c->s, "TLS: %s", desc ? desc : "on");
    gnutls_free (desc);
  }
  return 0;
}

void
srv_tls_close (struct conn *c)
{
  if (c->session == NULL)
    return;
  gnutls_bye (c->session, GNUTLS_SHUT_WR);  /* best effort, non-blocking */
  gnutls_deinit (c->session);
  c->session = NULL;
}

bool
srv_tls_pending (struct conn *c)
{
  return gnutls_record_check_pending (c->session) > 0;
}

int
srv_tls_read (struct conn *c, void *buf, size_t len, int64_t deadline_ms)
{
  gnutls_session_t sess = c->session;
  unsigned char *p = buf;

  while (len > 0) {
    ssize_t r;

    if (gnutls_record_check_pending (sess) == 0 &&
        wire_wait (c->fd, POLLIN, deadline_ms, c->s->stop_pipe[0]) == -1)
      return -1;
    r = gnutls_record_recv (sess, p, len);
    if (r > 0) {
      p += r;
      len -= r;
    }
    else if (r == 0) {
      errno = ECONNRESET;
      return -1;
    }
    else if (r != GNUTLS_E_AGAIN && r != GNUTLS_E_INTERRUPTED)
      return tls_error (c, "receive", r);
  }
  return 0;
}

/* Send len bytes as records of up to TLS_RECORD bytes. */
static int
send_all (struct conn *c, const unsigned char *p, size_t len)
{
  while (len > 0) {
    ssize_t r = gnutls_record_send (c->session, p, len);

    if (r >= 0) {
      p += r;
      len -= r;
    }
    else if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED) {
      /* Called again with the same data, as GnuTLS requires. */
      if (wire_wait (c->fd, POLLOUT,
                     monotonic_ms () + SERVER_WRITE_TIMEOUT_MS, -1) == -1)
        return -1;
    }
    else
      return tls_error (c, "send", r);
  }
  return 0;
}

/* Small pieces (reply headers) share a record with what follows them;
 * large payloads go straight from their buffer, a record at a time.
 */
int
srv_tls_writev (struct conn *c, struct iovec *iov, int n)
{
  unsigned char stage[TLS_RECORD];
  size_t fill = 0;
  int i;

  for (i = 0; i < n; ++i) {
    const unsigned char *p = iov[i].iov_base;
    size_t len = iov[i].iov_len;

    while (len > 0) {
      size_t k;

      if (fill == 0 && len >= TLS_RECORD) {
        k = len - len % TLS_RECORD;
        if (send_all (c, p, k) == -1)
          return -1;
      }
      else {
        k = len < TLS_RECORD - fill ? len : TLS_RECORD - fill;
        memcpy (stage + fill, p, k);
        fill += k;
        if (fill == TLS_RECORD) {
          if (send_all (c, stage, fill) == -1)
            return -1;
          fill = 0;
        }
      }
      p += k;
      len -= k;
    }
  }
  return fill ? send_all (c, stage, fill) : 0;
}

#else /* !HAVE_GNUTLS */

bool
server_tls_available (void)
{
  return false;
}

struct srv_tls *
srv_tls_new (const struct server_config *cfg)
{
  set_error ("TLS is not available: nbdferry was built without GnuTLS");
  errno = ENOTSUP;
  return NULL;
}

void
srv_tls_free (struct srv_tls *t)
{
}

int
srv_tls_handshake (struct conn *c)
{
  errno = ENOTSUP;
  return -1;
}

void
srv_tls_close (struct conn *c)
{
}

bool
srv_tls_pending (struct conn *c)
{
  return false;
}

int
srv_tls_read (struct conn *c, void *buf, size_t len, int64_t deadline_ms)
{
  errno = ENOTSUP;
  return -1;
}

int
srv_tls_writev (struct conn *c, struct iovec *iov, int n)
{
  errno = ENOTSUP;
  return -1;
}

#endif /* !HAVE_GNUTLS */
