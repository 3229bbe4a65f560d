/* wv-compare-window.c: two saved runs side by side
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Before and after a fix: the verdict of each run and how it changed, the
 * changes worth a line (by the rules of `wifi-verify-cli report A B`:
 * a difference of at least 1 ms and 20 % for delays, 0.1 point for loss),
 * the medians per connection and direction, and the charts of both runs
 * overlaid on one time axis, each in seconds from its own start: A in the
 * first colour of the palette, B in the second, IPv4 solid and IPv6
 * dashed. Both files are read in worker threads.
 */
#define G_LOG_DOMAIN "wv-gui"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "wv-chart-palette.h"
#include "wv-compare-window.h"
#include "wv-dscp.h"
#include "wv-grid-table.h"
#include "wv-gui.h"
#include "wv-report.h"
#include "wv-results-text.h"
#include "wv-run.h"

#define CHART_HEIGHT 170

struct _WvCompareWindow
{
  GtkWindow parent_instance;

  GtkStack *stack;
  GtkLabel *error_label;
  GtkGrid *runs_grid;
  GtkGrid *verdict_grid;
  GtkLabel *changes_label;
  GtkGrid *streams_grid;
  GtkLabel *legend_label;
  GtkGrid *charts_grid;

  WvTimeChart *charts[WV_N_COMPARE_CHARTS][2];
  WvGridTable *runs_table;
  WvGridTable *verdict_table;
  WvGridTable *streams_table;

  GFile *files[2];
  WvRun *runs[2];
  GHashTable *families[2];        /* connection -> family of each run, for labels */
  char *error;
  guint pending;
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (WvCompareWindow, wv_compare_window, GTK_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const struct {
  const char *title;
  const char *unit;
} chart_info[WV_N_COMPARE_CHARTS] = {
  [WV_COMPARE_CHART_DELAY] = { N_("One-way delay, median per second"), "ms" },
  [WV_COMPARE_CHART_RTT] = { N_("Round-trip time, median per second"), "ms" },
  [WV_COMPARE_CHART_JITTER] = { N_("Jitter"), "ms" },
  [WV_COMPARE_CHART_LOSS] = { N_("Loss"), "%" },
};

/* --- values ----------------------------------------------------------------------- */

static double
p50 (const WvSummary *s)
{
  return s->n > 0 ? s->p50 : NAN;
}

static double
p99 (const WvSummary *s)
{
  return s->n > 0 ? s->p99 : NAN;
}

static double
loss_of (const WvStatsRecord *s)
{
  return s->rx_missing || !s->rx.expected ? NAN : s->rx.loss_pct;
}

static double
jitter_of (const WvStatsRecord *s)
{
  return s->rx.probes ? s->rx.jitter_ms : NAN;
}

/* A change worth a line: at least @abs_min and at least @rel_min of the
 * larger (the rule of wv_report_print_compare()). */
static gboolean
notable (double a,
         double b,
         double abs_min,
         double rel_min)
{
  double d = fabs (b - a);

  if (!isfinite (a) || !isfinite (b))
    return isfinite (a) != isfinite (b);
  return d >= abs_min && d >= rel_min * MAX (fabs (a), fabs (b));
}

static char *
number (double v,
        int    decimals)
{
  return isfinite (v) ? g_strdup_printf ("%.*f", decimals, v) : g_strdup ("–");
}

/* "2.10 → 25.40" */
static char *
change_text (double a,
             double b,
             int    decimals)
{
  g_autofree char *x = number (a, decimals);
  g_autofree char *y = number (b, decimals);

  return g_strdup_printf ("%s → %s", x, y);
}

/* --- the page ------------------------------------------------------------------------ */

static void
fill_runs (WvCompareWindow *self,
           WvReport        *reports[2])
{
  wv_grid_table_begin (self->runs_table);
  for (guint k = 0; k < 2; k++)
    {
      const WvRunMeta *m = wv_report_get_meta (reports[k]);
      gint64 start = wv_report_get_start_ns (reports[k]), end = wv_report_get_end_ns (reports[k]);
      g_autofree char *when = wv_gui_format_time (start);
      g_autofree char *target = wv_gui_describe_target (m);
      g_autofree char *length = wv_gui_format_duration ((end - start) / 1e9);
      g_autofree char *name = g_file_get_basename (self->files[k]);
      g_autofree char *wifi = m && m->has_wifi ? wv_gui_describe_wifi (&m->wifi) : g_strdup ("–");

      /* TRANSLATORS: the first and second run of a comparison */
      wv_grid_table_add_row (self->runs_table,
                             (const char * const[]) { k == 0 ? _("A (before)") : _("B (after)"), when, target,
                                                      length, wifi, name });
    }
  wv_grid_table_end (self->runs_table);
}

static void
fill_verdicts (WvCompareWindow *self,
               WvReport        *reports[2],
               GPtrArray       *changes)
{
  wv_grid_table_begin (self->verdict_table);
  for (WvProfile p = 0; p < WV_N_PROFILES; p++)
    {
      const WvRecord *va = wv_report_get_run_verdict (reports[0], p);
      const WvRecord *vb = wv_report_get_run_verdict (reports[1], p);
      g_autofree char *ca = va ? wv_gui_verdict_cell (&va->verdict) : g_strdup ("–");
      g_autofree char *cb = vb ? wv_gui_verdict_cell (&vb->verdict) : g_strdup ("–");
      const char *trend = "";
      guint row;

      if (va && vb && va->verdict.grade != WV_GRADE_UNKNOWN && vb->verdict.grade != WV_GRADE_UNKNOWN)
        /* TRANSLATORS: how a verdict changed from run A to run B */
        trend = vb->verdict.grade > va->verdict.grade ? _("worse")
                : vb->verdict.grade < va->verdict.grade ? _("better") : _("the same");
      row = wv_grid_table_add_row (self->verdict_table,
                                   (const char * const[]) { wv_gui_profile_title (p), ca, cb, trend });
      wv_grid_table_set_class (self->verdict_table, row, 1,
                               wv_gui_grade_css_class (va ? va->verdict.grade : WV_GRADE_UNKNOWN));
      wv_grid_table_set_class (self->verdict_table, row, 2,
                               wv_gui_grade_css_class (vb ? vb->verdict.grade : WV_GRADE_UNKNOWN));
      if (va && vb && va->verdict.grade != vb->verdict.grade)
        {
          g_autofree char *why = wv_gui_describe_verdict (&vb->verdict);

          /* TRANSLATORS: a verdict that changed: profile, grade in A, grade in B, why B's */
          g_ptr_array_add (changes, g_strdup_printf (_("%s: %s in A, %s in B (B: %s)"), wv_gui_profile_title (p),
                                                     wv_gui_grade_label (va->verdict.grade),
                                                     wv_gui_grade_label (vb->verdict.grade), why));
        }
    }
  wv_grid_table_end (self->verdict_table);
}

static void
fill_streams (WvCompareWindow *self,
              WvReport        *reports[2],
              GPtrArray       *changes)
{
  GArray *sa = wv_report_get_summaries (reports[0]), *sb = wv_report_get_summaries (reports[1]);

  wv_grid_table_begin (self->streams_table);
  for (guint i = 0; i < sa->len; i++)
    {
      const WvRecord *x = &g_array_index (sa, WvRecord, i);
      const WvRecord *y = wv_report_find_summary (sb, x);
      g_autofree char *label = wv_gui_stream_label (self->families[0], x);
      g_autofree char *conn = wv_gui_connection_label (self->families[0], x->conn, x->family);
      g_autofree char *cls = wv_gui_class_text (x->stats.dscp);
      g_autofree char *rtt = NULL, *owd = NULL, *owd99 = NULL, *jit = NULL, *loss = NULL;

      if (y == NULL)
        {
          /* TRANSLATORS: a probe stream that only the first run measured */
          g_ptr_array_add (changes, g_strdup_printf (_("%s: only in A"), label));
          continue;
        }
      rtt = change_text (p50 (&x->stats.rtt_ms), p50 (&y->stats.rtt_ms), 2);
      owd = change_text (p50 (&x->stats.rx.owd_ms), p50 (&y->stats.rx.owd_ms), 2);
      owd99 = change_text (p99 (&x->stats.rx.owd_ms), p99 (&y->stats.rx.owd_ms), 2);
      jit = change_text (jitter_of (&x->stats), jitter_of (&y->stats), 2);
      loss = change_text (loss_of (&x->stats), loss_of (&y->stats), 2);
      wv_grid_table_add_row (self->streams_table,
                             (const char * const[]) { conn, wv_gui_direction_label (x->dir), cls, rtt, owd, owd99,
                                                      jit, loss });
      if (notable (p50 (&x->stats.rtt_ms), p50 (&y->stats.rtt_ms), 1.0, 0.2))
        g_ptr_array_add (changes, g_strdup_printf (_("%s: round-trip time %s ms"), label, rtt));
      if (notable (p50 (&x->stats.rx.owd_ms), p50 (&y->stats.rx.owd_ms), 1.0, 0.2))
        g_ptr_array_add (changes, g_strdup_printf (_("%s: one-way delay %s ms"), label, owd));
      if (notable (jitter_of (&x->stats), jitter_of (&y->stats), 0.5, 0.2))
        g_ptr_array_add (changes, g_strdup_printf (_("%s: jitter %s ms"), label, jit));
      if (notable (loss_of (&x->stats), loss_of (&y->stats), 0.1, 0))
        g_ptr_array_add (changes, g_strdup_printf (_("%s: loss %s %%"), label, loss));
    }
  for (guint i = 0; i < sb->len; i++)
    if (wv_report_find_summary (sa, &g_array_index (sb, WvRecord, i)) == NULL)
      {
        g_autofree char *label = wv_gui_stream_label (self->families[1], &g_array_index (sb, WvRecord, i));

        g_ptr_array_add (changes, g_strdup_printf (_("%s: only in B"), label));
      }
  wv_grid_table_end (self->streams_table);
}

/* The paths both runs traced: hops and path MTUs that differ. */
static void
compare_paths (WvCompareWindow *self,
               WvReport  *reports[2],
               GPtrArray *changes)
{
  WvTraceTable *ta = wv_report_get_trace_table (reports[0]), *tb = wv_report_get_trace_table (reports[1]);

  for (guint p = 0; p < wv_trace_table_get_n_paths (ta); p++)
    {
      WvTracePathKey key;
      g_autofree char *conn = NULL;
      const char *dir;
      gboolean ca, cb;
      guint ma, mb, na, nb;
      int q;

      wv_trace_table_get_key (ta, p, &key);
      q = wv_trace_table_find (tb, key.conn, key.dir);
      if (q < 0)
        continue;
      conn = wv_gui_connection_label (self->families[0], key.conn, key.family);
      dir = wv_gui_direction_label (key.dir);
      na = wv_trace_table_get_n_hops (ta, p);
      nb = wv_trace_table_get_n_hops (tb, (guint) q);
      for (guint h = 0; h < MIN (na, nb); h++)
        {
          WvTraceHop x, y;

          if (wv_trace_table_get_hop (ta, p, h, &x) && wv_trace_table_get_hop (tb, (guint) q, h, &y) &&
              x.address && y.address && strcmp (x.address, y.address) != 0)
            /* TRANSLATORS: connection, direction, hop, router in A, router in B */
            g_ptr_array_add (changes, g_strdup_printf (_("%s, %s: hop %u was %s, is %s"), conn, dir, h + 1,
                                                       x.address, y.address));
        }
      if (na != nb)
        g_ptr_array_add (changes, g_strdup_printf (_("%s, %s: %u hops, then %u"), conn, dir, na, nb));
      ma = wv_trace_table_get_path_mtu (ta, p, &ca);
      mb = wv_trace_table_get_path_mtu (tb, (guint) q, &cb);
      if (ma && mb && ma != mb)
        g_ptr_array_add (changes, g_strdup_printf (_("%s, %s: path MTU %u bytes, then %u"), conn, dir, ma, mb));
    }
}

static void
compare_wifi (WvReport  *reports[2],
              GPtrArray *changes)
{
  const WvRunMeta *ma = wv_report_get_meta (reports[0]), *mb = wv_report_get_meta (reports[1]);

  if (ma == NULL || mb == NULL || ma->has_wifi != mb->has_wifi)
    {
      if (ma && mb)
        g_ptr_array_add (changes, g_strdup (ma->has_wifi ? _("A measured over Wi-Fi, B did not")
                                                         : _("B measured over Wi-Fi, A did not")));
      return;
    }
  if (!ma->has_wifi)
    return;
  if (strcmp (ma->wifi.bssid, mb->wifi.bssid) != 0 || ma->wifi.frequency_mhz != mb->wifi.frequency_mhz ||
      ma->wifi.ssid_len != mb->wifi.ssid_len || memcmp (ma->wifi.ssid, mb->wifi.ssid, ma->wifi.ssid_len) != 0)
    {
      g_autofree char *a = wv_gui_describe_wifi (&ma->wifi);
      g_autofree char *b = wv_gui_describe_wifi (&mb->wifi);

      g_ptr_array_add (changes, g_strdup_printf (_("Wi-Fi: %s in A, %s in B"), a, b));
    }
  else if (ma->wifi.signal_pct >= 0 && mb->wifi.signal_pct >= 0 &&
           notable (ma->wifi.signal_pct, mb->wifi.signal_pct, 10, 0))
    g_ptr_array_add (changes, g_strdup_printf (_("Wi-Fi signal at the start: %d %% in A, %d %% in B"),
                                               ma->wifi.signal_pct, mb->wifi.signal_pct));
}

static double
chart_value (const WvRecord *r,
             WvCompareChart  chart)
{
  const WvStatsRecord *s = &r->stats;

  switch (chart)
    {
    case WV_COMPARE_CHART_DELAY: return p50 (&s->rx.owd_ms);
    case WV_COMPARE_CHART_RTT: return p50 (&s->rtt_ms);
    case WV_COMPARE_CHART_JITTER: return s->rx.probes ? s->rx.jitter_ms : NAN;
    case WV_COMPARE_CHART_LOSS: return s->rx.expected ? s->rx.loss_pct : NAN;
    case WV_N_COMPARE_CHARTS:
    default: return NAN;
    }
}

/* One series per run, connection and direction (the first class of each
 * connection, as the window's charts), in seconds from the run's start. */
static double
fill_charts_of (WvCompareWindow *self,
                WvReport        *report,
                guint            k)
{
  GArray *seconds = wv_report_get_seconds (report);
  gint64 start = wv_report_get_start_ns (report);
  g_autoptr(GHashTable) series = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) charted = g_hash_table_new (NULL, NULL);
  guint capacity = seconds->len + 16;
  double end = 0;

  for (guint i = 0; i < seconds->len; i++)
    {
      const WvRecord *r = &g_array_index (seconds, WvRecord, i);
      double t = (r->time_ns - start) / 1e9;

      if (!g_hash_table_contains (charted, GUINT_TO_POINTER (r->conn)))
        g_hash_table_insert (charted, GUINT_TO_POINTER (r->conn), GINT_TO_POINTER (r->stats.dscp + 1));
      if (GPOINTER_TO_INT (g_hash_table_lookup (charted, GUINT_TO_POINTER (r->conn))) != r->stats.dscp + 1 ||
          r->dir > WV_DIR_S2C)
        continue;
      end = MAX (end, t);
      for (WvCompareChart c = 0; c < WV_N_COMPARE_CHARTS; c++)
        {
          g_autofree char *key = g_strdup_printf ("%u/%u/%u", c, r->conn, r->dir);
          WvSeries *s = g_hash_table_lookup (series, key);
          double v = chart_value (r, c);

          if (s == NULL)
            {
              g_autofree char *conn = wv_gui_connection_label (self->families[k], r->conn, r->family);
              /* TRANSLATORS: a line of the comparison's charts: run (A or B) and connection */
              g_autofree char *label = g_strdup_printf (_("%s · %s"), k == 0 ? "A" : "B", conn);

              s = wv_series_new (label, capacity);
              wv_series_set_color_index (s, k);
              wv_series_set_line_style (s, r->family == 6 ? WV_LINE_STYLE_DASHED : WV_LINE_STYLE_SOLID);
              wv_series_set_gap_threshold (s, 2.5);
              wv_time_chart_add_series (self->charts[c][r->dir], s);
              g_hash_table_insert (series, g_steal_pointer (&key), s);
              g_object_unref (s);
            }
          if (isfinite (v))
            wv_series_append (s, t, v);
        }
    }
  return end;
}

static char *
color_markup (guint index)
{
  GdkRGBA c;

  wv_chart_palette_get (index, FALSE, &c);
  return g_strdup_printf ("#%02x%02x%02x", (int) (c.red * 255), (int) (c.green * 255), (int) (c.blue * 255));
}

static void
fill_charts (WvCompareWindow *self,
             WvReport        *reports[2])
{
  double window = 1;
  g_autofree char *ca = color_markup (0), *cb = color_markup (1);
  g_autofree char *legend = NULL;

  for (guint k = 0; k < 2; k++)
    {
      double end = fill_charts_of (self, reports[k], k);
      gint64 span = wv_report_get_end_ns (reports[k]) - wv_report_get_start_ns (reports[k]);

      window = MAX (window, MAX (end, span / 1e9));
    }
  for (WvCompareChart c = 0; c < WV_N_COMPARE_CHARTS; c++)
    for (guint d = 0; d < 2; d++)
      {
        wv_time_chart_set_window (self->charts[c][d], window);
        wv_time_chart_set_now (self->charts[c][d], window);
      }
  /* TRANSLATORS: the legend of the comparison's charts; keep the markup */
  legend = g_strdup_printf (_("<span foreground=\"%s\">━━ A (before)</span>   <span foreground=\"%s\">━━ B (after)</span>   "
                              "seconds from each run's start · solid lines IPv4, dashed lines IPv6"), ca, cb);
  gtk_label_set_markup (self->legend_label, legend);
}

static void
show_runs (WvCompareWindow *self)
{
  g_autoptr(WvReport) a = wv_report_new_from_run (self->runs[0]);
  g_autoptr(WvReport) b = wv_report_new_from_run (self->runs[1]);
  WvReport *reports[2] = { a, b };
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *na = g_file_get_basename (self->files[0]);
  g_autofree char *nb = g_file_get_basename (self->files[1]);
  g_autofree char *title = g_strdup_printf (_("Compare %s and %s"), na, nb);

  gtk_window_set_title (GTK_WINDOW (self), title);
  for (guint k = 0; k < 2; k++)
    {
      g_clear_pointer (&self->families[k], g_hash_table_unref);
      self->families[k] = wv_gui_connection_families (self->runs[k]->records);
    }
  fill_runs (self, reports);
  fill_verdicts (self, reports, changes);
  fill_streams (self, reports, changes);
  compare_paths (self, reports, changes);
  compare_wifi (reports, changes);
  for (guint i = 0; i < changes->len; i++)
    g_string_append_printf (text, "%s• %s", i ? "\n" : "", (char *) g_ptr_array_index (changes, i));
  if (changes->len == 0)
    g_string_append (text, _("Nothing worth a line: the verdicts, medians, paths and Wi-Fi link are alike."));
  gtk_label_set_text (self->changes_label, text->str);
  fill_charts (self, reports);
  gtk_stack_set_visible_child_name (self->stack, "data");
}

typedef struct {
  WvCompareWindow *self;          /* a reference */
  guint which;                    /* 0: A, 1: B */
} Load;

static void
load_done (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  Load *load = data;
  g_autoptr(WvCompareWindow) self = load->self;
  guint k = load->which;
  g_autoptr(GError) error = NULL;
  WvRun *run = wv_run_load_finish (result, &error);

  g_free (load);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->pending--;
  if (run)
    self->runs[k] = run;
  else if (self->error == NULL)
    {
      g_autofree char *path = g_file_get_path (self->files[k]);

      /* TRANSLATORS: a run file that cannot be read, and why */
      self->error = g_strdup_printf (_("%s cannot be read: %s"), path ? path : "?", error->message);
    }
  if (self->pending > 0)
    return;
  if (self->error)
    {
      gtk_label_set_text (self->error_label, self->error);
      gtk_stack_set_visible_child_name (self->stack, "error");
    }
  else
    show_runs (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

WvCompareWindow *
wv_compare_window_new (GtkWindow *parent,
                       GFile     *before,
                       GFile     *after)
{
  WvCompareWindow *self;

  g_return_val_if_fail (G_IS_FILE (before) && G_IS_FILE (after), NULL);

  self = g_object_new (WV_TYPE_COMPARE_WINDOW, NULL);
  if (parent)
    gtk_window_set_application (GTK_WINDOW (self), gtk_window_get_application (parent));
  self->files[0] = g_object_ref (before);
  self->files[1] = g_object_ref (after);
  self->pending = 2;
  for (guint k = 0; k < 2; k++)
    {
      Load *load = g_new0 (Load, 1);

      load->self = g_object_ref (self);
      load->which = k;
      wv_run_load_async (self->files[k], self->cancellable, load_done, load);
    }
  return self;
}

gboolean
wv_compare_window_get_loading (WvCompareWindow *self)
{
  g_return_val_if_fail (WV_IS_COMPARE_WINDOW (self), FALSE);
  return self->pending > 0;
}

const char *
wv_compare_window_get_error (WvCompareWindow *self)
{
  g_return_val_if_fail (WV_IS_COMPARE_WINDOW (self), NULL);
  return self->error;
}

GtkGrid *
wv_compare_window_get_verdicts (WvCompareWindow *self)
{
  g_return_val_if_fail (WV_IS_COMPARE_WINDOW (self), NULL);
  return self->verdict_grid;
}

GtkGrid *
wv_compare_window_get_streams (WvCompareWindow *self)
{
  g_return_val_if_fail (WV_IS_COMPARE_WINDOW (self), NULL);
  return self->streams_grid;
}

const char *
wv_compare_window_get_changes (WvCompareWindow *self)
{
  g_return_val_if_fail (WV_IS_COMPARE_WINDOW (self), NULL);
  return gtk_label_get_text (self->changes_label);
}

WvTimeChart *
wv_compare_window_get_chart (WvCompareWindow *self,
                             WvCompareChart   chart,
                             WvDirection      dir)
{
  g_return_val_if_fail (WV_IS_COMPARE_WINDOW (self), NULL);
  g_return_val_if_fail (chart < WV_N_COMPARE_CHARTS && dir <= WV_DIR_S2C, NULL);
  return self->charts[chart][dir];
}

static void
wv_compare_window_dispose (GObject *object)
{
  WvCompareWindow *self = WV_COMPARE_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_pointer (&self->runs_table, wv_grid_table_free);
  g_clear_pointer (&self->verdict_table, wv_grid_table_free);
  g_clear_pointer (&self->streams_table, wv_grid_table_free);
  /* No gtk_widget_dispose_template(): the stack, a template child, is
   * the window's child, which GtkWindow's dispose releases; unparented
   * by the template first, the window would unparent it a second time. */
  G_OBJECT_CLASS (wv_compare_window_parent_class)->dispose (object);
}

static void
wv_compare_window_finalize (GObject *object)
{
  WvCompareWindow *self = WV_COMPARE_WINDOW (object);

  for (guint k = 0; k < 2; k++)
    {
      g_clear_object (&self->files[k]);
      g_clear_pointer (&self->runs[k], wv_run_free);
      g_clear_pointer (&self->families[k], g_hash_table_unref);
    }
  g_clear_object (&self->cancellable);
  g_free (self->error);
  G_OBJECT_CLASS (wv_compare_window_parent_class)->finalize (object);
}

static void
wv_compare_window_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  WvCompareWindow *self = WV_COMPARE_WINDOW (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->pending > 0);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wv_compare_window_class_init (WvCompareWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wv_compare_window_dispose;
  object_class->finalize = wv_compare_window_finalize;
  object_class->get_property = wv_compare_window_get_property;

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/wifiverify/WifiVerify/wv-compare-window.ui");
  gtk_widget_class_bind_template_child (widget_class, WvCompareWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, WvCompareWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, WvCompareWindow, runs_grid);
  gtk_widget_class_bind_template_child (widget_class, WvCompareWindow, verdict_grid);
  gtk_widget_class_bind_template_child (widget_class, WvCompareWindow, changes_label);
  gtk_widget_class_bind_template_child (widget_class, WvCompareWindow, streams_grid);
  gtk_widget_class_bind_template_child (widget_class, WvCompareWindow, legend_label);
  gtk_widget_class_bind_template_child (widget_class, WvCompareWindow, charts_grid);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
wv_compare_window_init (WvCompareWindow *self)
{
  static const gboolean numeric[8] = { FALSE, FALSE, FALSE, TRUE, TRUE, TRUE, TRUE, TRUE };

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->runs_table = wv_grid_table_new (self->runs_grid,
                                        (const char * const[]) { _("Run"), _("Started"), _("Against"), _("Length"),
                                                                 _("Wi-Fi at the start"), _("File") },
                                        NULL, 6);
  self->verdict_table = wv_grid_table_new (self->verdict_grid,
                                           (const char * const[]) { _("Use"), "A", "B", _("Change") }, NULL, 4);
  self->streams_table = wv_grid_table_new (self->streams_grid,
                                           (const char * const[]) { _("Connection"), _("Direction"), _("Class"),
                                                                    _("Round-trip time"), _("One-way delay"),
                                                                    _("Delay p99"), _("Jitter"), _("Loss") },
                                           numeric, 8);
  {
    GtkWidget *c2s = gtk_label_new (_("Client → server"));
    GtkWidget *s2c = gtk_label_new (_("Server → client"));

    gtk_label_set_xalign (GTK_LABEL (c2s), 0);
    gtk_label_set_xalign (GTK_LABEL (s2c), 0);
    gtk_widget_add_css_class (c2s, "wv-heading");
    gtk_widget_add_css_class (s2c, "wv-heading");
    gtk_grid_attach (self->charts_grid, c2s, 0, 0, 1, 1);
    gtk_grid_attach (self->charts_grid, s2c, 1, 0, 1, 1);
  }
  for (WvCompareChart c = 0; c < WV_N_COMPARE_CHARTS; c++)
    for (guint d = 0; d < 2; d++)
      {
        WvTimeChart *chart = WV_TIME_CHART (wv_time_chart_new ());

        wv_time_chart_set_title (chart, _(chart_info[c].title));
        wv_time_chart_set_unit (chart, chart_info[c].unit);
        wv_time_chart_set_include_zero (chart, TRUE);
        wv_time_chart_set_time_labels (chart, WV_TIME_LABELS_ELAPSED);
        wv_time_chart_set_now (chart, 1);
        gtk_widget_set_size_request (GTK_WIDGET (chart), -1, CHART_HEIGHT);
        gtk_widget_set_hexpand (GTK_WIDGET (chart), TRUE);
        gtk_grid_attach (self->charts_grid, GTK_WIDGET (chart), d, c + 1, 1, 1);
        self->charts[c][d] = chart;
      }
}
