/* wv-charts-page.c: the live charts of a run, per metric and direction
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One WvTimeChart per metric and direction (delay, RTT, jitter, loss,
 * reordering, throughput; client to server on the left, server to client
 * on the right), each with one WvSeries per connection. A connection has
 * the same colour in every chart: its number within its address family;
 * IPv4 is drawn solid and IPv6 dashed. The points are the one-second
 * statistics records of the engine, one per second, as they arrive.
 *
 * Scrolling: the page, not each chart, moves the time axis. Left alone,
 * every chart redraws on its own timer whenever "now" has advanced by a
 * pixel, so twelve charts ask for frames at twelve different moments and
 * the window renders many frames that each change one chart. Instead one
 * timer pins #WvTimeChart:now on all charts at once (one frame for all),
 * a few times a second, and only on the charts the scrolled window shows.
 * New points wait in a list until that step too: a chart redraws whenever
 * one of its series changes, so points added as they arrive would cost a
 * frame of their own, and on charts out of view a redraw that nobody sees.
 * Charts out of view keep their last "now" and their points until they
 * are scrolled in.
 */
#define G_LOG_DOMAIN "wv-gui"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "wv-charts-page.h"
#include "wv-gui.h"

#define CHART_HEIGHT 170
/* Scroll steps: one pixel of the time axis, but at most this often (a
 * pixel of a 60 s axis is 0.14 s on a 430 px plot) and at least this
 * often; and never more often than keeps the window's frames (measured)
 * under a quarter of the time, so that a slow renderer (software GL on a
 * small laptop) scrolls in bigger steps instead of making the window
 * sluggish. */
#define MIN_STEP_MS     150
#define MAX_STEP_MS     1000
#define FRAME_BUDGET    4

typedef struct {
  const char *title;
  const char *unit;
  gboolean si;
} MetricInfo;

static const MetricInfo metric_info[WV_N_CHART_METRICS] = {
  [WV_CHART_METRIC_DELAY] = { N_("One-way delay"), "ms", FALSE },
  [WV_CHART_METRIC_RTT] = { N_("Round-trip time"), "ms", FALSE },
  [WV_CHART_METRIC_JITTER] = { N_("Jitter"), "ms", FALSE },
  [WV_CHART_METRIC_LOSS] = { N_("Loss"), "%", FALSE },
  [WV_CHART_METRIC_REORDER] = { N_("Reordering"), "%", FALSE },
  [WV_CHART_METRIC_THROUGHPUT] = { N_("Throughput"), "bit/s", TRUE },
};

typedef struct {
  WvSeries *series[WV_N_CHART_METRICS][2];
} ConnSeries;

struct _WvChartsPage
{
  GtkWidget parent_instance;

  GtkToggleButton *pause_button;
  GtkImage *pause_icon;
  GtkLabel *pause_label;
  GtkLabel *legend_label;
  GtkDropDown *statistic_dropdown;
  GtkScrolledWindow *scroller;
  GtkGrid *grid;

  WvTimeChart *charts[WV_N_CHART_METRICS][2];
  WvSession *session;
  GPtrArray *conns;               /* ConnSeries, by connection index (NULL = none) */
  WvDelayStatistic statistic;
  guint step_id;
  guint step_ms;
  GdkFrameClock *clock;           /* while mapped */
  gulong before_paint_id;
  gulong after_paint_id;
  gint64 paint_start;
  double paint_ms;                /* moving average of the window's frame time */
  /* Charts out of view get their points when they come into view. */
  gboolean in_view[WV_N_CHART_METRICS][2];
  GArray *pending[WV_N_CHART_METRICS][2];   /* PendingPoint */

  /* A reopened run is shown whole, in seconds from its start. */
  gboolean whole_run;
  guint capacity;                 /* points per series */
  /* The Wi-Fi link of this end: its signal beside the delay, its roams as
   * events on every chart. */
  WvTimeChart *wifi_chart[2];     /* one per column: the same time axis as the charts above and below */
  WvSeries *wifi_series;
  GArray *roams;                  /* double: chart times */
};

typedef struct {
  WvSeries *series;               /* owned by a ConnSeries of self->conns */
  WvPoint point;
} PendingPoint;

/* Past this many held points a chart gets them anyway. */
#define MAX_PENDING (WV_CHARTS_PAGE_SERIES_CAPACITY * 8)

G_DEFINE_FINAL_TYPE (WvChartsPage, wv_charts_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_PAUSED,
  PROP_STATISTIC,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
conn_series_free (gpointer data)
{
  ConnSeries *cs = data;

  if (cs == NULL)
    return;
  for (guint m = 0; m < WV_N_CHART_METRICS; m++)
    for (guint d = 0; d < 2; d++)
      g_clear_object (&cs->series[m][d]);
  g_free (cs);
}

static double
pick (const WvSummary  *s,
      WvDelayStatistic  statistic)
{
  if (s->n == 0)
    return NAN;
  switch (statistic)
    {
    case WV_DELAY_STATISTIC_MEAN: return s->mean;
    case WV_DELAY_STATISTIC_P99: return s->p99;
    case WV_DELAY_STATISTIC_MAX: return s->max;
    case WV_DELAY_STATISTIC_MEDIAN:
    default: return s->p50;
    }
}

/* The value a one-second stats record gives @metric; NaN = no point. */
static double
metric_value (const WvRecord   *r,
              WvChartMetric     metric,
              WvDelayStatistic  statistic)
{
  const WvStatsRecord *s = &r->stats;

  switch (metric)
    {
    case WV_CHART_METRIC_DELAY: return pick (&s->rx.owd_ms, statistic);
    case WV_CHART_METRIC_RTT: return pick (&s->rtt_ms, statistic);
    case WV_CHART_METRIC_JITTER: return s->rx.probes ? s->rx.jitter_ms : NAN;
    case WV_CHART_METRIC_LOSS: return s->rx.expected ? s->rx.loss_pct : NAN;
    case WV_CHART_METRIC_REORDER: return s->rx.probes ? s->rx.reorder_pct : NAN;
    case WV_CHART_METRIC_THROUGHPUT: return s->rx.throughput_bps;
    case WV_N_CHART_METRICS:
    default: return NAN;
    }
}

static void
flush_pending (WvChartsPage *self,
               guint         m,
               guint         d)
{
  GArray *pending = self->pending[m][d];

  for (guint i = 0; i < pending->len; i++)
    {
      PendingPoint *pp = &g_array_index (pending, PendingPoint, i);

      wv_series_append (pp->series, pp->point.time, pp->point.value);
    }
  g_array_set_size (pending, 0);
}

static void
flush_all (WvChartsPage *self)
{
  for (guint m = 0; m < WV_N_CHART_METRICS; m++)
    for (guint d = 0; d < 2; d++)
      flush_pending (self, m, d);
}

static void
append_record (WvChartsPage   *self,
               const WvRecord *r)
{
  ConnSeries *cs;
  double t;

  if (r->conn >= self->conns->len || (cs = g_ptr_array_index (self->conns, r->conn)) == NULL)
    return;
  t = wv_session_get_record_time (self->session, r);
  for (guint m = 0; m < WV_N_CHART_METRICS; m++)
    {
      double v = metric_value (r, m, self->statistic);
      PendingPoint pp = { cs->series[m][r->dir], { t, v } };

      if (!isfinite (v))
        continue;
      g_array_append_val (self->pending[m][r->dir], pp);
      if (self->pending[m][r->dir]->len >= MAX_PENDING)
        flush_pending (self, m, r->dir);
    }
}

static void
add_connection (WvChartsPage *self,
                guint         index)
{
  g_autofree char *label = wv_session_dup_connection_label (self->session, index);
  int family = wv_session_get_connection_family (self->session, index);
  guint color = wv_session_get_connection_position (self->session, index) % WV_CHART_PALETTE_SIZE;
  gboolean visible = wv_session_get_connection_visible (self->session, index);
  ConnSeries *cs;

  if (index < self->conns->len && g_ptr_array_index (self->conns, index) != NULL)
    return;
  if (index >= self->conns->len)
    g_ptr_array_set_size (self->conns, index + 1);
  cs = g_new0 (ConnSeries, 1);
  for (guint m = 0; m < WV_N_CHART_METRICS; m++)
    for (guint d = 0; d < 2; d++)
      {
        WvSeries *s = wv_series_new (label, self->capacity);

        wv_series_set_color_index (s, color);
        wv_series_set_line_style (s, family == 6 ? WV_LINE_STYLE_DASHED : WV_LINE_STYLE_SOLID);
        /* One point a second: a missing second or two is jitter in the
         * record timing, not an outage worth a break in the line. */
        wv_series_set_gap_threshold (s, 2.5);
        wv_series_set_visible (s, visible);
        wv_time_chart_add_series (self->charts[m][d], s);
        cs->series[m][d] = s;
      }
  g_ptr_array_index (self->conns, index) = cs;
}

static void
on_connection_added (WvSession    *session,
                     guint         index,
                     WvChartsPage *self)
{
  add_connection (self, index);
}

/* The session's outages, shaded on the charts of their direction. */
static void
update_spans (WvChartsPage *self)
{
  g_autoptr(GArray) c2s = g_array_new (FALSE, FALSE, sizeof (WvTimeSpan));
  g_autoptr(GArray) s2c = g_array_new (FALSE, FALSE, sizeof (WvTimeSpan));
  GArray *spans[2] = { c2s, s2c };
  guint n = self->session ? wv_session_get_n_outages (self->session) : 0;

  for (guint i = 0; i < n; i++)
    {
      const WvRecord *o = wv_session_get_outage (self->session, i);
      WvRecord at = *o;
      WvTimeSpan sp;

      if (!wv_session_get_connection_visible (self->session, o->conn))
        continue;
      at.time_ns = o->outage.start_ns;
      sp.start = wv_session_get_record_time (self->session, &at);
      at.time_ns = o->outage.end_ns;
      sp.end = o->outage.end_ns ? wv_session_get_record_time (self->session, &at) : NAN;
      g_array_append_val (spans[o->dir], sp);
    }
  for (guint m = 0; m < WV_N_CHART_METRICS; m++)
    for (guint d = 0; d < 2; d++)
      wv_time_chart_set_spans (self->charts[m][d], (const WvTimeSpan *) spans[d]->data,
                               spans[d]->len);
}

static void
on_connection_changed (WvSession    *session,
                       guint         index,
                       WvChartsPage *self)
{
  gboolean visible = wv_session_get_connection_visible (session, index);
  ConnSeries *cs;

  if (index >= self->conns->len || (cs = g_ptr_array_index (self->conns, index)) == NULL)
    return;
  for (guint m = 0; m < WV_N_CHART_METRICS; m++)
    for (guint d = 0; d < 2; d++)
      wv_series_set_visible (cs->series[m][d], visible);
  if (wv_session_get_n_outages (session) > 0)
    update_spans (self);
}

/* No line across an outage or after a lost peer: the lines of the
 * connection break where the data stopped. */
static void
break_lines (WvChartsPage   *self,
             guint           conn,
             double          t)
{
  ConnSeries *cs;

  if (conn >= self->conns->len || (cs = g_ptr_array_index (self->conns, conn)) == NULL ||
      !isfinite (t))
    return;
  for (guint m = 0; m < WV_N_CHART_METRICS; m++)
    for (guint d = 0; d < 2; d++)
      {
        flush_pending (self, m, d);
        wv_series_append_break (cs->series[m][d], t);
      }
}

/* Where an outage opened (its start) or the peer was lost. */
static void
break_at (WvChartsPage   *self,
          const WvRecord *record)
{
  WvRecord at = *record;

  if (record->type == WV_RECORD_OUTAGE)
    {
      if (record->outage.end_ns != 0)
        return;
      at.time_ns = record->outage.start_ns;
    }
  break_lines (self, record->conn, wv_session_get_record_time (self->session, &at));
}

/* Roams as events on every chart, labelled. */
static void
update_events (WvChartsPage *self)
{
  g_autoptr(GArray) events = g_array_new (FALSE, FALSE, sizeof (WvChartEvent));

  for (guint i = 0; i < self->roams->len; i++)
    {
      /* TRANSLATORS: on the charts: the Wi-Fi moved to another access point here */
      WvChartEvent e = { g_array_index (self->roams, double, i), NAN, _("roam") };

      g_array_append_val (events, e);
    }
  for (guint m = 0; m < WV_N_CHART_METRICS; m++)
    for (guint d = 0; d < 2; d++)
      wv_time_chart_set_events (self->charts[m][d], (const WvChartEvent *) (gpointer) events->data, events->len);
  for (guint d = 0; d < 2; d++)
    wv_time_chart_set_events (self->wifi_chart[d], (const WvChartEvent *) (gpointer) events->data, events->len);
}

static void
append_wifi (WvChartsPage   *self,
             const WvRecord *r)
{
  double t = wv_session_get_record_time (self->session, r);

  if (!isfinite (t))
    return;
  if (r->wifi.signal_pct >= 0 && r->wifi.signal_pct <= 100)
    wv_series_append (self->wifi_series, t, r->wifi.signal_pct);
  for (guint d = 0; d < 2; d++)
    gtk_widget_set_visible (GTK_WIDGET (self->wifi_chart[d]), TRUE);
  if (r->wifi.roamed)
    {
      g_array_append_val (self->roams, t);
      update_events (self);
    }
}

static void
on_record (WvSession      *session,
           const WvRecord *record,
           WvChartsPage   *self)
{
  if (wv_session_is_charted (session, record))
    append_record (self, record);
  else if (record->type == WV_RECORD_WIFI)
    append_wifi (self, record);
  else if (record->type == WV_RECORD_OUTAGE || record->type == WV_RECORD_LOST)
    {
      break_at (self, record);
      if (record->type == WV_RECORD_OUTAGE)
        update_spans (self);
    }
}

static gboolean
is_live (WvChartsPage *self)
{
  return self->session && isnan (wv_session_get_end_time (self->session));
}

/* Whether any part of @chart lies in the scrolled window's view. */
static gboolean
chart_in_view (WvChartsPage *self,
               WvTimeChart  *chart)
{
  GtkWidget *viewport = GTK_WIDGET (self->scroller);
  double x, top, bottom;

  if (!gtk_widget_translate_coordinates (GTK_WIDGET (chart), viewport, 0, 0, &x, &top))
    return FALSE;
  bottom = top + gtk_widget_get_height (GTK_WIDGET (chart));
  return bottom > 0 && top < gtk_widget_get_height (viewport);
}

/* Which charts the scrolled window shows; those coming into view get the
 * points held for them. While the page is not on screen every chart
 * counts as in view (nothing is drawn then anyway). */
static void
update_in_view (WvChartsPage *self)
{
  gboolean mapped = gtk_widget_get_mapped (GTK_WIDGET (self));

  for (guint m = 0; m < WV_N_CHART_METRICS; m++)
    for (guint d = 0; d < 2; d++)
      {
        gboolean in_view = !mapped || chart_in_view (self, self->charts[m][d]);

        if (in_view && !self->in_view[m][d])
          flush_pending (self, m, d);
        self->in_view[m][d] = in_view;
      }
}

/* Moves the time axis of the charts in view (or of all) to now, or to the
 * end of a finished run, whose last minute then stays in view. */
static void
update_now (WvChartsPage *self,
            gboolean      all)
{
  double now;

  if (self->session == NULL)
    return;
  if (is_live (self))
    now = (g_get_monotonic_time () - wv_session_get_time_origin (self->session)) / (double) G_USEC_PER_SEC;
  else
    now = wv_session_get_end_time (self->session);
  for (guint m = 0; m < WV_N_CHART_METRICS; m++)
    for (guint d = 0; d < 2; d++)
      if (all || self->in_view[m][d])
        {
          flush_pending (self, m, d);
          wv_time_chart_set_now (self->charts[m][d], now);
        }
  for (guint d = 0; d < 2; d++)
    wv_time_chart_set_now (self->wifi_chart[d], now);
}

/* The scroll period: one pixel of the time axis, within bounds; 0 when
 * nothing should scroll (page not on screen, run not live). */
static guint
step_period (WvChartsPage *self)
{
  graphene_rect_t plot;
  guint ms;

  if (!gtk_widget_get_mapped (GTK_WIDGET (self)) || !is_live (self))
    return 0;
  wv_time_chart_get_plot_area (self->charts[0][0], &plot);
  ms = plot.size.width >= 1 ? (guint) (WV_TIME_CHART_DEFAULT_WINDOW * 1000 / plot.size.width) : MAX_STEP_MS;
  ms = MAX (ms, (guint) (FRAME_BUDGET * self->paint_ms));
  /* Steps of 50 ms, so that small changes of the average do not
   * restart the timer each time. */
  ms = (ms + 49) / 50 * 50;
  return CLAMP (ms, MIN_STEP_MS, MAX_STEP_MS);
}

static void update_step (WvChartsPage *self);

static gboolean
step_cb (gpointer data)
{
  WvChartsPage *self = data;

  /* The window may have been resized: other charts in view, another
   * plot width. */
  update_in_view (self);
  if (!wv_charts_page_get_paused (self))
    update_now (self, FALSE);
  if (step_period (self) != self->step_ms)
    {
      self->step_id = 0;
      update_step (self);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

/* Runs the scroll timer while the page is on screen and the run is live. */
static void
update_step (WvChartsPage *self)
{
  guint ms = step_period (self);

  if (ms == self->step_ms && (ms == 0) == (self->step_id == 0))
    return;
  g_clear_handle_id (&self->step_id, g_source_remove);
  self->step_ms = ms;
  if (ms)
    self->step_id = g_timeout_add (ms, step_cb, self);
}

static void
on_running_changed (WvSession    *session,
                    GParamSpec   *pspec,
                    WvChartsPage *self)
{
  if (!is_live (self))
    flush_all (self);
  update_now (self, TRUE);
  update_step (self);
}

static void
on_scrolled (GtkAdjustment *adjustment,
             WvChartsPage  *self)
{
  update_in_view (self);
  /* Charts coming into view catch up at once. */
  if (!wv_charts_page_get_paused (self))
    update_now (self, FALSE);
}

/* Refills every series from the session's records, newest last, for a
 * change of the statistic shown. Only the records the series can hold are
 * read back. */
static void
refill (WvChartsPage *self)
{
  guint n, first = 0;
  double newest = -INFINITY;

  for (guint m = 0; m < WV_N_CHART_METRICS; m++)
    for (guint d = 0; d < 2; d++)
      g_array_set_size (self->pending[m][d], 0);

  for (guint i = 0; i < self->conns->len; i++)
    {
      ConnSeries *cs = g_ptr_array_index (self->conns, i);

      if (cs == NULL)
        continue;
      for (guint m = 0; m < WV_N_CHART_METRICS; m++)
        for (guint d = 0; d < 2; d++)
          wv_series_clear (cs->series[m][d]);
    }
  wv_series_clear (self->wifi_series);
  g_array_set_size (self->roams, 0);
  if (self->session == NULL)
    return;
  n = wv_session_get_n_records (self->session);
  if (n > 0)
    newest = wv_session_get_record_time (self->session, wv_session_get_record (self->session, n - 1));
  for (guint i = n; i > 0 && !self->whole_run; i--)
    {
      const WvRecord *r = wv_session_get_record (self->session, i - 1);

      if (wv_session_get_record_time (self->session, r) < newest - self->capacity - 2)
        {
          first = i;
          break;
        }
    }
  for (guint i = first; i < n; i++)
    {
      const WvRecord *r = wv_session_get_record (self->session, i);

      if (wv_session_is_charted (self->session, r))
        append_record (self, r);
      else if (r->type == WV_RECORD_OUTAGE || r->type == WV_RECORD_LOST)
        break_at (self, r);
      else if (r->type == WV_RECORD_WIFI)
        append_wifi (self, r);
    }
  update_events (self);
  /* The charts on screen show the new statistic at once, not at the next
   * scroll step. */
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    for (guint m = 0; m < WV_N_CHART_METRICS; m++)
      for (guint d = 0; d < 2; d++)
        if (self->in_view[m][d])
          flush_pending (self, m, d);
}

/* A reopened run: the whole run, labelled in seconds from its start, with
 * room for all its points; a live one: the last minute, scrolling. */
static void
set_whole_run (WvChartsPage *self,
               gboolean      whole_run)
{
  double end = self->session ? wv_session_get_end_time (self->session) : NAN;
  double window = whole_run && isfinite (end) ? MAX (end, WV_TIME_CHART_MIN_WINDOW) : WV_TIME_CHART_DEFAULT_WINDOW;
  WvTimeLabels labels = whole_run ? WV_TIME_LABELS_ELAPSED : WV_TIME_LABELS_AGO;

  self->whole_run = whole_run;
  /* One point a second, and some slack for seconds that came late. */
  self->capacity = whole_run ? (guint) MIN (window * 1.25 + 16, (double) WV_SERIES_MAX_CAPACITY)
                             : WV_CHARTS_PAGE_SERIES_CAPACITY;
  for (guint m = 0; m < WV_N_CHART_METRICS; m++)
    for (guint d = 0; d < 2; d++)
      {
        wv_time_chart_set_window (self->charts[m][d], window);
        wv_time_chart_set_time_labels (self->charts[m][d], labels);
      }
  g_object_unref (self->wifi_series);
  self->wifi_series = wv_series_new (_("Signal"), self->capacity);
  wv_series_set_gap_threshold (self->wifi_series, 2.5);
  for (guint d = 0; d < 2; d++)
    {
      wv_time_chart_set_window (self->wifi_chart[d], window);
      wv_time_chart_set_time_labels (self->wifi_chart[d], labels);
      wv_time_chart_remove_all (self->wifi_chart[d]);
      wv_time_chart_add_series (self->wifi_chart[d], self->wifi_series);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->pause_button), !whole_run);
  if (whole_run)
    {
      g_autofree char *length = g_strdup_printf ("%.0f", window);

      /* TRANSLATORS: above the charts of a saved run; %s is its length in seconds */
      g_autofree char *text = g_strdup_printf (_("Whole run, %s s, in seconds from its start · solid lines IPv4, "
                                                 "dashed lines IPv6 · point at a line for exact values"), length);

      gtk_label_set_text (self->legend_label, text);
    }
  else
    gtk_label_set_text (self->legend_label, _("Last 60 s · solid lines IPv4, dashed lines IPv6 · point at a line "
                                              "for exact values"));
}

/**
 * wv_charts_page_set_session:
 * @session: (nullable): the run to chart
 *
 * Forgets the previous run's series and charts @session from now on,
 * including what it already measured.
 */
void
wv_charts_page_set_session (WvChartsPage *self,
                            WvSession    *session)
{
  g_return_if_fail (WV_IS_CHARTS_PAGE (self));
  g_return_if_fail (session == NULL || WV_IS_SESSION (session));

  if (!wv_gui_page_set_session (self, &self->session, session, NULL, NULL))
    return;

  for (guint m = 0; m < WV_N_CHART_METRICS; m++)
    for (guint d = 0; d < 2; d++)
      {
        g_array_set_size (self->pending[m][d], 0);
        wv_time_chart_remove_all (self->charts[m][d]);
      }
  g_ptr_array_set_size (self->conns, 0);
  set_whole_run (self, session && wv_session_get_reopened (session));
  for (guint d = 0; d < 2; d++)
    gtk_widget_set_visible (GTK_WIDGET (self->wifi_chart[d]), FALSE);
  g_array_set_size (self->roams, 0);
  update_events (self);

  if (session == NULL)
    {
      for (guint m = 0; m < WV_N_CHART_METRICS; m++)
        for (guint d = 0; d < 2; d++)
          wv_time_chart_set_spans (self->charts[m][d], NULL, 0);
      update_step (self);
      return;
    }
  for (guint m = 0; m < WV_N_CHART_METRICS; m++)
    for (guint d = 0; d < 2; d++)
      wv_time_chart_set_time_origin (self->charts[m][d], wv_session_get_time_origin (session));
  update_now (self, TRUE);
  update_step (self);
  for (guint i = 0; i < wv_session_get_n_connections (session); i++)
    if (wv_session_has_connection (session, i))
      add_connection (self, i);
  refill (self);
  update_spans (self);

  g_signal_connect_object (session, "connection-added", G_CALLBACK (on_connection_added), self, 0);
  g_signal_connect_object (session, "connection-changed", G_CALLBACK (on_connection_changed), self, 0);
  g_signal_connect_object (session, "record", G_CALLBACK (on_record), self, 0);
  g_signal_connect_object (session, "notify::running", G_CALLBACK (on_running_changed), self, 0);
}

WvTimeChart *
wv_charts_page_get_chart (WvChartsPage  *self,
                          WvChartMetric  metric,
                          WvDirection    dir)
{
  g_return_val_if_fail (WV_IS_CHARTS_PAGE (self), NULL);
  g_return_val_if_fail (metric < WV_N_CHART_METRICS && dir <= WV_DIR_S2C, NULL);
  return self->charts[metric][dir];
}

/**
 * wv_charts_page_get_series:
 *
 * Returns: (transfer none) (nullable): the series of connection @conn in
 *   the chart of @metric and @dir
 */
WvSeries *
wv_charts_page_get_series (WvChartsPage  *self,
                           guint          conn,
                           WvChartMetric  metric,
                           WvDirection    dir)
{
  ConnSeries *cs;

  g_return_val_if_fail (WV_IS_CHARTS_PAGE (self), NULL);
  g_return_val_if_fail (metric < WV_N_CHART_METRICS && dir <= WV_DIR_S2C, NULL);
  if (conn >= self->conns->len || (cs = g_ptr_array_index (self->conns, conn)) == NULL)
    return NULL;
  /* Whoever looks at the series gets every point. */
  flush_pending (self, metric, dir);
  return cs->series[metric][dir];
}

/* The chart of this end's Wi-Fi signal in the column of @dir (hidden
 * without Wi-Fi records): both columns show it, each on its own time axis. */
WvTimeChart *
wv_charts_page_get_wifi_chart (WvChartsPage *self,
                               WvDirection   dir)
{
  g_return_val_if_fail (WV_IS_CHARTS_PAGE (self), NULL);
  g_return_val_if_fail (dir <= WV_DIR_S2C, NULL);
  return self->wifi_chart[dir];
}

WvSeries *
wv_charts_page_get_wifi_series (WvChartsPage *self)
{
  g_return_val_if_fail (WV_IS_CHARTS_PAGE (self), NULL);
  return self->wifi_series;
}

gboolean
wv_charts_page_get_paused (WvChartsPage *self)
{
  g_return_val_if_fail (WV_IS_CHARTS_PAGE (self), FALSE);
  return gtk_toggle_button_get_active (self->pause_button);
}

void
wv_charts_page_set_paused (WvChartsPage *self,
                           gboolean      paused)
{
  g_return_if_fail (WV_IS_CHARTS_PAGE (self));
  gtk_toggle_button_set_active (self->pause_button, paused);
}

WvDelayStatistic
wv_charts_page_get_statistic (WvChartsPage *self)
{
  g_return_val_if_fail (WV_IS_CHARTS_PAGE (self), WV_DELAY_STATISTIC_MEDIAN);
  return self->statistic;
}

void
wv_charts_page_set_statistic (WvChartsPage     *self,
                              WvDelayStatistic  statistic)
{
  g_return_if_fail (WV_IS_CHARTS_PAGE (self));

  if (statistic > WV_DELAY_STATISTIC_MAX || self->statistic == statistic)
    return;
  self->statistic = statistic;
  gtk_drop_down_set_selected (self->statistic_dropdown, statistic);
  refill (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATISTIC]);
}

static void
on_pause_toggled (GtkToggleButton *button,
                  WvChartsPage    *self)
{
  gboolean paused = gtk_toggle_button_get_active (button);

  /* Every chart, in view or not, stops at the same "now" with its points
   * in: charts scrolled into view while paused show the same moment. */
  if (paused)
    update_now (self, TRUE);
  for (guint m = 0; m < WV_N_CHART_METRICS; m++)
    for (guint d = 0; d < 2; d++)
      wv_time_chart_set_paused (self->charts[m][d], paused);
  for (guint d = 0; d < 2; d++)
    wv_time_chart_set_paused (self->wifi_chart[d], paused);
  if (!paused)
    update_now (self, TRUE);
  gtk_label_set_text_with_mnemonic (self->pause_label, paused ? _("_Resume") : _("_Pause"));
  gtk_image_set_from_icon_name (self->pause_icon, paused ? "media-playback-start-symbolic"
                                                         : "media-playback-pause-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (button), paused ? _("Scroll with the measurement again")
                                                           : _("Stop scrolling to read exact values; the measurement goes on"));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAUSED]);
}

static void
on_statistic_selected (GtkDropDown  *dropdown,
                       GParamSpec   *pspec,
                       WvChartsPage *self)
{
  guint selected = gtk_drop_down_get_selected (dropdown);

  if (selected <= WV_DELAY_STATISTIC_MAX)
    wv_charts_page_set_statistic (self, selected);
}

static void
before_paint (GdkFrameClock *clock,
              WvChartsPage  *self)
{
  self->paint_start = g_get_monotonic_time ();
}

static void
after_paint (GdkFrameClock *clock,
             WvChartsPage  *self)
{
  double ms;

  if (self->paint_start == 0)
    return;
  ms = (g_get_monotonic_time () - self->paint_start) / 1000.0;
  self->paint_start = 0;
  self->paint_ms = self->paint_ms > 0 ? 0.8 * self->paint_ms + 0.2 * ms : ms;
}

static void
wv_charts_page_map (GtkWidget *widget)
{
  WvChartsPage *self = WV_CHARTS_PAGE (widget);

  GTK_WIDGET_CLASS (wv_charts_page_parent_class)->map (widget);
  self->clock = g_object_ref (gtk_widget_get_frame_clock (widget));
  self->before_paint_id = g_signal_connect (self->clock, "before-paint", G_CALLBACK (before_paint), self);
  self->after_paint_id = g_signal_connect (self->clock, "after-paint", G_CALLBACK (after_paint), self);
  update_in_view (self);
  update_now (self, TRUE);
  update_step (self);
}

/* Which charts are in view is known once the page has its size: at map
 * time it has none yet, and every chart would wait for the next scroll
 * step (up to a second) to show its points. */
static void
wv_charts_page_size_allocate (GtkWidget *widget,
                              int        width,
                              int        height,
                              int        baseline)
{
  WvChartsPage *self = WV_CHARTS_PAGE (widget);

  GTK_WIDGET_CLASS (wv_charts_page_parent_class)->size_allocate (widget, width, height, baseline);
  update_in_view (self);
  if (!wv_charts_page_get_paused (self))
    update_now (self, FALSE);
}

static void
wv_charts_page_unmap (GtkWidget *widget)
{
  WvChartsPage *self = WV_CHARTS_PAGE (widget);

  g_clear_handle_id (&self->step_id, g_source_remove);
  self->step_ms = 0;
  if (self->clock)
    {
      g_clear_signal_handler (&self->before_paint_id, self->clock);
      g_clear_signal_handler (&self->after_paint_id, self->clock);
      g_clear_object (&self->clock);
    }
  GTK_WIDGET_CLASS (wv_charts_page_parent_class)->unmap (widget);
  update_in_view (self);
}

GtkWidget *
wv_charts_page_new (void)
{
  return g_object_new (WV_TYPE_CHARTS_PAGE, NULL);
}

static void
wv_charts_page_dispose (GObject *object)
{
  WvChartsPage *self = WV_CHARTS_PAGE (object);

  g_clear_handle_id (&self->step_id, g_source_remove);
  wv_gui_page_set_session (self, &self->session, NULL, NULL, NULL);
  for (guint m = 0; m < WV_N_CHART_METRICS; m++)
    for (guint d = 0; d < 2; d++)
      if (self->pending[m][d])
        g_array_set_size (self->pending[m][d], 0);
  g_clear_pointer (&self->conns, g_ptr_array_unref);
  wv_gui_dispose_page_template (GTK_WIDGET (self), WV_TYPE_CHARTS_PAGE);
  G_OBJECT_CLASS (wv_charts_page_parent_class)->dispose (object);
}

static void
wv_charts_page_finalize (GObject *object)
{
  WvChartsPage *self = WV_CHARTS_PAGE (object);

  for (guint m = 0; m < WV_N_CHART_METRICS; m++)
    for (guint d = 0; d < 2; d++)
      g_clear_pointer (&self->pending[m][d], g_array_unref);
  g_clear_object (&self->wifi_series);
  g_clear_pointer (&self->roams, g_array_unref);
  G_OBJECT_CLASS (wv_charts_page_parent_class)->finalize (object);
}

static void
wv_charts_page_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  WvChartsPage *self = WV_CHARTS_PAGE (object);

  switch (prop_id)
    {
    case PROP_PAUSED:
      g_value_set_boolean (value, wv_charts_page_get_paused (self));
      break;
    case PROP_STATISTIC:
      g_value_set_uint (value, self->statistic);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wv_charts_page_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  WvChartsPage *self = WV_CHARTS_PAGE (object);

  switch (prop_id)
    {
    case PROP_PAUSED:
      wv_charts_page_set_paused (self, g_value_get_boolean (value));
      break;
    case PROP_STATISTIC:
      wv_charts_page_set_statistic (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wv_charts_page_class_init (WvChartsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wv_charts_page_dispose;
  object_class->finalize = wv_charts_page_finalize;
  object_class->get_property = wv_charts_page_get_property;
  object_class->set_property = wv_charts_page_set_property;
  widget_class->map = wv_charts_page_map;
  widget_class->size_allocate = wv_charts_page_size_allocate;
  widget_class->unmap = wv_charts_page_unmap;

  properties[PROP_PAUSED] =
    g_param_spec_boolean ("paused", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* (WvDelayStatistic) */
  properties[PROP_STATISTIC] =
    g_param_spec_uint ("statistic", NULL, NULL, 0, WV_DELAY_STATISTIC_MAX, WV_DELAY_STATISTIC_MEDIAN,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/wifiverify/WifiVerify/wv-charts-page.ui");
  gtk_widget_class_bind_template_child (widget_class, WvChartsPage, pause_button);
  gtk_widget_class_bind_template_child (widget_class, WvChartsPage, pause_icon);
  gtk_widget_class_bind_template_child (widget_class, WvChartsPage, pause_label);
  gtk_widget_class_bind_template_child (widget_class, WvChartsPage, legend_label);
  gtk_widget_class_bind_template_child (widget_class, WvChartsPage, statistic_dropdown);
  gtk_widget_class_bind_template_child (widget_class, WvChartsPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, WvChartsPage, grid);
  gtk_widget_class_bind_template_callback (widget_class, on_pause_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_statistic_selected);
}

static void
wv_charts_page_init (WvChartsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->conns = g_ptr_array_new_with_free_func (conn_series_free);
  for (guint m = 0; m < WV_N_CHART_METRICS; m++)
    for (guint d = 0; d < 2; d++)
      {
        WvTimeChart *chart = WV_TIME_CHART (wv_time_chart_new ());

        wv_time_chart_set_title (chart, _(metric_info[m].title));
        wv_time_chart_set_unit (chart, metric_info[m].unit);
        wv_time_chart_set_window (chart, WV_TIME_CHART_DEFAULT_WINDOW);
        wv_time_chart_set_include_zero (chart, TRUE);
        if (metric_info[m].si)
          wv_time_chart_set_formatter (chart, wv_format_si, NULL, NULL);
        gtk_widget_set_size_request (GTK_WIDGET (chart), -1, CHART_HEIGHT);
        gtk_widget_set_hexpand (GTK_WIDGET (chart), TRUE);
        self->pending[m][d] = g_array_new (FALSE, FALSE, sizeof (PendingPoint));
        self->in_view[m][d] = TRUE;
        /* Pinned from the start: the page moves the time axis. */
        wv_time_chart_set_now (chart, 0);
        gtk_grid_attach (self->grid, GTK_WIDGET (chart), d, m + 1, 1, 1);
        self->charts[m][d] = chart;
      }
  /* The Wi-Fi signal, below the delay, when this end measures over Wi-Fi. */
  gtk_grid_insert_row (self->grid, 2);
  self->wifi_series = wv_series_new (_("Signal"), WV_CHARTS_PAGE_SERIES_CAPACITY);
  for (guint d = 0; d < 2; d++)
    {
      WvTimeChart *wifi = WV_TIME_CHART (wv_time_chart_new ());

      /* TRANSLATORS: chart title: NetworkManager's signal strength of the Wi-Fi link */
      wv_time_chart_set_title (wifi, _("Wi-Fi signal (this end)"));
      wv_time_chart_set_unit (wifi, "%");
      wv_time_chart_set_fixed_range (wifi, 0, 100);
      wv_time_chart_set_now (wifi, 0);
      gtk_widget_set_size_request (GTK_WIDGET (wifi), -1, CHART_HEIGHT * 2 / 3);
      gtk_widget_set_hexpand (GTK_WIDGET (wifi), TRUE);
      gtk_widget_set_visible (GTK_WIDGET (wifi), FALSE);
      gtk_grid_attach (self->grid, GTK_WIDGET (wifi), d, 2, 1, 1);
      wv_time_chart_add_series (wifi, self->wifi_series);
      self->wifi_chart[d] = wifi;
    }
  self->roams = g_array_new (FALSE, FALSE, sizeof (double));
  self->capacity = WV_CHARTS_PAGE_SERIES_CAPACITY;
  g_signal_connect_object (gtk_scrolled_window_get_vadjustment (self->scroller), "value-changed",
                           G_CALLBACK (on_scrolled), self, 0);
}
