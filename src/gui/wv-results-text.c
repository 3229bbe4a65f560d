/* wv-results-text.c: a run's results in the window's words
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The engine judges and groups (wv-verdict, wv-path-notes) and says what
 * it found as values; here the window words them, through gettext, for the
 * summary page, the saved runs and the comparison. The CLI and the PDF
 * report have their own plain English wording (src/report), of the same
 * values.
 */
#define G_LOG_DOMAIN "wv-gui"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "wv-dscp.h"
#include "wv-gui.h"
#include "wv-results-text.h"
#include "wv-verdict.h"

char *
wv_gui_format_connection (int   family,
                          guint position)
{
  /* TRANSLATORS: a connection everywhere in the window (list, tables,
   * charts, log): address family and its number within the family,
   * e.g. "IPv6 · 3" */
  return g_strdup_printf (_("IPv%d · %u"), family, position + 1);
}

/* @families: connection index -> address family of every connection of
 * the run (wv_gui_connection_families()); the label numbers the
 * connections of each family from 1, as the connection list does. */
static guint connection_position (GHashTable *families,
                                  guint       conn,
                                  int         family);

char *
wv_gui_connection_label (GHashTable *families,
                         guint       conn,
                         int         family)
{
  return wv_gui_format_connection (family, connection_position (families, conn, family));
}

/* The address family of each connection that @records (WvRecord) name. */
GHashTable *
wv_gui_connection_families (GArray *records)
{
  GHashTable *families = g_hash_table_new (NULL, NULL);

  for (guint i = 0; records && i < records->len; i++)
    {
      const WvRecord *r = &g_array_index (records, WvRecord, i);

      if ((r->family == 4 || r->family == 6) && r->type != WV_RECORD_WIFI &&
          !(r->type == WV_RECORD_VERDICT && r->verdict.run))
        g_hash_table_insert (families, GUINT_TO_POINTER (r->conn), GINT_TO_POINTER (r->family));
    }
  return families;
}

/* A probe stream's class: its DSCP name, or "unmarked". */
char *
wv_gui_class_text (int dscp)
{
  const char *name = wv_dscp_name (dscp);

  if (dscp < 0 || dscp > 63)
    /* TRANSLATORS: the probe stream sent without a DSCP of its own */
    return g_strdup (_("unmarked"));
  return name ? g_strdup (name) : g_strdup_printf ("%d", dscp);
}

const char *
wv_gui_profile_title (WvProfile profile)
{
  switch (profile)
    {
    case WV_PROFILE_VOICE: return _("Voice call");
    case WV_PROFILE_VIDEO: return _("Video call");
    /* TRANSLATORS: the verdict for interactive uses such as online games */
    case WV_PROFILE_INTERACTIVE: return _("Interactive (gaming)");
    case WV_N_PROFILES:
    default: return "?";
    }
}

const char *
wv_gui_grade_label (WvGrade grade)
{
  switch (grade)
    {
    /* TRANSLATORS: verdict grades */
    case WV_GRADE_GOOD: return _("Good");
    case WV_GRADE_FAIR: return _("Fair");
    case WV_GRADE_POOR: return _("Poor");
    case WV_GRADE_UNKNOWN:
    case WV_N_GRADES:
    default: return _("Unknown");
    }
}

const char *
wv_gui_grade_css_class (WvGrade grade)
{
  switch (grade)
    {
    case WV_GRADE_GOOD: return "wv-grade-good";
    case WV_GRADE_FAIR: return "wv-grade-fair";
    case WV_GRADE_POOR: return "wv-grade-poor";
    case WV_GRADE_UNKNOWN:
    case WV_N_GRADES:
    default: return "wv-grade-unknown";
    }
}

void
wv_gui_set_grade_class (GtkWidget *widget,
                        WvGrade    grade)
{
  for (WvGrade g = 0; g < WV_N_GRADES; g++)
    gtk_widget_remove_css_class (widget, wv_gui_grade_css_class (g));
  gtk_widget_add_css_class (widget, wv_gui_grade_css_class (grade));
}

char *
wv_gui_describe_verdict (const WvVerdictRecord *v)
{
  gboolean good = v->grade == WV_GRADE_GOOD;

  switch (v->metric)
    {
    case WV_VERDICT_METRIC_R_FACTOR:
      {
        g_autofree char *loss = wv_gui_format_pct (isfinite (v->loss_pct) ? v->loss_pct : 0);

        if (good)
          /* TRANSLATORS: voice verdict: E-model rating R, its threshold, MOS,
           * G.109 category, the mouth-to-ear delay and the loss it assumed */
          return g_strdup_printf (_("E-model R %.1f ≥ %g (MOS %.2f, %s); mouth-to-ear delay %.0f ms%s, loss %s"),
                                  v->value, v->threshold, v->mos, wv_r_factor_band (v->value), v->delay_ms,
                                  v->delay_from_rtt ? _(" (from the round trip)") : "", loss);
        return g_strdup_printf (_("E-model R %.1f < %g (MOS %.2f, %s); mouth-to-ear delay %.0f ms%s, loss %s"),
                                v->value, v->threshold, v->mos, wv_r_factor_band (v->value), v->delay_ms,
                                v->delay_from_rtt ? _(" (from the round trip)") : "", loss);
      }
    case WV_VERDICT_METRIC_DELAY:
      {
        g_autofree char *ms = wv_verdict_format_ms (v->value);

        if (v->delay_from_rtt)
          return good ? g_strdup_printf (_("half the round trip, 99th percentile, %s ms ≤ %g ms"), ms, v->threshold)
                      : g_strdup_printf (_("half the round trip, 99th percentile, %s ms > %g ms"), ms, v->threshold);
        return good ? g_strdup_printf (_("one-way delay, 99th percentile, %s ms ≤ %g ms"), ms, v->threshold)
                    : g_strdup_printf (_("one-way delay, 99th percentile, %s ms > %g ms"), ms, v->threshold);
      }
    case WV_VERDICT_METRIC_LOSS:
      return good ? g_strdup_printf (_("loss %.2f %% ≤ %g %%"), v->value, v->threshold)
                  : g_strdup_printf (_("loss %.2f %% > %g %%"), v->value, v->threshold);
    case WV_VERDICT_METRIC_OUTAGE:
      if (v->grade == WV_GRADE_POOR)
        return g_strdup_printf (_("an outage of %.1f s ≥ %g s"), v->value, v->threshold);
      return g_strdup_printf (_("an outage of %.1f s (any outage of %g s or more)"), v->value, v->threshold);
    case WV_VERDICT_METRIC_NONE:
    case WV_N_VERDICT_METRICS:
    default:
      return g_strdup (_("nothing measured to judge by"));
    }
}

char *
wv_gui_verdict_cell (const WvVerdictRecord *v)
{
  const char *grade = wv_gui_grade_label (v->grade);

  switch (v->metric)
    {
    /* TRANSLATORS: a verdict in a table cell: the grade and the metric that decided it */
    case WV_VERDICT_METRIC_R_FACTOR: return g_strdup_printf (_("%s · R %.1f"), grade, v->value);
    case WV_VERDICT_METRIC_DELAY:
      {
        g_autofree char *ms = wv_verdict_format_ms (v->value);

        return g_strdup_printf (_("%s · delay %s ms"), grade, ms);
      }
    case WV_VERDICT_METRIC_LOSS: return g_strdup_printf (_("%s · loss %.2f %%"), grade, v->value);
    case WV_VERDICT_METRIC_OUTAGE: return g_strdup_printf (_("%s · outage %.1f s"), grade, v->value);
    case WV_VERDICT_METRIC_NONE:
    case WV_N_VERDICT_METRICS:
    default: return g_strdup (grade);
    }
}

static char *
dscp_text (int dscp)
{
  const char *name = wv_dscp_name (dscp);

  return name ? g_strdup (name) : g_strdup_printf ("%d", dscp);
}

char *
wv_gui_stream_label (GHashTable     *families,
                     const WvRecord *r)
{
  int dscp = r->type == WV_RECORD_VERDICT ? r->verdict.dscp
             : (r->type == WV_RECORD_STATS || r->type == WV_RECORD_SUMMARY) ? r->stats.dscp : -1;
  g_autofree char *conn = wv_gui_connection_label (families, r->conn, r->family);
  g_autofree char *d = dscp >= 0 ? dscp_text (dscp) : NULL;

  if (d)
    /* TRANSLATORS: connection, direction and DSCP class of a probe stream */
    return g_strdup_printf (_("%s, %s, %s"), conn, wv_gui_direction_label (r->dir), d);
  /* TRANSLATORS: connection and direction of a probe stream */
  return g_strdup_printf (_("%s, %s"), conn, wv_gui_direction_label (r->dir));
}

static char *
hop_text (guint       ttl,
          const char *addr)
{
  if (addr && *addr)
    /* TRANSLATORS: a router along the path: its distance and address */
    return g_strdup_printf (_("hop %u (%s)"), ttl, addr);
  return g_strdup_printf (_("hop %u"), ttl);
}

char *
wv_gui_describe_note (GHashTable       *families,
                      const WvPathNote *n)
{
  g_autofree char *conn = wv_gui_connection_label (families, n->conn, n->family);
  g_autofree char *hop = hop_text (n->ttl, n->addr);
  g_autofree char *before = dscp_text (n->dscp_before);
  g_autofree char *after = dscp_text (n->dscp_after);
  const char *dir = wv_gui_direction_label (n->dir);

  switch (n->kind)
    {
    case WV_PATH_NOTE_LOSS_FROM:
      return g_strdup_printf (_("%s, %s: loss starts at %s (%.0f %% of the probes) and goes on up to "
                                "the peer: packets are lost on the link into hop %u or after it"),
                              conn, dir, hop, n->loss_pct, n->ttl);
    case WV_PATH_NOTE_RATE_LIMIT:
      return g_strdup_printf (_("%s, %s: %s left %.0f %% of the probes unanswered, but hop %u and later "
                                "answered all: that router limits its ICMP answers, this is not packet loss"),
                              conn, dir, hop, n->loss_pct, n->later_ttl);
    case WV_PATH_NOTE_REMARKED:
      if (n->prev_ttl == 0)
        return g_strdup_printf (_("%s, %s: DSCP %s as sent arrived as %s at %s: the first router "
                                  "re-marked it"), conn, dir, before, after, hop);
      return g_strdup_printf (_("%s, %s: DSCP %s at hop %u arrived as %s at %s: re-marked between them"),
                              conn, dir, before, n->prev_ttl, after, hop);
    case WV_PATH_NOTE_DSCP_KEPT:
      return g_strdup_printf (_("%s, %s: DSCP %s kept up to %s, the last router that quoted it"),
                              conn, dir, before, hop);
    case WV_PATH_NOTE_DSCP_UNKNOWN:
      return g_strdup_printf (_("%s, %s: probes sent with DSCP %s, but no router's ICMP error quoted them "
                                "(the DSCP along the path needs the ICMP helper)"), conn, dir, before);
    default:
      return g_strdup_printf ("%s, %s: ?", conn, dir);
    }
}

/* The connection's number within its family, from 0 (as in its label). */
static guint
connection_position (GHashTable *families,
                     guint       conn,
                     int         family)
{
  GHashTableIter iter;
  gpointer key, value;
  guint position = 0;

  if (families == NULL)
    return conn;
  g_hash_table_iter_init (&iter, families);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (GPOINTER_TO_UINT (key) < conn && GPOINTER_TO_INT (value) == family)
      position++;
  return position;
}

/* "connections 1-7" in the window's words: numbered within the family,
 * as the labels "IPv4 · 1" are. */
static char *
connections_text (GHashTable        *families,
                  int                family,
                  const WvPathGroup *g)
{
  g_autoptr(GArray) numbers = g_array_sized_new (FALSE, FALSE, sizeof (guint), g->conns->len);
  g_autofree char *list = NULL;
  const char *text;

  for (guint i = 0; i < g->conns->len; i++)
    {
      guint n = connection_position (families, g_array_index (g->conns, guint, i), family) + 1;

      g_array_append_val (numbers, n);
    }
  list = wv_format_connections ((const guint *) (gpointer) numbers->data, numbers->len);
  /* wv_format_connections() says "connection 8" / "connections 0-6". */
  text = strchr (list, ' ');
  text = text ? text + 1 : list;
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "connection %s", "connections %s", g->conns->len),
                          text);
}

char *
wv_gui_describe_path_set (GHashTable      *families,
                          const WvPathSet *set)
{
  g_autoptr(GString) s = g_string_new (NULL);
  const char *dir = wv_gui_direction_label (set->dir);

  if (set->groups->len == 1)
    {
      g_autofree char *conns = connections_text (families, set->family, g_ptr_array_index (set->groups, 0));

      /* TRANSLATORS: e.g. "IPv4, Client → server: one path (connections 1-4)" */
      return g_strdup_printf (_("IPv%d, %s: one path (%s)"), set->family, dir, conns);
    }
  for (guint i = 0; i < set->groups->len; i++)
    {
      g_autofree char *name = wv_path_group_name (i);
      g_autofree char *conns = connections_text (families, set->family, g_ptr_array_index (set->groups, i));

      g_string_append_printf (s, "%s%s (%s)", i ? ", " : "", name, conns);
    }
  for (guint k = 0; k < set->differing->len; k++)
    {
      guint ttl = g_array_index (set->differing, guint, k);
      g_autoptr(GString) at = g_string_new (NULL);

      for (guint i = 0; i < set->groups->len; i++)
        {
          const WvPathGroup *g = g_ptr_array_index (set->groups, i);
          const char *a = ttl <= g->hops->len ? g_ptr_array_index (g->hops, ttl - 1) : NULL;
          g_autofree char *name = wv_path_group_name (i);

          g_string_append_printf (at, "%s%s %s", i ? ", " : "", name, a ? a : "*");
        }
      /* TRANSLATORS: where distinct paths part: the hop's distance and each path's router */
      g_string_append_printf (s, _("; at hop %u: %s"), ttl, at->str);
    }
  /* TRANSLATORS: e.g. "IPv4, Client → server: 2 paths: A (connections 1-7), B (connection 8); at hop 2: A 10.1.0.1, B 10.1.0.2" */
  return g_strdup_printf (_("IPv%d, %s: %u paths: %s"), set->family, dir, set->groups->len, s->str);
}

char *
wv_gui_describe_wifi (const WvWifiRecord *w)
{
  g_autoptr(GString) s = g_string_new (NULL);
  g_autofree char *ssid = g_utf8_make_valid ((const char *) w->ssid, MIN (w->ssid_len, WV_SSID_MAX));
  const char *band = wv_wifi_band (w->frequency_mhz);

  g_string_append_printf (s, "“%s”", ssid);
  if (w->bssid[0])
    /* TRANSLATORS: the access point's hardware address */
    g_string_append_printf (s, _(", access point %s"), w->bssid);
  if (band)
    g_string_append_printf (s, ", %s", band);
  if (w->channel)
    g_string_append_printf (s, _(" channel %u"), w->channel);
  if (w->frequency_mhz)
    g_string_append_printf (s, " (%u MHz)", w->frequency_mhz);
  if (w->signal_pct >= 0)
    g_string_append_printf (s, _(", signal %d %%"), w->signal_pct);
  if (w->bitrate_kbps)
    g_string_append_printf (s, _(", link rate %g Mbit/s"), w->bitrate_kbps / 1000.0);
  if (w->iface[0])
    g_string_append_printf (s, _(" on %s"), w->iface);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

const char *
wv_gui_wifi_absent_label (WvWifiAbsent reason)
{
  switch (reason)
    {
    case WV_WIFI_ABSENT_NOT_CHECKED: return _("not checked: no connection came up");
    case WV_WIFI_ABSENT_NOT_WIFI: return _("the interfaces measured through are not Wi-Fi");
    case WV_WIFI_ABSENT_NOT_ASSOCIATED: return _("the Wi-Fi interface is not connected to an access point");
    case WV_WIFI_ABSENT_NO_NETWORKMANAGER: return _("NetworkManager is not running or did not answer");
    case WV_WIFI_ABSENT_UNSUPPORTED: return _("this build cannot read the Wi-Fi link");
    case WV_WIFI_ABSENT_NONE:
    case WV_N_WIFI_ABSENT:
    default: return _("unknown");
    }
}

char *
wv_gui_format_time (gint64 time_ns)
{
  g_autoptr(GDateTime) t = g_date_time_new_from_unix_local (time_ns / 1000000000);

  return t ? g_date_time_format (t, "%Y-%m-%d %H:%M:%S") : g_strdup ("–");
}

char *
wv_gui_format_duration (double seconds)
{
  guint s;

  if (!isfinite (seconds) || seconds < 0)
    return g_strdup ("–");
  s = (guint) (seconds + 0.5);
  if (s >= 3600)
    /* TRANSLATORS: a duration in hours, minutes and seconds */
    return g_strdup_printf (_("%u h %02u min %02u s"), s / 3600, s / 60 % 60, s % 60);
  if (s >= 60)
    /* TRANSLATORS: a duration in minutes and seconds */
    return g_strdup_printf (_("%u min %02u s"), s / 60, s % 60);
  /* TRANSLATORS: a duration in seconds */
  return g_strdup_printf (_("%u s"), s);
}

char *
wv_gui_describe_target (const WvRunMeta *meta)
{
  if (meta == NULL)
    return g_strdup (_("Unknown"));
  if (g_strcmp0 (meta->mode, "self-test") == 0 || meta->server == NULL)
    return g_strdup (_("Self-test"));
  return g_strdup (meta->server);
}
