/* fuzz-icmp-packet.c: libFuzzer target for the ICMP error parsers of
 * wifi-verify-icmp-helper and the event formatter.
 *
 * Copyright 2024 The wifi-verify authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Input: one control byte, then the packet as a raw socket returns it.
 *   bit 0: 0 = IPv4 (whole IP packet), 1 = ICMPv6 message
 *   bit 1: IPv4 only, fix up the ICMP checksum first, so that mutations get
 *          past the checksum check and reach the quote parser
 * Besides crashes, it checks the invariants of a reported quote and of the
 * event line.
 */

#include <stdlib.h>
#include <string.h>

#include "icmpparse.h"
#include "proto.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) abort (); } while (0)

static uint8_t buf[65536];

static void
fix_v4_checksum (uint8_t *p, size_t len)
{
  size_t ihl, total;
  uint32_t sum = 0;

  if (len < 20)
    return;
  ihl = (size_t) (p[0] & 0x0f) * 4;
  total = ((size_t) p[2] << 8) | p[3];
  if (total > len)
    total = len;
  if (ihl < 20 || total < ihl + 8)
    return;
  p[ihl + 2] = p[ihl + 3] = 0;
  for (size_t i = ihl; i + 1 < total; i += 2)
    sum += (uint32_t) (p[i] << 8 | p[i + 1]);
  if ((total - ihl) % 2)
    sum += (uint32_t) p[total - 1] << 8;
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  sum = ~sum & 0xffff;
  p[ihl + 2] = (uint8_t) (sum >> 8);
  p[ihl + 3] = (uint8_t) sum;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const uint8_t from[16] = { 0xfe, 0x80, [15] = 1 };
  static WvIcmpState state;
  WvIcmpQuote quote;
  WvIcmpParseResult result;
  char line[WV_ICMP_MAX_EVENT_LINE + 1];
  size_t len, plen;
  int family;

  if (size < 1 || size - 1 > sizeof buf)
    return 0;
  family = (data[0] & 1) ? 6 : 4;
  plen = size - 1;
  /* A copy, so that the parser sees exactly plen bytes (ASan catches any
   * read beyond) and the checksum fix-up can write. */
  memcpy (buf, data + 1, plen);
  if (family == 4 && (data[0] & 2))
    fix_v4_checksum (buf, plen);

  result = family == 4 ? wv_icmp_parse_v4 (buf, plen, &quote)
                       : wv_icmp_parse_v6 (buf, plen, from, &quote);
  CHECK ((unsigned) result < WV_ICMP_PARSE_N_RESULTS);
  CHECK (quote.family == family);
  if (result != WV_ICMP_PARSE_OK)
    return 0;

  CHECK (quote.data_len <= WV_ICMP_MAX_DATA);
  CHECK (quote.data_len <= plen);
  if (family == 4)
    CHECK (quote.type == 3 || quote.type == 11);
  else
    CHECK (quote.type >= 1 && quote.type <= 3);

  /* Through the state machine with the source port watched, as main.c does. */
  wv_icmp_state_init (&state);
  state.icmp4_errno = state.icmp6_errno = 0;
  state.watched4[quote.sport / 64] |= UINT64_C (1) << (quote.sport % 64);
  state.watched6[quote.sport / 64] |= UINT64_C (1) << (quote.sport % 64);
  len = wv_icmp_handle_packet (&state, family, buf, plen, from,
                               UINT64_C (1700000000123456789), true, 7,
                               line, sizeof line);
  CHECK (len > 0 && len <= sizeof line);
  CHECK (line[len - 1] == '\n');
  CHECK (memchr (line, '\n', len - 1) == NULL);
  CHECK (strncmp (line, "* icmp family=", 14) == 0);
  CHECK (state.counters[WV_ICMP_COUNTER_PARSE_BASE + WV_ICMP_PARSE_OK] == 1);

  return 0;
}
