/* test-output.c: JSON lines and CSV output of the measurement records
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Records of every type with hand-set values are written, then read back:
 * the JSON lines with json-glib, the CSV files with the small RFC 4180
 * reader below. Each record comes with a table of its fields (JSON key, CSV
 * column, expected value as a JSON token), which gives the exact key order,
 * the exact CSV header and every value, null or not.
 */

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "wv-output.h"
#include "wv-record-json.h"

#define SEC G_GINT64_CONSTANT (1000000000)
/* 2023-11-14 22:13:20.123456789 UTC. */
#define T0  (G_GINT64_CONSTANT (1700000000) * SEC + 123456789)

/* ------------------------------------------------------------------------ */
/* Files and directories                                                    */

static void
rm_rf (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);

  if (dir != NULL)
    {
      const char *name;

      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          rm_rf (child);
        }
      g_dir_close (dir);
      g_rmdir (path);
    }
  else
    {
      g_unlink (path);
    }
}

static char *
make_tmp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("wv-output-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static char *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

static void
write_file (const char *path, const char *text)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
}

/* ------------------------------------------------------------------------ */
/* RFC 4180 reader: rows of fields, every row ended by CRLF. Anything else
 * (a bare LF or CR, a quote inside an unquoted field, text after a closing
 * quote, a missing final CRLF) fails the test. */

static GPtrArray *
parse_csv (const char *text)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  const char *p = text;

  while (*p != '\0')
    {
      GPtrArray *fields = g_ptr_array_new ();
      gboolean row_done = FALSE;

      while (!row_done)
        {
          GString *field = g_string_new (NULL);

          if (*p == '"')
            {
              p++;
              for (;;)
                {
                  if (*p == '\0')
                    g_error ("CSV: unterminated quoted field");
                  if (*p == '"')
                    {
                      if (p[1] == '"')
                        {
                          g_string_append_c (field, '"');
                          p += 2;
                          continue;
                        }
                      p++;
                      break;
                    }
                  g_string_append_c (field, *p++);
                }
            }
          else
            {
              while (*p != ',' && *p != '\r' && *p != '\0')
                {
                  if (*p == '"' || *p == '\n')
                    g_error ("CSV: quote or LF in an unquoted field at “%.20s”", p);
                  g_string_append_c (field, *p++);
                }
            }

          g_ptr_array_add (fields, g_string_free (field, FALSE));
          if (*p == ',')
            p++;
          else if (p[0] == '\r' && p[1] == '\n')
            {
              p += 2;
              row_done = TRUE;
            }
          else
            g_error ("CSV: expected a comma or CRLF at “%.20s”", p);
        }
      g_ptr_array_add (fields, NULL);
      g_ptr_array_add (rows, g_ptr_array_free (fields, FALSE));
    }
  return rows;
}

static GPtrArray *
read_csv (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *text = read_file (path);

  return parse_csv (text);
}

/* ------------------------------------------------------------------------ */
/* Records and their expected fields                                        */

/* json: key ("rtt_ms.min" for a member of a summary object), NULL if the
 * field is CSV only; csv: column, NULL if JSON only; value: the expected
 * value as a JSON token ("null" for unknown: an empty CSV field). */
typedef struct {
  const char *json;
  const char *csv;
  const char *value;
} Field;

#define END { NULL, NULL, NULL }

#define SUMMARY(prefix, min, p50, p99, max, mean, n)            \
  { prefix "_ms.min", prefix "_min_ms", min },                  \
  { prefix "_ms.p50", prefix "_p50_ms", p50 },                  \
  { prefix "_ms.p99", prefix "_p99_ms", p99 },                  \
  { prefix "_ms.max", prefix "_max_ms", max },                  \
  { prefix "_ms.mean", prefix "_mean_ms", mean },               \
  { prefix "_ms.n", prefix "_n", n }

#define NULL_SUMMARY(prefix) SUMMARY (prefix, "null", "null", "null", "null", "null", "0")

#define HEAD(type, time, utc, conn, family, dir)                \
  { "type", NULL, "\"" type "\"" },                             \
  { "time", "time_unix_s", time },                              \
  { NULL, "time_utc", "\"" utc "\"" },                          \
  { "conn", "conn", conn },                                     \
  { "family", "family", family },                               \
  { "dir", "dir", "\"" dir "\"" }

static void
set_summary (WvSummary *s, double min, double p50, double p99, double max, double mean, guint n)
{
  *s = (WvSummary) { min, p50, p99, max, mean, n };
}

/* Every field known and set, IPv4, client to server, 1 s window. */
static void
make_stats_full (WvRecord *r)
{
  WvStatsRecord *st = &r->stats;

  memset (r, 0, sizeof *r);
  r->type = WV_RECORD_STATS;
  r->time_ns = T0;
  r->conn = 2;
  r->family = 4;
  r->dir = WV_DIR_C2S;
  st->window_s = 1;
  st->rx.window_ns = SEC;
  st->rx.probes = 100;
  st->rx.expected = 104;
  set_summary (&st->rtt_ms, 1.5, 2.25, 3.125, 4.0, 2.5, 50);
  set_summary (&st->rx.owd_ms, 0.001, 12.345678, 20.5, 30.000001, 13.25, 100);
  set_summary (&st->rx.delay_dev_ms, -0.5, 0.0, 1.0, 2.0, 0.1, 100);
  set_summary (&st->rx.ipdv_ms, -3.25, 0.0005, 2.75, 3.5, 0.000001, 99);
  st->rx.baseline_ms = 12.5;
  st->rx.jitter_ms = 0.75;
  set_summary (&st->rx.jitter_d_ms, 0, 0.5, 2.5, 3.25, 0.75, 99);
  set_summary (&st->rx.stack_send_ms, 0.01, 0.25, 1.5, 2, 0.3, 100);
  set_summary (&st->rx.stack_recv_ms, 0.02, 0.125, 1, 4, 0.2, 100);
  st->rx.wire_samples = 100;          /* all of owd_ms.n: "wire" */
  st->rtt_wire_samples = 49;          /* one of rtt_ms.n left: "mixed" */
  st->skew_ppm = -12.25;
  st->rx.loss_pct = 100.0 * 4 / 104;
  st->rx.reorder_pct = 2.0;
  st->rx.dup_pct = 1.0;
  st->rx.throughput_bps = 1234567.5;
  st->rx.rx_ttl = 61;
  st->rx.rx_tos = 184;               /* DSCP 46, EF */
  st->owd_mode = WV_OWD_SYNCED;
  st->clock_error_ms = 0.25;
  st->dscp = 34;                     /* sent as AF41, received as EF */
  st->remarked = TRUE;
  st->sched_err_p99_ms = 0.125;
}

static const Field stats_full_fields[] = {
  HEAD ("stats", "1700000000.123", "2023-11-14 22:13:20.123", "2", "4", "c2s"),
  { "window_s", "window_s", "1" },
  { "probes", "probes", "100" },
  { "expected", "expected", "104" },
  SUMMARY ("rtt", "1.5", "2.25", "3.125", "4", "2.5", "50"),
  SUMMARY ("owd", "0.001", "12.345678", "20.5", "30.000001", "13.25", "100"),
  SUMMARY ("delay_dev", "-0.5", "0", "1", "2", "0.1", "100"),
  { "baseline_ms", "baseline_ms", "12.5" },
  { "jitter_ms", "jitter_ms", "0.75" },
  SUMMARY ("ipdv", "-3.25", "0.0005", "2.75", "3.5", "0.000001", "99"),
  { "loss_pct", "loss_pct", "3.846154" },
  { "reorder_pct", "reorder_pct", "2" },
  { "dup_pct", "dup_pct", "1" },
  { "throughput_bps", "throughput_bps", "1234567.5" },
  { "rx_ttl", "rx_ttl", "61" },
  { "rx_tos", "rx_tos", "184" },
  { "rx_dscp", "rx_dscp", "46" },
  { "rx_dscp_name", "rx_dscp_name", "\"EF\"" },
  { "dscp", "dscp", "34" },
  { "dscp_name", "dscp_name", "\"AF41\"" },
  { "remarked", "remarked", "true" },
  { "owd_mode", "owd_mode", "\"synced\"" },
  { "clock_error_ms", "clock_error_ms", "0.25" },
  { "sched_err_p99_ms", "sched_err_p99_ms", "0.125" },
  SUMMARY ("jitter_d", "0", "0.5", "2.5", "3.25", "0.75", "99"),
  { "timing", "timing", "\"wire\"" },
  { "wire_samples", "wire_samples", "100" },
  { "untimed", "untimed", "0" },
  { "rtt_timing", "rtt_timing", "\"mixed\"" },
  { "rtt_wire_samples", "rtt_wire_samples", "49" },
  SUMMARY ("stack_send", "0.01", "0.25", "1.5", "2", "0.3", "100"),
  SUMMARY ("stack_recv", "0.02", "0.125", "1", "4", "0.2", "100"),
  { "skew_ppm", "skew_ppm", "-12.25" },
  END
};

/* A 10 s window in an outage: no probe, nothing expected, every summary
 * empty (with garbage values that must not show), everything unknown. */
static void
make_stats_empty (WvRecord *r)
{
  WvStatsRecord *st = &r->stats;

  memset (r, 0, sizeof *r);
  r->type = WV_RECORD_STATS;
  r->time_ns = T0 + 10 * SEC;
  r->conn = 0;
  r->family = 6;
  r->dir = WV_DIR_S2C;
  st->window_s = 10;
  set_summary (&st->rtt_ms, 5, 5, 5, 5, 5, 0);
  set_summary (&st->rx.owd_ms, NAN, 1, 2, 3, 4, 0);
  st->rx.jitter_ms = 0;              /* what the stats core reports then */
  st->rx.rx_ttl = -1;
  st->rx.rx_tos = -1;
  st->owd_mode = WV_OWD_OFFSET_ESTIMATED;
  st->clock_error_ms = -1;
  st->dscp = -1;
  st->sched_err_p99_ms = -1;
  st->skew_ppm = NAN;
}

static const Field stats_empty_fields[] = {
  HEAD ("stats", "1700000010.123", "2023-11-14 22:13:30.123", "0", "6", "s2c"),
  { "window_s", "window_s", "10" },
  { "probes", "probes", "0" },
  { "expected", "expected", "0" },
  NULL_SUMMARY ("rtt"),
  NULL_SUMMARY ("owd"),
  NULL_SUMMARY ("delay_dev"),
  { "baseline_ms", "baseline_ms", "null" },
  { "jitter_ms", "jitter_ms", "null" },
  NULL_SUMMARY ("ipdv"),
  { "loss_pct", "loss_pct", "null" },
  { "reorder_pct", "reorder_pct", "null" },
  { "dup_pct", "dup_pct", "null" },
  { "throughput_bps", "throughput_bps", "0" },
  { "rx_ttl", "rx_ttl", "null" },
  { "rx_tos", "rx_tos", "null" },
  { "rx_dscp", "rx_dscp", "null" },
  { "rx_dscp_name", "rx_dscp_name", "null" },
  { "dscp", "dscp", "null" },
  { "dscp_name", "dscp_name", "null" },
  { "remarked", "remarked", "false" },
  { "owd_mode", "owd_mode", "\"offset-estimated\"" },
  { "clock_error_ms", "clock_error_ms", "null" },
  { "sched_err_p99_ms", "sched_err_p99_ms", "null" },
  NULL_SUMMARY ("jitter_d"),
  { "timing", "timing", "null" },
  { "wire_samples", "wire_samples", "0" },
  { "untimed", "untimed", "0" },
  { "rtt_timing", "rtt_timing", "null" },
  { "rtt_wire_samples", "rtt_wire_samples", "0" },
  NULL_SUMMARY ("stack_send"),
  NULL_SUMMARY ("stack_recv"),
  { "skew_ppm", "skew_ppm", "null" },
  END
};

/* Whole run of one direction, with a NaN and an infinity among known
 * values, a DSCP without a name and a TOS with only ECN bits. */
static void
make_summary (WvRecord *r)
{
  WvStatsRecord *st = &r->stats;

  memset (r, 0, sizeof *r);
  r->type = WV_RECORD_SUMMARY;
  r->time_ns = T0 + 3600 * SEC;
  r->conn = 1;
  r->family = 4;
  r->dir = WV_DIR_S2C;
  st->window_s = 0;
  st->duration_s = 3600.5;
  st->probes_sent = 360050;
  st->rx.probes = 359990;
  st->rx.expected = 360000;
  set_summary (&st->rtt_ms, 1, 2, NAN, 9, 2.125, 3);
  set_summary (&st->rx.owd_ms, 0.5, 1, 1.5, 2, 1.0625, 359990);
  set_summary (&st->rx.delay_dev_ms, -0.25, 0, 0.5, 1, 0, 359990);
  set_summary (&st->rx.ipdv_ms, -1, 0, 1, 1.5, 0, 359980);
  st->rx.baseline_ms = 1.0625;
  st->rx.jitter_ms = INFINITY;
  set_summary (&st->rx.jitter_d_ms, 0, 0.25, 1, 2, 0.3125, 359980);
  st->rx.wire_samples = 0;            /* an older peer: "app" */
  st->skew_ppm = INFINITY;
  st->rx.loss_pct = 100.0 * 10 / 360000;
  st->rx.reorder_pct = 0;
  st->rx.dup_pct = 0;
  st->rx.throughput_bps = 950000000000000.0;
  st->rx.rx_ttl = 255;
  st->rx.rx_tos = 3;
  st->owd_mode = WV_OWD_OFFSET_ESTIMATED;
  st->clock_error_ms = 0;
  st->dscp = 5;
  st->remarked = FALSE;
  st->sched_err_p99_ms = 0.0625;
  st->expected_source = WV_EXPECTED_SENDER;
}

static const Field summary_fields[] = {
  HEAD ("summary", "1700003600.123", "2023-11-14 23:13:20.123", "1", "4", "s2c"),
  { "window_s", NULL, "null" },
  { "duration_s", "duration_s", "3600.5" },
  { "probes_sent", "probes_sent", "360050" },
  { "probes", "probes", "359990" },
  { "expected", "expected", "360000" },
  SUMMARY ("rtt", "1", "2", "null", "9", "2.125", "3"),
  SUMMARY ("owd", "0.5", "1", "1.5", "2", "1.0625", "359990"),
  SUMMARY ("delay_dev", "-0.25", "0", "0.5", "1", "0", "359990"),
  { "baseline_ms", "baseline_ms", "1.0625" },
  { "jitter_ms", "jitter_ms", "null" },
  SUMMARY ("ipdv", "-1", "0", "1", "1.5", "0", "359980"),
  { "loss_pct", "loss_pct", "0.002778" },
  { "reorder_pct", "reorder_pct", "0" },
  { "dup_pct", "dup_pct", "0" },
  { "throughput_bps", "throughput_bps", "950000000000000" },
  { "rx_ttl", "rx_ttl", "255" },
  { "rx_tos", "rx_tos", "3" },
  { "rx_dscp", "rx_dscp", "0" },
  { "rx_dscp_name", "rx_dscp_name", "\"CS0\"" },
  { "dscp", "dscp", "5" },
  { "dscp_name", "dscp_name", "null" },
  { "remarked", "remarked", "false" },
  { "owd_mode", "owd_mode", "\"offset-estimated\"" },
  { "clock_error_ms", "clock_error_ms", "0" },
  { "sched_err_p99_ms", "sched_err_p99_ms", "0.0625" },
  SUMMARY ("jitter_d", "0", "0.25", "1", "2", "0.3125", "359980"),
  { "timing", "timing", "\"app\"" },
  { "wire_samples", "wire_samples", "0" },
  { "untimed", "untimed", "0" },
  { "rtt_timing", "rtt_timing", "\"app\"" },
  { "rtt_wire_samples", "rtt_wire_samples", "0" },
  NULL_SUMMARY ("stack_send"),
  NULL_SUMMARY ("stack_recv"),
  { "skew_ppm", "skew_ppm", "null" },
  { "peer_lost", "peer_lost", "false" },
  { "complete", "complete", "true" },
  { "expected_from", "expected_from", "\"sender\"" },
  END
};

static void
make_hop (WvRecord *r, gint64 time_ns, int family, guint round, guint ttl,
          const char *addr, double rtt_ms, gboolean reached)
{
  memset (r, 0, sizeof *r);
  r->type = WV_RECORD_HOP;
  r->time_ns = time_ns;
  r->conn = 0;
  r->family = family;
  r->dir = WV_DIR_C2S;
  r->hop.round = round;
  r->hop.ttl = ttl;
  g_strlcpy (r->hop.addr, addr, sizeof r->hop.addr);
  r->hop.rtt_ms = rtt_ms;
  r->hop.reached = reached;
}

static const Field hop_silent_fields[] = {
  HEAD ("hop", "1700000000.123", "2023-11-14 22:13:20.123", "0", "4", "c2s"),
  { "round", "round", "1" },
  { "ttl", "ttl", "3" },
  { "addr", "addr", "null" },
  { "rtt_ms", "rtt_ms", "null" },
  { "reached", "reached", "false" },
  { "rx_tos", "rx_tos", "null" },
  { "rx_dscp", "rx_dscp", "null" },
  { "rx_dscp_name", "rx_dscp_name", "null" },
  { "tos", "tos", "null" },
  { "dscp", "dscp", "null" },
  { "dscp_name", "dscp_name", "null" },
  END
};

static const Field hop_v6_fields[] = {
  HEAD ("hop", "1700000001.000", "2023-11-14 22:13:21.000", "0", "6", "c2s"),
  { "round", "round", "2" },
  { "ttl", "ttl", "7" },
  { "addr", "addr", "\"2001:db8::1\"" },
  { "rtt_ms", "rtt_ms", "12.5" },
  { "reached", "reached", "true" },
  { "rx_tos", "rx_tos", "1" },
  { "rx_dscp", "rx_dscp", "0" },
  { "rx_dscp_name", "rx_dscp_name", "\"CS0\"" },
  { "tos", "tos", "184" },
  { "dscp", "dscp", "46" },
  { "dscp_name", "dscp_name", "\"EF\"" },
  END
};

/* Not an address, but the writers must survive it: a comma, quotes, CRLF
 * and a byte that is not UTF-8 (replaced by U+FFFD). */
#define HOSTILE_ADDR "a,\"b\"\r\nc\xff"

static const Field hop_hostile_fields[] = {
  HEAD ("hop", "1700000002.999", "2023-11-14 22:13:22.999", "0", "4", "c2s"),
  { "round", "round", "2" },
  { "ttl", "ttl", "8" },
  { "addr", "addr", "\"a,\\\"b\\\"\\r\\nc\xef\xbf\xbd\"" },
  { "rtt_ms", "rtt_ms", "0" },
  { "reached", "reached", "false" },
  { "rx_tos", "rx_tos", "null" },
  { "rx_dscp", "rx_dscp", "null" },
  { "rx_dscp_name", "rx_dscp_name", "null" },
  { "tos", "tos", "null" },
  { "dscp", "dscp", "null" },
  { "dscp_name", "dscp_name", "null" },
  END
};

static void
make_mtu (WvRecord *r, int family, guint hop, const char *addr, guint mtu)
{
  memset (r, 0, sizeof *r);
  r->type = WV_RECORD_MTU;
  r->time_ns = T0;
  r->conn = 3;
  r->family = family;
  r->dir = WV_DIR_S2C;
  r->mtu.hop = hop;
  if (addr != NULL)
    g_strlcpy (r->mtu.addr, addr, sizeof r->mtu.addr);
  else
    /* No NUL at all, and none in the padding after the array either. */
    memset (r->mtu.addr, 'x', sizeof *r - G_STRUCT_OFFSET (WvRecord, mtu.addr));
  r->mtu.mtu = mtu;
}

static const Field mtu_v6_fields[] = {
  HEAD ("mtu", "1700000000.123", "2023-11-14 22:13:20.123", "3", "6", "s2c"),
  { "hop", "hop", "4" },
  { "addr", "addr", "\"2001:db8:0:1::fe\"" },
  { "mtu", "mtu_bytes", "1400" },
  END
};

static const Field mtu_unterminated_fields[] = {
  HEAD ("mtu", "1700000000.123", "2023-11-14 22:13:20.123", "3", "4", "s2c"),
  { "hop", "hop", "5" },
  { "addr", "addr", "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"" },
  { "mtu", "mtu_bytes", "9000" },
  END
};

static void
make_path_mtu (WvRecord *r)
{
  memset (r, 0, sizeof *r);
  r->type = WV_RECORD_PATH_MTU;
  r->time_ns = T0 + 5 * SEC;
  r->conn = 1;
  r->family = 6;
  r->dir = WV_DIR_C2S;
  r->path_mtu.mtu = 1472;
  r->path_mtu.confirmed = TRUE;
}

static const Field path_mtu_fields[] = {
  HEAD ("path_mtu", "1700000005.123", "2023-11-14 22:13:25.123", "1", "6", "c2s"),
  { "mtu", "mtu_bytes", "1472" },
  { "confirmed", "confirmed", "true" },
  { "at_least", "at_least", "false" },
  END
};

/* An outage of 2.012 s that ended, and one still open. */
static void
make_outage (WvRecord *r, gboolean ended)
{
  memset (r, 0, sizeof *r);
  r->type = WV_RECORD_OUTAGE;
  r->time_ns = T0 + 7 * SEC;
  r->conn = 2;
  r->family = 4;
  r->dir = WV_DIR_C2S;
  r->outage.start_ns = T0 + 5 * SEC;
  r->outage.end_ns = ended ? T0 + 7 * SEC + 12 * G_GINT64_CONSTANT (1000000) : 0;
  r->outage.probes_lost = ended ? 201 : 0;
}

static const Field outage_fields[] = {
  HEAD ("outage", "1700000007.123", "2023-11-14 22:13:27.123", "2", "4", "c2s"),
  { "start", "start_unix_s", "1700000005.123" },
  { "end", "end_unix_s", "1700000007.135" },
  { "duration_s", "duration_s", "2.012" },
  { "probes_lost", "probes_lost", "201" },
  END
};

static const Field outage_open_fields[] = {
  HEAD ("outage", "1700000007.123", "2023-11-14 22:13:27.123", "2", "4", "c2s"),
  { "start", "start_unix_s", "1700000005.123" },
  { "end", "end_unix_s", "null" },
  { "duration_s", "duration_s", "null" },
  { "probes_lost", "probes_lost", "null" },
  END
};

static void
make_lost (WvRecord *r)
{
  memset (r, 0, sizeof *r);
  r->type = WV_RECORD_LOST;
  r->time_ns = T0 + 10 * SEC;
  r->conn = 3;
  r->family = 6;
  r->dir = WV_DIR_S2C;
  r->lost.last_rx_ns = T0 + 5 * SEC;
  r->lost.timeout_s = 5;
}

static const Field lost_fields[] = {
  HEAD ("lost", "1700000010.123", "2023-11-14 22:13:30.123", "3", "6", "s2c"),
  { "last_rx", "last_rx_unix_s", "1700000005.123" },
  { "timeout_s", "timeout_s", "5" },
  END
};

/* A voice verdict of one direction and a video verdict of the run. */
static void
make_verdict (WvRecord *r, gboolean run)
{
  memset (r, 0, sizeof *r);
  r->type = WV_RECORD_VERDICT;
  r->time_ns = T0;
  r->conn = 2;
  r->family = 4;
  r->dir = WV_DIR_S2C;
  r->verdict.run = run;
  r->verdict.dscp = run ? -1 : 46;
  r->verdict.profile = run ? WV_PROFILE_VIDEO : WV_PROFILE_VOICE;
  r->verdict.grade = run ? WV_GRADE_POOR : WV_GRADE_FAIR;
  r->verdict.metric = run ? WV_VERDICT_METRIC_OUTAGE : WV_VERDICT_METRIC_R_FACTOR;
  r->verdict.value = run ? 6.5 : 75.25;
  r->verdict.threshold = run ? 5 : 80;
  r->verdict.r_factor = run ? NAN : 75.25;
  r->verdict.mos = run ? NAN : 3.8;
  r->verdict.delay_ms = run ? 31.5 : 240;
  r->verdict.delay_from_rtt = run;
  r->verdict.loss_pct = run ? NAN : 0.5;
  r->verdict.outages = run ? 2 : 0;
  r->verdict.outage_max_s = run ? 6.5 : 0;
}

static const Field verdict_voice_fields[] = {
  HEAD ("verdict", "1700000000.123", "2023-11-14 22:13:20.123", "2", "4", "s2c"),
  { "scope", "scope", "\"direction\"" },
  { "dscp", "dscp", "46" },
  { "dscp_name", "dscp_name", "\"EF\"" },
  { "profile", "profile", "\"voice\"" },
  { "grade", "grade", "\"fair\"" },
  { "metric", "metric", "\"r_factor\"" },
  { "value", "value", "75.25" },
  { "threshold", "threshold", "80" },
  { "r_factor", "r_factor", "75.25" },
  { "mos", "mos", "3.8" },
  { "band", "band", "\"medium\"" },
  { "delay_ms", "delay_ms", "240" },
  { "delay_source", "delay_source", "\"owd\"" },
  { "loss_pct", "loss_pct", "0.5" },
  { "outages", "outages", "0" },
  { "outage_max_s", "outage_max_s", "null" },
  END
};

static const Field verdict_run_fields[] = {
  HEAD ("verdict", "1700000000.123", "2023-11-14 22:13:20.123", "2", "4", "s2c"),
  { "scope", "scope", "\"run\"" },
  { "dscp", "dscp", "null" },
  { "dscp_name", "dscp_name", "null" },
  { "profile", "profile", "\"video\"" },
  { "grade", "grade", "\"poor\"" },
  { "metric", "metric", "\"outage_s\"" },
  { "value", "value", "6.5" },
  { "threshold", "threshold", "5" },
  { "r_factor", "r_factor", "null" },
  { "mos", "mos", "null" },
  { "band", "band", "null" },
  { "delay_ms", "delay_ms", "31.5" },
  { "delay_source", "delay_source", "\"rtt\"" },
  { "loss_pct", "loss_pct", "null" },
  { "outages", "outages", "2" },
  { "outage_max_s", "outage_max_s", "6.5" },
  END
};

/* A Wi-Fi link whose SSID is not UTF-8 and has a comma. */
static void
make_wifi (WvRecord *r)
{
  memset (r, 0x55, sizeof *r);   /* conn, family and dir must not show */
  r->type = WV_RECORD_WIFI;
  r->time_ns = T0 + SEC;
  memset (&r->wifi, 0, sizeof r->wifi);
  g_strlcpy (r->wifi.iface, "wlan0", sizeof r->wifi.iface);
  memcpy (r->wifi.ssid, "caf\xe9,net", 8);
  r->wifi.ssid_len = 8;
  g_strlcpy (r->wifi.bssid, "02:00:00:00:01:00", sizeof r->wifi.bssid);
  r->wifi.frequency_mhz = 5180;
  r->wifi.channel = 36;
  r->wifi.signal_pct = 71;
  r->wifi.bitrate_kbps = 866700;
  r->wifi.roamed = TRUE;
}

static const Field wifi_fields[] = {
  { "type", NULL, "\"wifi\"" },
  { "time", "time_unix_s", "1700000001.123" },
  { NULL, "time_utc", "\"2023-11-14 22:13:21.123\"" },
  { "conn", "conn", "null" },
  { "family", "family", "null" },
  { "dir", "dir", "null" },
  { "iface", "iface", "\"wlan0\"" },
  { "ssid", "ssid", "\"caf\xef\xbf\xbd,net\"" },
  { "bssid", "bssid", "\"02:00:00:00:01:00\"" },
  { "frequency_mhz", "frequency_mhz", "5180" },
  { "band", "band", "\"5 GHz\"" },
  { "channel", "channel", "36" },
  { "signal_pct", "signal_pct", "71" },
  { "bitrate_mbps", "bitrate_mbps", "866.7" },
  { "roamed", "roamed", "true" },
  END
};

#define N_RECORDS 15

/* One record of each kind above, with the fields expected of each. */
static void
make_all (WvRecord records[N_RECORDS], const Field *fields[N_RECORDS])
{
  make_stats_full (&records[0]);
  fields[0] = stats_full_fields;
  make_stats_empty (&records[1]);
  fields[1] = stats_empty_fields;
  make_summary (&records[2]);
  fields[2] = summary_fields;
  make_hop (&records[3], T0, 4, 1, 3, "", -1, FALSE);
  fields[3] = hop_silent_fields;
  make_hop (&records[4], T0 - 123456789 + SEC, 6, 2, 7, "2001:db8::1", 12.5, TRUE);
  records[4].hop.has_rx_tos = TRUE;
  records[4].hop.rx_tos = 1;
  records[4].hop.has_tos = TRUE;
  records[4].hop.tos = 184;
  fields[4] = hop_v6_fields;
  make_hop (&records[5], T0 + 2 * SEC + 876543210, 4, 2, 8, HOSTILE_ADDR, 0, FALSE);
  fields[5] = hop_hostile_fields;
  make_mtu (&records[6], 6, 4, "2001:db8:0:1::fe", 1400);
  fields[6] = mtu_v6_fields;
  /* mtu right after the unterminated addr: 9000 has no zero byte first. */
  make_mtu (&records[7], 4, 5, NULL, 9000);
  fields[7] = mtu_unterminated_fields;
  make_path_mtu (&records[8]);
  fields[8] = path_mtu_fields;
  make_outage (&records[9], TRUE);
  fields[9] = outage_fields;
  make_outage (&records[10], FALSE);
  fields[10] = outage_open_fields;
  make_lost (&records[11]);
  fields[11] = lost_fields;
  make_verdict (&records[12], FALSE);
  fields[12] = verdict_voice_fields;
  make_verdict (&records[13], TRUE);
  fields[13] = verdict_run_fields;
  make_wifi (&records[14]);
  fields[14] = wifi_fields;
}

/* ------------------------------------------------------------------------ */
/* Checking JSON                                                            */

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static void
assert_node_equal (JsonNode *got, const char *want_token, const char *what)
{
  g_autoptr(JsonNode) want = parse_json (want_token);

  if (JSON_NODE_HOLDS_NULL (want))
    {
      if (!JSON_NODE_HOLDS_NULL (got))
        g_error ("%s: expected null", what);
      return;
    }
  if (!JSON_NODE_HOLDS_VALUE (got))
    g_error ("%s: expected %s, got a null or a container", what, want_token);

  switch (json_node_get_value_type (want))
    {
    case G_TYPE_INT64:
    case G_TYPE_DOUBLE:
      if (json_node_get_value_type (got) != G_TYPE_INT64 &&
          json_node_get_value_type (got) != G_TYPE_DOUBLE)
        g_error ("%s: expected the number %s", what, want_token);
      /* The same text parses to the same double: exact comparison. */
      if (json_node_get_double (got) != json_node_get_double (want))
        g_error ("%s: expected %s, got %.17g", what, want_token, json_node_get_double (got));
      break;
    case G_TYPE_BOOLEAN:
      g_assert_cmpint (json_node_get_value_type (got), ==, G_TYPE_BOOLEAN);
      if (json_node_get_boolean (got) != json_node_get_boolean (want))
        g_error ("%s: expected %s", what, want_token);
      break;
    case G_TYPE_STRING:
      g_assert_cmpint (json_node_get_value_type (got), ==, G_TYPE_STRING);
      g_assert_cmpstr (json_node_get_string (got), ==, json_node_get_string (want));
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
assert_member_names (JsonObject *obj, GPtrArray *want, const char *what)
{
  g_autoptr(GList) members = json_object_get_members (obj);
  guint i = 0;

  for (GList *l = members; l != NULL; l = l->next, i++)
    {
      if (i >= want->len)
        g_error ("%s: unexpected member “%s”", what, (const char *) l->data);
      g_assert_cmpstr (l->data, ==, g_ptr_array_index (want, i));
    }
  g_assert_cmpuint (i, ==, want->len);
}

/* line is one JSON object that must have exactly the fields, in order. */
static void
check_json_line (const char *line, const Field *fields)
{
  g_autoptr(JsonNode) root = parse_json (line);
  g_autoptr(GPtrArray) top = g_ptr_array_new_with_free_func (g_free);
  JsonObject *obj;

  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  obj = json_node_get_object (root);

  for (const Field *f = fields; f->value != NULL; f++)
    {
      g_auto(GStrv) path = NULL;
      JsonNode *node;

      if (f->json == NULL)
        continue;
      path = g_strsplit (f->json, ".", 2);
      if (top->len == 0 || strcmp (g_ptr_array_index (top, top->len - 1), path[0]) != 0)
        g_ptr_array_add (top, g_strdup (path[0]));

      node = json_object_get_member (obj, path[0]);
      if (node == NULL)
        g_error ("missing member “%s” in %s", path[0], line);
      if (path[1] != NULL)
        {
          static const char *const keys[] = { "min", "p50", "p99", "max", "mean", "n" };
          g_autoptr(GPtrArray) want = g_ptr_array_new ();

          g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
          for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
            g_ptr_array_add (want, (gpointer) keys[i]);
          assert_member_names (json_node_get_object (node), want, f->json);
          node = json_object_get_member (json_node_get_object (node), path[1]);
          g_assert_nonnull (node);
        }
      assert_node_equal (node, f->value, f->json);
    }
  assert_member_names (obj, top, line);
}

/* ------------------------------------------------------------------------ */
/* Checking CSV                                                             */

/* The CSV text of a value given as a JSON token. */
static char *
csv_text (const char *token)
{
  g_autoptr(JsonNode) node = NULL;

  if (strcmp (token, "null") == 0)
    return g_strdup ("");
  if (token[0] != '"')
    return g_strdup (token);
  node = parse_json (token);
  return g_strdup (json_node_get_string (node));
}

static void
check_csv_header (char **header, const Field *fields)
{
  guint i = 0;

  for (const Field *f = fields; f->value != NULL; f++)
    {
      if (f->csv == NULL)
        continue;
      if (header[i] == NULL)
        g_error ("CSV header: missing column %s", f->csv);
      g_assert_cmpstr (header[i], ==, f->csv);
      i++;
    }
  g_assert_cmpstr (header[i], ==, NULL);
}

static void
check_csv_row (char **row, const Field *fields)
{
  guint i = 0;

  for (const Field *f = fields; f->value != NULL; f++)
    {
      g_autofree char *want = NULL;

      if (f->csv == NULL)
        continue;
      g_assert_nonnull (row[i]);
      want = csv_text (f->value);
      if (strcmp (row[i], want) != 0)
        g_error ("CSV column %s: expected “%s”, got “%s”", f->csv, want, row[i]);
      i++;
    }
  g_assert_cmpstr (row[i], ==, NULL);
}

/* Checks every CSV file of dir against records[0 .. n-1]. */
static void
check_csv_dir (const char *dir, const WvRecord *records, const Field *const *fields, guint n)
{
  static const char *const files[WV_N_RECORD_TYPES] = {
    "stats.csv", "summary.csv", "hop.csv", "mtu.csv", "path_mtu.csv", "outage.csv",
    "lost.csv", "verdict.csv", "wifi.csv",
  };
  static const Field *const headers[WV_N_RECORD_TYPES] = {
    stats_full_fields, summary_fields, hop_silent_fields, mtu_v6_fields, path_mtu_fields,
    outage_fields, lost_fields, verdict_voice_fields, wifi_fields,
  };

  for (guint t = 0; t < WV_N_RECORD_TYPES; t++)
    {
      g_autoptr(GPtrArray) rows = read_csv (dir, files[t]);
      guint row = 1;

      g_assert_cmpuint (rows->len, >=, 1);
      check_csv_header (g_ptr_array_index (rows, 0), headers[t]);
      for (guint i = 0; i < n; i++)
        {
          if (records[i].type != t)
            continue;
          g_assert_cmpuint (row, <, rows->len);
          check_csv_row (g_ptr_array_index (rows, row), fields[i]);
          row++;
        }
      g_assert_cmpuint (row, ==, rows->len);
    }
}

/* ------------------------------------------------------------------------ */
/* Tests                                                                    */

/* Every record type to a JSON file and a CSV directory, read back. */
static void
test_round_trip (void)
{
  g_autofree char *tmp = make_tmp_dir ();
  g_autofree char *json_path = g_build_filename (tmp, "run.jsonl", NULL);
  g_autofree char *csv_dir = g_build_filename (tmp, "csv", NULL);
  g_autoptr(WvOutput) o = wv_output_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *hop_csv = NULL;
  g_auto(GStrv) lines = NULL;
  WvRecord records[N_RECORDS], bad;
  const Field *fields[N_RECORDS];

  make_all (records, fields);

  g_assert_true (wv_output_add_json (o, json_path, FALSE, &error));
  g_assert_no_error (error);
  g_assert_true (wv_output_add_csv (o, csv_dir, FALSE, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < N_RECORDS; i++)
    {
      g_assert_true (wv_output_write (o, &records[i], &error));
      g_assert_no_error (error);
      /* A record of a type that does not exist is refused, and the outputs
       * go on working. */
      if (i == 4)
        {
          make_path_mtu (&bad);
          bad.type = (WvRecordType) 99;
          g_assert_false (wv_output_write (o, &bad, &error));
          g_assert_error (error, WV_OUTPUT_ERROR, WV_OUTPUT_ERROR_INVALID_RECORD);
          g_clear_error (&error);
        }
      if (i == 6)
        {
          g_assert_true (wv_output_flush (o, &error));
          g_assert_no_error (error);
        }
    }
  g_assert_true (wv_output_close (o, &error));
  g_assert_no_error (error);

  json = read_file (json_path);
  /* JSON lines: LF-terminated, one object per line, nothing else. */
  g_assert_true (g_str_has_suffix (json, "}\n"));
  g_assert_null (strchr (json, '\r'));
  lines = g_strsplit (json, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, N_RECORDS + 1);
  g_assert_cmpstr (lines[N_RECORDS], ==, "");
  for (guint i = 0; i < N_RECORDS; i++)
    {
      g_autofree char *single = wv_record_to_json (&records[i]);

      check_json_line (lines[i], fields[i]);
      g_assert_cmpstr (lines[i], ==, single);
      g_assert_null (strstr (lines[i], "nan"));
      g_assert_null (strstr (lines[i], "inf"));
    }

  check_csv_dir (csv_dir, records, fields, N_RECORDS);

  /* Read back, every record writes the same text again (wv-record-json);
   * but the 46-byte address without its NUL (records[7]), which only
   * memory corruption makes, comes back cut to 45 bytes. */
  for (guint i = 0; i < N_RECORDS; i++)
    {
      WvRecord back;
      g_autofree char *again = NULL;

      if (i == 7)
        continue;
      memset (&back, 0xa5, sizeof back);
      g_assert_true (wv_record_from_json (lines[i], -1, &back, &error));
      g_assert_no_error (error);
      g_assert_cmpint (back.type, ==, records[i].type);
      again = wv_record_to_json (&back);
      g_assert_cmpstr (again, ==, lines[i]);
    }

  /* The quoting itself, byte for byte: comma, doubled quotes, CRLF inside. */
  hop_csv = g_build_filename (csv_dir, "hop.csv", NULL);
  g_free (json);
  json = read_file (hop_csv);
  g_assert_nonnull (strstr (json, ",\"a,\"\"b\"\"\r\nc\xef\xbf\xbd\",0,false,,,,,,\r\n"));
  g_assert_nonnull (strstr (lines[5], "\"addr\":\"a,\\\"b\\\"\\r\\nc\xef\xbf\xbd\","));

  rm_rf (tmp);
}

/* Whole lines, byte for byte: the contract in its literal form. */
static void
test_json_exact (void)
{
  WvRecord r;
  g_autofree char *hop = NULL;
  g_autofree char *path_mtu = NULL;
  g_autofree char *mtu = NULL;
  g_autofree char *empty = NULL;

  make_hop (&r, T0, 4, 1, 3, "", -1, FALSE);
  hop = wv_record_to_json (&r);
  g_assert_cmpstr (hop, ==,
                   "{\"type\":\"hop\",\"time\":1700000000.123,\"conn\":0,\"family\":4,\"dir\":\"c2s\","
                   "\"round\":1,\"ttl\":3,\"addr\":null,\"rtt_ms\":null,\"reached\":false,"
                   "\"rx_tos\":null,\"rx_dscp\":null,\"rx_dscp_name\":null,"
                   "\"tos\":null,\"dscp\":null,\"dscp_name\":null}");

  make_mtu (&r, 6, 4, "2001:db8:0:1::fe", 1400);
  mtu = wv_record_to_json (&r);
  g_assert_cmpstr (mtu, ==,
                   "{\"type\":\"mtu\",\"time\":1700000000.123,\"conn\":3,\"family\":6,\"dir\":\"s2c\","
                   "\"hop\":4,\"addr\":\"2001:db8:0:1::fe\",\"mtu\":1400}");

  make_path_mtu (&r);
  path_mtu = wv_record_to_json (&r);
  g_assert_cmpstr (path_mtu, ==,
                   "{\"type\":\"path_mtu\",\"time\":1700000005.123,\"conn\":1,\"family\":6,"
                   "\"dir\":\"c2s\",\"mtu\":1472,\"confirmed\":true,\"at_least\":false}");

  make_stats_empty (&r);
  empty = wv_record_to_json (&r);
  g_assert_cmpstr (empty, ==,
                   "{\"type\":\"stats\",\"time\":1700000010.123,\"conn\":0,\"family\":6,\"dir\":\"s2c\","
                   "\"window_s\":10,\"probes\":0,\"expected\":0,"
                   "\"rtt_ms\":{\"min\":null,\"p50\":null,\"p99\":null,\"max\":null,\"mean\":null,\"n\":0},"
                   "\"owd_ms\":{\"min\":null,\"p50\":null,\"p99\":null,\"max\":null,\"mean\":null,\"n\":0},"
                   "\"delay_dev_ms\":{\"min\":null,\"p50\":null,\"p99\":null,\"max\":null,\"mean\":null,\"n\":0},"
                   "\"baseline_ms\":null,\"jitter_ms\":null,"
                   "\"ipdv_ms\":{\"min\":null,\"p50\":null,\"p99\":null,\"max\":null,\"mean\":null,\"n\":0},"
                   "\"loss_pct\":null,\"reorder_pct\":null,\"dup_pct\":null,\"throughput_bps\":0,"
                   "\"rx_ttl\":null,\"rx_tos\":null,\"rx_dscp\":null,\"rx_dscp_name\":null,"
                   "\"dscp\":null,\"dscp_name\":null,\"remarked\":false,"
                   "\"owd_mode\":\"offset-estimated\",\"clock_error_ms\":null,\"sched_err_p99_ms\":null,"
                   "\"jitter_d_ms\":{\"min\":null,\"p50\":null,\"p99\":null,\"max\":null,\"mean\":null,\"n\":0},"
                   "\"timing\":null,\"wire_samples\":0,\"untimed\":0,\"rtt_timing\":null,\"rtt_wire_samples\":0,"
                   "\"stack_send_ms\":{\"min\":null,\"p50\":null,\"p99\":null,\"max\":null,\"mean\":null,\"n\":0},"
                   "\"stack_recv_ms\":{\"min\":null,\"p50\":null,\"p99\":null,\"max\":null,\"mean\":null,\"n\":0},"
                   "\"skew_ppm\":null}");
}

static char *
hop_rtt_json (double rtt_ms)
{
  WvRecord r;
  g_autofree char *line = NULL;
  const char *start, *end;

  make_hop (&r, T0, 4, 1, 1, "10.0.1.2", rtt_ms, FALSE);
  line = wv_record_to_json (&r);
  start = strstr (line, "\"rtt_ms\":");
  g_assert_nonnull (start);
  start += strlen ("\"rtt_ms\":");
  end = strchr (start, ',');
  g_assert_nonnull (end);
  return g_strndup (start, (gsize) (end - start));
}

/* Numbers: six decimals at most (1 ns in ms), trailing zeros dropped, no
 * exponent for ordinary values, null for NaN and infinities; time rounded
 * down to the millisecond. */
static void
test_json_numbers (void)
{
  static const struct { double v; const char *text; } cases[] = {
    { 12.345, "12.345" },
    { 0.1, "0.1" },
    { 2.0000006, "2.000001" },
    { 1.0000004, "1" },
    { 0.0000004, "0" },
    { 0.000001, "0.000001" },
    { 1e-7, "0" },
    { 3, "3" },
    { 0, "0" },
    { 123456789.123456, "123456789.123456" },
    { 1e16, "1e+16" },
    { 1.5e300, "1.5e+300" },
    { -1, "null" },        /* a silent hop's rtt */
    { NAN, "null" },
    { INFINITY, "null" },
  };
  WvRecord r;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = hop_rtt_json (cases[i].v);

      g_assert_cmpstr (text, ==, cases[i].text);
    }

  /* A value exactly representable at 1 ns keeps all its digits. */
  make_stats_full (&r);
  r.stats.rtt_ms.p50 = 0.000123;
  {
    g_autofree char *line = wv_record_to_json (&r);

    g_assert_nonnull (strstr (line, "\"p50\":0.000123,"));
  }

  /* Times: rounded down to the millisecond, also before 1970. */
  {
    static const struct { gint64 ns; const char *text; } times[] = {
      { T0, "\"time\":1700000000.123," },
      { G_GINT64_CONSTANT (1700000000999999999), "\"time\":1700000000.999," },
      { 0, "\"time\":0.000," },
      { -1, "\"time\":-0.001," },
      { -SEC, "\"time\":-1.000," },
      { G_MAXINT64, "\"time\":9223372036.854," },
      { G_MININT64, "\"time\":-9223372036.855," },
    };

    for (guint i = 0; i < G_N_ELEMENTS (times); i++)
      {
        g_autofree char *line = NULL;
        g_autoptr(JsonNode) node = NULL;

        make_path_mtu (&r);
        r.time_ns = times[i].ns;
        line = wv_record_to_json (&r);
        if (strstr (line, times[i].text) == NULL)
          g_error ("%s: expected %s", line, times[i].text);
        node = parse_json (line);
      }
  }
}

/* Bad values in a record: never a crash, never invalid JSON. */
static void
test_json_invalid (void)
{
  WvRecord r;
  g_autofree char *line = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *obj;

  make_stats_full (&r);
  r.type = WV_N_RECORD_TYPES;
  g_assert_null (wv_record_to_json (&r));
  r.type = (WvRecordType) -1;
  g_assert_null (wv_record_to_json (&r));

  make_stats_full (&r);
  r.dir = (WvDirection) 7;
  r.stats.owd_mode = (WvOwdMode) 9;
  r.stats.dscp = 64;
  r.stats.rx.rx_ttl = 256;
  r.stats.rx.rx_tos = 1000;
  r.family = 5;
  line = wv_record_to_json (&r);
  node = parse_json (line);
  obj = json_node_get_object (node);
  g_assert_true (json_object_get_null_member (obj, "dir"));
  g_assert_true (json_object_get_null_member (obj, "owd_mode"));
  g_assert_true (json_object_get_null_member (obj, "dscp"));
  g_assert_true (json_object_get_null_member (obj, "dscp_name"));
  g_assert_true (json_object_get_null_member (obj, "rx_ttl"));
  g_assert_true (json_object_get_null_member (obj, "rx_tos"));
  g_assert_true (json_object_get_null_member (obj, "rx_dscp"));
  g_assert_cmpint (json_object_get_int_member (obj, "family"), ==, 5);

  /* No link has an MTU of 0. */
  {
    g_autofree char *mtu = NULL;
    g_autofree char *path_mtu = NULL;

    make_mtu (&r, 4, 1, "10.0.0.1", 0);
    mtu = wv_record_to_json (&r);
    g_assert_true (g_str_has_suffix (mtu, ",\"mtu\":null}"));
    make_path_mtu (&r);
    r.path_mtu.mtu = 0;
    path_mtu = wv_record_to_json (&r);
    g_assert_true (g_str_has_suffix (path_mtu, ",\"mtu\":null,\"confirmed\":true,\"at_least\":false}"));
  }

  /* Control characters in a string are escaped. */
  {
    g_autofree char *hop = NULL;
    g_autoptr(JsonNode) hop_node = NULL;

    make_hop (&r, T0, 4, 1, 1, "\x01\t\\x", 1, FALSE);
    hop = wv_record_to_json (&r);
    g_assert_nonnull (strstr (hop, "\"addr\":\"\\u0001\\t\\\\x\""));
    hop_node = parse_json (hop);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (hop_node), "addr"), ==,
                     "\x01\t\\x");
  }
}

/* Existing files are refused unless overwrite, and a refused CSV directory
 * is left as it was. */
static void
test_overwrite (void)
{
  g_autofree char *tmp = make_tmp_dir ();
  g_autofree char *json_path = g_build_filename (tmp, "run.jsonl", NULL);
  g_autofree char *csv_dir = g_build_filename (tmp, "csv", NULL);
  g_autofree char *hop_path = g_build_filename (csv_dir, "hop.csv", NULL);
  g_autofree char *stats_path = g_build_filename (csv_dir, "stats.csv", NULL);
  g_autofree char *summary_path = g_build_filename (csv_dir, "summary.csv", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  WvRecord r;

  make_path_mtu (&r);
  write_file (json_path, "old\n");

  {
    g_autoptr(WvOutput) o = wv_output_new ();

    g_assert_false (wv_output_add_json (o, json_path, FALSE, &error));
    g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_EXIST);
    g_assert_nonnull (strstr (error->message, json_path));
    g_clear_error (&error);
  }
  text = read_file (json_path);
  g_assert_cmpstr (text, ==, "old\n");
  g_clear_pointer (&text, g_free);

  /* A directory is no file to write, overwrite or not; a JSON file's
   * directory is not created. */
  {
    g_autoptr(WvOutput) o = wv_output_new ();
    g_autofree char *orphan = g_build_filename (tmp, "missing", "run.jsonl", NULL);

    g_assert_false (wv_output_add_json (o, tmp, TRUE, &error));
    g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_ISDIR);
    g_clear_error (&error);
    g_assert_false (wv_output_add_json (o, orphan, TRUE, &error));
    g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
    g_assert_nonnull (strstr (error->message, orphan));
    g_clear_error (&error);
  }

  {
    g_autoptr(WvOutput) o = wv_output_new ();
    g_autofree char *line = wv_record_to_json (&r);
    g_autofree char *want = g_strconcat (line, "\n", NULL);

    g_assert_true (wv_output_add_json (o, json_path, TRUE, &error));
    g_assert_no_error (error);
    g_assert_true (wv_output_write (o, &r, &error));
    g_assert_true (wv_output_close (o, &error));
    g_assert_no_error (error);
    text = read_file (json_path);
    g_assert_cmpstr (text, ==, want);
    g_clear_pointer (&text, g_free);
  }

  g_assert_cmpint (g_mkdir (csv_dir, 0777), ==, 0);
  write_file (hop_path, "keep\r\n");
  {
    g_autoptr(WvOutput) o = wv_output_new ();

    g_assert_false (wv_output_add_csv (o, csv_dir, FALSE, &error));
    g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_EXIST);
    g_assert_nonnull (strstr (error->message, "hop.csv"));
    g_clear_error (&error);
  }
  text = read_file (hop_path);
  g_assert_cmpstr (text, ==, "keep\r\n");
  g_clear_pointer (&text, g_free);
  /* The files this call had created before meeting hop.csv are gone. */
  g_assert_false (g_file_test (stats_path, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (summary_path, G_FILE_TEST_EXISTS));

  {
    g_autoptr(WvOutput) o = wv_output_new ();
    g_autoptr(GPtrArray) rows = NULL;

    g_assert_true (wv_output_add_csv (o, csv_dir, TRUE, &error));
    g_assert_no_error (error);
    g_assert_true (wv_output_close (o, &error));
    rows = read_csv (csv_dir, "hop.csv");
    g_assert_cmpuint (rows->len, ==, 1);
    check_csv_header (g_ptr_array_index (rows, 0), hop_silent_fields);
  }

  rm_rf (tmp);
}

/* A missing directory is created with its parents; every file starts with
 * its header and nothing else. A path that is a file cannot be a directory. */
static void
test_csv_mkdir (void)
{
  static const struct { const char *name; const Field *fields; } files[] = {
    { "stats.csv", stats_full_fields },
    { "summary.csv", summary_fields },
    { "hop.csv", hop_silent_fields },
    { "mtu.csv", mtu_v6_fields },
    { "path_mtu.csv", path_mtu_fields },
    { "outage.csv", outage_fields },
    { "lost.csv", lost_fields },
    { "verdict.csv", verdict_voice_fields },
    { "wifi.csv", wifi_fields },
  };
  g_autofree char *tmp = make_tmp_dir ();
  g_autofree char *dir = g_build_filename (tmp, "a", "b", "c", NULL);
  g_autofree char *file = g_build_filename (tmp, "plain", NULL);
  g_autofree char *under_file = g_build_filename (file, "csv", NULL);
  g_autoptr(GError) error = NULL;

  {
    g_autoptr(WvOutput) o = wv_output_new ();

    g_assert_true (wv_output_add_csv (o, dir, FALSE, &error));
    g_assert_no_error (error);
    /* The headers are on disk before any record or flush. */
    for (guint i = 0; i < G_N_ELEMENTS (files); i++)
      {
        g_autoptr(GPtrArray) rows = read_csv (dir, files[i].name);

        g_assert_cmpuint (rows->len, ==, 1);
        check_csv_header (g_ptr_array_index (rows, 0), files[i].fields);
      }
    g_assert_true (wv_output_close (o, &error));
    g_assert_no_error (error);
  }
  g_assert_true (g_file_test (dir, G_FILE_TEST_IS_DIR));

  {
    g_autoptr(WvOutput) o = wv_output_new ();

    write_file (file, "x");
    g_assert_false (wv_output_add_csv (o, file, FALSE, &error));
    g_assert_true (error != NULL && error->domain == G_FILE_ERROR);
    g_clear_error (&error);
    g_assert_false (wv_output_add_csv (o, under_file, FALSE, &error));
    g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOTDIR);
    g_clear_error (&error);
  }

  rm_rf (tmp);
}

/* /dev/full: the error comes once, with the file's name; the other output
 * gets every record; later calls fail cleanly. */
static void
test_error_dev_full (void)
{
  g_autofree char *tmp = NULL;
  g_autofree char *good_path = NULL;
  g_autoptr(WvOutput) o = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  WvRecord r;

  if (access ("/dev/full", W_OK) != 0)
    {
      g_test_skip ("/dev/full is not writable here");
      return;
    }

  tmp = make_tmp_dir ();
  good_path = g_build_filename (tmp, "good.jsonl", NULL);
  o = wv_output_new ();
  make_path_mtu (&r);

  /* A device is not a file to protect: no overwrite needed. */
  g_assert_true (wv_output_add_json (o, "/dev/full", FALSE, &error));
  g_assert_no_error (error);
  g_assert_true (wv_output_add_json (o, good_path, FALSE, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < 3; i++)
    {
      g_assert_true (wv_output_write (o, &r, &error));
      g_assert_no_error (error);
    }
  g_assert_false (wv_output_flush (o, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOSPC);
  g_assert_nonnull (strstr (error->message, "/dev/full"));
  g_clear_error (&error);

  g_assert_false (wv_output_write (o, &r, &error));
  g_assert_error (error, WV_OUTPUT_ERROR, WV_OUTPUT_ERROR_FAILED_EARLIER);
  g_assert_nonnull (strstr (error->message, "/dev/full"));
  g_clear_error (&error);
  g_assert_false (wv_output_flush (o, &error));
  g_assert_error (error, WV_OUTPUT_ERROR, WV_OUTPUT_ERROR_FAILED_EARLIER);
  g_clear_error (&error);
  g_assert_false (wv_output_close (o, &error));
  g_assert_error (error, WV_OUTPUT_ERROR, WV_OUTPUT_ERROR_FAILED_EARLIER);
  g_clear_error (&error);
  g_assert_false (wv_output_close (o, &error));
  g_assert_error (error, WV_OUTPUT_ERROR, WV_OUTPUT_ERROR_FAILED_EARLIER);
  g_clear_error (&error);

  text = read_file (good_path);
  lines = g_strsplit (text, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 5);
  for (guint i = 0; i < 4; i++)
    check_json_line (lines[i], path_mtu_fields);

  rm_rf (tmp);
}

/* A write that stops half way through a line (file size limit): the file
 * is cut back to its last complete line. */
static void
test_error_partial_line (void)
{
  g_autofree char *tmp = make_tmp_dir ();
  g_autofree char *path = g_build_filename (tmp, "limited.jsonl", NULL);
  g_autoptr(WvOutput) o = wv_output_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *want = NULL;
  g_autofree char *text = NULL;
  struct rlimit old_limit, limit;
  void (*old_handler) (int);
  gboolean flushed;
  gsize len;
  WvRecord r;

  make_stats_full (&r);
  line = wv_record_to_json (&r);
  len = strlen (line) + 1;
  want = g_strconcat (line, "\n", NULL);

  g_assert_true (wv_output_add_json (o, path, FALSE, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 3; i++)
    g_assert_true (wv_output_write (o, &r, &error));

  /* Room for one and a half lines; the limit is lifted before asserting. */
  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &old_limit), ==, 0);
  if (old_limit.rlim_cur != RLIM_INFINITY && old_limit.rlim_cur < 3 * len)
    {
      g_test_skip ("file size limit already below the test's needs");
      rm_rf (tmp);
      return;
    }
  limit = old_limit;
  limit.rlim_cur = len + len / 2;
  old_handler = signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);
  flushed = wv_output_flush (o, &error);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &old_limit), ==, 0);
  signal (SIGXFSZ, old_handler);

  g_assert_false (flushed);
  /* GFileError has no code for EFBIG. */
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, path));
  g_clear_error (&error);

  text = read_file (path);
  g_assert_cmpstr (text, ==, want);

  g_assert_false (wv_output_close (o, &error));
  g_assert_error (error, WV_OUTPUT_ERROR, WV_OUTPUT_ERROR_FAILED_EARLIER);
  g_clear_pointer (&text, g_free);
  text = read_file (path);
  g_assert_cmpstr (text, ==, want);

  rm_rf (tmp);
}

/* Points fd 1 at fd for the duration; returns the saved copy. Nothing may
 * print through the test framework until restore_stdout(). */
static int
redirect_stdout (int fd)
{
  int saved;

  fflush (stdout);
  saved = dup (STDOUT_FILENO);
  g_assert_cmpint (saved, >=, 0);
  g_assert_cmpint (dup2 (fd, STDOUT_FILENO), ==, STDOUT_FILENO);
  return saved;
}

static void
restore_stdout (int saved)
{
  fflush (stdout);
  g_assert_cmpint (dup2 (saved, STDOUT_FILENO), ==, STDOUT_FILENO);
  close (saved);
}

/* "-": standard output, in order with what the program printed through
 * stdio before, and left open. */
static void
test_stdout (void)
{
  g_autofree char *tmp = make_tmp_dir ();
  g_autofree char *path = g_build_filename (tmp, "stdout.txt", NULL);
  g_autoptr(WvOutput) o = wv_output_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *line = NULL;
  g_autofree char *want = NULL;
  gboolean added, written, closed, still_open;
  int fd, saved;
  WvRecord r;

  make_hop (&r, T0, 6, 1, 2, "fe80::1", 0.5, TRUE);
  line = wv_record_to_json (&r);
  want = g_strconcat ("printed first\n", line, "\n", line, "\n", NULL);

  fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  g_assert_cmpint (fd, >=, 0);
  saved = redirect_stdout (fd);
  fputs ("printed first\n", stdout);   /* still in stdio's buffer */
  added = wv_output_add_json (o, "-", FALSE, &error);
  written = added && wv_output_write (o, &r, &error) && wv_output_write (o, &r, &error);
  closed = written && wv_output_close (o, &error);
  still_open = fcntl (STDOUT_FILENO, F_GETFD) >= 0;
  restore_stdout (saved);
  close (fd);

  g_assert_no_error (error);
  g_assert_true (added && written && closed);
  g_assert_true (still_open);
  text = read_file (path);
  g_assert_cmpstr (text, ==, want);

  rm_rf (tmp);
}

/* Standard output is a pipe whose reader went away: an error, and the
 * process lives on (SIGPIPE left at its default, which would kill it). */
static void
test_stdout_closed_pipe (void)
{
  g_autoptr(WvOutput) o = wv_output_new ();
  g_autoptr(GError) error = NULL;
  void (*old_handler) (int);
  gboolean added, flushed;
  sigset_t pending;
  int fds[2], saved;
  WvRecord r;

  make_path_mtu (&r);
  g_assert_cmpint (pipe (fds), ==, 0);
  close (fds[0]);
  old_handler = signal (SIGPIPE, SIG_DFL);

  saved = redirect_stdout (fds[1]);
  added = wv_output_add_json (o, "-", FALSE, &error);
  flushed = added && wv_output_write (o, &r, &error) && wv_output_flush (o, &error);
  restore_stdout (saved);
  close (fds[1]);

  g_assert_true (added);
  g_assert_false (flushed);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_PIPE);
  g_assert_nonnull (strstr (error->message, "standard output"));
  g_clear_error (&error);
  g_assert_cmpint (sigpending (&pending), ==, 0);
  g_assert_false (sigismember (&pending, SIGPIPE));
  signal (SIGPIPE, old_handler);

  g_assert_false (wv_output_write (o, &r, &error));
  g_assert_error (error, WV_OUTPUT_ERROR, WV_OUTPUT_ERROR_FAILED_EARLIER);
}

/* RFC 4180 quoting, byte for byte: only fields with a comma, a quote, CR or
 * LF are quoted; quotes are doubled. */
static void
test_csv_quoting (void)
{
  static const struct { const char *addr; const char *field; } cases[] = {
    { "2001:db8::1", "2001:db8::1" },
    { "p,q", "\"p,q\"" },
    { "say \"hi\"", "\"say \"\"hi\"\"\"" },
    { "cr\rx", "\"cr\rx\"" },
    { "lf\nx", "\"lf\nx\"" },
    { " spaced ", " spaced " },
    { "", "" },
  };
  g_autofree char *tmp = make_tmp_dir ();
  g_autofree char *path = g_build_filename (tmp, "hop.csv", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) want = g_string_new ("time_unix_s,time_utc,conn,family,dir,round,ttl,addr,rtt_ms,reached,"
                                             "rx_tos,rx_dscp,rx_dscp_name,tos,dscp,dscp_name\r\n");
  g_autofree char *text = NULL;
  WvRecord records[G_N_ELEMENTS (cases)];

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      make_hop (&records[i], T0, 6, 1, i + 1, cases[i].addr, 1.25, FALSE);
      g_string_append_printf (want, "1700000000.123,2023-11-14 22:13:20.123,0,6,c2s,1,%u,%s,1.25,false,,,,,,\r\n",
                              i + 1, cases[i].field);
    }
  g_assert_true (wv_output_write_csv_files (tmp, records, G_N_ELEMENTS (cases), FALSE, &error));
  g_assert_no_error (error);
  text = read_file (path);
  g_assert_cmpstr (text, ==, want->str);

  rm_rf (tmp);
}

/* A server's output names the client of every record: "client" and
 * "client_label" after "dir", in JSON and as CSV columns; an unknown
 * client leaves them null / empty. A client-less output ignores them. */
static void
test_per_client (void)
{
  const WvOutputClient phone = { "2001:db8::20", "Phone, \"kitchen\"" };
  g_autofree char *tmp = make_tmp_dir ();
  g_autofree char *json_path = g_build_filename (tmp, "records.jsonl", NULL);
  g_autofree char *csv_dir = g_build_filename (tmp, "csv", NULL);
  g_autofree char *hop_path = g_build_filename (csv_dir, "hop.csv", NULL);
  g_autofree char *stats_path = g_build_filename (csv_dir, "stats.csv", NULL);
  g_autofree char *json = NULL, *hop_csv = NULL, *stats_csv = NULL, *one = NULL, *plain = NULL;
  g_autoptr(GError) error = NULL;
  WvOutput *o = wv_output_new ();
  WvRecord hop, stats;

  make_hop (&hop, T0, 6, 1, 3, "2001:db8::1", 1.25, FALSE);
  make_stats_empty (&stats);
  wv_output_set_per_client (o, TRUE);
  g_assert_true (wv_output_add_json (o, json_path, FALSE, &error));
  g_assert_true (wv_output_add_csv (o, csv_dir, FALSE, &error));
  g_assert_no_error (error);
  g_assert_true (wv_output_write_for_client (o, &hop, &phone, &error));
  g_assert_true (wv_output_write_for_client (o, &hop, NULL, &error));
  g_assert_true (wv_output_write (o, &stats, &error));
  g_assert_true (wv_output_close (o, &error));
  g_assert_no_error (error);
  wv_output_free (o);

  json = read_file (json_path);
  g_assert_true (g_str_has_prefix (json,
                 "{\"type\":\"hop\",\"time\":1700000000.123,\"conn\":0,\"family\":6,\"dir\":\"c2s\","
                 "\"client\":\"2001:db8::20\",\"client_label\":\"Phone, \\\"kitchen\\\"\","
                 "\"round\":1,\"ttl\":3,\"addr\":\"2001:db8::1\",\"rtt_ms\":1.25,\"reached\":false,"
                 "\"rx_tos\":null,\"rx_dscp\":null,\"rx_dscp_name\":null,"
                 "\"tos\":null,\"dscp\":null,\"dscp_name\":null}\n"
                 "{\"type\":\"hop\",\"time\":1700000000.123,\"conn\":0,\"family\":6,\"dir\":\"c2s\","
                 "\"client\":null,\"client_label\":null,\"round\":1,"));
  g_assert_nonnull (strstr (json, "\"dir\":\"s2c\",\"client\":null,\"client_label\":null,\"window_s\":10,"));
  hop_csv = read_file (hop_path);
  g_assert_cmpstr (hop_csv, ==,
                   "time_unix_s,time_utc,conn,family,dir,client,client_label,round,ttl,addr,rtt_ms,reached,"
                   "rx_tos,rx_dscp,rx_dscp_name,tos,dscp,dscp_name\r\n"
                   "1700000000.123,2023-11-14 22:13:20.123,0,6,c2s,2001:db8::20,\"Phone, \"\"kitchen\"\"\",1,3,2001:db8::1,1.25,false,,,,,,\r\n"
                   "1700000000.123,2023-11-14 22:13:20.123,0,6,c2s,,,1,3,2001:db8::1,1.25,false,,,,,,\r\n");
  stats_csv = read_file (stats_path);
  g_assert_true (g_str_has_prefix (stats_csv, "time_unix_s,time_utc,conn,family,dir,client,client_label,window_s,"));

  one = wv_record_to_json_for_client (&hop, &phone);
  g_assert_nonnull (strstr (one, "\"dir\":\"c2s\",\"client\":\"2001:db8::20\",\"client_label\":"));
  /* Without per-client, no client fields even when one is given. */
  o = wv_output_new ();
  g_free (json_path);
  json_path = g_build_filename (tmp, "plain.jsonl", NULL);
  g_assert_true (wv_output_add_json (o, json_path, FALSE, &error));
  g_assert_true (wv_output_write_for_client (o, &hop, &phone, &error));
  g_assert_true (wv_output_close (o, &error));
  wv_output_free (o);
  plain = read_file (json_path);
  g_assert_null (strstr (plain, "client"));

  rm_rf (tmp);
}

/* The GTK app's export: same files, same refusal rules. */
static void
test_csv_export (void)
{
  g_autofree char *tmp = make_tmp_dir ();
  g_autofree char *dir = g_build_filename (tmp, "export", NULL);
  g_autoptr(GError) error = NULL;
  WvRecord records[N_RECORDS];
  const Field *fields[N_RECORDS];

  make_all (records, fields);

  g_assert_true (wv_output_write_csv_files (dir, records, N_RECORDS, FALSE, &error));
  g_assert_no_error (error);
  check_csv_dir (dir, records, fields, N_RECORDS);

  g_assert_false (wv_output_write_csv_files (dir, records, N_RECORDS, FALSE, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_EXIST);
  g_clear_error (&error);
  check_csv_dir (dir, records, fields, N_RECORDS);

  /* Overwrite with fewer records: the old rows are gone. */
  g_assert_true (wv_output_write_csv_files (dir, records + 3, 3, TRUE, &error));
  g_assert_no_error (error);
  check_csv_dir (dir, records + 3, fields + 3, 3);

  g_assert_true (wv_output_write_csv_files (dir, NULL, 0, TRUE, &error));
  g_assert_no_error (error);
  check_csv_dir (dir, NULL, NULL, 0);

  records[1].type = (WvRecordType) 42;
  g_assert_false (wv_output_write_csv_files (dir, records, N_RECORDS, TRUE, &error));
  g_assert_error (error, WV_OUTPUT_ERROR, WV_OUTPUT_ERROR_INVALID_RECORD);
  g_clear_error (&error);

  rm_rf (tmp);
}

/* Freeing without closing still writes what was queued; the buffer is
 * written out on its own when it fills. */
static void
test_free_and_buffer (void)
{
  g_autofree char *tmp = make_tmp_dir ();
  g_autofree char *path = g_build_filename (tmp, "run.jsonl", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *text = NULL;
  WvOutput *o = wv_output_new ();
  struct stat st;
  guint n = 0;
  WvRecord r;

  make_stats_full (&r);
  line = wv_record_to_json (&r);

  g_assert_true (wv_output_add_json (o, path, FALSE, &error));
  while ((n + 1) * (strlen (line) + 1) < WV_OUTPUT_BUFFER_SIZE)
    {
      g_assert_true (wv_output_write (o, &r, &error));
      n++;
    }
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_size, ==, 0);
  g_assert_true (wv_output_write (o, &r, &error));
  n++;
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_size, ==, (goffset) (n * (strlen (line) + 1)));
  g_assert_true (wv_output_write (o, &r, &error));
  n++;
  wv_output_free (o);

  text = read_file (path);
  g_assert_cmpuint (strlen (text), ==, n * (strlen (line) + 1));

  rm_rf (tmp);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/output/round-trip", test_round_trip);
  g_test_add_func ("/output/json/exact", test_json_exact);
  g_test_add_func ("/output/json/numbers", test_json_numbers);
  g_test_add_func ("/output/json/invalid", test_json_invalid);
  g_test_add_func ("/output/overwrite", test_overwrite);
  g_test_add_func ("/output/csv/mkdir", test_csv_mkdir);
  g_test_add_func ("/output/csv/quoting", test_csv_quoting);
  g_test_add_func ("/output/csv/export", test_csv_export);
  g_test_add_func ("/output/error/dev-full", test_error_dev_full);
  g_test_add_func ("/output/error/partial-line", test_error_partial_line);
  g_test_add_func ("/output/stdout", test_stdout);
  g_test_add_func ("/output/stdout-closed-pipe", test_stdout_closed_pipe);
  g_test_add_func ("/output/free-and-buffer", test_free_and_buffer);
  g_test_add_func ("/output/per-client", test_per_client);

  return g_test_run ();
}
