/* wv-output.c: measurement records as JSON lines and CSV files
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One description of each record type (emit_record) drives all three forms:
 * the JSON object, the CSV row and the CSV header, so a field cannot be in
 * one and missing from another.
 *
 * JSON is written here rather than with JsonGenerator: json-glib 1.6 prints
 * doubles with %.17g (12.345 comes out as 12.345000000000001) and NaN as
 * "nan.0", which is not JSON. Numbers are written with at most six decimals
 * (1 ns in millisecond values) and no exponent below 1e15; strings are made
 * valid UTF-8 and escaped. The tests parse the result back with json-glib.
 *
 * Files are written with write(2) from our own buffer, not stdio, so that we
 * know how much of it reached the file when a write fails and can cut a
 * regular file back to its last complete line.
 */

#define G_LOG_DOMAIN "wv-output"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "wv-dscp.h"
#include "wv-output.h"
#include "wv-verdict.h"

G_DEFINE_QUARK (wv-output-error-quark, wv_output_error)

#define NS_PER_MS G_GINT64_CONSTANT (1000000)

/* ------------------------------------------------------------------------ */
/* Values                                                                   */

/* Locale-independent (the GTK app calls setlocale()), at most six decimals
 * with trailing zeros removed, so 12.345 stays "12.345". Only magnitudes
 * that no measurement reaches fall back to the exponent form. */
static void
append_number (GString *out, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (fabs (v) < 1e15)
    {
      char *end;

      g_ascii_formatd (buf, sizeof buf, "%.6f", v);
      end = buf + strlen (buf);
      while (end[-1] == '0')
        end--;
      if (end[-1] == '.')
        end--;
      *end = '\0';
      if (strcmp (buf, "-0") == 0)
        strcpy (buf, "0");
    }
  else
    {
      g_ascii_formatd (buf, sizeof buf, "%.15g", v);
      if (g_ascii_strtod (buf, NULL) != v)
        g_ascii_formatd (buf, sizeof buf, "%.17g", v);
    }
  g_string_append (out, buf);
}

/* Times are rounded down to the millisecond (C division rounds towards 0). */
static gint64
floor_ms (gint64 time_ns)
{
  return time_ns / NS_PER_MS - (time_ns % NS_PER_MS < 0 ? 1 : 0);
}

/* Unix time in seconds with exactly three decimals. */
static void
append_unix_time (GString *out, gint64 time_ns)
{
  gint64 ms = floor_ms (time_ns);
  guint64 mag = ms < 0 ? (guint64) 0 - (guint64) ms : (guint64) ms;

  g_string_append_printf (out, "%s%" G_GUINT64_FORMAT ".%03u",
                          ms < 0 ? "-" : "", mag / 1000, (guint) (mag % 1000));
}

/* "YYYY-MM-DD HH:MM:SS.mmm" in UTC, a form spreadsheets recognise as a date;
 * nothing if the time is out of gmtime's range. */
static void
append_utc_time (GString *out, gint64 time_ns)
{
  gint64 ms = floor_ms (time_ns);
  gint64 sec = ms / 1000 - (ms % 1000 < 0 ? 1 : 0);
  time_t t = (time_t) sec;
  struct tm tm;

  if (gmtime_r (&t, &tm) == NULL)
    return;
  g_string_append_printf (out, "%04d-%02d-%02d %02d:%02d:%02d.%03d",
                          tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                          tm.tm_hour, tm.tm_min, tm.tm_sec, (int) (ms - sec * 1000));
}

static void
append_json_string (GString *out, const char *s, gsize len)
{
  g_autofree char *valid = g_utf8_make_valid (s, (gssize) len);

  g_string_append_c (out, '"');
  for (const char *p = valid; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      switch (c)
        {
        case '"':  g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:
          if (c < 0x20)
            g_string_append_printf (out, "\\u%04x", c);
          else
            g_string_append_c (out, (char) c);
        }
    }
  g_string_append_c (out, '"');
}

/* RFC 4180: a field with a comma, quote, CR or LF is quoted, with its quotes
 * doubled. */
static void
append_csv_string (GString *out, const char *s, gsize len)
{
  g_autofree char *valid = g_utf8_make_valid (s, (gssize) len);

  if (strpbrk (valid, ",\"\r\n") == NULL)
    {
      g_string_append (out, valid);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = valid; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

/* ------------------------------------------------------------------------ */
/* Emitting fields                                                          */

/* Every field has a JSON key and a CSV column name; NULL leaves it out of
 * that form. Values are written as JSON, as CSV fields, or (header) only
 * the column names are. */
typedef enum {
  EMIT_JSON,
  EMIT_CSV,
  EMIT_CSV_HEADER,
} EmitMode;

typedef struct {
  GString *out;
  EmitMode mode;
  guint n;            /* fields written so far, for the separators */
  const WvOutputClient *client;   /* per-client output: its fields; else NULL */
} Emit;

/* Writes the separator and the key or column name. TRUE when the caller is
 * to write the value. */
static gboolean
emit_begin (Emit *e, const char *json_key, const char *csv_name)
{
  const char *name = e->mode == EMIT_JSON ? json_key : csv_name;

  if (name == NULL)
    return FALSE;
  if (e->n++ > 0)
    g_string_append_c (e->out, ',');
  switch (e->mode)
    {
    case EMIT_JSON:
      g_string_append_printf (e->out, "\"%s\":", name);
      return TRUE;
    case EMIT_CSV:
      return TRUE;
    case EMIT_CSV_HEADER:
    default:
      g_string_append (e->out, name);
      return FALSE;
    }
}

static void
put_null (Emit *e)
{
  if (e->mode == EMIT_JSON)
    g_string_append (e->out, "null");
}

/* Non-finite values are unknown too. */
static void
emit_double (Emit *e, const char *json_key, const char *csv_name, double v, gboolean known)
{
  if (!emit_begin (e, json_key, csv_name))
    return;
  if (known && isfinite (v))
    append_number (e->out, v);
  else
    put_null (e);
}

static void
emit_int (Emit *e, const char *json_key, const char *csv_name, gint64 v, gboolean known)
{
  if (!emit_begin (e, json_key, csv_name))
    return;
  if (known)
    g_string_append_printf (e->out, "%" G_GINT64_FORMAT, v);
  else
    put_null (e);
}

static void
emit_uint (Emit *e, const char *json_key, const char *csv_name, guint64 v)
{
  if (emit_begin (e, json_key, csv_name))
    g_string_append_printf (e->out, "%" G_GUINT64_FORMAT, v);
}

static void
emit_uint64 (Emit *e, const char *json_key, const char *csv_name, guint64 v, gboolean known)
{
  if (!emit_begin (e, json_key, csv_name))
    return;
  if (known)
    g_string_append_printf (e->out, "%" G_GUINT64_FORMAT, v);
  else
    put_null (e);
}

static void
emit_bool (Emit *e, const char *json_key, const char *csv_name, gboolean v)
{
  if (emit_begin (e, json_key, csv_name))
    g_string_append (e->out, v ? "true" : "false");
}

/* s[0 .. len-1], or null for NULL or an empty string. */
static void
emit_string_len (Emit *e, const char *json_key, const char *csv_name, const char *s, gsize len)
{
  if (!emit_begin (e, json_key, csv_name))
    return;
  if (s == NULL || len == 0)
    put_null (e);
  else if (e->mode == EMIT_JSON)
    append_json_string (e->out, s, len);
  else
    append_csv_string (e->out, s, len);
}

static void
emit_string (Emit *e, const char *json_key, const char *csv_name, const char *s)
{
  emit_string_len (e, json_key, csv_name, s, s != NULL ? strlen (s) : 0);
}

/* addr is a fixed array that bad input may leave without its NUL. */
static void
emit_addr (Emit *e, const char *addr, gsize size)
{
  emit_string_len (e, "addr", "addr", addr, strnlen (addr, size));
}

static void
emit_time (Emit *e, gint64 time_ns)
{
  if (emit_begin (e, "time", "time_unix_s"))
    append_unix_time (e->out, time_ns);
  if (emit_begin (e, NULL, "time_utc"))
    append_utc_time (e->out, time_ns);
}

/* JSON: "<prefix>_<unit>":{"min":..,"p50","p99","max","mean","n"};
 * CSV: <prefix>_min_<unit> .. <prefix>_mean_<unit>, <prefix>_n. An empty
 * summary (n == 0) has null values and n 0. */
static void
emit_summary (Emit *e, const char *prefix, const char *unit, const WvSummary *s)
{
  static const char *const keys[] = { "min", "p50", "p99", "max", "mean" };
  const double values[] = { s->min, s->p50, s->p99, s->max, s->mean };
  char name[64];

  if (e->mode == EMIT_JSON)
    {
      Emit sub = { e->out, EMIT_JSON, 0 };

      g_snprintf (name, sizeof name, "%s_%s", prefix, unit);
      emit_begin (e, name, NULL);
      g_string_append_c (e->out, '{');
      for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
        emit_double (&sub, keys[i], NULL, values[i], s->n > 0);
      emit_uint (&sub, "n", NULL, s->n);
      g_string_append_c (e->out, '}');
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_snprintf (name, sizeof name, "%s_%s_%s", prefix, keys[i], unit);
      emit_double (e, NULL, name, values[i], s->n > 0);
    }
  g_snprintf (name, sizeof name, "%s_n", prefix);
  emit_uint (e, NULL, name, s->n);
}

/* "wire" when every sample was timed wire to wire, "app" when none was,
 * "mixed" otherwise; unknown without samples. */
static const char *
timing_name (guint wire, guint n)
{
  if (n == 0)
    return NULL;
  if (wire >= n)
    return "wire";
  return wire == 0 ? "app" : "mixed";
}

/* "tos" / "dscp" / "dscp_name" triples (with a prefix such as "rx_") of a
 * TOS byte that may be unknown. */
static void
emit_tos (Emit *e, const char *prefix, gboolean known, guint tos)
{
  char tos_key[32], dscp_key[32], name_key[32];

  g_snprintf (tos_key, sizeof tos_key, "%stos", prefix);
  g_snprintf (dscp_key, sizeof dscp_key, "%sdscp", prefix);
  g_snprintf (name_key, sizeof name_key, "%sdscp_name", prefix);
  emit_int (e, tos_key, tos_key, tos, known);
  emit_int (e, dscp_key, dscp_key, tos >> 2, known);
  emit_string (e, name_key, name_key, known ? wv_dscp_name ((int) (tos >> 2)) : NULL);
}

static void
emit_verdict (Emit *e, const WvVerdictRecord *v)
{
  gboolean dscp_known = v->dscp >= 0 && v->dscp <= 63;
  gboolean voice = v->profile == WV_PROFILE_VOICE;

  emit_string (e, "scope", "scope", v->run ? "run" : "direction");
  emit_int (e, "dscp", "dscp", v->dscp, dscp_known);
  emit_string (e, "dscp_name", "dscp_name", dscp_known ? wv_dscp_name (v->dscp) : NULL);
  emit_string (e, "profile", "profile", wv_profile_to_string (v->profile));
  emit_string (e, "grade", "grade", wv_grade_to_string (v->grade));
  emit_string (e, "metric", "metric", wv_verdict_metric_to_string (v->metric));
  emit_double (e, "value", "value", v->value, v->metric != WV_VERDICT_METRIC_NONE);
  emit_double (e, "threshold", "threshold", v->threshold, v->metric != WV_VERDICT_METRIC_NONE);
  emit_double (e, "r_factor", "r_factor", v->r_factor, voice);
  emit_double (e, "mos", "mos", v->mos, voice);
  emit_string (e, "band", "band", voice && isfinite (v->r_factor) ? wv_r_factor_band (v->r_factor) : NULL);
  emit_double (e, "delay_ms", "delay_ms", v->delay_ms, TRUE);
  emit_string (e, "delay_source", "delay_source",
               isfinite (v->delay_ms) ? (v->delay_from_rtt ? "rtt" : "owd") : NULL);
  emit_double (e, "loss_pct", "loss_pct", v->loss_pct, TRUE);
  emit_uint (e, "outages", "outages", v->outages);
  emit_double (e, "outage_max_s", "outage_max_s", v->outage_max_s, v->outages > 0);
}

static void
emit_wifi (Emit *e, const WvWifiRecord *w)
{
  gsize iface_len = strnlen (w->iface, sizeof w->iface);
  gsize bssid_len = strnlen (w->bssid, sizeof w->bssid);

  emit_string_len (e, "iface", "iface", w->iface, iface_len == sizeof w->iface ? 0 : iface_len);
  /* An SSID is bytes; invalid UTF-8 comes out as U+FFFD. */
  emit_string_len (e, "ssid", "ssid", (const char *) w->ssid, MIN (w->ssid_len, WV_SSID_MAX));
  emit_string_len (e, "bssid", "bssid", w->bssid, bssid_len == sizeof w->bssid ? 0 : bssid_len);
  emit_int (e, "frequency_mhz", "frequency_mhz", w->frequency_mhz, w->frequency_mhz > 0);
  emit_string (e, "band", "band", wv_wifi_band (w->frequency_mhz));
  emit_int (e, "channel", "channel", w->channel, w->channel > 0);
  emit_int (e, "signal_pct", "signal_pct", w->signal_pct, w->signal_pct >= 0 && w->signal_pct <= 100);
  emit_double (e, "bitrate_mbps", "bitrate_mbps", w->bitrate_kbps / 1000.0, w->bitrate_kbps > 0);
  emit_bool (e, "roamed", "roamed", w->roamed);
}

static void
emit_stats (Emit *e, const WvRecord *r)
{
  const WvStatsRecord *st = &r->stats;
  const WvRxRecord *rx = &st->rx;
  gboolean tos_known = rx->rx_tos >= 0 && rx->rx_tos <= 255;
  gboolean dscp_known = st->dscp >= 0 && st->dscp <= 63;
  int rx_dscp = tos_known ? rx->rx_tos >> 2 : -1;

  if (r->type == WV_RECORD_SUMMARY)
    {
      emit_int (e, "window_s", NULL, 0, FALSE);
      emit_double (e, "duration_s", "duration_s", st->duration_s, st->duration_s >= 0);
      emit_uint64 (e, "probes_sent", "probes_sent", st->probes_sent, !st->tx_missing);
    }
  else
    {
      emit_uint (e, "window_s", "window_s", st->window_s);
    }
  emit_uint64 (e, "probes", "probes", rx->probes, !st->rx_missing);
  emit_uint64 (e, "expected", "expected", rx->expected, !st->rx_missing);
  emit_summary (e, "rtt", "ms", &st->rtt_ms);
  emit_summary (e, "owd", "ms", &rx->owd_ms);
  emit_summary (e, "delay_dev", "ms", &rx->delay_dev_ms);
  /* The stats core reports 0 before its first delay sample. */
  emit_double (e, "baseline_ms", "baseline_ms", rx->baseline_ms,
               rx->owd_ms.n > 0 || rx->baseline_ms != 0);
  /* Rates whose denominator is zero are unknown, not 0: a window in an
   * outage has no probe and nothing expected, and must not read "0 % loss". */
  emit_double (e, "jitter_ms", "jitter_ms", rx->jitter_ms, rx->probes > 0);
  emit_summary (e, "ipdv", "ms", &rx->ipdv_ms);
  emit_double (e, "loss_pct", "loss_pct", rx->loss_pct, rx->expected > 0);
  emit_double (e, "reorder_pct", "reorder_pct", rx->reorder_pct, rx->probes > 0);
  /* dup_pct's denominator is probes + duplicates, and duplicates > 0 make it > 0. */
  emit_double (e, "dup_pct", "dup_pct", rx->dup_pct, rx->probes > 0 || rx->dup_pct > 0);
  emit_double (e, "throughput_bps", "throughput_bps", rx->throughput_bps, TRUE);
  emit_int (e, "rx_ttl", "rx_ttl", rx->rx_ttl, rx->rx_ttl >= 0 && rx->rx_ttl <= 255);
  emit_int (e, "rx_tos", "rx_tos", rx->rx_tos, tos_known);
  emit_int (e, "rx_dscp", "rx_dscp", rx_dscp, tos_known);
  emit_string (e, "rx_dscp_name", "rx_dscp_name", wv_dscp_name (rx_dscp));
  emit_int (e, "dscp", "dscp", st->dscp, dscp_known);
  emit_string (e, "dscp_name", "dscp_name", dscp_known ? wv_dscp_name (st->dscp) : NULL);
  emit_bool (e, "remarked", "remarked", st->remarked);
  emit_string (e, "owd_mode", "owd_mode",
               st->owd_mode == WV_OWD_SYNCED || st->owd_mode == WV_OWD_OFFSET_ESTIMATED
               ? wv_owd_mode_to_string (st->owd_mode) : NULL);
  emit_double (e, "clock_error_ms", "clock_error_ms", st->clock_error_ms, st->clock_error_ms >= 0);
  emit_double (e, "sched_err_p99_ms", "sched_err_p99_ms", st->sched_err_p99_ms,
               st->sched_err_p99_ms >= 0);
  /* Added later, so at the end: the |D| whose mean jitter_ms is. */
  emit_summary (e, "jitter_d", "ms", &rx->jitter_d_ms);
  /* Where the delay samples' times come from, and our own stacks apart. */
  emit_string (e, "timing", "timing", timing_name (rx->wire_samples, rx->owd_ms.n));
  emit_uint (e, "wire_samples", "wire_samples", rx->wire_samples);
  emit_uint (e, "untimed", "untimed", rx->untimed);
  emit_string (e, "rtt_timing", "rtt_timing", timing_name (st->rtt_wire_samples, st->rtt_ms.n));
  emit_uint (e, "rtt_wire_samples", "rtt_wire_samples", st->rtt_wire_samples);
  emit_summary (e, "stack_send", "ms", &rx->stack_send_ms);
  emit_summary (e, "stack_recv", "ms", &rx->stack_recv_ms);
  emit_double (e, "skew_ppm", "skew_ppm", st->skew_ppm, isfinite (st->skew_ppm));
  if (r->type == WV_RECORD_SUMMARY)
    {
      emit_bool (e, "peer_lost", "peer_lost", st->peer_lost);
      emit_bool (e, "complete", "complete", !st->rx_missing && !st->rx_partial && !st->tx_missing);
      emit_string (e, "expected_from", "expected_from",
                   st->rx_missing ? NULL : wv_expected_source_to_string (st->expected_source));
    }
}

/* A time other than the record's own: Unix seconds with three decimals in
 * JSON and in CSV's NAME_unix_s; unknown when 0. */
static void
emit_other_time (Emit *e, const char *json_key, const char *csv_name, gint64 time_ns)
{
  if (!emit_begin (e, json_key, csv_name))
    return;
  if (time_ns != 0)
    append_unix_time (e->out, time_ns);
  else
    put_null (e);
}

static void
emit_outage (Emit *e, const WvOutageRecord *o)
{
  gboolean closed = o->end_ns != 0;

  emit_other_time (e, "start", "start_unix_s", o->start_ns);
  emit_other_time (e, "end", "end_unix_s", o->end_ns);
  emit_double (e, "duration_s", "duration_s", (o->end_ns - o->start_ns) / 1e9, closed);
  emit_uint64 (e, "probes_lost", "probes_lost", o->probes_lost, closed);
}

/* r->type must be in range. */
static void
emit_record (Emit *e, const WvRecord *r)
{
  emit_string (e, "type", NULL, wv_record_type_to_string (r->type));
  emit_time (e, r->time_ns);
  if (r->type == WV_RECORD_WIFI)
    {
      /* The link belongs to the host, not to a connection. */
      emit_int (e, "conn", "conn", 0, FALSE);
      emit_int (e, "family", "family", 0, FALSE);
      emit_string (e, "dir", "dir", NULL);
    }
  else
    {
      emit_uint (e, "conn", "conn", r->conn);
      emit_int (e, "family", "family", r->family, TRUE);
      emit_string (e, "dir", "dir",
                   r->dir == WV_DIR_C2S || r->dir == WV_DIR_S2C ? wv_direction_to_string (r->dir) : NULL);
    }
  if (e->client)
    {
      emit_string (e, "client", "client", e->client->address);
      emit_string (e, "client_label", "client_label", e->client->label);
    }

  switch (r->type)
    {
    case WV_RECORD_STATS:
    case WV_RECORD_SUMMARY:
      emit_stats (e, r);
      break;

    case WV_RECORD_HOP:
      emit_uint (e, "round", "round", r->hop.round);
      emit_uint (e, "ttl", "ttl", r->hop.ttl);
      emit_addr (e, r->hop.addr, sizeof r->hop.addr);
      emit_double (e, "rtt_ms", "rtt_ms", r->hop.rtt_ms, r->hop.rtt_ms >= 0);
      emit_bool (e, "reached", "reached", r->hop.reached);
      emit_tos (e, "rx_", r->hop.has_rx_tos, r->hop.rx_tos);
      emit_tos (e, "", r->hop.has_tos, r->hop.tos);
      break;

    case WV_RECORD_MTU:
      emit_uint (e, "hop", "hop", r->mtu.hop);
      emit_addr (e, r->mtu.addr, sizeof r->mtu.addr);
      /* No link has an MTU of 0: it can only mean "not found". */
      emit_int (e, "mtu", "mtu_bytes", r->mtu.mtu, r->mtu.mtu > 0);
      break;

    case WV_RECORD_PATH_MTU:
      emit_int (e, "mtu", "mtu_bytes", r->path_mtu.mtu, r->path_mtu.mtu > 0);
      emit_bool (e, "confirmed", "confirmed", r->path_mtu.confirmed);
      emit_bool (e, "at_least", "at_least", r->path_mtu.at_least);
      break;

    case WV_RECORD_OUTAGE:
      emit_outage (e, &r->outage);
      break;

    case WV_RECORD_LOST:
      emit_other_time (e, "last_rx", "last_rx_unix_s", r->lost.last_rx_ns);
      emit_double (e, "timeout_s", "timeout_s", r->lost.timeout_s, TRUE);
      break;

    case WV_RECORD_VERDICT:
      emit_verdict (e, &r->verdict);
      break;

    case WV_RECORD_WIFI:
      emit_wifi (e, &r->wifi);
      break;

    case WV_N_RECORD_TYPES:
    default:
      g_assert_not_reached ();
    }
}

static gboolean
record_type_valid (WvRecordType type)
{
  return (guint) type < WV_N_RECORD_TYPES;
}

/* A per-client output with an unknown client still has the fields. */
static const WvOutputClient no_client = { NULL, NULL };

static void
append_json_line (GString *out, const WvRecord *r, const WvOutputClient *client)
{
  Emit e = { out, EMIT_JSON, 0, client };

  g_string_append_c (out, '{');
  emit_record (&e, r);
  g_string_append_c (out, '}');
}

/* CSV rows end in CRLF, as RFC 4180 says. */
static void
append_csv_row (GString *out, const WvRecord *r, gboolean header, const WvOutputClient *client)
{
  Emit e = { out, header ? EMIT_CSV_HEADER : EMIT_CSV, 0, client };

  emit_record (&e, r);
  g_string_append (out, "\r\n");
}

void
wv_json_append_string (GString *out, const char *s)
{
  if (s == NULL)
    g_string_append (out, "null");
  else
    append_json_string (out, s, strlen (s));
}

void
wv_json_append_number (GString *out, double v)
{
  if (isfinite (v))
    append_number (out, v);
  else
    g_string_append (out, "null");
}

void
wv_json_append_time (GString *out, gint64 time_ns)
{
  append_unix_time (out, time_ns);
}

static char *
record_to_json (const WvRecord *r, const WvOutputClient *client)
{
  GString *out;

  if (!record_type_valid (r->type))
    return NULL;
  out = g_string_sized_new (1024);
  append_json_line (out, r, client);
  return g_string_free (out, FALSE);
}

char *
wv_record_to_json (const WvRecord *r)
{
  g_return_val_if_fail (r != NULL, NULL);
  return record_to_json (r, NULL);
}

char *
wv_record_to_json_for_client (const WvRecord *r, const WvOutputClient *client)
{
  g_return_val_if_fail (r != NULL, NULL);
  return record_to_json (r, client ? client : &no_client);
}

/* ------------------------------------------------------------------------ */
/* Files                                                                    */

typedef enum {
  SINK_JSON,
  SINK_CSV,
} SinkFormat;

typedef struct {
  SinkFormat format;
  WvRecordType csv_type;
  char *name;               /* for messages: “path”, or standard output */
  int fd;
  gboolean own_fd;          /* FALSE for standard output, which stays open */
  gboolean regular;         /* a regular file: fsync at close */
  gboolean cut_on_error;    /* a file we opened: cut back to the last full line */
  gboolean may_sigpipe;     /* pipe or socket */
  goffset written;          /* bytes we wrote to fd */
  GString *buf;             /* complete lines not written yet */
  gboolean broken;
} Sink;

struct _WvOutput
{
  GPtrArray *sinks;
  gboolean per_client;      /* records name their client */
  char *first_error;        /* message of the first failure, once one happened */
  gboolean closed;
};

static void
sink_free (Sink *s)
{
  if (s->own_fd && s->fd >= 0)
    close (s->fd);
  g_string_free (s->buf, TRUE);
  g_free (s->name);
  g_free (s);
}

/* path NULL: standard output. */
static Sink *
sink_new (SinkFormat format, WvRecordType csv_type, const char *path, int fd)
{
  Sink *s = g_new0 (Sink, 1);
  gboolean own_fd = path != NULL;
  struct stat st;

  s->format = format;
  s->csv_type = csv_type;
  s->name = own_fd ? g_strdup_printf ("“%s”", path) : g_strdup ("standard output");
  s->fd = fd;
  s->own_fd = own_fd;
  s->buf = g_string_sized_new (4096);
  if (fstat (fd, &st) == 0)
    {
      s->regular = S_ISREG (st.st_mode);
      s->may_sigpipe = S_ISFIFO (st.st_mode) || S_ISSOCK (st.st_mode);
    }
  s->cut_on_error = s->regular && own_fd;
  return s;
}

/* name is already quoted where it needs to be. */
static void
set_errno_error (GError **error, int errsv, const char *what, const char *name)
{
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errsv),
               "%s %s: %s", what, name, g_strerror (errsv));
}

static void
set_path_errno_error (GError **error, int errsv, const char *what, const char *path)
{
  g_autofree char *quoted = g_strdup_printf ("“%s”", path);

  set_errno_error (error, errsv, what, quoted);
}

/* write(2) with SIGPIPE held back: a closed pipe must come back as EPIPE
 * rather than kill the program. A SIGPIPE our write raised is consumed; one
 * that was already pending is left alone. Returns the byte count or -errno. */
static gssize
write_nosigpipe (int fd, const char *data, gsize len, gboolean may_sigpipe)
{
  sigset_t pipe_set, old_set, pending;
  gboolean was_pending = FALSE;
  gssize n;
  int errsv;

  if (!may_sigpipe)
    {
      n = write (fd, data, len);
      return n < 0 ? -errno : n;
    }

  sigemptyset (&pipe_set);
  sigaddset (&pipe_set, SIGPIPE);
  pthread_sigmask (SIG_BLOCK, &pipe_set, &old_set);
  if (sigpending (&pending) == 0)
    was_pending = sigismember (&pending, SIGPIPE) == 1;

  n = write (fd, data, len);
  errsv = errno;

  if (n < 0 && errsv == EPIPE && !was_pending)
    {
      static const struct timespec zero = { 0, 0 };

      while (sigtimedwait (&pipe_set, NULL, &zero) < 0 && errno == EINTR)
        ;
    }
  pthread_sigmask (SIG_SETMASK, &old_set, NULL);
  return n < 0 ? -errsv : n;
}

/* Writes s->buf. On failure the sink is broken, and a regular file we
 * opened is cut back to the end of the last complete line written. */
static gboolean
sink_drain (Sink *s, GError **error)
{
  gsize done = 0;

  if (s->broken || s->buf->len == 0)
    return TRUE;

  /* Keep the order with anything the program printed through stdio. */
  if (!s->own_fd)
    fflush (stdout);

  while (done < s->buf->len)
    {
      gssize n = write_nosigpipe (s->fd, s->buf->str + done, s->buf->len - done, s->may_sigpipe);

      if (n == -EINTR)
        continue;
      if (n <= 0)
        {
          /* write() returning 0 for a non-empty buffer is as good as full. */
          int errsv = n < 0 ? (int) -n : ENOSPC;
          const char *nl = done > 0 ? memrchr (s->buf->str, '\n', done) : NULL;
          gsize partial = done - (nl != NULL ? (gsize) (nl - s->buf->str) + 1 : 0);

          if (s->cut_on_error && partial > 0 &&
              ftruncate (s->fd, s->written - (goffset) partial) == 0)
            s->written -= (goffset) partial;

          set_errno_error (error, errsv, "Cannot write to", s->name);
          s->broken = TRUE;
          g_string_truncate (s->buf, 0);
          return FALSE;
        }
      done += (gsize) n;
      s->written += n;
    }
  g_string_truncate (s->buf, 0);
  return TRUE;
}

/* Adds e to the failures of this call (all are reported, in one message). */
static void
add_failure (GError **acc, GError *e)
{
  GError *merged;

  if (*acc == NULL)
    {
      *acc = e;
      return;
    }
  merged = g_error_new ((*acc)->domain, (*acc)->code, "%s; %s", (*acc)->message, e->message);
  g_error_free (*acc);
  g_error_free (e);
  *acc = merged;
}

/* Ends a call: a new failure is returned as is; after an earlier one every
 * call fails with WV_OUTPUT_ERROR_FAILED_EARLIER. */
static gboolean
finish_call (WvOutput *o, GError *failure, GError **error)
{
  if (failure != NULL)
    {
      if (o->first_error == NULL)
        o->first_error = g_strdup (failure->message);
      g_propagate_error (error, failure);
      return FALSE;
    }
  if (o->first_error != NULL)
    {
      g_set_error (error, WV_OUTPUT_ERROR, WV_OUTPUT_ERROR_FAILED_EARLIER,
                   "Output stopped after an earlier error: %s", o->first_error);
      return FALSE;
    }
  return TRUE;
}

/* Opens path for writing. Refuses an existing regular file unless overwrite
 * (then truncates it); other existing files (devices, pipes) are used as
 * they are. *created tells whether this call made the file. */
static int
open_output_file (const char *path, gboolean overwrite, gboolean *created, GError **error)
{
  int errsv = 0;

  *created = FALSE;

  /* Retried when the file disappears or appears between the two opens. */
  for (guint attempt = 0; attempt < 3; attempt++)
    {
      struct stat st;
      int fd;

      fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0666);
      if (fd >= 0)
        {
          *created = TRUE;
          return fd;
        }
      errsv = errno;
      if (errsv != EEXIST)
        break;

      fd = open (path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
      if (fd < 0)
        {
          errsv = errno;
          if (errsv == ENOENT)
            continue;
          break;
        }
      if (fstat (fd, &st) < 0)
        {
          errsv = errno;
          close (fd);
          break;
        }
      if (S_ISREG (st.st_mode))
        {
          if (!overwrite)
            {
              close (fd);
              g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_EXIST,
                           "Refusing to overwrite the existing file “%s”", path);
              return -1;
            }
          if (ftruncate (fd, 0) < 0)
            {
              errsv = errno;
              close (fd);
              break;
            }
        }
      return fd;
    }

  set_path_errno_error (error, errsv, "Cannot create", path);
  return -1;
}

WvOutput *
wv_output_new (void)
{
  WvOutput *o = g_new0 (WvOutput, 1);

  o->sinks = g_ptr_array_new_with_free_func ((GDestroyNotify) sink_free);
  return o;
}

void
wv_output_free (WvOutput *o)
{
  g_autoptr(GError) error = NULL;

  if (o == NULL)
    return;

  /* Nothing queued may be lost just because the caller did not close. */
  if (!o->closed && !wv_output_close (o, &error) &&
      !g_error_matches (error, WV_OUTPUT_ERROR, WV_OUTPUT_ERROR_FAILED_EARLIER))
    g_warning ("%s", error->message);

  g_ptr_array_unref (o->sinks);
  g_free (o->first_error);
  g_free (o);
}

gboolean
wv_output_add_json (WvOutput *o, const char *path, gboolean overwrite, GError **error)
{
  gboolean created;
  int fd;

  g_return_val_if_fail (o != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (!o->closed, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (strcmp (path, "-") == 0)
    {
      struct stat st;

      if (fstat (STDOUT_FILENO, &st) < 0)
        {
          set_errno_error (error, errno, "Cannot write to", "standard output");
          return FALSE;
        }
      g_ptr_array_add (o->sinks, sink_new (SINK_JSON, 0, NULL, STDOUT_FILENO));
      return TRUE;
    }

  fd = open_output_file (path, overwrite, &created, error);
  if (fd < 0)
    return FALSE;
  g_ptr_array_add (o->sinks, sink_new (SINK_JSON, 0, path, fd));
  return TRUE;
}

gboolean
wv_output_add_csv (WvOutput *o, const char *dir, gboolean overwrite, GError **error)
{
  g_autoptr(GPtrArray) sinks = NULL;
  char *created[WV_N_RECORD_TYPES] = { NULL };
  gboolean ok = TRUE;

  g_return_val_if_fail (o != NULL, FALSE);
  g_return_val_if_fail (dir != NULL, FALSE);
  g_return_val_if_fail (!o->closed, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (*dir == '\0')
    dir = ".";
  if (g_mkdir_with_parents (dir, 0777) < 0)
    {
      set_path_errno_error (error, errno, "Cannot create the directory", dir);
      return FALSE;
    }

  sinks = g_ptr_array_new_with_free_func ((GDestroyNotify) sink_free);
  for (WvRecordType type = 0; ok && type < WV_N_RECORD_TYPES; type++)
    {
      g_autofree char *file = g_strconcat (wv_record_type_to_string (type), ".csv", NULL);
      g_autofree char *path = g_build_filename (dir, file, NULL);
      WvRecord header = { .type = type };
      gboolean was_created;
      Sink *s;
      int fd;

      fd = open_output_file (path, overwrite, &was_created, error);
      if (fd < 0)
        {
          ok = FALSE;
          break;
        }
      if (was_created)
        created[type] = g_strdup (path);

      s = sink_new (SINK_CSV, type, path, fd);
      g_ptr_array_add (sinks, s);
      /* Written now, so that a full disk shows up before the run starts. */
      append_csv_row (s->buf, &header, TRUE, o->per_client ? &no_client : NULL);
      ok = sink_drain (s, error);
    }

  /* All or nothing: files made by a failed call are removed again. */
  for (guint i = 0; i < WV_N_RECORD_TYPES; i++)
    {
      if (!ok && created[i] != NULL)
        g_unlink (created[i]);
      g_free (created[i]);
    }
  if (!ok)
    return FALSE;

  while (sinks->len > 0)
    g_ptr_array_add (o->sinks, g_ptr_array_steal_index (sinks, 0));
  return TRUE;
}

void
wv_output_set_per_client (WvOutput *o, gboolean per_client)
{
  g_return_if_fail (o != NULL);
  g_return_if_fail (o->sinks->len == 0);

  o->per_client = per_client;
}

gboolean
wv_output_write (WvOutput *o, const WvRecord *r, GError **error)
{
  return wv_output_write_for_client (o, r, NULL, error);
}

gboolean
wv_output_write_for_client (WvOutput *o, const WvRecord *r, const WvOutputClient *client,
                            GError **error)
{
  g_autoptr(GString) json = NULL;
  g_autoptr(GString) csv = NULL;
  GError *failure = NULL;

  g_return_val_if_fail (o != NULL, FALSE);
  g_return_val_if_fail (r != NULL, FALSE);
  g_return_val_if_fail (!o->closed, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!record_type_valid (r->type))
    {
      g_set_error (error, WV_OUTPUT_ERROR, WV_OUTPUT_ERROR_INVALID_RECORD,
                   "Invalid record type %d", (int) r->type);
      return FALSE;
    }
  /* The fields are those of the output, whatever the caller passes. */
  client = o->per_client ? (client ? client : &no_client) : NULL;

  for (guint i = 0; i < o->sinks->len; i++)
    {
      Sink *s = g_ptr_array_index (o->sinks, i);
      GError *e = NULL;

      if (s->broken)
        continue;

      if (s->format == SINK_JSON)
        {
          if (json == NULL)
            {
              json = g_string_sized_new (1024);
              append_json_line (json, r, client);
              g_string_append_c (json, '\n');
            }
          g_string_append_len (s->buf, json->str, (gssize) json->len);
        }
      else if (s->csv_type == r->type)
        {
          if (csv == NULL)
            {
              csv = g_string_sized_new (512);
              append_csv_row (csv, r, FALSE, client);
            }
          g_string_append_len (s->buf, csv->str, (gssize) csv->len);
        }

      if (s->buf->len >= WV_OUTPUT_BUFFER_SIZE && !sink_drain (s, &e))
        add_failure (&failure, e);
    }

  return finish_call (o, failure, error);
}

gboolean
wv_output_flush (WvOutput *o, GError **error)
{
  GError *failure = NULL;

  g_return_val_if_fail (o != NULL, FALSE);
  g_return_val_if_fail (!o->closed, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  for (guint i = 0; i < o->sinks->len; i++)
    {
      GError *e = NULL;

      if (!sink_drain (g_ptr_array_index (o->sinks, i), &e))
        add_failure (&failure, e);
    }

  return finish_call (o, failure, error);
}

gboolean
wv_output_close (WvOutput *o, GError **error)
{
  GError *failure = NULL;

  g_return_val_if_fail (o != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (o->closed)
    return finish_call (o, NULL, error);
  o->closed = TRUE;

  for (guint i = 0; i < o->sinks->len; i++)
    {
      Sink *s = g_ptr_array_index (o->sinks, i);
      GError *e = NULL;

      if (!sink_drain (s, &e))
        add_failure (&failure, e);

      /* fsync() fails with EINVAL on pipes and terminals: regular files only. */
      if (!s->broken && s->regular && fsync (s->fd) < 0)
        {
          set_errno_error (&e, errno, "Cannot write to", s->name);
          add_failure (&failure, e);
          s->broken = TRUE;
        }
      if (s->own_fd)
        {
          /* Linux closes the descriptor even when close() fails: no retry. */
          if (close (s->fd) < 0 && !s->broken)
            {
              set_errno_error (&e, errno, "Cannot write to", s->name);
              add_failure (&failure, e);
              s->broken = TRUE;
            }
          s->fd = -1;
        }
    }

  return finish_call (o, failure, error);
}

gboolean
wv_output_write_csv_files (const char     *dir,
                           const WvRecord *records,
                           guint           n,
                           gboolean        overwrite,
                           GError        **error)
{
  g_autoptr(WvOutput) o = wv_output_new ();

  g_return_val_if_fail (dir != NULL, FALSE);
  g_return_val_if_fail (records != NULL || n == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!wv_output_add_csv (o, dir, overwrite, error))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      if (!wv_output_write (o, &records[i], error))
        {
          /* The error that stopped us is the one to report. */
          wv_output_close (o, NULL);
          return FALSE;
        }
    }
  return wv_output_close (o, error);
}
