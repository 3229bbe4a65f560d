/* icmpparse.c: ICMP error parsers of wifi-verify-icmp-helper
 *
 * Copyright 2024 The wifi-verify authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Layout references: RFC 792 and RFC 1191 (ICMPv4, next-hop MTU), RFC 4443
 * (ICMPv6), RFC 4884 (the "length" of the original datagram in errors that
 * carry extensions), RFC 8200 (IPv6 extension headers).
 */

#include "icmpparse.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define IPV4_MIN_HEADER 20
#define IPV6_HEADER 40
#define UDP_HEADER 8
#define ICMP_HEADER 8

#define PROTO_UDP 17

static const char * const result_names[WV_ICMP_PARSE_N_RESULTS] = {
  [WV_ICMP_PARSE_OK] = "reported",
  [WV_ICMP_PARSE_MALFORMED] = "malformed",
  [WV_ICMP_PARSE_BAD_CHECKSUM] = "bad-checksum",
  [WV_ICMP_PARSE_OTHER_TYPE] = "other-type",
  [WV_ICMP_PARSE_TRUNCATED] = "truncated",
  [WV_ICMP_PARSE_NOT_UDP] = "not-udp",
  [WV_ICMP_PARSE_FRAGMENT] = "fragment",
  [WV_ICMP_PARSE_UNPARSED] = "unparsed",
};

const char *
wv_icmp_parse_result_name (WvIcmpParseResult result)
{
  if ((unsigned) result >= WV_ICMP_PARSE_N_RESULTS)
    return "invalid";
  return result_names[result];
}

static uint16_t
get16 (const uint8_t *p)
{
  return (uint16_t) ((p[0] << 8) | p[1]);
}

static uint32_t
get32 (const uint8_t *p)
{
  return ((uint32_t) p[0] << 24) | ((uint32_t) p[1] << 16) |
         ((uint32_t) p[2] << 8) | (uint32_t) p[3];
}

/* Internet checksum (RFC 1071); a correct message sums to zero. */
static uint16_t
inet_checksum (const uint8_t *p,
               size_t         len)
{
  uint32_t sum = 0;

  while (len > 1)
    {
      sum += get16 (p);
      p += 2;
      len -= 2;
    }
  if (len == 1)
    sum += (uint32_t) p[0] << 8;
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);

  return (uint16_t) ~sum;
}

/* RFC 4884: when an error carries extensions, a length field says how much
 * of the body is the original datagram (in units of 4 bytes for ICMPv4, 8
 * for ICMPv6).  Zero means "no extensions": the whole body is the quote. */
static size_t
quote_length (size_t body_len,
              uint8_t length_field,
              size_t  unit)
{
  size_t stated = (size_t) length_field * unit;

  if (stated != 0 && stated < body_len)
    return stated;
  return body_len;
}

/* Copies the quoted UDP header and payload.  The payload is bounded by what
 * was quoted, by the UDP length (bytes after it would be RFC 4884 padding)
 * and by WV_ICMP_MAX_DATA. */
static WvIcmpParseResult
take_udp (const uint8_t *udp,
          size_t         avail,
          WvIcmpQuote   *quote)
{
  size_t data_len;

  if (avail < UDP_HEADER)
    return WV_ICMP_PARSE_TRUNCATED;

  quote->sport = get16 (udp);
  quote->dport = get16 (udp + 2);
  quote->udp_length = get16 (udp + 4);
  quote->udp_checksum = get16 (udp + 6);

  data_len = avail - UDP_HEADER;
  if (quote->udp_length < UDP_HEADER)
    data_len = 0;          /* nonsense length: report the header, no payload */
  else if (data_len > (size_t) quote->udp_length - UDP_HEADER)
    data_len = (size_t) quote->udp_length - UDP_HEADER;
  if (data_len > WV_ICMP_MAX_DATA)
    data_len = WV_ICMP_MAX_DATA;

  quote->data_len = data_len;
  memcpy (quote->data, udp + UDP_HEADER, data_len);

  return WV_ICMP_PARSE_OK;
}

static WvIcmpParseResult
parse_quoted_v4 (const uint8_t *q,
                 size_t         qlen,
                 WvIcmpQuote   *quote)
{
  size_t ihl;

  if (qlen < IPV4_MIN_HEADER)
    return WV_ICMP_PARSE_TRUNCATED;
  if ((q[0] >> 4) != 4)
    return WV_ICMP_PARSE_MALFORMED;
  ihl = (size_t) (q[0] & 0x0f) * 4;
  if (ihl < IPV4_MIN_HEADER)
    return WV_ICMP_PARSE_MALFORMED;
  /* Options (IHL > 5) are skipped, not interpreted. */
  if (qlen < ihl)
    return WV_ICMP_PARSE_TRUNCATED;

  quote->tos = q[1];
  quote->ip_length = get16 (q + 2);
  quote->ip_id = get16 (q + 4);
  quote->df = (q[6] & 0x40) != 0;
  quote->ttl = q[8];
  memcpy (quote->src, q + 12, 4);
  memcpy (quote->dst, q + 16, 4);

  if (q[9] != PROTO_UDP)
    return WV_ICMP_PARSE_NOT_UDP;
  if ((get16 (q + 6) & 0x1fff) != 0)
    return WV_ICMP_PARSE_FRAGMENT;

  return take_udp (q + ihl, qlen - ihl, quote);
}

WvIcmpParseResult
wv_icmp_parse_v4 (const uint8_t *packet,
                  size_t         len,
                  WvIcmpQuote   *quote)
{
  size_t ihl, total, icmp_len, qlen;
  const uint8_t *icmp;

  memset (quote, 0, sizeof *quote);
  quote->family = 4;

  if (len < IPV4_MIN_HEADER || (packet[0] >> 4) != 4)
    return WV_ICMP_PARSE_MALFORMED;
  ihl = (size_t) (packet[0] & 0x0f) * 4;
  total = get16 (packet + 2);
  if (ihl < IPV4_MIN_HEADER || ihl > len || packet[9] != 1 /* ICMP */ ||
      total < ihl)
    return WV_ICMP_PARSE_MALFORMED;
  /* Trust the smaller of what arrived and what the header claims, so that
   * neither trailing link padding nor a lying length can widen the view. */
  if (total > len)
    total = len;

  icmp = packet + ihl;
  icmp_len = total - ihl;
  if (icmp_len < ICMP_HEADER)
    return WV_ICMP_PARSE_MALFORMED;

  memcpy (quote->offender, packet + 12, 4);
  quote->type = icmp[0];
  quote->code = icmp[1];

  /* Linux hands raw sockets ICMP messages before the ICMP layer checks
   * them, so a corrupted message would otherwise be reported. */
  if (inet_checksum (icmp, icmp_len) != 0)
    return WV_ICMP_PARSE_BAD_CHECKSUM;

  switch (quote->type)
    {
    case 3:   /* destination unreachable */
      if (quote->code == 4)   /* fragmentation needed: RFC 1191 next-hop MTU */
        quote->mtu = get16 (icmp + 6);
      break;
    case 11:  /* time exceeded */
      break;
    default:
      return WV_ICMP_PARSE_OTHER_TYPE;
    }

  qlen = quote_length (icmp_len - ICMP_HEADER, icmp[5], 4);
  return parse_quoted_v4 (icmp + ICMP_HEADER, qlen, quote);
}

static bool
is_walked_ext_header (uint8_t nh)
{
  return nh == 0 /* hop-by-hop */ || nh == 43 /* routing */ ||
         nh == 60 /* destination options */ || nh == 44 /* fragment */ ||
         nh == 51 /* authentication header */;
}

/* Extension headers that RFC 8200/IANA define but we do not walk: the quote
 * may well be UDP behind them, so they count as "unparsed", not "not-udp". */
static bool
is_other_ext_header (uint8_t nh)
{
  return nh == 135 /* mobility */ || nh == 139 /* HIP */ ||
         nh == 140 /* shim6 */ || nh == 253 || nh == 254 /* experiments */;
}

static WvIcmpParseResult
parse_quoted_v6 (const uint8_t *q,
                 size_t         qlen,
                 WvIcmpQuote   *quote)
{
  size_t off = IPV6_HEADER;
  uint8_t nh;

  if (qlen < IPV6_HEADER)
    return WV_ICMP_PARSE_TRUNCATED;
  if ((q[0] >> 4) != 6)
    return WV_ICMP_PARSE_MALFORMED;

  quote->tos = (uint8_t) (((q[0] & 0x0f) << 4) | (q[1] >> 4));
  quote->flow_label = ((uint32_t) (q[1] & 0x0f) << 16) | ((uint32_t) q[2] << 8) | q[3];
  quote->ip_length = get16 (q + 4);
  nh = q[6];
  quote->ttl = q[7];
  memcpy (quote->src, q + 8, 16);
  memcpy (quote->dst, q + 24, 16);

  for (unsigned int n = 0; nh != PROTO_UDP; n++)
    {
      size_t hlen;
      uint8_t next;

      if (!is_walked_ext_header (nh))
        return is_other_ext_header (nh) ? WV_ICMP_PARSE_UNPARSED : WV_ICMP_PARSE_NOT_UDP;
      if (n == WV_ICMP_MAX_EXT_HEADERS)
        return WV_ICMP_PARSE_UNPARSED;
      if (qlen - off < 8)   /* every walked header is at least 8 bytes */
        return WV_ICMP_PARSE_TRUNCATED;

      next = q[off];
      if (nh == 44)
        {
          /* Only the first fragment carries the UDP header. */
          if ((get16 (q + off + 2) & 0xfff8) != 0)
            return WV_ICMP_PARSE_FRAGMENT;
          hlen = 8;
        }
      else if (nh == 51)
        hlen = ((size_t) q[off + 1] + 2) * 4;   /* AH counts 4-byte units */
      else
        hlen = ((size_t) q[off + 1] + 1) * 8;

      if (qlen - off < hlen)
        return WV_ICMP_PARSE_TRUNCATED;
      off += hlen;
      nh = next;
    }

  return take_udp (q + off, qlen - off, quote);
}

WvIcmpParseResult
wv_icmp_parse_v6 (const uint8_t *message,
                  size_t         len,
                  const uint8_t  from[16],
                  WvIcmpQuote   *quote)
{
  size_t qlen;

  memset (quote, 0, sizeof *quote);
  quote->family = 6;
  memcpy (quote->offender, from, 16);

  /* The kernel has verified the ICMPv6 checksum (RFC 3542 section 3.1)
   * before the message reaches a raw socket. */
  if (len < ICMP_HEADER)
    return WV_ICMP_PARSE_MALFORMED;

  quote->type = message[0];
  quote->code = message[1];

  switch (quote->type)
    {
    case 1:   /* destination unreachable */
    case 3:   /* time exceeded */
      qlen = quote_length (len - ICMP_HEADER, message[4], 8);
      break;
    case 2:   /* packet too big: no RFC 4884 length, the word is the MTU */
      quote->mtu = get32 (message + 4);
      qlen = len - ICMP_HEADER;
      break;
    default:
      return WV_ICMP_PARSE_OTHER_TYPE;
    }

  return parse_quoted_v6 (message + ICMP_HEADER, qlen, quote);
}

static void
hex_encode (const uint8_t *data,
            size_t         len,
            char          *out)
{
  static const char digits[] = "0123456789abcdef";

  for (size_t i = 0; i < len; i++)
    {
      out[2 * i] = digits[data[i] >> 4];
      out[2 * i + 1] = digits[data[i] & 0x0f];
    }
  out[2 * len] = '\0';
}

size_t
wv_icmp_format_event (const WvIcmpQuote *quote,
                      uint64_t           time_ns,
                      bool               kernel_time,
                      unsigned int       ifindex,
                      char              *buf,
                      size_t             size)
{
  char from[INET6_ADDRSTRLEN], src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
  char data[2 * WV_ICMP_MAX_DATA + 1];
  int af = quote->family == 6 ? AF_INET6 : AF_INET;
  int n;

  if ((quote->family != 4 && quote->family != 6) || quote->data_len > WV_ICMP_MAX_DATA)
    return 0;
  if (!inet_ntop (af, quote->offender, from, sizeof from) ||
      !inet_ntop (af, quote->src, src, sizeof src) ||
      !inet_ntop (af, quote->dst, dst, sizeof dst))
    return 0;

  if (quote->data_len > 0)
    hex_encode (quote->data, quote->data_len, data);
  else
    strcpy (data, "-");

  if (quote->family == 4)
    n = snprintf (buf, size,
                  "* icmp family=4 from=%s ifindex=%u type=%u code=%u mtu=%" PRIu32
                  " time=%" PRIu64 " clock=%s src=%s dst=%s ttl=%u tos=%u totlen=%u"
                  " id=%u df=%u sport=%u dport=%u ulen=%u ucsum=%u datalen=%zu data=%s\n",
                  from, ifindex, quote->type, quote->code, quote->mtu,
                  time_ns, kernel_time ? "kernel" : "user", src, dst,
                  quote->ttl, quote->tos, quote->ip_length, quote->ip_id,
                  quote->df ? 1u : 0u, quote->sport, quote->dport,
                  quote->udp_length, quote->udp_checksum, quote->data_len, data);
  else
    n = snprintf (buf, size,
                  "* icmp family=6 from=%s ifindex=%u type=%u code=%u mtu=%" PRIu32
                  " time=%" PRIu64 " clock=%s src=%s dst=%s hlim=%u tclass=%u flow=%" PRIu32
                  " paylen=%u sport=%u dport=%u ulen=%u ucsum=%u datalen=%zu data=%s\n",
                  from, ifindex, quote->type, quote->code, quote->mtu,
                  time_ns, kernel_time ? "kernel" : "user", src, dst,
                  quote->ttl, quote->tos, quote->flow_label, quote->ip_length,
                  quote->sport, quote->dport, quote->udp_length, quote->udp_checksum,
                  quote->data_len, data);

  if (n < 0 || (size_t) n >= size || (size_t) n > WV_ICMP_MAX_EVENT_LINE + 1)
    return 0;
  return (size_t) n;
}
