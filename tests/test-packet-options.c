/* test-packet-options.c: per-message UDP options through the whole stack
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two webrtcbin peers in this process talk over loopback. Two threads send
 * messages on an unordered, unreliable channel at the same time, most with
 * random per-message options, the rest without. A capture on the loopback
 * interface checks every datagram against the options of the message it
 * carried (matched through the DTLS epoch and sequence number the stack
 * reports for each probe id); every datagram of a message without options,
 * and every other datagram, must carry the defaults. The receiver checks the
 * TTL and TOS it was told for each message. Options the stack did not apply
 * fail the test unless the stack reported them as not applied.
 */
#include "config.h"

#include <string.h>
#include <arpa/inet.h>

#include <gst/gst.h>

#include "wv-gst.h"
#include "wv-peer.h"
#include "wv-capture.h"
#include "wv-test-pair.h"

#define N_THREADS 2
#define PER_THREAD 1200
#define MSG_SIZE 64

static const guint8 tos_values[] = { 0x00, 0x20, 0x48, 0xb8 };

/* What each message asked for, indexed by probe id (1-based). */
typedef struct {
  gboolean with_options;
  WvSendOptions opts;
  gboolean reported;
  WvSendReport report;
  gboolean received;
  WvRecvInfo rx;
} Sent;

typedef struct {
  WvPeer *sender;
  Sent *sent;
  guint first, count;
  int family;
  GRand *rand;
  guint send_errors;
} SenderThread;

static Sent *sent_table;
static guint n_total;
static guint n_reports;

static int
default_ttl (int family)
{
  g_autofree char *text = NULL;
  const char *path = family == 4 ? "/proc/sys/net/ipv4/ip_default_ttl"
                                 : "/proc/sys/net/ipv6/conf/lo/hop_limit";

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return 64;
  return atoi (text);
}

static gpointer
sender_thread (gpointer data)
{
  SenderThread *t = data;

  for (guint i = 0; i < t->count; i++)
    {
      guint id = t->first + i;
      Sent *s = &t->sent[id];
      guint8 payload[MSG_SIZE] = { 0 };
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;
      WvSendOptions init = WV_SEND_OPTIONS_INIT;

      /* Every third message has no options, interleaved with the rest. */
      s->with_options = g_rand_int_range (t->rand, 0, 3) != 0;
      s->opts = init;
      if (s->with_options)
        {
          s->opts.ttl = g_rand_int_range (t->rand, 2, 256);
          s->opts.tos = tos_values[g_rand_int_range (t->rand, 0, 4)];
          s->opts.df = g_rand_boolean (t->rand) ? WV_DF_ON : WV_DF_OFF;
          if (t->family == 6)
            s->opts.flow_label = g_rand_int_range (t->rand, 1, 0x100000);
          s->opts.probe_id = id;
        }
      /* The receiver learns the id from the payload. */
      for (int b = 0; b < 4; b++)
        payload[b] = id >> (24 - 8 * b);
      bytes = g_bytes_new (payload, sizeof payload);
      if (!wv_peer_send (t->sender, WV_CHANNEL_PROBE, bytes, &s->opts, &error))
        t->send_errors++;
      /* Stay below what SCTP congestion control would hold back. */
      g_usleep (g_rand_int_range (t->rand, 300, 900));
    }
  return NULL;
}

static void
on_report (WvPeer *peer, const WvSendReport *report, gpointer data)
{
  g_assert_cmpuint (report->probe_id, >=, 1);
  g_assert_cmpuint (report->probe_id, <=, n_total);
  /* Exactly one report per probe id. */
  g_assert_false (sent_table[report->probe_id].reported);
  sent_table[report->probe_id].reported = TRUE;
  sent_table[report->probe_id].report = *report;
  n_reports++;
}

static void
on_message (WvPeer *peer, guint channel, GBytes *bytes, const WvRecvInfo *info, gpointer data)
{
  gsize len;
  const guint8 *p = g_bytes_get_data (bytes, &len);
  guint id;

  if (channel != WV_CHANNEL_PROBE || len != MSG_SIZE)
    return;
  id = ((guint) p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3];
  g_assert_cmpuint (id, >=, 1);
  g_assert_cmpuint (id, <=, n_total);
  sent_table[id].received = TRUE;
  sent_table[id].rx = *info;
}

static gboolean
same_addr (const guint8 *a, const char *text, int family)
{
  guint8 buf[16];

  return inet_pton (family == 4 ? AF_INET : AF_INET6, text, buf) == 1 &&
         memcmp (a, buf, family == 4 ? 4 : 16) == 0;
}

static void
run_options_test (int family, const char *address)
{
  WvTestPair pair = { 0 };
  g_autoptr(GError) error = NULL;
  WvCapture *capture;
  GArray *datagrams;
  SenderThread threads[N_THREADS];
  GThread *th[N_THREADS];
  guint drops = 0, applied = 0, not_applied = 0, matched = 0, defaults = 0;
  guint sender_port = 0, receiver_port = 0, n_with_options = 0;
  guint32 default_label = 0;
  gboolean have_default_label = FALSE;
  int dttl = default_ttl (family);
  g_autoptr(GHashTable) by_seq = g_hash_table_new (g_int64_hash, g_int64_equal);
  gint64 *keys;

  if (getuid () != 0)
    {
      g_test_skip ("capturing on the loopback interface needs root (CAP_NET_RAW); CI runs as root");
      return;
    }
  if (family == 6 && !wv_test_have_ipv6_loopback ())
    {
      g_test_skip ("this host has no IPv6 loopback address");
      return;
    }

  capture = wv_capture_start ("lo", &error);
  g_assert_no_error (error);

  if (!wv_test_pair_connect (&pair, address, family, FALSE, 30))
    g_error ("connecting two peers over %s failed: %s", address, pair.error);

  n_total = N_THREADS * PER_THREAD;
  n_reports = 0;
  sent_table = g_new0 (Sent, n_total + 1);
  g_signal_connect (pair.offerer, "send-report", G_CALLBACK (on_report), NULL);
  g_signal_connect (pair.answerer, "message", G_CALLBACK (on_message), NULL);

  for (int i = 0; i < N_THREADS; i++)
    {
      threads[i] = (SenderThread) { pair.offerer, sent_table, 1 + i * PER_THREAD,
                                    PER_THREAD, family, g_rand_new_with_seed (1234 + i), 0 };
      th[i] = g_thread_new ("sender", sender_thread, &threads[i]);
    }
  /* Reports and messages queue up in this thread's main context meanwhile. */
  for (int i = 0; i < N_THREADS; i++)
    {
      g_thread_join (th[i]);
      g_assert_cmpuint (threads[i].send_errors, ==, 0);
      g_rand_free (threads[i].rand);
    }
  for (guint id = 1; id <= n_total; id++)
    n_with_options += sent_table[id].with_options;

  /* Wait until every probe id has its report and the receiver is done. */
  {
    gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
    guint received;

    do
      {
        g_main_context_iteration (NULL, FALSE);
        received = 0;
        for (guint id = 1; id <= n_total; id++)
          received += sent_table[id].received;
        if (n_reports == n_with_options && received == n_total)
          break;
        g_usleep (1000);
      }
    while (g_get_monotonic_time () < deadline);
    g_test_message ("IPv%d: %u messages, %u with options, %u reports, %u received",
                    family, n_total, n_with_options, n_reports, received);
  }
  datagrams = wv_capture_stop (capture, &drops);
  g_assert_cmpuint (drops, ==, 0);
  g_assert_cmpuint (n_reports, ==, n_with_options);

  /* Reports say what went on the wire for each probe. */
  for (guint id = 1; id <= n_total; id++)
    {
      Sent *s = &sent_table[id];

      if (!s->with_options)
        continue;
      if (s->report.applied)
        {
          gint64 key;

          g_assert_true (s->report.sent);
          g_assert_true (s->report.has_dtls);
          g_assert_cmpuint (s->report.family, ==, family);
          g_assert_cmpstr (s->report.stage, ==, "ice");
          key = ((gint64) s->report.dtls_epoch << 48) | (gint64) s->report.dtls_seq;
          g_assert_null (g_hash_table_lookup (by_seq, &key));
          keys = g_new (gint64, 1);
          *keys = key;
          g_hash_table_insert (by_seq, keys, s);
          sender_port = s->report.local_port;
          receiver_port = s->report.remote_port;
          applied++;
        }
      else
        {
          /* Allowed only because the stack said so, with a reason. */
          g_assert_cmpstr (s->report.reason, !=, "");
          not_applied++;
        }
    }
  g_test_message ("IPv%d: %u applied, %u reported as not applied", family, applied, not_applied);
  /* The run must actually exercise per-packet options. */
  g_assert_cmpuint (applied, >=, n_with_options * 9 / 10);
  g_assert_cmpuint (sender_port, !=, 0);

  for (guint i = 0; i < datagrams->len; i++)
    {
      const WvCapturedDatagram *d = &g_array_index (datagrams, WvCapturedDatagram, i);
      gint64 key;
      Sent *s;

      /* Only datagrams from the sender to the receiver. */
      if (d->family != family || d->sport != sender_port || d->dport != receiver_port ||
          !same_addr (d->src, address, family) || !same_addr (d->dst, address, family))
        continue;

      key = ((gint64) d->dtls_epoch << 48) | (gint64) d->dtls_seq;
      s = d->dtls ? g_hash_table_lookup (by_seq, &key) : NULL;
      if (s != NULL)
        {
          /* The datagram that carried a probe has exactly its options. */
          g_assert_cmpuint (d->ttl, ==, s->opts.ttl);
          g_assert_cmpuint (d->tos, ==, s->opts.tos);
          if (family == 4)
            g_assert_cmpint (d->df, ==, s->opts.df == WV_DF_ON);
          else
            g_assert_cmpuint (d->flow_label, ==, s->opts.flow_label);
          g_assert_cmpuint (d->ip_length, ==, s->report.ip_length);
          g_assert_cmpuint (d->udp_length, ==, s->report.udp_length);
          g_hash_table_remove (by_seq, &key);
          matched++;
        }
      else
        {
          /* Everything else (messages without options, messages whose
           * options were not applied, SACKs, heartbeats, STUN) keeps the
           * defaults. */
          g_assert_cmpuint (d->ttl, ==, dttl);
          g_assert_cmpuint (d->tos, ==, 0);
          if (family == 4)
            g_assert_true (d->df);
          else
            {
              if (!have_default_label)
                default_label = d->flow_label, have_default_label = TRUE;
              g_assert_cmpuint (d->flow_label, ==, default_label);
            }
          defaults++;
        }
    }
  g_test_message ("IPv%d: %u datagrams matched to probes, %u with defaults",
                  family, matched, defaults);
  /* Every applied probe was seen on the wire. */
  g_assert_cmpuint (g_hash_table_size (by_seq), ==, 0);
  g_assert_cmpuint (matched, ==, applied);
  g_assert_cmpuint (defaults, >=, n_total - n_with_options);

  /* The receiver was told the TTL and TOS each message arrived with. */
  for (guint id = 1; id <= n_total; id++)
    {
      Sent *s = &sent_table[id];
      gboolean opts = s->with_options && s->report.applied;

      g_assert_true (s->received);
      g_assert_cmpint (s->rx.ttl, ==, opts ? s->opts.ttl : dttl);
      g_assert_cmpint (s->rx.tos, ==, opts ? s->opts.tos : 0);
      g_assert_cmpuint (s->rx.length, >, MSG_SIZE);
      g_assert_cmpint (s->rx.receive_time_ns, >, 0);
    }

  g_array_unref (datagrams);
  g_clear_pointer (&sent_table, g_free);
  wv_test_pair_clear (&pair);
}

static void
test_options_ipv4 (void)
{
  run_options_test (4, "127.0.0.1");
}

static void
test_options_ipv6 (void)
{
  run_options_test (6, "::1");
}

/* Exact-size probes: one datagram of exactly the requested IP total length,
 * with DF, on the data channel's own 5-tuple. */
typedef struct {
  guint64 id;
  guint size;
  WvSendReport report;
  gboolean reported;
  WvRecvInfo rx;
  gboolean received;
} SizedProbe;

static SizedProbe sized[8];

#define MAX_SIZED_ATTEMPTS 5
static guint n_sized;

static void
on_sized_report (WvPeer *peer, const WvSendReport *report, gpointer data)
{
  for (guint i = 0; i < n_sized; i++)
    if (sized[i].id == report->probe_id)
      {
        g_assert_false (sized[i].reported);
        sized[i].reported = TRUE;
        sized[i].report = *report;
      }
}

static void
on_sized_message (WvPeer *peer, guint channel, GBytes *bytes, const WvRecvInfo *info,
                  gpointer data)
{
  gsize len;
  const guint8 *p = g_bytes_get_data (bytes, &len);

  if (channel != WV_CHANNEL_TESTPROBE || len != 8)
    return;
  for (guint i = 0; i < n_sized; i++)
    if (memcmp (p, &sized[i].id, 8) == 0)
      {
        sized[i].received = TRUE;
        sized[i].rx = *info;
      }
}

static void
run_exact_size_test (int family, const char *address)
{
  static const guint sizes4[] = { 576, 1280, 1400, 1472, 1500 };
  static const guint sizes6[] = { 1280, 1400, 1472, 1500 };
  const guint *sizes = family == 4 ? sizes4 : sizes6;
  guint n = family == 4 ? G_N_ELEMENTS (sizes4) : G_N_ELEMENTS (sizes6);
  guint header = family == 4 ? 28 : 48;
  WvTestPair pair = { 0 };
  g_autoptr(GError) error = NULL;
  WvCapture *capture;
  GArray *datagrams;
  guint drops = 0, found = 0;

  if (getuid () != 0)
    {
      g_test_skip ("capturing on the loopback interface needs root (CAP_NET_RAW); CI runs as root");
      return;
    }
  if (family == 6 && !wv_test_have_ipv6_loopback ())
    {
      g_test_skip ("this host has no IPv6 loopback address");
      return;
    }

  capture = wv_capture_start ("lo", &error);
  g_assert_no_error (error);
  if (!wv_test_pair_connect (&pair, address, family, FALSE, 30))
    g_error ("connecting two peers over %s failed: %s", address, pair.error);
  g_signal_connect (pair.offerer, "send-report", G_CALLBACK (on_sized_report), NULL);
  g_signal_connect (pair.answerer, "message", G_CALLBACK (on_sized_message), NULL);

  /* sctpenc applies the options only when the message leaves alone, at
   * once, from the sending thread. On a loaded machine a probe can be
   * bundled with another message or held back (the receive thread holds
   * the association for a SACK): it then goes out with defaults, and the
   * report says so. Such a probe is sent again with a new id, as the MTU
   * search does; every size must get through exactly within a few tries. */
  memset (sized, 0, sizeof sized);
  n_sized = n;
  for (guint attempt = 0; attempt < MAX_SIZED_ATTEMPTS; attempt++)
    {
      gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
      gboolean done = FALSE, retry = FALSE;

      for (guint i = 0; i < n; i++)
        {
          WvSendOptions o = WV_SEND_OPTIONS_INIT;
          g_autoptr(GBytes) bytes = NULL;

          if (sized[i].reported && sized[i].report.applied)
            continue;
          sized[i].id = 1000 + 100 * attempt + i;
          sized[i].size = sizes[i];
          sized[i].reported = sized[i].received = FALSE;
          o.df = WV_DF_ON;
          o.pad_to = sizes[i];
          o.probe_id = sized[i].id;
          bytes = g_bytes_new (&sized[i].id, 8);
          g_assert_true (wv_peer_send (pair.offerer, WV_CHANNEL_TESTPROBE, bytes, &o, &error));
          g_assert_no_error (error);
        }
      while (!done && g_get_monotonic_time () < deadline)
        {
          g_main_context_iteration (NULL, FALSE);
          done = TRUE;
          for (guint i = 0; i < n; i++)
            done = done && sized[i].reported && (sized[i].received || !sized[i].report.applied);
          g_usleep (1000);
        }
      for (guint i = 0; i < n; i++)
        if (sized[i].reported && !sized[i].report.applied)
          {
            /* Only SCTP's legitimate refusals are retried. */
            g_test_message ("IPv%d: %u-byte probe sent without options (try %u): %s",
                            family, sizes[i], attempt + 1, sized[i].report.reason);
            g_assert_true (strstr (sized[i].report.reason, "bundled") ||
                           strstr (sized[i].report.reason, "held") ||
                           strstr (sized[i].report.reason, "send buffer"));
            retry = TRUE;
          }
      if (!retry)
        break;
    }
  datagrams = wv_capture_stop (capture, &drops);
  g_assert_cmpuint (drops, ==, 0);

  for (guint i = 0; i < n; i++)
    {
      SizedProbe *p = &sized[i];

      g_assert_true (p->reported);
      g_assert_true (p->report.applied);
      g_assert_cmpuint (p->report.ip_length, ==, p->size);
      g_assert_true (p->received);
      /* The receiver saw a UDP payload of exactly that size. */
      g_assert_cmpuint (p->rx.length, ==, p->size - header);
      for (guint j = 0; j < datagrams->len; j++)
        {
          const WvCapturedDatagram *d = &g_array_index (datagrams, WvCapturedDatagram, j);

          if (d->family == family && d->dtls && d->dtls_seq == p->report.dtls_seq &&
              d->dtls_epoch == p->report.dtls_epoch && d->sport == p->report.local_port)
            {
              g_assert_cmpuint (d->ip_length, ==, p->size);
              if (family == 4)
                g_assert_true (d->df);
              found++;
            }
        }
    }
  g_assert_cmpuint (found, ==, n);
  g_test_message ("IPv%d: %u exact-size probes on the wire", family, found);

  g_array_unref (datagrams);
  wv_test_pair_clear (&pair);
}

static void
test_exact_size_ipv4 (void)
{
  run_exact_size_test (4, "127.0.0.1");
}

static void
test_exact_size_ipv6 (void)
{
  run_exact_size_test (6, "::1");
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;

  g_test_init (&argc, &argv, NULL);
  if (!wv_gst_init (&argc, &argv, &error))
    g_error ("%s", error->message);

  g_test_add_func ("/packet-options/random/ipv4", test_options_ipv4);
  g_test_add_func ("/packet-options/random/ipv6", test_options_ipv6);
  g_test_add_func ("/packet-options/exact-size/ipv4", test_exact_size_ipv4);
  g_test_add_func ("/packet-options/exact-size/ipv6", test_exact_size_ipv6);
  return g_test_run ();
}
