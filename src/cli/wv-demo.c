/* wv-demo.c: loopback demonstration of per-message UDP options
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Connects two peers in this process over 127.0.0.1 (and ::1 when
 * available), sends probe messages with a few sets of options and without,
 * and prints what the sender's stack reported and what the receiver
 * observed for each.
 */
#define G_LOG_DOMAIN "wv-demo"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "wv-peer.h"
#include "wv-cli.h"

typedef struct {
  const char *what;
  WvSendOptions opts;
  gboolean reported, received;
  WvSendReport report;
  WvRecvInfo rx;
} DemoProbe;

typedef struct {
  WvPeer *a, *b;
  char *error;
  DemoProbe *probes;
  guint n;
} Demo;

static void
on_description (WvPeer *peer, const char *type, const char *sdp, WvPeer *other)
{
  g_autoptr(GError) error = NULL;

  if (!wv_peer_set_remote_description (other, type, sdp, &error))
    g_printerr ("demo: %s\n", error->message);
}

static void
on_candidate (WvPeer *peer, guint mline, const char *candidate, WvPeer *other)
{
  wv_peer_add_remote_candidate (other, mline, candidate);
}

static void
on_error (WvPeer *peer, const GError *error, Demo *demo)
{
  if (demo->error == NULL)
    demo->error = g_strdup (error->message);
}

static void
on_report (WvPeer *peer, const WvSendReport *r, Demo *demo)
{
  if (r->probe_id >= 1 && r->probe_id <= demo->n)
    {
      demo->probes[r->probe_id - 1].report = *r;
      demo->probes[r->probe_id - 1].reported = TRUE;
    }
}

static void
on_message (WvPeer *peer, guint ch, GBytes *bytes, const WvRecvInfo *info, Demo *demo)
{
  gsize len;
  const guint8 *p = g_bytes_get_data (bytes, &len);

  if (ch == WV_CHANNEL_TESTPROBE && len >= 1 && p[0] >= 1 && p[0] <= demo->n)
    {
      demo->probes[p[0] - 1].rx = *info;
      demo->probes[p[0] - 1].received = TRUE;
    }
}

static gboolean
wait_for (Demo *demo, gboolean (*done) (Demo *), guint seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;

  while (!done (demo) && demo->error == NULL && g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
  return done (demo);
}

static gboolean
connected (Demo *d)
{
  return wv_peer_get_state (d->a) == WV_PEER_CONNECTED &&
         wv_peer_get_state (d->b) == WV_PEER_CONNECTED;
}

static gboolean
all_done (Demo *d)
{
  for (guint i = 0; i < d->n; i++)
    if (!d->probes[i].received ||
        (d->probes[i].opts.probe_id && !d->probes[i].reported))
      return FALSE;
  return TRUE;
}

static char *
describe_opts (const WvSendOptions *o)
{
  GString *s = g_string_new (NULL);

  if (o->ttl >= 0)
    g_string_append_printf (s, "ttl=%d ", o->ttl);
  if (o->tos >= 0)
    g_string_append_printf (s, "tos=0x%02x ", o->tos);
  if (o->df != WV_DF_DEFAULT)
    g_string_append_printf (s, "df=%s ", o->df == WV_DF_ON ? "on" : "off");
  if (o->flow_label >= 0)
    g_string_append_printf (s, "flow=0x%05" G_GINT64_MODIFIER "x ", o->flow_label);
  if (o->pad_to)
    g_string_append_printf (s, "size=%u ", o->pad_to);
  if (s->len == 0)
    g_string_append (s, "(defaults)");
  return g_string_free (s, FALSE);
}

static gboolean
run_family (int family, const char *address)
{
  const char *addrs[] = { address, NULL };
  WvPeerConfig ca = { TRUE, family, addrs, NULL, FALSE };
  WvPeerConfig cb = { FALSE, family, addrs, NULL, FALSE };
  g_autoptr(GError) error = NULL;
  DemoProbe probes[] = {
    { "no options", WV_SEND_OPTIONS_INIT },
    { "low TTL", { 3, -1, WV_DF_DEFAULT, -1, 0, 2 } },
    { "DSCP EF", { -1, 0xb8, WV_DF_DEFAULT, -1, 0, 3 } },
    { "DSCP AF41, TTL 200", { 200, 0x88, WV_DF_DEFAULT, -1, 0, 4 } },
    { "DF off", { -1, -1, WV_DF_OFF, -1, 0, 5 } },
    { "1400-byte probe, DF", { -1, -1, WV_DF_ON, -1, 1400, 6 } },
    { "flow label", { -1, -1, WV_DF_DEFAULT, 0x12345, 0, 7 } },
  };
  Demo demo = { 0 };
  guint n = family == 6 ? G_N_ELEMENTS (probes) : G_N_ELEMENTS (probes) - 1;

  demo.probes = probes;
  demo.n = n;
  demo.a = wv_peer_new (&ca, &error);
  if (demo.a)
    demo.b = wv_peer_new (&cb, &error);
  if (demo.b == NULL)
    {
      g_printerr ("demo: %s\n", error->message);
      g_clear_object (&demo.a);
      return FALSE;
    }
  g_signal_connect (demo.a, "local-description", G_CALLBACK (on_description), demo.b);
  g_signal_connect (demo.b, "local-description", G_CALLBACK (on_description), demo.a);
  g_signal_connect (demo.a, "local-candidate", G_CALLBACK (on_candidate), demo.b);
  g_signal_connect (demo.b, "local-candidate", G_CALLBACK (on_candidate), demo.a);
  g_signal_connect (demo.a, "error", G_CALLBACK (on_error), &demo);
  g_signal_connect (demo.b, "error", G_CALLBACK (on_error), &demo);
  g_signal_connect (demo.a, "send-report", G_CALLBACK (on_report), &demo);
  g_signal_connect (demo.b, "message", G_CALLBACK (on_message), &demo);

  printf ("IPv%d loopback (%s): connecting two WebRTC peers...\n", family, address);
  wv_peer_start (demo.a);
  if (!wait_for (&demo, connected, 20))
    {
      printf ("  could not connect: %s\n", demo.error ? demo.error : "timed out");
      goto out;
    }
  {
    g_autofree char *pair = wv_peer_dup_selected_pair (demo.a);
    printf ("  connected: %s\n", pair ? pair : "?");
  }

  for (guint i = 0; i < n; i++)
    {
      guint8 payload[16] = { i + 1 };
      g_autoptr(GBytes) bytes = g_bytes_new (payload, sizeof payload);

      if (!wv_peer_send (demo.a, WV_CHANNEL_TESTPROBE, bytes, &probes[i].opts, &error))
        {
          printf ("  send failed: %s\n", error->message);
          goto out;
        }
    }
  wait_for (&demo, all_done, 10);

  printf ("  %-22s %-30s %-34s %s\n", "probe", "asked for", "sender's stack reported",
          "receiver observed");
  for (guint i = 0; i < n; i++)
    {
      DemoProbe *p = &probes[i];
      g_autofree char *asked = describe_opts (&p->opts);
      g_autofree char *reported = NULL;
      g_autofree char *observed = NULL;

      if (p->opts.probe_id == 0)
        reported = g_strdup ("-");
      else if (!p->reported)
        reported = g_strdup ("no report");
      else if (p->report.applied)
        reported = g_strdup_printf ("applied, %u B, dtls seq %" G_GUINT64_FORMAT,
                                    p->report.ip_length, p->report.dtls_seq);
      else
        reported = g_strdup_printf ("NOT applied: %s", p->report.reason);
      if (p->received)
        observed = g_strdup_printf ("ttl=%d tos=0x%02x udp payload %u B", p->rx.ttl,
                                    p->rx.tos, p->rx.length);
      else
        observed = g_strdup ("not received");
      printf ("  %-22s %-30s %-34s %s\n", p->what, asked, reported, observed);
    }

out:
  wv_peer_close (demo.a);
  wv_peer_close (demo.b);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&demo.a);
  g_clear_object (&demo.b);
  g_free (demo.error);
  return TRUE;
}

int
wv_cli_demo (int argc, char **argv)
{
  printf ("wifi-verify %s: per-message UDP options over WebRTC data channels\n\n",
          PACKAGE_VERSION);
  run_family (4, "127.0.0.1");
  printf ("\n");
  run_family (6, "::1");
  return 0;
}
