/* test-wire-match.c: matching ICMP errors to the probes they quote
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include <glib.h>

#include "wv-wire-match.h"

#define SEC G_GINT64_CONSTANT (1000000000)
#define T0  (G_GINT64_CONSTANT (1700000000) * SEC)

static WvSendReport
report (guint epoch, guint64 seq, guint udp_length, guint checksum)
{
  WvSendReport r;

  memset (&r, 0, sizeof r);
  r.sent = TRUE;
  r.applied = TRUE;
  r.local_port = 40000;
  r.remote_port = 50000;
  r.family = 4;
  r.send_time_ns = T0;
  r.udp_length = udp_length;
  r.udp_checksum = checksum;
  r.has_dtls = TRUE;
  r.dtls_content_type = 23;
  r.dtls_epoch = epoch;
  r.dtls_seq = seq;
  return r;
}

/* A DTLS 1.2 application-data record header for epoch/seq. */
static void
record_header (guint8 *q, guint epoch, guint64 seq)
{
  q[0] = 23;
  q[1] = 0xfe;
  q[2] = 0xfd;
  q[3] = epoch >> 8;
  q[4] = epoch & 0xff;
  for (int i = 0; i < 6; i++)
    q[5 + i] = (seq >> (8 * (5 - i))) & 0xff;
  q[11] = 0;
  q[12] = 40;
}

static void
test_dtls (void)
{
  WvSendReport a = report (1, 0x0000a1b2c3d4, 100, 0x1234);
  WvSendReport b = report (1, 0x0000a1b2c3d5, 100, 0x1234);
  guint8 q[13];
  WvWireKey key = { .local_port = 40000, .time_ns = T0 + SEC / 100 };

  record_header (q, 1, 0x0000a1b2c3d4);
  g_assert_true (wv_wire_key_set_dtls (&key, q, sizeof q));
  g_assert_cmpuint (key.dtls_epoch, ==, 1);
  g_assert_cmpuint (key.dtls_seq, ==, 0x0000a1b2c3d4);
  g_assert_true (wv_wire_key_matches (&key, &a));
  /* One sequence number apart: another datagram. */
  g_assert_false (wv_wire_key_matches (&key, &b));
  /* Another epoch. */
  key.dtls_epoch = 2;
  g_assert_false (wv_wire_key_matches (&key, &a));
  key.dtls_epoch = 1;
  /* Another socket. */
  key.local_port = 40001;
  g_assert_false (wv_wire_key_matches (&key, &a));
  /* Port unknown (0): the record header alone decides. */
  key.local_port = 0;
  g_assert_true (wv_wire_key_matches (&key, &a));
  /* A probe that never left matches nothing. */
  a.sent = FALSE;
  g_assert_false (wv_wire_key_matches (&key, &a));
}

static void
test_dtls_quote_rejected (void)
{
  guint8 q[13];
  WvWireKey key = { 0 };

  record_header (q, 1, 7);
  /* Too short: RFC 792 routers quote 8 bytes of the datagram, i.e. only
   * the UDP header, and no payload at all. */
  g_assert_false (wv_wire_key_set_dtls (&key, q, 10));
  g_assert_false (wv_wire_key_set_dtls (&key, NULL, 0));
  g_assert_false (key.has_dtls);
  /* Not a DTLS record: STUN (first byte 0 or 1), wrong version. */
  q[0] = 0;
  g_assert_false (wv_wire_key_set_dtls (&key, q, sizeof q));
  q[0] = 23;
  q[1] = 0x03;
  g_assert_false (wv_wire_key_set_dtls (&key, q, sizeof q));
  g_assert_false (key.has_dtls);
}

static void
test_udp_fallback (void)
{
  WvSendReport a = report (1, 10, 1472, 0xbeef);
  WvSendReport other_len = report (1, 11, 1400, 0xbeef);
  WvSendReport other_sum = report (1, 12, 1472, 0xbeee);
  WvWireKey key = {
    .has_udp = TRUE,
    .local_port = 40000,
    .remote_port = 50000,
    .udp_length = 1472,
    .udp_checksum = 0xbeef,
    .time_ns = T0 + SEC / 2,
  };

  g_assert_true (wv_wire_key_matches (&key, &a));
  g_assert_false (wv_wire_key_matches (&key, &other_len));
  g_assert_false (wv_wire_key_matches (&key, &other_sum));

  /* Other ports: another flow. */
  key.remote_port = 50001;
  g_assert_false (wv_wire_key_matches (&key, &a));
  key.remote_port = 50000;
  key.local_port = 40001;
  g_assert_false (wv_wire_key_matches (&key, &a));
  key.local_port = 40000;

  /* Outside the tracking window, or before the send: not ours. */
  key.time_ns = T0 + WV_WIRE_MATCH_WINDOW_NS + 1;
  g_assert_false (wv_wire_key_matches (&key, &a));
  key.time_ns = T0 - SEC;
  g_assert_false (wv_wire_key_matches (&key, &a));
  key.time_ns = T0 + WV_WIRE_MATCH_WINDOW_NS;
  g_assert_true (wv_wire_key_matches (&key, &a));

  /* A zero checksum (IPv4 "none") is no identity. */
  a.udp_checksum = 0;
  key.udp_checksum = 0;
  g_assert_false (wv_wire_key_matches (&key, &a));

  /* Without the UDP fields and without a record header: nothing. */
  key.has_udp = FALSE;
  key.udp_checksum = 0xbeef;
  a.udp_checksum = 0xbeef;
  g_assert_false (wv_wire_key_matches (&key, &a));
}

static void
test_dtls_wins_over_udp (void)
{
  /* Both quoted: the record header decides, even if the UDP fields agree
   * with another datagram (same size, colliding checksum). */
  WvSendReport a = report (1, 20, 200, 0x5555);
  WvSendReport b = report (1, 21, 200, 0x5555);
  guint8 q[13];
  WvWireKey key = {
    .has_udp = TRUE,
    .local_port = 40000,
    .remote_port = 50000,
    .udp_length = 200,
    .udp_checksum = 0x5555,
    .time_ns = T0,
  };

  record_header (q, 1, 21);
  g_assert_true (wv_wire_key_set_dtls (&key, q, sizeof q));
  g_assert_false (wv_wire_key_matches (&key, &a));
  g_assert_true (wv_wire_key_matches (&key, &b));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/wire-match/dtls", test_dtls);
  g_test_add_func ("/wire-match/dtls-quote-rejected", test_dtls_quote_rejected);
  g_test_add_func ("/wire-match/udp-fallback", test_udp_fallback);
  g_test_add_func ("/wire-match/dtls-wins-over-udp", test_dtls_wins_over_udp);
  return g_test_run ();
}
