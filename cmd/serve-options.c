/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry serve: the command line.  Each option is one entry: its help
 * sentence feeds --help, its man text the manual page's OPTIONS.
 */
#include <config.h>

#include "serve-internal.h"

/* The table's targets (cmd/ may hold global state). */
static struct serve_args args;

static struct opt options[] = {
  { "unix", 'U', "PATH", .string = &args.unix_path,
    .help = "Serve on a Unix socket",
    .man = "Listen on a Unix domain socket at PATH (removed again when the "
    "server exits)." },
  { "port", 'p', "N", .string = &args.port,
    .help = "Serve on a TCP port (default 10809)",
    .man = "Listen on TCP port N (default 10809 when neither B<--unix> nor "
    "socket activation is used).  Port C<0> picks a free port, useful with "
    "B<--run>." },
  { "bind", 0, "ADDR", .string = &args.bind,
    .help = "Address to listen on (default 127.0.0.1)",
    .man = "The address to listen on for TCP.  The default is C<127.0.0.1>: "
    "the server is reachable from the local host only unless this is "
    "given.  There is no TLS and no authentication yet (see L</TLS>), so "
    "expose the server only on networks you trust." },
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
  { "verbose", 'v', .incr = &args.verbose,
    .help = "Log connections",
    .man = "Log refused clients, broken requests and failed requests on "
    "stderr." },
  { NULL }
};

static const struct opt_program program = {
  .name = SERVE,
  .usage = "TARGET | [ CMD ARGS ]",
  .words_needed = "one TARGET",
  .nwords = 1,
  .options = options,
};

int
serve_parse (int argc, char *argv[], struct serve_args **a,
             struct opt_word *target)
{
  *a = &args;
  return opt_parse (&program, argc, argv, target);
}

void
serve_args_free (struct opt_word *target)
{
  opt_free (&program, target);
}
