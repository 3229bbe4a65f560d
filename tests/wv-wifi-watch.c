/* wv-wifi-watch.c: runs the engine's Wi-Fi monitor on some interfaces for
 * a while and prints what it read (for tests/test-wifi.py)
 *
 *   wv-wifi-watch SECONDS IFACE...
 *
 * Prints each reading as the JSON line of its record, then
 * "ready-after-ms N" (how long until it knew whether there is a link),
 * "absent REASON DETAIL" and "first SSID" or "first -".
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdio.h>
#include <stdlib.h>

#include "wv-output.h"
#include "wv-wifi.h"

static gint64 start_us, ready_us;

static void
on_record (WvWifiMonitor *w, const WvRecord *r, gpointer data)
{
  g_autofree char *json = wv_record_to_json (r);

  printf ("%s\n", json);
  fflush (stdout);
}

static void
on_ready (WvWifiMonitor *w, gpointer data)
{
  ready_us = g_get_monotonic_time ();
}

static gboolean
quit (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

int
main (int argc, char **argv)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(WvWifiMonitor) w = wv_wifi_monitor_new ();
  WvWifiRecord first;
  const char *detail = NULL;
  WvWifiAbsent absent;

  if (argc < 3)
    {
      fprintf (stderr, "usage: wv-wifi-watch SECONDS IFACE...\n");
      return 2;
    }
  g_signal_connect (w, "record", G_CALLBACK (on_record), NULL);
  g_signal_connect (w, "ready", G_CALLBACK (on_ready), NULL);
  start_us = g_get_monotonic_time ();
  wv_wifi_monitor_start (w, (const char * const *) argv + 2);
  g_timeout_add ((guint) (atof (argv[1]) * 1000), quit, loop);
  g_main_loop_run (loop);
  wv_wifi_monitor_stop (w);

  printf ("ready-after-ms %" G_GINT64_FORMAT "\n", ready_us ? (ready_us - start_us) / 1000 : -1);
  absent = wv_wifi_monitor_get_absent (w, &detail);
  printf ("absent %s %s\n", wv_wifi_absent_to_string (absent) ?: "none", detail ?: "");
  if (wv_wifi_monitor_get_first (w, &first))
    printf ("first %.*s\n", (int) first.ssid_len, first.ssid);
  else
    printf ("first -\n");
  return 0;
}
