/* wv-record-json.c: reading records back from their JSON form
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each reader below mirrors one emit_ function of wv-output.c: a null or
 * missing member becomes a value the writer prints as null again: NaN for
 * a real number, the -1 marker for a TTL, TOS or DSCP, 0 for an MTU and
 * an empty string for an address; an empty summary (n 0) is all zeros as
 * wv-stats makes them. So writing a parsed record gives the same text.
 */
#define G_LOG_DOMAIN "wv-record"

#include <math.h>
#include <string.h>

#include "wv-record-json.h"

G_DEFINE_QUARK (wv-record-json-error-quark, wv_record_json_error)

/* --- lenient member access ---------------------------------------------------- */

static JsonNode *
member (JsonObject *o, const char *name)
{
  JsonNode *n = o != NULL ? json_object_get_member (o, name) : NULL;

  return n != NULL && JSON_NODE_HOLDS_VALUE (n) ? n : NULL;
}

/* A number, or @fallback when missing, null or not a number. */
static double
num (JsonObject *o, const char *name, double fallback)
{
  JsonNode *n = member (o, name);

  if (n == NULL)
    return fallback;
  switch (json_node_get_value_type (n))
    {
    case G_TYPE_INT64:
      return (double) json_node_get_int (n);
    case G_TYPE_DOUBLE:
      return json_node_get_double (n);
    default:
      return fallback;
    }
}

/* A whole number in min..max, else @fallback. */
static gint64
whole (JsonObject *o, const char *name, gint64 min, gint64 max, gint64 fallback)
{
  double v = num (o, name, NAN);

  if (!isfinite (v) || v < (double) min || v > (double) max)
    return fallback;
  return (gint64) llround (v);
}

static gboolean
boolean (JsonObject *o, const char *name)
{
  JsonNode *n = member (o, name);

  return n != NULL && json_node_get_value_type (n) == G_TYPE_BOOLEAN && json_node_get_boolean (n);
}

static const char *
string (JsonObject *o, const char *name)
{
  JsonNode *n = member (o, name);

  return n != NULL && json_node_get_value_type (n) == G_TYPE_STRING ? json_node_get_string (n) : NULL;
}

/* Copies into a fixed array, cut at a character boundary. */
static void
copy_string (char *buf, gsize size, const char *s)
{
  gsize len;

  memset (buf, 0, size);
  if (s == NULL)
    return;
  len = strlen (s);
  if (len >= size)
    {
      const char *end = g_utf8_find_prev_char (s, s + size);

      len = end != NULL ? (gsize) (end - s) : 0;
    }
  memcpy (buf, s, len);
}

/* Index of @s among the names @to_string gives to 0 .. n - 1, or -1. */
static int
enum_value (const char *s, const char *(*to_string) (int), int n)
{
  if (s == NULL)
    return -1;
  for (int v = 0; v < n; v++)
    if (to_string (v) != NULL && strcmp (s, to_string (v)) == 0)
      return v;
  return -1;
}

#define ENUM_NAMER(fn, type) \
  static const char *fn##_int (int v) { return fn ((type) v); }

ENUM_NAMER (wv_direction_to_string, WvDirection)
ENUM_NAMER (wv_record_type_to_string, WvRecordType)
ENUM_NAMER (wv_owd_mode_to_string, WvOwdMode)
ENUM_NAMER (wv_profile_to_string, WvProfile)
ENUM_NAMER (wv_grade_to_string, WvGrade)
ENUM_NAMER (wv_verdict_metric_to_string, WvVerdictMetric)
ENUM_NAMER (wv_expected_source_to_string, WvExpectedSource)

gboolean
wv_record_type_from_string (const char *name, WvRecordType *out)
{
  int v = enum_value (name, wv_record_type_to_string_int, WV_N_RECORD_TYPES);

  if (v < 0)
    return FALSE;
  *out = (WvRecordType) v;
  return TRUE;
}

gint64
wv_record_json_time_ns (double seconds)
{
  return llround (seconds * 1000.0) * G_GINT64_CONSTANT (1000000);
}

/* --- record types ----------------------------------------------------------------- */

static void
read_summary (JsonObject *o, const char *name, WvSummary *s)
{
  JsonNode *n = o != NULL ? json_object_get_member (o, name) : NULL;
  JsonObject *so = n != NULL && JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;

  memset (s, 0, sizeof *s);
  s->n = (guint) whole (so, "n", 0, G_MAXUINT, 0);
  if (s->n == 0)
    return;
  s->min = num (so, "min", NAN);
  s->p50 = num (so, "p50", NAN);
  s->p99 = num (so, "p99", NAN);
  s->max = num (so, "max", NAN);
  s->mean = num (so, "mean", NAN);
}

static void
read_stats (JsonObject *o, WvRecord *r)
{
  WvStatsRecord *st = &r->stats;
  WvRxRecord *rx = &st->rx;
  const char *mode = string (o, "owd_mode");
  int m = enum_value (mode, wv_owd_mode_to_string_int, 2);

  if (r->type == WV_RECORD_SUMMARY)
    {
      st->window_s = 0;
      st->duration_s = num (o, "duration_s", -1);
      st->probes_sent = (guint64) whole (o, "probes_sent", 0, G_MAXINT64, 0);
    }
  else
    st->window_s = (guint) whole (o, "window_s", 0, G_MAXUINT, 0);
  rx->window_ns = (gint64) st->window_s * G_GINT64_CONSTANT (1000000000);
  rx->probes = (guint) whole (o, "probes", 0, G_MAXUINT, 0);
  rx->expected = (guint64) whole (o, "expected", 0, G_MAXINT64, 0);
  read_summary (o, "rtt_ms", &st->rtt_ms);
  read_summary (o, "owd_ms", &rx->owd_ms);
  read_summary (o, "delay_dev_ms", &rx->delay_dev_ms);
  rx->baseline_ms = num (o, "baseline_ms", NAN);
  rx->jitter_ms = num (o, "jitter_ms", NAN);
  read_summary (o, "ipdv_ms", &rx->ipdv_ms);
  rx->loss_pct = num (o, "loss_pct", NAN);
  rx->reorder_pct = num (o, "reorder_pct", NAN);
  rx->dup_pct = num (o, "dup_pct", NAN);
  rx->throughput_bps = num (o, "throughput_bps", NAN);
  rx->rx_ttl = (gint) whole (o, "rx_ttl", 0, 255, -1);
  rx->rx_tos = (gint) whole (o, "rx_tos", 0, 255, -1);
  st->dscp = (int) whole (o, "dscp", 0, 63, -1);
  st->remarked = boolean (o, "remarked");
  /* An unknown mode stays out of range, as the writer found it. */
  st->owd_mode = m >= 0 ? (WvOwdMode) m : (WvOwdMode) 99;
  st->clock_error_ms = num (o, "clock_error_ms", -1);
  st->sched_err_p99_ms = num (o, "sched_err_p99_ms", -1);
  /* Wire times and our own stack (issue 10), the |D| (issue 15). */
  read_summary (o, "jitter_d_ms", &rx->jitter_d_ms);
  rx->wire_samples = (guint) whole (o, "wire_samples", 0, G_MAXUINT, 0);
  rx->untimed = (guint) whole (o, "untimed", 0, G_MAXUINT, 0);
  st->rtt_wire_samples = (guint) whole (o, "rtt_wire_samples", 0, G_MAXUINT, 0);
  read_summary (o, "stack_send_ms", &rx->stack_send_ms);
  read_summary (o, "stack_recv_ms", &rx->stack_recv_ms);
  st->skew_ppm = num (o, "skew_ppm", NAN);
  if (r->type == WV_RECORD_SUMMARY)
    {
      JsonNode *complete = member (o, "complete");
      int e = enum_value (string (o, "expected_from"), wv_expected_source_to_string_int, 3);

      /* Which part was missing, as the writer's nulls tell it; files from
       * before the member have complete summaries. */
      st->peer_lost = boolean (o, "peer_lost");
      st->rx_missing = member (o, "probes") == NULL;
      st->tx_missing = member (o, "probes_sent") == NULL;
      st->rx_partial = complete != NULL && !boolean (o, "complete") &&
                       !st->rx_missing && !st->tx_missing;
      st->expected_source = e >= 0 ? (WvExpectedSource) e : WV_EXPECTED_SEQUENCE;
    }
}

static void
read_outage (JsonObject *o, WvOutageRecord *out)
{
  double start = num (o, "start", NAN), end = num (o, "end", NAN);

  out->start_ns = isfinite (start) && fabs (start) < 1e12 ? wv_record_json_time_ns (start) : 0;
  out->end_ns = isfinite (end) && fabs (end) < 1e12 ? wv_record_json_time_ns (end) : 0;
  out->probes_lost = (guint64) whole (o, "probes_lost", 0, G_MAXINT64, 0);
}

static void
read_tos (JsonObject *o, const char *key, gboolean *has, guint8 *tos)
{
  gint64 v = whole (o, key, 0, 255, -1);

  *has = v >= 0;
  *tos = v >= 0 ? (guint8) v : 0;
}

static void
read_hop (JsonObject *o, WvHopRecord *h)
{
  h->round = (guint) whole (o, "round", 0, G_MAXUINT, 0);
  h->ttl = (guint) whole (o, "ttl", 0, G_MAXUINT, 0);
  copy_string (h->addr, sizeof h->addr, string (o, "addr"));
  h->rtt_ms = num (o, "rtt_ms", -1);
  h->reached = boolean (o, "reached");
  read_tos (o, "rx_tos", &h->has_rx_tos, &h->rx_tos);
  read_tos (o, "tos", &h->has_tos, &h->tos);
}

static void
read_verdict (JsonObject *o, WvVerdictRecord *v)
{
  int e;

  v->run = g_strcmp0 (string (o, "scope"), "run") == 0;
  v->dscp = (int) whole (o, "dscp", 0, 63, -1);
  e = enum_value (string (o, "profile"), wv_profile_to_string_int, WV_N_PROFILES);
  v->profile = e >= 0 ? (WvProfile) e : WV_N_PROFILES;
  e = enum_value (string (o, "grade"), wv_grade_to_string_int, WV_N_GRADES);
  v->grade = e >= 0 ? (WvGrade) e : WV_GRADE_UNKNOWN;
  e = enum_value (string (o, "metric"), wv_verdict_metric_to_string_int, WV_N_VERDICT_METRICS);
  v->metric = e >= 0 ? (WvVerdictMetric) e : WV_VERDICT_METRIC_NONE;
  v->value = num (o, "value", NAN);
  v->threshold = num (o, "threshold", NAN);
  v->r_factor = num (o, "r_factor", NAN);
  v->mos = num (o, "mos", NAN);
  v->delay_ms = num (o, "delay_ms", NAN);
  v->delay_from_rtt = g_strcmp0 (string (o, "delay_source"), "rtt") == 0;
  v->loss_pct = num (o, "loss_pct", NAN);
  v->outages = (guint) whole (o, "outages", 0, G_MAXUINT, 0);
  v->outage_max_s = num (o, "outage_max_s", 0);
}

static void
read_wifi (JsonObject *o, WvWifiRecord *w)
{
  const char *ssid = string (o, "ssid");
  double mbps = num (o, "bitrate_mbps", 0);

  copy_string (w->iface, sizeof w->iface, string (o, "iface"));
  if (ssid != NULL)
    {
      char buf[WV_SSID_MAX + 1];

      copy_string (buf, sizeof buf, ssid);
      w->ssid_len = (guint) strlen (buf);
      memcpy (w->ssid, buf, w->ssid_len);
    }
  copy_string (w->bssid, sizeof w->bssid, string (o, "bssid"));
  w->frequency_mhz = (guint) whole (o, "frequency_mhz", 0, G_MAXUINT, 0);
  w->channel = (guint) whole (o, "channel", 0, G_MAXUINT, 0);
  w->signal_pct = (int) whole (o, "signal_pct", 0, 100, -1);
  w->bitrate_kbps = isfinite (mbps) && mbps > 0 && mbps < 4e6 ? (guint) llround (mbps * 1000) : 0;
  w->roamed = boolean (o, "roamed");
}

gboolean
wv_record_from_json_object (JsonObject *o, WvRecord *out, GError **error)
{
  const char *type = string (o, "type");
  double time = num (o, "time", NAN);
  WvRecord r = { 0 };
  int dir;

  if (type == NULL || !isfinite (time) || fabs (time) > 1e12)
    {
      g_set_error (error, WV_RECORD_JSON_ERROR, WV_RECORD_JSON_ERROR_INVALID,
                   "a record needs a \"type\" and a \"time\"");
      return FALSE;
    }
  if (!wv_record_type_from_string (type, &r.type))
    {
      g_set_error (error, WV_RECORD_JSON_ERROR, WV_RECORD_JSON_ERROR_UNKNOWN_TYPE,
                   "unknown record type \"%s\"", type);
      return FALSE;
    }
  r.time_ns = wv_record_json_time_ns (time);
  r.conn = (guint) whole (o, "conn", 0, G_MAXUINT, 0);
  r.family = (int) whole (o, "family", 0, 255, 0);
  dir = enum_value (string (o, "dir"), wv_direction_to_string_int, 2);
  r.dir = dir >= 0 ? (WvDirection) dir : WV_DIR_C2S;

  switch (r.type)
    {
    case WV_RECORD_STATS:
    case WV_RECORD_SUMMARY:
      read_stats (o, &r);
      break;
    case WV_RECORD_HOP:
      read_hop (o, &r.hop);
      break;
    case WV_RECORD_MTU:
      r.mtu.hop = (guint) whole (o, "hop", 0, G_MAXUINT, 0);
      copy_string (r.mtu.addr, sizeof r.mtu.addr, string (o, "addr"));
      r.mtu.mtu = (guint) whole (o, "mtu", 0, G_MAXUINT, 0);
      break;
    case WV_RECORD_PATH_MTU:
      r.path_mtu.mtu = (guint) whole (o, "mtu", 0, G_MAXUINT, 0);
      r.path_mtu.confirmed = boolean (o, "confirmed");
      r.path_mtu.at_least = boolean (o, "at_least");
      break;
    case WV_RECORD_OUTAGE:
      read_outage (o, &r.outage);
      break;
    case WV_RECORD_LOST:
      {
        double last = num (o, "last_rx", NAN);

        r.lost.last_rx_ns = isfinite (last) && fabs (last) < 1e12 ? wv_record_json_time_ns (last) : 0;
        r.lost.timeout_s = num (o, "timeout_s", 0);
      }
      break;
    case WV_RECORD_VERDICT:
      read_verdict (o, &r.verdict);
      break;
    case WV_RECORD_WIFI:
      read_wifi (o, &r.wifi);
      break;
    case WV_N_RECORD_TYPES:
    default:
      g_assert_not_reached ();
    }
  *out = r;
  return TRUE;
}

gboolean
wv_record_from_json (const char *text, gssize len, WvRecord *out, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local = NULL;
  JsonNode *root;

  if (!json_parser_load_from_data (parser, text, len, &local))
    {
      g_set_error (error, WV_RECORD_JSON_ERROR, WV_RECORD_JSON_ERROR_SYNTAX,
                   "not JSON: %s", local->message);
      return FALSE;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, WV_RECORD_JSON_ERROR, WV_RECORD_JSON_ERROR_SYNTAX,
                   "not a JSON object");
      return FALSE;
    }
  return wv_record_from_json_object (json_node_get_object (root), out, error);
}
