/* fuzz-icmp-cmd.c: libFuzzer target for the request side of
 * wifi-verify-icmp-helper (line reader, request parser, request handling)
 * and for the /proc/net/udp scanner that guards "watch".
 *
 * Copyright 2024 The wifi-verify authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input is a byte stream as the helper would read it from stdin.  Besides
 * crashes and sanitizer reports, it checks the protocol's invariants: one
 * reply per non-empty line, each a single line within WV_ICMP_MAX_REPLY that
 * starts with the request's token (or "!"), and never more watched ports
 * than WV_ICMP_MAX_WATCH.
 */

#include <stdlib.h>
#include <string.h>

#include "cmdparse.h"
#include "portowner.h"
#include "proto.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) abort (); } while (0)

/* Deterministic stand-in for the /proc check: even ports are "owned". */
static bool
even_port_owned (int family, uint16_t port, void *user_data)
{
  (void) family;
  (void) user_data;
  return port % 2 == 0;
}

static void
check_reply (const char *reply, size_t len)
{
  size_t tlen = 0;

  CHECK (len > 0 && len <= WV_ICMP_MAX_REPLY);
  CHECK (reply[len - 1] == '\n');
  CHECK (memchr (reply, '\n', len - 1) == NULL);
  CHECK (memchr (reply, '\0', len) == NULL);
  while (tlen < len && reply[tlen] != ' ')
    tlen++;
  CHECK (tlen >= 1 && tlen <= WV_ICMP_MAX_TOKEN && tlen < len);
  CHECK (reply[0] != '*');
  CHECK (strncmp (reply + tlen, " ok", 3) == 0 || strncmp (reply + tlen, " error ", 7) == 0);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static WvIcmpState state;
  WvIcmpLineReader reader;
  WvIcmpUdpTableScan scan;
  WvIcmpCmd cmd;
  const char *text = (const char *) data;
  size_t used = 0;

  /* The whole input as one line, as the parser would see it. */
  (void) wv_icmp_cmd_parse (text, size, &cmd);
  CHECK (memchr (cmd.token, '\0', sizeof cmd.token) != NULL);

  wv_icmp_state_init (&state);
  state.icmp4_errno = 0;
  state.icmp6_errno = 0;
  state.port_owned = even_port_owned;
  state.program_version = "fuzz";

  wv_icmp_line_reader_init (&reader);
  while (used < size && !state.quit)
    {
      WvIcmpLineStatus status;
      char reply[WV_ICMP_MAX_REPLY];
      size_t len;

      used += wv_icmp_line_reader_feed (&reader, text + used, size - used, &status);
      if (status == WV_ICMP_LINE_NONE)
        continue;
      CHECK (reader.len <= WV_ICMP_MAX_LINE);
      len = wv_icmp_handle_line (&state, reader.line, reader.len,
                                 status == WV_ICMP_LINE_TOO_LONG, reply, sizeof reply);
      if (reader.len == 0 && status == WV_ICMP_LINE_OK)
        CHECK (len == 0);
      else
        check_reply (reply, len);
      CHECK (state.n_watched4 <= WV_ICMP_MAX_WATCH && state.n_watched6 <= WV_ICMP_MAX_WATCH);
    }

  /* The same bytes as a /proc/net/udp table, fed in two uneven chunks. */
  wv_icmp_udp_table_scan_init (&scan, 0x1234, 1000);
  wv_icmp_udp_table_scan_feed (&scan, text, size / 3);
  wv_icmp_udp_table_scan_feed (&scan, text + size / 3, size - size / 3);
  wv_icmp_udp_table_scan_feed (&scan, NULL, 0);

  return 0;
}
