/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry serve: the command line.  Each option is one entry: its help
 * sentence feeds --help, its man text the manual page's OPTIONS.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "nbd/server/server.h"
#include "serve-internal.h"

/* The table's targets (cmd/ may hold global state). */
static struct serve_args args = { .idle_timeout = 300 };

/* A decimal number from 0 to max, nothing else around it. */
static int
number (const char *prog, const char *opt, const char *arg,
        unsigned long max, const char *why, unsigned long *v)
{
  char *end;

  errno = 0;
  *v = strtoul (arg, &end, 10);
  if (!*arg || *end || errno || *v > max || arg[0] == '-' || arg[0] == '+')
    return arg_invalid (prog, opt, arg, why);
  return 0;
}

/* --port: 0 (any free port) to 65535. */
static int
set_port (const char *prog, const char *arg)
{
  unsigned long v;

  if (number (prog, "--port", arg, 65535, "expected a TCP port number "
              "from 1 to 65535 (0: any free port)", &v) == -1)
    return -1;
  free (args.port);
  args.port = strdup (arg);
  if (args.port == NULL) {
    perror (prog);
    return -1;
  }
  return 0;
}

static int
set_idle_timeout (const char *prog, const char *arg)
{
  unsigned long v;

  if (number (prog, "--idle-timeout", arg, 86400 * 365,
              "expected seconds (0: no timeout)", &v) == -1)
    return -1;
  args.idle_timeout = v;
  return 0;
}

/* One of words[] (NULL-terminated), stored as its index. */
static int
keyword (const char *prog, const char *opt, const char *arg,
         const char *const *words, const char *why, int *out)
{
  int i;

  for (i = 0; words[i]; ++i)
    if (strcmp (arg, words[i]) == 0) {
      *out = i;
      return 0;
    }
  return arg_invalid (prog, opt, arg, why);
}

/* In the order of LOG_TO_* and enum server_tls. */
static int
set_log (const char *prog, const char *arg)
{
  static const char *const words[] = { "stderr", "syslog", "null", NULL };
  return keyword (prog, "--log", arg, words,
                  "expected stderr, syslog or null", &args.log);
}

static int
set_tls (const char *prog, const char *arg)
{
  static const char *const words[] = { "off", "on", "require", NULL };
  return keyword (prog, "--tls", arg, words, "expected off, on or require",
                  &args.tls);
}

static struct opt options[] = {
  { "unix", 'U', "PATH", .string = &args.unix_path,
    .help = "Serve on a Unix socket (-: a private one, for --run)",
    .man = "Listen on a Unix domain socket at PATH (removed again when the "
    "server exits).  With C<-U ->, as with nbdkit, a socket of a private "
    "temporary directory is made up (useful with B<--run>, which gets it "
    "in C<$unixsocket> and C<$uri>)." },
  { "port", 'p', "N", .call = set_port,
    .help = "Serve on a TCP port (default 10809)",
    .man = "Listen on TCP port N (default 10809 when neither B<--unix> nor "
    "socket activation is used), from 1 to 65535; any other value is "
    "refused.  Port C<0> picks a free port, useful with B<--run>." },
  { "bind", 'i', "ADDR", .string = &args.bind,
    .help = "Address to listen on (default 127.0.0.1)",
    .man = "The address to listen on for TCP.  The default is C<127.0.0.1>: "
    "the server is reachable from the local host only unless this is "
    "given.  Without B<--tls> anyone who can reach the port can read and "
    "write the export, in clear text: use B<--tls=require> on networks you "
    "do not trust (see L</TLS>)." },
  { "ipaddr", 0, "ADDR", .string = &args.bind,
    .help = "The same as --bind (nbdkit's name)",
    .man = "The same as B<--bind>, under nbdkit's name (B<-i> too).  Unlike "
    "nbdkit, the default is C<127.0.0.1>, not every interface." },
  { "read-only", 'r', .flag = &args.read_only,
    .help = "Export read-only",
    .man = "Export read-only: the target is opened read-only, the export is "
    "advertised with C<NBD_FLAG_READ_ONLY>, and writes, trims and zero "
    "requests fail with C<EPERM>.  A target that can only be read (a "
    "synthetic source such as C<pattern:1G>) is served read-only without "
    "it, as nbdkit serves a plugin that cannot write." },
  { "direct", 0, .flag = &args.direct,
    .help = "Open a file or block device target with O_DIRECT",
    .man = "Open a file or block device target with C<O_DIRECT>, bypassing "
    "the page cache.  The target's minimum block size is then its logical "
    "block size." },
  { "size", 0, "SIZE", .string = &args.size,
    .help = "Create the target (or grow it) at this size",
    .man = "A receiving end: create the target file at SIZE bytes when it "
    "does not exist, or grow it to SIZE.  SIZE takes the suffixes C<k>, "
    "C<M>, C<G>, C<T>, C<P>, C<E> (powers of 1024).  A new file is all "
    "holes, so it is advertised as reading as zero." },
  { "export-name", 'e', "NAME", .string = &args.export_name,
    .help = "The export's name (default \"\")",
    .man = "The export's name (at most 4096 bytes).  Clients may ask for it "
    "or for the default export C<\"\">; any other name is refused "
    "(C<NBD_REP_ERR_UNKNOWN>)." },
  { "exportname", 0, "NAME", .string = &args.export_name,
    .help = "The same as --export-name (nbdkit's name)",
    .man = "The same as B<--export-name>, under nbdkit's name.  As with "
    "nbdkit, it is also the export C<$exportname> and C<$uri> name for "
    "B<--run> (without it, the first export's)." },
  { "description", 0, "TEXT", .string = &args.description,
    .help = "The export's description",
    .man = "A description sent to clients that ask (C<NBD_INFO_DESCRIPTION>) "
    "and in export lists." },
  { "blocksize-minimum", 0, "SIZE", .size = &args.bs_min,
    .help = "Advertise this minimum block size (below the target's own, "
    "requests go through read-modify-write)",
    .man = "Change the minimum block size advertised in "
    "C<NBD_INFO_BLOCK_SIZE>, for example to emulate a 4K-sector device.  "
    "Without the B<--blocksize-*> options the target's own limits are "
    "advertised.  The same rules apply as for any endpoint: the minimum is "
    "a power of 2 from 1 to 65536 that divides the export size.  A minimum "
    "below the target's own (a 4K-sector device opened with B<--direct>, "
    "served to clients that write 512-byte sectors) is honoured with "
    "read-modify-write of the target's blocks: partial blocks are read, "
    "patched and written whole, and no two such updates of one block "
    "race.\n\n"
    "The server enforces what it advertises: a request whose offset or "
    "length is not a multiple of the minimum, or a READ or WRITE longer "
    "than the maximum, fails with C<EINVAL> without reaching the target." },
  { "blocksize-preferred", 0, "SIZE", .size = &args.bs_pref,
    .help = "Advertise this preferred block size",
    .man = "The preferred block size to advertise: a power of 2 of at least "
    "512 and the minimum." },
  { "blocksize-maximum", 0, "SIZE", .size = &args.bs_max,
    .help = "Advertise this maximum payload",
    .man = "The maximum payload to advertise: a multiple of the minimum, at "
    "least the preferred size and not above the target's maximum (64 MiB "
    "at most)." },
  { "run", 0, "CMD", .string = &args.run,
    .help = "Run CMD with $uri and $unixsocket set, then exit",
    .man = "Captive mode: once listening, run CMD with F</bin/sh>, with "
    "C<$uri> set to an NBD URI for the export and C<$unixsocket> to the "
    "socket path (empty for TCP).  When CMD exits the server stops and "
    "exits with CMD's status.  Without B<--unix> or B<--port> a private "
    "Unix socket in a temporary directory is used.\n\n"
    " nbdferry serve --run 'nbdcopy \"$uri\" out.img' disk.img" },
  { "pidfile", 'P', "FILE", .string = &args.pidfile,
    .help = "Write the process id here once listening",
    .man = "Write the server's process id to FILE once it is listening, so "
    "a script can wait for the file to appear before connecting." },
  { "threads", 't', "N", .count = &args.threads, .max = 4096,
    .help = "Worker threads per connection (default 4)",
    .man = "Worker threads serving each connection's requests (default 4).  "
    "Many requests may be in flight on a connection; they are served in "
    "parallel." },
  { "max-connections", 0, "N", .count = &args.max_conns, .max = 4096,
    .help = "Connections served at once (default 64)",
    .man = "Connections served at once (default 64).  Clients beyond the "
    "limit are disconnected straight away." },
  { "handshake-timeout", 0, "SECS", .count = &args.timeout, .max = 4096,
    .help = "Seconds a client has to finish the handshake (default 30)",
    .man = "A client that has not finished option negotiation after SECS "
    "seconds (default 30) is disconnected." },
  { "idle-timeout", 0, "SECS", .call = set_idle_timeout,
    .help = "Close a client silent for SECS seconds with nothing in flight "
    "(default 300, 0: never)",
    .man = "A client that has sent nothing for SECS seconds (default 300) "
    "while none of its requests is being served is disconnected, so that "
    "silent clients do not hold connections for ever.  C<0> turns the "
    "timeout off: do that for clients that may stay silent for long, such "
    "as a virtual machine running from the export.\n\n"
    "Independently, when B<--max-connections> clients are connected, a new "
    "client is not refused while some connection has been silent for 5 "
    "seconds with nothing in flight: the one silent longest is closed to "
    "make room." },
  { "tls", 0, "off|on|require", .call = set_tls,
    .help = "TLS: off (default), on (offered), or require",
    .man = "With B<on>, clients may upgrade the connection to TLS "
    "(C<NBD_OPT_STARTTLS>) and others are served in clear text.  With "
    "B<require>, a client must start TLS before anything else: every other "
    "option before it is answered C<NBD_REP_ERR_TLS_REQD> (except "
    "C<NBD_OPT_ABORT>), and no export name, size or list is sent in clear "
    "text.  The same meanings as nbdkit's B<--tls>.  Credentials come from "
    "B<--tls-certificates> or B<--tls-psk>.  A build without GnuTLS refuses "
    "B<on> and B<require> (B<--version> says whether TLS is available)." },
  { "tls-certificates", 0, "DIR", .string = &args.tls_certificates,
    .help = "X.509 credentials: DIR/ca-cert.pem, server-cert.pem, "
    "server-key.pem",
    .man = "Load the X.509 credentials from DIR as nbdkit does: "
    "F<server-cert.pem> and F<server-key.pem>, F<ca-cert.pem> (needed for "
    "B<--tls-verify-peer>) and, if present, F<ca-crl.pem>.  A key file that "
    "users other than its owner can read gets a warning." },
  { "tls-psk", 0, "FILE", .string = &args.tls_psk,
    .help = "Pre-shared keys, in psktool's format (USER:HEXKEY lines)",
    .man = "Use pre-shared keys instead of certificates: FILE holds "
    "C<username:hexkey> lines, as made by L<psktool(1)>.  A client with an "
    "unknown user name or a wrong key fails the TLS handshake.  It takes "
    "precedence over B<--tls-certificates>.  A FILE that users other than "
    "its owner can read gets a warning." },
  { "tls-verify-peer", 0, .flag = &args.tls_verify_peer,
    .help = "Require a client certificate signed by DIR/ca-cert.pem",
    .man = "With X.509, require the client to present a certificate signed "
    "by F<ca-cert.pem> of B<--tls-certificates>." },
  { "foreground", 'f', .flag = &args.foreground,
    .help = "Stay in the foreground (serve always does)",
    .man = "Accepted for nbdkit's command lines.  C<nbdferry serve> always "
    "stays in the foreground, as qemu-nbd does; nbdkit forks into the "
    "background unless given B<-f>, B<--run>, B<-s> or "
    "B<--exit-with-parent>.  A script that relied on nbdkit forking can "
    "start the server with C<&> and wait for the B<--pidfile> to appear." },
  { "exit-with-parent", 0, .flag = &args.exit_with_parent,
    .help = "Stop when the parent process exits",
    .man = "Stop serving (as on SIGTERM: requests in flight finish, the "
    "target is flushed) when the process that started the server exits, "
    "as nbdkit's option of the same name (Linux only)." },
  { "single", 's', .flag = &args.single,
    .help = "Serve one client on stdin/stdout (as from inetd), then exit",
    .man = "Serve one NBD connection on standard input and output, which "
    "must be a socket (inetd, or libnbd's C<nbd_connect_command>), and exit "
    "when the client goes, as nbdkit's B<-s>.  It excludes B<--unix>, "
    "B<--port> and B<--run>." },
  { "selinux-label", 0, "LABEL", .string = &args.selinux_label,
    .help = "Create the listening socket with this SELinux label",
    .man = "Create the listening socket with the SELinux label LABEL, as "
    "nbdkit's option of the same name, so that confined clients (libvirt "
    "guests under sVirt, virt-v2v) may connect, for example "
    "C<system_u:object_r:svirt_socket_t:s0>.  On a system without SELinux "
    "the label is ignored (B<-v> says so)." },
  { "log", 0, "stderr|syslog|null", .call = set_log,
    .help = "Where messages of the running server go (default stderr)",
    .man = "Where the running server's messages (the B<-v> log and "
    "warnings) go: standard error (the default), the system log, or "
    "nowhere.  Errors before the server starts serving are always on "
    "standard error." },
  { "verbose", 'v', .incr = &args.verbose,
    .help = "Log connections",
    .man = "Log refused clients, broken requests and failed requests on "
    "stderr." },
  { NULL }
};

/* Whether --tls can work, for scripts and bug reports. */
static void
version (void)
{
  printf ("TLS: %s\n", server_tls_available () ? "yes (GnuTLS)"
          : "no (built without GnuTLS)");
}

static const struct opt_program program = {
  .version = version,
  .name = SERVE,
  .usage = "TARGET | [ CMD ARGS ] | NAME=TARGET...",
  .words_needed = "one TARGET or up to 16 NAME=TARGET",
  .nwords = 1,
  .max_words = SERVE_MAX_EXPORTS,
  .options = options,
  .manual = "nbdferry-serve",
};

int
serve_parse (int argc, char *argv[], struct serve_args **a,
             struct opt_word *targets)
{
  *a = &args;
  return opt_parse (&program, argc, argv, targets);
}

void
serve_args_free (struct opt_word *targets)
{
  opt_free (&program, targets);
}
