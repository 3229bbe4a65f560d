/* proto.c: request handling of wifi-verify-icmp-helper
 *
 * Copyright 2024 The wifi-verify authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "proto.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

void
wv_icmp_state_init (WvIcmpState *state)
{
  memset (state, 0, sizeof *state);
  state->start = "none";
  state->seccomp = "off";
  state->program_version = "unknown";
  state->icmp4_errno = EPERM;
  state->icmp6_errno = EPERM;
}

static uint64_t *
watch_set (WvIcmpState *state,
           int          family,
           unsigned int **count)
{
  if (family == 4)
    {
      *count = &state->n_watched4;
      return state->watched4;
    }
  *count = &state->n_watched6;
  return state->watched6;
}

bool
wv_icmp_state_is_watched (const WvIcmpState *state,
                          int                family,
                          uint16_t           port)
{
  const uint64_t *set = family == 4 ? state->watched4 : state->watched6;

  return (set[port / 64] >> (port % 64)) & 1;
}

/* A stable, space-free word for the check-support reply. */
static const char *
errno_word (int err)
{
  switch (err)
    {
    case 0: return "open";
    case EPERM: return "EPERM";
    case EACCES: return "EACCES";
    case EAFNOSUPPORT: return "EAFNOSUPPORT";
    case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
    case ESOCKTNOSUPPORT: return "ESOCKTNOSUPPORT";
    case EMFILE: return "EMFILE";
    case ENFILE: return "ENFILE";
    case ENOBUFS: return "ENOBUFS";
    case ENOMEM: return "ENOMEM";
    case EINVAL: return "EINVAL";
    default: return "EOTHER";
    }
}

static size_t
finish (char *out, size_t out_size, int n)
{
  /* Every reply is far below out_size by construction; clamp anyway so a
   * future edit cannot turn into an overflow or a reply without newline. */
  if (n < 0 || (size_t) n >= out_size)
    {
      n = snprintf (out, out_size, "%s error internal\n", WV_ICMP_ANON_TOKEN);
      if (n < 0 || (size_t) n >= out_size)
        return 0;
    }
  return (size_t) n;
}

static size_t
reply_error (const WvIcmpCmd *cmd,
             const char      *reason,
             char            *out,
             size_t           out_size)
{
  return finish (out, out_size, snprintf (out, out_size, "%s error %s\n", cmd->token, reason));
}

static size_t
reply_watch_counts (const WvIcmpState *state,
                    const WvIcmpCmd   *cmd,
                    char              *out,
                    size_t             out_size)
{
  return finish (out, out_size,
                 snprintf (out, out_size, "%s ok watched4=%u watched6=%u\n",
                           cmd->token, state->n_watched4, state->n_watched6));
}

static size_t
handle_watch (WvIcmpState     *state,
              const WvIcmpCmd *cmd,
              char            *out,
              size_t           out_size)
{
  unsigned int *count;
  uint64_t *set = watch_set (state, cmd->family, &count);
  uint64_t bit = UINT64_C (1) << (cmd->port % 64);
  bool present = (set[cmd->port / 64] & bit) != 0;

  if (cmd->kind == WV_ICMP_CMD_UNWATCH)
    {
      if (!present)
        return reply_error (cmd, "not-watched", out, out_size);
      set[cmd->port / 64] &= ~bit;
      (*count)--;
      return reply_watch_counts (state, cmd, out, out_size);
    }

  if ((cmd->family == 4 ? state->icmp4_errno : state->icmp6_errno) != 0)
    return reply_error (cmd, "no-socket", out, out_size);
  if (present)
    return reply_watch_counts (state, cmd, out, out_size);
  if (*count >= WV_ICMP_MAX_WATCH)
    return reply_error (cmd, "too-many-ports", out, out_size);
  if (state->port_owned &&
      !state->port_owned (cmd->family, cmd->port, state->port_owned_data))
    return reply_error (cmd, "port-not-owned", out, out_size);

  set[cmd->port / 64] |= bit;
  (*count)++;
  return reply_watch_counts (state, cmd, out, out_size);
}

size_t
wv_icmp_handle_line (WvIcmpState *state,
                     const char  *line,
                     size_t       len,
                     bool         too_long,
                     char        *out,
                     size_t       out_size)
{
  WvIcmpCmd cmd;
  const char *err;

  if (too_long)
    {
      memset (&cmd, 0, sizeof cmd);
      wv_icmp_cmd_parse_token (line, len, cmd.token);
      return reply_error (&cmd, "line-too-long", out, out_size);
    }
  if (len == 0)
    return 0;

  err = wv_icmp_cmd_parse (line, len, &cmd);
  if (err)
    return reply_error (&cmd, err, out, out_size);

  switch (cmd.kind)
    {
    case WV_ICMP_CMD_VERSION:
      return finish (out, out_size,
                     snprintf (out, out_size,
                               "%s ok protocol=%d program=wifi-verify-icmp-helper version=%s\n",
                               cmd.token, WV_ICMP_PROTOCOL_VERSION, state->program_version));

    case WV_ICMP_CMD_CHECK_SUPPORT:
      return finish (out, out_size,
                     snprintf (out, out_size,
                               "%s ok icmp4=%s icmp6=%s start=%s uid=%u gid=%u caps=none"
                               " bounding=%s nnp=yes nnp-at-start=%s seccomp=%s"
                               " owner-check=%s timestamps=%s\n",
                               cmd.token, errno_word (state->icmp4_errno),
                               errno_word (state->icmp6_errno), state->start,
                               state->uid, state->gid,
                               state->bounding_cleared ? "cleared" : "kept",
                               state->nnp_at_start ? "yes" : "no", state->seccomp,
                               state->port_owned ? "on" : "off",
                               state->kernel_timestamps ? "kernel" : "user"));

    case WV_ICMP_CMD_STATS:
      {
        const uint64_t *c = state->counters;
        const uint64_t *p = c + WV_ICMP_COUNTER_PARSE_BASE;

        return finish (out, out_size,
                       snprintf (out, out_size,
                                 "%s ok rx4=%" PRIu64 " rx6=%" PRIu64 " reported=%" PRIu64
                                 " unwatched=%" PRIu64 " malformed=%" PRIu64
                                 " bad-checksum=%" PRIu64 " other-type=%" PRIu64
                                 " truncated=%" PRIu64 " not-udp=%" PRIu64 " fragment=%" PRIu64
                                 " unparsed=%" PRIu64 " dropped=%" PRIu64 " rx-error=%" PRIu64 "\n",
                                 cmd.token, c[WV_ICMP_COUNTER_RX4], c[WV_ICMP_COUNTER_RX6],
                                 p[WV_ICMP_PARSE_OK], c[WV_ICMP_COUNTER_UNWATCHED],
                                 p[WV_ICMP_PARSE_MALFORMED], p[WV_ICMP_PARSE_BAD_CHECKSUM],
                                 p[WV_ICMP_PARSE_OTHER_TYPE], p[WV_ICMP_PARSE_TRUNCATED],
                                 p[WV_ICMP_PARSE_NOT_UDP], p[WV_ICMP_PARSE_FRAGMENT],
                                 p[WV_ICMP_PARSE_UNPARSED], c[WV_ICMP_COUNTER_DROPPED],
                                 c[WV_ICMP_COUNTER_RX_ERROR]));
      }

    case WV_ICMP_CMD_WATCH:
    case WV_ICMP_CMD_UNWATCH:
      return handle_watch (state, &cmd, out, out_size);

    case WV_ICMP_CMD_QUIT:
      state->quit = true;
      return finish (out, out_size, snprintf (out, out_size, "%s ok\n", cmd.token));

    default:
      return reply_error (&cmd, "internal", out, out_size);
    }
}

size_t
wv_icmp_handle_packet (WvIcmpState   *state,
                       int            family,
                       const uint8_t *packet,
                       size_t         len,
                       const uint8_t *from,
                       uint64_t       time_ns,
                       bool           kernel_time,
                       unsigned int   ifindex,
                       char          *out,
                       size_t         out_size)
{
  static const uint8_t no_address[16];
  WvIcmpQuote quote;
  WvIcmpParseResult result;

  if (family == 4)
    {
      state->counters[WV_ICMP_COUNTER_RX4]++;
      result = wv_icmp_parse_v4 (packet, len, &quote);
    }
  else
    {
      state->counters[WV_ICMP_COUNTER_RX6]++;
      result = wv_icmp_parse_v6 (packet, len, from ? from : no_address, &quote);
    }

  if (result == WV_ICMP_PARSE_OK && !wv_icmp_state_is_watched (state, family, quote.sport))
    {
      state->counters[WV_ICMP_COUNTER_UNWATCHED]++;
      return 0;
    }
  state->counters[WV_ICMP_COUNTER_PARSE_BASE + result]++;
  if (result != WV_ICMP_PARSE_OK)
    return 0;

  return wv_icmp_format_event (&quote, time_ns, kernel_time, ifindex, out, out_size);
}
