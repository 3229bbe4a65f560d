/* icmpparse.h: ICMP error parsers of wifi-verify-icmp-helper
 *
 * Copyright 2024 The wifi-verify authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything here is a pure function over a byte buffer that an attacker
 * on the path fully controls.  Every read is checked against the buffer
 * length; nothing allocates.
 */

#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Most UDP payload bytes of a quote that are reported. */
#define WV_ICMP_MAX_DATA 256
/* Longest event line, in bytes, not counting the newline. */
#define WV_ICMP_MAX_EVENT_LINE 1023
/* Most IPv6 extension headers walked in a quote before giving up. */
#define WV_ICMP_MAX_EXT_HEADERS 8

/* Why a received packet was or was not reported.  Each non-OK value is a
 * counter of the "stats" reply; wv_icmp_parse_result_name() gives its key. */
typedef enum {
  WV_ICMP_PARSE_OK = 0,
  WV_ICMP_PARSE_MALFORMED,     /* outer header, ICMP header or quoted IP version broken */
  WV_ICMP_PARSE_BAD_CHECKSUM,  /* ICMPv4 checksum wrong (the kernel checks ICMPv6) */
  WV_ICMP_PARSE_OTHER_TYPE,    /* an ICMP type we do not report */
  WV_ICMP_PARSE_TRUNCATED,     /* quote too short for the IP and UDP headers */
  WV_ICMP_PARSE_NOT_UDP,       /* quoted packet is not UDP */
  WV_ICMP_PARSE_FRAGMENT,      /* quoted packet is a non-first fragment: no UDP header */
  WV_ICMP_PARSE_UNPARSED,      /* IPv6 header chain we do not walk */
  WV_ICMP_PARSE_N_RESULTS
} WvIcmpParseResult;

const char *wv_icmp_parse_result_name (WvIcmpParseResult result);

typedef struct {
  int family;              /* 4 or 6 */
  uint8_t offender[16];    /* first 4 bytes used for IPv4 */
  uint8_t type;
  uint8_t code;
  uint32_t mtu;            /* next-hop MTU (v4 frag needed) or PTB MTU; else 0 */

  /* The quoted (original) IP header, as the reporting router saw it. */
  uint8_t src[16];
  uint8_t dst[16];
  uint8_t ttl;             /* TTL (v4) or hop limit (v6) */
  uint8_t tos;             /* TOS byte (v4) or traffic class (v6) */
  uint16_t ip_length;      /* total length (v4) or payload length (v6) */
  uint16_t ip_id;          /* v4 only */
  bool df;                 /* v4 only */
  uint32_t flow_label;     /* v6 only, 20 bits */

  /* The quoted UDP header and as much payload as was quoted (capped). */
  uint16_t sport;
  uint16_t dport;
  uint16_t udp_length;
  uint16_t udp_checksum;
  size_t data_len;
  uint8_t data[WV_ICMP_MAX_DATA];
} WvIcmpQuote;

/* Parses what a raw AF_INET/IPPROTO_ICMP socket returns: the whole IPv4
 * packet, header included.  On WV_ICMP_PARSE_OK *quote is complete. */
WvIcmpParseResult wv_icmp_parse_v4 (const uint8_t *packet,
                                    size_t         len,
                                    WvIcmpQuote   *quote);

/* Parses what a raw AF_INET6/IPPROTO_ICMPV6 socket returns: the ICMPv6
 * message without the IPv6 header; the sender comes from recvmsg(). */
WvIcmpParseResult wv_icmp_parse_v6 (const uint8_t *message,
                                    size_t         len,
                                    const uint8_t  from[16],
                                    WvIcmpQuote   *quote);

/* Formats an event line ("* icmp ...\n", docs/icmp-helper.md EVENTS).
 * Returns its length including the newline, or 0 when it does not fit. */
size_t wv_icmp_format_event (const WvIcmpQuote *quote,
                             uint64_t           time_ns,
                             bool               kernel_time,
                             unsigned int       ifindex,
                             char              *buf,
                             size_t             size);
