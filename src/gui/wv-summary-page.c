/* wv-summary-page.c: the verdict and the summary of a run
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a technician acts on, on one page: the verdict for a voice call, a
 * video call and interactive use (each with the metric that decided it
 * and its threshold), the verdicts per connection and direction, the
 * summary table the CLI prints (delay and RTT with median, 99th
 * percentile and maximum side by side), the outages, notes on the paths
 * (ECMP, where loss starts, ICMP rate limiting, DSCP re-marking), the
 * Wi-Fi link, and what was measured where and when.
 *
 * Everything is judged by the engine's rules (wv-verdict, wv-path-notes),
 * arranged by the report module (wv-report) as for `wifi-verify-cli
 * report`, from the session's records: once the run has its summaries,
 * over the whole run; while it goes on, over the newest 10 s window of
 * each stream, which stands in for its summary. The page keeps only the
 * records it needs (not the per-second statistics) and rebuilds at most
 * every two seconds, and only while it is on screen.
 */
#define G_LOG_DOMAIN "wv-gui"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "wv-dscp.h"
#include "wv-grid-table.h"
#include "wv-gui.h"
#include "wv-report.h"
#include "wv-results-text.h"
#include "wv-summary-page.h"

#define REBUILD_INTERVAL_MS 2000

typedef struct {
  GtkWidget *box;
  GtkLabel *title;
  GtkLabel *grade;
  GtkLabel *detail;
  GtkLabel *stream;
} Card;

struct _WvSummaryPage
{
  GtkWidget parent_instance;

  GtkStack *stack;
  GtkLabel *basis_label;
  GtkBox *verdict_box;
  GtkGrid *verdict_grid;
  GtkLabel *summary_title;
  GtkGrid *summary_grid;
  GtkLabel *outages_label;
  GtkGrid *outage_grid;
  GtkLabel *paths_label;
  GtkLabel *wifi_label;
  GtkGrid *meta_grid;

  Card cards[WV_N_PROFILES];
  WvGrade grades[WV_N_PROFILES];
  char *verdict_texts[WV_N_PROFILES];
  WvGridTable *tables[WV_N_SUMMARY_TABLES];

  WvSession *session;
  GHashTable *families;           /* connection -> family, for labels */
  GArray *kept;                   /* WvRecord: all but the stats */
  GArray *windows;                /* WvRecord: the newest 10 s stats per stream */
  gboolean have_summaries;
  const char *basis;
  gboolean dirty;
  guint rebuild_id;
  gint64 last_rebuild;
};

G_DEFINE_FINAL_TYPE (WvSummaryPage, wv_summary_page, GTK_TYPE_WIDGET)

/* --- what the page keeps ---------------------------------------------------- */

static void
keep_window (WvSummaryPage  *self,
             const WvRecord *r)
{
  for (guint i = 0; i < self->windows->len; i++)
    {
      WvRecord *w = &g_array_index (self->windows, WvRecord, i);

      if (w->conn == r->conn && w->dir == r->dir && w->stats.dscp == r->stats.dscp)
        {
          *w = *r;
          return;
        }
    }
  g_array_append_val (self->windows, *r);
}

static void
take (WvSummaryPage  *self,
      const WvRecord *r)
{
  if (r->type == WV_RECORD_STATS)
    {
      if (r->stats.window_s == 10)
        keep_window (self, r);
      return;
    }
  self->have_summaries |= r->type == WV_RECORD_SUMMARY;
  g_array_append_val (self->kept, *r);
}

/* --- building the page --------------------------------------------------------------- */

/* "0.412 / 1.873 / 3.204" */
static char *
three_ms (const WvSummary *s)
{
  g_autofree char *a = NULL, *b = NULL, *c = NULL;

  if (s->n == 0)
    return g_strdup ("–");
  a = wv_gui_format_ms (s->p50);
  b = wv_gui_format_ms (s->p99);
  c = wv_gui_format_ms (s->max);
  return g_strdup_printf ("%s / %s / %s", a, b, c);
}

static char *
summary_note (const WvStatsRecord *s)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();

  if (s->peer_lost)
    g_ptr_array_add (parts, _("peer lost"));
  if (s->rx_missing)
    g_ptr_array_add (parts, _("receiver's part missing"));
  else if (s->rx_partial)
    g_ptr_array_add (parts, _("received: from the receiver's per-second reports"));
  else if (s->tx_missing)
    g_ptr_array_add (parts, _("sender's part missing"));
  if (!s->rx_missing && s->expected_source == WV_EXPECTED_RATE)
    g_ptr_array_add (parts, _("loss counted against the rate"));
  if (s->remarked)
    g_ptr_array_add (parts, _("DSCP re-marked on the way"));
  g_ptr_array_add (parts, NULL);
  return g_strjoinv ("; ", (char **) parts->pdata);
}

static void
fill_cards (WvSummaryPage *self,
            WvReport      *report)
{
  for (WvProfile p = 0; p < WV_N_PROFILES; p++)
    {
      const WvRecord *r = wv_report_get_run_verdict (report, p);
      Card *card = &self->cards[p];
      g_autofree char *detail = NULL, *stream = NULL, *text = NULL;
      WvGrade grade = r ? r->verdict.grade : WV_GRADE_UNKNOWN;

      detail = r ? wv_gui_describe_verdict (&r->verdict) : g_strdup (_("nothing measured to judge by"));
      if (r && r->verdict.metric != WV_VERDICT_METRIC_NONE)
        {
          g_autofree char *label = wv_gui_stream_label (self->families, r);

          /* TRANSLATORS: the stream whose values decided the run's verdict */
          stream = g_strdup_printf (_("Decided by %s"), label);
        }
      gtk_label_set_text (card->grade, wv_gui_grade_label (grade));
      wv_gui_set_grade_class (GTK_WIDGET (card->grade), grade);
      wv_gui_set_grade_class (card->box, grade);
      gtk_label_set_text (card->detail, detail);
      gtk_label_set_text (card->stream, stream ? stream : "");
      gtk_widget_set_visible (GTK_WIDGET (card->stream), stream != NULL);
      self->grades[p] = grade;
      text = g_strdup_printf ("%s: %s", wv_gui_grade_label (grade), detail);
      g_free (self->verdict_texts[p]);
      self->verdict_texts[p] = g_steal_pointer (&text);
    }
}

static void
fill_verdict_table (WvSummaryPage *self,
                    WvReport      *report)
{
  GArray *verdicts = wv_report_get_verdicts (report);
  WvGridTable *t = self->tables[WV_SUMMARY_TABLE_VERDICTS];

  wv_grid_table_begin (t);
  for (guint i = 0; i + WV_N_PROFILES <= verdicts->len; i += WV_N_PROFILES)
    {
      const WvRecord *r = &g_array_index (verdicts, WvRecord, i);
      g_autofree char *conn = NULL, *cls = NULL;
      char *cells[WV_N_PROFILES] = { NULL };
      guint row;

      if (r->verdict.run)
        break;
      conn = wv_gui_connection_label (self->families, r->conn, r->family);
      cls = wv_gui_class_text (r->verdict.dscp);
      for (guint p = 0; p < WV_N_PROFILES; p++)
        cells[p] = wv_gui_verdict_cell (&g_array_index (verdicts, WvRecord, i + p).verdict);
      row = wv_grid_table_add_row (t, (const char * const[]) { conn, wv_gui_direction_label (r->dir), cls,
                                                               cells[0], cells[1], cells[2] });
      for (guint p = 0; p < WV_N_PROFILES; p++)
        {
          wv_grid_table_set_class (t, row, 3 + p,
                                   wv_gui_grade_css_class (g_array_index (verdicts, WvRecord, i + p).verdict.grade));
          g_free (cells[p]);
        }
    }
  wv_grid_table_end (t);
}

static void
fill_summary_table (WvSummaryPage *self,
                    WvReport      *report)
{
  GArray *summaries = wv_report_get_summaries (report);
  WvGridTable *t = self->tables[WV_SUMMARY_TABLE_SUMMARY];

  wv_grid_table_begin (t);
  for (guint i = 0; i < summaries->len; i++)
    {
      const WvRecord *r = &g_array_index (summaries, WvRecord, i);
      const WvStatsRecord *s = &r->stats;
      g_autofree char *conn = wv_gui_connection_label (self->families, r->conn, r->family);
      g_autofree char *cls = wv_gui_class_text (s->dscp);
      g_autofree char *probes = s->rx_missing ? g_strdup ("–")
                                              : g_strdup_printf ("%u / %" G_GUINT64_FORMAT, s->rx.probes,
                                                                 s->rx.expected);
      g_autofree char *loss = wv_gui_format_pct (s->rx_missing || !s->rx.expected ? NAN : s->rx.loss_pct);
      g_autofree char *owd = three_ms (&s->rx.owd_ms);
      g_autofree char *rtt = three_ms (&s->rtt_ms);
      g_autofree char *jitter = wv_gui_format_ms (s->rx.probes ? s->rx.jitter_ms : NAN);
      g_autofree char *reorder = wv_gui_format_pct (s->rx.probes ? s->rx.reorder_pct : NAN);
      g_autofree char *thr = wv_gui_format_bps (s->rx.throughput_bps);
      g_autofree char *rx_dscp = s->rx.rx_tos >= 0 && s->rx.rx_tos <= 255 ? wv_gui_class_text (s->rx.rx_tos >> 2)
                                                                           : g_strdup ("–");
      g_autofree char *note = summary_note (s);

      wv_grid_table_add_row (t, (const char * const[]) { conn, wv_gui_direction_label (r->dir), cls, probes,
                                                         loss, owd, rtt, jitter, reorder, thr, rx_dscp, note });
    }
  wv_grid_table_end (t);
}

static void
fill_outages (WvSummaryPage *self,
              WvReport      *report,
              gint64         start_ns)
{
  GArray *outages = wv_report_get_outages (report);
  GArray *lost = wv_report_get_lost (report);
  WvGridTable *t = self->tables[WV_SUMMARY_TABLE_OUTAGES];
  g_autoptr(GString) text = g_string_new (NULL);

  wv_grid_table_begin (t);
  for (guint i = 0; i < outages->len; i++)
    {
      const WvRecord *r = &g_array_index (outages, WvRecord, i);
      g_autofree char *conn = wv_gui_connection_label (self->families, r->conn, r->family);
      g_autofree char *at = wv_gui_format_duration ((r->outage.start_ns - start_ns) / 1e9);
      g_autoptr(GDateTime) clock = g_date_time_new_from_unix_local (r->outage.start_ns / 1000000000);
      g_autofree char *clock_text = clock ? g_date_time_format (clock, "%X") : g_strdup ("?");
      g_autofree char *start = g_strdup_printf ("%s (%s)", at, clock_text);
      g_autofree char *length = r->outage.end_ns ? g_strdup_printf ("%.3f s", (r->outage.end_ns - r->outage.start_ns) / 1e9)
                                                 : g_strdup (_("not ended"));
      g_autofree char *lost_probes = r->outage.end_ns ? g_strdup_printf ("%" G_GUINT64_FORMAT, r->outage.probes_lost)
                                                      : g_strdup ("–");

      wv_grid_table_add_row (t, (const char * const[]) { conn, wv_gui_direction_label (r->dir), start, length,
                                                         lost_probes });
    }
  wv_grid_table_end (t);

  if (outages->len == 0)
    g_string_append (text, _("No outage: every probe stream kept arriving."));
  else
    g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE,
                                               "%u outage: a gap in a probe stream (start from the beginning of the run, and the time of day).",
                                               "%u outages: gaps in the probe streams (start from the beginning of the run, and the time of day).",
                                               outages->len), outages->len);
  for (guint i = 0; i < lost->len; i++)
    {
      const WvRecord *r = &g_array_index (lost, WvRecord, i);
      g_autofree char *conn = wv_gui_connection_label (self->families, r->conn, r->family);

      g_string_append_c (text, '\n');
      g_string_append_printf (text, _("%s was lost: nothing arrived from the peer for %.0f s."), conn,
                              r->lost.timeout_s);
    }
  gtk_label_set_text (self->outages_label, text->str);
}

static void
fill_paths (WvSummaryPage *self,
            WvReport      *report)
{
  WvTraceTable *table = wv_report_get_trace_table (report);
  WvPathNotes *notes = wv_report_get_path_notes (report);
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < notes->sets->len; i++)
    {
      const WvPathSet *set = g_ptr_array_index (notes->sets, i);
      g_autofree char *line = wv_gui_describe_path_set (self->families, set);

      g_string_append_printf (text, "%s• %s", text->len ? "\n" : "", line);
    }
  for (guint i = 0; i < notes->notes->len; i++)
    {
      g_autofree char *line = wv_gui_describe_note (self->families, &g_array_index (notes->notes, WvPathNote, i));

      g_string_append_printf (text, "%s• %s", text->len ? "\n" : "", line);
    }
  for (guint p = 0; p < wv_trace_table_get_n_paths (table); p++)
    {
      WvTracePathKey key;
      gboolean confirmed;
      guint mtu = wv_trace_table_get_path_mtu (table, p, &confirmed);
      guint hops = wv_trace_table_get_n_hops (table, p);
      g_autofree char *conn = NULL, *mtu_text = NULL;

      wv_trace_table_get_key (table, p, &key);
      conn = wv_gui_connection_label (self->families, key.conn, key.family);
      if (mtu == 0)
        mtu_text = g_strdup (_("path MTU not measured"));
      else if (wv_trace_table_get_path_mtu_at_least (table, p))
        mtu_text = g_strdup_printf (_("path MTU at least %u bytes"), mtu);
      else
        mtu_text = g_strdup_printf (confirmed ? _("path MTU %u bytes, confirmed by the peer")
                                              : _("path MTU %u bytes, not confirmed by the peer"), mtu);
      g_string_append_printf (text, "%s• ", text->len ? "\n" : "");
      /* TRANSLATORS: connection, direction, number of hops, path MTU */
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%s, %s: %u hop, %s", "%s, %s: %u hops, %s", hops),
                              conn, wv_gui_direction_label (key.dir), hops, mtu_text);
    }
  if (text->len == 0)
    g_string_append (text, _("No path traced (traceroute and the MTU search are off, or have not run yet)."));
  gtk_label_set_text (self->paths_label, text->str);
}

static void
fill_wifi (WvSummaryPage   *self,
           WvReport        *report,
           const WvRunMeta *meta,
           gint64           start_ns)
{
  GArray *wifi = wv_report_get_wifi (report);
  g_autoptr(GString) text = g_string_new (NULL);
  WvWifiRange range;

  if (wifi->len == 0)
    {
      if (meta && !meta->has_wifi && meta->wifi_absent != WV_WIFI_ABSENT_NONE)
        g_string_append_printf (text, _("No Wi-Fi link recorded: %s."),
                                meta->wifi_absent_detail ? meta->wifi_absent_detail
                                                         : wv_gui_wifi_absent_label (meta->wifi_absent));
      else
        g_string_append (text, _("No Wi-Fi link recorded."));
      gtk_label_set_text (self->wifi_label, text->str);
      return;
    }
  wv_report_get_wifi_range (report, &range);
  {
    g_autofree char *first = wv_gui_describe_wifi (&g_array_index (wifi, WvRecord, 0).wifi);

    /* TRANSLATORS: the Wi-Fi link NetworkManager reported when the run started */
    g_string_append_printf (text, _("At the start: %s."), first);
  }
  if (range.n_signal > 0)
    {
      g_string_append_c (text, '\n');
      g_string_append_printf (text, _("Signal %d–%d %% (mean %.0f %%) over %u readings, one a second."),
                              range.signal_lo, range.signal_hi, range.signal_mean, wifi->len);
    }
  if (range.rate_hi_kbps > 0)
    {
      g_string_append_c (text, '\n');
      g_string_append_printf (text, _("Link rate %g–%g Mbit/s."), range.rate_lo_kbps / 1000.0,
                              range.rate_hi_kbps / 1000.0);
    }
  for (guint i = 1; i < wifi->len; i++)
    {
      const WvRecord *r = &g_array_index (wifi, WvRecord, i);
      const WvRecord *prev = &g_array_index (wifi, WvRecord, i - 1);
      g_autofree char *to = NULL, *at = NULL;

      if (!r->wifi.roamed)
        continue;
      to = wv_gui_describe_wifi (&r->wifi);
      at = wv_gui_format_duration ((r->time_ns - start_ns) / 1e9);
      g_string_append_c (text, '\n');
      /* TRANSLATORS: a roam: when (from the start of the run), the old access point, the new link */
      g_string_append_printf (text, _("Roamed after %s from access point %s to %s."), at,
                              prev->wifi.bssid[0] ? prev->wifi.bssid : "?", to);
    }
  gtk_label_set_text (self->wifi_label, text->str);
}

static void
fill_meta (WvSummaryPage   *self,
           const WvRunMeta *meta,
           gint64           start_ns,
           gint64           end_ns)
{
  WvGridTable *t = self->tables[WV_SUMMARY_TABLE_META];
  g_autofree char *when = wv_gui_format_time (start_ns);
  g_autofree char *file = NULL;

  wv_grid_table_begin (t);
  if (end_ns > start_ns)
    {
      g_autofree char *length = wv_gui_format_duration ((end_ns - start_ns) / 1e9);
      g_autofree char *text = g_strdup_printf (_("%s, for %s"), when, length);

      wv_grid_table_add_row (t, (const char * const[]) { _("Measured"), text });
    }
  else
    wv_grid_table_add_row (t, (const char * const[]) { _("Measured"), when });
  if (meta)
    {
      g_autofree char *target = wv_gui_describe_target (meta);
      g_autofree char *program = g_strdup_printf ("wifi-verify %s", meta->version ? meta->version : "?");
      g_autoptr(GString) host = g_string_new (meta->hostname ? meta->hostname : "?");
      g_autoptr(GString) ifaces = g_string_new (NULL);
      g_autofree char *settings = wv_report_settings_text (meta->settings);

      if (meta->os)
        g_string_append_printf (host, ", %s", meta->os);
      if (meta->kernel)
        g_string_append_printf (host, ", Linux %s", meta->kernel);
      for (guint i = 0; i < meta->interfaces->len; i++)
        {
          const WvRunInterface *iface = g_ptr_array_index (meta->interfaces, i);
          g_autofree char *addrs = g_strjoinv (", ", iface->addresses);

          g_string_append_printf (ifaces, "%s%s%s%s%s", ifaces->len ? "; " : "", iface->name,
                                  *addrs ? " (" : "", addrs, *addrs ? ")" : "");
        }
      wv_grid_table_add_row (t, (const char * const[]) { _("Against"), target });
      wv_grid_table_add_row (t, (const char * const[]) { _("Program"), program });
      wv_grid_table_add_row (t, (const char * const[]) { _("This host"), host->str });
      if (ifaces->len)
        wv_grid_table_add_row (t, (const char * const[]) { _("Interfaces"), ifaces->str });
      if (*settings)
        wv_grid_table_add_row (t, (const char * const[]) { _("Settings"), settings });
      if (meta->end_ns == 0 && wv_session_get_reopened (self->session))
        wv_grid_table_add_row (t, (const char * const[]) { _("Note"),
                                                           _("the run did not finish writing this file") });
    }
  if (wv_session_get_file (self->session))
    file = g_file_get_path (wv_session_get_file (self->session));
  if (file)
    wv_grid_table_add_row (t, (const char * const[]) { _("Kept in"), file });
  wv_grid_table_end (t);
}

void
wv_summary_page_update_now (WvSummaryPage *self)
{
  g_autoptr(GArray) records = NULL;
  g_autoptr(WvReport) report = NULL;
  const WvRunMeta *meta;
  gint64 start_ns, end_ns;
  gboolean live;

  g_return_if_fail (WV_IS_SUMMARY_PAGE (self));

  g_clear_handle_id (&self->rebuild_id, g_source_remove);
  self->dirty = FALSE;
  self->last_rebuild = g_get_monotonic_time ();
  if (self->session == NULL || (self->kept->len == 0 && self->windows->len == 0))
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  /* Labels number the connections as the connection list does. */
  g_clear_pointer (&self->families, g_hash_table_unref);
  self->families = g_hash_table_new (NULL, NULL);
  for (guint i = 0; i < wv_session_get_n_connections (self->session); i++)
    {
      int family = wv_session_get_connection_family (self->session, i);

      if (family == 4 || family == 6)
        g_hash_table_insert (self->families, GUINT_TO_POINTER (i), GINT_TO_POINTER (family));
    }

  /* Without summaries the newest 10 s window of each stream stands in
   * for its summary: the verdict so far. */
  records = g_array_sized_new (FALSE, FALSE, sizeof (WvRecord), self->kept->len + self->windows->len);
  g_array_append_vals (records, self->kept->data, self->kept->len);
  if (!self->have_summaries)
    for (guint i = 0; i < self->windows->len; i++)
      {
        WvRecord r = g_array_index (self->windows, WvRecord, i);

        r.type = WV_RECORD_SUMMARY;
        r.stats.window_s = 0;
        r.stats.duration_s = 10;
        r.stats.expected_source = WV_EXPECTED_SENDER;
        /* The sender's first window, before the receiver's first report:
         * nothing known of what arrived, not everything lost. */
        if (r.stats.rx.expected == 0 && r.stats.rx.probes == 0)
          {
            r.stats.rx_missing = TRUE;
            r.stats.probes_sent = 0;
          }
        g_array_append_val (records, r);
      }
  meta = wv_session_get_run_meta (self->session);
  report = wv_report_new (meta, (const WvRecord *) (gpointer) records->data, records->len);
  start_ns = wv_session_get_start_ns (self->session);
  end_ns = wv_session_get_end_ns (self->session);
  if (start_ns <= 0)
    start_ns = wv_report_get_start_ns (report);
  live = wv_session_get_running (self->session);

  if (self->have_summaries)
    self->basis = _("Whole run: the worst connection and direction decides.");
  else if (live)
    self->basis = _("So far: the last 10 seconds of each stream, while the run goes on.");
  else if (self->windows->len > 0)
    self->basis = _("The last 10 seconds before the run ended (it has no summaries).");
  else
    self->basis = _("Nothing was measured to judge by.");
  gtk_label_set_text (self->basis_label, self->basis);
  gtk_label_set_text (self->summary_title, self->have_summaries ? _("Summary of the run")
                                                                : _("Summary of the last 10 seconds"));

  fill_cards (self, report);
  fill_verdict_table (self, report);
  fill_summary_table (self, report);
  fill_outages (self, report, start_ns);
  fill_paths (self, report);
  fill_wifi (self, report, meta, start_ns);
  fill_meta (self, meta, start_ns, end_ns);
  gtk_stack_set_visible_child_name (self->stack, "data");
}

static gboolean
rebuild_cb (gpointer data)
{
  WvSummaryPage *self = data;

  self->rebuild_id = 0;
  wv_summary_page_update_now (self);
  return G_SOURCE_REMOVE;
}

/* Rebuilds soon, at most every REBUILD_INTERVAL_MS, and only on screen. */
static void
queue_rebuild (WvSummaryPage *self)
{
  gint64 due;

  self->dirty = TRUE;
  if (self->rebuild_id || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;
  due = self->last_rebuild + REBUILD_INTERVAL_MS * 1000 - g_get_monotonic_time ();
  self->rebuild_id = g_timeout_add (due > 0 ? (guint) (due / 1000) : 0, rebuild_cb, self);
}

static void
on_record (WvSession      *session,
           const WvRecord *record,
           WvSummaryPage  *self)
{
  if (record->type == WV_RECORD_STATS && record->stats.window_s != 10)
    return;
  take (self, record);
  queue_rebuild (self);
}

static void
on_running_changed (WvSession     *session,
                    GParamSpec    *pspec,
                    WvSummaryPage *self)
{
  /* The end: the summaries and verdicts are in. */
  self->dirty = TRUE;
  self->last_rebuild = 0;
  queue_rebuild (self);
}

void
wv_summary_page_set_session (WvSummaryPage *self,
                             WvSession     *session)
{
  g_return_if_fail (WV_IS_SUMMARY_PAGE (self));
  g_return_if_fail (session == NULL || WV_IS_SESSION (session));

  if (!wv_gui_page_set_session (self, &self->session, session, G_CALLBACK (on_record), NULL))
    return;
  g_array_set_size (self->kept, 0);
  g_array_set_size (self->windows, 0);
  self->have_summaries = FALSE;
  if (session)
    {
      for (guint i = 0; i < wv_session_get_n_records (session); i++)
        take (self, wv_session_get_record (session, i));
      g_signal_connect_object (session, "notify::running", G_CALLBACK (on_running_changed), self, 0);
    }
  self->last_rebuild = 0;
  wv_summary_page_update_now (self);
}

const char *
wv_summary_page_get_basis (WvSummaryPage *self)
{
  g_return_val_if_fail (WV_IS_SUMMARY_PAGE (self), NULL);
  return self->basis;
}

WvGrade
wv_summary_page_get_grade (WvSummaryPage *self,
                           WvProfile      profile)
{
  g_return_val_if_fail (WV_IS_SUMMARY_PAGE (self), WV_GRADE_UNKNOWN);
  g_return_val_if_fail (profile < WV_N_PROFILES, WV_GRADE_UNKNOWN);
  if (self->dirty)
    wv_summary_page_update_now (self);
  return self->grades[profile];
}

const char *
wv_summary_page_get_verdict_text (WvSummaryPage *self,
                                  WvProfile      profile)
{
  g_return_val_if_fail (WV_IS_SUMMARY_PAGE (self), NULL);
  g_return_val_if_fail (profile < WV_N_PROFILES, NULL);
  if (self->dirty)
    wv_summary_page_update_now (self);
  return self->verdict_texts[profile];
}

GtkGrid *
wv_summary_page_get_table (WvSummaryPage  *self,
                           WvSummaryTable  table)
{
  GtkGrid *grids[WV_N_SUMMARY_TABLES] = { self->verdict_grid, self->summary_grid, self->outage_grid,
                                          self->meta_grid };

  g_return_val_if_fail (WV_IS_SUMMARY_PAGE (self), NULL);
  g_return_val_if_fail (table < WV_N_SUMMARY_TABLES, NULL);
  if (self->dirty)
    wv_summary_page_update_now (self);
  return grids[table];
}

const char *
wv_summary_page_get_paths_text (WvSummaryPage *self)
{
  g_return_val_if_fail (WV_IS_SUMMARY_PAGE (self), NULL);
  return gtk_label_get_text (self->paths_label);
}

const char *
wv_summary_page_get_wifi_text (WvSummaryPage *self)
{
  g_return_val_if_fail (WV_IS_SUMMARY_PAGE (self), NULL);
  return gtk_label_get_text (self->wifi_label);
}

const char *
wv_summary_page_get_outages_text (WvSummaryPage *self)
{
  g_return_val_if_fail (WV_IS_SUMMARY_PAGE (self), NULL);
  return gtk_label_get_text (self->outages_label);
}

GtkWidget *
wv_summary_page_new (void)
{
  return g_object_new (WV_TYPE_SUMMARY_PAGE, NULL);
}

static void
wv_summary_page_map (GtkWidget *widget)
{
  WvSummaryPage *self = WV_SUMMARY_PAGE (widget);

  GTK_WIDGET_CLASS (wv_summary_page_parent_class)->map (widget);
  if (self->dirty)
    queue_rebuild (self);
}

static void
wv_summary_page_unmap (GtkWidget *widget)
{
  WvSummaryPage *self = WV_SUMMARY_PAGE (widget);

  g_clear_handle_id (&self->rebuild_id, g_source_remove);
  GTK_WIDGET_CLASS (wv_summary_page_parent_class)->unmap (widget);
}

static void
wv_summary_page_dispose (GObject *object)
{
  WvSummaryPage *self = WV_SUMMARY_PAGE (object);

  g_clear_handle_id (&self->rebuild_id, g_source_remove);
  wv_gui_page_set_session (self, &self->session, NULL, NULL, NULL);
  for (guint i = 0; i < WV_N_SUMMARY_TABLES; i++)
    g_clear_pointer (&self->tables[i], wv_grid_table_free);
  wv_gui_dispose_page_template (GTK_WIDGET (self), WV_TYPE_SUMMARY_PAGE);
  G_OBJECT_CLASS (wv_summary_page_parent_class)->dispose (object);
}

static void
wv_summary_page_finalize (GObject *object)
{
  WvSummaryPage *self = WV_SUMMARY_PAGE (object);

  g_clear_pointer (&self->kept, g_array_unref);
  g_clear_pointer (&self->windows, g_array_unref);
  for (guint p = 0; p < WV_N_PROFILES; p++)
    g_free (self->verdict_texts[p]);
  g_clear_pointer (&self->families, g_hash_table_unref);
  G_OBJECT_CLASS (wv_summary_page_parent_class)->finalize (object);
}

static void
wv_summary_page_class_init (WvSummaryPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wv_summary_page_dispose;
  object_class->finalize = wv_summary_page_finalize;
  widget_class->map = wv_summary_page_map;
  widget_class->unmap = wv_summary_page_unmap;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/wifiverify/WifiVerify/wv-summary-page.ui");
  gtk_widget_class_bind_template_child (widget_class, WvSummaryPage, stack);
  gtk_widget_class_bind_template_child (widget_class, WvSummaryPage, basis_label);
  gtk_widget_class_bind_template_child (widget_class, WvSummaryPage, verdict_box);
  gtk_widget_class_bind_template_child (widget_class, WvSummaryPage, verdict_grid);
  gtk_widget_class_bind_template_child (widget_class, WvSummaryPage, summary_title);
  gtk_widget_class_bind_template_child (widget_class, WvSummaryPage, summary_grid);
  gtk_widget_class_bind_template_child (widget_class, WvSummaryPage, outages_label);
  gtk_widget_class_bind_template_child (widget_class, WvSummaryPage, outage_grid);
  gtk_widget_class_bind_template_child (widget_class, WvSummaryPage, paths_label);
  gtk_widget_class_bind_template_child (widget_class, WvSummaryPage, wifi_label);
  gtk_widget_class_bind_template_child (widget_class, WvSummaryPage, meta_grid);
}

static Card
make_card (WvProfile profile)
{
  Card card;

  card.box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  gtk_widget_add_css_class (card.box, "wv-verdict-card");
  card.title = GTK_LABEL (gtk_label_new (wv_gui_profile_title (profile)));
  gtk_widget_add_css_class (GTK_WIDGET (card.title), "wv-heading");
  card.grade = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (card.grade), "wv-grade");
  card.detail = GTK_LABEL (gtk_label_new (NULL));
  card.stream = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (card.stream), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (card.stream), "wv-caption");
  for (GtkLabel **l = (GtkLabel *[]) { card.title, card.grade, card.detail, card.stream, NULL }, **p = l;
       *p; p++)
    {
      gtk_label_set_xalign (*p, 0);
      gtk_label_set_wrap (*p, TRUE);
      gtk_label_set_wrap_mode (*p, PANGO_WRAP_WORD_CHAR);
      gtk_box_append (GTK_BOX (card.box), GTK_WIDGET (*p));
    }
  gtk_label_set_selectable (card.detail, TRUE);
  return card;
}

static void
wv_summary_page_init (WvSummaryPage *self)
{
  static const gboolean summary_numeric[WV_N_SUMMARY_COLUMNS] = {
    [WV_SUMMARY_COLUMN_PROBES] = TRUE, [WV_SUMMARY_COLUMN_LOSS] = TRUE, [WV_SUMMARY_COLUMN_OWD] = TRUE,
    [WV_SUMMARY_COLUMN_RTT] = TRUE, [WV_SUMMARY_COLUMN_JITTER] = TRUE, [WV_SUMMARY_COLUMN_REORDER] = TRUE,
    [WV_SUMMARY_COLUMN_THROUGHPUT] = TRUE,
  };
  static const gboolean outage_numeric[5] = { FALSE, FALSE, TRUE, TRUE, TRUE };

  gtk_widget_init_template (GTK_WIDGET (self));
  self->kept = g_array_new (FALSE, FALSE, sizeof (WvRecord));
  self->windows = g_array_new (FALSE, FALSE, sizeof (WvRecord));
  for (WvProfile p = 0; p < WV_N_PROFILES; p++)
    {
      self->cards[p] = make_card (p);
      gtk_box_append (self->verdict_box, self->cards[p].box);
    }
  self->tables[WV_SUMMARY_TABLE_VERDICTS] =
    wv_grid_table_new (self->verdict_grid,
                       (const char * const[]) { _("Connection"), _("Direction"), _("Class"),
                                                wv_gui_profile_title (WV_PROFILE_VOICE),
                                                wv_gui_profile_title (WV_PROFILE_VIDEO),
                                                wv_gui_profile_title (WV_PROFILE_INTERACTIVE) },
                       NULL, 6);
  self->tables[WV_SUMMARY_TABLE_SUMMARY] =
    wv_grid_table_new (self->summary_grid,
                       (const char * const[]) { _("Connection"), _("Direction"), _("Class"),
                                                /* TRANSLATORS: probes received / expected */
                                                _("Probes"), _("Loss"),
                                                _("One-way delay"), _("Round-trip time"),
                                                _("Jitter"), _("Reordering"), _("Throughput"),
                                                /* TRANSLATORS: the DSCP the probes arrived with */
                                                _("Arrived as"), _("Note") },
                       summary_numeric, WV_N_SUMMARY_COLUMNS);
  self->tables[WV_SUMMARY_TABLE_OUTAGES] =
    wv_grid_table_new (self->outage_grid,
                       (const char * const[]) { _("Connection"), _("Direction"), _("Start"), _("Length"),
                                                _("Probes lost") },
                       outage_numeric, 5);
  self->tables[WV_SUMMARY_TABLE_META] =
    wv_grid_table_new (self->meta_grid, (const char * const[]) { "", "" }, NULL, 2);
  for (guint i = 0; i < WV_N_SUMMARY_TABLES; i++)
    wv_grid_table_end (self->tables[i]);
}
