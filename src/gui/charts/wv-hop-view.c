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
#include "wv-chart-private.h"
#include "wv-hop-view.h"

struct _WvHopView
{
  GtkWidget parent_instance;

  GPtrArray *paths;        /* WvHopPath */
  gboolean *differs;       /* per TTL - 1, see wv_hop_paths_find_differences() */
  guint n_differs;
};

G_DEFINE_FINAL_TYPE (WvHopView, wv_hop_view, GTK_TYPE_WIDGET)

/* What the shared drawing code (wv-chart-draw.c) needs of the view. */
static void
fill_spec (WvHopView *self,
           WvHopSpec *spec)
{
  *spec = (WvHopSpec) {
    .paths = (WvHopPath * const *) self->paths->pdata,
    .n_paths = self->paths->len,
    .differs = self->differs,
    .n_differs = self->n_differs,
  };
  _wv_chart_widget_colors (GTK_WIDGET (self), &spec->fg, &spec->dark);
}

static void
compute_layout (WvHopView   *self,
                int          width,
                int          height,
                WvHopLayout *out)
{
  WvHopSpec spec;

  fill_spec (self, &spec);
  wv_hop_compute_layout (&spec, gtk_widget_get_pango_context (GTK_WIDGET (self)), width, height, out);
}

static gboolean
hop_differs (WvHopView *self,
             guint      hop_index)
{
  return self->differs != NULL && hop_index < self->n_differs && self->differs[hop_index];
}

static void
wv_hop_view_snapshot (GtkWidget   *widget,
                      GtkSnapshot *snapshot)
{
  WvHopView *self = (WvHopView *)widget;
  WvSnapshotCanvas canvas;
  WvHopSpec spec;

  _wv_snapshot_canvas_init (&canvas, snapshot, widget);
  fill_spec (self, &spec);
  wv_hop_paths_render (&canvas.parent, &spec, gtk_widget_get_width (widget),
                       gtk_widget_get_height (widget));
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
      WvHopSpec spec;

      fill_spec (self, &spec);
      *natural = 2 * WV_HOP_PAD + wv_hop_spec_max_columns (&spec) * WV_HOP_NAT_COL_WIDTH;
    }
  else
    {
      double line = wv_hop_small_line_height (gtk_widget_get_pango_context (widget));
      double row = 2 * (line + 2) + 2 * WV_HOP_MAX_RADIUS + 8 + WV_HOP_MAX_TEXT_LINES * line + 8;

      *minimum = 60;
      *natural = 2 * WV_HOP_PAD + (int) ceil (MAX (self->paths->len, 1) * row);
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
  WvHopLayout layout;
  g_autofree char *text = NULL;
  guint row, node;

  if (keyboard_mode || self->paths->len == 0 || x < WV_HOP_PAD || y < WV_HOP_PAD)
    return FALSE;

  compute_layout (self, gtk_widget_get_width (GTK_WIDGET (self)),
                  gtk_widget_get_height (GTK_WIDGET (self)), &layout);

  row = (guint) ((y - WV_HOP_PAD) / layout.row_height);
  node = (guint) ((x - WV_HOP_PAD) / layout.col_width);

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
  WvHopLayout layout;
  double x, y;

  g_return_val_if_fail (WV_IS_HOP_VIEW (self), FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (path_index >= self->paths->len ||
      node_index >= wv_hop_path_get_n_nodes (g_ptr_array_index (self->paths, path_index)))
    return FALSE;

  compute_layout (self, gtk_widget_get_width (GTK_WIDGET (self)),
                  gtk_widget_get_height (GTK_WIDGET (self)), &layout);
  wv_hop_node_center (&layout, path_index, node_index, &x, &y);
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

  switch (wv_hop_node_kind (path, node_index))
    {
    case WV_HOP_NODE_SOURCE:
      g_string_append_printf (str, "Source %s",
                              wv_hop_path_get_source (path) ? wv_hop_path_get_source (path) : "");
      if (wv_hop_path_get_source_mtu (path) != 0)
        g_string_append_printf (str, "\nMTU %u", wv_hop_path_get_source_mtu (path));
      break;

    case WV_HOP_NODE_DESTINATION:
      g_string_append_printf (str, "Destination %s\nnot reached",
                              wv_hop_path_get_destination (path) ? wv_hop_path_get_destination (path) : "");
      break;

    case WV_HOP_NODE_HOP:
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
