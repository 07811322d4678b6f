/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: the command line, compatible with nbdcopy's. */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libnbd.h>

#include "args.h"
#include "blkhash.h"
#include "commands.h"
#include "error.h"
#include "optparse.h"
#include "options.h"

/* The table's targets (cmd/ may hold global state); parse_cmdline hands
 * out a copy.
 */
static struct cmdline cl;

static int
progress_opt (const char *prog, const char *arg)
{
  char *end;
  long fd;

  if (arg == NULL || *arg == '\0') {
    cl.bar = true;
    return 0;
  }
  errno = 0;
  fd = strtol (arg, &end, 10);
  if (errno || end == arg || *end || fd < 0 || fd > INT_MAX)
    return arg_invalid (prog, "--progress", arg,
                        "expected a file descriptor number");
  cl.progress_fd = fd;
  return 0;
}

static int
progress_format_opt (const char *prog, const char *arg)
{
  if (strcmp (arg, "json") == 0)
    cl.progress_format = PROGRESS_JSON;
  else if (strcmp (arg, "percent") == 0)
    cl.progress_format = PROGRESS_PERCENT;
  else
    return arg_invalid (prog, "--progress-format", arg,
                        "expected percent or json");
  return 0;
}

static int
blkhash_opt (const char *prog, const char *arg)
{
  free (cl.blkhash_spec);
  cl.blkhash_spec = strdup (arg && *arg ? arg : BLKHASH_DEFAULT_ALG);
  if (cl.blkhash_spec == NULL) {
    perror (prog);
    return -1;
  }
  return 0;
}

/* Bad --blkhash values are refused before anything is opened. */
static int
blkhash_check (const char *prog)
{
  if (cl.blkhash_file && !cl.blkhash_spec &&
      blkhash_opt (prog, NULL) == -1)
    return -1;
  if (cl.blkhash_spec == NULL)
    return 0;
  if (cl.dirty_bitmap) {
    fprintf (stderr, "%s: --blkhash needs the whole source: a "
             "--dirty-bitmap copy reads only what changed\n", prog);
    return -1;
  }
  if ((cl.copy.blkhash = blkhash_new (cl.blkhash_spec)) == NULL) {
    fprintf (stderr, "%s: %s\n", prog, last_error (errno));
    return -1;
  }
  return 0;
}

/* Seconds from 0 to a day; fractions only where frac. */
static int
seconds (const char *prog, const char *opt, const char *arg, bool frac,
         double *out)
{
  char *end;
  double v;

  errno = 0;
  v = strtod (arg, &end);
  if (errno || end == arg || *end || !(v >= 0 && v <= 86400) ||
      (!frac && v != (unsigned) v))
    return arg_invalid (prog, opt, arg, frac ? "expected seconds from 0 to "
                        "86400" : "expected whole seconds from 0 to 86400");
  *out = v;
  return 0;
}

static int
retries_opt (const char *prog, const char *arg)
{
  double v;

  if (seconds (prog, "--retries", arg, false, &v) == -1)
    return -1;
  cl.retries = v;
  return 0;
}

static int
retry_delay_opt (const char *prog, const char *arg)
{
  return seconds (prog, "--retry-delay", arg, true, &cl.retry_delay);
}

static int
connect_timeout_opt (const char *prog, const char *arg)
{
  double v;

  if (seconds (prog, "--connect-timeout", arg, false, &v) == -1)
    return -1;
  cl.connect_timeout = v;
  return 0;
}

static int
request_timeout_opt (const char *prog, const char *arg)
{
  double v;

  if (seconds (prog, "--request-timeout", arg, false, &v) == -1)
    return -1;
  cl.request_timeout = v;
  return 0;
}

/* --help and the manual of a build without GnuTLS say what it lacks,
 * as serve --version does for TLS; --version stays nbdcopy's two lines.
 */
#ifdef HAVE_GNUTLS
#define BLKHASH_MISSING ""
#else
#define BLKHASH_MISSING ". Not available: this nbdferry was built without GnuTLS"
#endif

static struct opt options[] = {
  /* Any count nbdcopy takes is taken: they are maxima (at most
   * COPY_MAX_WORKERS workers run, and the queue size bounds requests).
   */
  { "connections", 'C', "N", .count = &cl.connections, .max = UINT_MAX,
    .help = "Open up to N connections to each NBD server that allows "
    "multi-conn (default 4); one worker thread per connection" },
  { "threads", 'T', "N", .count = &cl.copy.threads, .max = UINT_MAX,
    .zero_ok = true,
    .help = "Use N worker threads (0, the default: one per CPU for local "
    "endpoints, one per connection when a side is NBD)" },
  { "requests", 'R', "N", .count = &cl.copy.requests, .max = UINT_MAX,
    .help = "Keep at most N requests in flight per worker (default 64; "
    "--queue-size bounds them too)" },
  { "request-size", 0, "SIZE", .size = &cl.copy.request_size,
    .help = "Size of each read and write; clamped into both sides' "
    "block-size limits (default 1M for local endpoints, 256k when a side "
    "is NBD)" },
  { "queue-size", 0, "SIZE", .size = &cl.copy.queue_size,
    .help = "At most SIZE bytes of data in flight per worker, that is per "
    "NBD connection.  A worker starts with 4M (or its bound, if less) and goes "
    "deeper only while the round trip, not the transfer, takes the time "
    "(default: 4M for local endpoints; 24M shared by the workers when a "
    "side is NBD, so 6M each over 4 connections and 1.5M each over 16)" },
  { "sparse", 'S', "SIZE", .size = &cl.copy.sparse, .zero_ok = true,
    .help = "Detect zero blocks of SIZE bytes in the data and do not write "
    "them (default 4096; 0 disables)" },
  { "allocated", 0, .flag = &cl.copy.allocated,
    .help = "Fully allocate the destination: zeroes are written, never "
    "punched" },
  { "destination-is-zero", 0, .flag = &cl.copy.target_is_zero,
    .help = "Assume the destination already reads as zero" },
  { "target-is-zero", 0, .flag = &cl.copy.target_is_zero,
    .help = "Same as --destination-is-zero" },
  { "no-extents", 0, .flag = &cl.copy.no_extents,
    .help = "Do not ask the source which parts are holes; read everything" },
  { "flush", 0, .flag = &cl.copy.flush,
    .help = "Flush the destination at the end of the copy" },
  { "progress", 'p', "FD", .call = progress_opt, .flags = OPT_OPTIONAL,
    .help = "Show a progress bar on stderr; with =FD, write N/100 lines to "
    "file descriptor FD instead (as nbdcopy)" },
  { "progress-format", 0, "percent|json", .call = progress_format_opt,
    .help = "Format of --progress=FD lines: percent (N/100, default) or json "
    "(bytes, size, percent, elapsed, rate, phase; the last line adds the "
    "summary)",
    .man = "Format of the B<--progress>=I<FD> lines.  B<percent> (the "
    "default) writes C<N/100> lines as nbdcopy does.  B<json> writes one "
    "JSON object a line: C<bytes> (of the source done), C<size>, "
    "C<percent>, C<elapsed> (seconds), C<rate> (bytes a second) and "
    "C<phase> (C<copying>).  The last line has C<phase> C<done>, or "
    "C<failed> when the copy failed, and sums up the whole copy in bytes: "
    "C<read> from the source, C<written> as data, C<zeroed> by zero "
    "requests and C<skipped> (already zero, left alone)." },
  { "synchronous", 0, .flag = &cl.copy.synchronous,
    .help = "One worker, one request at a time, no asynchronous I/O" },
  { "direct", 0, .flag = &cl.direct,
    .help = "Open files and block devices with O_DIRECT (asynchronous I/O "
    "through libaio)" },
  { "dirty-bitmap", 0, "NAME", .string = &cl.dirty_bitmap,
    .help = "Copy only what the NBD source's qemu:dirty-bitmap:NAME marks "
    "changed into DESTINATION, an earlier copy of the same size, patched in "
    "place (never truncated, never taken as zero; see DELTA COPIES)" },
  { "blkhash", 0, "ALG[/BLOCKSIZE]", .call = blkhash_opt,
    .flags = OPT_OPTIONAL,
    .help = "Compute the blkhash digest of the source (as nbdcopy and "
    "blksum) while copying and print it in hex on stdout; ALG is md5, sha1, "
    "sha224, sha256 (default), sha384, sha512 or another GnuTLS digest, "
    "BLOCKSIZE a power of 2 up to 64M (default 64k)" BLKHASH_MISSING },
  { "blkhash-file", 0, "FILE", .string = &cl.blkhash_file,
    .help = "Write the --blkhash digest to FILE instead of stdout (implies "
    "--blkhash)" },
  { "rate", 0, "SIZE", .size = &cl.rate,
    .help = "Read at most SIZE bytes per second from the source, all "
    "workers together (suffixes k, M, G); holes and zero runs that are "
    "not read cost nothing" },
  { "salvage", 0, .flag = &cl.copy.salvage,
    .help = "Do not stop at a source read error: read around it down to "
    "512-byte sectors, write what cannot be read as zeroes, list those "
    "ranges at the end (and in JSON progress) and exit with status 2" },
  { "retries", 0, "N", .call = retries_opt,
    .help = "Send a failed NBD request again up to N times, reconnecting a "
    "dropped connection and sending again all that was in flight on it "
    "(default 0: the first error ends the copy, as with nbdcopy; see "
    "RETRIES AND TIMEOUTS)" },
  { "retry-delay", 0, "SECONDS", .call = retry_delay_opt,
    .help = "Seconds to wait before the first retry, doubling for each "
    "further one up to 60 (default 1)" },
  { "connect-timeout", 0, "SECONDS", .call = connect_timeout_opt,
    .help = "Give up on an NBD server that has not completed the handshake "
    "after SECONDS (default 60; 0 waits forever)" },
  { "request-timeout", 0, "SECONDS", .call = request_timeout_opt,
    .help = "Drop an NBD connection whose server has sent nothing for "
    "SECONDS while requests are outstanding, as if it had dropped "
    "(default 300; 0 waits forever)" },
  { "resume", 0, "STATEFILE", .string = &cl.resume,
    .help = "Record finished parts of the copy in STATEFILE, and continue "
    "from it when it exists: the same command line run again copies only "
    "what was not finished (see RESUMING)" },
  { "verbose", 'v', .incr = &cl.copy.verbose,
    .help = "Print the limits of each side, the plan (with why "
    "--request-size was changed, if it was) and a summary, and turn on "
    "libnbd's debug messages (off without -v, whatever LIBNBD_DEBUG says, "
    "as in nbdcopy)" },
  { NULL }
};

/* As nbdcopy: the libnbd actually loaded, which scripts parse. */
static void
version (void)
{
  struct nbd_handle *h = nbd_create ();

  if (h == NULL) {
    fprintf (stderr, "nbdferry: libnbd: %s\n", nbd_get_error ());
    return;
  }
  printf ("libnbd %s\n", nbd_get_version (h));
  nbd_close (h);
}

static const struct opt_program program = {
  .name = "nbdferry",
  .version = version,
  .usage = "SOURCE DESTINATION\n"
  "  SOURCE, DESTINATION: FILE | DEVICE | NBD-URI | [ CMD ARGS ] | - | null:\n"
  "  | zstd:FILE | pattern:SIZE | zero:SIZE | random:SIZE | sparse-random:SIZE",
  .words_needed = "SOURCE and DESTINATION",
  .nwords = 2,
  .options = options,
  .commands = commands,
  .manual = "nbdferry",
};

/* Options that cannot go together, once all are known. */
static int
check_combinations (void)
{
  if (cl.dirty_bitmap && *cl.dirty_bitmap == '\0')
    return arg_invalid (program.name, "--dirty-bitmap", cl.dirty_bitmap,
                        "expected a bitmap name");
  if (cl.dirty_bitmap && cl.copy.target_is_zero) {
    fprintf (stderr, "%s: --dirty-bitmap patches an earlier copy: "
             "--destination-is-zero cannot be true\n", program.name);
    return -1;
  }
  cl.copy.dirty = cl.dirty_bitmap != NULL;
  return 0;
}

int
parse_cmdline (int argc, char *argv[], struct cmdline *out)
{
  struct opt_word words[2];
  int r;

  cl = (struct cmdline) {
    .copy = { .requests = 64, .sparse = 4096 },
    .connections = 4, .progress_fd = -1,
    .retry_delay = 1, .connect_timeout = 60, .request_timeout = 300,
  };
  r = opt_parse (&program, argc, argv, words);
  if (r == 0)
    r = check_combinations ();
  if (r == 0)
    r = blkhash_check (program.name);
  cl.copy.connections = cl.connections;
  cl.src = words[0].word;
  cl.src_cmd = words[0].command;
  cl.dst = words[1].word;
  cl.dst_cmd = words[1].command;
  *out = cl;
  return r;
}
