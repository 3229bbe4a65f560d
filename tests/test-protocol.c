/* test-protocol.c: control messages and probe packets (wv-protocol)
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <float.h>
#include <math.h>
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "wv-dscp.h"
#include "wv-path-probe.h"
#include "wv-protocol.h"

#define SEC G_GINT64_CONSTANT (1000000000)

/* --- helpers -------------------------------------------------------------- */

static void
assert_parse_error (const char *text, gssize len, int code, const char *fragment)
{
  g_autoptr(GError) error = NULL;
  WvMsg msg;
  WvMsg untouched;

  memset (&msg, 0xa5, sizeof msg);
  memcpy (&untouched, &msg, sizeof msg);
  if (len < 0)
    len = (gssize) strlen (text);
  if (wv_msg_parse (text, (gsize) len, &msg, &error))
    g_error ("accepted: %.200s", text);
  g_assert_nonnull (error);
  if (!g_error_matches (error, WV_PROTOCOL_ERROR, code))
    g_error ("%.200s\n  expected code %d, got %s %d: %s", text, code,
             g_quark_to_string (error->domain), error->code, error->message);
  if (fragment != NULL && strstr (error->message, fragment) == NULL)
    g_error ("%.200s\n  message \"%s\" does not name \"%s\"", text, error->message, fragment);
  /* The engine logs these messages: whatever the peer sent, they are
   * printable UTF-8. */
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  for (const char *p = error->message; *p; p = g_utf8_next_char (p))
    g_assert_false (g_unichar_iscntrl (g_utf8_get_char (p)));
  /* A failed parse leaves the output alone. */
  g_assert_cmpmem (&msg, sizeof msg, &untouched, sizeof untouched);
}

static void
parse_ok (const char *text, WvMsg *msg)
{
  g_autoptr(GError) error = NULL;

  if (!wv_msg_parse (text, strlen (text), msg, &error))
    g_error ("rejected: %s\n  %s", text, error->message);
}

static void
assert_summary_equal (const WvSummary *a, const WvSummary *b)
{
  g_assert_cmpfloat (a->min, ==, b->min);
  g_assert_cmpfloat (a->p50, ==, b->p50);
  g_assert_cmpfloat (a->p99, ==, b->p99);
  g_assert_cmpfloat (a->max, ==, b->max);
  g_assert_cmpfloat (a->mean, ==, b->mean);
  g_assert_cmpuint (a->n, ==, b->n);
}

/* Field by field first, for a readable failure; then the whole struct, which
 * also catches -0.0 against 0.0 and anything a field list forgets. Both
 * messages start zeroed, so padding compares equal. */
static void
assert_msg_equal (const WvMsg *a, const WvMsg *b)
{
  g_assert_cmpint (a->type, ==, b->type);
  switch (a->type)
    {
    case WV_MSG_HELLO:
      g_assert_cmpuint (a->hello.protocol, ==, b->hello.protocol);
      g_assert_cmpstr (a->hello.software, ==, b->hello.software);
      g_assert_cmpstr (a->hello.role, ==, b->hello.role);
      g_assert_cmpstr (a->hello.session, ==, b->hello.session);
      g_assert_cmpstr (a->hello.conn, ==, b->hello.conn);
      g_assert_cmpint (a->hello.clock.synced, ==, b->hello.clock.synced);
      g_assert_cmpfloat (a->hello.clock.error_ms, ==, b->hello.clock.error_ms);
      g_assert_cmpstr (a->hello.clock.boot_id, ==, b->hello.clock.boot_id);
      g_assert_cmpint (a->hello.wire_times, ==, b->hello.wire_times);
      break;
    case WV_MSG_START_STREAMS:
    case WV_MSG_STREAMS_STARTED:
      g_assert_cmpuint (a->streams.rate_pps, ==, b->streams.rate_pps);
      g_assert_cmpuint (a->streams.probe_size, ==, b->streams.probe_size);
      g_assert_cmpuint (a->streams.bulk_bps, ==, b->streams.bulk_bps);
      g_assert_cmpfloat (a->streams.duration_s, ==, b->streams.duration_s);
      g_assert_cmpuint (a->streams.classes.n_classes, ==, b->streams.classes.n_classes);
      for (guint i = 0; i < WV_MAX_CLASSES; i++)
        g_assert_cmpint (a->streams.classes.dscp[i], ==, b->streams.classes.dscp[i]);
      g_assert_cmpint (a->streams.capped, ==, b->streams.capped);
      g_assert_cmpstr (a->streams.reason, ==, b->streams.reason);
      break;
    case WV_MSG_STATS:
      g_assert_cmpint (a->stats.time_ns, ==, b->stats.time_ns);
      g_assert_cmpuint (a->stats.window_s, ==, b->stats.window_s);
      g_assert_cmpuint (a->stats.class_index, ==, b->stats.class_index);
      g_assert_cmpint (a->stats.rx_dir, ==, b->stats.rx_dir);
      g_assert_cmpint (a->stats.rx.window_ns, ==, b->stats.rx.window_ns);
      g_assert_cmpuint (a->stats.rx.probes, ==, b->stats.rx.probes);
      g_assert_cmpuint (a->stats.rx.expected, ==, b->stats.rx.expected);
      assert_summary_equal (&a->stats.rx.owd_ms, &b->stats.rx.owd_ms);
      assert_summary_equal (&a->stats.rx.ipdv_ms, &b->stats.rx.ipdv_ms);
      assert_summary_equal (&a->stats.rx.delay_dev_ms, &b->stats.rx.delay_dev_ms);
      g_assert_cmpfloat (a->stats.rx.jitter_ms, ==, b->stats.rx.jitter_ms);
      g_assert_cmpfloat (a->stats.rx.loss_pct, ==, b->stats.rx.loss_pct);
      g_assert_cmpfloat (a->stats.rx.reorder_pct, ==, b->stats.rx.reorder_pct);
      g_assert_cmpfloat (a->stats.rx.dup_pct, ==, b->stats.rx.dup_pct);
      g_assert_cmpfloat (a->stats.rx.throughput_bps, ==, b->stats.rx.throughput_bps);
      g_assert_cmpint (a->stats.rx.rx_ttl, ==, b->stats.rx.rx_ttl);
      g_assert_cmpint (a->stats.rx.rx_tos, ==, b->stats.rx.rx_tos);
      g_assert_cmpuint (a->stats.rx.bulk_bytes, ==, b->stats.rx.bulk_bytes);
      g_assert_cmpfloat (a->stats.rx.baseline_ms, ==, b->stats.rx.baseline_ms);
      g_assert_cmpint (a->stats.rx.last_rx_ns, ==, b->stats.rx.last_rx_ns);
      assert_summary_equal (&a->stats.rx.jitter_d_ms, &b->stats.rx.jitter_d_ms);
      assert_summary_equal (&a->stats.rx.stack_send_ms, &b->stats.rx.stack_send_ms);
      assert_summary_equal (&a->stats.rx.stack_recv_ms, &b->stats.rx.stack_recv_ms);
      g_assert_cmpuint (a->stats.rx.wire_samples, ==, b->stats.rx.wire_samples);
      g_assert_cmpuint (a->stats.rx.untimed, ==, b->stats.rx.untimed);
      g_assert_cmpuint (a->stats.rtt_wire_samples, ==, b->stats.rtt_wire_samples);
      if (!(isnan (a->stats.skew_ppm) && isnan (b->stats.skew_ppm)))
        g_assert_cmpfloat (a->stats.skew_ppm, ==, b->stats.skew_ppm);
      g_assert_cmpint (a->stats.owd_mode, ==, b->stats.owd_mode);
      assert_summary_equal (&a->stats.rtt_ms, &b->stats.rtt_ms);
      g_assert_cmpfloat (a->stats.sched_err_p99_ms, ==, b->stats.sched_err_p99_ms);
      g_assert_cmpuint (a->stats.probes_sent, ==, b->stats.probes_sent);
      break;
    case WV_MSG_ERROR:
    case WV_MSG_BYE:
      g_assert_cmpstr (a->error.code, ==, b->error.code);
      g_assert_cmpstr (a->error.message, ==, b->error.message);
      break;
    case WV_MSG_PATH_REQUEST:
      g_assert_cmpint (a->path_request.trace, ==, b->path_request.trace);
      g_assert_cmpuint (a->path_request.max_ttl, ==, b->path_request.max_ttl);
      g_assert_cmpuint (a->path_request.rounds, ==, b->path_request.rounds);
      g_assert_cmpint (a->path_request.mtu, ==, b->path_request.mtu);
      g_assert_cmpuint (a->path_request.mtu_max, ==, b->path_request.mtu_max);
      g_assert_cmpuint (a->path_request.n_mtu_sizes, ==, b->path_request.n_mtu_sizes);
      for (guint i = 0; i < a->path_request.n_mtu_sizes; i++)
        g_assert_cmpuint (a->path_request.mtu_sizes[i], ==, b->path_request.mtu_sizes[i]);
      break;
    case WV_MSG_PATH_RESULT:
      g_assert_cmpint (a->path_result.kind, ==, b->path_result.kind);
      g_assert_cmpuint (a->path_result.hop.round, ==, b->path_result.hop.round);
      g_assert_cmpuint (a->path_result.hop.ttl, ==, b->path_result.hop.ttl);
      g_assert_cmpstr (a->path_result.hop.addr, ==, b->path_result.hop.addr);
      g_assert_cmpfloat (a->path_result.hop.rtt_ms, ==, b->path_result.hop.rtt_ms);
      g_assert_cmpint (a->path_result.hop.reached, ==, b->path_result.hop.reached);
      g_assert_cmpuint (a->path_result.mtu.hop, ==, b->path_result.mtu.hop);
      g_assert_cmpstr (a->path_result.mtu.addr, ==, b->path_result.mtu.addr);
      g_assert_cmpuint (a->path_result.mtu.mtu, ==, b->path_result.mtu.mtu);
      g_assert_cmpuint (a->path_result.path_mtu.mtu, ==, b->path_result.path_mtu.mtu);
      g_assert_cmpint (a->path_result.path_mtu.confirmed, ==, b->path_result.path_mtu.confirmed);
      g_assert_cmpstr (a->path_result.error, ==, b->path_result.error);
      break;
    case WV_MSG_OUTAGE:
      g_assert_cmpint (a->outage.rx_dir, ==, b->outage.rx_dir);
      g_assert_cmpint (a->outage.start_ns, ==, b->outage.start_ns);
      g_assert_cmpint (a->outage.end_ns, ==, b->outage.end_ns);
      g_assert_cmpuint (a->outage.probes_lost, ==, b->outage.probes_lost);
      break;
    case WV_MSG_STOP_STREAMS:
    case WV_MSG_STREAMS_STOPPED:
    case WV_N_MSG_TYPES:
    default:
      break;
    }
  g_assert_cmpmem (a, sizeof *a, b, sizeof *b);
}

/* Serialises, checks the text, parses it back and compares. Returns the
 * text for further checks. */
static char *
round_trip (const WvMsg *msg)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *again = NULL;
  char *text;
  WvMsg back;

  g_assert_true (wv_msg_validate (msg, &error));
  text = wv_msg_serialize (msg);
  g_assert_nonnull (text);
  g_assert_cmpuint (strlen (text), <=, WV_CONTROL_MAX_SIZE);
  g_assert_true (g_utf8_validate (text, -1, NULL));
  memset (&back, 0x5a, sizeof back);
  if (!wv_msg_parse (text, strlen (text), &back, &error))
    g_error ("own output rejected: %s\n  %s", text, error->message);
  assert_msg_equal (msg, &back);
  /* The text is a fixed point. */
  again = wv_msg_serialize (&back);
  g_assert_cmpstr (again, ==, text);
  return text;
}

/* Strings in a message are compared whole, bytes after the NUL included,
 * as the parser zero-fills them: set them the same way. */
static void
set_text (char *buf, gsize size, const char *text)
{
  memset (buf, 0, size);
  g_strlcpy (buf, text, size);
}

static void
set_summary (WvSummary *s, double min, double p50, double p99, double max, double mean, guint n)
{
  s->min = min;
  s->p50 = p50;
  s->p99 = p99;
  s->max = max;
  s->mean = mean;
  s->n = n;
}

/* Fixtures: messages with ordinary, non-trivial values. */

static void
make_hello (WvMsg *m)
{
  memset (m, 0, sizeof *m);
  m->type = WV_MSG_HELLO;
  m->hello.protocol = WV_PROTOCOL_VERSION;
  set_text (m->hello.software, sizeof m->hello.software, "wifi-verify 0.1.0");
  set_text (m->hello.role, sizeof m->hello.role, "client");
  set_text (m->hello.session, sizeof m->hello.session, "6f1c9a2e-0d4b-4c8e-9a51-3b7d2e8f1a60");
  set_text (m->hello.conn, sizeof m->hello.conn, "c0");
  m->hello.clock.synced = TRUE;
  m->hello.clock.error_ms = 0.25;
  set_text (m->hello.clock.boot_id, sizeof m->hello.clock.boot_id, "b3f0c4de-1a2b-4c5d-8e9f-0a1b2c3d4e5f");
}

static void
make_streams (WvMsg *m, WvMsgType type)
{
  memset (m, 0, sizeof *m);
  m->type = type;
  m->streams.rate_pps = 100;
  m->streams.probe_size = 200;
  m->streams.bulk_bps = 0;
  m->streams.duration_s = 30;
  m->streams.classes.n_classes = 2;
  m->streams.classes.dscp[0] = 46;
  m->streams.classes.dscp[1] = 10;
  if (type == WV_MSG_STREAMS_STARTED)
    {
      m->streams.capped = TRUE;
      set_text (m->streams.reason, sizeof m->streams.reason, "rate 2000 > 1000 pps; ");
      m->streams.rate_pps = 1000;
    }
}

static void
make_stats (WvMsg *m)
{
  WvMsgStats *s = &m->stats;

  memset (m, 0, sizeof *m);
  m->type = WV_MSG_STATS;
  s->time_ns = G_GINT64_CONSTANT (1767225600123456789);
  s->window_s = 10;
  s->class_index = 2;
  s->rx_dir = WV_DIR_S2C;
  s->rx.window_ns = 10 * SEC;
  s->rx.probes = 997;
  s->rx.expected = 1000;
  set_summary (&s->rx.owd_ms, 1.234, 2.5, 9.875, 12.0625, 2.7182818284590451, 997);
  set_summary (&s->rx.ipdv_ms, -3.5, 0.001, 2.25, 4.0, 1.0 / 3.0, 996);
  set_summary (&s->rx.delay_dev_ms, 0, 0, 0, 0, 0, 0);
  s->rx.jitter_ms = 0.40625;
  s->rx.loss_pct = 0.3;
  s->rx.reorder_pct = 0.1;
  s->rx.dup_pct = 0;
  s->rx.throughput_bps = 1.6e6;
  s->rx.rx_ttl = 63;
  s->rx.rx_tos = 0xb8;
  s->rx.bulk_bytes = 2000000;
  s->rx.baseline_ms = 1.5;
  s->rx.last_rx_ns = G_GINT64_CONSTANT (1767225600120000000);
  set_summary (&s->rx.jitter_d_ms, 0, 0.25, 1.5, 2.0, 0.40625, 996);
  set_summary (&s->rx.stack_send_ms, 0.01, 0.05, 0.5, 2.0, 0.0625, 997);
  set_summary (&s->rx.stack_recv_ms, 0.005, 0.02, 0.25, 1.0, 0.03125, 997);
  s->rx.wire_samples = 990;
  s->rx.untimed = 3;
  s->rtt_wire_samples = 985;
  s->skew_ppm = -12.5;
  s->owd_mode = WV_OWD_OFFSET_ESTIMATED;
  set_summary (&s->rtt_ms, 2.0, 3.0, 7.5, 8.25, 3.1415926535897931, 1000);
  s->sched_err_p99_ms = 0.05;
  s->probes_sent = 1000;
}

static void
make_error (WvMsg *m, WvMsgType type)
{
  memset (m, 0, sizeof *m);
  m->type = type;
  if (type == WV_MSG_ERROR)
    set_text (m->error.code, sizeof m->error.code, "busy");
  set_text (m->error.message, sizeof m->error.message, "the server runs its maximum of 4 sessions");
}

static void
make_path_request (WvMsg *m)
{
  memset (m, 0, sizeof *m);
  m->type = WV_MSG_PATH_REQUEST;
  m->path_request.trace = TRUE;
  m->path_request.max_ttl = 30;
  m->path_request.rounds = 3;
  m->path_request.mtu = TRUE;
  m->path_request.mtu_max = 1500;
}

/* A 2 s gap the server saw in the client's probes. */
static void
make_outage (WvMsg *m)
{
  memset (m, 0, sizeof *m);
  m->type = WV_MSG_OUTAGE;
  m->outage.rx_dir = WV_DIR_C2S;
  m->outage.start_ns = G_GINT64_CONSTANT (1763800000250000000);
  m->outage.end_ns = G_GINT64_CONSTANT (1763800002262000000);
  m->outage.probes_lost = 200;
}

/* One path_result of each kind: a hop, a link MTU, the path MTU, the end. */
static void
make_path_result (WvMsg *m, WvRecordType kind)
{
  WvMsgPathResult *r = &m->path_result;

  memset (m, 0, sizeof *m);
  m->type = WV_MSG_PATH_RESULT;
  r->kind = kind;
  switch (kind)
    {
    case WV_RECORD_HOP:
      r->hop.round = 2;
      r->hop.ttl = 3;
      set_text (r->hop.addr, sizeof r->hop.addr, "2001:db8:10::1");
      r->hop.rtt_ms = 1.204;
      r->hop.reached = FALSE;
      break;
    case WV_RECORD_MTU:
      r->mtu.hop = 3;
      set_text (r->mtu.addr, sizeof r->mtu.addr, "10.0.2.1");
      r->mtu.mtu = 1420;
      break;
    case WV_RECORD_PATH_MTU:
      r->path_mtu.mtu = 1420;
      r->path_mtu.confirmed = TRUE;
      break;
    case WV_N_RECORD_TYPES:
    case WV_RECORD_STATS:
    case WV_RECORD_SUMMARY:
    default:
      set_text (r->error, sizeof r->error, "");
      break;
    }
}

static char *
serialize_fixture (WvMsgType type)
{
  WvMsg m;

  switch (type)
    {
    case WV_MSG_HELLO:
      make_hello (&m);
      break;
    case WV_MSG_START_STREAMS:
    case WV_MSG_STREAMS_STARTED:
      make_streams (&m, type);
      break;
    case WV_MSG_STATS:
      make_stats (&m);
      break;
    case WV_MSG_ERROR:
    case WV_MSG_BYE:
      make_error (&m, type);
      break;
    case WV_MSG_PATH_REQUEST:
      make_path_request (&m);
      break;
    case WV_MSG_PATH_RESULT:
      make_path_result (&m, WV_RECORD_HOP);
      break;
    case WV_MSG_OUTAGE:
      make_outage (&m);
      break;
    case WV_MSG_STOP_STREAMS:
    case WV_MSG_STREAMS_STOPPED:
    case WV_N_MSG_TYPES:
    default:
      memset (&m, 0, sizeof m);
      m.type = type;
      break;
    }
  return wv_msg_serialize (&m);
}

/* The fixture of @type with one member changed. @path names it ("rx.owd_ms.n");
 * @raw is the new value as raw JSON text, inserted as is (so it may be
 * anything, "1e999" or "18446744073709551616" included), or NULL to remove
 * the member. */
static char *
mutate (WvMsgType type, const char *path, const char *raw)
{
  static const char placeholder[] = "@@RAW@@";
  g_autofree char *base = serialize_fixture (type);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_auto(GStrv) parts = g_strsplit (path, ".", -1);
  g_autofree char *text = NULL;
  g_autoptr(GString) out = NULL;
  JsonObject *o;
  guint n = g_strv_length (parts);

  g_assert_true (json_parser_load_from_data (parser, base, -1, NULL));
  o = json_node_get_object (json_parser_get_root (parser));
  for (guint i = 0; i + 1 < n; i++)
    o = json_object_get_object_member (o, parts[i]);
  g_assert_nonnull (o);
  if (raw == NULL)
    {
      g_assert_true (json_object_has_member (o, parts[n - 1]));
      json_object_remove_member (o, parts[n - 1]);
    }
  else
    json_object_set_string_member (o, parts[n - 1], placeholder);
  json_generator_set_root (generator, json_parser_get_root (parser));
  text = json_generator_to_data (generator, NULL);
  out = g_string_new (text);
  if (raw != NULL)
    g_assert_cmpuint (g_string_replace (out, "\"" "@@RAW@@" "\"", raw, 1), ==, 1);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* --- packets ---------------------------------------------------------------- */

static void
test_packet_layout (void)
{
  WvPacket p = { 0 }, back;
  guint8 buf[WV_PROBE_MAX_SIZE + 8];
  static const guint8 probe[16] = {
    0x57, 0x01, 0x01, 0x03, 0x01, 0x02, 0x03, 0x04,
    0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
  };
  static const guint8 echo[32] = {
    0x57, 0x02, 0x01, 0x08, 0xff, 0xff, 0xff, 0xfe,
    0x18, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,     /* -1 */
    0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,     /* G_MININT64 */
  };
  g_autoptr(GError) error = NULL;

  /* A probe of exactly the header size. */
  p.kind = WV_PACKET_PROBE;
  p.class_index = 3;
  p.seq = 0x01020304;
  p.t1 = G_GINT64_CONSTANT (0x1122334455667788);
  memset (buf, 0xee, sizeof buf);
  g_assert_cmpuint (wv_packet_write (&p, buf, 16), ==, 16);
  g_assert_cmpmem (buf, 16, probe, sizeof probe);
  g_assert_cmpuint (buf[16], ==, 0xee);     /* nothing written past the size */
  g_assert_true (wv_packet_parse (buf, 16, &back, &error));
  g_assert_no_error (error);
  g_assert_cmpint (back.kind, ==, WV_PACKET_PROBE);
  g_assert_cmpuint (back.class_index, ==, 3);
  g_assert_cmpuint (back.seq, ==, 0x01020304);
  g_assert_cmpint (back.t1, ==, G_GINT64_CONSTANT (0x1122334455667788));
  g_assert_cmpint (back.t2, ==, 0);
  g_assert_cmpint (back.t3, ==, 0);
  g_assert_cmpuint (back.size, ==, 16);

  /* An echo, with negative and extreme times; t2/t3 of a probe are not
   * sent, those of an echo are. */
  p.kind = WV_PACKET_ECHO;
  p.class_index = WV_MAX_CLASSES;
  p.seq = 0xfffffffe;
  p.t1 = G_GINT64_CONSTANT (0x1800000000000001);
  p.t2 = -1;
  p.t3 = G_MININT64;
  g_assert_cmpuint (wv_packet_write (&p, buf, WV_ECHO_SIZE), ==, 32);
  g_assert_cmpmem (buf, 32, echo, sizeof echo);
  g_assert_true (wv_packet_parse (buf, 32, &back, &error));
  g_assert_cmpint (back.kind, ==, WV_PACKET_ECHO);
  g_assert_cmpuint (back.class_index, ==, 8);
  g_assert_cmpuint (back.seq, ==, 0xfffffffe);
  g_assert_cmpint (back.t1, ==, G_GINT64_CONSTANT (0x1800000000000001));
  g_assert_cmpint (back.t2, ==, -1);
  g_assert_cmpint (back.t3, ==, G_MININT64);
  g_assert_cmpuint (back.size, ==, 32);

  /* A padded probe: zeros after the header, t2/t3 ignored. */
  p.kind = WV_PACKET_PROBE;
  p.class_index = 0;
  p.seq = 7;
  p.t1 = G_MAXINT64;
  p.t2 = 5;
  p.t3 = 6;
  memset (buf, 0xee, sizeof buf);
  g_assert_cmpuint (wv_packet_write (&p, buf, WV_PROBE_MAX_SIZE), ==, WV_PROBE_MAX_SIZE);
  for (guint i = 16; i < WV_PROBE_MAX_SIZE; i++)
    g_assert_cmpuint (buf[i], ==, 0);
  g_assert_cmpuint (buf[WV_PROBE_MAX_SIZE], ==, 0xee);
  g_assert_cmpuint (buf[8], ==, 0x7f);
  g_assert_cmpuint (buf[15], ==, 0xff);
  g_assert_true (wv_packet_parse (buf, WV_PROBE_MAX_SIZE, &back, &error));
  g_assert_cmpint (back.t1, ==, G_MAXINT64);
  g_assert_cmpint (back.t2, ==, 0);
  g_assert_cmpint (back.t3, ==, 0);
  g_assert_cmpuint (back.size, ==, WV_PROBE_MAX_SIZE);

  /* Receivers ignore what is in the padding. */
  buf[100] = 0x42;
  g_assert_true (wv_packet_parse (buf, WV_PROBE_MAX_SIZE, &back, &error));
  g_assert_cmpuint (back.seq, ==, 7);

  /* Bulk. */
  p.kind = WV_PACKET_BULK;
  p.class_index = 0;
  p.seq = 0;
  p.t1 = 0;
  g_assert_cmpuint (wv_packet_write (&p, buf, 1000), ==, 1000);
  g_assert_cmpuint (buf[1], ==, 3);
  g_assert_true (wv_packet_parse (buf, 1000, &back, &error));
  g_assert_cmpint (back.kind, ==, WV_PACKET_BULK);
  g_assert_cmpuint (back.size, ==, 1000);

  /* out may be NULL: a check only. */
  g_assert_true (wv_packet_parse (buf, 1000, NULL, NULL));
}

static void
test_packet_write_bounds (void)
{
  static const struct { WvPacketKind kind; guint class_index; gsize size; gsize expect; } cases[] = {
    { WV_PACKET_PROBE, 0, 0, 0 },
    { WV_PACKET_PROBE, 0, 15, 0 },
    { WV_PACKET_PROBE, 0, 16, 16 },
    { WV_PACKET_PROBE, 0, 17, 17 },
    { WV_PACKET_PROBE, 0, 1183, 1183 },
    { WV_PACKET_PROBE, 0, 1184, 1184 },
    { WV_PACKET_PROBE, 0, 1185, 0 },
    { WV_PACKET_PROBE, 0, 65536, 0 },
    { WV_PACKET_BULK, 0, 15, 0 },
    { WV_PACKET_BULK, 0, 16, 16 },
    { WV_PACKET_BULK, 0, 1184, 1184 },
    { WV_PACKET_BULK, 0, 1185, 0 },
    { WV_PACKET_ECHO, 0, 16, 0 },
    { WV_PACKET_ECHO, 0, 31, 0 },
    { WV_PACKET_ECHO, 0, 32, 32 },
    { WV_PACKET_ECHO, 0, 33, 0 },
    { WV_PACKET_ECHO, 0, 1184, 0 },
    { WV_PACKET_PROBE, 8, 16, 16 },
    { WV_PACKET_PROBE, 9, 16, 0 },
    { WV_PACKET_ECHO, 255, 32, 0 },
    { 0, 0, 16, 0 },
    { 4, 0, 16, 0 },
    { 255, 0, 32, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree guint8 *buf = g_malloc (MAX (cases[i].size, 1));
      WvPacket p = { 0 };

      memset (buf, 0xee, MAX (cases[i].size, 1));
      p.kind = cases[i].kind;
      p.class_index = (guint8) cases[i].class_index;
      p.seq = i;
      g_test_message ("case %u: kind %d class %u size %" G_GSIZE_FORMAT, i, cases[i].kind,
                      cases[i].class_index, cases[i].size);
      g_assert_cmpuint (wv_packet_write (&p, buf, cases[i].size), ==, cases[i].expect);
      if (cases[i].expect == 0)
        {
          /* Refused without touching the buffer. */
          for (gsize j = 0; j < cases[i].size; j++)
            g_assert_cmpuint (buf[j], ==, 0xee);
        }
      else
        {
          WvPacket back;

          g_assert_true (wv_packet_parse (buf, cases[i].size, &back, NULL));
          g_assert_cmpuint (back.seq, ==, i);
          g_assert_cmpuint (back.size, ==, cases[i].size);
        }
    }
}

static void
assert_packet_error (const guint8 *data, gsize len, int code)
{
  g_autoptr(GError) error = NULL;
  WvPacket p, untouched;

  memset (&p, 0xa5, sizeof p);
  memcpy (&untouched, &p, sizeof p);
  g_assert_false (wv_packet_parse (data, len, &p, &error));
  g_assert_error (error, WV_PROTOCOL_ERROR, code);
  g_assert_cmpmem (&p, sizeof p, &untouched, sizeof untouched);
}

static void
test_packet_parse_errors (void)
{
  guint8 buf[2048];
  guint8 good[16] = { 0x57, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2 };

  memset (buf, 0, sizeof buf);
  memcpy (buf, good, sizeof good);
  g_assert_true (wv_packet_parse (buf, 16, NULL, NULL));

  /* Too short for the header, whatever the kind. */
  assert_packet_error (buf, 0, WV_PROTOCOL_ERROR_MALFORMED);
  assert_packet_error (NULL, 0, WV_PROTOCOL_ERROR_MALFORMED);
  assert_packet_error (buf, 1, WV_PROTOCOL_ERROR_MALFORMED);
  assert_packet_error (buf, 15, WV_PROTOCOL_ERROR_MALFORMED);

  /* Magic. */
  buf[0] = 0x58;
  assert_packet_error (buf, 16, WV_PROTOCOL_ERROR_MALFORMED);
  buf[0] = 0x00;
  assert_packet_error (buf, 16, WV_PROTOCOL_ERROR_MALFORMED);
  buf[0] = 0x57;

  /* Version. */
  buf[2] = 0;
  assert_packet_error (buf, 16, WV_PROTOCOL_ERROR_VERSION);
  buf[2] = 2;
  assert_packet_error (buf, 16, WV_PROTOCOL_ERROR_VERSION);
  buf[2] = 255;
  assert_packet_error (buf, 16, WV_PROTOCOL_ERROR_VERSION);
  buf[2] = 1;

  /* Kind. */
  buf[1] = 0;
  assert_packet_error (buf, 16, WV_PROTOCOL_ERROR_UNKNOWN_TYPE);
  buf[1] = 5;
  assert_packet_error (buf, 16, WV_PROTOCOL_ERROR_UNKNOWN_TYPE);
  buf[1] = 255;
  assert_packet_error (buf, 16, WV_PROTOCOL_ERROR_UNKNOWN_TYPE);
  buf[1] = 1;

  /* Class index. */
  buf[3] = 8;
  g_assert_true (wv_packet_parse (buf, 16, NULL, NULL));
  buf[3] = 9;
  assert_packet_error (buf, 16, WV_PROTOCOL_ERROR_MALFORMED);
  buf[3] = 255;
  assert_packet_error (buf, 16, WV_PROTOCOL_ERROR_MALFORMED);
  buf[3] = 0;

  /* Sizes per kind. */
  g_assert_true (wv_packet_parse (buf, WV_PROBE_MAX_SIZE, NULL, NULL));
  assert_packet_error (buf, WV_PROBE_MAX_SIZE + 1, WV_PROTOCOL_ERROR_TOO_LARGE);
  assert_packet_error (buf, sizeof buf, WV_PROTOCOL_ERROR_TOO_LARGE);
  buf[1] = WV_PACKET_BULK;
  g_assert_true (wv_packet_parse (buf, 16, NULL, NULL));
  assert_packet_error (buf, WV_PROBE_MAX_SIZE + 1, WV_PROTOCOL_ERROR_TOO_LARGE);
  buf[1] = WV_PACKET_ECHO;
  assert_packet_error (buf, 16, WV_PROTOCOL_ERROR_MALFORMED);
  assert_packet_error (buf, 31, WV_PROTOCOL_ERROR_MALFORMED);
  g_assert_true (wv_packet_parse (buf, 32, NULL, NULL));
  assert_packet_error (buf, 33, WV_PROTOCOL_ERROR_MALFORMED);
  g_assert_true (wv_packet_parse (buf, WV_ECHO_WIRE_SIZE, NULL, NULL));
  assert_packet_error (buf, WV_ECHO_WIRE_SIZE - 1, WV_PROTOCOL_ERROR_MALFORMED);
  assert_packet_error (buf, WV_PROBE_MAX_SIZE, WV_PROTOCOL_ERROR_MALFORMED);
  buf[1] = WV_PACKET_FOLLOWUP;
  assert_packet_error (buf, 16, WV_PROTOCOL_ERROR_MALFORMED);
  g_assert_true (wv_packet_parse (buf, WV_FOLLOWUP_SIZE, NULL, NULL));
  assert_packet_error (buf, WV_FOLLOWUP_SIZE + 1, WV_PROTOCOL_ERROR_MALFORMED);

  /* Control-channel text on the probe channel. */
  assert_packet_error ((const guint8 *) "{\"type\":\"hello\"}", 16, WV_PROTOCOL_ERROR_MALFORMED);
}

/* Follow-ups (two-step wire times): in a probe's padding as many as fit,
 * in a long echo, in a follow-up packet; zero padding (an older sender) and
 * a malformed block read as none. */
static void
test_packet_followups (void)
{
  WvPacket p = { 0 }, back;
  guint8 buf[WV_PROBE_MAX_SIZE];

  p.kind = WV_PACKET_PROBE;
  p.seq = 10;
  p.t1 = 1000;
  p.n_followups = 2;
  p.followups[0] = (WvFollowUp) { 9, G_GINT64_CONSTANT (1767225600123456789) };
  p.followups[1] = (WvFollowUp) { 8, -5 };

  g_assert_cmpuint (wv_packet_write (&p, buf, 64), ==, 64);
  g_assert_true (wv_packet_parse (buf, 64, &back, NULL));
  g_assert_cmpuint (back.n_followups, ==, 2);
  g_assert_cmpuint (back.followups[0].seq, ==, 9);
  g_assert_cmpint (back.followups[0].wire_ns, ==, G_GINT64_CONSTANT (1767225600123456789));
  g_assert_cmpuint (back.followups[1].seq, ==, 8);
  g_assert_cmpint (back.followups[1].wire_ns, ==, -5);

  /* 32 bytes hold one, 31 none, 16 none. */
  g_assert_cmpuint (wv_packet_write (&p, buf, 32), ==, 32);
  g_assert_true (wv_packet_parse (buf, 32, &back, NULL));
  g_assert_cmpuint (back.n_followups, ==, 1);
  g_assert_cmpuint (back.followups[0].seq, ==, 9);
  g_assert_cmpuint (wv_packet_write (&p, buf, 31), ==, 31);
  g_assert_true (wv_packet_parse (buf, 31, &back, NULL));
  g_assert_cmpuint (back.n_followups, ==, 0);

  /* A probe from an older sender: zero padding. */
  p.n_followups = 0;
  g_assert_cmpuint (wv_packet_write (&p, buf, 64), ==, 64);
  g_assert_true (wv_packet_parse (buf, 64, &back, NULL));
  g_assert_cmpuint (back.n_followups, ==, 0);

  /* A count out of range, or longer than the packet: none, and no crash. */
  p.n_followups = 2;
  g_assert_cmpuint (wv_packet_write (&p, buf, 64), ==, 64);
  buf[17] = 3;
  g_assert_true (wv_packet_parse (buf, 64, &back, NULL));
  g_assert_cmpuint (back.n_followups, ==, 0);
  buf[17] = 2;
  g_assert_true (wv_packet_parse (buf, 40, &back, NULL));
  g_assert_cmpuint (back.n_followups, ==, 0);

  /* Echo: the short form has none; the long one carries them. */
  p.kind = WV_PACKET_ECHO;
  p.t2 = 2000;
  p.t3 = 3000;
  g_assert_cmpuint (wv_packet_write (&p, buf, WV_ECHO_SIZE), ==, WV_ECHO_SIZE);
  g_assert_true (wv_packet_parse (buf, WV_ECHO_SIZE, &back, NULL));
  g_assert_cmpuint (back.n_followups, ==, 0);
  g_assert_cmpuint (wv_packet_write (&p, buf, WV_ECHO_WIRE_SIZE), ==, WV_ECHO_WIRE_SIZE);
  g_assert_true (wv_packet_parse (buf, WV_ECHO_WIRE_SIZE, &back, NULL));
  g_assert_cmpint (back.t3, ==, 3000);
  g_assert_cmpuint (back.n_followups, ==, 2);
  g_assert_cmpint (back.followups[1].wire_ns, ==, -5);

  /* The follow-up packet after a stream's last probe. */
  p.kind = WV_PACKET_FOLLOWUP;
  p.n_followups = 1;
  g_assert_cmpuint (wv_packet_write (&p, buf, 32), ==, 0);
  g_assert_cmpuint (wv_packet_write (&p, buf, WV_FOLLOWUP_SIZE), ==, WV_FOLLOWUP_SIZE);
  g_assert_true (wv_packet_parse (buf, WV_FOLLOWUP_SIZE, &back, NULL));
  g_assert_cmpint (back.kind, ==, WV_PACKET_FOLLOWUP);
  g_assert_cmpuint (back.n_followups, ==, 1);
  g_assert_cmpuint (back.followups[0].seq, ==, 9);
}

/* Every byte value in every header position: parsing never crashes and
 * accepts exactly the documented combinations. */
static void
test_packet_header_exhaustive (void)
{
  guint8 buf[32] = { 0x57, 1, 1, 0 };
  guint accepted = 0;

  for (guint pos = 0; pos < 4; pos++)
    for (guint v = 0; v < 256; v++)
      {
        guint8 copy[32];
        WvPacket p;
        gboolean expect;

        memcpy (copy, buf, sizeof copy);
        copy[pos] = (guint8) v;
        switch (pos)
          {
          case 0:
            expect = v == 0x57;
            break;
          case 1:
            expect = v >= 1 && v <= 3;  /* 32 bytes is valid for these three, not for a follow-up */
            break;
          case 2:
            expect = v == 1;
            break;
          default:
            expect = v <= 8;
            break;
          }
        g_assert_cmpint (wv_packet_parse (copy, sizeof copy, &p, NULL), ==, expect);
        accepted += expect;
      }
  g_assert_cmpuint (accepted, ==, 1 + 3 + 1 + 9);
}

/* Test probes: the layout of docs/protocol.md, the padded length a probe
 * carries (bytes 20-21), and 20-byte probes of earlier senders. */
static void
test_testprobe_layout (void)
{
  static const guint8 probe_bytes[WV_TESTPROBE_SIZE] = {
    0x57, 4, 1, 7,
    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
    0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
    0x05, 0x6c,   /* 1388: a 1416-byte IPv4 datagram */
  };
  WvTestProbe tp = { WV_TESTPROBE }, back, ack = { WV_TESTPROBE_ACK };
  guint8 buf[WV_TESTPROBE_ACK_SIZE];
  guint8 padded[200] = { 0 };
  g_autoptr(GError) error = NULL;

  tp.ttl = 7;
  tp.probe_id = G_GUINT64_CONSTANT (0x0102030405060708);
  tp.t1 = G_GINT64_CONSTANT (0x1122334455667788);
  tp.udp_length = 1388;
  g_assert_cmpuint (wv_testprobe_write (&tp, buf, WV_TESTPROBE_SIZE), ==, WV_TESTPROBE_SIZE);
  g_assert_cmpmem (buf, WV_TESTPROBE_SIZE, probe_bytes, sizeof probe_bytes);
  g_assert_true (wv_testprobe_parse (buf, WV_TESTPROBE_SIZE, &back, &error));
  g_assert_no_error (error);
  g_assert_cmpint (back.kind, ==, WV_TESTPROBE);
  g_assert_cmpuint (back.ttl, ==, 7);
  g_assert_cmpuint (back.probe_id, ==, tp.probe_id);
  g_assert_cmpint (back.t1, ==, tp.t1);
  g_assert_cmpuint (back.udp_length, ==, 1388);
  /* Too short for the current layout. */
  g_assert_cmpuint (wv_testprobe_write (&tp, buf, WV_TESTPROBE_MIN_SIZE), ==, 0);

  /* An earlier sender's probe: 20 bytes, no length. */
  g_assert_true (wv_testprobe_parse (probe_bytes, WV_TESTPROBE_MIN_SIZE, &back, NULL));
  g_assert_cmpuint (back.udp_length, ==, 0);
  g_assert_cmpuint (back.probe_id, ==, tp.probe_id);
  g_assert_false (wv_testprobe_parse (probe_bytes, WV_TESTPROBE_MIN_SIZE - 1, &back, NULL));

  /* Padding inside the message (as the protocol allows) is ignored. */
  memcpy (padded, probe_bytes, sizeof probe_bytes);
  g_assert_true (wv_testprobe_parse (padded, sizeof padded, &back, NULL));
  g_assert_cmpuint (back.udp_length, ==, 1388);

  /* The ack: a browser copies the probe's length, with TTL unknown. */
  ack.ttl = 7;
  ack.probe_id = tp.probe_id;
  ack.t1 = tp.t1;
  ack.udp_length = 1388;
  ack.rx_ttl = -1;
  ack.t2 = 100;
  ack.t3 = 200;
  g_assert_cmpuint (wv_testprobe_write (&ack, buf, sizeof buf), ==, WV_TESTPROBE_ACK_SIZE);
  g_assert_cmpmem (buf + 2, WV_TESTPROBE_SIZE - 2, probe_bytes + 2, WV_TESTPROBE_SIZE - 2);
  g_assert_cmpuint (buf[1], ==, 5);
  g_assert_cmpuint (buf[22], ==, 0xff);
  g_assert_cmpuint (buf[23], ==, 0xff);
  g_assert_true (wv_testprobe_parse (buf, sizeof buf, &back, NULL));
  g_assert_cmpuint (back.udp_length, ==, 1388);
  g_assert_cmpint (back.rx_ttl, ==, -1);
  g_assert_cmpint (back.t2, ==, 100);
  g_assert_cmpint (back.t3, ==, 200);
  g_assert_false (wv_testprobe_parse (buf, sizeof buf - 1, &back, NULL));
}

/* --- names ------------------------------------------------------------------ */

static void
test_names (void)
{
  static const char *const types[] = {
    "hello", "start_streams", "streams_started", "stop_streams", "streams_stopped",
    "stats", "error", "bye", "path_request", "path_result", "outage",
  };

  G_STATIC_ASSERT (G_N_ELEMENTS (types) == WV_N_MSG_TYPES);
  for (guint i = 0; i < WV_N_MSG_TYPES; i++)
    g_assert_cmpstr (wv_msg_type_to_string ((WvMsgType) i), ==, types[i]);
  g_assert_null (wv_msg_type_to_string (WV_N_MSG_TYPES));
  g_assert_null (wv_msg_type_to_string ((WvMsgType) -1));

  g_assert_cmpstr (wv_direction_to_string (WV_DIR_C2S), ==, "c2s");
  g_assert_cmpstr (wv_direction_to_string (WV_DIR_S2C), ==, "s2c");
  g_assert_null (wv_direction_to_string ((WvDirection) 2));

  g_assert_cmpstr (wv_owd_mode_to_string (WV_OWD_SYNCED), ==, "synced");
  g_assert_cmpstr (wv_owd_mode_to_string (WV_OWD_OFFSET_ESTIMATED), ==, "offset-estimated");
  g_assert_null (wv_owd_mode_to_string ((WvOwdMode) 2));

  g_assert_cmpstr (wv_record_type_to_string (WV_RECORD_STATS), ==, "stats");
  g_assert_cmpstr (wv_record_type_to_string (WV_RECORD_SUMMARY), ==, "summary");
  g_assert_cmpstr (wv_record_type_to_string (WV_RECORD_HOP), ==, "hop");
  g_assert_cmpstr (wv_record_type_to_string (WV_RECORD_MTU), ==, "mtu");
  g_assert_cmpstr (wv_record_type_to_string (WV_RECORD_PATH_MTU), ==, "path_mtu");
  g_assert_cmpstr (wv_record_type_to_string (WV_RECORD_OUTAGE), ==, "outage");
  g_assert_cmpstr (wv_record_type_to_string (WV_RECORD_LOST), ==, "lost");
  g_assert_null (wv_record_type_to_string (WV_N_RECORD_TYPES));

  g_assert_cmpstr (g_quark_to_string (WV_PROTOCOL_ERROR), ==, "wv-protocol-error-quark");
}

/* --- control messages: round trips ------------------------------------------ */

static void
test_roundtrip_fixtures (void)
{
  for (guint t = 0; t < WV_N_MSG_TYPES; t++)
    {
      g_autofree char *text = serialize_fixture ((WvMsgType) t);
      g_autofree char *again = NULL;
      WvMsg m;

      g_test_message ("%s", text);
      parse_ok (text, &m);
      g_assert_cmpint (m.type, ==, t);
      again = round_trip (&m);
      g_assert_cmpstr (again, ==, text);
    }
}

/* The exact texts: they pin the wire format (and docs/protocol.md shows
 * the same). */
static void
test_exact_text (void)
{
  WvMsg m;
  g_autofree char *streams = NULL, *started = NULL, *stop = NULL, *stopped = NULL;
  g_autofree char *bye = NULL, *error = NULL, *hello = NULL, *text = NULL;

  make_streams (&m, WV_MSG_START_STREAMS);
  streams = round_trip (&m);
  g_assert_cmpstr (streams, ==,
                   "{\"type\":\"start_streams\",\"rate_pps\":100,\"probe_size\":200,"
                   "\"bulk_bps\":0,\"duration_s\":30.0,\"classes\":[46,10]}");

  make_streams (&m, WV_MSG_STREAMS_STARTED);
  started = round_trip (&m);
  g_assert_cmpstr (started, ==,
                   "{\"type\":\"streams_started\",\"rate_pps\":1000,\"probe_size\":200,"
                   "\"bulk_bps\":0,\"duration_s\":30.0,\"classes\":[46,10],"
                   "\"capped\":true,\"reason\":\"rate 2000 > 1000 pps; \"}");

  memset (&m, 0, sizeof m);
  m.type = WV_MSG_STOP_STREAMS;
  stop = round_trip (&m);
  g_assert_cmpstr (stop, ==, "{\"type\":\"stop_streams\"}");
  m.type = WV_MSG_STREAMS_STOPPED;
  stopped = round_trip (&m);
  g_assert_cmpstr (stopped, ==, "{\"type\":\"streams_stopped\"}");

  make_error (&m, WV_MSG_BYE);
  bye = round_trip (&m);
  g_assert_cmpstr (bye, ==,
                   "{\"type\":\"bye\",\"reason\":\"the server runs its maximum of 4 sessions\"}");
  make_error (&m, WV_MSG_ERROR);
  error = round_trip (&m);
  g_assert_cmpstr (error, ==,
                   "{\"type\":\"error\",\"code\":\"busy\","
                   "\"message\":\"the server runs its maximum of 4 sessions\"}");

  make_outage (&m);
  g_free (text);
  text = round_trip (&m);
  g_assert_cmpstr (text, ==,
                   "{\"type\":\"outage\",\"rx_dir\":\"c2s\",\"start_ns\":1763800000250000000,"
                   "\"end_ns\":1763800002262000000,\"probes_lost\":200}");
  /* An end before the start is refused. */
  m.outage.end_ns = m.outage.start_ns - 1;
  g_assert_false (wv_msg_validate (&m, NULL));

  make_path_request (&m);
  g_free (text);
  text = round_trip (&m);
  g_assert_cmpstr (text, ==,
                   "{\"type\":\"path_request\",\"trace\":true,\"max_ttl\":30,\"rounds\":3,"
                   "\"mtu\":true,\"mtu_max\":1500}");
  /* Sizes of its own only when asked (older peers never see the member). */
  m.path_request.n_mtu_sizes = 2;
  m.path_request.mtu_sizes[0] = 1280;
  m.path_request.mtu_sizes[1] = 1400;
  g_free (text);
  text = round_trip (&m);
  g_assert_cmpstr (text, ==,
                   "{\"type\":\"path_request\",\"trace\":true,\"max_ttl\":30,\"rounds\":3,"
                   "\"mtu\":true,\"mtu_max\":1500,\"mtu_sizes\":[1280,1400]}");
  /* Marked traceroute probes: older peers ignore the member. */
  m.path_request.trace_marked = TRUE;
  m.path_request.trace_dscp = 46;
  g_free (text);
  text = round_trip (&m);
  g_assert_cmpstr (text, ==,
                   "{\"type\":\"path_request\",\"trace\":true,\"max_ttl\":30,\"rounds\":3,"
                   "\"mtu\":true,\"mtu_max\":1500,\"mtu_sizes\":[1280,1400],\"dscp\":46}");
  make_path_result (&m, WV_RECORD_HOP);
  g_free (text);
  text = round_trip (&m);
  g_assert_cmpstr (text, ==,
                   "{\"type\":\"path_result\",\"kind\":\"hop\",\"round\":2,\"ttl\":3,"
                   "\"addr\":\"2001:db8:10::1\",\"rtt_ms\":1.204,\"reached\":false}");
  /* The TOS sent and the one a router quoted, when known. */
  m.path_result.hop.has_tos = TRUE;
  m.path_result.hop.tos = 184;
  m.path_result.hop.has_rx_tos = TRUE;
  m.path_result.hop.rx_tos = 0;
  g_free (text);
  text = round_trip (&m);
  g_assert_cmpstr (text, ==,
                   "{\"type\":\"path_result\",\"kind\":\"hop\",\"round\":2,\"ttl\":3,"
                   "\"addr\":\"2001:db8:10::1\",\"rtt_ms\":1.204,\"reached\":false,"
                   "\"tos\":184,\"rx_tos\":0}");
  make_path_result (&m, WV_RECORD_MTU);
  g_free (text);
  text = round_trip (&m);
  g_assert_cmpstr (text, ==,
                   "{\"type\":\"path_result\",\"kind\":\"mtu\",\"hop\":3,"
                   "\"addr\":\"10.0.2.1\",\"mtu\":1420}");
  make_path_result (&m, WV_RECORD_PATH_MTU);
  g_free (text);
  text = round_trip (&m);
  g_assert_cmpstr (text, ==,
                   "{\"type\":\"path_result\",\"kind\":\"path_mtu\",\"mtu\":1420,"
                   "\"confirmed\":true}");
  make_path_result (&m, WV_N_RECORD_TYPES);
  g_free (text);
  text = round_trip (&m);
  g_assert_cmpstr (text, ==, "{\"type\":\"path_result\",\"kind\":\"done\",\"error\":\"\"}");

  make_hello (&m);
  hello = round_trip (&m);
  g_assert_cmpstr (hello, ==,
                   "{\"type\":\"hello\",\"protocol\":1,\"software\":\"wifi-verify 0.1.0\","
                   "\"role\":\"client\",\"session\":\"6f1c9a2e-0d4b-4c8e-9a51-3b7d2e8f1a60\","
                   "\"conn\":\"c0\",\"clock\":{\"synced\":true,\"error_ms\":0.25,"
                   "\"boot_id\":\"b3f0c4de-1a2b-4c5d-8e9f-0a1b2c3d4e5f\"}}");
}

static void
test_roundtrip_stats_text (void)
{
  WvMsg m;
  g_autofree char *text = NULL;

  make_stats (&m);
  text = round_trip (&m);
  /* Names and encodings that other programs rely on. */
  g_assert_nonnull (strstr (text, "\"time_ns\":1767225600123456789,"));
  g_assert_nonnull (strstr (text, "\"rx_dir\":\"s2c\""));
  g_assert_nonnull (strstr (text, "\"owd_mode\":\"offset-estimated\""));
  g_assert_nonnull (strstr (text, "\"owd_ms\":{\"min\":1.234,\"p50\":2.5,\"p99\":9.875,"
                                  "\"max\":12.0625,\"mean\":2.7182818284590451,\"n\":997}"));
  /* An empty summary: null values, not zeros. */
  g_assert_nonnull (strstr (text, "\"delay_dev_ms\":{\"min\":null,\"p50\":null,\"p99\":null,"
                                  "\"max\":null,\"mean\":null,\"n\":0}"));
  g_assert_nonnull (strstr (text, "\"ipdv_ms\":{\"min\":-3.5,\"p50\":0.001,\"p99\":2.25,"
                                  "\"max\":4.0,\"mean\":0.33333333333333331,\"n\":996}"));
  g_assert_nonnull (strstr (text, "\"rx_tos\":184,"));
  g_assert_null (strstr (text, "window_ns"));

  m.stats.owd_mode = WV_OWD_SYNCED;
  m.stats.rx_dir = WV_DIR_C2S;
  g_free (text);
  text = round_trip (&m);
  g_assert_nonnull (strstr (text, "\"owd_mode\":\"synced\""));
  g_assert_nonnull (strstr (text, "\"rx_dir\":\"c2s\""));
}

static void
test_roundtrip_extremes (void)
{
  /* Doubles that need all 17 digits, the smallest subnormal, the bounds,
   * negative zero, and values with one significant digit whose "%.17g" has
   * no '.', which json-glib 1.6 alone writes as invalid "1e-08.0". */
  static const double awkward[] = {
    0.1, 1.0 / 3.0, 2.0 / 3.0, 4.9406564584124654e-324, 2.2250738585072014e-308,
    1e-8, 2e-8, 3e-9, 1e-10, 2e-12, 1e-300, 1e15, 999999999999999.88, 123456.789,
    0.0, 1e-4, 9.9999999999999991e-05,
  };
  WvMsg m;

  /* hello: every string at its longest, multi-byte UTF-8 included. */
  make_hello (&m);
  memset (m.hello.software, 'S', sizeof m.hello.software - 1);
  set_text (m.hello.role, sizeof m.hello.role, "server");
  for (guint i = 0; i < WV_MAX_ID_LEN / 2; i++)
    memcpy (m.hello.session + 2 * i, "\xc3\xa9", 2);   /* é */
  memcpy (m.hello.conn, "\xf0\x9f\x93\xb6", 4);          /* 📶, 4 bytes */
  memset (m.hello.conn + 4, 'c', WV_MAX_ID_LEN - 4);
  memset (m.hello.clock.boot_id, 'b', sizeof m.hello.clock.boot_id - 1);
  m.hello.clock.synced = FALSE;
  m.hello.clock.error_ms = -1;
  g_assert_cmpuint (strlen (m.hello.session), ==, WV_MAX_ID_LEN);
  g_assert_cmpuint (strlen (m.hello.conn), ==, WV_MAX_ID_LEN);
  g_free (round_trip (&m));
  for (guint i = 0; i < G_N_ELEMENTS (awkward); i++)
    {
      m.hello.clock.error_ms = awkward[i];
      g_free (round_trip (&m));
    }
  /* Strings with JSON escapes, quotes and non-ASCII. */
  set_text (m.hello.software, sizeof m.hello.software, "a \"quoted\" \\ back/slash \xe2\x9c\x93");
  set_text (m.hello.session, sizeof m.hello.session, "");
  g_free (round_trip (&m));

  /* start_streams at its limits. */
  make_streams (&m, WV_MSG_START_STREAMS);
  m.streams.rate_pps = WV_MAX_RATE_PPS;
  m.streams.probe_size = WV_PROBE_MAX_SIZE;
  m.streams.bulk_bps = WV_MAX_BULK_BPS;
  m.streams.duration_s = WV_MAX_DURATION_S;
  m.streams.classes.n_classes = WV_MAX_CLASSES;
  for (guint i = 0; i < WV_MAX_CLASSES; i++)
    m.streams.classes.dscp[i] = (int) (i * 9);       /* 0 .. 63 */
  g_assert_cmpint (m.streams.classes.dscp[7], ==, 63);
  g_free (round_trip (&m));
  m.streams.rate_pps = 1;
  m.streams.probe_size = WV_PROBE_MIN_SIZE;
  m.streams.bulk_bps = 0;
  m.streams.duration_s = 0;
  m.streams.classes.n_classes = 0;
  memset (m.streams.classes.dscp, 0, sizeof m.streams.classes.dscp);
  g_free (round_trip (&m));
  for (guint i = 0; i < G_N_ELEMENTS (awkward); i++)
    {
      m.streams.duration_s = awkward[i] > WV_MAX_DURATION_S ? 1.0 / awkward[i] : awkward[i];
      g_free (round_trip (&m));
    }

  /* streams_started with the longest reason. */
  make_streams (&m, WV_MSG_STREAMS_STARTED);
  memset (m.streams.reason, 'r', sizeof m.streams.reason - 1);
  g_free (round_trip (&m));
  m.streams.capped = FALSE;
  set_text (m.streams.reason, sizeof m.streams.reason, "");
  g_free (round_trip (&m));

  /* stats: integer extremes, each window, awkward doubles everywhere. */
  make_stats (&m);
  m.stats.time_ns = G_MAXINT64;
  m.stats.rx.last_rx_ns = G_MAXINT64;
  m.stats.rx.probes = G_MAXUINT32;
  m.stats.rx.expected = G_MAXINT64;
  m.stats.rx.bulk_bytes = G_MAXINT64;
  m.stats.probes_sent = G_MAXINT64;
  m.stats.rx.rx_ttl = 255;
  m.stats.rx.rx_tos = 255;
  m.stats.class_index = WV_MAX_CLASSES;
  m.stats.rx.owd_ms.n = G_MAXUINT32;
  g_free (round_trip (&m));
  m.stats.time_ns = 0;
  m.stats.rx.last_rx_ns = 0;
  m.stats.rx.probes = 0;
  m.stats.rx.expected = 0;
  m.stats.rx.bulk_bytes = 0;
  m.stats.probes_sent = 0;
  m.stats.rx.rx_ttl = -1;
  m.stats.rx.rx_tos = -1;
  m.stats.class_index = 0;
  m.stats.sched_err_p99_ms = -1;
  m.stats.rx.loss_pct = 100;
  m.stats.rx.reorder_pct = 100;
  m.stats.rx.dup_pct = 100;
  m.stats.rx.baseline_ms = -1e15;
  set_summary (&m.stats.rx.owd_ms, -1e15, -0.0, 0.0, 1e15, -2.5e-7, 3);
  set_summary (&m.stats.rtt_ms, 0, 0, 0, 0, 0, 0);
  g_free (round_trip (&m));
  for (guint w = 0; w < 4; w++)
    {
      static const guint windows[] = { 0, 1, 10, 60 };

      m.stats.window_s = windows[w];
      m.stats.rx.window_ns = (gint64) windows[w] * SEC;
      g_free (round_trip (&m));
    }
  for (guint i = 0; i < G_N_ELEMENTS (awkward); i++)
    {
      double v = awkward[i];

      set_summary (&m.stats.rx.ipdv_ms, -v, v, v, v, v, 1);
      set_summary (&m.stats.rtt_ms, v, v, v, v, v, 2);
      m.stats.rx.jitter_ms = v;
      m.stats.rx.throughput_bps = v;
      m.stats.rx.baseline_ms = -v;
      m.stats.sched_err_p99_ms = v;
      m.stats.rx.loss_pct = v > 100 ? 100 / v : v;
      g_free (round_trip (&m));
    }

  /* path_request: bounds, and the parts not asked for at 0. */
  make_path_request (&m);
  m.path_request.max_ttl = WV_MAX_TTL;
  m.path_request.rounds = WV_MAX_ROUNDS;
  m.path_request.mtu_max = WV_MTU_MAX;
  g_free (round_trip (&m));
  m.path_request.max_ttl = 1;
  m.path_request.rounds = 1;
  m.path_request.mtu = FALSE;
  m.path_request.mtu_max = 0;
  g_free (round_trip (&m));
  m.path_request.trace = FALSE;
  m.path_request.max_ttl = 0;
  m.path_request.rounds = 0;
  m.path_request.mtu = TRUE;
  m.path_request.mtu_max = WV_MTU_MIN;
  g_free (round_trip (&m));
  m.path_request.n_mtu_sizes = WV_MTU_MAX_SIZES;
  for (guint i = 0; i < WV_MTU_MAX_SIZES; i++)
    m.path_request.mtu_sizes[i] = WV_MTU_MIN + i * (WV_MTU_MAX - WV_MTU_MIN) / (WV_MTU_MAX_SIZES - 1);
  g_assert_cmpuint (m.path_request.mtu_sizes[WV_MTU_MAX_SIZES - 1], ==, WV_MTU_MAX);
  g_free (round_trip (&m));

  /* path_result: every kind; silent hops, unknown MTUs, long texts. */
  {
    static const WvRecordType kinds[] = {
      WV_RECORD_HOP, WV_RECORD_MTU, WV_RECORD_PATH_MTU, WV_N_RECORD_TYPES,
    };

    for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
      {
        make_path_result (&m, kinds[k]);
        g_free (round_trip (&m));
      }
  }
  make_path_result (&m, WV_RECORD_HOP);
  m.path_result.hop.round = WV_MAX_ROUNDS;
  m.path_result.hop.ttl = WV_MAX_TTL;
  set_text (m.path_result.hop.addr, sizeof m.path_result.hop.addr, "");
  m.path_result.hop.rtt_ms = -1;
  g_free (round_trip (&m));
  /* The longest IPv6 text: 45 bytes. */
  set_text (m.path_result.hop.addr, sizeof m.path_result.hop.addr,
            "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255");
  g_assert_cmpuint (strlen (m.path_result.hop.addr), ==, 45);
  m.path_result.hop.rtt_ms = 0;
  m.path_result.hop.reached = TRUE;
  g_free (round_trip (&m));
  for (guint i = 0; i < G_N_ELEMENTS (awkward); i++)
    {
      m.path_result.hop.rtt_ms = awkward[i];
      g_free (round_trip (&m));
    }
  make_path_result (&m, WV_RECORD_MTU);
  m.path_result.mtu.hop = 1;
  m.path_result.mtu.mtu = 0;
  set_text (m.path_result.mtu.addr, sizeof m.path_result.mtu.addr, "");
  g_free (round_trip (&m));
  m.path_result.mtu.hop = WV_MAX_TTL;
  m.path_result.mtu.mtu = WV_MTU_MAX;
  set_text (m.path_result.mtu.addr, sizeof m.path_result.mtu.addr, "fe80::1%eth0");
  g_free (round_trip (&m));
  make_path_result (&m, WV_RECORD_PATH_MTU);
  m.path_result.path_mtu.mtu = 0;
  m.path_result.path_mtu.confirmed = FALSE;
  g_free (round_trip (&m));
  make_path_result (&m, WV_N_RECORD_TYPES);
  memset (m.path_result.error, 'e', sizeof m.path_result.error - 1);
  g_free (round_trip (&m));

  /* error and bye at their longest. */
  make_error (&m, WV_MSG_ERROR);
  memset (m.error.code, 'x', sizeof m.error.code - 1);
  memset (m.error.message, 'm', sizeof m.error.message - 1);
  g_free (round_trip (&m));
  set_text (m.error.code, sizeof m.error.code, "A.b-c_9");
  g_free (round_trip (&m));
  make_error (&m, WV_MSG_BYE);
  memset (m.error.message, 'm', sizeof m.error.message - 1);
  g_free (round_trip (&m));
  set_text (m.error.message, sizeof m.error.message, "");
  g_free (round_trip (&m));
}

/* json-glib 1.6 writes 1e-08 as "1e-08.0"; the serializer repairs it. */
static void
test_exponent_repair (void)
{
  WvMsg m;
  g_autofree char *text = NULL;

  make_hello (&m);
  m.hello.clock.error_ms = 1e-8;
  text = round_trip (&m);
  g_assert_nonnull (strstr (text, "\"error_ms\":1e-08,"));
  /* A string that looks like a broken number is left alone. */
  set_text (m.hello.software, sizeof m.hello.software, "1e-08.0 e5.0");
  g_free (text);
  text = round_trip (&m);
  g_assert_nonnull (strstr (text, "\"software\":\"1e-08.0 e5.0\""));
  g_assert_nonnull (strstr (text, "\"error_ms\":1e-08,"));
}

/* What a newer peer may add is ignored; numbers may be written either way. */
static void
test_forward_compatible (void)
{
  WvMsg m, expect;

  parse_ok ("{\"type\":\"stop_streams\",\"since\":\"v2\",\"x\":{\"y\":[1,2.5,null,true,{}]}}", &m);
  g_assert_cmpint (m.type, ==, WV_MSG_STOP_STREAMS);

  /* Members in any order, whitespace, an integer duration, extra members in
   * nested objects. */
  parse_ok ("\n{ \"classes\" : [ ] ,\"duration_s\":30, \"bulk_bps\":0,\r\n\t\"probe_size\":16,"
            "\"rate_pps\":1,\"type\":\"start_streams\",\"capped\":true,\"reason\":\"ignored\","
            "\"future\":{\"a\":[[[]]]}}  \n", &m);
  memset (&expect, 0, sizeof expect);
  expect.type = WV_MSG_START_STREAMS;
  expect.streams.rate_pps = 1;
  expect.streams.probe_size = 16;
  expect.streams.duration_s = 30;
  assert_msg_equal (&expect, &m);

  parse_ok ("{\"type\":\"hello\",\"protocol\":1,\"software\":\"x\",\"role\":\"server\","
            "\"session\":\"s\",\"conn\":\"c\",\"clock\":{\"synced\":false,\"error_ms\":-1,"
            "\"boot_id\":\"\",\"source\":\"ptp\"},\"features\":[\"mtu\"]}", &m);
  g_assert_cmpfloat (m.hello.clock.error_ms, ==, -1.0);
  g_assert_false (m.hello.clock.synced);
  g_assert_cmpstr (m.hello.role, ==, "server");

  /* An empty summary may leave its values out; a number with an exponent
   * and a capital E are fine. */
  {
    g_autofree char *text = mutate (WV_MSG_STATS, "rx.delay_dev_ms", "{\"n\":0}");
    g_autofree char *text2 = mutate (WV_MSG_STATS, "rx.jitter_ms", "4.0625E-1");

    parse_ok (text, &m);
    g_assert_cmpuint (m.stats.rx.delay_dev_ms.n, ==, 0);
    g_assert_cmpfloat (m.stats.rx.delay_dev_ms.min, ==, 0);
    parse_ok (text2, &m);
    g_assert_cmpfloat (m.stats.rx.jitter_ms, ==, 0.40625);
  }

  /* wire_times is said only when true; absent, it is FALSE. */
  {
    WvMsg h;
    g_autofree char *plain = NULL, *wire = NULL;

    make_hello (&h);
    plain = wv_msg_serialize (&h);
    g_assert_null (strstr (plain, "wire_times"));
    h.hello.wire_times = TRUE;
    wire = wv_msg_serialize (&h);
    g_assert_nonnull (strstr (wire, "\"wire_times\":true"));
    parse_ok (wire, &m);
    g_assert_true (m.hello.wire_times);
    parse_ok (plain, &m);
    g_assert_false (m.hello.wire_times);
  }

  /* A peer from before the wire times: no stack figures, no skew. */
  {
    g_autofree char *t1 = mutate (WV_MSG_STATS, "rx.stack_send_ms", NULL);
    g_autofree char *t2 = mutate (WV_MSG_STATS, "skew_ppm", NULL);
    g_autofree char *t3 = mutate (WV_MSG_STATS, "rx.wire_samples", NULL);

    parse_ok (t1, &m);
    g_assert_cmpuint (m.stats.rx.stack_send_ms.n, ==, 0);
    parse_ok (t2, &m);
    g_assert_true (isnan (m.stats.skew_ppm));
    parse_ok (t3, &m);
    g_assert_cmpuint (m.stats.rx.wire_samples, ==, 0);
  }

  /* A peer from before jitter_d_ms: its stats still parse, with the
   * summary empty. */
  {
    g_autofree char *text = mutate (WV_MSG_STATS, "rx.jitter_d_ms", NULL);

    parse_ok (text, &m);
    g_assert_cmpuint (m.stats.rx.jitter_d_ms.n, ==, 0);
    g_assert_cmpfloat (m.stats.rx.jitter_d_ms.mean, ==, 0);
    g_assert_cmpfloat (m.stats.rx.jitter_ms, ==, 0.40625);
  }

  /* A surrogate pair is one character: U+1F4F6 (4 bytes of UTF-8). */
  parse_ok ("{\"type\":\"bye\",\"reason\":\"\\ud83d\\udcf6 \\u00e9\\/\"}", &m);
  g_assert_cmpstr (m.error.message, ==, "\xf0\x9f\x93\xb6 \xc3\xa9/");

  /* Output may be NULL. */
  g_assert_true (wv_msg_parse ("{\"type\":\"bye\",\"reason\":\"\"}", 26, NULL, NULL));
}

/* --- control messages: rejected input ---------------------------------------- */

typedef struct
{
  const char *text;
  int code;
  const char *fragment;
} RawCase;

static void
test_malformed_text (void)
{
  static const RawCase cases[] = {
    /* Not JSON, not an object, truncated. */
    { "", WV_PROTOCOL_ERROR_MALFORMED, "empty" },
    { "   \n\t", WV_PROTOCOL_ERROR_MALFORMED, "no value" },
    { "{", WV_PROTOCOL_ERROR_MALFORMED, "truncated" },
    { "{\"type\":\"bye\",\"reason\":\"x\"", WV_PROTOCOL_ERROR_MALFORMED, "truncated" },
    { "{\"type\":\"bye\",\"reason\":\"x", WV_PROTOCOL_ERROR_MALFORMED, "unterminated" },
    { "{\"type\":\"bye\",\"reason\":", WV_PROTOCOL_ERROR_MALFORMED, "not valid JSON" },
    { "{\"type\":\"bye\",\"reason\":\"x\\", WV_PROTOCOL_ERROR_MALFORMED, "unterminated" },
    { "{\"type\":\"bye\",\"reason\":\"\\u00", WV_PROTOCOL_ERROR_MALFORMED, "\\u escape" },
    { "[]", WV_PROTOCOL_ERROR_MALFORMED, "not a JSON object" },
    { "[{\"type\":\"bye\",\"reason\":\"\"}]", WV_PROTOCOL_ERROR_MALFORMED, "not a JSON object" },
    { "\"hello\"", WV_PROTOCOL_ERROR_MALFORMED, "not a JSON object" },
    { "42", WV_PROTOCOL_ERROR_MALFORMED, "not a JSON object" },
    { "null", WV_PROTOCOL_ERROR_MALFORMED, "not a JSON object" },
    { "true", WV_PROTOCOL_ERROR_MALFORMED, "not a JSON object" },
    { "hello", WV_PROTOCOL_ERROR_MALFORMED, "not a JSON object" },
    { "}", WV_PROTOCOL_ERROR_MALFORMED, "not a JSON object" },
    { "\xef\xbb\xbf{\"type\":\"stop_streams\"}", WV_PROTOCOL_ERROR_MALFORMED, "not a JSON object" },
    /* The type member. */
    { "{}", WV_PROTOCOL_ERROR_MALFORMED, "no \"type\"" },
    { "{\"Type\":\"bye\",\"reason\":\"\"}", WV_PROTOCOL_ERROR_MALFORMED, "no \"type\"" },
    { "{\"type\":1}", WV_PROTOCOL_ERROR_MALFORMED, "\"type\" is not a string" },
    { "{\"type\":null}", WV_PROTOCOL_ERROR_MALFORMED, "\"type\" is not a string" },
    { "{\"type\":[\"hello\"]}", WV_PROTOCOL_ERROR_MALFORMED, "\"type\" is not a string" },
    { "{\"type\":{\"hello\":1}}", WV_PROTOCOL_ERROR_MALFORMED, "\"type\" is not a string" },
    { "{\"type\":\"HELLO\"}", WV_PROTOCOL_ERROR_UNKNOWN_TYPE, "\"HELLO\"" },
    /* The version is checked before any other member of hello. */
    { "{\"type\":\"hello\",\"protocol\":2}", WV_PROTOCOL_ERROR_VERSION, "version 2" },
    { "{\"type\":\"hello\",\"protocol\":2,\"role\":7}", WV_PROTOCOL_ERROR_VERSION, NULL },
    { "{\"type\":\"hello\"}", WV_PROTOCOL_ERROR_MALFORMED, "hello.protocol: missing" },
    { "{\"type\":\"fly\",\"speed\":12}", WV_PROTOCOL_ERROR_UNKNOWN_TYPE, "\"fly\"" },
    { "{\"type\":\"\"}", WV_PROTOCOL_ERROR_UNKNOWN_TYPE, "\"\"" },
    { "{\"type\":\"stats \"}", WV_PROTOCOL_ERROR_UNKNOWN_TYPE, NULL },
    { "{\"type\":\"bye\\n\\u001b[31m\"}", WV_PROTOCOL_ERROR_UNKNOWN_TYPE, "bye\\n\\033[31m" },
    { "{\"type\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}",
      WV_PROTOCOL_ERROR_UNKNOWN_TYPE, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"..." },
    /* Syntax RFC 8259 forbids but json-glib 1.6 accepts. */
    { "{\"type\":\"stop_streams\"} {}", WV_PROTOCOL_ERROR_MALFORMED, "data after the object" },
    { "{\"type\":\"stop_streams\"}{\"type\":\"bye\"}", WV_PROTOCOL_ERROR_MALFORMED, "data after" },
    { "{\"type\":\"stop_streams\"}x", WV_PROTOCOL_ERROR_MALFORMED, "data after" },
    { "{\"type\":\"stop_streams\"},", WV_PROTOCOL_ERROR_MALFORMED, "data after" },
    { "{\"type\":\"stop_streams\"}}", WV_PROTOCOL_ERROR_MALFORMED, "data after" },
    { "{\"type\":\"stop_streams\",}", WV_PROTOCOL_ERROR_MALFORMED, "not valid JSON" },
    { "{\"type\":\"stop_streams\",\"x\":[1,]}", WV_PROTOCOL_ERROR_MALFORMED, "not valid JSON" },
    { "{'type':'stop_streams'}", WV_PROTOCOL_ERROR_MALFORMED, "unexpected character" },
    { "{\"type\":\"stop_streams\"/* c */}", WV_PROTOCOL_ERROR_MALFORMED, "unexpected character" },
    { "{\"type\":\"stop_streams\"// c\n}", WV_PROTOCOL_ERROR_MALFORMED, "unexpected character" },
    { "{\"type\":\"stop_streams\"#\n}", WV_PROTOCOL_ERROR_MALFORMED, "unexpected character" },
    { "{type:\"stop_streams\"}", WV_PROTOCOL_ERROR_MALFORMED, "unexpected word" },
    { "{\"type\" \"stop_streams\"}", WV_PROTOCOL_ERROR_MALFORMED, "not valid JSON" },
    /* json-glib quotes the unexpected string, escapes decoded. */
    { "{\"type\":\"stop_streams\",\"x\\ny\\u001b[2J\" 1}", WV_PROTOCOL_ERROR_MALFORMED,
      "x\\u000ay\\u001b[2J" },
    { "{\"type\":\"stop_streams\",\"x\":0x10}", WV_PROTOCOL_ERROR_MALFORMED, "bad number" },
    { "{\"type\":\"stop_streams\",\"x\":012}", WV_PROTOCOL_ERROR_MALFORMED, "bad number" },
    { "{\"type\":\"stop_streams\",\"x\":-012}", WV_PROTOCOL_ERROR_MALFORMED, "bad number" },
    { "{\"type\":\"stop_streams\",\"x\":00}", WV_PROTOCOL_ERROR_MALFORMED, "bad number" },
    { "{\"type\":\"stop_streams\",\"x\":1.}", WV_PROTOCOL_ERROR_MALFORMED, "bad number" },
    { "{\"type\":\"stop_streams\",\"x\":.5}", WV_PROTOCOL_ERROR_MALFORMED, "unexpected character" },
    { "{\"type\":\"stop_streams\",\"x\":+1}", WV_PROTOCOL_ERROR_MALFORMED, "unexpected character" },
    { "{\"type\":\"stop_streams\",\"x\":-}", WV_PROTOCOL_ERROR_MALFORMED, "bad number" },
    { "{\"type\":\"stop_streams\",\"x\":--1}", WV_PROTOCOL_ERROR_MALFORMED, "bad number" },
    { "{\"type\":\"stop_streams\",\"x\":1e}", WV_PROTOCOL_ERROR_MALFORMED, "bad number" },
    { "{\"type\":\"stop_streams\",\"x\":1e+}", WV_PROTOCOL_ERROR_MALFORMED, "bad number" },
    { "{\"type\":\"stop_streams\",\"x\":1.5.2}", WV_PROTOCOL_ERROR_MALFORMED, "bad number" },
    { "{\"type\":\"stop_streams\",\"x\":1-2}", WV_PROTOCOL_ERROR_MALFORMED, "bad number" },
    { "{\"type\":\"stop_streams\",\"x\":NaN}", WV_PROTOCOL_ERROR_MALFORMED, "unexpected word" },
    { "{\"type\":\"stop_streams\",\"x\":nan}", WV_PROTOCOL_ERROR_MALFORMED, "unexpected word" },
    { "{\"type\":\"stop_streams\",\"x\":Infinity}", WV_PROTOCOL_ERROR_MALFORMED, "unexpected word" },
    { "{\"type\":\"stop_streams\",\"x\":-Infinity}", WV_PROTOCOL_ERROR_MALFORMED, "bad number" },
    { "{\"type\":\"stop_streams\",\"x\":tru}", WV_PROTOCOL_ERROR_MALFORMED, "unexpected word" },
    { "{\"type\":\"stop_streams\",\"x\":True}", WV_PROTOCOL_ERROR_MALFORMED, "unexpected word" },
    { "{\"type\":\"stop_streams\",\"x\":nulll}", WV_PROTOCOL_ERROR_MALFORMED, "unexpected word" },
    { "{\"type\":\"stop_streams\",\"x\":undefined}", WV_PROTOCOL_ERROR_MALFORMED, "unexpected word" },
    /* Integers beyond 64 bits, which json-glib would wrap, even in a member
     * we do not read. The message names the member. */
    { "{\"type\":\"stop_streams\",\"x\":9223372036854775808}", WV_PROTOCOL_ERROR_MALFORMED,
      "64-bit range at byte 27, after member \"x\"" },
    { "{\"type\":\"stop_streams\",\"x\":-9223372036854775809}", WV_PROTOCOL_ERROR_MALFORMED, "64-bit" },
    { "{\"type\":\"stop_streams\",\"x\":18446744073709551617}", WV_PROTOCOL_ERROR_MALFORMED, "64-bit" },
    { "{\"type\":\"stop_streams\",\"x\":-18446744073709551617}", WV_PROTOCOL_ERROR_MALFORMED, "64-bit" },
    { "{\"type\":\"stop_streams\",\"x\":[1,2,100000000000000000000000000000000000000000]}",
      WV_PROTOCOL_ERROR_MALFORMED, "after member \"x\"" },
    /* Strings. */
    { "{\"type\":\"stop_streams\",\"x\":\"a\\u0000b\"}", WV_PROTOCOL_ERROR_MALFORMED, "\\u0000" },
    { "{\"type\":\"stop_streams\",\"x\":\"a\\x41\"}", WV_PROTOCOL_ERROR_MALFORMED, "unknown escape" },
    { "{\"type\":\"stop_streams\",\"x\":\"a\\'\"}", WV_PROTOCOL_ERROR_MALFORMED, "unknown escape" },
    { "{\"type\":\"stop_streams\",\"x\":\"\\uzzzz\"}", WV_PROTOCOL_ERROR_MALFORMED, "bad \\u escape" },
    { "{\"type\":\"stop_streams\",\"x\":\"a\tb\"}", WV_PROTOCOL_ERROR_MALFORMED, "control character" },
    { "{\"type\":\"stop_streams\",\"x\":\"a\nb\"}", WV_PROTOCOL_ERROR_MALFORMED, "control character" },
    /* Unpaired UTF-16 surrogates (json-glib 1.6 leaks memory on some). */
    { "{\"type\":\"stop_streams\",\"x\":\"\\ud800\"}", WV_PROTOCOL_ERROR_MALFORMED, "unpaired surrogate" },
    { "{\"type\":\"stop_streams\",\"x\":\"\\ud800x\"}", WV_PROTOCOL_ERROR_MALFORMED, "unpaired surrogate" },
    { "{\"type\":\"stop_streams\",\"x\":\"\\udc00\\ud800\"}", WV_PROTOCOL_ERROR_MALFORMED, "unpaired surrogate" },
    { "{\"type\":\"stop_streams\",\"x\":\"\\ud800\\u0041\"}", WV_PROTOCOL_ERROR_MALFORMED, "unpaired surrogate" },
    { "{\"type\":\"stop_streams\",\"x\":\"\\ud800\\udbff\"}", WV_PROTOCOL_ERROR_MALFORMED, "unpaired surrogate" },
    { "{\"type\":\"stop_streams\",\"x\":\"\\ud800\\n\"}", WV_PROTOCOL_ERROR_MALFORMED, "unpaired surrogate" },
    { "{\"type\":\"stop_streams\",\"x\":\"\\ud800\\u00\"}", WV_PROTOCOL_ERROR_MALFORMED, "\\u escape" },
    { "{\"type\":\"stop_streams\",\"x\":\"\\ud800\\", WV_PROTOCOL_ERROR_MALFORMED, "unpaired surrogate" },
    /* Not UTF-8: a stray byte, an overlong '/', a UTF-8-encoded surrogate,
     * a code point above U+10FFFF, a truncated sequence. */
    { "{\"type\":\"bye\",\"reason\":\"\xff\"}", WV_PROTOCOL_ERROR_MALFORMED, "UTF-8" },
    { "{\"type\":\"bye\",\"reason\":\"\xc0\xaf\"}", WV_PROTOCOL_ERROR_MALFORMED, "UTF-8" },
    { "{\"type\":\"bye\",\"reason\":\"\xed\xa0\x80\"}", WV_PROTOCOL_ERROR_MALFORMED, "UTF-8" },
    { "{\"type\":\"bye\",\"reason\":\"\xf4\x90\x80\x80\"}", WV_PROTOCOL_ERROR_MALFORMED, "UTF-8" },
    { "{\"type\":\"bye\",\"reason\":\"\xe2\x9c\"}", WV_PROTOCOL_ERROR_MALFORMED, "UTF-8" },
    { "{\"type\":\"bye\",\"reason\":\"ok\"}\xe2", WV_PROTOCOL_ERROR_MALFORMED, "UTF-8" },
    /* Duplicate members, at the top and nested, and the type twice. */
    { "{\"type\":\"bye\",\"reason\":\"a\",\"reason\":\"b\"}", WV_PROTOCOL_ERROR_MALFORMED,
      "duplicate member \"reason\"" },
    { "{\"type\":\"stop_streams\",\"type\":\"bye\"}", WV_PROTOCOL_ERROR_MALFORMED, "duplicate member \"type\"" },
    { "{\"type\":\"stop_streams\",\"x\":{\"a\":1,\"b\":{},\"a\":2}}", WV_PROTOCOL_ERROR_MALFORMED,
      "duplicate member \"a\"" },
    { "{\"type\":\"stop_streams\",\"x\":[{\"a\":1},{\"b\":[{\"c\":1,\"c\":1}]}]}",
      WV_PROTOCOL_ERROR_MALFORMED, "duplicate member \"c\"" },
    { "{\"type\":\"stop_streams\",\"\":1,\"\":2}", WV_PROTOCOL_ERROR_MALFORMED, "duplicate member \"\"" },
    /* Nested garbage. */
    { "{\"type\":\"stop_streams\",\"x\":[[[[{\"a\":[}]]]]}", WV_PROTOCOL_ERROR_MALFORMED, "not valid JSON" },
    { "{\"type\":\"stop_streams\",\"x\":{\"a\"}}", WV_PROTOCOL_ERROR_MALFORMED, "not valid JSON" },
    { "{\"type\":\"stop_streams\",\"x\":{1:2}}", WV_PROTOCOL_ERROR_MALFORMED, "not valid JSON" },
    { "{\"type\":\"stop_streams\",\"x\":]}", WV_PROTOCOL_ERROR_MALFORMED, NULL },
    { "{\"type\":\"stop_streams\",\"x\":[}", WV_PROTOCOL_ERROR_MALFORMED, NULL },
    { "{{}}", WV_PROTOCOL_ERROR_MALFORMED, "not valid JSON" },
    { "{\"type\":\"stop_streams\":1}", WV_PROTOCOL_ERROR_MALFORMED, "not valid JSON" },
    { "{\"type\"::\"stop_streams\"}", WV_PROTOCOL_ERROR_MALFORMED, "not valid JSON" },
    { "{,\"type\":\"stop_streams\"}", WV_PROTOCOL_ERROR_MALFORMED, "not valid JSON" },
    { "{\"type\":\"stop_streams\",,\"x\":1}", WV_PROTOCOL_ERROR_MALFORMED, "not valid JSON" },
    /* path_request and path_result kinds other than the fixtures. */
    { "{\"type\":\"path_request\",\"trace\":false,\"max_ttl\":0,\"rounds\":0,\"mtu\":false,"
      "\"mtu_max\":0}", WV_PROTOCOL_ERROR_MALFORMED, "path_request.trace: neither trace nor mtu" },
    { "{\"type\":\"path_request\",\"trace\":false,\"max_ttl\":65,\"rounds\":0,\"mtu\":true,"
      "\"mtu_max\":1500}", WV_PROTOCOL_ERROR_MALFORMED, "path_request.max_ttl: 65 is out of range [0, 64]" },
    { "{\"type\":\"path_request\",\"trace\":true,\"max_ttl\":30,\"rounds\":3,\"mtu\":false,"
      "\"mtu_max\":9001}", WV_PROTOCOL_ERROR_MALFORMED, "path_request.mtu_max: 9001 is out of range [0, 9000]" },
    { "{\"type\":\"path_result\",\"kind\":\"mtu\",\"hop\":3,\"addr\":\"10.0.2.1\",\"mtu\":9001}",
      WV_PROTOCOL_ERROR_MALFORMED, "path_result.mtu: 9001" },
    { "{\"type\":\"path_result\",\"kind\":\"mtu\",\"hop\":0,\"addr\":\"10.0.2.1\",\"mtu\":1500}",
      WV_PROTOCOL_ERROR_MALFORMED, "path_result.hop: 0" },
    { "{\"type\":\"path_result\",\"kind\":\"mtu\",\"hop\":3,\"addr\":\"::1::2\",\"mtu\":1500}",
      WV_PROTOCOL_ERROR_MALFORMED, "path_result.addr: not an IP address" },
    { "{\"type\":\"path_result\",\"kind\":\"mtu\",\"hop\":3,\"addr\":\"10.0.2.1\",\"mtu\":-1}",
      WV_PROTOCOL_ERROR_MALFORMED, "path_result.mtu" },
    { "{\"type\":\"path_result\",\"kind\":\"path_mtu\",\"mtu\":1420}",
      WV_PROTOCOL_ERROR_MALFORMED, "path_result.confirmed: missing" },
    { "{\"type\":\"path_result\",\"kind\":\"path_mtu\",\"mtu\":1420,\"confirmed\":null}",
      WV_PROTOCOL_ERROR_MALFORMED, "path_result.confirmed: not a boolean" },
    { "{\"type\":\"path_result\",\"kind\":\"path_mtu\",\"mtu\":90000,\"confirmed\":true}",
      WV_PROTOCOL_ERROR_MALFORMED, "path_result.mtu: 90000" },
    { "{\"type\":\"path_result\",\"kind\":\"done\",\"error\":null}",
      WV_PROTOCOL_ERROR_MALFORMED, "path_result.error: not a string" },
    { "{\"type\":\"path_result\",\"kind\":\"done\",\"error\":\"a\\u0007b\"}",
      WV_PROTOCOL_ERROR_MALFORMED, "path_result.error: contains a control" },
    { "{\"type\":\"path_result\",\"kind\":\"done\",\"error\":\"eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee\"}",
      WV_PROTOCOL_ERROR_MALFORMED, "path_result.error: longer than 127 bytes" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *printable = g_strescape (cases[i].text, NULL);

      g_test_message ("case %u: %s", i, printable);
      assert_parse_error (cases[i].text, -1, cases[i].code, cases[i].fragment);
    }
}

static void
test_malformed_bytes (void)
{
  static const char with_nul[] = "{\"type\":\"stop_streams\"}\0";
  static const char nul_inside[] = "{\"type\":\"bye\",\"reason\":\"a\0b\"}";
  g_autoptr(GString) big = g_string_new ("{\"type\":\"bye\",\"reason\":\"x\",\"pad\":\"");
  g_autoptr(GString) deep = g_string_new (NULL);
  g_autofree char *exact = NULL;
  WvMsg m;

  /* A terminating NUL passed as part of the text, and one inside. */
  assert_parse_error (with_nul, sizeof with_nul - 1, WV_PROTOCOL_ERROR_MALFORMED, "UTF-8");
  assert_parse_error (nul_inside, sizeof nul_inside - 1, WV_PROTOCOL_ERROR_MALFORMED, "UTF-8");
  /* A length shorter than the text: only that much is read. */
  assert_parse_error ("{\"type\":\"stop_streams\"}", 10, WV_PROTOCOL_ERROR_MALFORMED, "unterminated");
  assert_parse_error ("{\"type\":\"stop_streams\"}", 22, WV_PROTOCOL_ERROR_MALFORMED, "truncated");
  assert_parse_error (NULL, 0, WV_PROTOCOL_ERROR_MALFORMED, "empty");

  /* 70 KiB of otherwise valid JSON. */
  while (big->len < 70 * 1024)
    g_string_append (big, "abcdefghijklmnopqrstuvwxyz");
  g_string_append (big, "\"}");
  assert_parse_error (big->str, (gssize) big->len, WV_PROTOCOL_ERROR_TOO_LARGE, "65536");
  /* At exactly the limit it is read; one byte more is not. */
  g_string_truncate (big, WV_CONTROL_MAX_SIZE - 2);
  g_string_append (big, "\"}");
  g_assert_cmpuint (big->len, ==, WV_CONTROL_MAX_SIZE);
  g_assert_true (wv_msg_parse (big->str, big->len, &m, NULL));
  g_assert_cmpint (m.type, ==, WV_MSG_BYE);
  g_string_insert_c (big, 1, ' ');
  assert_parse_error (big->str, (gssize) big->len, WV_PROTOCOL_ERROR_TOO_LARGE, NULL);
  /* Too large wins over everything else, garbage included. */
  exact = g_malloc0 (WV_CONTROL_MAX_SIZE + 1);
  memset (exact, 0xff, WV_CONTROL_MAX_SIZE + 1);
  assert_parse_error (exact, WV_CONTROL_MAX_SIZE + 1, WV_PROTOCOL_ERROR_TOO_LARGE, NULL);

  /* Nesting: 32 levels (the root included) are fine, 33 are not, and 12000
   * (which would recurse deeply in json-glib) fail fast. */
  g_string_assign (deep, "{\"type\":\"stop_streams\",\"x\":");
  for (guint i = 0; i < 31; i++)
    g_string_append (deep, "[");
  for (guint i = 0; i < 31; i++)
    g_string_append (deep, "]");
  g_string_append_c (deep, '}');
  g_assert_true (wv_msg_parse (deep->str, deep->len, &m, NULL));
  g_string_assign (deep, "{\"type\":\"stop_streams\",\"x\":");
  for (guint i = 0; i < 32; i++)
    g_string_append (deep, "[");
  for (guint i = 0; i < 32; i++)
    g_string_append (deep, "]");
  g_string_append_c (deep, '}');
  assert_parse_error (deep->str, (gssize) deep->len, WV_PROTOCOL_ERROR_MALFORMED, "deeper than 32");
  g_string_assign (deep, "{\"type\":\"stop_streams\",\"x\":");
  for (guint i = 0; i < 12000; i++)
    g_string_append (deep, "{\"a\":");
  g_assert_cmpuint (deep->len, <=, WV_CONTROL_MAX_SIZE);
  assert_parse_error (deep->str, (gssize) deep->len, WV_PROTOCOL_ERROR_MALFORMED, "deeper than 32");
}

typedef struct
{
  WvMsgType type;
  const char *path;
  const char *raw;          /* NULL: remove the member */
  int code;
  const char *fragment;     /* must appear in the error message */
} FieldCase;

static void
test_malformed_fields (void)
{
  static const FieldCase cases[] = {
    /* hello */
    { WV_MSG_HELLO, "protocol", NULL, WV_PROTOCOL_ERROR_MALFORMED, "hello.protocol: missing" },
    { WV_MSG_HELLO, "protocol", "2", WV_PROTOCOL_ERROR_VERSION, "version 2" },
    { WV_MSG_HELLO, "protocol", "0", WV_PROTOCOL_ERROR_VERSION, "version 0" },
    { WV_MSG_HELLO, "protocol", "-1", WV_PROTOCOL_ERROR_VERSION, "version -1" },
    /* 2^32 + 1 would be 1 in a guint. */
    { WV_MSG_HELLO, "protocol", "4294967297", WV_PROTOCOL_ERROR_VERSION, "version 4294967297" },
    { WV_MSG_HELLO, "protocol", "9223372036854775807", WV_PROTOCOL_ERROR_VERSION, NULL },
    { WV_MSG_HELLO, "protocol", "1.0", WV_PROTOCOL_ERROR_MALFORMED, "hello.protocol: not an integer" },
    { WV_MSG_HELLO, "protocol", "\"1\"", WV_PROTOCOL_ERROR_MALFORMED, "hello.protocol: not an integer" },
    { WV_MSG_HELLO, "protocol", "null", WV_PROTOCOL_ERROR_MALFORMED, "hello.protocol" },
    { WV_MSG_HELLO, "protocol", "[1]", WV_PROTOCOL_ERROR_MALFORMED, "hello.protocol" },
    { WV_MSG_HELLO, "software", NULL, WV_PROTOCOL_ERROR_MALFORMED, "hello.software: missing" },
    { WV_MSG_HELLO, "software", "1", WV_PROTOCOL_ERROR_MALFORMED, "hello.software: not a string" },
    { WV_MSG_HELLO, "software",
      "\"0123456789012345678901234567890123456789012345678901234567890123\"",
      WV_PROTOCOL_ERROR_MALFORMED, "hello.software: longer than 63 bytes" },
    { WV_MSG_HELLO, "role", "\"admin\"", WV_PROTOCOL_ERROR_MALFORMED, "hello.role: must be" },
    { WV_MSG_HELLO, "role", "\"\"", WV_PROTOCOL_ERROR_MALFORMED, "hello.role: must be" },
    { WV_MSG_HELLO, "role", "\"Client\"", WV_PROTOCOL_ERROR_MALFORMED, "hello.role: must be" },
    { WV_MSG_HELLO, "role", "\"clientxx\"", WV_PROTOCOL_ERROR_MALFORMED, "hello.role: longer than 7" },
    { WV_MSG_HELLO, "session",
      "\"01234567890123456789012345678901234567890123456789012345678901234\"",
      WV_PROTOCOL_ERROR_MALFORMED, "hello.session: longer than 64 bytes" },
    /* 33 two-byte characters: 66 bytes. */
    { WV_MSG_HELLO, "conn",
      "\"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
      "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
      "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\"",
      WV_PROTOCOL_ERROR_MALFORMED, "hello.conn: longer than 64 bytes" },
    { WV_MSG_HELLO, "session", "\"a\\nb\"", WV_PROTOCOL_ERROR_MALFORMED, "hello.session: contains a control" },
    { WV_MSG_HELLO, "session", "\"\\u001b[2J\"", WV_PROTOCOL_ERROR_MALFORMED, "hello.session: contains a control" },
    { WV_MSG_HELLO, "conn", "\"\\u007f\"", WV_PROTOCOL_ERROR_MALFORMED, "hello.conn: contains a control" },
    { WV_MSG_HELLO, "software", "\"\\u009b31m\"", WV_PROTOCOL_ERROR_MALFORMED, "hello.software: contains a control" },
    { WV_MSG_HELLO, "clock", NULL, WV_PROTOCOL_ERROR_MALFORMED, "hello.clock: missing" },
    { WV_MSG_HELLO, "clock", "\"synced\"", WV_PROTOCOL_ERROR_MALFORMED, "hello.clock: not an object" },
    { WV_MSG_HELLO, "clock", "[]", WV_PROTOCOL_ERROR_MALFORMED, "hello.clock: not an object" },
    { WV_MSG_HELLO, "clock.synced", "1", WV_PROTOCOL_ERROR_MALFORMED, "hello.clock.synced: not a boolean" },
    { WV_MSG_HELLO, "clock.synced", "\"true\"", WV_PROTOCOL_ERROR_MALFORMED, "hello.clock.synced" },
    { WV_MSG_HELLO, "clock.synced", NULL, WV_PROTOCOL_ERROR_MALFORMED, "hello.clock.synced: missing" },
    { WV_MSG_HELLO, "clock.error_ms", "-2", WV_PROTOCOL_ERROR_MALFORMED, "hello.clock.error_ms" },
    { WV_MSG_HELLO, "clock.error_ms", "-0.5", WV_PROTOCOL_ERROR_MALFORMED, "hello.clock.error_ms" },
    { WV_MSG_HELLO, "clock.error_ms", "1e999", WV_PROTOCOL_ERROR_MALFORMED, "hello.clock.error_ms: not a finite" },
    { WV_MSG_HELLO, "clock.error_ms", "-1e999", WV_PROTOCOL_ERROR_MALFORMED, "hello.clock.error_ms: not a finite" },
    { WV_MSG_HELLO, "clock.error_ms", "1e16", WV_PROTOCOL_ERROR_MALFORMED, "hello.clock.error_ms" },
    { WV_MSG_HELLO, "clock.error_ms", "\"NaN\"", WV_PROTOCOL_ERROR_MALFORMED, "hello.clock.error_ms: not a number" },
    { WV_MSG_HELLO, "clock.error_ms", "null", WV_PROTOCOL_ERROR_MALFORMED, "hello.clock.error_ms: not a number" },
    { WV_MSG_HELLO, "clock.boot_id", "\"0123456789012345678901234567890123456789\"",
      WV_PROTOCOL_ERROR_MALFORMED, "hello.clock.boot_id: longer than 39 bytes" },

    /* start_streams */
    { WV_MSG_START_STREAMS, "rate_pps", "1001", WV_PROTOCOL_ERROR_MALFORMED, "start_streams.rate_pps: 1001" },
    { WV_MSG_START_STREAMS, "rate_pps", "0", WV_PROTOCOL_ERROR_MALFORMED, "start_streams.rate_pps" },
    { WV_MSG_START_STREAMS, "rate_pps", "-1", WV_PROTOCOL_ERROR_MALFORMED, "start_streams.rate_pps" },
    { WV_MSG_START_STREAMS, "rate_pps", "4294967396", WV_PROTOCOL_ERROR_MALFORMED, "start_streams.rate_pps" },
    { WV_MSG_START_STREAMS, "rate_pps", "9223372036854775807", WV_PROTOCOL_ERROR_MALFORMED, "start_streams.rate_pps" },
    { WV_MSG_START_STREAMS, "rate_pps", "100.5", WV_PROTOCOL_ERROR_MALFORMED, "start_streams.rate_pps: not an integer" },
    { WV_MSG_START_STREAMS, "rate_pps", "1e2", WV_PROTOCOL_ERROR_MALFORMED, "start_streams.rate_pps: not an integer" },
    { WV_MSG_START_STREAMS, "rate_pps", "\"100\"", WV_PROTOCOL_ERROR_MALFORMED, "start_streams.rate_pps" },
    { WV_MSG_START_STREAMS, "rate_pps", "true", WV_PROTOCOL_ERROR_MALFORMED, "start_streams.rate_pps" },
    { WV_MSG_START_STREAMS, "rate_pps", NULL, WV_PROTOCOL_ERROR_MALFORMED, "start_streams.rate_pps: missing" },
    { WV_MSG_START_STREAMS, "probe_size", "15", WV_PROTOCOL_ERROR_MALFORMED, "start_streams.probe_size: 15" },
    { WV_MSG_START_STREAMS, "probe_size", "1185", WV_PROTOCOL_ERROR_MALFORMED, "start_streams.probe_size: 1185" },
    { WV_MSG_START_STREAMS, "probe_size", "0", WV_PROTOCOL_ERROR_MALFORMED, "start_streams.probe_size" },
    { WV_MSG_START_STREAMS, "bulk_bps", "200000001", WV_PROTOCOL_ERROR_MALFORMED, "start_streams.bulk_bps" },
    { WV_MSG_START_STREAMS, "bulk_bps", "-1", WV_PROTOCOL_ERROR_MALFORMED, "start_streams.bulk_bps" },
    { WV_MSG_START_STREAMS, "duration_s", "-1", WV_PROTOCOL_ERROR_MALFORMED, "start_streams.duration_s" },
    { WV_MSG_START_STREAMS, "duration_s", "-0.001", WV_PROTOCOL_ERROR_MALFORMED, "start_streams.duration_s" },
    { WV_MSG_START_STREAMS, "duration_s", "604800.001", WV_PROTOCOL_ERROR_MALFORMED, "start_streams.duration_s" },
    { WV_MSG_START_STREAMS, "duration_s", "1e999", WV_PROTOCOL_ERROR_MALFORMED, "start_streams.duration_s: not a finite" },
    { WV_MSG_START_STREAMS, "duration_s", "\"30\"", WV_PROTOCOL_ERROR_MALFORMED, "start_streams.duration_s: not a number" },
    { WV_MSG_START_STREAMS, "duration_s", "\"inf\"", WV_PROTOCOL_ERROR_MALFORMED, "start_streams.duration_s" },
    { WV_MSG_START_STREAMS, "duration_s", "null", WV_PROTOCOL_ERROR_MALFORMED, "start_streams.duration_s" },
    { WV_MSG_START_STREAMS, "classes", "[0,1,2,3,4,5,6,7,8]", WV_PROTOCOL_ERROR_MALFORMED, "start_streams.classes: 9 classes" },
    { WV_MSG_START_STREAMS, "classes", "[64]", WV_PROTOCOL_ERROR_MALFORMED, "start_streams.classes: DSCP 64" },
    { WV_MSG_START_STREAMS, "classes", "[-1]", WV_PROTOCOL_ERROR_MALFORMED, "start_streams.classes: DSCP -1" },
    { WV_MSG_START_STREAMS, "classes", "[46,4294967342]", WV_PROTOCOL_ERROR_MALFORMED, "start_streams.classes" },
    { WV_MSG_START_STREAMS, "classes", "[46.0]", WV_PROTOCOL_ERROR_MALFORMED, "start_streams.classes: element 0" },
    { WV_MSG_START_STREAMS, "classes", "[10,\"46\"]", WV_PROTOCOL_ERROR_MALFORMED, "start_streams.classes: element 1" },
    { WV_MSG_START_STREAMS, "classes", "[[46]]", WV_PROTOCOL_ERROR_MALFORMED, "start_streams.classes: element 0" },
    { WV_MSG_START_STREAMS, "classes", "[null]", WV_PROTOCOL_ERROR_MALFORMED, "start_streams.classes: element 0" },
    { WV_MSG_START_STREAMS, "classes", "46", WV_PROTOCOL_ERROR_MALFORMED, "start_streams.classes: not an array" },
    { WV_MSG_START_STREAMS, "classes", "{\"0\":46}", WV_PROTOCOL_ERROR_MALFORMED, "start_streams.classes: not an array" },
    { WV_MSG_START_STREAMS, "classes", NULL, WV_PROTOCOL_ERROR_MALFORMED, "start_streams.classes: missing" },

    /* streams_started */
    { WV_MSG_STREAMS_STARTED, "capped", NULL, WV_PROTOCOL_ERROR_MALFORMED, "streams_started.capped: missing" },
    { WV_MSG_STREAMS_STARTED, "capped", "\"yes\"", WV_PROTOCOL_ERROR_MALFORMED, "streams_started.capped: not a boolean" },
    { WV_MSG_STREAMS_STARTED, "capped", "0", WV_PROTOCOL_ERROR_MALFORMED, "streams_started.capped" },
    { WV_MSG_STREAMS_STARTED, "reason", NULL, WV_PROTOCOL_ERROR_MALFORMED, "streams_started.reason: missing" },
    { WV_MSG_STREAMS_STARTED, "reason", "null", WV_PROTOCOL_ERROR_MALFORMED, "streams_started.reason: not a string" },
    { WV_MSG_STREAMS_STARTED, "reason",
      "\"rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr"
      "rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr\"",
      WV_PROTOCOL_ERROR_MALFORMED, "streams_started.reason: longer than 127 bytes" },
    { WV_MSG_STREAMS_STARTED, "rate_pps", "5000", WV_PROTOCOL_ERROR_MALFORMED, "streams_started.rate_pps" },

    /* stats */
    { WV_MSG_STATS, "time_ns", "-1", WV_PROTOCOL_ERROR_MALFORMED, "stats.time_ns: negative" },
    { WV_MSG_STATS, "time_ns", "1.7e18", WV_PROTOCOL_ERROR_MALFORMED, "stats.time_ns: not an integer" },
    { WV_MSG_STATS, "time_ns", "9223372036854775808", WV_PROTOCOL_ERROR_MALFORMED, "after member \"time_ns\"" },
    { WV_MSG_STATS, "time_ns", NULL, WV_PROTOCOL_ERROR_MALFORMED, "stats.time_ns: missing" },
    { WV_MSG_STATS, "window_s", "5", WV_PROTOCOL_ERROR_MALFORMED, "stats.window_s: 5 is not" },
    { WV_MSG_STATS, "window_s", "-1", WV_PROTOCOL_ERROR_MALFORMED, "stats.window_s" },
    { WV_MSG_STATS, "window_s", "61", WV_PROTOCOL_ERROR_MALFORMED, "stats.window_s" },
    { WV_MSG_STATS, "window_s", "4294967295", WV_PROTOCOL_ERROR_MALFORMED, "stats.window_s" },
    { WV_MSG_STATS, "window_s", "10.0", WV_PROTOCOL_ERROR_MALFORMED, "stats.window_s: not an integer" },
    { WV_MSG_STATS, "class_index", "9", WV_PROTOCOL_ERROR_MALFORMED, "stats.class_index: 9" },
    { WV_MSG_STATS, "class_index", "-1", WV_PROTOCOL_ERROR_MALFORMED, "stats.class_index" },
    { WV_MSG_STATS, "rx_dir", "\"up\"", WV_PROTOCOL_ERROR_MALFORMED, "stats.rx_dir: unknown value" },
    { WV_MSG_STATS, "rx_dir", "\"C2S\"", WV_PROTOCOL_ERROR_MALFORMED, "stats.rx_dir" },
    { WV_MSG_STATS, "rx_dir", "0", WV_PROTOCOL_ERROR_MALFORMED, "stats.rx_dir: not a string" },
    { WV_MSG_STATS, "rx", NULL, WV_PROTOCOL_ERROR_MALFORMED, "stats.rx: missing" },
    { WV_MSG_STATS, "rx", "[]", WV_PROTOCOL_ERROR_MALFORMED, "stats.rx: not an object" },
    { WV_MSG_STATS, "rx", "null", WV_PROTOCOL_ERROR_MALFORMED, "stats.rx: not an object" },
    { WV_MSG_STATS, "rx.probes", "-1", WV_PROTOCOL_ERROR_MALFORMED, "stats.rx.probes" },
    { WV_MSG_STATS, "rx.probes", "4294967296", WV_PROTOCOL_ERROR_MALFORMED, "stats.rx.probes" },
    { WV_MSG_STATS, "rx.expected", "-5", WV_PROTOCOL_ERROR_MALFORMED, "stats.rx.expected" },
    { WV_MSG_STATS, "rx.expected", "18446744073709551615", WV_PROTOCOL_ERROR_MALFORMED, "after member \"expected\"" },
    { WV_MSG_STATS, "rx.owd_ms", "\"x\"", WV_PROTOCOL_ERROR_MALFORMED, "stats.rx.owd_ms: not an object" },
    { WV_MSG_STATS, "rx.owd_ms", NULL, WV_PROTOCOL_ERROR_MALFORMED, "stats.rx.owd_ms: missing" },
    { WV_MSG_STATS, "rx.owd_ms.n", "-1", WV_PROTOCOL_ERROR_MALFORMED, "stats.rx.owd_ms.n" },
    { WV_MSG_STATS, "rx.owd_ms.n", NULL, WV_PROTOCOL_ERROR_MALFORMED, "stats.rx.owd_ms.n: missing" },
    { WV_MSG_STATS, "rx.owd_ms.p50", "null", WV_PROTOCOL_ERROR_MALFORMED, "stats.rx.owd_ms.p50: not a number" },
    { WV_MSG_STATS, "rx.owd_ms.p50", NULL, WV_PROTOCOL_ERROR_MALFORMED, "stats.rx.owd_ms.p50: missing" },
    { WV_MSG_STATS, "rx.owd_ms.min", "\"1\"", WV_PROTOCOL_ERROR_MALFORMED, "stats.rx.owd_ms.min: not a number" },
    { WV_MSG_STATS, "rx.owd_ms.max", "1e16", WV_PROTOCOL_ERROR_MALFORMED, "stats.rx.owd_ms.max" },
    { WV_MSG_STATS, "rx.owd_ms.mean", "-1e300", WV_PROTOCOL_ERROR_MALFORMED, "stats.rx.owd_ms.mean" },
    { WV_MSG_STATS, "rx.ipdv_ms.p99", "1e999", WV_PROTOCOL_ERROR_MALFORMED, "stats.rx.ipdv_ms.p99: not a finite" },
    { WV_MSG_STATS, "rx.delay_dev_ms.min", "0", WV_PROTOCOL_ERROR_MALFORMED, "stats.rx.delay_dev_ms.min: not null although n is 0" },
    { WV_MSG_STATS, "rx.delay_dev_ms.mean", "\"\"", WV_PROTOCOL_ERROR_MALFORMED, "stats.rx.delay_dev_ms.mean" },
    { WV_MSG_STATS, "rx.jitter_ms", "-0.1", WV_PROTOCOL_ERROR_MALFORMED, "stats.rx.jitter_ms" },
    { WV_MSG_STATS, "rx.jitter_ms", "\"1\"", WV_PROTOCOL_ERROR_MALFORMED, "stats.rx.jitter_ms: not a number" },
    { WV_MSG_STATS, "rx.loss_pct", "100.5", WV_PROTOCOL_ERROR_MALFORMED, "stats.rx.loss_pct" },
    { WV_MSG_STATS, "rx.loss_pct", "-1", WV_PROTOCOL_ERROR_MALFORMED, "stats.rx.loss_pct" },
    { WV_MSG_STATS, "rx.reorder_pct", "101", WV_PROTOCOL_ERROR_MALFORMED, "stats.rx.reorder_pct" },
    { WV_MSG_STATS, "rx.dup_pct", "\"NaN\"", WV_PROTOCOL_ERROR_MALFORMED, "stats.rx.dup_pct: not a number" },
    { WV_MSG_STATS, "rx.throughput_bps", "-8", WV_PROTOCOL_ERROR_MALFORMED, "stats.rx.throughput_bps" },
    { WV_MSG_STATS, "rx.rx_ttl", "256", WV_PROTOCOL_ERROR_MALFORMED, "stats.rx.rx_ttl: 256" },
    { WV_MSG_STATS, "rx.rx_ttl", "-2", WV_PROTOCOL_ERROR_MALFORMED, "stats.rx.rx_ttl: -2" },
    { WV_MSG_STATS, "rx.rx_ttl", "-4294967295", WV_PROTOCOL_ERROR_MALFORMED, "stats.rx.rx_ttl" },
    { WV_MSG_STATS, "rx.rx_tos", "300", WV_PROTOCOL_ERROR_MALFORMED, "stats.rx.rx_tos" },
    { WV_MSG_STATS, "rx.bulk_bytes", "-1", WV_PROTOCOL_ERROR_MALFORMED, "stats.rx.bulk_bytes" },
    { WV_MSG_STATS, "rx.baseline_ms", "true", WV_PROTOCOL_ERROR_MALFORMED, "stats.rx.baseline_ms" },
    { WV_MSG_STATS, "rx.last_rx_ns", "-5", WV_PROTOCOL_ERROR_MALFORMED, "stats.rx.last_rx_ns: negative" },
    { WV_MSG_STATS, "owd_mode", "\"estimated\"", WV_PROTOCOL_ERROR_MALFORMED, "stats.owd_mode: unknown value" },
    { WV_MSG_STATS, "owd_mode", "\"SYNCED\"", WV_PROTOCOL_ERROR_MALFORMED, "stats.owd_mode" },
    { WV_MSG_STATS, "owd_mode", "\"offset_estimated\"", WV_PROTOCOL_ERROR_MALFORMED, "stats.owd_mode" },
    { WV_MSG_STATS, "owd_mode", NULL, WV_PROTOCOL_ERROR_MALFORMED, "stats.owd_mode: missing" },
    { WV_MSG_STATS, "rtt_ms", "{}", WV_PROTOCOL_ERROR_MALFORMED, "stats.rtt_ms.n: missing" },
    { WV_MSG_STATS, "rtt_ms.n", "0", WV_PROTOCOL_ERROR_MALFORMED, "stats.rtt_ms.min: not null although n is 0" },
    { WV_MSG_STATS, "sched_err_p99_ms", "-0.5", WV_PROTOCOL_ERROR_MALFORMED, "stats.sched_err_p99_ms" },
    { WV_MSG_STATS, "sched_err_p99_ms", "-1.5", WV_PROTOCOL_ERROR_MALFORMED, "stats.sched_err_p99_ms" },
    { WV_MSG_STATS, "probes_sent", "-1", WV_PROTOCOL_ERROR_MALFORMED, "stats.probes_sent" },
    { WV_MSG_STATS, "probes_sent", "1e3", WV_PROTOCOL_ERROR_MALFORMED, "stats.probes_sent: not an integer" },

    /* error and bye */
    { WV_MSG_ERROR, "code", "\"\"", WV_PROTOCOL_ERROR_MALFORMED, "error.code: empty" },
    { WV_MSG_ERROR, "code", "\"bad code\"", WV_PROTOCOL_ERROR_MALFORMED, "error.code: may only" },
    { WV_MSG_ERROR, "code", "\"b\xc3\xa9\"", WV_PROTOCOL_ERROR_MALFORMED, "error.code: may only" },
    { WV_MSG_ERROR, "code", "\"0123456789012345678901234567890123\"", WV_PROTOCOL_ERROR_MALFORMED,
      "error.code: longer than 31 bytes" },
    { WV_MSG_ERROR, "code", NULL, WV_PROTOCOL_ERROR_MALFORMED, "error.code: missing" },
    { WV_MSG_ERROR, "message", NULL, WV_PROTOCOL_ERROR_MALFORMED, "error.message: missing" },
    { WV_MSG_ERROR, "message", "[\"a\"]", WV_PROTOCOL_ERROR_MALFORMED, "error.message: not a string" },
    { WV_MSG_ERROR, "message", "\"line\\rbreak\"", WV_PROTOCOL_ERROR_MALFORMED, "error.message: contains a control" },
    { WV_MSG_BYE, "reason", NULL, WV_PROTOCOL_ERROR_MALFORMED, "bye.reason: missing" },
    { WV_MSG_BYE, "reason", "5", WV_PROTOCOL_ERROR_MALFORMED, "bye.reason: not a string" },
    { WV_MSG_BYE, "reason", "\"tab\\there\"", WV_PROTOCOL_ERROR_MALFORMED, "bye.reason: contains a control" },

    /* path_request */
    { WV_MSG_PATH_REQUEST, "trace", NULL, WV_PROTOCOL_ERROR_MALFORMED, "path_request.trace: missing" },
    { WV_MSG_PATH_REQUEST, "trace", "1", WV_PROTOCOL_ERROR_MALFORMED, "path_request.trace: not a boolean" },
    { WV_MSG_PATH_REQUEST, "max_ttl", "65", WV_PROTOCOL_ERROR_MALFORMED, "path_request.max_ttl: 65 is out of range [1, 64]" },
    { WV_MSG_PATH_REQUEST, "max_ttl", "0", WV_PROTOCOL_ERROR_MALFORMED, "path_request.max_ttl: 0 is out of range [1, 64]" },
    { WV_MSG_PATH_REQUEST, "max_ttl", "-1", WV_PROTOCOL_ERROR_MALFORMED, "path_request.max_ttl" },
    { WV_MSG_PATH_REQUEST, "max_ttl", "30.0", WV_PROTOCOL_ERROR_MALFORMED, "path_request.max_ttl: not an integer" },
    { WV_MSG_PATH_REQUEST, "rounds", "11", WV_PROTOCOL_ERROR_MALFORMED, "path_request.rounds: 11" },
    { WV_MSG_PATH_REQUEST, "rounds", "0", WV_PROTOCOL_ERROR_MALFORMED, "path_request.rounds" },
    { WV_MSG_PATH_REQUEST, "rounds", NULL, WV_PROTOCOL_ERROR_MALFORMED, "path_request.rounds: missing" },
    { WV_MSG_PATH_REQUEST, "mtu", "\"yes\"", WV_PROTOCOL_ERROR_MALFORMED, "path_request.mtu: not a boolean" },
    { WV_MSG_PATH_REQUEST, "mtu_max", "575", WV_PROTOCOL_ERROR_MALFORMED, "path_request.mtu_max: 575 is out of range [576, 9000]" },
    { WV_MSG_PATH_REQUEST, "mtu_max", "9001", WV_PROTOCOL_ERROR_MALFORMED, "path_request.mtu_max" },
    { WV_MSG_PATH_REQUEST, "mtu_max", "4294968796", WV_PROTOCOL_ERROR_MALFORMED, "path_request.mtu_max" },
    { WV_MSG_PATH_REQUEST, "mtu_sizes", "[575]", WV_PROTOCOL_ERROR_MALFORMED, "path_request.mtu_sizes: size 575 is out of range [576, 9000]" },
    { WV_MSG_PATH_REQUEST, "mtu_sizes", "[1400,9001]", WV_PROTOCOL_ERROR_MALFORMED, "path_request.mtu_sizes: size 9001 is out of range" },
    { WV_MSG_PATH_REQUEST, "mtu_sizes", "[-1]", WV_PROTOCOL_ERROR_MALFORMED, "path_request.mtu_sizes: size -1 is out of range" },
    { WV_MSG_PATH_REQUEST, "mtu_sizes", "[4294968796]", WV_PROTOCOL_ERROR_MALFORMED, "path_request.mtu_sizes: size 4294968796 is out of range" },
    { WV_MSG_PATH_REQUEST, "mtu_sizes", "[1400.0]", WV_PROTOCOL_ERROR_MALFORMED, "path_request.mtu_sizes: element 0 is not an integer" },
    { WV_MSG_PATH_REQUEST, "mtu_sizes", "[1280,\"1400\"]", WV_PROTOCOL_ERROR_MALFORMED, "path_request.mtu_sizes: element 1 is not an integer" },
    { WV_MSG_PATH_REQUEST, "mtu_sizes", "1400", WV_PROTOCOL_ERROR_MALFORMED, "path_request.mtu_sizes: not an array" },
    { WV_MSG_PATH_REQUEST, "mtu_sizes", "null", WV_PROTOCOL_ERROR_MALFORMED, "path_request.mtu_sizes: not an array" },
    { WV_MSG_PATH_REQUEST, "mtu_sizes", "[576,577,578,579,580,581,582,583,584,585,586,587,588,589,590,591,592]",
      WV_PROTOCOL_ERROR_MALFORMED, "path_request.mtu_sizes: 17 sizes, more than 16" },
    { WV_MSG_PATH_REQUEST, "dscp", "64", WV_PROTOCOL_ERROR_MALFORMED, "path_request.dscp: 64 is out of range" },
    { WV_MSG_PATH_REQUEST, "dscp", "-1", WV_PROTOCOL_ERROR_MALFORMED, "path_request.dscp" },
    { WV_MSG_PATH_REQUEST, "dscp", "\"EF\"", WV_PROTOCOL_ERROR_MALFORMED, "path_request.dscp: not an integer" },
    { WV_MSG_PATH_REQUEST, "dscp", "null", WV_PROTOCOL_ERROR_MALFORMED, "path_request.dscp: not an integer" },

    /* path_result (a hop) */
    { WV_MSG_PATH_RESULT, "kind", NULL, WV_PROTOCOL_ERROR_MALFORMED, "path_result.kind: missing" },
    { WV_MSG_PATH_RESULT, "kind", "\"stats\"", WV_PROTOCOL_ERROR_MALFORMED, "path_result.kind: unknown value" },
    { WV_MSG_PATH_RESULT, "kind", "\"summary\"", WV_PROTOCOL_ERROR_MALFORMED, "path_result.kind: unknown value" },
    { WV_MSG_PATH_RESULT, "kind", "\"Hop\"", WV_PROTOCOL_ERROR_MALFORMED, "path_result.kind: unknown value" },
    { WV_MSG_PATH_RESULT, "kind", "2", WV_PROTOCOL_ERROR_MALFORMED, "path_result.kind: not a string" },
    { WV_MSG_PATH_RESULT, "rx_tos", "256", WV_PROTOCOL_ERROR_MALFORMED, "path_result.rx_tos: 256 is out of range" },
    { WV_MSG_PATH_RESULT, "tos", "-1", WV_PROTOCOL_ERROR_MALFORMED, "path_result.tos" },
    { WV_MSG_PATH_RESULT, "tos", "1.5", WV_PROTOCOL_ERROR_MALFORMED, "path_result.tos: not an integer" },
    /* The kind decides which members are needed. */
    { WV_MSG_PATH_RESULT, "kind", "\"mtu\"", WV_PROTOCOL_ERROR_MALFORMED, "path_result.hop: missing" },
    { WV_MSG_PATH_RESULT, "kind", "\"path_mtu\"", WV_PROTOCOL_ERROR_MALFORMED, "path_result.mtu: missing" },
    { WV_MSG_PATH_RESULT, "kind", "\"done\"", WV_PROTOCOL_ERROR_MALFORMED, "path_result.error: missing" },
    { WV_MSG_PATH_RESULT, "round", "0", WV_PROTOCOL_ERROR_MALFORMED, "path_result.round: 0" },
    { WV_MSG_PATH_RESULT, "round", "11", WV_PROTOCOL_ERROR_MALFORMED, "path_result.round: 11" },
    { WV_MSG_PATH_RESULT, "ttl", "0", WV_PROTOCOL_ERROR_MALFORMED, "path_result.ttl: 0" },
    { WV_MSG_PATH_RESULT, "ttl", "65", WV_PROTOCOL_ERROR_MALFORMED, "path_result.ttl: 65" },
    { WV_MSG_PATH_RESULT, "addr", "null", WV_PROTOCOL_ERROR_MALFORMED, "path_result.addr: not a string" },
    { WV_MSG_PATH_RESULT, "addr", "\"router.example\"", WV_PROTOCOL_ERROR_MALFORMED, "path_result.addr: not an IP address" },
    { WV_MSG_PATH_RESULT, "addr", "\"10.0.0.256\"", WV_PROTOCOL_ERROR_MALFORMED, "path_result.addr: not an IP address" },
    { WV_MSG_PATH_RESULT, "addr", "\" 10.0.0.1\"", WV_PROTOCOL_ERROR_MALFORMED, "path_result.addr: not an IP address" },
    { WV_MSG_PATH_RESULT, "addr", "\"10.0.0.1\\n\"", WV_PROTOCOL_ERROR_MALFORMED, "path_result.addr: contains a control" },
    { WV_MSG_PATH_RESULT, "addr", "\"ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.2555\"", WV_PROTOCOL_ERROR_MALFORMED,
      "path_result.addr: longer than 45 bytes" },
    { WV_MSG_PATH_RESULT, "rtt_ms", "-2", WV_PROTOCOL_ERROR_MALFORMED, "path_result.rtt_ms" },
    { WV_MSG_PATH_RESULT, "rtt_ms", "null", WV_PROTOCOL_ERROR_MALFORMED, "path_result.rtt_ms: not a number" },
    { WV_MSG_PATH_RESULT, "rtt_ms", "1e999", WV_PROTOCOL_ERROR_MALFORMED, "path_result.rtt_ms: not a finite" },
    { WV_MSG_PATH_RESULT, "reached", "\"false\"", WV_PROTOCOL_ERROR_MALFORMED, "path_result.reached: not a boolean" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = mutate (cases[i].type, cases[i].path, cases[i].raw);

      g_autofree char *printable = g_strescape (text, NULL);

      g_test_message ("case %u: %s", i, printable);
      assert_parse_error (text, -1, cases[i].code, cases[i].fragment);
    }
}

/* Long strings, as the limits allow them, in messages sized to just fit. */
static void
test_long_strings (void)
{
  g_autoptr(GString) s = g_string_new (NULL);
  WvMsg m;

  /* 255 bytes of message: accepted; 256: not. */
  g_string_append (s, "{\"type\":\"error\",\"code\":\"internal\",\"message\":\"");
  for (guint i = 0; i < 255; i++)
    g_string_append_c (s, 'a' + i % 26);
  g_string_append (s, "\"}");
  parse_ok (s->str, &m);
  g_assert_cmpuint (strlen (m.error.message), ==, 255);
  g_assert_cmpint (m.error.message[254], ==, 'a' + 254 % 26);
  g_string_insert_c (s, 50, 'x');
  assert_parse_error (s->str, -1, WV_PROTOCOL_ERROR_MALFORMED, "error.message: longer than 255 bytes");

  /* Escapes count as the bytes they stand for: 64 "\u00e9" escapes are
   * 128 bytes of UTF-8, too long for an id of 64. */
  g_string_assign (s, "{\"type\":\"hello\",\"protocol\":1,\"software\":\"\",\"role\":\"client\",\"session\":\"");
  for (guint i = 0; i < 32; i++)
    g_string_append (s, "\\u00e9");
  g_string_append (s, "\",\"conn\":\"\",\"clock\":{\"synced\":false,\"error_ms\":-1,\"boot_id\":\"\"}}");
  parse_ok (s->str, &m);
  g_assert_cmpuint (strlen (m.hello.session), ==, 64);
  g_assert_true (g_str_has_prefix (m.hello.session, "\xc3\xa9\xc3\xa9"));
  g_string_replace (s, "\\u00e9\"", "\\u00e9\\u00e9\"", 1);
  assert_parse_error (s->str, -1, WV_PROTOCOL_ERROR_MALFORMED, "hello.session: longer than 64 bytes");
}

/* --- MTU size lists (CLI --mtu-sizes, GUI preference) --------------------- */

static void
assert_mtu_sizes (const char *text, const char *expected)
{
  g_autoptr(GError) error = NULL;
  guint sizes[WV_MTU_MAX_SIZES], n = 0;
  g_autofree char *back = NULL;

  g_assert_true (wv_mtu_sizes_parse (text, sizes, &n, &error));
  g_assert_no_error (error);
  back = wv_mtu_sizes_to_string (sizes, n);
  g_assert_cmpstr (back, ==, expected);
}

static void
assert_mtu_sizes_error (const char *text, const char *fragment)
{
  g_autoptr(GError) error = NULL;
  guint sizes[WV_MTU_MAX_SIZES], n = 0;

  g_assert_false (wv_mtu_sizes_parse (text, sizes, &n, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, fragment));
}

static void
test_mtu_sizes (void)
{
  const guint *def;
  guint n_def;
  g_autofree char *def_text = NULL;

  def = wv_mtu_sizes_default (&n_def);
  def_text = wv_mtu_sizes_to_string (def, n_def);
  g_assert_cmpstr (def_text, ==, "576 1280 1350 1400 1450 1472 1490 1500");

  assert_mtu_sizes ("1400", "1400");
  assert_mtu_sizes (" 1500,1280 , 1400\t576\n", "576 1280 1400 1500");
  assert_mtu_sizes ("1500 1500 1400 1500", "1400 1500");
  assert_mtu_sizes ("576 9000", "576 9000");
  /* 16 different sizes, also when repeats make them 17 words */
  assert_mtu_sizes ("600 610 620 630 640 650 660 670 680 690 700 710 720 730 740 750",
                    "600 610 620 630 640 650 660 670 680 690 700 710 720 730 740 750");
  assert_mtu_sizes ("750 600 610 620 630 640 650 660 670 680 690 700 710 720 730 740 750",
                    "600 610 620 630 640 650 660 670 680 690 700 710 720 730 740 750");

  assert_mtu_sizes_error ("", "no packet sizes");
  assert_mtu_sizes_error (" , ", "no packet sizes");
  assert_mtu_sizes_error (NULL, "no packet sizes");
  assert_mtu_sizes_error ("575", "“575” is not a packet size of 576 to 9000 bytes");
  assert_mtu_sizes_error ("1400 9001", "“9001”");
  assert_mtu_sizes_error ("1400 -1", "“-1”");
  assert_mtu_sizes_error ("1400;1500", "“1400;1500”");
  assert_mtu_sizes_error ("1400.5", "“1400.5”");
  assert_mtu_sizes_error ("0x578", "“0x578”");
  assert_mtu_sizes_error ("99999999999999999999", "“99999999999999999999”");
  assert_mtu_sizes_error ("600 610 620 630 640 650 660 670 680 690 700 710 720 730 740 750 760",
                          "more than 16 packet sizes");
}

/* --- DSCP lists (CLI --dscp, GUI preference) ------------------------------ */

static void
assert_dscp_list (const char *text, guint n, const int *expected)
{
  g_autoptr(GError) error = NULL;
  WvClasses classes;

  g_assert_true (wv_dscp_parse_list (text, &classes, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (classes.n_classes, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (classes.dscp[i], ==, expected[i]);
}

static void
assert_dscp_list_error (const char *text, const char *fragment)
{
  g_autoptr(GError) error = NULL;
  WvClasses classes;

  g_assert_false (wv_dscp_parse_list (text, &classes, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, fragment));
}

static void
test_dscp_list (void)
{
  static const int three[] = { 0, 34, 46 };
  static const int mixed[] = { 46, 10, 1, 63 };
  static const int eight[] = { 0, 8, 10, 18, 26, 34, 46, 48 };

  assert_dscp_list ("CS0,AF41,EF", 3, three);
  assert_dscp_list ("cs0 af41  ef", 3, three);
  assert_dscp_list (" CS0, AF41 ,EF ,", 3, three);
  assert_dscp_list ("BE\tAF41\nEF", 3, three);
  assert_dscp_list ("EF 10 LE 63", 4, mixed);
  assert_dscp_list ("CS0 CS1 AF11 AF21 AF31 AF41 EF CS6", 8, eight);
  assert_dscp_list ("", 0, NULL);
  assert_dscp_list (" , ", 0, NULL);
  assert_dscp_list (NULL, 0, NULL);

  assert_dscp_list_error ("CS0 XX", "\"XX\" is not a DSCP");
  assert_dscp_list_error ("64", "\"64\" is not a DSCP");
  assert_dscp_list_error ("-1", "\"-1\" is not a DSCP");
  assert_dscp_list_error ("EF;AF41", "\"EF;AF41\" is not a DSCP");
  assert_dscp_list_error ("EF 46", "listed twice");
  assert_dscp_list_error ("BE CS0", "listed twice");
  assert_dscp_list_error ("0 1 2 3 4 5 6 7 8", "at most 8 DSCP classes");
}

/* --- validation and serialising bad structs ------------------------------- */

/* @m fails wv_msg_validate() with @code. It is still serialised as valid
 * JSON, which the peer rejects too, unless @repaired: the bad part was not
 * sent (rx.window_ns, classes beyond the array) or made valid on the way
 * (invalid UTF-8, counters above G_MAXINT64). */
static void
assert_invalid_full (const WvMsg *m, int code, const char *fragment, gboolean repaired)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) peer_error = NULL;
  g_autofree char *text = NULL;
  WvMsg back;

  g_assert_false (wv_msg_validate (m, &error));
  g_assert_error (error, WV_PROTOCOL_ERROR, code);
  if (fragment != NULL && strstr (error->message, fragment) == NULL)
    g_error ("message \"%s\" does not name \"%s\"", error->message, fragment);

  text = wv_msg_serialize (m);
  g_assert_nonnull (text);
  g_assert_true (g_utf8_validate (text, -1, NULL));
  if (repaired)
    {
      g_assert_true (wv_msg_parse (text, strlen (text), &back, &peer_error));
      g_assert_no_error (peer_error);
    }
  else
    {
      g_assert_false (wv_msg_parse (text, strlen (text), &back, &peer_error));
      g_assert_error (peer_error, WV_PROTOCOL_ERROR, code);
    }
}

static void
assert_invalid (const WvMsg *m, int code, const char *fragment)
{
  assert_invalid_full (m, code, fragment, FALSE);
}

static void
test_validate (void)
{
  WvMsg m;

  make_hello (&m);
  m.hello.protocol = 2;
  assert_invalid (&m, WV_PROTOCOL_ERROR_VERSION, "hello.protocol");
  /* Free text is sent as the peer accepts it: cut to the buffer, '?' for
   * bytes that are not UTF-8, ' ' for control characters. */
  make_hello (&m);
  memset (m.hello.session, 'x', sizeof m.hello.session);     /* no NUL */
  assert_invalid_full (&m, WV_PROTOCOL_ERROR_MALFORMED, "hello.session: longer than 64", TRUE);
  make_hello (&m);
  set_text (m.hello.software, sizeof m.hello.software, "bad \xff utf-8 \xc3\x28");
  assert_invalid_full (&m, WV_PROTOCOL_ERROR_MALFORMED, "hello.software: not valid UTF-8", TRUE);
  {
    g_autofree char *text = wv_msg_serialize (&m);

    g_assert_nonnull (strstr (text, "\"software\":\"bad ? utf-8 ?(\""));
  }
  make_hello (&m);
  set_text (m.hello.role, sizeof m.hello.role, "peer");
  assert_invalid (&m, WV_PROTOCOL_ERROR_MALFORMED, "hello.role");
  make_hello (&m);
  m.hello.clock.error_ms = NAN;
  assert_invalid (&m, WV_PROTOCOL_ERROR_MALFORMED, "hello.clock.error_ms: not a finite");
  m.hello.clock.error_ms = INFINITY;
  assert_invalid (&m, WV_PROTOCOL_ERROR_MALFORMED, "hello.clock.error_ms: not a finite");
  m.hello.clock.error_ms = -INFINITY;
  assert_invalid (&m, WV_PROTOCOL_ERROR_MALFORMED, "hello.clock.error_ms: not a finite");

  make_streams (&m, WV_MSG_START_STREAMS);
  m.streams.classes.n_classes = WV_MAX_CLASSES + 1;
  /* Only the WV_MAX_CLASSES entries of the array are sent. */
  assert_invalid_full (&m, WV_PROTOCOL_ERROR_MALFORMED, "start_streams.classes", TRUE);
  make_streams (&m, WV_MSG_START_STREAMS);
  m.streams.classes.dscp[1] = -1;
  assert_invalid (&m, WV_PROTOCOL_ERROR_MALFORMED, "start_streams.classes: DSCP -1");
  make_path_request (&m);
  m.path_request.n_mtu_sizes = WV_MTU_MAX_SIZES + 1;
  for (guint i = 0; i < WV_MTU_MAX_SIZES; i++)
    m.path_request.mtu_sizes[i] = 1000 + i;
  /* Only WV_MTU_MAX_SIZES of them are sent. */
  assert_invalid_full (&m, WV_PROTOCOL_ERROR_MALFORMED, "path_request.mtu_sizes: 17 sizes", TRUE);
  make_path_request (&m);
  m.path_request.n_mtu_sizes = 2;
  m.path_request.mtu_sizes[0] = 1400;
  m.path_request.mtu_sizes[1] = 9001;
  assert_invalid (&m, WV_PROTOCOL_ERROR_MALFORMED, "path_request.mtu_sizes: size 9001");
  make_streams (&m, WV_MSG_START_STREAMS);
  m.streams.duration_s = NAN;
  assert_invalid (&m, WV_PROTOCOL_ERROR_MALFORMED, "start_streams.duration_s");
  make_streams (&m, WV_MSG_START_STREAMS);
  m.streams.bulk_bps = G_MAXUINT64;
  assert_invalid (&m, WV_PROTOCOL_ERROR_MALFORMED, "start_streams.bulk_bps");
  /* capped and reason are not part of start_streams: not checked. */
  make_streams (&m, WV_MSG_START_STREAMS);
  memset (m.streams.reason, 0xff, sizeof m.streams.reason);
  g_assert_true (wv_msg_validate (&m, NULL));
  make_streams (&m, WV_MSG_STREAMS_STARTED);
  memset (m.streams.reason, 0xff, sizeof m.streams.reason);
  assert_invalid_full (&m, WV_PROTOCOL_ERROR_MALFORMED, "streams_started.reason", TRUE);
  {
    g_autofree char *text = wv_msg_serialize (&m);
    WvMsg back;

    g_assert_true (wv_msg_parse (text, strlen (text), &back, NULL));
    g_assert_cmpuint (strlen (back.streams.reason), ==, 127);
    g_assert_cmpint (back.streams.reason[126], ==, '?');
  }

  /* Measures without data are unknown: NaN here, null on the wire. */
  {
    static const char *fields[] = { "jitter_ms", "loss_pct", "reorder_pct", "dup_pct",
                                    "throughput_bps" };

    for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
      {
        g_autofree char *text = NULL, *member = NULL;
        WvMsg back;
        g_autoptr(GError) error = NULL;
        double *v;

        make_stats (&m);
        v = i == 0 ? &m.stats.rx.jitter_ms : i == 1 ? &m.stats.rx.loss_pct :
            i == 2 ? &m.stats.rx.reorder_pct : i == 3 ? &m.stats.rx.dup_pct :
            &m.stats.rx.throughput_bps;
        *v = NAN;
        g_assert_true (wv_msg_validate (&m, &error));
        g_assert_no_error (error);
        text = wv_msg_serialize (&m);
        member = g_strdup_printf ("\"%s\":null", fields[i]);
        g_assert_nonnull (strstr (text, member));
        g_assert_true (wv_msg_parse (text, strlen (text), &back, &error));
        g_assert_no_error (error);
        v = i == 0 ? &back.stats.rx.jitter_ms : i == 1 ? &back.stats.rx.loss_pct :
            i == 2 ? &back.stats.rx.reorder_pct : i == 3 ? &back.stats.rx.dup_pct :
            &back.stats.rx.throughput_bps;
        g_assert_true (isnan (*v));
      }
  }
  make_stats (&m);
  m.stats.rx.window_ns = 1;
  assert_invalid_full (&m, WV_PROTOCOL_ERROR_MALFORMED, "stats.rx.window_ns", TRUE);
  make_stats (&m);
  m.stats.rx.owd_ms.p99 = NAN;
  assert_invalid (&m, WV_PROTOCOL_ERROR_MALFORMED, "stats.rx.owd_ms.p99: not a finite");
  make_stats (&m);
  m.stats.rx.delay_dev_ms.max = 3;          /* n is 0: sent as null, read as 0 */
  assert_invalid_full (&m, WV_PROTOCOL_ERROR_MALFORMED, "stats.rx.delay_dev_ms.max: must be 0", TRUE);
  m.stats.rx.delay_dev_ms.max = -0.0;       /* would come back as +0.0 */
  assert_invalid_full (&m, WV_PROTOCOL_ERROR_MALFORMED, "stats.rx.delay_dev_ms.max: must be 0", TRUE);
  make_stats (&m);
  m.stats.rx_dir = (WvDirection) 7;
  assert_invalid (&m, WV_PROTOCOL_ERROR_MALFORMED, "stats.rx_dir");
  make_stats (&m);
  m.stats.owd_mode = (WvOwdMode) -1;
  assert_invalid (&m, WV_PROTOCOL_ERROR_MALFORMED, "stats.owd_mode");
  make_stats (&m);
  m.stats.probes_sent = (guint64) G_MAXINT64 + 1;
  /* Sent as G_MAXINT64, the largest JSON integer json-glib has. */
  assert_invalid_full (&m, WV_PROTOCOL_ERROR_MALFORMED, "stats.probes_sent", TRUE);
  {
    g_autofree char *text = wv_msg_serialize (&m);

    g_assert_nonnull (strstr (text, "\"probes_sent\":9223372036854775807,"));
  }
  make_stats (&m);
  m.stats.rx.rx_ttl = 1000;
  assert_invalid (&m, WV_PROTOCOL_ERROR_MALFORMED, "stats.rx.rx_ttl");

  make_error (&m, WV_MSG_ERROR);
  m.error.code[0] = '\0';
  assert_invalid (&m, WV_PROTOCOL_ERROR_MALFORMED, "error.code");
  make_error (&m, WV_MSG_BYE);
  set_text (m.error.message, sizeof m.error.message, "bell \a\ttab \xc2\x9b C1");
  assert_invalid_full (&m, WV_PROTOCOL_ERROR_MALFORMED, "bye.reason", TRUE);
  {
    g_autofree char *text = wv_msg_serialize (&m);

    g_assert_cmpstr (text, ==, "{\"type\":\"bye\",\"reason\":\"bell   tab   C1\"}");
  }
  /* A text that g_strlcpy() cut in the middle of a character (a GError
   * message in a path_result, say) loses that character and is accepted. */
  make_path_result (&m, WV_N_RECORD_TYPES);
  {
    g_autofree char *long_text = g_strnfill (126, 'a');
    g_autofree char *source = g_strconcat (long_text, "\xc3\xa9z", NULL);
    g_autofree char *text = NULL;
    WvMsg back;

    g_strlcpy (m.path_result.error, source, sizeof m.path_result.error);
    g_assert_cmpuint (strlen (m.path_result.error), ==, 127);
    assert_invalid_full (&m, WV_PROTOCOL_ERROR_MALFORMED, "path_result.error: not valid UTF-8", TRUE);
    text = wv_msg_serialize (&m);
    g_assert_true (wv_msg_parse (text, strlen (text), &back, NULL));
    g_assert_cmpstr (back.path_result.error, ==, long_text);
  }
  /* bye has no code: whatever is there is ignored. */
  make_error (&m, WV_MSG_BYE);
  memset (m.error.code, 0xff, sizeof m.error.code);
  g_assert_true (wv_msg_validate (&m, NULL));

  /* Booleans are TRUE or FALSE, nothing else. */
  make_hello (&m);
  m.hello.clock.synced = 2;
  assert_invalid_full (&m, WV_PROTOCOL_ERROR_MALFORMED, "hello.clock.synced: 2", TRUE);
  make_streams (&m, WV_MSG_STREAMS_STARTED);
  m.streams.capped = -1;
  assert_invalid_full (&m, WV_PROTOCOL_ERROR_MALFORMED, "streams_started.capped", TRUE);

  make_path_request (&m);
  m.path_request.trace = FALSE;
  m.path_request.mtu = FALSE;
  assert_invalid (&m, WV_PROTOCOL_ERROR_MALFORMED, "path_request.trace: neither");
  make_path_request (&m);
  m.path_request.rounds = 0;
  assert_invalid (&m, WV_PROTOCOL_ERROR_MALFORMED, "path_request.rounds");
  make_path_result (&m, WV_RECORD_HOP);
  m.path_result.kind = WV_RECORD_STATS;
  assert_invalid (&m, WV_PROTOCOL_ERROR_MALFORMED, "path_result.kind");
  make_path_result (&m, WV_RECORD_HOP);
  m.path_result.kind = (WvRecordType) 99;
  assert_invalid (&m, WV_PROTOCOL_ERROR_MALFORMED, "path_result.kind");
  make_path_result (&m, WV_RECORD_HOP);
  m.path_result.hop.rtt_ms = -0.5;
  assert_invalid (&m, WV_PROTOCOL_ERROR_MALFORMED, "path_result.rtt_ms");
  make_path_result (&m, WV_RECORD_HOP);
  set_text (m.path_result.hop.addr, sizeof m.path_result.hop.addr, "gateway");
  assert_invalid (&m, WV_PROTOCOL_ERROR_MALFORMED, "path_result.addr: not an IP address");
  /* Parts that the kind does not send are not checked. */
  make_path_result (&m, WV_RECORD_PATH_MTU);
  memset (m.path_result.error, 0xff, sizeof m.path_result.error);
  m.path_result.hop.ttl = 1000;
  g_assert_true (wv_msg_validate (&m, NULL));

  memset (&m, 0, sizeof m);
  m.type = WV_N_MSG_TYPES;
  g_assert_false (wv_msg_validate (&m, NULL));
}

/* NaN and infinity never reach the wire: they are written as null. */
static void
test_serialize_non_finite (void)
{
  g_autofree char *text = NULL;
  WvMsg m;

  make_stats (&m);
  m.stats.rx.loss_pct = NAN;
  m.stats.rx.owd_ms.mean = INFINITY;
  m.stats.rx.delay_dev_ms.min = NAN;        /* n is 0: not sent at all */
  text = wv_msg_serialize (&m);
  g_assert_null (strstr (text, "nan"));
  g_assert_null (strstr (text, "inf"));
  g_assert_nonnull (strstr (text, "\"loss_pct\":null"));
  g_assert_nonnull (strstr (text, "\"mean\":null,\"n\":997"));
  assert_parse_error (text, -1, WV_PROTOCOL_ERROR_MALFORMED, "stats.rx.owd_ms.mean: not a number");
}

/* --- the examples in docs/protocol.md --------------------------------------- */

static void
test_doc_examples (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "docs", "protocol.md", NULL);
  g_autofree char *doc = NULL;
  gboolean seen[WV_N_MSG_TYPES] = { FALSE };
  const char *p;
  guint n = 0;

  if (!g_file_get_contents (path, &doc, NULL, NULL))
    {
      g_test_skip ("docs/protocol.md not found next to the tests");
      return;
    }
  /* Every ```json block is a complete message that parses. */
  for (p = strstr (doc, "```json\n"); p != NULL; p = strstr (p, "```json\n"))
    {
      const char *start = p + strlen ("```json\n");
      const char *end = strstr (start, "```");
      g_autofree char *block = NULL;
      g_autoptr(GError) error = NULL;
      WvMsg m;

      g_assert_nonnull (end);
      block = g_strndup (start, end - start);
      if (!wv_msg_parse (block, strlen (block), &m, &error))
        g_error ("docs/protocol.md example rejected: %s\n%s", error->message, block);
      seen[m.type] = TRUE;
      n++;
      p = end + 3;
    }
  for (guint t = 0; t < WV_N_MSG_TYPES; t++)
    if (!seen[t])
      g_error ("docs/protocol.md has no example of %s", wv_msg_type_to_string (t));
  g_test_message ("%u examples", n);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/protocol/packet/followups", test_packet_followups);
  g_test_add_func ("/protocol/packet/layout", test_packet_layout);
  g_test_add_func ("/protocol/packet/write-bounds", test_packet_write_bounds);
  g_test_add_func ("/protocol/packet/parse-errors", test_packet_parse_errors);
  g_test_add_func ("/protocol/packet/header-exhaustive", test_packet_header_exhaustive);
  g_test_add_func ("/protocol/testprobe/layout", test_testprobe_layout);
  g_test_add_func ("/protocol/names", test_names);
  g_test_add_func ("/protocol/msg/roundtrip-fixtures", test_roundtrip_fixtures);
  g_test_add_func ("/protocol/msg/exact-text", test_exact_text);
  g_test_add_func ("/protocol/msg/roundtrip-stats-text", test_roundtrip_stats_text);
  g_test_add_func ("/protocol/msg/roundtrip-extremes", test_roundtrip_extremes);
  g_test_add_func ("/protocol/msg/exponent-repair", test_exponent_repair);
  g_test_add_func ("/protocol/msg/forward-compatible", test_forward_compatible);
  g_test_add_func ("/protocol/msg/malformed-text", test_malformed_text);
  g_test_add_func ("/protocol/msg/malformed-bytes", test_malformed_bytes);
  g_test_add_func ("/protocol/msg/malformed-fields", test_malformed_fields);
  g_test_add_func ("/protocol/msg/long-strings", test_long_strings);
  g_test_add_func ("/protocol/msg/validate", test_validate);
  g_test_add_func ("/protocol/msg/serialize-non-finite", test_serialize_non_finite);
  g_test_add_func ("/protocol/msg/doc-examples", test_doc_examples);
  g_test_add_func ("/protocol/mtu-sizes", test_mtu_sizes);
  g_test_add_func ("/protocol/dscp-list", test_dscp_list);

  return g_test_run ();
}
