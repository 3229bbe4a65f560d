/* wv-hop-view.c: draws traceroute paths, one row per path
 *
 * Each path is a row of nodes from left to right: the source, one node per
 * TTL, and the destination (the last hop itself when it answered, an extra
 * dashed node when it did not). Columns line up by TTL across rows, so the
 * paths of an ECMP group read one above the other, and the TTLs where they
 * went through different routers are highlighted. Under each node: the
 * address, the reverse name, RTT min/avg/max, loss and the MTU; links into
 * a hop where the path MTU changed carry the new MTU.
 *
 * Everything but text goes into one cairo node; text uses
 * gtk_snapshot_append_layout() so the renderer can cache glyphs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "wv-charts"

#include <math.h>

#include "wv-chart-format.h"
#include "wv-chart-palette.h"
#include "wv-hop-view.h"

#define PAD             8
#define NAT_COL_WIDTH   150
#define MAX_RADIUS      11.0
#define MIN_RADIUS      3.0
#define MAX_TEXT_LINES  5
#define MIN_TEXT_COLUMN 40
#define LOSS_BAD_PCT    10.0

struct _WvHopView
{
  GtkWidget parent_instance;

  GPtrArray *paths;        /* WvHopPath */
  gboolean *differs;       /* per TTL - 1, see wv_hop_paths_find_differences() */
  guint n_differs;
};

typedef struct
{
  double col_width;
  double row_height;
  double label_height;     /* row label line, 0 when no path has a label */
  double annotation_height;
  double line_height;
  double radius;
  guint n_columns;
  guint n_text_lines;
} HopLayout;

typedef enum
{
  NODE_SOURCE,
  NODE_HOP,
  NODE_DESTINATION,        /* not reached: drawn after the last hop */
} NodeKind;

G_DEFINE_FINAL_TYPE (WvHopView, wv_hop_view, GTK_TYPE_WIDGET)

/* All text in the view is small with tabular figures; markup (not layout
 * attributes) carries that so that bold lines can share the layout. */
static void
set_small_text (PangoLayout *layout,
                const char  *text,
                gboolean     bold)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);
  g_autofree char *markup = g_strdup_printf ("<span font_features=\"tnum=1\"><small>%s%s%s</small></span>",
                                             bold ? "<b>" : "", escaped, bold ? "</b>" : "");

  pango_layout_set_markup (layout, markup, -1);
}

static double
small_line_height (GtkWidget *widget)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, NULL);
  PangoRectangle extents;

  set_small_text (layout, "Ag09", TRUE);
  pango_layout_get_pixel_extents (layout, NULL, &extents);

  return MAX (extents.height, 1);
}

static guint
max_columns (WvHopView *self)
{
  guint n = 1;

  for (guint i = 0; i < self->paths->len; i++)
    n = MAX (n, wv_hop_path_get_n_nodes (g_ptr_array_index (self->paths, i)));

  return n;
}

static gboolean
any_label (WvHopView *self)
{
  for (guint i = 0; i < self->paths->len; i++)
    {
      if (wv_hop_path_get_label (g_ptr_array_index (self->paths, i)) != NULL)
        return TRUE;
    }

  return FALSE;
}

static void
compute_layout (WvHopView *self,
                int        width,
                int        height,
                HopLayout *out)
{
  guint n_rows = MAX (self->paths->len, 1);
  double node_room;
  double text_top;

  out->line_height = small_line_height (GTK_WIDGET (self));
  out->n_columns = max_columns (self);
  out->col_width = MAX (1.0, (width - 2.0 * PAD) / out->n_columns);
  out->row_height = MAX (1.0, (height - 2.0 * PAD) / n_rows);
  out->label_height = any_label (self) && out->row_height >= 4 * out->line_height
                      ? out->line_height + 2 : 0;
  out->annotation_height = out->row_height >= 3 * out->line_height ? out->line_height + 2 : 0;

  node_room = out->row_height - out->label_height - out->annotation_height;
  out->radius = CLAMP (MIN (out->col_width * 0.3, node_room / 2 - 1), MIN_RADIUS, MAX_RADIUS);

  text_top = out->label_height + out->annotation_height + 2 * out->radius + 4;
  if (out->col_width < MIN_TEXT_COLUMN)
    out->n_text_lines = 0;
  else
    out->n_text_lines = (guint) CLAMP (floor ((out->row_height - text_top - 4) / out->line_height),
                                       0, MAX_TEXT_LINES);
}

static void
node_center (const HopLayout *layout,
             guint            row,
             guint            node,
             double          *x,
             double          *y)
{
  *x = PAD + layout->col_width * (node + 0.5);
  *y = PAD + row * layout->row_height + layout->label_height +
       layout->annotation_height + layout->radius;
}

static NodeKind
node_kind (WvHopPath *path,
           guint      node)
{
  if (node == 0)
    return NODE_SOURCE;

  if (node <= wv_hop_path_get_n_hops (path))
    return NODE_HOP;

  return NODE_DESTINATION;
}

static WvChartStatus
loss_status (double loss_pct)
{
  if (isnan (loss_pct))
    return WV_CHART_STATUS_UNKNOWN;
  if (loss_pct <= 0)
    return WV_CHART_STATUS_GOOD;
  if (loss_pct < LOSS_BAD_PCT)
    return WV_CHART_STATUS_WARNING;
  return WV_CHART_STATUS_BAD;
}

static gboolean
hop_differs (WvHopView *self,
             guint      hop_index)
{
  return self->differs != NULL && hop_index < self->n_differs && self->differs[hop_index];
}

typedef struct
{
  char *text;
  GdkRGBA color;
  gboolean bold;
} TextLine;

static void
text_line_clear (gpointer data)
{
  TextLine *line = data;

  g_free (line->text);
}

static void
add_line (GArray        *lines,
          char          *text,
          const GdkRGBA *color,
          gboolean       bold)
{
  TextLine line = { text, *color, bold };

  g_array_append_val (lines, line);
}

/* The text under a node, most important first: rows too short for all of
 * it drop lines from the end. */
static GArray *
node_lines (WvHopView *self,
            WvHopPath *path,
            guint      node,
            gboolean   dark)
{
  GArray *lines = g_array_new (FALSE, FALSE, sizeof (TextLine));
  GdkRGBA fg, dim, color;

  g_array_set_clear_func (lines, text_line_clear);

  wv_chart_get_foreground (GTK_WIDGET (self), &fg);
  dim = fg;
  dim.alpha *= 0.65f;

  switch (node_kind (path, node))
    {
    case NODE_SOURCE:
      add_line (lines, g_strdup (wv_hop_path_get_source (path) ? wv_hop_path_get_source (path) : "source"),
                &fg, TRUE);
      add_line (lines, g_strdup ("source"), &dim, FALSE);
      if (wv_hop_path_get_source_mtu (path) != 0)
        add_line (lines, g_strdup_printf ("MTU %u", wv_hop_path_get_source_mtu (path)), &dim, FALSE);
      break;

    case NODE_DESTINATION:
      add_line (lines,
                g_strdup (wv_hop_path_get_destination (path) ? wv_hop_path_get_destination (path)
                                                             : "destination"),
                &fg, TRUE);
      wv_chart_palette_get_status (WV_CHART_STATUS_BAD, dark, &color);
      add_line (lines, g_strdup ("not reached"), &color, FALSE);
      break;

    case NODE_HOP:
    default:
      {
        const WvHop *hop = wv_hop_path_get_hop (path, node - 1);
        char *rtt;

        if (hop_differs (self, node - 1) && hop->address != NULL)
          wv_chart_palette_get_status (WV_CHART_STATUS_HIGHLIGHT, dark, &color);
        else
          color = fg;

        add_line (lines, g_strdup (hop->address ? hop->address : "*"), &color, TRUE);

        if (hop->hostname != NULL && g_strcmp0 (hop->hostname, hop->address) != 0)
          add_line (lines, g_strdup (hop->hostname), &dim, FALSE);

        if ((rtt = wv_format_rtt_ms (hop->rtt_min_ms, hop->rtt_avg_ms, hop->rtt_max_ms)))
          add_line (lines, rtt, &fg, FALSE);
        else if (hop->address == NULL)
          add_line (lines, g_strdup ("no reply"), &dim, FALSE);

        if (!isnan (hop->loss_pct))
          {
            if (hop->loss_pct > 0)
              wv_chart_palette_get_status (loss_status (hop->loss_pct), dark, &color);
            else
              color = dim;

            add_line (lines, g_strdup_printf ("loss %.*f %%", hop->loss_pct < 10 ? 1 : 0, hop->loss_pct),
                      &color, hop->loss_pct > 0);
          }

        if (hop->mtu != 0)
          add_line (lines, g_strdup_printf ("MTU %u", hop->mtu), &dim, FALSE);
      }
      break;
    }

  return lines;
}

static void
append_text (GtkSnapshot   *snapshot,
             PangoLayout   *layout,
             double         x,
             double         y,
             const GdkRGBA *color)
{
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (round (x), round (y)));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

static void
draw_links (WvHopView       *self,
            cairo_t         *cr,
            const HopLayout *layout,
            guint            row,
            WvHopPath       *path,
            const GdkRGBA   *fg,
            gboolean         dark)
{
  guint n_nodes = wv_hop_path_get_n_nodes (path);
  GdkRGBA line = *fg;
  GdkRGBA warning;

  line.alpha *= 0.45f;
  wv_chart_palette_get_status (WV_CHART_STATUS_WARNING, dark, &warning);

  for (guint node = 1; node < n_nodes; node++)
    {
      double x0, y0, x1, y1;
      gboolean unreached = node_kind (path, node) == NODE_DESTINATION;
      guint mtu = node_kind (path, node) == NODE_HOP ? wv_hop_path_get_link_mtu (path, node - 1) : 0;

      node_center (layout, row, node - 1, &x0, &y0);
      node_center (layout, row, node, &x1, &y1);

      if (x1 - x0 <= 2 * layout->radius + 2)
        continue;

      cairo_move_to (cr, x0 + layout->radius + 1, y0);
      cairo_line_to (cr, x1 - layout->radius - 1, y1);
      cairo_set_line_width (cr, mtu != 0 ? 2.5 : 1.5);
      if (unreached)
        cairo_set_dash (cr, (double[]) { 4, 3 }, 2, 0);
      else
        cairo_set_dash (cr, NULL, 0, 0);
      gdk_cairo_set_source_rgba (cr, mtu != 0 ? &warning : &line);
      cairo_stroke (cr);
    }

  cairo_set_dash (cr, NULL, 0, 0);
}

static void
draw_node (WvHopView       *self,
           cairo_t         *cr,
           const HopLayout *layout,
           guint            row,
           WvHopPath       *path,
           guint            node,
           const GdkRGBA   *fg,
           gboolean         dark)
{
  NodeKind kind = node_kind (path, node);
  double x, y, r = layout->radius;
  GdkRGBA fill, outline = *fg;

  node_center (layout, row, node, &x, &y);
  outline.alpha *= 0.8f;
  cairo_set_line_width (cr, 1.5);

  if (kind == NODE_SOURCE)
    {
      wv_chart_palette_get (0, dark, &fill);
      cairo_rectangle (cr, x - r, y - r, 2 * r, 2 * r);
      gdk_cairo_set_source_rgba (cr, &fill);
      cairo_fill_preserve (cr);
      gdk_cairo_set_source_rgba (cr, &outline);
      cairo_stroke (cr);
      return;
    }

  if (kind == NODE_DESTINATION)
    {
      /* Not reached: an empty, dashed double ring. */
      cairo_set_dash (cr, (double[]) { 3, 2 }, 2, 0);
      cairo_arc (cr, x, y, r, 0, 2 * G_PI);
      gdk_cairo_set_source_rgba (cr, &outline);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
      return;
    }

  {
    const WvHop *hop = wv_hop_path_get_hop (path, node - 1);
    gboolean is_destination = node == wv_hop_path_get_n_hops (path) && wv_hop_path_get_reached (path);

    if (hop->address == NULL)
      {
        /* Silent hop: nothing answered, nothing to colour. */
        cairo_set_dash (cr, (double[]) { 2, 2 }, 2, 0);
        cairo_arc (cr, x, y, r, 0, 2 * G_PI);
        gdk_cairo_set_source_rgba (cr, &outline);
        cairo_stroke (cr);
        cairo_set_dash (cr, NULL, 0, 0);
        return;
      }

    wv_chart_palette_get_status (loss_status (hop->loss_pct), dark, &fill);
    cairo_arc (cr, x, y, r, 0, 2 * G_PI);
    gdk_cairo_set_source_rgba (cr, &fill);
    cairo_fill_preserve (cr);

    if (hop_differs (self, node - 1))
      {
        GdkRGBA highlight;

        wv_chart_palette_get_status (WV_CHART_STATUS_HIGHLIGHT, dark, &highlight);
        cairo_set_line_width (cr, 3);
        gdk_cairo_set_source_rgba (cr, &highlight);
      }
    else
      {
        gdk_cairo_set_source_rgba (cr, &outline);
      }
    cairo_stroke (cr);

    if (is_destination)
      {
        cairo_set_line_width (cr, 1.5);
        cairo_arc (cr, x, y, r + 3, 0, 2 * G_PI);
        gdk_cairo_set_source_rgba (cr, &outline);
        cairo_stroke (cr);
      }
  }
}

static void
wv_hop_view_snapshot (GtkWidget   *widget,
                      GtkSnapshot *snapshot)
{
  WvHopView *self = (WvHopView *)widget;
  g_autoptr(PangoLayout) small = NULL;
  const int width = gtk_widget_get_width (widget);
  const int height = gtk_widget_get_height (widget);
  PangoRectangle extents;
  HopLayout layout;
  GdkRGBA fg, dim;
  gboolean dark;
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;

  wv_chart_get_foreground (widget, &fg);
  dim = fg;
  dim.alpha *= 0.5f;
  dark = wv_chart_is_dark (widget);
  small = gtk_widget_create_pango_layout (widget, NULL);

  if (self->paths->len == 0)
    {
      set_small_text (small, "No path", FALSE);
      pango_layout_get_pixel_extents (small, NULL, &extents);
      append_text (snapshot, small, (width - extents.width) / 2.0, (height - extents.height) / 2.0, &dim);
      return;
    }

  compute_layout (self, width, height, &layout);

  /* Shapes first, all rows in one cairo node. */
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  for (guint row = 0; row < self->paths->len; row++)
    {
      WvHopPath *path = g_ptr_array_index (self->paths, row);
      guint n_nodes = wv_hop_path_get_n_nodes (path);

      /* Highlighted TTLs get a tinted cell behind node and text. */
      for (guint node = 1; node <= wv_hop_path_get_n_hops (path); node++)
        {
          GdkRGBA tint;
          double x, y;

          if (!hop_differs (self, node - 1) || wv_hop_path_get_hop (path, node - 1)->address == NULL)
            continue;

          node_center (&layout, row, node, &x, &y);
          wv_chart_palette_get_status (WV_CHART_STATUS_HIGHLIGHT, dark, &tint);
          tint.alpha = 0.12f;
          gdk_cairo_set_source_rgba (cr, &tint);
          cairo_rectangle (cr,
                           x - layout.col_width / 2 + 2,
                           y - layout.radius - 4,
                           layout.col_width - 4,
                           MIN (layout.row_height - layout.label_height - layout.annotation_height,
                                2 * layout.radius + 8 + layout.n_text_lines * layout.line_height));
          cairo_fill (cr);
        }

      draw_links (self, cr, &layout, row, path, &fg, dark);

      for (guint node = 0; node < n_nodes; node++)
        draw_node (self, cr, &layout, row, path, node, &fg, dark);
    }

  cairo_destroy (cr);

  /* Then text: row labels, link MTUs, TTL numbers, node details. */
  for (guint row = 0; row < self->paths->len; row++)
    {
      WvHopPath *path = g_ptr_array_index (self->paths, row);
      guint n_nodes = wv_hop_path_get_n_nodes (path);
      double row_top = PAD + row * layout.row_height;

      if (layout.label_height > 0 && wv_hop_path_get_label (path) != NULL)
        {
          set_small_text (small, wv_hop_path_get_label (path), TRUE);
          pango_layout_set_width (small, (width - 2 * PAD) * PANGO_SCALE);
          pango_layout_set_ellipsize (small, PANGO_ELLIPSIZE_END);
          append_text (snapshot, small, PAD, row_top, &fg);
        }

      pango_layout_set_width (small, -1);
      pango_layout_set_ellipsize (small, PANGO_ELLIPSIZE_NONE);

      for (guint node = 1; node < n_nodes && layout.annotation_height > 0; node++)
        {
          guint mtu = node_kind (path, node) == NODE_HOP ? wv_hop_path_get_link_mtu (path, node - 1) : 0;
          g_autofree char *text = NULL;
          GdkRGBA warning;
          double x0, x1, y;

          if (mtu == 0)
            continue;

          node_center (&layout, row, node - 1, &x0, &y);
          node_center (&layout, row, node, &x1, &y);
          text = g_strdup_printf ("MTU %u", mtu);
          set_small_text (small, text, TRUE);
          pango_layout_get_pixel_extents (small, NULL, &extents);

          if (extents.width > x1 - x0)
            continue;

          wv_chart_palette_get_status (WV_CHART_STATUS_WARNING, dark, &warning);
          append_text (snapshot, small,
                       (x0 + x1 - extents.width) / 2,
                       y - extents.height - 3,
                       &warning);
        }

      for (guint node = 0; node < n_nodes; node++)
        {
          g_autoptr(GArray) lines = NULL;
          double x, y, text_y;

          node_center (&layout, row, node, &x, &y);

          /* TTL inside the hop circle, in a colour that reads on the fill. */
          if (node_kind (path, node) == NODE_HOP && layout.radius >= 8)
            {
              const WvHop *hop = wv_hop_path_get_hop (path, node - 1);
              g_autofree char *ttl = g_strdup_printf ("%u", node);
              GdkRGBA ink;

              if (hop->address == NULL)
                ink = fg;
              else if (dark)
                ink = (GdkRGBA) { 0.1f, 0.1f, 0.1f, 1 };
              else
                ink = (GdkRGBA) { 1, 1, 1, 1 };

              set_small_text (small, ttl, TRUE);
              pango_layout_get_pixel_extents (small, NULL, &extents);
              append_text (snapshot, small, x - extents.width / 2.0, y - extents.height / 2.0, &ink);
            }

          if (layout.n_text_lines == 0)
            continue;

          lines = node_lines (self, path, node, dark);
          text_y = y + layout.radius + 4;

          pango_layout_set_width (small, (int) MAX (1, layout.col_width - 6) * PANGO_SCALE);
          pango_layout_set_ellipsize (small, PANGO_ELLIPSIZE_MIDDLE);

          for (guint i = 0; i < lines->len && i < layout.n_text_lines; i++)
            {
              const TextLine *line = &g_array_index (lines, TextLine, i);

              set_small_text (small, line->text, line->bold);
              pango_layout_get_pixel_extents (small, NULL, &extents);
              append_text (snapshot, small, x - extents.width / 2.0 - extents.x, text_y, &line->color);
              text_y += layout.line_height;
            }

          pango_layout_set_width (small, -1);
          pango_layout_set_ellipsize (small, PANGO_ELLIPSIZE_NONE);
        }
    }
}

static void
wv_hop_view_measure (GtkWidget      *widget,
                     GtkOrientation  orientation,
                     int             for_size,
                     int            *minimum,
                     int            *natural,
                     int            *minimum_baseline,
                     int            *natural_baseline)
{
  WvHopView *self = WV_HOP_VIEW (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 100;
      *natural = 2 * PAD + max_columns (self) * NAT_COL_WIDTH;
    }
  else
    {
      double line = small_line_height (widget);
      double row = 2 * (line + 2) + 2 * MAX_RADIUS + 8 + MAX_TEXT_LINES * line + 8;

      *minimum = 60;
      *natural = 2 * PAD + (int) ceil (MAX (self->paths->len, 1) * row);
    }

  *minimum_baseline = -1;
  *natural_baseline = -1;
}

static gboolean
query_tooltip_cb (WvHopView  *self,
                  int         x,
                  int         y,
                  gboolean    keyboard_mode,
                  GtkTooltip *tooltip)
{
  HopLayout layout;
  g_autofree char *text = NULL;
  guint row, node;

  if (keyboard_mode || self->paths->len == 0 || x < PAD || y < PAD)
    return FALSE;

  compute_layout (self, gtk_widget_get_width (GTK_WIDGET (self)),
                  gtk_widget_get_height (GTK_WIDGET (self)), &layout);

  row = (guint) ((y - PAD) / layout.row_height);
  node = (guint) ((x - PAD) / layout.col_width);

  text = wv_hop_view_describe_node (self, row, node);
  if (text == NULL)
    return FALSE;

  gtk_tooltip_set_text (tooltip, text);

  return TRUE;
}

static void
wv_hop_view_dispose (GObject *object)
{
  WvHopView *self = (WvHopView *)object;

  g_clear_pointer (&self->paths, g_ptr_array_unref);
  g_clear_pointer (&self->differs, g_free);
  self->n_differs = 0;

  G_OBJECT_CLASS (wv_hop_view_parent_class)->dispose (object);
}

static void
wv_hop_view_css_changed (GtkWidget         *widget,
                         GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (wv_hop_view_parent_class)->css_changed (widget, change);

  /* Font size changes the row heights we ask for. */
  gtk_widget_queue_resize (widget);
}

static void
wv_hop_view_class_init (WvHopViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wv_hop_view_dispose;

  widget_class->css_changed = wv_hop_view_css_changed;
  widget_class->measure = wv_hop_view_measure;
  widget_class->snapshot = wv_hop_view_snapshot;

  gtk_widget_class_set_css_name (widget_class, "hopview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
wv_hop_view_init (WvHopView *self)
{
  self->paths = g_ptr_array_new_with_free_func ((GDestroyNotify) wv_hop_path_unref);

  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (query_tooltip_cb), NULL);
}

GtkWidget *
wv_hop_view_new (void)
{
  return g_object_new (WV_TYPE_HOP_VIEW, NULL);
}

/**
 * wv_hop_view_set_paths:
 * @paths: (array length=n_paths) (nullable): the paths, one row each
 *   (%NULL entries are skipped); the view keeps references. Paths must not
 *   be changed once shown: build new ones and set them again.
 * @n_paths: number of paths (at most %WV_HOP_VIEW_MAX_PATHS are shown)
 *
 * Shows several paths one above the other, columns aligned by TTL, and
 * highlights the TTLs where they answered from different addresses.
 */
void
wv_hop_view_set_paths (WvHopView         *self,
                       WvHopPath * const *paths,
                       guint              n_paths)
{
  g_return_if_fail (WV_IS_HOP_VIEW (self));
  g_return_if_fail (paths != NULL || n_paths == 0);

  g_ptr_array_set_size (self->paths, 0);

  for (guint i = 0; i < n_paths && self->paths->len < WV_HOP_VIEW_MAX_PATHS; i++)
    {
      if (paths[i] != NULL)
        g_ptr_array_add (self->paths, wv_hop_path_ref (paths[i]));
    }

  g_clear_pointer (&self->differs, g_free);
  self->n_differs = 0;

  if (self->paths->len > 1)
    self->differs = wv_hop_paths_find_differences ((WvHopPath * const *) self->paths->pdata,
                                                   self->paths->len,
                                                   &self->n_differs);

  gtk_widget_queue_resize (GTK_WIDGET (self));
}

/**
 * wv_hop_view_set_path:
 * @path: (nullable): the one path to show, or %NULL for none
 */
void
wv_hop_view_set_path (WvHopView *self,
                      WvHopPath *path)
{
  g_return_if_fail (WV_IS_HOP_VIEW (self));

  wv_hop_view_set_paths (self, path ? &path : NULL, path ? 1 : 0);
}

guint
wv_hop_view_get_n_paths (WvHopView *self)
{
  g_return_val_if_fail (WV_IS_HOP_VIEW (self), 0);

  return self->paths->len;
}

/**
 * wv_hop_view_get_path:
 *
 * Returns: (transfer none) (nullable): the path shown in row @index
 */
WvHopPath *
wv_hop_view_get_path (WvHopView *self,
                      guint      index)
{
  g_return_val_if_fail (WV_IS_HOP_VIEW (self), NULL);

  if (index >= self->paths->len)
    return NULL;

  return g_ptr_array_index (self->paths, index);
}

/**
 * wv_hop_view_get_highlighted:
 * @hop_index: 0 for TTL 1
 *
 * Returns: whether that hop of that row is drawn highlighted (its TTL
 *   differs between the paths shown and the hop answered)
 */
gboolean
wv_hop_view_get_highlighted (WvHopView *self,
                             guint      path_index,
                             guint      hop_index)
{
  const WvHop *hop;

  g_return_val_if_fail (WV_IS_HOP_VIEW (self), FALSE);

  if (path_index >= self->paths->len)
    return FALSE;

  hop = wv_hop_path_get_hop (g_ptr_array_index (self->paths, path_index), hop_index);

  return hop != NULL && hop->address != NULL && hop_differs (self, hop_index);
}

/**
 * wv_hop_view_get_node_center:
 * @node_index: 0 for the source, TTL for a hop, n_hops + 1 for an
 *   unreached destination
 * @out: (out): the centre of the node in widget coordinates, for the
 *   current allocation
 *
 * Returns: %FALSE if the row or node does not exist
 */
gboolean
wv_hop_view_get_node_center (WvHopView        *self,
                             guint             path_index,
                             guint             node_index,
                             graphene_point_t *out)
{
  HopLayout layout;
  double x, y;

  g_return_val_if_fail (WV_IS_HOP_VIEW (self), FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (path_index >= self->paths->len ||
      node_index >= wv_hop_path_get_n_nodes (g_ptr_array_index (self->paths, path_index)))
    return FALSE;

  compute_layout (self, gtk_widget_get_width (GTK_WIDGET (self)),
                  gtk_widget_get_height (GTK_WIDGET (self)), &layout);
  node_center (&layout, path_index, node_index, &x, &y);
  graphene_point_init (out, x, y);

  return TRUE;
}

/**
 * wv_hop_view_describe_node:
 *
 * Everything known about a node as plain text, without ellipsizing (the
 * tooltip of the node).
 *
 * Returns: (transfer full) (nullable): the text, or %NULL if the node does
 *   not exist
 */
char *
wv_hop_view_describe_node (WvHopView *self,
                           guint      path_index,
                           guint      node_index)
{
  WvHopPath *path;
  GString *str;

  g_return_val_if_fail (WV_IS_HOP_VIEW (self), NULL);

  if (path_index >= self->paths->len)
    return NULL;

  path = g_ptr_array_index (self->paths, path_index);
  if (node_index >= wv_hop_path_get_n_nodes (path))
    return NULL;

  str = g_string_new (NULL);

  switch (node_kind (path, node_index))
    {
    case NODE_SOURCE:
      g_string_append_printf (str, "Source %s",
                              wv_hop_path_get_source (path) ? wv_hop_path_get_source (path) : "");
      if (wv_hop_path_get_source_mtu (path) != 0)
        g_string_append_printf (str, "\nMTU %u", wv_hop_path_get_source_mtu (path));
      break;

    case NODE_DESTINATION:
      g_string_append_printf (str, "Destination %s\nnot reached",
                              wv_hop_path_get_destination (path) ? wv_hop_path_get_destination (path) : "");
      break;

    case NODE_HOP:
    default:
      {
        const WvHop *hop = wv_hop_path_get_hop (path, node_index - 1);
        g_autofree char *rtt = wv_format_rtt_ms (hop->rtt_min_ms, hop->rtt_avg_ms, hop->rtt_max_ms);
        guint link_mtu = wv_hop_path_get_link_mtu (path, node_index - 1);

        g_string_append_printf (str, "TTL %u: %s", node_index, hop->address ? hop->address : "* (no reply)");
        if (hop->hostname != NULL)
          g_string_append_printf (str, "\n%s", hop->hostname);
        if (rtt != NULL)
          g_string_append_printf (str, "\nRTT min / avg / max: %s", rtt);
        if (!isnan (hop->loss_pct))
          g_string_append_printf (str, "\nloss %.1f %%", hop->loss_pct);
        if (hop->mtu != 0)
          g_string_append_printf (str, "\nMTU %u", hop->mtu);
        if (link_mtu != 0)
          g_string_append_printf (str, " (changed here)");
        if (hop_differs (self, node_index - 1) && hop->address != NULL)
          g_string_append (str, "\ndiffers between the paths shown");
      }
      break;
    }

  return g_string_free (str, FALSE);
}
