/* wv-cmd-serve.c: "serve": the headless measuring server
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wv-cli"

#include "config.h"

#include <stdio.h>

#include <glib-unix.h>

#include "wv-server.h"
#include "wv-cli.h"

static gboolean
on_signal (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

int
wv_cli_serve (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) listen = NULL, ice = NULL, urls = NULL;
  g_autofree char *stun = NULL, *token = NULL;
  gboolean no_token = FALSE;
  int max_conns = 64, max_per_client = 32, max_rate = 1000;
  double max_duration = 3600;
  gint64 max_bulk = 50 * 1000 * 1000, max_out = 60 * 1000 * 1000, max_total_out = 250 * 1000 * 1000;
  WvServerConfig config;
  g_autoptr(WvServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  GOptionEntry entries[] = {
    { "listen", 'l', 0, G_OPTION_ARG_STRING_ARRAY, &listen, "Listen on HOST:PORT (repeatable; default 0.0.0.0:8080 and [::]:8080)", "HOST:PORT" },
    { "ice-address", 0, 0, G_OPTION_ARG_STRING_ARRAY, &ice, "Use only this local address for WebRTC (repeatable; default all)", "ADDR" },
    { "stun", 0, 0, G_OPTION_ARG_STRING, &stun, "STUN server, stun://host:port", "URI" },
    { "max-connections", 0, 0, G_OPTION_ARG_INT, &max_conns, "Concurrent connections (default 64)", "N" },
    { "max-per-client", 0, 0, G_OPTION_ARG_INT, &max_per_client, "Concurrent connections from one address (default 32)", "N" },
    { "max-rate", 0, 0, G_OPTION_ARG_INT, &max_rate, "Highest probe rate a client may ask for (default 1000)", "PPS" },
    { "max-bulk", 0, 0, G_OPTION_ARG_INT64, &max_bulk, "Highest bulk rate a client may ask for (default 50000000)", "BITS_PER_S" },
    { "max-duration", 0, 0, G_OPTION_ARG_DOUBLE, &max_duration, "Longest stream duration (default 3600)", "S" },
    { "max-out", 0, 0, G_OPTION_ARG_INT64, &max_out, "Highest output of one connection's streams, on the wire (default 60000000)", "BITS_PER_S" },
    { "max-total-out", 0, 0, G_OPTION_ARG_INT64, &max_total_out, "Highest output of all streams together (default 250000000)", "BITS_PER_S" },
    { "token", 0, 0, G_OPTION_ARG_STRING, &token, "Access token clients must send (16-128 of A-Z a-z 0-9 - . _ ~; default: a new random one)", "T" },
    { "no-token", 0, 0, G_OPTION_ARG_NONE, &no_token, "No access control: anyone who reaches the port may measure (closed labs only)", NULL },
    { NULL }
  };

  ctx = g_option_context_new ("- run the measuring server");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_set_description (ctx, "Prints the URL clients use, with the access token:\n"
                                    "  wifi-verify-cli run 'http://HOST:PORT/?token=T'\n"
                                    "Every API request must carry the token; see docs/protocol.md.\n");
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      fprintf (stderr, "wifi-verify-cli: %s\n", error->message);
      return 2;
    }
  if (argc != 1 || max_conns < 1 || max_per_client < 1 || max_rate < 1 ||
      max_rate > WV_MAX_RATE_PPS || max_bulk < 0 || !(max_duration > 0) || max_out < 0 ||
      max_total_out < 0 || (token && no_token))
    {
      fprintf (stderr, "wifi-verify-cli: serve: bad arguments (see --help)\n");
      return 2;
    }

  wv_server_config_init (&config);
  config.log_sessions = TRUE;
  config.listen = listen;
  config.ice_addresses = ice;
  config.stun_uri = stun;
  config.max_connections = max_conns;
  config.max_per_client = max_per_client;
  config.caps.max_rate_pps = max_rate;
  config.caps.max_bulk_bps = max_bulk;
  config.caps.max_duration_s = max_duration;
  config.caps.max_out_bps = max_out;
  config.max_total_out_bps = max_total_out;
  config.token = g_steal_pointer (&token);
  config.no_token = no_token;
  server = wv_server_new (&config);
  g_clear_pointer (&config.token, g_free);
  if (!wv_server_start (server, &error))
    {
      fprintf (stderr, "wifi-verify-cli: %s\n", error->message);
      return 1;
    }
  urls = wv_server_dup_page_urls (server);
  for (guint i = 0; urls[i]; i++)
    printf ("wifi-verify %s serving on %s\n", PACKAGE_VERSION, urls[i]);
  if (no_token)
    printf ("no access control: anyone who reaches the port may measure\n");
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, on_signal, loop);
  g_unix_signal_add (SIGTERM, on_signal, loop);
  g_main_loop_run (loop);
  printf ("stopping (%u connection(s) open)\n", wv_server_get_n_connections (server));
  wv_server_stop (server);
  return 0;
}
