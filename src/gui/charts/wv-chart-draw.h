/* wv-chart-draw.h: the drawing of the time charts and the hop paths, on a
 * canvas, shared by the widgets and the PDF report
 *
 * WvTimeChart and WvHopView draw through these functions onto a GtkSnapshot
 * canvas; wv_time_chart_render() and wv_hop_paths_render() draw the same
 * charts onto any cairo_t (a PDF page, an image) without a display, GTK or
 * a widget. The widgets keep what belongs to widgets: sizes, the hover
 * marker, tooltips, timers, and the layers' cached decimation.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "wv-chart-axis.h"
#include "wv-chart-canvas.h"
#include "wv-chart-colors.h"
#include "wv-hop-path.h"
#include "wv-series.h"

G_BEGIN_DECLS

/* Line dash patterns, shared with tooltips and legends that want to
 * mimic them. */
#define WV_DASH_ON  6.0
#define WV_DASH_OFF 4.0
#define WV_DOT_GAP  3.5

/* Above this many sparse series in one chart, points get no markers. */
#define WV_CHART_MARKERS_MAX_SERIES 8

/**
 * WvChartFrame:
 *
 * Everything a layer needs to place its data, decided once per frame
 * before the layers draw.
 */
typedef struct
{
  graphene_rect_t  plot;
  double           t_start;
  double           t_end;
  WvChartAxis     *y_axis;
  gboolean         dark;
} WvChartFrame;

/**
 * WvTimeLabels:
 * @WV_TIME_LABELS_AGO: "now", "−10 s", "−1 min" back from the right edge
 *   (a live chart)
 * @WV_TIME_LABELS_ELAPSED: "0 s", "10 s", "1 min" on the series' own clock
 *   (a whole run, from its start)
 */
typedef enum
{
  WV_TIME_LABELS_AGO,
  WV_TIME_LABELS_ELAPSED,
} WvTimeLabels;

/**
 * WvChartEvent:
 * @time: when it happened, on the series' clock
 * @end: the end of an interval (an outage), or NaN for an instant (a roam)
 * @label: (nullable): a word drawn at the top of the plot
 *
 * Instants are drawn as dashed vertical lines, intervals as shaded bands
 * behind the lines.
 */
typedef struct
{
  double      time;
  double      end;
  const char *label;
} WvChartEvent;

/**
 * WvTimeChartSpec:
 *
 * What a time chart shows and how; the widget fills one from its
 * properties for every frame.
 */
typedef struct
{
  const char        *title;
  const char        *unit;
  WvValueFormatFunc  format_func;
  gpointer           format_data;
  GListModel        *series;        /* WvSeries */
  WvChartAxis       *y_axis;        /* set to the frame's value range */
  double             window;        /* seconds shown */
  double             now;           /* time at the right edge */
  gboolean           live;          /* round now to whole pixel periods */
  gboolean           paused;
  gboolean           include_zero;
  double             fixed_min;     /* NaN: automatic */
  double             fixed_max;
  gboolean           dark;
  WvChartColor       fg;
  WvTimeLabels       time_labels;
  /* Lines thinner or thicker than the widgets' 1.5 px (0: the default). */
  double             line_width;
  const WvChartEvent *events;
  guint              n_events;
} WvTimeChartSpec;

typedef struct
{
  PangoLayout *small;
  int          label_height;
  gboolean     show_title;
  gboolean     show_x_labels;
  gboolean     show_y_labels;
  int          title_height;
  int          top;
  int          bottom;
} WvTimeChartMargins;

/* Small text with tabular figures, as the charts label with. */
PangoLayout *wv_chart_create_small_layout (WvChartCanvas *canvas);

char    *wv_time_chart_spec_format      (const WvTimeChartSpec    *spec,
                                         double                    value,
                                         double                    resolution,
                                         const char               *unit);
/* @m->small must be set. */
void     wv_time_chart_compute_margins  (const WvTimeChartSpec    *spec,
                                         int                       width,
                                         int                       height,
                                         WvTimeChartMargins       *m);
/* Returns whether any visible series has data in the time range. */
gboolean wv_time_chart_compute_frame    (const WvTimeChartSpec    *spec,
                                         int                       width,
                                         const WvTimeChartMargins *m,
                                         WvChartFrame             *frame,
                                         WvAxisTicks              *ticks);
void     wv_time_chart_draw_title       (WvChartCanvas            *canvas,
                                         const WvTimeChartSpec    *spec,
                                         int                       width);
void     wv_time_chart_draw_grid        (WvChartCanvas            *canvas,
                                         const WvTimeChartSpec    *spec,
                                         const WvChartFrame       *frame,
                                         const WvAxisTicks        *ticks,
                                         const WvTimeChartMargins *m,
                                         int                       width);
/* The events' bands (@bands) or their lines and labels (!@bands). */
void     wv_time_chart_draw_events      (WvChartCanvas            *canvas,
                                         const WvTimeChartSpec    *spec,
                                         const WvChartFrame       *frame,
                                         const WvTimeChartMargins *m,
                                         gboolean                  bands);
/* "No data" and, without a title row, the paused badge. */
void     wv_time_chart_draw_overlays    (WvChartCanvas            *canvas,
                                         const WvTimeChartSpec    *spec,
                                         const WvChartFrame       *frame,
                                         const WvTimeChartMargins *m,
                                         gboolean                  have_data);

double   wv_chart_frame_value_to_y      (const WvChartFrame       *frame,
                                         double                    value);
/* Decimates @series for @frame into @points (WvDecimatedPoint); returns
 * whether it is dense (two or more points per pixel column). */
gboolean wv_chart_prepare_points        (WvSeries                 *series,
                                         const WvChartFrame       *frame,
                                         GArray                   *points);
/* Dense data: one solid run per pixel column. */
void     wv_chart_draw_columns          (WvChartCanvas            *canvas,
                                         const WvChartFrame       *frame,
                                         const GArray             *points,
                                         const WvChartColor       *color,
                                         WvLineStyle               style);
/* Sparse data: a polyline with markers, onto @cr clipped to the plot. */
void     wv_chart_draw_sparse           (cairo_t                  *cr,
                                         const WvChartFrame       *frame,
                                         const GArray             *points,
                                         const WvChartColor       *color,
                                         WvLineStyle               style,
                                         double                    line_width,
                                         gboolean                  crowded);

/* A whole time chart in (0, 0, width, height) of @canvas. */
void     wv_time_chart_render           (WvChartCanvas            *canvas,
                                         const WvTimeChartSpec    *spec,
                                         int                       width,
                                         int                       height);

/* --- hop paths ------------------------------------------------------------- */

typedef enum
{
  WV_HOP_NODE_SOURCE,
  WV_HOP_NODE_HOP,
  WV_HOP_NODE_DESTINATION,          /* not reached: drawn after the last hop */
} WvHopNodeKind;

/**
 * WvHopSpec:
 *
 * Paths drawn one row each; @differs (from
 * wv_hop_paths_find_differences(), may be NULL) marks the TTLs where they
 * went through different routers.
 */
typedef struct
{
  WvHopPath * const *paths;
  guint              n_paths;
  const gboolean    *differs;
  guint              n_differs;
  WvChartColor       fg;
  gboolean           dark;
} WvHopSpec;

typedef struct
{
  double col_width;
  double row_height;
  double label_height;     /* row label line, 0 when no path has a label */
  double annotation_height;
  double line_height;
  double radius;
  guint  n_columns;
  guint  n_text_lines;
} WvHopLayout;

#define WV_HOP_PAD            8
#define WV_HOP_NAT_COL_WIDTH  150
#define WV_HOP_MAX_RADIUS     11.0
#define WV_HOP_MAX_TEXT_LINES 5

WvHopNodeKind wv_hop_node_kind        (WvHopPath        *path,
                                       guint             node);
gboolean      wv_hop_spec_differs     (const WvHopSpec  *spec,
                                       guint             hop_index);
double        wv_hop_small_line_height (PangoContext    *pango);
guint         wv_hop_spec_max_columns (const WvHopSpec  *spec);
void          wv_hop_compute_layout   (const WvHopSpec  *spec,
                                       PangoContext     *pango,
                                       int               width,
                                       int               height,
                                       WvHopLayout      *out);
void          wv_hop_node_center      (const WvHopLayout *layout,
                                       guint             row,
                                       guint             node,
                                       double           *x,
                                       double           *y);
/* The paths in (0, 0, width, height) of @canvas; "No path" without any. */
void          wv_hop_paths_render     (WvChartCanvas    *canvas,
                                       const WvHopSpec  *spec,
                                       int               width,
                                       int               height);

G_END_DECLS
