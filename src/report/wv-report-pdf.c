/* wv-report-pdf.c: a run's report as a PDF
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A4 pages drawn with cairo and Pango: the metadata, the verdict, the
 * summary table per connection and direction, the outages, the charts of
 * the run (drawn by the chart widgets' own drawing code, wv-chart-draw.c,
 * onto this cairo context), the Wi-Fi link and the paths with their MTUs
 * and notes. Meant to be printed in black and white too: every grade is a
 * word, IPv4 lines are solid and IPv6 dashed, and each chart has a legend.
 * Nothing here needs a display.
 */
#define G_LOG_DOMAIN "wv-report"

#include "config.h"

#include <math.h>
#include <string.h>

#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include "wv-chart-draw.h"
#include "wv-chart-format.h"
#include "wv-dscp.h"
#include "wv-report.h"
#include "wv-trace-path.h"

#define PAGE_W   595.28       /* A4 in points */
#define PAGE_H   841.89
#define MARGIN   42.0
#define TEXT_W   (PAGE_W - 2 * MARGIN)
#define FOOTER   20.0
#define FONT     "Sans"
#define CHART_H  150.0

typedef struct {
  cairo_surface_t *surface;
  cairo_t *cr;
  PangoContext *pango;
  double y;
  int page;
  const char *name;
  WvReport *report;
} Pdf;

/* --- text ----------------------------------------------------------------------- */

static PangoLayout *
layout_new (Pdf *pdf, double size, gboolean bold, double width)
{
  PangoLayout *layout = pango_layout_new (pdf->pango);
  PangoFontDescription *desc = pango_font_description_from_string (FONT);

  pango_font_description_set_size (desc, (gint) (size * PANGO_SCALE));
  if (bold)
    pango_font_description_set_weight (desc, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (layout, desc);
  pango_font_description_free (desc);
  if (width > 0)
    {
      pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
    }
  return layout;
}

static double
layout_height (PangoLayout *layout)
{
  PangoRectangle r;

  pango_layout_get_extents (layout, NULL, &r);
  return (double) r.height / PANGO_SCALE;
}

static double
layout_width (PangoLayout *layout)
{
  PangoRectangle r;

  pango_layout_get_extents (layout, NULL, &r);
  return (double) r.width / PANGO_SCALE;
}

static void
show (Pdf *pdf, PangoLayout *layout, double x, double y, double grey)
{
  cairo_save (pdf->cr);
  cairo_set_source_rgb (pdf->cr, grey, grey, grey);
  cairo_move_to (pdf->cr, x, y);
  pango_cairo_show_layout (pdf->cr, layout);
  cairo_restore (pdf->cr);
}

static void
footer (Pdf *pdf)
{
  g_autoptr(PangoLayout) l = layout_new (pdf, 7, FALSE, 0);
  g_autofree char *text = g_strdup_printf ("wifi-verify report · %s · page %d", pdf->name, pdf->page);

  pango_layout_set_text (l, text, -1);
  show (pdf, l, MARGIN, PAGE_H - MARGIN + 6, 0.35);
}

static void
new_page (Pdf *pdf)
{
  footer (pdf);
  cairo_show_page (pdf->cr);
  pdf->page++;
  pdf->y = MARGIN;
}

/* Starts a new page unless @height fits on this one. */
static void
need (Pdf *pdf, double height)
{
  if (pdf->y + height > PAGE_H - MARGIN - FOOTER && pdf->y > MARGIN)
    new_page (pdf);
}

static void
heading (Pdf *pdf, const char *text, double after)
{
  g_autoptr(PangoLayout) l = layout_new (pdf, 12, TRUE, TEXT_W);

  pango_layout_set_text (l, text, -1);
  /* Keep a heading with what follows it. */
  need (pdf, layout_height (l) + 6 + after);
  pdf->y += 6;
  show (pdf, l, MARGIN, pdf->y, 0);
  pdf->y += layout_height (l) + 4;
  cairo_save (pdf->cr);
  cairo_set_source_rgb (pdf->cr, 0.6, 0.6, 0.6);
  cairo_set_line_width (pdf->cr, 0.5);
  cairo_move_to (pdf->cr, MARGIN, pdf->y - 2);
  cairo_line_to (pdf->cr, PAGE_W - MARGIN, pdf->y - 2);
  cairo_stroke (pdf->cr);
  cairo_restore (pdf->cr);
}

static void
paragraph (Pdf *pdf, const char *text, double size, double indent)
{
  g_autoptr(PangoLayout) l = layout_new (pdf, size, FALSE, TEXT_W - indent);

  pango_layout_set_text (l, text, -1);
  need (pdf, layout_height (l));
  show (pdf, l, MARGIN + indent, pdf->y, 0);
  pdf->y += layout_height (l) + 2;
}

/* "key   value" lines with the keys in one column. */
static void
key_value (Pdf *pdf, const char *key, const char *value)
{
  g_autoptr(PangoLayout) k = layout_new (pdf, 8.5, TRUE, 0);
  g_autoptr(PangoLayout) v = layout_new (pdf, 8.5, FALSE, TEXT_W - 80);
  double h;

  pango_layout_set_text (k, key, -1);
  pango_layout_set_text (v, value, -1);
  h = MAX (layout_height (k), layout_height (v));
  need (pdf, h);
  show (pdf, k, MARGIN, pdf->y, 0.25);
  show (pdf, v, MARGIN + 80, pdf->y, 0);
  pdf->y += h + 1.5;
}

/* --- tables --------------------------------------------------------------------- */

/* Rows of cells (GStrv); columns sized to their widest cell, numbers
 * (@right) aligned right; the header repeats on a new page. */
/* The widths of the columns at @size; their sum. */
static double
measure_columns (Pdf *pdf, const char * const *header, GPtrArray *rows, guint n, double size,
                 double *widths)
{
  g_autoptr(PangoLayout) l = layout_new (pdf, size, FALSE, 0);
  g_autoptr(PangoLayout) b = layout_new (pdf, size, TRUE, 0);
  double total = 0;

  for (guint c = 0; c < n; c++)
    {
      pango_layout_set_text (b, header[c], -1);
      widths[c] = layout_width (b);
      for (guint r = 0; r < rows->len; r++)
        {
          pango_layout_set_text (l, ((char **) g_ptr_array_index (rows, r))[c], -1);
          widths[c] = MAX (widths[c], layout_width (l));
        }
      total += widths[c];
    }
  return total;
}

#define MIN_GAP 7.0

static void
table (Pdf *pdf, const char * const *header, GPtrArray *rows, const gboolean *right, double size)
{
  guint n = g_strv_length ((char **) header);
  g_autofree double *widths = g_new0 (double, n);
  g_autoptr(PangoLayout) l = NULL;
  g_autoptr(PangoLayout) b = NULL;
  double row_h, total, gap;

  /* Smaller type rather than columns running into each other. */
  total = measure_columns (pdf, header, rows, n, size, widths);
  while (total + MIN_GAP * (n - 1) > TEXT_W && size > 5.5)
    {
      size -= 0.25;
      total = measure_columns (pdf, header, rows, n, size, widths);
    }
  l = layout_new (pdf, size, FALSE, 0);
  b = layout_new (pdf, size, TRUE, 0);
  pango_layout_set_text (b, "Ag", -1);
  row_h = layout_height (b) + 2;
  gap = n > 1 ? CLAMP ((TEXT_W - total) / (n - 1), 2.0, 16.0) : 0;

  for (guint r = 0; r <= rows->len; r++)
    {
      gboolean head = r == 0 || pdf->y + row_h > PAGE_H - MARGIN - FOOTER;
      double x = MARGIN;

      if (r > 0 && head)
        new_page (pdf);
      if (head)
        {
          need (pdf, 2 * row_h);
          for (guint c = 0; c < n; c++)
            {
              pango_layout_set_text (b, header[c], -1);
              show (pdf, b, right[c] ? x + widths[c] - layout_width (b) : x, pdf->y, 0);
              x += widths[c] + gap;
            }
          pdf->y += row_h;
          cairo_save (pdf->cr);
          cairo_set_source_rgb (pdf->cr, 0.5, 0.5, 0.5);
          cairo_set_line_width (pdf->cr, 0.5);
          cairo_move_to (pdf->cr, MARGIN, pdf->y - 1);
          cairo_line_to (pdf->cr, MARGIN + total + gap * (n - 1), pdf->y - 1);
          cairo_stroke (pdf->cr);
          cairo_restore (pdf->cr);
          x = MARGIN;
        }
      if (r == rows->len)
        break;
      for (guint c = 0; c < n; c++)
        {
          pango_layout_set_text (l, ((char **) g_ptr_array_index (rows, r))[c], -1);
          show (pdf, l, right[c] ? x + widths[c] - layout_width (l) : x, pdf->y, 0);
          x += widths[c] + gap;
        }
      pdf->y += row_h;
    }
  pdf->y += 4;
}

static GPtrArray *
rows_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
}

static void
add_row (GPtrArray *rows, ...)
{
  GPtrArray *cells = g_ptr_array_new ();
  va_list args;
  char *cell;

  va_start (args, rows);
  while ((cell = va_arg (args, char *)) != NULL)
    g_ptr_array_add (cells, cell);
  va_end (args);
  g_ptr_array_add (cells, NULL);
  g_ptr_array_add (rows, g_ptr_array_free (cells, FALSE));
}

static char *
num (double v, const char *format)
{
  return isfinite (v) ? g_strdup_printf (format, v) : g_strdup ("–");
}

static char *
p50_p99 (const WvSummary *s)
{
  return s->n > 0 ? g_strdup_printf ("%.2f / %.2f", s->p50, s->p99) : g_strdup ("–");
}

/* --- sections ------------------------------------------------------------------- */

static void
title_block (Pdf *pdf)
{
  g_autoptr(PangoLayout) t = layout_new (pdf, 18, TRUE, TEXT_W);
  g_autoptr(PangoLayout) s = layout_new (pdf, 9, FALSE, TEXT_W);
  g_autofree char *when = wv_report_format_time (wv_report_get_start_ns (pdf->report));
  g_autofree char *sub = g_strdup_printf ("%s · measured %s", pdf->name, when);

  pango_layout_set_text (t, "Network path report", -1);
  show (pdf, t, MARGIN, pdf->y, 0);
  pdf->y += layout_height (t) + 2;
  pango_layout_set_text (s, sub, -1);
  show (pdf, s, MARGIN, pdf->y, 0.3);
  pdf->y += layout_height (s) + 8;
}

static void
metadata_block (Pdf *pdf)
{
  const WvRunMeta *m = wv_report_get_meta (pdf->report);
  gint64 start = wv_report_get_start_ns (pdf->report), end = wv_report_get_end_ns (pdf->report);
  g_autofree char *from = wv_report_format_time (start);
  g_autofree char *measured = end > start ? g_strdup_printf ("%s, %.0f s", from, (end - start) / 1e9)
                                          : g_strdup (from);

  heading (pdf, "The run", 40);
  key_value (pdf, "Measured", measured);
  if (m == NULL)
    {
      key_value (pdf, "Metadata", "none: plain JSON lines, not a run file");
      return;
    }
  {
    g_autofree char *program = g_strdup_printf ("wifi-verify %s", m->version ? m->version : "?");
    g_autofree char *mode = g_strcmp0 (m->mode, "self-test") == 0
                            ? g_strdup ("self-test over loopback")
                            : g_strdup_printf ("measured against %s", m->server ? m->server : "?");
    g_autofree char *host = g_strdup_printf ("%s%s%s%s%s", m->hostname ? m->hostname : "?",
                                             m->os ? ", " : "", m->os ? m->os : "",
                                             m->kernel ? ", kernel " : "", m->kernel ? m->kernel : "");

    key_value (pdf, "Program", program);
    key_value (pdf, "Mode", mode);
    key_value (pdf, "Host", host);
  }
  for (guint i = 0; i < m->interfaces->len; i++)
    {
      const WvRunInterface *iface = g_ptr_array_index (m->interfaces, i);
      g_autofree char *addrs = g_strjoinv (", ", iface->addresses);
      g_autofree char *text = *addrs ? g_strdup_printf ("%s (%s)", iface->name, addrs) : g_strdup (iface->name);

      key_value (pdf, i ? "" : "Interfaces", text);
    }
  if (m->has_wifi)
    {
      g_autofree char *w = wv_report_describe_wifi (&m->wifi);

      key_value (pdf, "Wi-Fi", w);
    }
  else
    {
      g_autofree char *w = g_strdup_printf ("not measured: %s",
                                            m->wifi_absent_detail ? m->wifi_absent_detail
                                            : (wv_wifi_absent_to_string (m->wifi_absent) ?: "unknown"));

      key_value (pdf, "Wi-Fi", w);
    }
  {
    GString *s = g_string_new (NULL);
    g_autoptr(GList) members = json_object_get_members (m->settings);

    for (GList *l = members; l != NULL; l = l->next)
      {
        JsonNode *node = json_object_get_member (m->settings, l->data);
        g_autofree char *value = JSON_NODE_HOLDS_VALUE (node) &&
                                 json_node_get_value_type (node) == G_TYPE_STRING
                                 ? g_strdup (json_node_get_string (node)) : json_to_string (node, FALSE);

        g_string_append_printf (s, "%s%s %s", s->len ? ", " : "", (const char *) l->data, value);
      }
    if (s->len > 0)
      key_value (pdf, "Settings", s->str);
    g_string_free (s, TRUE);
  }
  if (m->end_ns == 0)
    key_value (pdf, "Note", "the run did not finish writing its file");
}

/* A grade as a word in a box: readable without colour. */
static void
grade_badge (Pdf *pdf, WvGrade grade, double x, double y, double w, double h)
{
  static const double fills[][3] = {
    [WV_GRADE_UNKNOWN] = { 0.92, 0.92, 0.92 },
    [WV_GRADE_GOOD] = { 0.82, 0.93, 0.84 },
    [WV_GRADE_FAIR] = { 0.99, 0.90, 0.72 },
    [WV_GRADE_POOR] = { 0.98, 0.78, 0.78 },
  };
  g_autoptr(PangoLayout) l = layout_new (pdf, 9, TRUE, 0);
  g_autofree char *word = g_ascii_strup (wv_grade_to_string (grade) ?: "?", -1);
  guint g = (guint) grade < G_N_ELEMENTS (fills) ? (guint) grade : 0;

  cairo_save (pdf->cr);
  cairo_rectangle (pdf->cr, x, y, w, h);
  cairo_set_source_rgb (pdf->cr, fills[g][0], fills[g][1], fills[g][2]);
  cairo_fill_preserve (pdf->cr);
  cairo_set_source_rgb (pdf->cr, 0, 0, 0);
  cairo_set_line_width (pdf->cr, grade == WV_GRADE_POOR ? 1.6 : 0.6);
  cairo_stroke (pdf->cr);
  cairo_restore (pdf->cr);
  pango_layout_set_text (l, word, -1);
  show (pdf, l, x + (w - layout_width (l)) / 2, y + (h - layout_height (l)) / 2, 0);
}

static void
verdict_block (Pdf *pdf)
{
  GArray *verdicts = wv_report_get_verdicts (pdf->report);
  g_autoptr(GPtrArray) rows = rows_new ();
  static const char *header[] = { "conn", "IP", "dir", "DSCP", "voice call", "video call", "interactive", NULL };
  static const gboolean right[] = { TRUE, FALSE, FALSE, FALSE, FALSE, FALSE, FALSE };

  heading (pdf, "Verdict", 70);
  paragraph (pdf, wv_report_verdicts_computed (pdf->report)
             ? "For real-time uses; the worst connection and direction decides. Computed from the "
               "summaries (the run had no verdicts). The rules and their sources: docs/verdict.md."
             : "For real-time uses; the worst connection and direction decides. The rules and their "
               "sources: docs/verdict.md.", 8, 0);
  pdf->y += 2;
  for (WvProfile p = 0; p < WV_N_PROFILES; p++)
    {
      const WvRecord *r = wv_report_get_run_verdict (pdf->report, p);
      g_autoptr(PangoLayout) title = layout_new (pdf, 9.5, TRUE, 0);
      g_autoptr(PangoLayout) why = layout_new (pdf, 8.5, FALSE, TEXT_W - 215);
      g_autofree char *text = NULL;
      g_autofree char *who = NULL;
      g_autofree char *full = NULL;
      double h;

      if (r == NULL)
        continue;
      text = wv_report_describe_verdict (&r->verdict);
      who = r->verdict.metric != WV_VERDICT_METRIC_NONE ? wv_report_stream_label (r) : NULL;
      full = who ? g_strdup_printf ("%s (%s)", text, who) : g_strdup (text);
      pango_layout_set_text (title, wv_report_profile_title (p), -1);
      pango_layout_set_text (why, full, -1);
      h = MAX (22, layout_height (why) + 6);
      need (pdf, h + 4);
      show (pdf, title, MARGIN, pdf->y + (h - layout_height (title)) / 2, 0);
      grade_badge (pdf, r->verdict.grade, MARGIN + 145, pdf->y, 56, h);
      show (pdf, why, MARGIN + 211, pdf->y + (h - layout_height (why)) / 2, 0);
      pdf->y += h + 4;
    }
  pdf->y += 4;

  for (guint i = 0; i + WV_N_PROFILES <= verdicts->len; i += WV_N_PROFILES)
    {
      const WvRecord *r = &g_array_index (verdicts, WvRecord, i);

      if (r->verdict.run)
        break;
      add_row (rows, g_strdup_printf ("%u", r->conn), g_strdup_printf ("v%d", r->family),
               g_strdup (wv_direction_to_string (r->dir)),
               g_strdup (r->verdict.dscp >= 0 && wv_dscp_name (r->verdict.dscp) ? wv_dscp_name (r->verdict.dscp) : "–"),
               wv_report_verdict_cell (&g_array_index (verdicts, WvRecord, i).verdict),
               wv_report_verdict_cell (&g_array_index (verdicts, WvRecord, i + 1).verdict),
               wv_report_verdict_cell (&g_array_index (verdicts, WvRecord, i + 2).verdict),
               NULL);
    }
  if (rows->len > 0)
    table (pdf, header, rows, right, 8);
}

static void
summary_block (Pdf *pdf)
{
  GArray *summaries = wv_report_get_summaries (pdf->report);
  g_autoptr(GPtrArray) rows = rows_new ();
  static const char *header[] = {
    "conn", "IP", "dir", "DSCP", "probes", "loss %", "reord. %", "RTT p50/p99",
    "one-way p50/p99", "jitter", "bit/s", "TOS", NULL
  };
  static const gboolean right[] = { TRUE, FALSE, FALSE, FALSE, TRUE, TRUE, TRUE, TRUE, TRUE, TRUE, TRUE, FALSE };

  if (summaries->len == 0)
    return;
  heading (pdf, "Summary per connection and direction", 40);
  for (guint i = 0; i < summaries->len; i++)
    {
      const WvRecord *r = &g_array_index (summaries, WvRecord, i);
      const WvStatsRecord *s = &r->stats;

      add_row (rows, g_strdup_printf ("%u", r->conn), g_strdup_printf ("v%d", r->family),
               g_strdup (wv_direction_to_string (r->dir)),
               g_strdup (s->dscp >= 0 && wv_dscp_name (s->dscp) ? wv_dscp_name (s->dscp) : "–"),
               g_strdup_printf ("%u", s->rx.probes),
               num (s->rx.expected ? s->rx.loss_pct : NAN, "%.2f"),
               num (s->rx.probes ? s->rx.reorder_pct : NAN, "%.2f"),
               p50_p99 (&s->rtt_ms), p50_p99 (&s->rx.owd_ms),
               num (s->rx.probes ? s->rx.jitter_ms : NAN, "%.3f"),
               wv_format_si (s->rx.throughput_bps, 1000, NULL, NULL),
               s->rx.rx_tos >= 0 ? g_strdup_printf ("0x%02x%s", s->rx.rx_tos, s->remarked ? " re-marked" : "")
                                 : g_strdup ("–"),
               NULL);
    }
  table (pdf, header, rows, right, 7.5);
  paragraph (pdf, "Times in ms. One-way delays are those of the probes' clocks (synchronised or "
             "offset-estimated, see the run's records); round-trip times are the sender's, from "
             "echoed probes; loss and jitter follow RFC 3550.", 7.5, 0);
}

static void
outage_block (Pdf *pdf)
{
  GArray *verdicts = wv_report_get_verdicts (pdf->report);
  g_autoptr(GString) s = g_string_new (NULL);

  heading (pdf, "Outages", 20);
  for (guint i = 0; i < verdicts->len; i++)
    {
      const WvRecord *r = &g_array_index (verdicts, WvRecord, i);
      g_autofree char *label = NULL;

      if (r->verdict.run || r->verdict.profile != WV_PROFILE_VOICE || r->verdict.outages == 0)
        continue;
      label = wv_report_stream_label (r);
      g_string_append_printf (s, "%s%s: %u outage%s, the longest %.1f s", s->len ? "\n" : "", label,
                              r->verdict.outages, r->verdict.outages == 1 ? "" : "s",
                              r->verdict.outage_max_s);
    }
  paragraph (pdf, s->len ? s->str : "No outage was recorded in this run.", 8.5, 0);
}

/* --- charts ----------------------------------------------------------------- */

typedef enum {
  METRIC_DELAY,
  METRIC_RTT,
  METRIC_JITTER,
  METRIC_LOSS,
} Metric;

static double
metric_value (const WvRecord *r, Metric metric)
{
  const WvStatsRecord *s = &r->stats;

  switch (metric)
    {
    case METRIC_DELAY:
      return s->rx.owd_ms.n ? s->rx.owd_ms.p50 : NAN;
    case METRIC_RTT:
      return s->rtt_ms.n ? s->rtt_ms.p50 : NAN;
    case METRIC_JITTER:
      return s->rx.probes ? s->rx.jitter_ms : NAN;
    case METRIC_LOSS:
    default:
      return s->rx.expected ? s->rx.loss_pct : NAN;
    }
}

static int
compare_uint (gconstpointer a, gconstpointer b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;

  return (x > y) - (x < y);
}

/* The colour of a connection: its number within its family, as in the
 * app. */
static guint
color_of (GArray *seconds, guint conn, int family)
{
  g_autoptr(GArray) seen = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; i < seconds->len; i++)
    {
      const WvRecord *r = &g_array_index (seconds, WvRecord, i);
      gboolean known = FALSE;

      if (r->family != family)
        continue;
      for (guint k = 0; k < seen->len; k++)
        known |= g_array_index (seen, guint, k) == r->conn;
      if (!known)
        g_array_append_val (seen, r->conn);
    }
  g_array_sort (seen, compare_uint);
  for (guint k = 0; k < seen->len; k++)
    if (g_array_index (seen, guint, k) == conn)
      return k;
  return 0;
}

static void
legend (Pdf *pdf, GListModel *series)
{
  double x = MARGIN + 4;
  g_autoptr(PangoLayout) l = layout_new (pdf, 7.5, FALSE, 0);

  for (guint i = 0; i < g_list_model_get_n_items (series); i++)
    {
      g_autoptr(WvSeries) s = g_list_model_get_item (series, i);
      WvChartColor color;
      double w;

      pango_layout_set_text (l, wv_series_get_label (s), -1);
      w = layout_width (l);
      if (x + 26 + w > PAGE_W - MARGIN)
        {
          x = MARGIN + 4;
          pdf->y += layout_height (l) + 2;
        }
      wv_chart_color_series (wv_series_get_color_index (s), FALSE, &color);
      cairo_save (pdf->cr);
      wv_chart_color_set_source (pdf->cr, &color);
      cairo_set_line_width (pdf->cr, 1.5);
      if (wv_series_get_line_style (s) == WV_LINE_STYLE_DASHED)
        cairo_set_dash (pdf->cr, (double[]) { WV_DASH_ON, WV_DASH_OFF }, 2, 0);
      cairo_move_to (pdf->cr, x, pdf->y + layout_height (l) / 2);
      cairo_line_to (pdf->cr, x + 20, pdf->y + layout_height (l) / 2);
      cairo_stroke (pdf->cr);
      cairo_restore (pdf->cr);
      show (pdf, l, x + 24, pdf->y, 0);
      x += 24 + w + 14;
    }
  pdf->y += layout_height (l) + 6;
}

static void
draw_chart (Pdf *pdf, const char *title, const char *unit, GListModel *series, double window,
            double fixed_min, double fixed_max, gboolean include_zero,
            const WvChartEvent *events, guint n_events, WvValueFormatFunc format)
{
  g_autoptr(WvChartAxis) axis = wv_chart_axis_new (0, 1);
  WvChartCanvas *canvas;
  WvTimeChartSpec spec = {
    .title = title,
    .unit = unit,
    .format_func = format,
    .series = series,
    .y_axis = axis,
    .window = MAX (window, 1.0),
    .now = MAX (window, 1.0),
    .include_zero = include_zero,
    .fixed_min = fixed_min,
    .fixed_max = fixed_max,
    .fg = { 0, 0, 0, 1 },
    .time_labels = WV_TIME_LABELS_ELAPSED,
    .line_width = 1.2,
    .events = events,
    .n_events = n_events,
  };

  need (pdf, CHART_H + 16);
  cairo_save (pdf->cr);
  cairo_translate (pdf->cr, MARGIN, pdf->y);
  canvas = wv_chart_canvas_new_cairo (pdf->cr, NULL, FONT " 9");
  wv_time_chart_render (canvas, &spec, (int) TEXT_W, (int) CHART_H);
  wv_chart_canvas_free_cairo (canvas);
  cairo_restore (pdf->cr);
  pdf->y += CHART_H;
  legend (pdf, series);
}

/* Series in connection order, whatever order the records came in. */
static int
compare_series_conn (gconstpointer a, gconstpointer b, gpointer data)
{
  guint x = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (a), "conn"));
  guint y = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (b), "conn"));

  return (x > y) - (x < y);
}

static void
charts_block (Pdf *pdf)
{
  static const struct { Metric metric; const char *title; const char *unit; } metrics[] = {
    { METRIC_DELAY, "One-way delay, median per second", "ms" },
    { METRIC_JITTER, "Jitter (RFC 3550)", "ms" },
    { METRIC_LOSS, "Loss per second", "%" },
    { METRIC_RTT, "Round-trip time, median per second", "ms" },
  };
  GArray *seconds = wv_report_get_seconds (pdf->report);
  gint64 start = wv_report_get_start_ns (pdf->report);
  double window = 1;

  if (seconds->len == 0)
    return;
  heading (pdf, "Over the run", CHART_H);
  paragraph (pdf, "Per-second statistics of the probe streams, seconds from the start of the run "
             "(the receiver's clock). IPv4 solid, IPv6 dashed.", 8, 0);
  for (guint i = 0; i < seconds->len; i++)
    window = MAX (window, (g_array_index (seconds, WvRecord, i).time_ns - start) / 1e9);

  for (guint m = 0; m < G_N_ELEMENTS (metrics); m++)
    for (WvDirection dir = WV_DIR_C2S; dir <= WV_DIR_S2C; dir++)
      {
        g_autoptr(GListStore) store = g_list_store_new (WV_TYPE_SERIES);
        g_autofree char *title = g_strdup_printf ("%s, %s", metrics[m].title,
                                                  dir == WV_DIR_C2S ? "client to server" : "server to client");
        g_autoptr(GHashTable) by_conn = g_hash_table_new (NULL, NULL);
        g_autoptr(GHashTable) dscp_of = g_hash_table_new (NULL, NULL);

        for (guint i = 0; i < seconds->len; i++)
          {
            const WvRecord *r = &g_array_index (seconds, WvRecord, i);
            WvSeries *s;
            double v;

            if (r->dir != dir)
              continue;
            /* One class (DSCP) per connection, the first, as in the app. */
            if (!g_hash_table_contains (dscp_of, GUINT_TO_POINTER (r->conn)))
              g_hash_table_insert (dscp_of, GUINT_TO_POINTER (r->conn), GINT_TO_POINTER (r->stats.dscp + 1));
            if (GPOINTER_TO_INT (g_hash_table_lookup (dscp_of, GUINT_TO_POINTER (r->conn))) != r->stats.dscp + 1)
              continue;
            s = g_hash_table_lookup (by_conn, GUINT_TO_POINTER (r->conn));
            if (s == NULL)
              {
                g_autofree char *label = g_strdup_printf ("conn %u IPv%d", r->conn, r->family);

                s = wv_series_new (label, 100000);
                wv_series_set_color_index (s, color_of (seconds, r->conn, r->family));
                wv_series_set_line_style (s, r->family == 6 ? WV_LINE_STYLE_DASHED : WV_LINE_STYLE_SOLID);
                wv_series_set_gap_threshold (s, 2.5);
                g_object_set_data (G_OBJECT (s), "conn", GUINT_TO_POINTER (r->conn + 1));
                g_list_store_insert_sorted (store, s, compare_series_conn, NULL);
                g_hash_table_insert (by_conn, GUINT_TO_POINTER (r->conn), s);
                g_object_unref (s);
              }
            v = metric_value (r, metrics[m].metric);
            if (isfinite (v))
              wv_series_append (s, (r->time_ns - start) / 1e9, v);
          }
        if (g_list_model_get_n_items (G_LIST_MODEL (store)) == 0)
          continue;
        draw_chart (pdf, title, metrics[m].unit, G_LIST_MODEL (store), window,
                    metrics[m].metric == METRIC_LOSS ? 0 : NAN, NAN,
                    metrics[m].metric != METRIC_DELAY && metrics[m].metric != METRIC_RTT,
                    NULL, 0, NULL);
      }
}

static void
wifi_block (Pdf *pdf)
{
  GArray *wifi = wv_report_get_wifi (pdf->report);
  gint64 start = wv_report_get_start_ns (pdf->report);
  g_autoptr(GListStore) store = g_list_store_new (WV_TYPE_SERIES);
  g_autoptr(GArray) events = g_array_new (FALSE, FALSE, sizeof (WvChartEvent));
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(WvSeries) signal = NULL;
  double window = 1;

  if (wifi->len == 0)
    return;
  heading (pdf, "Wi-Fi link", CHART_H);
  {
    g_autofree char *first = wv_report_describe_wifi (&g_array_index (wifi, WvRecord, 0).wifi);
    g_autofree char *text = g_strdup_printf ("At the start: %s. Read from NetworkManager once a "
                                             "second (signal: its strength in percent).", first);

    paragraph (pdf, text, 8.5, 0);
  }
  signal = wv_series_new ("signal", 100000);
  wv_series_set_gap_threshold (signal, 2.5);
  for (guint i = 0; i < wifi->len; i++)
    {
      const WvRecord *r = &g_array_index (wifi, WvRecord, i);
      double t = (r->time_ns - start) / 1e9;

      window = MAX (window, t);
      if (r->wifi.signal_pct >= 0)
        wv_series_append (signal, t, r->wifi.signal_pct);
      if (r->wifi.roamed)
        {
          g_autofree char *to = wv_report_describe_wifi (&r->wifi);
          char *label = g_strdup_printf ("roam to %s", r->wifi.bssid);
          WvChartEvent e = { t, NAN, label };
          g_autofree char *text = g_strdup_printf ("Roamed %.0f s into the run, to %s.", t, to);

          g_ptr_array_add (texts, label);
          g_array_append_val (events, e);
          paragraph (pdf, text, 8.5, 0);
        }
    }
  {
    GArray *seconds = wv_report_get_seconds (pdf->report);

    for (guint i = 0; i < seconds->len; i++)
      window = MAX (window, (g_array_index (seconds, WvRecord, i).time_ns - start) / 1e9);
  }
  g_list_store_append (store, signal);
  draw_chart (pdf, "Wi-Fi signal", "%", G_LIST_MODEL (store), window, 0, 100, TRUE,
              (const WvChartEvent *) (gpointer) events->data, events->len, NULL);
}

/* The hop paths of one family and direction, one row per connection. */
static void
paths_block (Pdf *pdf)
{
  WvTraceTable *table = wv_report_get_trace_table (pdf->report);
  WvPathNotes *notes = wv_report_get_path_notes (pdf->report);
  static const int families[] = { 4, 6 };

  if (wv_trace_table_get_n_paths (table) == 0)
    return;
  heading (pdf, "Paths", 120);
  paragraph (pdf, "Each row is one connection's path, traced with its own packets: round-trip time "
             "min/avg/max and loss per hop over the traceroute rounds, the MTU found up to each "
             "hop; highlighted hops differ between the connections (ECMP).", 8, 0);

  for (guint f = 0; f < G_N_ELEMENTS (families); f++)
    for (WvDirection dir = WV_DIR_C2S; dir <= WV_DIR_S2C; dir++)
      {
        g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func ((GDestroyNotify) wv_hop_path_unref);
        g_autofree gboolean *differs = NULL;
        g_autofree char *title = g_strdup_printf ("IPv%d, %s", families[f],
                                                  dir == WV_DIR_C2S ? "client to server" : "server to client");
        guint n_differs = 0;
        WvChartCanvas *canvas;
        WvHopSpec spec;
        double h;

        for (guint p = 0; p < wv_trace_table_get_n_paths (table); p++)
          {
            WvTracePathKey key;
            WvHopPath *path;
            g_autofree char *label = NULL;
            gboolean confirmed;
            guint pmtu;

            wv_trace_table_get_key (table, p, &key);
            if (key.family != families[f] || key.dir != dir || !wv_trace_table_has_traceroute (table, p))
              continue;
            pmtu = wv_trace_table_get_path_mtu (table, p, &confirmed);
            label = pmtu ? g_strdup_printf ("connection %u: path MTU %u%s", key.conn, pmtu,
                                            confirmed ? " (confirmed)" : " (not confirmed)")
                         : g_strdup_printf ("connection %u", key.conn);
            path = wv_trace_path_build (table, p, label, dir == WV_DIR_C2S ? "client" : "server");
            g_ptr_array_add (paths, path);
          }
        if (paths->len == 0)
          continue;
        if (paths->len > 1)
          differs = wv_hop_paths_find_differences ((WvHopPath * const *) paths->pdata, paths->len, &n_differs);
        spec = (WvHopSpec) {
          .paths = (WvHopPath * const *) paths->pdata,
          .n_paths = paths->len,
          .differs = differs,
          .n_differs = n_differs,
          .fg = { 0, 0, 0, 1 },
        };
        h = 24 + 118.0 * paths->len;
        {
          g_autoptr(PangoLayout) l = layout_new (pdf, 9.5, TRUE, 0);

          pango_layout_set_text (l, title, -1);
          need (pdf, layout_height (l) + MIN (h, 240));
          show (pdf, l, MARGIN, pdf->y, 0);
          pdf->y += layout_height (l) + 2;
        }
        /* Long lists of connections go over several pages, a few rows at
         * a time. */
        for (guint first = 0; first < paths->len; first += 5)
          {
            guint n = MIN (5, paths->len - first);
            WvHopSpec part = spec;

            part.paths = spec.paths + first;
            part.n_paths = n;
            h = 24 + 118.0 * n;
            need (pdf, h);
            cairo_save (pdf->cr);
            cairo_translate (pdf->cr, MARGIN, pdf->y);
            canvas = wv_chart_canvas_new_cairo (pdf->cr, NULL, FONT " 9");
            wv_hop_paths_render (canvas, &part, (int) TEXT_W, (int) h);
            wv_chart_canvas_free_cairo (canvas);
            cairo_restore (pdf->cr);
            pdf->y += h;
          }
      }

  {
    g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);

    for (guint i = 0; i < notes->sets->len; i++)
      {
        const WvPathSet *set = g_ptr_array_index (notes->sets, i);

        if (set->groups->len > 1 || ((WvPathGroup *) g_ptr_array_index (set->groups, 0))->conns->len > 1)
          g_ptr_array_add (texts, wv_report_describe_path_set (set));
      }
    for (guint i = 0; i < notes->notes->len; i++)
      g_ptr_array_add (texts, wv_report_describe_note (&g_array_index (notes->notes, WvPathNote, i)));
    if (texts->len > 0)
      heading (pdf, "What the paths say", 30);
    for (guint i = 0; i < texts->len; i++)
      paragraph (pdf, g_ptr_array_index (texts, i), 8.5, 0);
  }
}

static void
problems_block (Pdf *pdf)
{
  const char * const *problems = wv_report_get_problems (pdf->report);

  if (problems[0] == NULL)
    return;
  heading (pdf, "Reading the file", 20);
  paragraph (pdf, "The run file is incomplete or damaged; this report shows what could be read.", 8.5, 0);
  for (guint i = 0; problems[i] != NULL; i++)
    paragraph (pdf, problems[i], 8, 8);
}

gboolean
wv_report_write_pdf (WvReport *self, const char *name, const char *path, GError **error)
{
  Pdf pdf = { 0 };
  cairo_status_t status;
  g_autofree char *title = g_strdup_printf ("wifi-verify report: %s", name);

  g_return_val_if_fail (self != NULL && path != NULL, FALSE);

  pdf.surface = cairo_pdf_surface_create (path, PAGE_W, PAGE_H);
  status = cairo_surface_status (pdf.surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot write “%s”: %s", path,
                   cairo_status_to_string (status));
      cairo_surface_destroy (pdf.surface);
      return FALSE;
    }
  cairo_pdf_surface_set_metadata (pdf.surface, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata (pdf.surface, CAIRO_PDF_METADATA_CREATOR, "wifi-verify " PACKAGE_VERSION);
  pdf.cr = cairo_create (pdf.surface);
  pdf.pango = pango_cairo_create_context (pdf.cr);
  {
    cairo_font_options_t *options = cairo_font_options_create ();

    cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
    pango_cairo_context_set_font_options (pdf.pango, options);
    cairo_font_options_destroy (options);
  }
  pdf.y = MARGIN;
  pdf.page = 1;
  pdf.name = name;
  pdf.report = self;

  title_block (&pdf);
  metadata_block (&pdf);
  problems_block (&pdf);
  verdict_block (&pdf);
  summary_block (&pdf);
  outage_block (&pdf);
  wifi_block (&pdf);
  charts_block (&pdf);
  paths_block (&pdf);
  footer (&pdf);

  g_object_unref (pdf.pango);
  cairo_destroy (pdf.cr);
  cairo_surface_finish (pdf.surface);
  status = cairo_surface_status (pdf.surface);
  cairo_surface_destroy (pdf.surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot write “%s”: %s", path,
                   cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}
