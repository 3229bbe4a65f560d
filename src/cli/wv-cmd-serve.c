/* wv-cmd-serve.c: "serve": the headless measuring server
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wv-cli"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib-unix.h>

#include "wv-output.h"
#include "wv-server.h"
#include "wv-web.h"
#include "wv-cli.h"

typedef struct {
  GMainLoop *loop;
  WvOutput *output;         /* NULL without --json / --csv */
  gboolean write_failed;
} Serve;

static gboolean
on_signal (gpointer data)
{
  Serve *serve = data;

  g_main_loop_quit (serve->loop);
  return G_SOURCE_REMOVE;
}

/* The first write error is reported; the server goes on serving. */
static void
report_write_error (Serve *serve, GError *error)
{
  if (g_error_matches (error, WV_OUTPUT_ERROR, WV_OUTPUT_ERROR_FAILED_EARLIER))
    return;
  fprintf (stderr, "wifi-verify-cli: %s (still serving)\n", error->message);
  serve->write_failed = TRUE;
}

static void
on_record (WvServer *server, const WvServerClient *client, const WvRecord *record, Serve *serve)
{
  WvOutputClient oc = { client->address, client->label };
  g_autoptr(GError) error = NULL;

  if (!wv_output_write_for_client (serve->output, record, &oc, &error))
    report_write_error (serve, error);
}

static gboolean
flush_tick (gpointer data)
{
  Serve *serve = data;
  g_autoptr(GError) error = NULL;

  if (!wv_output_flush (serve->output, &error))
    report_write_error (serve, error);
  return G_SOURCE_CONTINUE;
}

int
wv_cli_serve (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) listen = NULL, ice = NULL, urls = NULL;
  g_autofree char *token = NULL;
  gboolean no_token = FALSE;
  g_autofree char *stun = NULL, *json = NULL, *csv = NULL, *tls_cert = NULL, *tls_key = NULL;
  g_auto(GStrv) pages = NULL;
  gboolean force = FALSE;
  Serve serve = { NULL };
  FILE *human;
  guint flush_source = 0;
  int max_conns = 64, max_per_client = 32, max_rate = 1000;
  double max_duration = 3600, lost_timeout = WV_LOST_TIMEOUT_DEFAULT_S;
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
    { "lost-timeout", 0, 0, G_OPTION_ARG_DOUBLE, &lost_timeout, "Seconds without anything from a client after which its connection is lost, 1-3600 (default 5)", "S" },
    { "max-out", 0, 0, G_OPTION_ARG_INT64, &max_out, "Highest output of one connection's streams, on the wire (default 60000000)", "BITS_PER_S" },
    { "max-total-out", 0, 0, G_OPTION_ARG_INT64, &max_total_out, "Highest output of all streams together (default 250000000)", "BITS_PER_S" },
    { "token", 0, 0, G_OPTION_ARG_STRING, &token, "Access token clients must send (16-128 of A-Z a-z 0-9 - . _ ~; default: a new random one)", "T" },
    { "no-token", 0, 0, G_OPTION_ARG_NONE, &no_token, "No access control: anyone who reaches the port may measure (closed labs only)", NULL },
    { "json", 'j', 0, G_OPTION_ARG_FILENAME, &json, "Write every client's records as JSON lines to FILE ('-' = stdout)", "FILE" },
    { "csv", 'c', 0, G_OPTION_ARG_FILENAME, &csv, "Write every client's records as CSV files into DIR", "DIR" },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force, "Overwrite existing output files", NULL },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &tls_cert, "Serve HTTPS with this PEM certificate (chain); browsers give the web client fine timers only over HTTPS or on localhost", "FILE" },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &tls_key, "The certificate's PEM private key (default: in the --tls-cert file)", "FILE" },
    { NULL }
  };

  ctx = g_option_context_new ("- run the measuring server");
  g_option_context_set_description (ctx,
    "Prints the URLs clients use, with the access token:\n"
    "  wifi-verify-cli run 'http://HOST:PORT/?token=T'\n"
    "Every API request must carry the token; see docs/protocol.md.\n"
    "Any device with a web browser can be measured: open one of the \"web client\" addresses\n"
    "printed at the start (token included). Records of every client go to --json / --csv,\n"
    "each naming its client (docs/browser-client.md, docs/output.md).\n");
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      fprintf (stderr, "wifi-verify-cli: %s\n", error->message);
      return 2;
    }
  if (argc != 1 || max_conns < 1 || max_per_client < 1 || max_rate < 1 ||
      max_rate > WV_MAX_RATE_PPS || max_bulk < 0 || !(max_duration > 0) || max_out < 0 ||
      max_total_out < 0 || (token && no_token) || !(lost_timeout >= 1 && lost_timeout <= 3600))
    {
      fprintf (stderr, "wifi-verify-cli: serve: bad arguments (see --help)\n");
      return 2;
    }

  if (json || csv)
    {
      serve.output = wv_output_new ();
      wv_output_set_per_client (serve.output, TRUE);
      if ((json && !wv_output_add_json (serve.output, json, force, &error)) ||
          (csv && !wv_output_add_csv (serve.output, csv, force, &error)))
        {
          fprintf (stderr, "wifi-verify-cli: %s\n", error->message);
          wv_output_free (serve.output);
          return 1;
        }
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
  config.lost_timeout_s = lost_timeout;
  config.caps.max_out_bps = max_out;
  config.max_total_out_bps = max_total_out;
  config.token = g_steal_pointer (&token);
  config.no_token = no_token;
  config.tls_cert_file = tls_cert;
  config.tls_key_file = tls_key;
  server = wv_server_new (&config);
  g_clear_pointer (&config.token, g_free);
  if (!wv_server_start (server, &error))
    {
      fprintf (stderr, "wifi-verify-cli: %s\n", error->message);
      g_clear_pointer (&serve.output, wv_output_free);
      return 1;
    }
  if (serve.output)
    {
      g_signal_connect (server, "record", G_CALLBACK (on_record), &serve);
      flush_source = g_timeout_add_seconds (1, flush_tick, &serve);
    }
  /* With --json - the records go to standard output, and we talk on
   * standard error. */
  human = json && strcmp (json, "-") == 0 ? stderr : stdout;
  urls = wv_server_dup_page_urls (server);
  for (guint i = 0; urls[i]; i++)
    fprintf (human, "wifi-verify %s serving on %s\n", PACKAGE_VERSION, urls[i]);
  if (no_token)
    fprintf (human, "no access control: anyone who reaches the port may measure\n");
  /* What to open on a phone or laptop: this machine's real addresses. */
  pages = wv_server_dup_web_urls (server);
  for (guint i = 0; pages[i]; i++)
    fprintf (human, "web client: %s\n", pages[i]);
  fflush (human);

  loop = g_main_loop_new (NULL, FALSE);
  serve.loop = loop;
  g_unix_signal_add (SIGINT, on_signal, &serve);
  g_unix_signal_add (SIGTERM, on_signal, &serve);
  g_main_loop_run (loop);
  fprintf (human, "stopping (%u connection(s) open)\n", wv_server_get_n_connections (server));
  fflush (human);
  /* Stopping aborts the open connections, whose summaries are records too. */
  wv_server_stop (server);
  if (serve.output)
    {
      g_autoptr(GError) close_error = NULL;

      g_source_remove (flush_source);
      g_signal_handlers_disconnect_by_data (server, &serve);
      if (!wv_output_close (serve.output, &close_error))
        report_write_error (&serve, close_error);
      wv_output_free (serve.output);
    }
  return serve.write_failed ? 1 : 0;
}
