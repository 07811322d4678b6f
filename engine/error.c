/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry: per-thread error messages (see error.h). */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "error.h"

/* Thread-local: each worker reports its own failure. */
static __thread char msg[1024];
static __thread int have_msg;

/* Both setters: errno is read first and left as it was. */
static void
vset (const char *fs, va_list args, int with_errno)
{
  int err = errno;
  int n = vsnprintf (msg, sizeof msg, fs, args);

  if (with_errno && n >= 0 && (size_t) n < sizeof msg)
    snprintf (msg + n, sizeof msg - n, ": %s", strerror (err));
  have_msg = 1;
  errno = err;
}

void
set_error (const char *fs, ...)
{
  va_list args;

  va_start (args, fs);
  vset (fs, args, 0);
  va_end (args);
}

void
set_error_errno (const char *fs, ...)
{
  va_list args;

  va_start (args, fs);
  vset (fs, args, 1);
  va_end (args);
}

const char *
last_error (int err)
{
  if (have_msg)
    return msg;
  return strerror (err);
}

void
clear_error (void)
{
  have_msg = 0;
  msg[0] = '\0';
}
