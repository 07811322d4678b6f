/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nbdferry serve: which exports the words name.
 *
 * A word is NAME=TARGET when the text before its first '=' is a valid
 * export name: not empty, without '/' or ':' (so paths and URIs with an
 * '=' stay targets), at most NBD_MAX_STRING bytes.  Anything else is a
 * plain TARGET, exported under --export-name (default "").  The first
 * export is also the default one, what a client asking for "" gets.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "nbd/proto.h"
#include "serve-internal.h"

/* The length of the NAME in NAME=TARGET, or 0 for a plain target. */
static size_t
name_length (const char *word)
{
  const char *eq = strchr (word, '=');
  size_t n;

  if (eq == NULL || eq == word)
    return 0;
  n = eq - word;
  if (n > NBD_MAX_STRING || memchr (word, '/', n) || memchr (word, ':', n))
    return 0;
  return n;
}

int
serve_exports (const struct serve_args *a, const struct opt_word *words,
               struct serve_export *out, size_t *n)
{
  size_t i, j, plain = 0;

  for (i = 0; i < SERVE_MAX_EXPORTS && (words[i].word || words[i].command);
       ++i) {
    struct serve_export *e = &out[i];
    size_t len = words[i].word ? name_length (words[i].word) : 0;

    *e = (struct serve_export) {
      .name = a->export_name ? a->export_name : "",
      .target = words[i].word, .command = words[i].command,
    };
    if (len) {
      words[i].word[len] = '\0';        /* the word is ours to cut */
      e->name = words[i].word;
      e->target = words[i].word + len + 1;
    }
    else if (plain++) {
      fprintf (stderr, SERVE ": '%s': with several targets, each must be "
               "NAME=TARGET\n", words[i].word ? words[i].word : "[");
      return -1;
    }
    for (j = 0; j < i; ++j)
      if (strcmp (out[j].name, e->name) == 0) {
        fprintf (stderr, SERVE ": export '%s' is named twice\n", e->name);
        return -1;
      }
  }
  *n = i;
  return 0;
}
