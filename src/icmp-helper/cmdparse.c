/* cmdparse.c: request lines of wifi-verify-icmp-helper
 *
 * Copyright 2024 The wifi-verify authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The grammar is deliberately strict (docs/icmp-helper.md, REQUESTS):
 * printable ASCII only, fields separated by exactly one space, no leading
 * or trailing space.  A strict grammar has fewer corner cases to get wrong
 * in a program that runs with raw sockets, and the only real client is our
 * own GLib code.
 */

#include "cmdparse.h"

#include <string.h>

#define MAX_FIELDS (2 + WV_ICMP_MAX_ARGS)

static bool
is_token_char (char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

static void
set_anon_token (char token[WV_ICMP_MAX_TOKEN + 1])
{
  memcpy (token, WV_ICMP_ANON_TOKEN, sizeof WV_ICMP_ANON_TOKEN);
}

bool
wv_icmp_cmd_parse_token (const char *line,
                         size_t      len,
                         char        token[WV_ICMP_MAX_TOKEN + 1])
{
  size_t n = 0;

  while (n < len && line[n] != ' ')
    n++;

  if (n == 0 || n > WV_ICMP_MAX_TOKEN)
    goto invalid;
  for (size_t i = 0; i < n; i++)
    if (!is_token_char (line[i]))
      goto invalid;

  memcpy (token, line, n);
  token[n] = '\0';
  return true;

invalid:
  set_anon_token (token);
  return false;
}

typedef struct {
  const char *start;
  size_t len;
} Field;

static bool
field_is (const Field *f, const char *word)
{
  size_t wlen = strlen (word);

  return f->len == wlen && memcmp (f->start, word, wlen) == 0;
}

/* Decimal 1..65535 without sign, leading zeros or spaces: exactly one
 * spelling per port, so "watch udp4 080" cannot alias "watch udp4 80". */
static bool
parse_port (const Field *f, uint16_t *port)
{
  uint32_t value = 0;

  if (f->len == 0 || f->len > 5 || f->start[0] == '0')
    return false;
  for (size_t i = 0; i < f->len; i++)
    {
      char c = f->start[i];

      if (c < '0' || c > '9')
        return false;
      value = value * 10 + (uint32_t) (c - '0');
    }
  if (value > 65535)
    return false;

  *port = (uint16_t) value;
  return true;
}

const char *
wv_icmp_cmd_parse (const char *line,
                   size_t      len,
                   WvIcmpCmd  *cmd)
{
  Field fields[MAX_FIELDS];
  size_t n_fields = 0;
  size_t i = 0;

  memset (cmd, 0, sizeof *cmd);

  /* The token comes first so that every later error can carry it. */
  if (!wv_icmp_cmd_parse_token (line, len, cmd->token))
    return "bad-token";

  for (size_t k = 0; k < len; k++)
    {
      unsigned char c = (unsigned char) line[k];

      if (c < 0x20 || c > 0x7e)
        return "bad-character";
    }

  while (i <= len)
    {
      size_t start = i;

      while (i < len && line[i] != ' ')
        i++;
      if (i == start)
        return "bad-syntax";   /* empty field: double, leading or trailing space */
      if (n_fields == MAX_FIELDS)
        return "too-many-arguments";
      fields[n_fields].start = line + start;
      fields[n_fields].len = i - start;
      n_fields++;
      i++;                     /* skip the single separating space (or end) */
    }

  if (n_fields < 2)
    return "missing-command";

  {
    const Field *command = &fields[1];
    size_t n_args = n_fields - 2;

    if (field_is (command, "version"))
      cmd->kind = WV_ICMP_CMD_VERSION;
    else if (field_is (command, "check-support"))
      cmd->kind = WV_ICMP_CMD_CHECK_SUPPORT;
    else if (field_is (command, "stats"))
      cmd->kind = WV_ICMP_CMD_STATS;
    else if (field_is (command, "quit"))
      cmd->kind = WV_ICMP_CMD_QUIT;
    else if (field_is (command, "watch"))
      cmd->kind = WV_ICMP_CMD_WATCH;
    else if (field_is (command, "unwatch"))
      cmd->kind = WV_ICMP_CMD_UNWATCH;
    else
      return "unknown-command";

    if (cmd->kind != WV_ICMP_CMD_WATCH && cmd->kind != WV_ICMP_CMD_UNWATCH)
      return n_args == 0 ? NULL : "bad-argument-count";

    if (n_args != 2)
      return "bad-argument-count";
    if (field_is (&fields[2], "udp4"))
      cmd->family = 4;
    else if (field_is (&fields[2], "udp6"))
      cmd->family = 6;
    else
      return "bad-family";
    if (!parse_port (&fields[3], &cmd->port))
      return "bad-port";
  }

  return NULL;
}

void
wv_icmp_line_reader_init (WvIcmpLineReader *reader)
{
  memset (reader, 0, sizeof *reader);
}

size_t
wv_icmp_line_reader_feed (WvIcmpLineReader *reader,
                          const char       *data,
                          size_t            len,
                          WvIcmpLineStatus *status)
{
  size_t used = 0;

  /* The previous call handed out a finished line: start a fresh one. */
  if (reader->complete)
    wv_icmp_line_reader_init (reader);

  *status = WV_ICMP_LINE_NONE;

  while (used < len)
    {
      char c = data[used++];

      if (c == '\n')
        {
          reader->line[reader->len] = '\0';
          reader->complete = true;
          *status = reader->overlong ? WV_ICMP_LINE_TOO_LONG : WV_ICMP_LINE_OK;
          return used;
        }

      if (reader->len < WV_ICMP_MAX_LINE)
        reader->line[reader->len++] = c;
      else
        reader->overlong = true;   /* keep the prefix for its token, drop the rest */
    }

  return used;
}
