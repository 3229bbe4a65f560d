/* wv-report-text.c: a run's results in words and plain-text tables
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What `wifi-verify-cli report` prints, what `run` prints at its end, and
 * the sentences the PDF report draws. Plain ASCII apart from names and
 * addresses, so that it reads in any terminal and log.
 */
#define G_LOG_DOMAIN "wv-report"

#include "config.h"

#include <math.h>
#include <string.h>

#include "wv-dscp.h"
#include "wv-report.h"
#include "wv-verdict.h"

/* --- words ------------------------------------------------------------------- */

const char *
wv_report_profile_title (WvProfile profile)
{
  switch (profile)
    {
    case WV_PROFILE_VOICE:
      return "voice call";
    case WV_PROFILE_VIDEO:
      return "video call";
    case WV_PROFILE_INTERACTIVE:
      return "interactive (gaming)";
    case WV_N_PROFILES:
    default:
      return "?";
    }
}

static const char *
grade_word (WvGrade grade)
{
  const char *s = wv_grade_to_string (grade);

  return s != NULL ? s : "?";
}

/* "EF", or the number when the class has no name. */
static char *
dscp_text (int dscp)
{
  const char *name = wv_dscp_name (dscp);

  return name != NULL ? g_strdup (name) : g_strdup_printf ("%d", dscp);
}

char *
wv_report_describe_verdict (const WvVerdictRecord *v)
{
  gboolean good = v->grade == WV_GRADE_GOOD;

  switch (v->metric)
    {
    case WV_VERDICT_METRIC_R_FACTOR:
      return g_strdup_printf ("R %.1f %s %g (MOS %.2f, %s): mouth-to-ear delay %.0f ms%s, loss %.2f %%",
                              v->value, good ? ">=" : "<", v->threshold, v->mos,
                              wv_r_factor_band (v->value), v->delay_ms,
                              v->delay_from_rtt ? " (from the round trip)" : "",
                              isfinite (v->loss_pct) ? v->loss_pct : 0.0);
    case WV_VERDICT_METRIC_DELAY:
      {
        g_autofree char *ms = wv_verdict_format_ms (v->value);

        return g_strdup_printf ("%s p99 %s ms %s %g ms",
                                v->delay_from_rtt ? "half the round trip" : "one-way delay",
                                ms, good ? "<=" : ">", v->threshold);
      }
    case WV_VERDICT_METRIC_LOSS:
      return g_strdup_printf ("loss %.2f %% %s %g %%", v->value, good ? "<=" : ">", v->threshold);
    case WV_VERDICT_METRIC_OUTAGE:
      if (v->grade == WV_GRADE_POOR)
        return g_strdup_printf ("outage of %.1f s >= %g s", v->value, v->threshold);
      return g_strdup_printf ("outage of %.1f s (any outage)", v->value);
    case WV_VERDICT_METRIC_NONE:
    case WV_N_VERDICT_METRICS:
    default:
      return g_strdup ("nothing measured");
    }
}

char *
wv_report_verdict_cell (const WvVerdictRecord *v)
{
  switch (v->metric)
    {
    case WV_VERDICT_METRIC_R_FACTOR:
      return g_strdup_printf ("%s R %.1f", grade_word (v->grade), v->value);
    case WV_VERDICT_METRIC_DELAY:
      {
        g_autofree char *ms = wv_verdict_format_ms (v->value);

        return g_strdup_printf ("%s delay %s ms", grade_word (v->grade), ms);
      }
    case WV_VERDICT_METRIC_LOSS:
      return g_strdup_printf ("%s loss %.2f %%", grade_word (v->grade), v->value);
    case WV_VERDICT_METRIC_OUTAGE:
      return g_strdup_printf ("%s outage %.1f s", grade_word (v->grade), v->value);
    case WV_VERDICT_METRIC_NONE:
    case WV_N_VERDICT_METRICS:
    default:
      return g_strdup (grade_word (v->grade));
    }
}

char *
wv_report_stream_label (const WvRecord *r)
{
  int dscp = r->type == WV_RECORD_VERDICT ? r->verdict.dscp
             : (r->type == WV_RECORD_STATS || r->type == WV_RECORD_SUMMARY) ? r->stats.dscp : -1;
  g_autofree char *d = dscp >= 0 ? dscp_text (dscp) : NULL;

  return g_strdup_printf ("connection %u IPv%d %s%s%s", r->conn, r->family,
                          wv_direction_to_string (r->dir) ? wv_direction_to_string (r->dir) : "?",
                          d ? " " : "", d ? d : "");
}

static char *
path_label (guint conn, int family, WvDirection dir)
{
  return g_strdup_printf ("connection %u IPv%d %s", conn, family,
                          wv_direction_to_string (dir) ? wv_direction_to_string (dir) : "?");
}

static char *
hop_text (guint ttl, const char *addr)
{
  return addr != NULL && *addr ? g_strdup_printf ("hop %u (%s)", ttl, addr)
                               : g_strdup_printf ("hop %u", ttl);
}

char *
wv_report_describe_note (const WvPathNote *n)
{
  g_autofree char *who = path_label (n->conn, n->family, n->dir);
  g_autofree char *hop = hop_text (n->ttl, n->addr);
  g_autofree char *before = dscp_text (n->dscp_before);
  g_autofree char *after = dscp_text (n->dscp_after);

  switch (n->kind)
    {
    case WV_PATH_NOTE_LOSS_FROM:
      return g_strdup_printf ("%s: loss starts at %s (%.0f %% of the probes) and goes on to the "
                              "peer: packets are lost from the link into hop %u on",
                              who, hop, n->loss_pct, n->ttl);
    case WV_PATH_NOTE_RATE_LIMIT:
      return g_strdup_printf ("%s: %s left %.0f %% of the probes unanswered but hop %u and later "
                              "answered all: ICMP rate limiting at that router, not packet loss",
                              who, hop, n->loss_pct, n->later_ttl);
    case WV_PATH_NOTE_REMARKED:
      if (n->prev_ttl == 0)
        return g_strdup_printf ("%s: DSCP %s as sent arrived as %s at %s: re-marked by the first "
                                "router", who, before, after, hop);
      return g_strdup_printf ("%s: DSCP %s at hop %u arrived as %s at %s: re-marked between them",
                              who, before, n->prev_ttl, after, hop);
    case WV_PATH_NOTE_DSCP_KEPT:
      return g_strdup_printf ("%s: DSCP %s kept up to %s, the last router that quoted it",
                              who, before, hop);
    case WV_PATH_NOTE_DSCP_UNKNOWN:
      return g_strdup_printf ("%s: probes sent with DSCP %s, but no router's ICMP error quoted "
                              "them (the DSCP along the path needs the ICMP helper)", who, before);
    default:
      return g_strdup_printf ("%s: ?", who);
    }
}

char *
wv_report_describe_path_set (const WvPathSet *set)
{
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, "IPv%d %s: ", set->family, wv_direction_to_string (set->dir));
  if (set->groups->len == 1)
    {
      const WvPathGroup *g = g_ptr_array_index (set->groups, 0);
      g_autofree char *conns = wv_format_connections ((const guint *) (gpointer) g->conns->data,
                                                      g->conns->len);

      g_string_append_printf (s, "one path (%s)", conns);
      return g_string_free (s, FALSE);
    }
  g_string_append_printf (s, "%u paths: ", set->groups->len);
  for (guint i = 0; i < set->groups->len; i++)
    {
      const WvPathGroup *g = g_ptr_array_index (set->groups, i);
      g_autofree char *name = wv_path_group_name (i);
      g_autofree char *conns = wv_format_connections ((const guint *) (gpointer) g->conns->data,
                                                      g->conns->len);

      g_string_append_printf (s, "%s%s (%s)", i ? ", " : "", name, conns);
    }
  for (guint k = 0; k < set->differing->len; k++)
    {
      guint ttl = g_array_index (set->differing, guint, k);

      g_string_append_printf (s, k ? "; TTL %u (" : "; they differ at TTL %u (", ttl);
      for (guint i = 0; i < set->groups->len; i++)
        {
          const WvPathGroup *g = g_ptr_array_index (set->groups, i);
          const char *a = ttl <= g->hops->len ? g_ptr_array_index (g->hops, ttl - 1) : NULL;
          g_autofree char *name = wv_path_group_name (i);

          g_string_append_printf (s, "%s%s %s", i ? ", " : "", name, a ? a : "*");
        }
      g_string_append_c (s, ')');
    }
  return g_string_free (s, FALSE);
}

char *
wv_report_describe_wifi (const WvWifiRecord *w)
{
  GString *s = g_string_new (NULL);
  g_autofree char *ssid = g_utf8_make_valid ((const char *) w->ssid, MIN (w->ssid_len, WV_SSID_MAX));
  const char *band = wv_wifi_band (w->frequency_mhz);

  g_string_append_printf (s, "\"%s\"", ssid);
  if (w->bssid[0])
    g_string_append_printf (s, " %s", w->bssid);
  if (band != NULL)
    g_string_append_printf (s, ", %s", band);
  if (w->channel)
    g_string_append_printf (s, " channel %u", w->channel);
  if (w->frequency_mhz)
    g_string_append_printf (s, " (%u MHz)", w->frequency_mhz);
  if (w->signal_pct >= 0)
    g_string_append_printf (s, ", signal %d %%", w->signal_pct);
  if (w->bitrate_kbps)
    g_string_append_printf (s, ", %g Mbit/s", w->bitrate_kbps / 1000.0);
  if (w->iface[0])
    g_string_append_printf (s, " on %s", w->iface);
  return g_string_free (s, FALSE);
}

char *
wv_report_format_time (gint64 time_ns)
{
  g_autoptr(GDateTime) t = g_date_time_new_from_unix_local (time_ns / 1000000000);

  if (t == NULL)
    return g_strdup ("?");
  return g_date_time_format (t, "%Y-%m-%d %H:%M:%S %Z");
}

/* --- metadata ----------------------------------------------------------------- */

/* "families 4,6, connections 1, ...": a run's settings on one line. */
char *
wv_report_settings_text (JsonObject *settings)
{
  GString *s = g_string_new (NULL);
  g_autoptr(GList) members = settings ? json_object_get_members (settings) : NULL;

  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *n = json_object_get_member (settings, l->data);
      g_autofree char *value = NULL;

      if (JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING)
        value = g_strdup (json_node_get_string (n));
      else
        value = json_to_string (n, FALSE);
      g_string_append_printf (s, "%s%s %s", s->len ? ", " : "", (const char *) l->data, value);
    }
  return g_string_free (s, FALSE);
}

void
wv_report_print_metadata (WvReport *self, FILE *out)
{
  const WvRunMeta *m = wv_report_get_meta (self);
  gint64 start = wv_report_get_start_ns (self), end = wv_report_get_end_ns (self);
  g_autofree char *from = wv_report_format_time (start);

  if (end > start)
    fprintf (out, "  %-11s %s, %.0f s\n", "measured", from, (end - start) / 1e9);
  else
    fprintf (out, "  %-11s %s\n", "measured", from);
  if (m == NULL)
    {
      fprintf (out, "  %-11s none (plain JSON lines, not a run file)\n", "metadata");
      return;
    }
  if (m->end_ns == 0)
    fprintf (out, "  %-11s the run did not finish writing this file\n", "note");
  fprintf (out, "  %-11s wifi-verify %s\n", "program", m->version ? m->version : "?");
  if (g_strcmp0 (m->mode, "self-test") == 0)
    fprintf (out, "  %-11s self-test over loopback\n", "mode");
  else
    fprintf (out, "  %-11s %s against %s\n", "mode", m->mode ? m->mode : "?",
             m->server ? m->server : "?");
  fprintf (out, "  %-11s %s%s%s%s%s\n", "host", m->hostname ? m->hostname : "?",
           m->os ? ", " : "", m->os ? m->os : "", m->kernel ? ", kernel " : "",
           m->kernel ? m->kernel : "");
  for (guint i = 0; i < m->interfaces->len; i++)
    {
      const WvRunInterface *iface = g_ptr_array_index (m->interfaces, i);
      g_autofree char *addrs = g_strjoinv (", ", iface->addresses);

      fprintf (out, "  %-11s %s%s%s%s\n", i ? "" : "interfaces", iface->name, *addrs ? " (" : "",
               addrs, *addrs ? ")" : "");
    }
  if (m->has_wifi)
    {
      g_autofree char *w = wv_report_describe_wifi (&m->wifi);

      fprintf (out, "  %-11s %s\n", "Wi-Fi", w);
    }
  else
    fprintf (out, "  %-11s none: %s\n", "Wi-Fi",
             m->wifi_absent_detail ? m->wifi_absent_detail
                                   : (wv_wifi_absent_to_string (m->wifi_absent) ?: "unknown"));
  {
    g_autofree char *settings = wv_report_settings_text (m->settings);

    if (*settings)
      fprintf (out, "  %-11s %s\n", "settings", settings);
  }
}

/* --- verdicts --------------------------------------------------------------------- */

void
wv_report_print_verdicts (WvReport *self, FILE *out)
{
  GArray *verdicts = wv_report_get_verdicts (self);
  gboolean any = FALSE;

  fprintf (out, "Verdict for the run (the worst connection and direction decides)%s\n",
           wv_report_verdicts_computed (self) ? ",\n  computed from the summaries: the run had none" : "");
  for (WvProfile p = 0; p < WV_N_PROFILES; p++)
    {
      const WvRecord *r = wv_report_get_run_verdict (self, p);
      g_autofree char *why = NULL;
      g_autofree char *who = NULL;

      if (r == NULL)
        continue;
      any = TRUE;
      why = wv_report_describe_verdict (&r->verdict);
      who = r->verdict.metric != WV_VERDICT_METRIC_NONE ? wv_report_stream_label (r) : g_strdup ("");
      fprintf (out, "  %-21s %-5s %s%s%s\n", wv_report_profile_title (p),
               grade_word (r->verdict.grade), why, *who ? "; " : "", who);
    }
  if (!any)
    {
      fprintf (out, "  no verdict: no probe stream was summarised\n");
      return;
    }

  fprintf (out, "\n  %-4s %-3s %-4s %-5s %-19s %-19s %s\n", "conn", "ip", "dir", "dscp",
           wv_report_profile_title (WV_PROFILE_VOICE), wv_report_profile_title (WV_PROFILE_VIDEO),
           "interactive");
  for (guint i = 0; i < verdicts->len; i += WV_N_PROFILES)
    {
      const WvRecord *r = &g_array_index (verdicts, WvRecord, i);
      g_autofree char *dscp = r->verdict.dscp >= 0 ? dscp_text (r->verdict.dscp) : g_strdup ("-");
      char *cells[WV_N_PROFILES] = { NULL };

      if (r->verdict.run || i + WV_N_PROFILES > verdicts->len)
        break;
      for (guint p = 0; p < WV_N_PROFILES; p++)
        cells[p] = wv_report_verdict_cell (&g_array_index (verdicts, WvRecord, i + p).verdict);
      fprintf (out, "  %-4u v%-2d %-4s %-5s %-19s %-19s %s\n", r->conn, r->family,
               wv_direction_to_string (r->dir), dscp, cells[0], cells[1], cells[2]);
      for (guint p = 0; p < WV_N_PROFILES; p++)
        g_free (cells[p]);
    }
}

/* --- summary table ---------------------------------------------------------------- */

static char *
fmt_ms (const WvSummary *s)
{
  if (s->n == 0)
    return g_strdup ("-");
  return g_strdup_printf ("%.3f/%.3f", s->p50, s->p99);
}

static char *
fmt_num (double v, const char *format)
{
  if (!isfinite (v))
    return g_strdup ("-");
  return g_strdup_printf (format, v);
}

/* Why a summary line is not the whole story: the peer was lost, a part is
 * missing, or the loss is counted against the rate. */
static char *
summary_note (const WvStatsRecord *s)
{
  GString *note = g_string_new (NULL);

  if (s->peer_lost)
    g_string_append (note, "peer lost; ");
  if (s->rx_missing)
    g_string_append (note, "receiver's part missing; ");
  else if (s->rx_partial)
    g_string_append (note, "received: the receiver's per-second reports; ");
  else if (s->tx_missing)
    g_string_append (note, "sender's part missing; ");
  if (!s->rx_missing && s->expected_source == WV_EXPECTED_RATE)
    g_string_append (note, "loss counted against the rate; ");
  if (note->len > 2)
    g_string_truncate (note, note->len - 2);
  return g_string_free (note, FALSE);
}

void
wv_report_print_summary (WvReport *self, FILE *out)
{
  GArray *summaries = wv_report_get_summaries (self);
  gboolean any_remarked = FALSE;

  if (summaries->len == 0)
    return;
  /* jitter: the mean |D| over the run and the 99th percentile of |D|. */
  fprintf (out, "%-4s %-4s %-4s %-6s %8s %7s %7s %17s %17s %17s %12s %4s %5s %-9s %s\n",
           "conn", "ip", "dir", "dscp", "probes", "loss%", "reord%", "rtt p50/p99 ms",
           "owd p50/p99 ms", "jitter mean/p99", "bit/s", "ttl", "tos", "owd", "note");
  for (guint i = 0; i < summaries->len; i++)
    {
      const WvRecord *r = &g_array_index (summaries, WvRecord, i);
      const WvStatsRecord *s = &r->stats;
      g_autofree char *rtt = fmt_ms (&s->rtt_ms);
      g_autofree char *owd = fmt_ms (&s->rx.owd_ms);
      g_autofree char *loss = fmt_num (s->rx_missing || !s->rx.expected ? NAN : s->rx.loss_pct, "%.2f");
      g_autofree char *reord = fmt_num (s->rx.probes ? s->rx.reorder_pct : NAN, "%.2f");
      g_autofree char *jit = s->rx.jitter_d_ms.n > 0
                             ? g_strdup_printf ("%.3f/%.3f", s->rx.jitter_ms, s->rx.jitter_d_ms.p99)
                             : fmt_num (s->rx.probes ? s->rx.jitter_ms : NAN, "%.3f");
      g_autofree char *thr = fmt_num (s->rx.throughput_bps, "%.0f");
      g_autofree char *ttl = s->rx.rx_ttl >= 0 ? g_strdup_printf ("%d", s->rx.rx_ttl) : g_strdup ("-");
      g_autofree char *tos = s->rx.rx_tos >= 0 ? g_strdup_printf ("0x%02x%s", s->rx.rx_tos,
                                                                    s->remarked ? "!" : "")
                                               : g_strdup ("-");
      const char *dscp = s->dscp >= 0 ? wv_dscp_name (s->dscp) : "-";
      g_autofree char *probes = s->rx_missing ? g_strdup ("-")
                                              : g_strdup_printf ("%u", s->rx.probes);
      g_autofree char *note = summary_note (s);

      any_remarked |= s->remarked;
      fprintf (out, "%-4u v%-3d %-4s %-6s %8s %7s %7s %17s %17s %17s %12s %4s %5s %-9s %s\n",
               r->conn, r->family, wv_direction_to_string (r->dir), dscp ? dscp : "?",
               probes, loss, reord, rtt, owd, jit, thr, ttl, tos,
               s->owd_mode == WV_OWD_SYNCED ? "synced" : "estimated", note);
    }
  if (any_remarked)
    fprintf (out, "(! after tos: the DSCP was re-marked on the way)\n");
}

static const char *
timing_label (guint wire, guint n)
{
  if (n == 0)
    return "-";
  return wire >= n ? "wire" : wire == 0 ? "app" : "mixed";
}

void
wv_report_print_stack (WvReport *self, FILE *out)
{
  GArray *summaries = wv_report_get_summaries (self);

  if (summaries->len == 0)
    return;
  fprintf (out, "our own stack, not the path (ms p50/p99):\n%-4s %-4s %-4s %-6s %17s %17s %7s %7s %9s\n",
           "conn", "ip", "dir", "dscp", "sender app->wire", "wire->receiver", "timing", "rtt", "skew ppm");
  for (guint i = 0; i < summaries->len; i++)
    {
      const WvRecord *r = &g_array_index (summaries, WvRecord, i);
      const WvStatsRecord *s = &r->stats;
      g_autofree char *send = fmt_ms (&s->rx.stack_send_ms);
      g_autofree char *recv = fmt_ms (&s->rx.stack_recv_ms);
      g_autofree char *skew = fmt_num (s->skew_ppm, "%.2f");
      const char *dscp = s->dscp >= 0 ? wv_dscp_name (s->dscp) : "-";

      fprintf (out, "%-4u v%-3d %-4s %-6s %17s %17s %7s %7s %9s\n",
               r->conn, r->family, wv_direction_to_string (r->dir), dscp ? dscp : "?",
               send, recv, timing_label (s->rx.wire_samples, s->rx.owd_ms.n),
               timing_label (s->rtt_wire_samples, s->rtt_ms.n), skew);
    }
}

void
wv_report_print_outages (WvReport *self, FILE *out)
{
  GArray *outages = wv_report_get_outages (self);
  GArray *lost = wv_report_get_lost (self);
  gint64 t0 = wv_report_get_start_ns (self);

  for (guint i = 0; i < outages->len; i++)
    t0 = MIN (t0 > 0 ? t0 : G_MAXINT64, g_array_index (outages, WvRecord, i).outage.start_ns);
  if (outages->len == 0)
    fprintf (out, "no outage: every probe stream kept arriving\n");
  else
    {
      fprintf (out, "%u outage(s), times in s from the start:\n%-4s %-4s %-4s %10s %10s %12s\n",
               outages->len, "conn", "ip", "dir", "start s", "length s", "probes lost");
      for (guint i = 0; i < outages->len; i++)
        {
          const WvRecord *r = &g_array_index (outages, WvRecord, i);

          if (r->outage.end_ns)
            fprintf (out, "%-4u v%-3d %-4s %10.3f %10.3f %12" G_GUINT64_FORMAT "\n", r->conn,
                     r->family, wv_direction_to_string (r->dir), (r->outage.start_ns - t0) / 1e9,
                     (r->outage.end_ns - r->outage.start_ns) / 1e9, r->outage.probes_lost);
          else
            fprintf (out, "%-4u v%-3d %-4s %10.3f %10s %12s\n", r->conn, r->family,
                     wv_direction_to_string (r->dir), (r->outage.start_ns - t0) / 1e9,
                     "not ended", "-");
        }
    }
  for (guint i = 0; i < lost->len; i++)
    {
      const WvRecord *r = &g_array_index (lost, WvRecord, i);

      fprintf (out, "connection %u (IPv%d) lost: nothing from the peer for %.0f s\n", r->conn,
               r->family, r->lost.timeout_s);
    }
}

/* --- Wi-Fi -------------------------------------------------------------------------- */

void
wv_report_print_wifi (WvReport *self, FILE *out)
{
  GArray *wifi = wv_report_get_wifi (self);
  WvWifiRange range;

  if (wifi->len == 0)
    return;
  wv_report_get_wifi_range (self, &range);
  fprintf (out, "Wi-Fi link (%u samples from NetworkManager)\n", wifi->len);
  {
    g_autofree char *first = wv_report_describe_wifi (&g_array_index (wifi, WvRecord, 0).wifi);

    fprintf (out, "  at the start: %s\n", first);
  }
  if (range.n_signal > 0)
    fprintf (out, "  signal %d-%d %% (mean %.0f %%)", range.signal_lo, range.signal_hi, range.signal_mean);
  if (range.rate_hi_kbps > 0)
    fprintf (out, "%slink rate %g-%g Mbit/s", range.n_signal > 0 ? ", " : "  ", range.rate_lo_kbps / 1000.0,
             range.rate_hi_kbps / 1000.0);
  if (range.n_signal > 0 || range.rate_hi_kbps > 0)
    fputc ('\n', out);
  for (guint i = 1; i < wifi->len; i++)
    {
      const WvRecord *r = &g_array_index (wifi, WvRecord, i);
      const WvRecord *prev = &g_array_index (wifi, WvRecord, i - 1);
      g_autofree char *when = NULL;
      g_autofree char *to = NULL;

      if (!r->wifi.roamed)
        continue;
      when = wv_report_format_time (r->time_ns);
      to = wv_report_describe_wifi (&r->wifi);
      fprintf (out, "  roamed at %s from %s to %s\n", when,
               prev->wifi.bssid[0] ? prev->wifi.bssid : "?", to);
    }
}

/* --- paths ------------------------------------------------------------------------------ */

void
wv_report_print_paths (WvReport *self, FILE *out)
{
  WvTraceTable *table = wv_report_get_trace_table (self);
  WvPathNotes *notes = wv_report_get_path_notes (self);
  gboolean said_paths = FALSE;

  /* The table keeps its paths in connection order, client-to-server
   * first. */
  for (guint p = 0; p < wv_trace_table_get_n_paths (table); p++)
    {
      WvTracePathKey key;
      guint rounds = wv_trace_table_get_n_rounds (table, p);
      gboolean confirmed;
      guint path_mtu = wv_trace_table_get_path_mtu (table, p, &confirmed);

      wv_trace_table_get_key (table, p, &key);
      fprintf (out, "connection %u IPv%d %s path (%u round%s):\n", key.conn, key.family,
               wv_direction_to_string (key.dir), rounds, rounds == 1 ? "" : "s");
      for (guint h = 0; h < wv_trace_table_get_n_hops (table, p); h++)
        {
          WvTraceHop hop;

          if (!wv_trace_table_get_hop (table, p, h, &hop))
            break;
          if (hop.address == NULL)
            fprintf (out, "  %2u  %-39s %s\n", hop.ttl, "*", "no reply");
          else
            {
              g_autofree char *m = hop.has_mtu && hop.mtu ? g_strdup_printf ("  mtu %u", hop.mtu)
                                                          : g_strdup ("");
              g_autofree char *d = NULL;

              if (hop.has_rx_tos)
                {
                  g_autofree char *name = dscp_text (hop.rx_tos >> 2);

                  d = g_strdup_printf ("  dscp %s", name);
                }
              /* An address means at least one answer, so the RTTs and
               * the loss are known. */
              fprintf (out, "  %2u  %-39s %.3f/%.3f/%.3f ms  loss %.0f %%%s%s%s\n", hop.ttl,
                       hop.address, hop.rtt.min, hop.rtt.mean, hop.rtt.max, hop.loss_pct, m,
                       d ? d : "", hop.reached ? "  (peer)" : "");
            }
        }
      if (path_mtu)
        fprintf (out, "  path MTU %s%u%s\n",
                 wv_trace_table_get_path_mtu_at_least (table, p) ? "at least " : "", path_mtu,
                 confirmed ? " (confirmed by the peer)" : " (not confirmed)");
    }

  /* Grouping says something once a family and direction has several
   * connections. */
  for (guint i = 0; i < notes->sets->len; i++)
    {
      const WvPathSet *set = g_ptr_array_index (notes->sets, i);
      g_autofree char *text = NULL;

      if (set->groups->len == 1 &&
          ((WvPathGroup *) g_ptr_array_index (set->groups, 0))->conns->len < 2)
        continue;
      text = wv_report_describe_path_set (set);
      if (!said_paths)
        fprintf (out, "Paths\n");
      said_paths = TRUE;
      fprintf (out, "  %s\n", text);
    }
  if (notes->notes->len > 0 && !said_paths)
    fprintf (out, "Paths\n");
  for (guint i = 0; i < notes->notes->len; i++)
    {
      g_autofree char *text = wv_report_describe_note (&g_array_index (notes->notes, WvPathNote, i));

      fprintf (out, "  %s\n", text);
    }
}

void
wv_report_print (WvReport *self, const char *name, FILE *out)
{
  const char * const *problems = wv_report_get_problems (self);

  fprintf (out, "wifi-verify run %s\n", name);
  wv_report_print_metadata (self, out);
  for (guint i = 0; problems[i] != NULL; i++)
    fprintf (out, "  %-11s %s\n", i ? "" : "read", problems[i]);
  fputc ('\n', out);
  wv_report_print_verdicts (self, out);
  if (wv_report_get_summaries (self)->len > 0)
    {
      fputc ('\n', out);
      wv_report_print_summary (self, out);
    }
  if (wv_report_get_wifi (self)->len > 0)
    {
      fputc ('\n', out);
      wv_report_print_wifi (self, out);
    }
  if (wv_trace_table_get_n_paths (wv_report_get_trace_table (self)) > 0)
    {
      fputc ('\n', out);
      wv_report_print_paths (self, out);
    }
}

/* --- two runs ------------------------------------------------------------------------ */

static char *
change (double a, double b, const char *format)
{
  g_autofree char *x = fmt_num (a, format);
  g_autofree char *y = fmt_num (b, format);

  return g_strdup_printf ("%s -> %s", x, y);
}

static double
p50_or_nan (const WvSummary *s)
{
  return s->n > 0 ? s->p50 : NAN;
}

/* A change worth a line: at least @abs and at least @rel of the larger. */
static gboolean
notable (double a, double b, double abs_min, double rel_min)
{
  double d = fabs (b - a);

  if (!isfinite (a) || !isfinite (b))
    return isfinite (a) != isfinite (b);
  return d >= abs_min && d >= rel_min * MAX (fabs (a), fabs (b));
}

static void
print_run_line (FILE *out, const char *tag, WvReport *r, const char *name)
{
  const WvRunMeta *m = wv_report_get_meta (r);
  g_autofree char *when = wv_report_format_time (wv_report_get_start_ns (r));
  gint64 span = wv_report_get_end_ns (r) - wv_report_get_start_ns (r);

  fprintf (out, "  %s  %s: %s, %.0f s, %s%s\n", tag, name, when, span / 1e9,
           m && g_strcmp0 (m->mode, "self-test") == 0 ? "self-test"
           : m && m->server ? m->server : "?",
           m && m->has_wifi ? ", Wi-Fi" : "");
}

void
wv_report_print_compare (WvReport *a, const char *name_a, WvReport *b, const char *name_b,
                         FILE *out)
{
  GArray *sa = wv_report_get_summaries (a), *sb = wv_report_get_summaries (b);
  g_autoptr(GPtrArray) diffs = g_ptr_array_new_with_free_func (g_free);

  fprintf (out, "Comparing two runs\n");
  print_run_line (out, "A", a, name_a);
  print_run_line (out, "B", b, name_b);

  fprintf (out, "\n  %-21s %-28s %s\n", "Verdict for the run", "A", "B");
  for (WvProfile p = 0; p < WV_N_PROFILES; p++)
    {
      const WvRecord *va = wv_report_get_run_verdict (a, p), *vb = wv_report_get_run_verdict (b, p);
      g_autofree char *ca = va ? wv_report_verdict_cell (&va->verdict) : g_strdup ("-");
      g_autofree char *cb = vb ? wv_report_verdict_cell (&vb->verdict) : g_strdup ("-");
      const char *trend = "";

      if (va && vb && va->verdict.grade != WV_GRADE_UNKNOWN && vb->verdict.grade != WV_GRADE_UNKNOWN)
        trend = vb->verdict.grade > va->verdict.grade ? "worse"
                : vb->verdict.grade < va->verdict.grade ? "better" : "same";
      if (*trend)
        fprintf (out, "  %-21s %-28s %-28s %s\n", wv_report_profile_title (p), ca, cb, trend);
      else
        fprintf (out, "  %-21s %-28s %s\n", wv_report_profile_title (p), ca, cb);
      if (va && vb && va->verdict.grade != vb->verdict.grade)
        {
          g_autofree char *why = wv_report_describe_verdict (&vb->verdict);

          g_ptr_array_add (diffs, g_strdup_printf ("%s: %s in A, %s in B (%s)",
                                                   wv_report_profile_title (p),
                                                   grade_word (va->verdict.grade),
                                                   grade_word (vb->verdict.grade), why));
        }
    }

  fprintf (out, "\nPer connection and direction, A -> B (medians)\n");
  fprintf (out, "  %-4s %-3s %-4s %-5s %-21s %-21s %-19s %s\n", "conn", "ip", "dir", "dscp",
           "rtt ms", "owd ms", "jitter ms", "loss %");
  for (guint i = 0; i < sa->len; i++)
    {
      const WvRecord *x = &g_array_index (sa, WvRecord, i);
      const WvRecord *y = wv_report_find_summary (sb, x);
      g_autofree char *label = wv_report_stream_label (x);
      g_autofree char *dscp = x->stats.dscp >= 0 ? dscp_text (x->stats.dscp) : g_strdup ("-");
      double la = x->stats.rx.expected ? x->stats.rx.loss_pct : NAN;
      double ja = x->stats.rx.probes ? x->stats.rx.jitter_ms : NAN;
      g_autofree char *rtt = NULL, *owd = NULL, *jit = NULL, *loss = NULL;
      double lb, jb;

      if (y == NULL)
        {
          g_ptr_array_add (diffs, g_strdup_printf ("%s: only in A", label));
          continue;
        }
      lb = y->stats.rx.expected ? y->stats.rx.loss_pct : NAN;
      jb = y->stats.rx.probes ? y->stats.rx.jitter_ms : NAN;
      rtt = change (p50_or_nan (&x->stats.rtt_ms), p50_or_nan (&y->stats.rtt_ms), "%.2f");
      owd = change (p50_or_nan (&x->stats.rx.owd_ms), p50_or_nan (&y->stats.rx.owd_ms), "%.2f");
      jit = change (ja, jb, "%.2f");
      loss = change (la, lb, "%.2f");
      fprintf (out, "  %-4u v%-2d %-4s %-5s %-21s %-21s %-19s %s\n", x->conn, x->family,
               wv_direction_to_string (x->dir), dscp, rtt, owd, jit, loss);

      if (notable (p50_or_nan (&x->stats.rtt_ms), p50_or_nan (&y->stats.rtt_ms), 1.0, 0.2))
        g_ptr_array_add (diffs, g_strdup_printf ("%s: round-trip time %s ms", label, rtt));
      if (notable (p50_or_nan (&x->stats.rx.owd_ms), p50_or_nan (&y->stats.rx.owd_ms), 1.0, 0.2))
        g_ptr_array_add (diffs, g_strdup_printf ("%s: one-way delay %s ms", label, owd));
      if (notable (ja, jb, 0.5, 0.2))
        g_ptr_array_add (diffs, g_strdup_printf ("%s: jitter %s ms", label, jit));
      if (notable (la, lb, 0.1, 0))
        g_ptr_array_add (diffs, g_strdup_printf ("%s: loss %s %%", label, loss));
    }
  for (guint i = 0; i < sb->len; i++)
    if (wv_report_find_summary (sa, &g_array_index (sb, WvRecord, i)) == NULL)
      {
        g_autofree char *label = wv_report_stream_label (&g_array_index (sb, WvRecord, i));

        g_ptr_array_add (diffs, g_strdup_printf ("%s: only in B", label));
      }

  /* Paths: the hop addresses and MTUs of the paths both runs traced. */
  {
    WvTraceTable *ta = wv_report_get_trace_table (a), *tb = wv_report_get_trace_table (b);

    for (guint p = 0; p < wv_trace_table_get_n_paths (ta); p++)
      {
        WvTracePathKey key;
        int q;
        gboolean ca, cb;
        guint ma, mb;
        g_autofree char *label = NULL;

        wv_trace_table_get_key (ta, p, &key);
        q = wv_trace_table_find (tb, key.conn, key.dir);
        if (q < 0)
          continue;
        label = path_label (key.conn, key.family, key.dir);
        for (guint h = 0; h < MIN (wv_trace_table_get_n_hops (ta, p),
                                   wv_trace_table_get_n_hops (tb, (guint) q)); h++)
          {
            WvTraceHop x, y;

            if (wv_trace_table_get_hop (ta, p, h, &x) && wv_trace_table_get_hop (tb, (guint) q, h, &y) &&
                x.address && y.address && strcmp (x.address, y.address) != 0)
              g_ptr_array_add (diffs, g_strdup_printf ("%s: hop %u was %s, is %s", label, h + 1,
                                                       x.address, y.address));
          }
        if (wv_trace_table_get_n_hops (ta, p) != wv_trace_table_get_n_hops (tb, (guint) q))
          g_ptr_array_add (diffs, g_strdup_printf ("%s: %u hops, then %u", label,
                                                   wv_trace_table_get_n_hops (ta, p),
                                                   wv_trace_table_get_n_hops (tb, (guint) q)));
        ma = wv_trace_table_get_path_mtu (ta, p, &ca);
        mb = wv_trace_table_get_path_mtu (tb, (guint) q, &cb);
        if (ma && mb && ma != mb)
          g_ptr_array_add (diffs, g_strdup_printf ("%s: path MTU %u, then %u", label, ma, mb));
      }
  }

  /* The Wi-Fi link. */
  {
    const WvRunMeta *ma = wv_report_get_meta (a), *mb = wv_report_get_meta (b);

    if (ma && mb && ma->has_wifi != mb->has_wifi)
      g_ptr_array_add (diffs, g_strdup_printf ("Wi-Fi: %s in A, %s in B",
                                               ma->has_wifi ? "measured" : "not used",
                                               mb->has_wifi ? "measured" : "not used"));
    else if (ma && mb && ma->has_wifi &&
             (strcmp (ma->wifi.bssid, mb->wifi.bssid) != 0 ||
              ma->wifi.frequency_mhz != mb->wifi.frequency_mhz))
      {
        g_autofree char *x = wv_report_describe_wifi (&ma->wifi);
        g_autofree char *y = wv_report_describe_wifi (&mb->wifi);

        g_ptr_array_add (diffs, g_strdup_printf ("Wi-Fi: %s in A, %s in B", x, y));
      }
  }

  fprintf (out, "\nDifferences\n");
  if (diffs->len == 0)
    fprintf (out, "  none worth a mention (delays within 20 %% or 1 ms, loss within 0.1 point)\n");
  for (guint i = 0; i < diffs->len; i++)
    fprintf (out, "  %s\n", (const char *) g_ptr_array_index (diffs, i));
}
