/* test-server-caps.c: what the server sends, against a client it cannot trust
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A WvServer in this process on 127.0.0.1, and a "raw" client: a WvPeer
 * that signals over HTTP as wv-client.c does, then speaks the protocol
 * by hand (hello, start_streams) and sends only what a test wants it to,
 * as a hostile client could. It counts every byte the server's streams
 * deliver (probes, echoes, bulk: message payload, timestamps from this
 * process's CLOCK_MONOTONIC on arrival) and checks the caps of
 * docs/protocol.md ("Output caps"): per connection, per server, the
 * requested duration, the pause when the client's own streams stop, the
 * ratio of what the server sends to what a client that follows the
 * protocol sends, and the end of a ready connection that measures
 * nothing.
 */
#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "wv-clock.h"
#include "wv-gst.h"
#include "wv-peer.h"
#include "wv-protocol.h"
#include "wv-server.h"
#include "wv-test-pair.h"

#define TOKEN "caps-test-token-0123456789"

typedef struct {
  WvServer *server;
  char *base;              /* ".../api/v1" */
  SoupSession *http;
} Srv;

typedef struct {
  Srv *srv;
  WvPeer *peer;
  char *id;
  guint since;
  GPtrArray *pending;      /* local candidates before the answer */
  gboolean polling;
  gboolean connected, hello, started, failed, closed;
  WvMsgStreams granted;
  gint64 started_ns;       /* monotonic, when streams_started arrived */
  /* what the server's streams delivered */
  guint64 rx_bytes;        /* probes, echoes and bulk */
  guint64 rx_probes;
  gint64 last_rx_ns;       /* monotonic, the server's last probe or bulk packet */
  guint64 rx_after_ns_bytes;
  gint64 count_after_ns;   /* count bytes arriving after this (0: no) */
  /* what this client sends */
  gboolean echo;           /* echo the server's probes */
  guint64 tx_bytes;
  guint send_source;
  gint64 send_start_ns;
  guint64 probes_sent, bulk_sent;
} Raw;

static Srv *
srv_new (guint64 max_out_bps, guint64 max_total_out_bps, guint ready_timeout_s)
{
  Srv *srv = g_new0 (Srv, 1);
  WvServerConfig config;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) urls = NULL;

  wv_server_config_init (&config);
  config.listen = g_strsplit ("127.0.0.1:0", " ", -1);
  config.ice_addresses = g_strsplit ("127.0.0.1", " ", -1);
  config.token = g_strdup (TOKEN);
  config.socket_errors = FALSE;
  config.caps.max_out_bps = max_out_bps;
  config.max_total_out_bps = max_total_out_bps;
  if (ready_timeout_s)
    config.ready_timeout_s = ready_timeout_s;
  srv->server = wv_server_new (&config);
  wv_server_config_clear (&config);
  if (!wv_server_start (srv->server, &error))
    g_error ("%s", error->message);
  urls = wv_server_dup_urls (srv->server);
  srv->base = g_strconcat (urls[0], WV_API_PREFIX, NULL);
  srv->http = soup_session_new_with_options ("max-conns-per-host", 8, NULL);
  return srv;
}

static void
srv_free (Srv *srv)
{
  wv_server_stop (srv->server);
  soup_session_abort (srv->http);
  g_object_unref (srv->http);
  g_object_unref (srv->server);
  g_free (srv->base);
  g_free (srv);
}

/* --- HTTP ------------------------------------------------------------------ */

static void post_candidate (Raw *raw, guint mline, const char *candidate);
static void poll_candidates (Raw *raw);

static void
on_polled (GObject *source, GAsyncResult *res, gpointer data)
{
  Raw *raw = data;
  g_autoptr(GBytes) reply = soup_session_send_and_read_finish (SOUP_SESSION (source), res, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *o;
  JsonArray *list;

  raw->polling = FALSE;
  if (reply == NULL || raw->peer == NULL ||
      !json_parser_load_from_data (parser, g_bytes_get_data (reply, NULL), g_bytes_get_size (reply),
                                   NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return;
  o = json_node_get_object (json_parser_get_root (parser));
  list = json_object_get_array_member (o, "candidates");
  for (guint i = 0; list && i < json_array_get_length (list); i++)
    {
      JsonObject *c = json_array_get_object_element (list, i);

      wv_peer_add_remote_candidate (raw->peer, json_object_get_int_member (c, "mline"),
                                    json_object_get_string_member (c, "candidate"));
    }
  raw->since = json_object_get_int_member (o, "next");
  if (!raw->connected)
    poll_candidates (raw);
}

static void
poll_candidates (Raw *raw)
{
  g_autofree char *url = g_strdup_printf ("%s/connections/%s/candidates?since=%u", raw->srv->base,
                                          raw->id, raw->since);
  SoupMessage *msg = soup_message_new ("GET", url);

  raw->polling = TRUE;
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                "Bearer " TOKEN);
  soup_session_send_and_read_async (raw->srv->http, msg, G_PRIORITY_DEFAULT, NULL, on_polled, raw);
  g_object_unref (msg);
}

static void
on_offer_answered (GObject *source, GAsyncResult *res, gpointer data)
{
  Raw *raw = data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), res);
  g_autoptr(GBytes) reply = soup_session_send_and_read_finish (SOUP_SESSION (source), res, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *o;
  g_autoptr(GError) error = NULL;

  if (reply == NULL || soup_message_get_status (msg) != 201 ||
      !json_parser_load_from_data (parser, g_bytes_get_data (reply, NULL), g_bytes_get_size (reply),
                                   NULL))
    {
      raw->failed = TRUE;
      return;
    }
  o = json_node_get_object (json_parser_get_root (parser));
  raw->id = g_strdup (json_object_get_string_member (o, "id"));
  if (!wv_peer_set_remote_description (raw->peer, "answer",
                                       json_object_get_string_member (o, "sdp"), &error))
    raw->failed = TRUE;
  for (guint i = 0; i < raw->pending->len; i++)
    post_candidate (raw, 0, g_ptr_array_index (raw->pending, i));
  g_ptr_array_set_size (raw->pending, 0);
  poll_candidates (raw);
}

static void
on_local_description (WvPeer *peer, const char *type, const char *sdp, Raw *raw)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *url = g_strconcat (raw->srv->base, "/connections", NULL);
  g_autofree char *text = NULL;
  SoupMessage *msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) body = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "protocol");
  json_builder_add_int_value (b, WV_PROTOCOL_VERSION);
  json_builder_set_member_name (b, "session");
  json_builder_add_string_value (b, "caps-test");
  json_builder_set_member_name (b, "index");
  json_builder_add_int_value (b, 0);
  json_builder_set_member_name (b, "family");
  json_builder_add_int_value (b, 4);
  json_builder_set_member_name (b, "sdp");
  json_builder_add_string_value (b, sdp);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, NULL);
  body = g_bytes_new (text, strlen (text));
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                "Bearer " TOKEN);
  soup_message_set_request_body_from_bytes (msg, "application/json", body);
  soup_session_send_and_read_async (raw->srv->http, msg, G_PRIORITY_DEFAULT, NULL,
                                    on_offer_answered, raw);
  g_object_unref (msg);
}

static void
on_posted (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr(GBytes) reply = soup_session_send_and_read_finish (SOUP_SESSION (source), res, NULL);
}

/* The server learns the client's address from its checks (its candidates
 * on 127.0.0.1 would be taken too); this posts them as a client does. */
static void
on_local_candidate (WvPeer *peer, guint mline, const char *candidate, Raw *raw)
{
  if (raw->id == NULL)
    g_ptr_array_add (raw->pending, g_strdup (candidate));
  else
    post_candidate (raw, mline, candidate);
}

static void
post_candidate (Raw *raw, guint mline, const char *candidate)
{
  g_autofree char *path = NULL, *url = NULL, *body = NULL;
  SoupMessage *msg;
  g_autoptr(GBytes) bytes = NULL;

  path = g_strdup_printf ("/connections/%s/candidates", raw->id);
  url = g_strconcat (raw->srv->base, path, NULL);
  body = g_strdup_printf ("{\"candidates\": [{\"mline\": %u, \"candidate\": \"%s\"}]}", mline,
                          candidate);
  msg = soup_message_new ("POST", url);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                "Bearer " TOKEN);
  bytes = g_bytes_new (body, strlen (body));
  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  soup_session_send_and_read_async (raw->srv->http, msg, G_PRIORITY_DEFAULT, NULL, on_posted, raw);
  g_object_unref (msg);
}

static void
send_msg (Raw *raw, const WvMsg *msg)
{
  g_autofree char *text = wv_msg_serialize (msg);

  g_assert_true (wv_peer_send_text (raw->peer, WV_CHANNEL_CONTROL, text, NULL));
}

static void
on_state (WvPeer *peer, guint state, Raw *raw)
{
  if (state == WV_PEER_CONNECTED && !raw->connected)
    {
      WvMsg msg = { .type = WV_MSG_HELLO };

      raw->connected = TRUE;
      msg.hello.protocol = WV_PROTOCOL_VERSION;
      g_strlcpy (msg.hello.software, "caps-test", sizeof msg.hello.software);
      g_strlcpy (msg.hello.role, "client", sizeof msg.hello.role);
      g_strlcpy (msg.hello.session, "caps-test", sizeof msg.hello.session);
      g_strlcpy (msg.hello.conn, raw->id ? raw->id : "x", sizeof msg.hello.conn);
      wv_clock_get_info (&msg.hello.clock);
      send_msg (raw, &msg);
    }
  else if (state == WV_PEER_FAILED || state == WV_PEER_CLOSED)
    raw->closed = TRUE;
}

static void
on_text (WvPeer *peer, guint channel, const char *text, Raw *raw)
{
  WvMsg msg;

  if (!wv_msg_parse (text, strlen (text), &msg, NULL))
    return;
  if (msg.type == WV_MSG_HELLO)
    raw->hello = TRUE;
  else if (msg.type == WV_MSG_STREAMS_STARTED)
    {
      raw->granted = msg.streams;
      raw->started = TRUE;
      raw->started_ns = wv_monotonic_ns ();
    }
  else if (msg.type == WV_MSG_BYE)
    raw->closed = TRUE;
}

static void
on_message (WvPeer *peer, guint channel, GBytes *bytes, const WvRecvInfo *info, Raw *raw)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  WvPacket p;
  gint64 now = wv_monotonic_ns ();

  if (channel != WV_CHANNEL_PROBE && channel != WV_CHANNEL_BULK)
    return;
  raw->rx_bytes += len;
  if (raw->count_after_ns && now > raw->count_after_ns)
    raw->rx_after_ns_bytes += len;
  if (!wv_packet_parse (data, len, &p, NULL))
    return;
  /* The server's own streams (not its echoes of ours). */
  if (p.kind != WV_PACKET_ECHO)
    raw->last_rx_ns = now;
  if (p.kind == WV_PACKET_PROBE)
    {
      raw->rx_probes++;
      if (raw->echo)
        {
          guint8 buf[WV_ECHO_SIZE];
          g_autoptr(GBytes) echo = NULL;

          p.kind = WV_PACKET_ECHO;
          p.t2 = p.t3 = wv_now_ns ();
          wv_packet_write (&p, buf, sizeof buf);
          echo = g_bytes_new (buf, sizeof buf);
          if (wv_peer_send (raw->peer, WV_CHANNEL_PROBE, echo, NULL, NULL))
            raw->tx_bytes += sizeof buf;
        }
    }
}

static Raw *
raw_connect (Srv *srv)
{
  const char *addrs[] = { "127.0.0.1", NULL };
  WvPeerConfig pc = { TRUE, 4, addrs, NULL, FALSE };
  g_autoptr(GError) error = NULL;
  Raw *raw = g_new0 (Raw, 1);

  raw->srv = srv;
  raw->pending = g_ptr_array_new_with_free_func (g_free);
  raw->peer = wv_peer_new (&pc, &error);
  g_assert_no_error (error);
  g_signal_connect (raw->peer, "local-description", G_CALLBACK (on_local_description), raw);
  g_signal_connect (raw->peer, "local-candidate", G_CALLBACK (on_local_candidate), raw);
  g_signal_connect (raw->peer, "state-changed", G_CALLBACK (on_state), raw);
  g_signal_connect (raw->peer, "text", G_CALLBACK (on_text), raw);
  g_signal_connect (raw->peer, "message", G_CALLBACK (on_message), raw);
  wv_peer_start (raw->peer);
  if (!wv_test_run_until (&raw->hello, 15000))
    g_error ("the raw client did not get the server's hello (failed %d, id %s, connected %d)", raw->failed, raw->id, raw->connected);
  return raw;
}

static void
raw_free (Raw *raw)
{
  g_clear_handle_id (&raw->send_source, g_source_remove);
  g_signal_handlers_disconnect_by_data (raw->peer, raw);
  wv_peer_close (raw->peer);
  g_clear_object (&raw->peer);
  /* A long poll may still be out. */
  while (raw->polling)
    g_main_context_iteration (NULL, TRUE);
  g_ptr_array_unref (raw->pending);
  g_free (raw->id);
  g_free (raw);
}

static void
raw_start (Raw *raw, guint classes, guint rate, guint size, guint64 bulk, double duration)
{
  WvMsg msg = { .type = WV_MSG_START_STREAMS };

  msg.streams.rate_pps = rate;
  msg.streams.probe_size = size;
  msg.streams.bulk_bps = bulk;
  msg.streams.duration_s = duration;
  msg.streams.classes.n_classes = classes;
  for (guint c = 0; c < classes; c++)
    msg.streams.classes.dscp[c] = c * 8;
  send_msg (raw, &msg);
  if (!wv_test_run_until (&raw->started, 5000))
    g_error ("no streams_started");
}

/* Sends what the granted streams ask of this end, caught up every 10 ms
 * from the time since the first call, as a client that follows the
 * protocol does. */
static gboolean
send_tick (gpointer data)
{
  Raw *raw = data;
  const WvMsgStreams *g = &raw->granted;
  guint classes = MAX (g->classes.n_classes, 1);
  guint8 buf[WV_PROBE_MAX_SIZE];
  double elapsed;
  guint64 due_probes, due_bulk;

  if (raw->send_start_ns == 0)
    raw->send_start_ns = wv_monotonic_ns ();
  elapsed = (wv_monotonic_ns () - raw->send_start_ns) / 1e9;
  due_probes = (guint64) (elapsed * g->rate_pps) + 1;
  due_bulk = (guint64) (elapsed * g->bulk_bps / 8 / 1000);
  for (; raw->probes_sent < due_probes; raw->probes_sent++)
    for (guint c = 0; c < classes; c++)
      {
        WvPacket p = { .kind = WV_PACKET_PROBE, .class_index = c, .seq = raw->probes_sent,
                       .t1 = wv_now_ns () };
        g_autoptr(GBytes) b = NULL;

        wv_packet_write (&p, buf, g->probe_size);
        b = g_bytes_new (buf, g->probe_size);
        if (wv_peer_send (raw->peer, WV_CHANNEL_PROBE, b, NULL, NULL))
          raw->tx_bytes += g->probe_size;
      }
  for (; raw->bulk_sent < due_bulk; raw->bulk_sent++)
    {
      WvPacket p = { .kind = WV_PACKET_BULK, .seq = raw->bulk_sent, .t1 = wv_now_ns () };
      g_autoptr(GBytes) b = NULL;

      wv_packet_write (&p, buf, 1000);
      b = g_bytes_new (buf, 1000);
      if (wv_peer_send (raw->peer, WV_CHANNEL_BULK, b, NULL, NULL))
        raw->tx_bytes += 1000;
    }
  return G_SOURCE_CONTINUE;
}

static void
run_for (guint ms)
{
  gboolean never = FALSE;

  wv_test_run_until (&never, ms);
}

static gint64
status_int (Srv *srv, const char *group, const char *member)
{
  g_autoptr(JsonNode) d = wv_server_describe (srv->server);

  return json_object_get_int_member (json_object_get_object_member (json_node_get_object (d),
                                                                    group), member);
}

/* --- tests -------------------------------------------------------------------------- */

/* 8 classes at the highest rate and size plus bulk: the server lowers the
 * whole to its per-connection cap, and delivers no more. */
static void
test_per_connection (void)
{
  const guint64 cap = 4 * 1000 * 1000;
  Srv *srv = srv_new (cap, 0, 0);
  Raw *raw = raw_connect (srv);
  double bps;

  raw_start (raw, 8, 1000, WV_PROBE_MAX_SIZE, 50 * 1000 * 1000, 3);
  g_test_message ("granted: %u classes x %u pps x %u bytes + %" G_GUINT64_FORMAT " bit/s (%s)",
                  MAX (raw->granted.classes.n_classes, 1), raw->granted.rate_pps,
                  raw->granted.probe_size, raw->granted.bulk_bps, raw->granted.reason);
  g_assert_true (raw->granted.capped);
  g_assert_nonnull (strstr (raw->granted.reason, "output"));
  g_assert_cmpuint (wv_streams_out_bps (&raw->granted), <=, cap);
  g_assert_cmpuint (wv_streams_out_bps (&raw->granted), >=, cap / 2);
  /* The client sends its share, so nothing pauses. */
  raw->send_source = g_timeout_add (10, send_tick, raw);
  run_for (2500);
  bps = raw->rx_bytes * 8 / 2.5;
  g_test_message ("delivered %.2f Mbit/s of payload (cap %.2f Mbit/s on the wire)", bps / 1e6,
                  cap / 1e6);
  g_assert_cmpfloat (bps, <=, cap * 1.2);
  g_assert_cmpfloat (bps, >=, cap * 0.2);
  raw_free (raw);
  srv_free (srv);
}

/* Two connections share the server's total: the second gets what the
 * first leaves; the budget comes back when the streams end. */
static void
test_server_total (void)
{
  const guint64 per_conn = 3 * 1000 * 1000, total = 4 * 1000 * 1000;
  Srv *srv = srv_new (per_conn, total, 0);
  Raw *a = raw_connect (srv);
  Raw *b = raw_connect (srv);

  raw_start (a, 1, 100, 200, 20 * 1000 * 1000, 2);
  raw_start (b, 1, 100, 200, 20 * 1000 * 1000, 2);
  g_test_message ("first: %" G_GUINT64_FORMAT " bit/s (%s); second: %" G_GUINT64_FORMAT
                  " bit/s (%s)", wv_streams_out_bps (&a->granted), a->granted.reason,
                  wv_streams_out_bps (&b->granted), b->granted.reason);
  g_assert_cmpuint (wv_streams_out_bps (&a->granted), <=, per_conn);
  g_assert_cmpuint (wv_streams_out_bps (&a->granted) + wv_streams_out_bps (&b->granted), <=, total);
  g_assert_nonnull (strstr (b->granted.reason, "server's total"));
  g_assert_cmpint (status_int (srv, "counters", "out_bps_granted"), ==,
                   wv_streams_out_bps (&a->granted) + wv_streams_out_bps (&b->granted));
  /* Both end (the server's backstop, 10 s after, is not waited for: the
   * clients stop). */
  {
    WvMsg stop = { .type = WV_MSG_STOP_STREAMS };

    send_msg (a, &stop);
    send_msg (b, &stop);
  }
  run_for (500);
  g_assert_cmpint (status_int (srv, "counters", "out_bps_granted"), ==, 0);
  raw_free (a);
  raw_free (b);
  srv_free (srv);
}

/* A client that never sends stop_streams: the server's streams end at the
 * requested duration all the same. */
static void
test_duration (void)
{
  Srv *srv = srv_new (0, 0, 0);
  Raw *raw = raw_connect (srv);
  double last_s, expected;

  raw_start (raw, 2, 100, 100, 0, 2);
  raw->send_source = g_timeout_add (10, send_tick, raw);
  run_for (5000);
  last_s = (raw->last_rx_ns - raw->started_ns) / 1e9;
  expected = 2 * 100 * 2;
  g_test_message ("%" G_GUINT64_FORMAT " probes from the server (%.0f asked), the last %.2f s "
                  "after streams_started", raw->rx_probes, expected, last_s);
  g_assert_cmpfloat (raw->rx_probes, <=, expected * 1.05 + 4);
  g_assert_cmpfloat (raw->rx_probes, >=, expected * 0.8);
  g_assert_cmpfloat (last_s, <, 2.5);
  raw_free (raw);
  srv_free (srv);
}

/* The same with the most one connection may have (8 classes at the
 * highest rate and size, and bulk, lowered to the default output cap of
 * 60 Mbit/s): nothing left queued runs on past the duration. */
static void
test_duration_heavy (void)
{
  Srv *srv = srv_new (60 * 1000 * 1000, 0, 0);
  Raw *raw = raw_connect (srv);
  double last_s;

  raw_start (raw, 8, 1000, WV_PROBE_MAX_SIZE, 50 * 1000 * 1000, 2);
  raw->send_source = g_timeout_add (10, send_tick, raw);
  run_for (6000);
  last_s = (raw->last_rx_ns - raw->started_ns) / 1e9;
  g_test_message ("granted %" G_GUINT64_FORMAT " bit/s; %.1f MB from the server, the last "
                  "probe or bulk packet %.2f s after streams_started", wv_streams_out_bps (&raw->granted),
                  raw->rx_bytes / 1e6, last_s);
  g_assert_cmpfloat (last_s, <, 3.0);
  raw_free (raw);
  srv_free (srv);
}

/* The client's once-a-second stats, with nothing received: control
 * traffic only, so the server does not declare the client lost (its 5 s
 * lost timeout counts anything from the peer). */
static gboolean
stats_tick (gpointer data)
{
  Raw *raw = data;
  WvMsg msg = { .type = WV_MSG_STATS };

  msg.stats.time_ns = g_get_real_time () * 1000;
  msg.stats.window_s = 1;
  msg.stats.rx_dir = WV_DIR_S2C;
  msg.stats.owd_mode = WV_OWD_OFFSET_ESTIMATED;
  msg.stats.sched_err_p99_ms = -1;
  msg.stats.rx.rx_ttl = msg.stats.rx.rx_tos = -1;
  send_msg (raw, &msg);
  return G_SOURCE_CONTINUE;
}

/* A client that asks for streams and sends none of its own (only its
 * control messages): the server's streams pause after 3 s
 * (CLIENT_SILENCE_NS) and come back with the client's first probe. */
static void
test_pause (void)
{
  Srv *srv = srv_new (0, 0, 0);
  Raw *raw = raw_connect (srv);
  guint64 before;
  guint keepalive;

  raw_start (raw, 1, 200, 500, 2 * 1000 * 1000, 30);
  keepalive = g_timeout_add (1000, stats_tick, raw);
  raw->count_after_ns = raw->started_ns + 5 * G_GINT64_CONSTANT (1000000000);
  run_for (7000);
  g_test_message ("%.2f MB delivered, %" G_GUINT64_FORMAT " bytes after 5 s; the last %.2f s "
                  "after the start", raw->rx_bytes / 1e6, raw->rx_after_ns_bytes,
                  (raw->last_rx_ns - raw->started_ns) / 1e9);
  g_assert_cmpuint (raw->rx_after_ns_bytes, ==, 0);
  g_assert_cmpfloat ((raw->last_rx_ns - raw->started_ns) / 1e9, <, 4.5);
  /* The client's streams arrive: the server's resume. */
  before = raw->rx_bytes;
  raw->send_source = g_timeout_add (10, send_tick, raw);
  run_for (1000);
  g_assert_cmpuint (raw->rx_bytes - before, >, 2 * 1000 * 1000 / 8 / 4);
  g_source_remove (keepalive);
  raw_free (raw);
  srv_free (srv);
}

/* A client that sends what it asks for, and echoes: the server sends about
 * as much as it receives. */
static void
test_ratio (void)
{
  Srv *srv = srv_new (0, 0, 0);
  Raw *raw = raw_connect (srv);
  double ratio;

  raw->echo = TRUE;
  raw_start (raw, 2, 200, 300, 2 * 1000 * 1000, 3);
  raw->send_source = g_timeout_add (10, send_tick, raw);
  run_for (3000);
  g_clear_handle_id (&raw->send_source, g_source_remove);
  run_for (500);
  ratio = (double) raw->rx_bytes / MAX (raw->tx_bytes, 1);
  g_test_message ("server to client %.2f MB, client to server %.2f MB: ratio %.3f",
                  raw->rx_bytes / 1e6, raw->tx_bytes / 1e6, ratio);
  g_assert_cmpfloat (ratio, <=, 1.2);
  g_assert_cmpfloat (ratio, >=, 0.8);
  raw_free (raw);
  srv_free (srv);
}

static guint ignoring_logged;

static GLogWriterOutput
count_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer data)
{
  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "MESSAGE") && fields[i].length < 0 &&
        strstr (fields[i].value, "ignoring a control message"))
      ignoring_logged++;
  return G_LOG_WRITER_HANDLED;
}

/* A connection that is ready and measures nothing ends after
 * ready_timeout_s, even while it sends junk; the junk is logged a few
 * times, not once per message. */
static void
test_ready_timeout (void)
{
  Srv *srv = srv_new (0, 0, 2);
  Raw *raw = raw_connect (srv);
  gint64 t0 = wv_monotonic_ns ();
  g_autoptr(JsonNode) d = NULL;
  const char *state;

  g_log_set_writer_func (count_writer, NULL, NULL);
  for (guint i = 0; i < 40 && !raw->closed; i++)
    {
      wv_peer_send_text (raw->peer, WV_CHANNEL_CONTROL, "{\"type\": \"hello\", \"\\u000a\"", NULL);
      run_for (100);
    }
  d = wv_server_describe (srv->server);
  state = json_object_get_string_member (
    json_array_get_object_element (json_object_get_array_member (json_node_get_object (d),
                                                                 "connections"), 0), "state");
  g_test_message ("after %.1f s the server's connection is %s; %u log lines for 40 bad messages",
                  (wv_monotonic_ns () - t0) / 1e9, state, ignoring_logged);
  g_assert_cmpstr (state, ==, "failed");
  g_assert_cmpuint (ignoring_logged, >=, 1);
  g_assert_cmpuint (ignoring_logged, <=, 7);
  raw_free (raw);
  srv_free (srv);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;

  g_test_init (&argc, &argv, NULL);
  if (!wv_gst_init (&argc, &argv, &error))
    g_error ("%s", error->message);
  g_test_add_func ("/server-caps/per-connection", test_per_connection);
  g_test_add_func ("/server-caps/server-total", test_server_total);
  g_test_add_func ("/server-caps/duration", test_duration);
  g_test_add_func ("/server-caps/duration-heavy", test_duration_heavy);
  g_test_add_func ("/server-caps/pause", test_pause);
  g_test_add_func ("/server-caps/ratio", test_ratio);
  g_test_add_func ("/server-caps/ready-timeout", test_ready_timeout);
  return g_test_run ();
}
