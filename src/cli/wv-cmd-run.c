/* wv-cmd-run.c: "run URL" and "self-test": a measurement from the terminal
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wv-cli"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib-unix.h>

#include "wv-client.h"
#include "wv-client-meta.h"
#include "wv-dscp.h"
#include "wv-output.h"
#include "wv-path-probe.h"
#include "wv-report.h"
#include "wv-run.h"
#include "wv-cli.h"

typedef struct {
  WvClient *client;
  WvOutput *output;
  GMainLoop *loop;
  FILE *human;              /* stderr when JSON goes to stdout */
  gboolean tty;
  gboolean quiet;
  gboolean ok;
  guint interrupts;
  double duration;
  double progress;
  guint n_records;
  GError *write_error;
  /* the latest 1 s records, for the live line: [conn][dir] */
  GArray *latest;
  /* everything but the per-window statistics, for the final tables */
  GArray *final_records;
  /* --save: the run file and its metadata */
  WvRunWriter *save;
  WvRunMeta *meta;
  GError *save_error;
  guint ready, failed, lost, total;
} Run;

static void
clear_line (Run *run)
{
  if (run->tty && !run->quiet)
    fprintf (run->human, "\r\033[K");
}

static void
say (Run *run, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void
say (Run *run, const char *format, ...)
{
  va_list args;

  if (run->quiet)
    return;
  clear_line (run);
  va_start (args, format);
  vfprintf (run->human, format, args);
  va_end (args);
  fputc ('\n', run->human);
  fflush (run->human);
}

static void
on_message (WvClient *client, const char *text, Run *run)
{
  say (run, "%s", text);
}

static void
on_phase (WvClient *client, guint phase, Run *run)
{
  if (phase == WV_PHASE_TRACEROUTE)
    say (run, "traceroute: both directions of every connection");
  else if (phase == WV_PHASE_MTU)
    say (run, "MTU: per hop and path MTU, both directions");
  else if (phase == WV_PHASE_STREAMS)
    say (run, "streams: %u connection(s) measuring for %.0f s", run->ready, run->duration);
  else if (phase == WV_PHASE_STOPPING)
    say (run, "stopping: collecting the summaries");
}

static void
on_conn_state (WvClient *client, guint index, int family, guint state, Run *run)
{
  if (state == WV_CONN_READY)
    run->ready++;
  else if (state == WV_CONN_FAILED)
    run->failed++;
  else if (state == WV_CONN_LOST)
    run->lost++;
}

static void
show_live (Run *run)
{
  double rtt_sum = 0, loss_sum = 0;
  guint n = 0, nloss = 0;

  if (!run->tty || run->quiet)
    return;
  for (guint i = 0; i < run->latest->len; i++)
    {
      const WvRecord *r = &g_array_index (run->latest, WvRecord, i);

      if (r->stats.rtt_ms.n > 0)
        rtt_sum += r->stats.rtt_ms.p50, n++;
      if (!isnan (r->stats.rx.loss_pct))
        loss_sum += r->stats.rx.loss_pct, nloss++;
    }
  clear_line (run);
  fprintf (run->human, "[%3.0f%%] %u/%u connections  rtt p50 %s%.3f ms  loss %.2f %%  records %u",
           run->progress * 100, run->ready - run->failed, run->total,
           n ? "" : "~", n ? rtt_sum / n : 0.0, nloss ? loss_sum / nloss : 0.0, run->n_records);
  fflush (run->human);
}

static void
on_progress (WvClient *client, double fraction, Run *run)
{
  run->progress = fraction;
  show_live (run);
}

static void
on_record (WvClient *client, const WvRecord *record, Run *run)
{
  run->n_records++;
  /* After one output fails the others keep receiving records; the failure
   * is reported once. */
  if (run->output)
    {
      g_autoptr(GError) error = NULL;

      if (!wv_output_write (run->output, record, &error) &&
          !g_error_matches (error, WV_OUTPUT_ERROR, WV_OUTPUT_ERROR_FAILED_EARLIER))
        {
          say (run, "error: %s (results are still measured and summarised)", error->message);
          if (run->write_error == NULL)
            run->write_error = g_steal_pointer (&error);
        }
    }

  if (run->meta)
    wv_run_meta_take_record (run->meta, record);
  if (run->save && run->save_error == NULL)
    {
      g_autoptr(GError) error = NULL;

      if (!wv_run_writer_add (run->save, record, &error))
        {
          say (run, "error: %s (results are still measured and summarised)", error->message);
          run->save_error = g_steal_pointer (&error);
        }
    }

  if (record->type == WV_RECORD_STATS && record->stats.window_s == 1)
    {
      guint i;

      for (i = 0; i < run->latest->len; i++)
        {
          WvRecord *r = &g_array_index (run->latest, WvRecord, i);
          if (r->conn == record->conn && r->dir == record->dir && r->stats.dscp == record->stats.dscp)
            {
              *r = *record;
              break;
            }
        }
      if (i == run->latest->len)
        g_array_append_val (run->latest, *record);
    }
  if (record->type != WV_RECORD_STATS)
    g_array_append_val (run->final_records, *record);
  /* An outage is written when it opens and again when it ends. */
  if (record->type == WV_RECORD_OUTAGE && record->outage.end_ns == 0)
    say (run, "connection %u (IPv%d): %s outage: no probe for %.1f s so far", record->conn,
         record->family, wv_direction_to_string (record->dir),
         (record->time_ns - record->outage.start_ns) / 1e9);
}

/* Exit status 3: the run ended, but not everything finished. */
static gboolean
run_incomplete (Run *run)
{
  if (run->lost > 0)
    return TRUE;
  for (guint i = 0; i < run->final_records->len; i++)
    {
      const WvRecord *r = &g_array_index (run->final_records, WvRecord, i);

      if (r->type == WV_RECORD_SUMMARY &&
          (r->stats.rx_missing || r->stats.rx_partial || r->stats.tx_missing))
        return TRUE;
    }
  return FALSE;
}

static gboolean
flush_tick (gpointer data)
{
  Run *run = data;

  g_autoptr(GError) error = NULL;

  if (run->output && !wv_output_flush (run->output, &error) &&
      !g_error_matches (error, WV_OUTPUT_ERROR, WV_OUTPUT_ERROR_FAILED_EARLIER))
    {
      say (run, "error: %s", error->message);
      if (run->write_error == NULL)
        run->write_error = g_steal_pointer (&error);
    }
  g_clear_error (&error);
  if (run->save && run->save_error == NULL && !wv_run_writer_flush (run->save, &error))
    {
      say (run, "error: %s", error->message);
      run->save_error = g_steal_pointer (&error);
    }
  return G_SOURCE_CONTINUE;
}

static void
on_finished (WvClient *client, gboolean ok, Run *run)
{
  run->ok = ok;
  g_main_loop_quit (run->loop);
}

static gboolean
on_signal (gpointer data)
{
  Run *run = data;

  run->interrupts++;
  if (run->interrupts == 1)
    {
      say (run, "interrupted: stopping and collecting the summaries (Ctrl-C again to quit now)");
      wv_client_stop (run->client);
    }
  else
    g_main_loop_quit (run->loop);
  return G_SOURCE_CONTINUE;
}

/* The tables at the end: paths, summaries, verdicts, the Wi-Fi link;
 * the same the report command prints from a saved run. */
static void
print_results (Run *run)
{
  g_autoptr(WvReport) report = NULL;

  if (run->quiet || run->final_records->len == 0)
    return;
  report = wv_report_new (NULL, (const WvRecord *) (gpointer) run->final_records->data,
                          run->final_records->len);
  clear_line (run);
  if (wv_trace_table_get_n_paths (wv_report_get_trace_table (report)) > 0)
    {
      fputc ('\n', run->human);
      wv_report_print_paths (report, run->human);
    }
  if (wv_report_get_summaries (report)->len > 0)
    {
      fputc ('\n', run->human);
      wv_report_print_summary (report, run->human);
      fputc ('\n', run->human);
      wv_report_print_stack (report, run->human);
      fputc ('\n', run->human);
      wv_report_print_outages (report, run->human);
      fputc ('\n', run->human);
      wv_report_print_verdicts (report, run->human);
    }
  if (wv_report_get_wifi (report)->len > 0)
    {
      fputc ('\n', run->human);
      wv_report_print_wifi (report, run->human);
    }
  fflush (run->human);
}

/* Writes the run file's final form (metadata with the end, the interfaces
 * and the Wi-Fi link, then the records). */
static void
finish_save (Run *run, const char *path)
{
  g_autoptr(GError) error = NULL;

  if (run->save == NULL)
    return;
  wv_client_update_run_meta (run->client, run->meta);
  if (run->save_error == NULL && !wv_run_writer_finish (run->save, run->meta, &error))
    run->save_error = g_steal_pointer (&error);
  if (run->save_error != NULL)
    fprintf (stderr, "wifi-verify-cli: %s (what was saved is in %s)\n", run->save_error->message,
             wv_run_writer_get_partial_path (run->save));
  else if (!run->quiet)
    fprintf (run->human, "run saved to %s\n", path);
  g_clear_pointer (&run->save, wv_run_writer_free);
}

static int
run_measurement (int argc, char **argv, gboolean self_test)
{
  g_autoptr(GOptionContext) ctx = NULL;
  g_autoptr(GError) error = NULL;
  WvClientConfig config;
  Run run = { 0 };
  double duration = 10, lost_timeout = WV_LOST_TIMEOUT_DEFAULT_S;
  int connections = 1, rate = 100, probe_size = 64;
  gint64 bulk = 0;
  g_autofree char *family = NULL, *json = NULL, *csv = NULL, *stun = NULL, *dscp = NULL;
  g_autofree char *owd = NULL, *save = NULL, *trace_dscp = NULL;
  gboolean force = FALSE, quiet = FALSE, incomplete;
  gboolean opt_trace = FALSE, opt_mtu = FALSE, opt_streams = FALSE;
  int max_ttl = 16, rounds = 3, mtu_max = -1;    /* -1: not given */
  g_autofree char *icmp_helper = NULL, *mtu_sizes = NULL, *token = NULL;
  guint flush_source, sigint, sigterm;
  GOptionEntry entries[] = {
    { "duration", 'd', 0, G_OPTION_ARG_DOUBLE, &duration, "Seconds of probe streams (default 10)", "S" },
    { "connections", 'n', 0, G_OPTION_ARG_INT, &connections, "Connections per address family, 1-16 (default 1)", "N" },
    { "family", 'f', 0, G_OPTION_ARG_STRING, &family, "4, 6 or both (default: both where available)", "F" },
    { "rate", 'r', 0, G_OPTION_ARG_INT, &rate, "Probes per second per direction (default 100)", "PPS" },
    { "probe-size", 0, 0, G_OPTION_ARG_INT, &probe_size, "Probe message size in bytes (default 64)", "B" },
    { "bulk", 'b', 0, G_OPTION_ARG_INT64, &bulk, "Bulk traffic per direction, 0 = off (default 0)", "BITS_PER_S" },
    { "dscp", 0, 0, G_OPTION_ARG_STRING, &dscp, "Probe streams marked with these classes side by side, e.g. CS0,AF41,EF", "LIST" },
    { "json", 'j', 0, G_OPTION_ARG_FILENAME, &json, "Write JSON lines to FILE ('-' = stdout)", "FILE" },
    { "csv", 'c', 0, G_OPTION_ARG_FILENAME, &csv, "Write CSV files into DIR", "DIR" },
    { "save", 0, 0, G_OPTION_ARG_FILENAME, &save, "Keep the run in FILE (" WV_RUN_FILE_SUFFIX ": gzip JSON lines with metadata), for 'report'", "FILE" },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force, "Overwrite existing output files", NULL },
    { "stun", 0, 0, G_OPTION_ARG_STRING, &stun, "STUN server, stun://host:port", "URI" },
    { "owd", 0, 0, G_OPTION_ARG_STRING, &owd, "One-way delay mode: auto, synced or estimated (default auto)", "MODE" },
    { "traceroute", 't', 0, G_OPTION_ARG_NONE, &opt_trace, "Run the traceroute phase (without --traceroute/--mtu/--streams: all phases)", NULL },
    { "mtu", 'm', 0, G_OPTION_ARG_NONE, &opt_mtu, "Run the MTU phase", NULL },
    { "streams", 's', 0, G_OPTION_ARG_NONE, &opt_streams, "Run the probe streams phase", NULL },
    { "max-ttl", 0, 0, G_OPTION_ARG_INT, &max_ttl, "Traceroute: largest TTL, 1-64 (default 16)", "N" },
    { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "Traceroute rounds, 1-10 (default 3)", "N" },
    { "trace-dscp", 0, 0, G_OPTION_ARG_STRING, &trace_dscp, "Traceroute probes marked with this class (e.g. EF), to see where the marking changes (needs the ICMP helper)", "CLASS" },
    { "mtu-max", 0, 0, G_OPTION_ARG_INT, &mtu_max, "MTU search: largest packet, 576-9000 (default 1500, or the largest of --mtu-sizes)", "BYTES" },
    { "mtu-sizes", 0, 0, G_OPTION_ARG_STRING, &mtu_sizes, "MTU search: packet sizes tried first, before it narrows down to the byte (default 576,1280,1350,1400,1450,1472,1490,1500)", "LIST" },
    { "icmp-helper", 0, 0, G_OPTION_ARG_FILENAME, &icmp_helper, "Path of wifi-verify-icmp-helper", "PATH" },
    { "lost-timeout", 0, 0, G_OPTION_ARG_DOUBLE, &lost_timeout, "Seconds without anything from the server after which a connection is lost, 1-3600 (default 5)", "S" },
    { "token", 0, 0, G_OPTION_ARG_STRING, &token, "The server's access token (default: the token=T of the URL)", "T" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "No progress or summary on the terminal", NULL },
    { NULL }
  };

  ctx = g_option_context_new (self_test ? "- server and client in one process over loopback"
                                        : "URL - measure the path to a wifi-verify server");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_set_description (ctx, self_test ?
    "Exit status: 0 when every connection finished with both ends' summaries; "
    "3 when a connection was lost (nothing from the server for --lost-timeout) "
    "or a summary lacks the other end's part; 1 on errors (nothing measured, "
    "output not written); 2 on bad options; 130 when interrupted." :
    "URL is what the server printed, with its token:\n"
    "  http://192.0.2.10:8080/?token=T\n"
    "(or the server's address with --token T).\n\n"
    "Exit status: 0 when every connection finished with both ends' summaries; "
    "3 when a connection was lost (nothing from the server for --lost-timeout) "
    "or a summary lacks the other end's part; 1 on errors (nothing measured, "
    "output not written); 2 on bad options; 130 when interrupted.");
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      fprintf (stderr, "wifi-verify-cli: %s\n", error->message);
      return 2;
    }
  if ((self_test && argc != 1) || (!self_test && argc != 2))
    {
      fprintf (stderr, "wifi-verify-cli: %s\n", self_test ? "self-test takes no arguments"
                                                          : "run needs the server URL");
      return 2;
    }

  wv_client_config_init (&config);
  config.url = self_test ? NULL : g_strdup (argv[1]);
  config.token = self_test ? NULL : g_steal_pointer (&token);
  if (family == NULL || g_str_equal (family, "both"))
    config.ipv4 = config.ipv6 = TRUE;
  else if (g_str_equal (family, "4"))
    config.ipv4 = TRUE, config.ipv6 = FALSE;
  else if (g_str_equal (family, "6"))
    config.ipv4 = FALSE, config.ipv6 = TRUE;
  else
    {
      fprintf (stderr, "wifi-verify-cli: --family must be 4, 6 or both\n");
      return 2;
    }
  if (connections < 1 || connections > 16 || rate < 1 || rate > WV_MAX_RATE_PPS ||
      probe_size < WV_PROBE_MIN_SIZE || probe_size > WV_PROBE_MAX_SIZE || bulk < 0 ||
      bulk > WV_MAX_BULK_BPS || !(duration > 0) || duration > 86400 ||
      !(lost_timeout >= 1 && lost_timeout <= 3600))
    {
      fprintf (stderr, "wifi-verify-cli: out of range: --connections 1-16, --rate 1-%d, "
               "--probe-size %d-%d, --bulk 0-%d, --duration > 0, --lost-timeout 1-3600\n",
               WV_MAX_RATE_PPS,
               WV_PROBE_MIN_SIZE, WV_PROBE_MAX_SIZE, WV_MAX_BULK_BPS);
      return 2;
    }
  if (mtu_sizes != NULL)
    {
      if (!wv_mtu_sizes_parse (mtu_sizes, config.mtu_sizes, &config.n_mtu_sizes, &error))
        {
          fprintf (stderr, "wifi-verify-cli: --mtu-sizes: %s\n", error->message);
          return 2;
        }
      if (mtu_max < 0)
        mtu_max = (int) config.mtu_sizes[config.n_mtu_sizes - 1];
      else if (config.mtu_sizes[config.n_mtu_sizes - 1] > (guint) mtu_max)
        {
          fprintf (stderr, "wifi-verify-cli: --mtu-sizes: %u is above --mtu-max %d\n",
                   config.mtu_sizes[config.n_mtu_sizes - 1], mtu_max);
          return 2;
        }
    }
  else if (mtu_max < 0)
    mtu_max = 1500;
  if (max_ttl < 1 || max_ttl > WV_MAX_TTL || rounds < 1 || rounds > WV_MAX_ROUNDS ||
      mtu_max < WV_MTU_MIN || mtu_max > WV_MTU_MAX)
    {
      fprintf (stderr, "wifi-verify-cli: out of range: --max-ttl 1-%d, --rounds 1-%d, --mtu-max %d-%d\n",
               WV_MAX_TTL, WV_MAX_ROUNDS, WV_MTU_MIN, WV_MTU_MAX);
      return 2;
    }
  /* The reference's phases unless some are chosen. */
  if (opt_trace || opt_mtu || opt_streams)
    {
      config.traceroute = opt_trace;
      config.mtu = opt_mtu;
      config.streams_phase = opt_streams;
    }
  config.max_ttl = max_ttl;
  config.rounds = rounds;
  config.mtu_max = mtu_max;
  config.icmp_helper = g_strdup (icmp_helper);
  config.connections = connections;
  config.streams.rate_pps = rate;
  config.streams.probe_size = probe_size;
  config.streams.bulk_bps = bulk;
  config.streams.duration_s = duration;
  config.lost_timeout_s = lost_timeout;
  config.stun_uri = g_strdup (stun);
  if (trace_dscp != NULL && (config.trace_dscp = wv_dscp_parse (trace_dscp)) < 0)
    {
      fprintf (stderr, "wifi-verify-cli: --trace-dscp: \"%s\" is not a DSCP name or number 0-63\n",
               trace_dscp);
      return 2;
    }
  if (!wv_dscp_parse_list (dscp, &config.streams.classes, &error))
    {
      fprintf (stderr, "wifi-verify-cli: --dscp: %s\n", error->message);
      return 2;
    }
  if (owd == NULL || g_str_equal (owd, "auto"))
    config.owd_mode = WV_OWD_AUTO;
  else if (g_str_equal (owd, "synced"))
    config.owd_mode = WV_OWD_SYNCED;
  else if (g_str_equal (owd, "estimated"))
    config.owd_mode = WV_OWD_OFFSET_ESTIMATED;
  else
    {
      fprintf (stderr, "wifi-verify-cli: --owd must be auto, synced or estimated\n");
      return 2;
    }

  run.human = json && g_str_equal (json, "-") ? stderr : stdout;
  run.tty = isatty (fileno (run.human));
  run.quiet = quiet;
  run.duration = duration;
  run.latest = g_array_new (FALSE, FALSE, sizeof (WvRecord));
  run.final_records = g_array_new (FALSE, FALSE, sizeof (WvRecord));
  if (json || csv)
    {
      run.output = wv_output_new ();
      if ((json && !wv_output_add_json (run.output, json, force, &error)) ||
          (csv && !wv_output_add_csv (run.output, csv, force, &error)))
        {
          fprintf (stderr, "wifi-verify-cli: %s\n", error->message);
          wv_output_free (run.output);
          return 1;
        }
    }

  run.loop = g_main_loop_new (NULL, FALSE);
  run.client = wv_client_new (&config);
  if (save)
    {
      run.meta = wv_client_new_run_meta (run.client);
      run.save = wv_run_writer_new (save, force, run.meta, &error);
      if (run.save == NULL)
        {
          fprintf (stderr, "wifi-verify-cli: %s\n", error->message);
          wv_output_free (run.output);
          g_object_unref (run.client);
          g_main_loop_unref (run.loop);
          wv_run_meta_free (run.meta);
          g_array_unref (run.latest);
          g_array_unref (run.final_records);
          wv_client_config_clear (&config);
          return 1;
        }
    }
  g_signal_connect (run.client, "message", G_CALLBACK (on_message), &run);
  g_signal_connect (run.client, "phase-changed", G_CALLBACK (on_phase), &run);
  g_signal_connect (run.client, "connection-state", G_CALLBACK (on_conn_state), &run);
  g_signal_connect (run.client, "progress", G_CALLBACK (on_progress), &run);
  g_signal_connect (run.client, "record", G_CALLBACK (on_record), &run);
  g_signal_connect (run.client, "finished", G_CALLBACK (on_finished), &run);

  say (&run, "wifi-verify %s: %s, %d connection(s) per family, %d probes/s, %.0f s",
       PACKAGE_VERSION, self_test ? "self-test over loopback" : argv[1], connections, rate, duration);
  if (!wv_client_start (run.client, &error))
    {
      fprintf (stderr, "wifi-verify-cli: %s\n", error->message);
      run.ok = FALSE;
    }
  else
    {
      run.total = wv_client_get_n_connections (run.client);
      flush_source = g_timeout_add_seconds (1, flush_tick, &run);
      sigint = g_unix_signal_add (SIGINT, on_signal, &run);
      sigterm = g_unix_signal_add (SIGTERM, on_signal, &run);
      g_main_loop_run (run.loop);
      g_source_remove (flush_source);
      g_source_remove (sigint);
      g_source_remove (sigterm);
    }

  print_results (&run);
  if (run.lost > 0)
    say (&run, "%u connection(s) lost: the server went silent for %.0f s", run.lost,
         lost_timeout);
  incomplete = run_incomplete (&run);
  finish_save (&run, save);
  if (run.save_error)
    run.ok = FALSE;
  g_clear_error (&run.save_error);
  wv_run_meta_free (run.meta);
  if (run.output)
    {
      g_autoptr(GError) close_error = NULL;

      if (!wv_output_close (run.output, &close_error) && run.write_error == NULL)
        {
          fprintf (stderr, "wifi-verify-cli: %s\n", close_error->message);
          run.ok = FALSE;
        }
      wv_output_free (run.output);
    }
  if (run.write_error)
    run.ok = FALSE;
  g_clear_error (&run.write_error);
  g_object_unref (run.client);
  g_main_loop_unref (run.loop);
  g_array_unref (run.latest);
  g_array_unref (run.final_records);
  wv_client_config_clear (&config);
  /* The peers close in threads of their own; give them a moment to say
   * goodbye on the wire, but never hang on a dead one. */
  wv_peer_wait_teardowns (2000);
  if (run.interrupts > 0)
    return 130;
  if (!run.ok)
    return 1;
  return incomplete ? 3 : 0;
}

int
wv_cli_run (int argc, char **argv)
{
  return run_measurement (argc, argv, FALSE);
}

int
wv_cli_self_test (int argc, char **argv)
{
  return run_measurement (argc, argv, TRUE);
}
