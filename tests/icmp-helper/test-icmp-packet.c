/* test-icmp-packet.c: ICMP error parsers of wifi-verify-icmp-helper
 *
 * Copyright 2024 The wifi-verify authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every packet here is built byte by byte, so the expected values are the
 * ones written into it.
 */

#include <string.h>

#include <glib.h>

#include "icmpparse.h"
#include "proto.h"

static const guint8 router4[4] = { 10, 1, 1, 1 };
static const guint8 client4[4] = { 10, 1, 1, 2 };
static const guint8 server4[4] = { 10, 3, 3, 2 };
static const guint8 router6[16] = { 0xfd, 0, 0, 1, [15] = 1 };
static const guint8 client6[16] = { 0xfd, 0, 0, 1, [15] = 2 };
static const guint8 server6[16] = { 0xfd, 0, 0, 3, [15] = 2 };

static void
put16 (GByteArray *b, guint v)
{
  guint8 x[2] = { (guint8) (v >> 8), (guint8) v };

  g_byte_array_append (b, x, 2);
}

static void
put32 (GByteArray *b, guint32 v)
{
  put16 (b, v >> 16);
  put16 (b, v & 0xffff);
}

static void
put8 (GByteArray *b, guint v)
{
  guint8 x = (guint8) v;

  g_byte_array_append (b, &x, 1);
}

static guint8 *
pattern (gsize len)
{
  guint8 *p = g_malloc (len ? len : 1);

  for (gsize i = 0; i < len; i++)
    p[i] = (guint8) (i * 7 + 3);
  return p;
}

static void
put_udp (GByteArray *b, guint sport, guint dport, guint ulen, guint csum,
         const guint8 *payload, gsize payload_len)
{
  put16 (b, sport);
  put16 (b, dport);
  put16 (b, ulen);
  put16 (b, csum);
  g_byte_array_append (b, payload, payload_len);
}

/* An IPv4 header.  frag is the 16-bit flags+offset word; ihl in 32-bit words,
 * anything above 5 is filled with NOP options (1). */
static void
put_ipv4 (GByteArray *b, guint ihl, guint tos, guint totlen, guint id, guint frag,
          guint ttl, guint proto, const guint8 src[4], const guint8 dst[4])
{
  put8 (b, 0x40 | ihl);
  put8 (b, tos);
  put16 (b, totlen);
  put16 (b, id);
  put16 (b, frag);
  put8 (b, ttl);
  put8 (b, proto);
  put16 (b, 0);                    /* header checksum: never looked at */
  g_byte_array_append (b, src, 4);
  g_byte_array_append (b, dst, 4);
  for (guint i = 5; i < ihl; i++)
    put32 (b, 0x01010101);
}

/* A typical quoted datagram: client -> server UDP 40000 -> 33434. */
static GByteArray *
quote_v4 (guint ihl, guint frag, guint proto, gsize payload_len)
{
  GByteArray *q = g_byte_array_new ();
  g_autofree guint8 *p = pattern (payload_len);
  guint ulen = 8 + (guint) payload_len;

  put_ipv4 (q, ihl, 0x28, ihl * 4 + ulen, 0x1234, frag, 1, proto, client4, server4);
  put_udp (q, 40000, 33434, ulen, 0xbeef, p, payload_len);
  return q;
}

static guint16
checksum (const guint8 *p, gsize len)
{
  guint32 sum = 0;

  for (gsize i = 0; i + 1 < len; i += 2)
    sum += (guint32) (p[i] << 8 | p[i + 1]);
  if (len % 2)
    sum += (guint32) p[len - 1] << 8;
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return (guint16) ~sum;
}

/* A whole IPv4 ICMP error as a raw socket returns it; word is bytes 4-7 of
 * the ICMP header (unused / RFC 4884 length / next-hop MTU). */
static GByteArray *
icmp4 (guint type, guint code, guint32 word, const guint8 *quote, gsize quote_len)
{
  GByteArray *b = g_byte_array_new ();
  guint16 sum;

  put_ipv4 (b, 5, 0xc0, 20 + 8 + (guint) quote_len, 7, 0, 64, 1, router4, client4);
  put8 (b, type);
  put8 (b, code);
  put16 (b, 0);
  put32 (b, word);
  g_byte_array_append (b, quote, quote_len);
  sum = checksum (b->data + 20, b->len - 20);
  b->data[22] = sum >> 8;
  b->data[23] = sum & 0xff;
  return b;
}

static WvIcmpParseResult
parse4 (GByteArray *packet, WvIcmpQuote *q)
{
  return wv_icmp_parse_v4 (packet->data, packet->len, q);
}

static void
assert_typical_v4 (const WvIcmpQuote *q, gsize payload_len)
{
  g_autofree guint8 *p = pattern (payload_len);

  g_assert_cmpint (q->family, ==, 4);
  g_assert_cmpmem (q->offender, 4, router4, 4);
  g_assert_cmpmem (q->src, 4, client4, 4);
  g_assert_cmpmem (q->dst, 4, server4, 4);
  g_assert_cmpuint (q->tos, ==, 0x28);
  g_assert_cmpuint (q->ip_id, ==, 0x1234);
  g_assert_cmpuint (q->ttl, ==, 1);
  g_assert_cmpuint (q->sport, ==, 40000);
  g_assert_cmpuint (q->dport, ==, 33434);
  g_assert_cmpuint (q->udp_checksum, ==, 0xbeef);
  g_assert_cmpmem (q->data, q->data_len, p, MIN (payload_len, WV_ICMP_MAX_DATA));
}

static void
test_v4_time_exceeded (void)
{
  g_autoptr(GByteArray) quote = quote_v4 (5, 0x4000, 17, 20);
  WvIcmpQuote q;

  for (guint code = 0; code <= 1; code++)
    {
      g_autoptr(GByteArray) pkt = icmp4 (11, code, 0, quote->data, quote->len);

      g_assert_cmpint (parse4 (pkt, &q), ==, WV_ICMP_PARSE_OK);
      assert_typical_v4 (&q, 20);
      g_assert_cmpuint (q.type, ==, 11);
      g_assert_cmpuint (q.code, ==, code);
      g_assert_cmpuint (q.mtu, ==, 0);
      g_assert_cmpuint (q.ip_length, ==, 48);
      g_assert_true (q.df);
      g_assert_cmpuint (q.udp_length, ==, 28);
      g_assert_cmpuint (q.data_len, ==, 20);
    }
}

static void
test_v4_unreachable_codes (void)
{
  g_autoptr(GByteArray) quote = quote_v4 (5, 0, 17, 12);

  for (guint code = 0; code <= 15; code++)
    {
      /* Bytes 6-7 hold 1300: only code 4 (fragmentation needed) means it. */
      g_autoptr(GByteArray) pkt = icmp4 (3, code, 1300, quote->data, quote->len);
      WvIcmpQuote q;

      g_assert_cmpint (parse4 (pkt, &q), ==, WV_ICMP_PARSE_OK);
      assert_typical_v4 (&q, 12);
      g_assert_cmpuint (q.type, ==, 3);
      g_assert_cmpuint (q.code, ==, code);
      g_assert_cmpuint (q.mtu, ==, code == 4 ? 1300 : 0);
      g_assert_false (q.df);
      g_assert_cmpuint (q.data_len, ==, 12);
    }
}

static void
test_v4_frag_needed (void)
{
  /* A 1400-byte DF datagram, quoted to 548 bytes like Linux does (576 total). */
  g_autofree guint8 *p = pattern (1372);
  g_autoptr(GByteArray) quote = g_byte_array_new ();
  g_autoptr(GByteArray) pkt = NULL;
  WvIcmpQuote q;

  put_ipv4 (quote, 5, 0, 1400, 0xabcd, 0x4000, 64, 17, client4, server4);
  put_udp (quote, 40000, 9, 1380, 0x0102, p, 1372);
  pkt = icmp4 (3, 4, 1300, quote->data, 548);

  g_assert_cmpint (parse4 (pkt, &q), ==, WV_ICMP_PARSE_OK);
  g_assert_cmpuint (q.mtu, ==, 1300);
  g_assert_cmpuint (q.ip_length, ==, 1400);
  g_assert_cmpuint (q.ip_id, ==, 0xabcd);
  g_assert_true (q.df);
  g_assert_cmpuint (q.ttl, ==, 64);
  g_assert_cmpuint (q.udp_length, ==, 1380);
  /* 548 - 28 = 520 bytes were quoted; 256 are reported. */
  g_assert_cmpuint (q.data_len, ==, WV_ICMP_MAX_DATA);
  g_assert_cmpmem (q.data, q.data_len, p, 256);
}

static void
test_v4_options (void)
{
  /* IHL 8: 12 bytes of options before the UDP header. */
  g_autoptr(GByteArray) quote = quote_v4 (8, 0, 17, 30);
  g_autoptr(GByteArray) pkt = icmp4 (11, 0, 0, quote->data, quote->len);
  WvIcmpQuote q;

  g_assert_cmpint (parse4 (pkt, &q), ==, WV_ICMP_PARSE_OK);
  assert_typical_v4 (&q, 30);
  g_assert_cmpuint (q.ip_length, ==, 32 + 38);
  g_assert_cmpuint (q.data_len, ==, 30);

  /* IHL 15 (the maximum) with only the header and 8 bytes quoted. */
  {
    g_autoptr(GByteArray) quote15 = quote_v4 (15, 0, 17, 0);
    g_autoptr(GByteArray) pkt15 = icmp4 (11, 0, 0, quote15->data, quote15->len);

    g_assert_cmpuint (quote15->len, ==, 68);
    g_assert_cmpint (parse4 (pkt15, &q), ==, WV_ICMP_PARSE_OK);
    g_assert_cmpuint (q.sport, ==, 40000);
    g_assert_cmpuint (q.data_len, ==, 0);
  }
}

static void
test_v4_truncated (void)
{
  g_autoptr(GByteArray) quote = quote_v4 (5, 0, 17, 40);
  g_autoptr(GByteArray) opt = quote_v4 (8, 0, 17, 40);
  WvIcmpQuote q;
  static const struct { gsize len; WvIcmpParseResult want; gsize data; } cases[] = {
    { 0, WV_ICMP_PARSE_TRUNCATED, 0 },
    { 19, WV_ICMP_PARSE_TRUNCATED, 0 },
    { 20, WV_ICMP_PARSE_TRUNCATED, 0 },     /* IP header, no UDP */
    { 27, WV_ICMP_PARSE_TRUNCATED, 0 },     /* UDP header cut short */
    { 28, WV_ICMP_PARSE_OK, 0 },            /* RFC 792's minimum: header + 8 */
    { 29, WV_ICMP_PARSE_OK, 1 },
    { 68, WV_ICMP_PARSE_OK, 40 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GByteArray) pkt = icmp4 (11, 0, 0, quote->data, cases[i].len);

      g_assert_cmpint (parse4 (pkt, &q), ==, cases[i].want);
      if (cases[i].want == WV_ICMP_PARSE_OK)
        g_assert_cmpuint (q.data_len, ==, cases[i].data);
    }

  /* With options the header alone is 32 bytes: 30 are not enough. */
  {
    g_autoptr(GByteArray) pkt = icmp4 (11, 0, 0, opt->data, 30);

    g_assert_cmpint (parse4 (pkt, &q), ==, WV_ICMP_PARSE_TRUNCATED);
  }
  {
    g_autoptr(GByteArray) pkt = icmp4 (11, 0, 0, opt->data, 39);

    g_assert_cmpint (parse4 (pkt, &q), ==, WV_ICMP_PARSE_TRUNCATED);
  }
}

static void
test_v4_not_udp (void)
{
  static const guint protos[] = { 1, 6, 50, 132 };
  WvIcmpQuote q;

  for (gsize i = 0; i < G_N_ELEMENTS (protos); i++)
    {
      g_autoptr(GByteArray) quote = quote_v4 (5, 0, protos[i], 8);
      g_autoptr(GByteArray) pkt = icmp4 (11, 0, 0, quote->data, quote->len);

      g_assert_cmpint (parse4 (pkt, &q), ==, WV_ICMP_PARSE_NOT_UDP);
    }
}

static void
test_v4_fragments (void)
{
  WvIcmpQuote q;

  {
    /* First fragment (MF set, offset 0): has the UDP header. */
    g_autoptr(GByteArray) quote = quote_v4 (5, 0x2000, 17, 8);
    g_autoptr(GByteArray) pkt = icmp4 (11, 1, 0, quote->data, quote->len);

    g_assert_cmpint (parse4 (pkt, &q), ==, WV_ICMP_PARSE_OK);
  }
  {
    /* Offset 185 * 8: no UDP header in there. */
    g_autoptr(GByteArray) quote = quote_v4 (5, 185, 17, 8);
    g_autoptr(GByteArray) pkt = icmp4 (11, 1, 0, quote->data, quote->len);

    g_assert_cmpint (parse4 (pkt, &q), ==, WV_ICMP_PARSE_FRAGMENT);
  }
}

static void
test_v4_checksum_and_types (void)
{
  g_autoptr(GByteArray) quote = quote_v4 (5, 0, 17, 8);
  WvIcmpQuote q;

  {
    g_autoptr(GByteArray) pkt = icmp4 (11, 0, 0, quote->data, quote->len);

    pkt->data[pkt->len - 1] ^= 0x01;
    g_assert_cmpint (parse4 (pkt, &q), ==, WV_ICMP_PARSE_BAD_CHECKSUM);
  }
  for (guint type = 0; type < 256; type++)
    {
      g_autoptr(GByteArray) pkt = icmp4 (type, 0, 0, quote->data, quote->len);

      if (type == 3 || type == 11)
        g_assert_cmpint (parse4 (pkt, &q), ==, WV_ICMP_PARSE_OK);
      else
        g_assert_cmpint (parse4 (pkt, &q), ==, WV_ICMP_PARSE_OTHER_TYPE);
    }
}

static void
test_v4_malformed (void)
{
  g_autoptr(GByteArray) quote = quote_v4 (5, 0, 17, 8);
  WvIcmpQuote q;

  {
    g_autoptr(GByteArray) pkt = icmp4 (11, 0, 0, quote->data, quote->len);

    g_assert_cmpint (wv_icmp_parse_v4 (pkt->data, 19, &q), ==, WV_ICMP_PARSE_MALFORMED);
    g_assert_cmpint (wv_icmp_parse_v4 (pkt->data, 27, &q), ==, WV_ICMP_PARSE_MALFORMED);
    pkt->data[0] = 0x65;            /* version 6 */
    g_assert_cmpint (parse4 (pkt, &q), ==, WV_ICMP_PARSE_MALFORMED);
    pkt->data[0] = 0x44;            /* IHL 4 */
    g_assert_cmpint (parse4 (pkt, &q), ==, WV_ICMP_PARSE_MALFORMED);
    pkt->data[0] = 0x4f;            /* IHL 15: 60 bytes, ICMP swallowed */
    g_assert_cmpint (parse4 (pkt, &q), ==, WV_ICMP_PARSE_MALFORMED);
    pkt->data[0] = 0x45;
    pkt->data[9] = 17;              /* not ICMP */
    g_assert_cmpint (parse4 (pkt, &q), ==, WV_ICMP_PARSE_MALFORMED);
    pkt->data[9] = 1;
    pkt->data[2] = 0;
    pkt->data[3] = 19;              /* total length below the header */
    g_assert_cmpint (parse4 (pkt, &q), ==, WV_ICMP_PARSE_MALFORMED);
  }
  {
    /* The quote claims IP version 6. */
    g_autoptr(GByteArray) bad = g_byte_array_new ();
    g_autoptr(GByteArray) pkt = NULL;

    g_byte_array_append (bad, quote->data, quote->len);
    bad->data[0] = 0x65;
    pkt = icmp4 (11, 0, 0, bad->data, bad->len);
    g_assert_cmpint (parse4 (pkt, &q), ==, WV_ICMP_PARSE_MALFORMED);
    bad->data[0] = 0x43;            /* quoted IHL 3 */
    g_byte_array_unref (pkt);
    pkt = icmp4 (11, 0, 0, bad->data, bad->len);
    g_assert_cmpint (parse4 (pkt, &q), ==, WV_ICMP_PARSE_MALFORMED);
  }
}

static void
test_v4_lengths (void)
{
  WvIcmpQuote q;

  {
    /* Payload bytes beyond the UDP length (padding) are not reported. */
    g_autoptr(GByteArray) quote = quote_v4 (5, 0, 17, 40);
    g_autoptr(GByteArray) pkt = NULL;

    quote->data[24] = 0;
    quote->data[25] = 18;           /* UDP length 18: 10 payload bytes */
    pkt = icmp4 (11, 0, 0, quote->data, quote->len);
    g_assert_cmpint (parse4 (pkt, &q), ==, WV_ICMP_PARSE_OK);
    g_assert_cmpuint (q.udp_length, ==, 18);
    g_assert_cmpuint (q.data_len, ==, 10);
  }
  {
    /* A UDP length below 8 is nonsense: header reported, no payload. */
    g_autoptr(GByteArray) quote = quote_v4 (5, 0, 17, 40);
    g_autoptr(GByteArray) pkt = NULL;

    quote->data[24] = 0;
    quote->data[25] = 7;
    pkt = icmp4 (11, 0, 0, quote->data, quote->len);
    g_assert_cmpint (parse4 (pkt, &q), ==, WV_ICMP_PARSE_OK);
    g_assert_cmpuint (q.udp_length, ==, 7);
    g_assert_cmpuint (q.data_len, ==, 0);
  }
  {
    /* A 400-byte payload, all quoted: 256 reported. */
    g_autoptr(GByteArray) quote = quote_v4 (5, 0, 17, 400);
    g_autoptr(GByteArray) pkt = icmp4 (11, 0, 0, quote->data, quote->len);

    g_assert_cmpint (parse4 (pkt, &q), ==, WV_ICMP_PARSE_OK);
    assert_typical_v4 (&q, 400);
    g_assert_cmpuint (q.data_len, ==, 256);
  }
  {
    /* Link padding after the packet: the outer total length rules. */
    g_autoptr(GByteArray) quote = quote_v4 (5, 0, 17, 10);
    g_autoptr(GByteArray) pkt = icmp4 (11, 0, 0, quote->data, quote->len);
    static const guint8 junk[6] = { 1, 2, 3, 4, 5, 6 };

    g_byte_array_append (pkt, junk, sizeof junk);
    g_assert_cmpint (parse4 (pkt, &q), ==, WV_ICMP_PARSE_OK);
    g_assert_cmpuint (q.data_len, ==, 10);
  }
}

static void
test_v4_rfc4884 (void)
{
  /* A 36-byte datagram the UDP header says is 1000 bytes long, padded to
   * 128 bytes (length field 32 words) and followed by an extension. */
  g_autoptr(GByteArray) quote = g_byte_array_new ();
  g_autoptr(GByteArray) pkt = NULL;
  g_autofree guint8 *p = pattern (200);
  WvIcmpQuote q;

  put_ipv4 (quote, 5, 0, 1028, 1, 0, 1, 17, client4, server4);
  put_udp (quote, 40000, 33434, 1008, 0, p, 200);
  g_byte_array_set_size (quote, 128 + 8);
  pkt = icmp4 (11, 0, 32u << 16, quote->data, quote->len);

  g_assert_cmpint (parse4 (pkt, &q), ==, WV_ICMP_PARSE_OK);
  g_assert_cmpuint (q.data_len, ==, 128 - 28);
  g_assert_cmpmem (q.data, q.data_len, p, 100);
}

/* ---- IPv6 ---------------------------------------------------------------- */

static void
put_ipv6 (GByteArray *b, guint tclass, guint32 flow, guint paylen, guint nh, guint hlim,
          const guint8 src[16], const guint8 dst[16])
{
  put32 (b, (6u << 28) | (tclass << 20) | flow);
  put16 (b, paylen);
  put8 (b, nh);
  put8 (b, hlim);
  g_byte_array_append (b, src, 16);
  g_byte_array_append (b, dst, 16);
}

static GByteArray *
icmp6 (guint type, guint code, guint32 word, const guint8 *quote, gsize quote_len)
{
  GByteArray *b = g_byte_array_new ();

  put8 (b, type);
  put8 (b, code);
  put16 (b, 0);                    /* checksum: the kernel's business */
  put32 (b, word);
  g_byte_array_append (b, quote, quote_len);
  return b;
}

/* client -> server UDP 40001 -> 33434, traffic class 0xb8, flow 0x12345,
 * behind the given extension headers (first_nh names the first of them). */
static GByteArray *
quote_v6 (guint first_nh, const guint8 *ext, gsize ext_len, gsize payload_len)
{
  GByteArray *q = g_byte_array_new ();
  g_autofree guint8 *p = pattern (payload_len);
  guint ulen = 8 + (guint) payload_len;

  put_ipv6 (q, 0xb8, 0x12345, (guint) ext_len + ulen, first_nh, 1, client6, server6);
  g_byte_array_append (q, ext, ext_len);
  put_udp (q, 40001, 33434, ulen, 0xcafe, p, payload_len);
  return q;
}

static WvIcmpParseResult
parse6 (GByteArray *msg, WvIcmpQuote *q)
{
  return wv_icmp_parse_v6 (msg->data, msg->len, router6, q);
}

static void
assert_typical_v6 (const WvIcmpQuote *q, gsize payload_len)
{
  g_autofree guint8 *p = pattern (payload_len);

  g_assert_cmpint (q->family, ==, 6);
  g_assert_cmpmem (q->offender, 16, router6, 16);
  g_assert_cmpmem (q->src, 16, client6, 16);
  g_assert_cmpmem (q->dst, 16, server6, 16);
  g_assert_cmpuint (q->tos, ==, 0xb8);
  g_assert_cmpuint (q->flow_label, ==, 0x12345);
  g_assert_cmpuint (q->ttl, ==, 1);
  g_assert_cmpuint (q->sport, ==, 40001);
  g_assert_cmpuint (q->dport, ==, 33434);
  g_assert_cmpuint (q->udp_length, ==, 8 + payload_len);
  g_assert_cmpuint (q->udp_checksum, ==, 0xcafe);
  g_assert_cmpuint (q->data_len, ==, MIN (payload_len, WV_ICMP_MAX_DATA));
  g_assert_cmpmem (q->data, q->data_len, p, q->data_len);
}

static void
test_v6_types (void)
{
  g_autoptr(GByteArray) quote = quote_v6 (17, NULL, 0, 24);
  WvIcmpQuote q;

  for (guint code = 0; code <= 1; code++)
    {
      g_autoptr(GByteArray) msg = icmp6 (3, code, 0, quote->data, quote->len);

      g_assert_cmpint (parse6 (msg, &q), ==, WV_ICMP_PARSE_OK);
      assert_typical_v6 (&q, 24);
      g_assert_cmpuint (q.type, ==, 3);
      g_assert_cmpuint (q.code, ==, code);
      g_assert_cmpuint (q.mtu, ==, 0);
      g_assert_cmpuint (q.ip_length, ==, 32);
    }
  for (guint code = 0; code <= 7; code++)
    {
      g_autoptr(GByteArray) msg = icmp6 (1, code, 0, quote->data, quote->len);

      g_assert_cmpint (parse6 (msg, &q), ==, WV_ICMP_PARSE_OK);
      assert_typical_v6 (&q, 24);
      g_assert_cmpuint (q.type, ==, 1);
      g_assert_cmpuint (q.code, ==, code);
      g_assert_cmpuint (q.mtu, ==, 0);
    }
  {
    g_autoptr(GByteArray) msg = icmp6 (2, 0, 1300, quote->data, quote->len);

    g_assert_cmpint (parse6 (msg, &q), ==, WV_ICMP_PARSE_OK);
    assert_typical_v6 (&q, 24);
    g_assert_cmpuint (q.type, ==, 2);
    g_assert_cmpuint (q.mtu, ==, 1300);
  }
  {
    /* The MTU word is 32 bits wide. */
    g_autoptr(GByteArray) msg = icmp6 (2, 0, 0x00012345, quote->data, quote->len);

    g_assert_cmpint (parse6 (msg, &q), ==, WV_ICMP_PARSE_OK);
    g_assert_cmpuint (q.mtu, ==, 0x12345);
  }
  for (guint type = 0; type < 256; type++)
    {
      g_autoptr(GByteArray) msg = icmp6 (type, 0, 0, quote->data, quote->len);

      g_assert_cmpint (parse6 (msg, &q), ==,
                       type >= 1 && type <= 3 ? WV_ICMP_PARSE_OK : WV_ICMP_PARSE_OTHER_TYPE);
    }
}

static void
test_v6_ext_headers (void)
{
  WvIcmpQuote q;

  {
    /* Hop-by-hop (8 bytes) -> destination options (16 bytes) -> UDP. */
    guint8 ext[24] = { 60, 0, 1, 4, 0, 0, 0, 0,
                       17, 1, 1, 12, 0 };
    g_autoptr(GByteArray) quote = quote_v6 (0, ext, sizeof ext, 16);
    g_autoptr(GByteArray) msg = icmp6 (3, 0, 0, quote->data, quote->len);

    g_assert_cmpint (parse6 (msg, &q), ==, WV_ICMP_PARSE_OK);
    assert_typical_v6 (&q, 16);
    g_assert_cmpuint (q.ip_length, ==, 24 + 24);
  }
  {
    /* Routing header (type 0 layout, 24 bytes) then UDP. */
    guint8 ext[24] = { 17, 2, 0, 0 };
    g_autoptr(GByteArray) quote = quote_v6 (43, ext, sizeof ext, 4);
    g_autoptr(GByteArray) msg = icmp6 (1, 4, 0, quote->data, quote->len);

    g_assert_cmpint (parse6 (msg, &q), ==, WV_ICMP_PARSE_OK);
    assert_typical_v6 (&q, 4);
  }
  {
    /* First fragment: offset 0, M flag set. */
    guint8 ext[8] = { 17, 0, 0x00, 0x01, 0xde, 0xad, 0xbe, 0xef };
    g_autoptr(GByteArray) quote = quote_v6 (44, ext, sizeof ext, 8);
    g_autoptr(GByteArray) msg = icmp6 (3, 1, 0, quote->data, quote->len);

    g_assert_cmpint (parse6 (msg, &q), ==, WV_ICMP_PARSE_OK);
    assert_typical_v6 (&q, 8);
  }
  {
    /* Later fragment: offset 1232 / 8 = 154. */
    guint8 ext[8] = { 17, 0, (154 << 3) >> 8, (154 << 3) & 0xff, 0, 0, 0, 1 };
    g_autoptr(GByteArray) quote = quote_v6 (44, ext, sizeof ext, 8);
    g_autoptr(GByteArray) msg = icmp6 (3, 1, 0, quote->data, quote->len);

    g_assert_cmpint (parse6 (msg, &q), ==, WV_ICMP_PARSE_FRAGMENT);
  }
  {
    /* Authentication header: length in 4-byte units minus 2 (here 24 bytes). */
    guint8 ext[24] = { 17, 4 };
    g_autoptr(GByteArray) quote = quote_v6 (51, ext, sizeof ext, 8);
    g_autoptr(GByteArray) msg = icmp6 (1, 0, 0, quote->data, quote->len);

    g_assert_cmpint (parse6 (msg, &q), ==, WV_ICMP_PARSE_OK);
    assert_typical_v6 (&q, 8);
  }
}

static void
test_v6_not_parsed (void)
{
  WvIcmpQuote q;
  static const guint not_udp[] = { 6, 58, 50, 59, 132 };
  static const guint unparsed[] = { 135, 139, 140, 253, 254 };

  for (gsize i = 0; i < G_N_ELEMENTS (not_udp); i++)
    {
      g_autoptr(GByteArray) quote = quote_v6 (not_udp[i], NULL, 0, 8);
      g_autoptr(GByteArray) msg = icmp6 (3, 0, 0, quote->data, quote->len);

      g_assert_cmpint (parse6 (msg, &q), ==, WV_ICMP_PARSE_NOT_UDP);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (unparsed); i++)
    {
      g_autoptr(GByteArray) quote = quote_v6 (unparsed[i], NULL, 0, 8);
      g_autoptr(GByteArray) msg = icmp6 (3, 0, 0, quote->data, quote->len);

      g_assert_cmpint (parse6 (msg, &q), ==, WV_ICMP_PARSE_UNPARSED);
    }
  {
    /* Destination options after UDP's place: ESP behind them is not UDP. */
    guint8 ext[8] = { 50, 0 };
    g_autoptr(GByteArray) quote = quote_v6 (60, ext, sizeof ext, 8);
    g_autoptr(GByteArray) msg = icmp6 (3, 0, 0, quote->data, quote->len);

    g_assert_cmpint (parse6 (msg, &q), ==, WV_ICMP_PARSE_NOT_UDP);
  }
  {
    /* Eight destination option headers are walked, the ninth is too many. */
    guint8 ext8[64] = { 0 };
    guint8 ext9[72] = { 0 };
    g_autoptr(GByteArray) quote8 = NULL;
    g_autoptr(GByteArray) quote9 = NULL;
    g_autoptr(GByteArray) msg8 = NULL;
    g_autoptr(GByteArray) msg9 = NULL;

    for (int i = 0; i < 8; i++)
      ext8[i * 8] = i == 7 ? 17 : 60;
    for (int i = 0; i < 9; i++)
      ext9[i * 8] = i == 8 ? 17 : 60;
    quote8 = quote_v6 (60, ext8, sizeof ext8, 8);
    quote9 = quote_v6 (60, ext9, sizeof ext9, 8);
    msg8 = icmp6 (3, 0, 0, quote8->data, quote8->len);
    msg9 = icmp6 (3, 0, 0, quote9->data, quote9->len);
    g_assert_cmpint (parse6 (msg8, &q), ==, WV_ICMP_PARSE_OK);
    assert_typical_v6 (&q, 8);
    g_assert_cmpint (parse6 (msg9, &q), ==, WV_ICMP_PARSE_UNPARSED);
  }
}

static void
test_v6_truncated (void)
{
  guint8 ext[16] = { 17, 1 };
  g_autoptr(GByteArray) quote = quote_v6 (60, ext, sizeof ext, 20);
  WvIcmpQuote q;
  static const struct { gsize len; WvIcmpParseResult want; gsize data; } cases[] = {
    { 0, WV_ICMP_PARSE_TRUNCATED, 0 },
    { 39, WV_ICMP_PARSE_TRUNCATED, 0 },
    { 40, WV_ICMP_PARSE_TRUNCATED, 0 },   /* no room for the extension header */
    { 47, WV_ICMP_PARSE_TRUNCATED, 0 },
    { 55, WV_ICMP_PARSE_TRUNCATED, 0 },   /* extension header cut short */
    { 56, WV_ICMP_PARSE_TRUNCATED, 0 },   /* no UDP header */
    { 63, WV_ICMP_PARSE_TRUNCATED, 0 },
    { 64, WV_ICMP_PARSE_OK, 0 },
    { 70, WV_ICMP_PARSE_OK, 6 },
    { 84, WV_ICMP_PARSE_OK, 20 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GByteArray) msg = icmp6 (3, 0, 0, quote->data, cases[i].len);

      g_test_message ("quote length %" G_GSIZE_FORMAT, cases[i].len);
      g_assert_cmpint (parse6 (msg, &q), ==, cases[i].want);
      if (cases[i].want == WV_ICMP_PARSE_OK)
        g_assert_cmpuint (q.data_len, ==, cases[i].data);
    }
  g_assert_cmpint (wv_icmp_parse_v6 (quote->data, 7, router6, &q), ==, WV_ICMP_PARSE_MALFORMED);
}

static void
test_v6_malformed_and_4884 (void)
{
  WvIcmpQuote q;

  {
    g_autoptr(GByteArray) quote = quote_v6 (17, NULL, 0, 8);
    g_autoptr(GByteArray) msg = NULL;

    quote->data[0] = 0x4b;          /* quoted version 4 */
    msg = icmp6 (3, 0, 0, quote->data, quote->len);
    g_assert_cmpint (parse6 (msg, &q), ==, WV_ICMP_PARSE_MALFORMED);
  }
  {
    /* RFC 4884: length 8 (in 8-byte units) = 64 bytes of original datagram,
     * then extensions; the UDP header claims more. */
    g_autoptr(GByteArray) quote = quote_v6 (17, NULL, 0, 100);
    g_autoptr(GByteArray) msg = icmp6 (1, 0, 8u << 24, quote->data, quote->len);

    g_assert_cmpint (parse6 (msg, &q), ==, WV_ICMP_PARSE_OK);
    g_assert_cmpuint (q.data_len, ==, 64 - 48);
  }
  {
    /* Packet Too Big has no length field: its word is all MTU. */
    g_autoptr(GByteArray) quote = quote_v6 (17, NULL, 0, 100);
    g_autoptr(GByteArray) msg = icmp6 (2, 0, 8u << 24, quote->data, quote->len);

    g_assert_cmpint (parse6 (msg, &q), ==, WV_ICMP_PARSE_OK);
    g_assert_cmpuint (q.mtu, ==, 8u << 24);
    g_assert_cmpuint (q.data_len, ==, 100);
  }
}

/* ---- through the state: watching, counting, formatting ------------------- */

static void
test_handle_packet (void)
{
  WvIcmpState state;
  char line[WV_ICMP_MAX_EVENT_LINE + 1];
  g_autoptr(GByteArray) q4 = quote_v4 (5, 0x4000, 17, 4);
  g_autoptr(GByteArray) p4 = icmp4 (11, 0, 0, q4->data, q4->len);
  g_autoptr(GByteArray) q6 = quote_v6 (17, NULL, 0, 0);
  g_autoptr(GByteArray) p6 = icmp6 (2, 0, 1280, q6->data, q6->len);
  g_autoptr(GByteArray) bad = icmp4 (11, 0, 0, q4->data, 10);
  size_t len;

  wv_icmp_state_init (&state);
  state.icmp4_errno = state.icmp6_errno = 0;

  /* Nobody watches 40000 yet. */
  len = wv_icmp_handle_packet (&state, 4, p4->data, p4->len, NULL, 1, true, 3, line, sizeof line);
  g_assert_cmpuint (len, ==, 0);
  g_assert_cmpuint (state.counters[WV_ICMP_COUNTER_RX4], ==, 1);
  g_assert_cmpuint (state.counters[WV_ICMP_COUNTER_UNWATCHED], ==, 1);
  g_assert_cmpuint (state.counters[WV_ICMP_COUNTER_PARSE_BASE + WV_ICMP_PARSE_OK], ==, 0);

  state.watched4[40000 / 64] |= G_GUINT64_CONSTANT (1) << (40000 % 64);
  len = wv_icmp_handle_packet (&state, 4, p4->data, p4->len, NULL,
                               G_GUINT64_CONSTANT (1700000000123456789), true, 3,
                               line, sizeof line);
  g_assert_cmpuint (len, ==, strlen (line));
  g_assert_cmpstr (line, ==,
                   "* icmp family=4 from=10.1.1.1 ifindex=3 type=11 code=0 mtu=0"
                   " time=1700000000123456789 clock=kernel src=10.1.1.2 dst=10.3.3.2"
                   " ttl=1 tos=40 totlen=32 id=4660 df=1 sport=40000 dport=33434 ulen=12"
                   " ucsum=48879 datalen=4 data=030a1118\n");
  g_assert_cmpuint (state.counters[WV_ICMP_COUNTER_PARSE_BASE + WV_ICMP_PARSE_OK], ==, 1);

  /* A truncated quote is counted, not reported. */
  len = wv_icmp_handle_packet (&state, 4, bad->data, bad->len, NULL, 1, true, 3, line, sizeof line);
  g_assert_cmpuint (len, ==, 0);
  g_assert_cmpuint (state.counters[WV_ICMP_COUNTER_PARSE_BASE + WV_ICMP_PARSE_TRUNCATED], ==, 1);

  /* IPv6 watches are separate from IPv4 ones. */
  len = wv_icmp_handle_packet (&state, 6, p6->data, p6->len, router6, 5, false, 0, line, sizeof line);
  g_assert_cmpuint (len, ==, 0);
  g_assert_cmpuint (state.counters[WV_ICMP_COUNTER_UNWATCHED], ==, 2);
  state.watched6[40001 / 64] |= G_GUINT64_CONSTANT (1) << (40001 % 64);
  len = wv_icmp_handle_packet (&state, 6, p6->data, p6->len, router6, 5, false, 0, line, sizeof line);
  g_assert_cmpuint (len, >, 0);
  g_assert_cmpstr (line, ==,
                   "* icmp family=6 from=fd00:1::1 ifindex=0 type=2 code=0 mtu=1280"
                   " time=5 clock=user src=fd00:1::2 dst=fd00:3::2 hlim=1 tclass=184"
                   " flow=74565 paylen=8 sport=40001 dport=33434 ulen=8 ucsum=51966"
                   " datalen=0 data=-\n");
  g_assert_cmpuint (state.counters[WV_ICMP_COUNTER_RX6], ==, 2);
  g_assert_cmpuint (state.counters[WV_ICMP_COUNTER_PARSE_BASE + WV_ICMP_PARSE_OK], ==, 2);
}

static void
test_format_longest (void)
{
  /* The longest event: IPv6 addresses of 39 characters, 256 payload bytes,
   * every number at its widest.  It must fit WV_ICMP_MAX_EVENT_LINE. */
  WvIcmpQuote q = { 0 };
  char line[WV_ICMP_MAX_EVENT_LINE + 1];
  size_t len;

  q.family = 6;
  memset (q.offender, 0xab, 16);
  memset (q.src, 0xcd, 16);
  memset (q.dst, 0xef, 16);
  q.type = 255;
  q.code = 255;
  q.mtu = G_MAXUINT32;
  q.ttl = q.tos = 255;
  q.ip_length = q.sport = q.dport = q.udp_length = q.udp_checksum = 65535;
  q.flow_label = 0xfffff;
  q.data_len = WV_ICMP_MAX_DATA;
  memset (q.data, 0xff, sizeof q.data);

  /* "* icmp family=6" 15, from 45, ifindex 19, type 9, code 9, mtu 15,
   * time 26, clock 13, src 44, dst 44, hlim 9, tclass 11, flow 13, paylen 13,
   * sport 12, dport 12, ulen 11, ucsum 12, datalen 12, data 518, newline 1. */
  len = wv_icmp_format_event (&q, G_MAXUINT64, true, G_MAXUINT32, line, sizeof line);
  g_assert_cmpuint (len, ==, 863);
  g_assert_cmpuint (len, <=, WV_ICMP_MAX_EVENT_LINE + 1);
  g_assert_cmpint (line[len - 1], ==, '\n');

  /* Too small a buffer: nothing, rather than half a line. */
  g_assert_cmpuint (wv_icmp_format_event (&q, 0, true, 0, line, 100), ==, 0);
  q.data_len = WV_ICMP_MAX_DATA + 1;
  g_assert_cmpuint (wv_icmp_format_event (&q, 0, true, 0, line, sizeof line), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/icmp-helper/packet/v4/time-exceeded", test_v4_time_exceeded);
  g_test_add_func ("/icmp-helper/packet/v4/unreachable-codes", test_v4_unreachable_codes);
  g_test_add_func ("/icmp-helper/packet/v4/frag-needed", test_v4_frag_needed);
  g_test_add_func ("/icmp-helper/packet/v4/options", test_v4_options);
  g_test_add_func ("/icmp-helper/packet/v4/truncated", test_v4_truncated);
  g_test_add_func ("/icmp-helper/packet/v4/not-udp", test_v4_not_udp);
  g_test_add_func ("/icmp-helper/packet/v4/fragments", test_v4_fragments);
  g_test_add_func ("/icmp-helper/packet/v4/checksum-and-types", test_v4_checksum_and_types);
  g_test_add_func ("/icmp-helper/packet/v4/malformed", test_v4_malformed);
  g_test_add_func ("/icmp-helper/packet/v4/lengths", test_v4_lengths);
  g_test_add_func ("/icmp-helper/packet/v4/rfc4884", test_v4_rfc4884);
  g_test_add_func ("/icmp-helper/packet/v6/types", test_v6_types);
  g_test_add_func ("/icmp-helper/packet/v6/ext-headers", test_v6_ext_headers);
  g_test_add_func ("/icmp-helper/packet/v6/not-parsed", test_v6_not_parsed);
  g_test_add_func ("/icmp-helper/packet/v6/truncated", test_v6_truncated);
  g_test_add_func ("/icmp-helper/packet/v6/malformed-and-rfc4884", test_v6_malformed_and_4884);
  g_test_add_func ("/icmp-helper/packet/handle-packet", test_handle_packet);
  g_test_add_func ("/icmp-helper/packet/format-longest", test_format_longest);

  return g_test_run ();
}
