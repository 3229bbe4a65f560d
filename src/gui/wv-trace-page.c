/* wv-trace-page.c: traceroute per connection and direction: path view and hop list
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shows one direction at a time: every visible connection's path in a
 * WvHopView per address family (one row each, so the paths of an ECMP
 * group line up and the routers where they differ are highlighted) and the
 * same hops as a table with exact values. Both are rebuilt from the
 * session's WvTraceTable when hop or MTU records arrive, at most once per
 * main loop iteration.
 */
#define G_LOG_DOMAIN "wv-gui"

#include "config.h"

#include <glib/gi18n.h>

#include "wv-gui.h"
#include "wv-table-row.h"
#include "wv-trace-page.h"
#include "wv-trace-path.h"
#include "wv-trace-table.h"

struct _WvTracePage
{
  GtkWidget parent_instance;

  GtkToggleButton *c2s_button;
  GtkToggleButton *s2c_button;
  GtkStack *stack;
  GtkWidget *v4_label;
  GtkWidget *v6_label;
  WvHopView *hop_view_v4;
  WvHopView *hop_view_v6;
  GtkColumnView *hop_list;

  GListStore *hops;               /* WvTableRow */
  WvSession *session;
  WvDirection dir;
  guint rebuild_id;
};

G_DEFINE_FINAL_TYPE (WvTracePage, wv_trace_page, GTK_TYPE_WIDGET)

static WvTableRow *
hop_row (const char       *conn_label,
         const WvTraceHop *hop)
{
  WvTableRow *row = wv_table_row_new (WV_N_HOP_COLUMNS);

  wv_table_row_set_cell (row, WV_HOP_COLUMN_CONNECTION, conn_label);
  wv_table_row_take_cell (row, WV_HOP_COLUMN_TTL, g_strdup_printf ("%u", hop->ttl));
  if (hop->address == NULL)
    wv_table_row_set_cell (row, WV_HOP_COLUMN_ADDRESS, "*");
  else if (hop->n_addresses > 1)
    /* TRANSLATORS: a hop's address when other routers also answered at
     * the same distance: "192.0.2.1 (+2 others)" */
    wv_table_row_take_cell (row, WV_HOP_COLUMN_ADDRESS,
                            g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s (+%u other)",
                                                          "%s (+%u others)", hop->n_addresses - 1),
                                             hop->address, hop->n_addresses - 1));
  else
    wv_table_row_set_cell (row, WV_HOP_COLUMN_ADDRESS, hop->address);
  wv_table_row_take_cell (row, WV_HOP_COLUMN_RTT_MIN, wv_gui_format_ms (hop->rtt.n ? hop->rtt.min : NAN));
  wv_table_row_take_cell (row, WV_HOP_COLUMN_RTT_AVG, wv_gui_format_ms (hop->rtt.n ? hop->rtt.mean : NAN));
  wv_table_row_take_cell (row, WV_HOP_COLUMN_RTT_MAX, wv_gui_format_ms (hop->rtt.n ? hop->rtt.max : NAN));
  wv_table_row_take_cell (row, WV_HOP_COLUMN_LOSS, wv_gui_format_pct (hop->loss_pct));
  wv_table_row_take_cell (row, WV_HOP_COLUMN_REPLIES, g_strdup_printf ("%u/%u", hop->answers, hop->probes));
  wv_table_row_take_cell (row, WV_HOP_COLUMN_MTU,
                          hop->mtu ? g_strdup_printf ("%u", hop->mtu) : g_strdup ("–"));
  wv_table_row_set_dim (row, hop->answers == 0);
  return row;
}

static void
set_paths (WvHopView *view,
           GPtrArray *paths)
{
  wv_hop_view_set_paths (view, (WvHopPath * const *) paths->pdata, paths->len);
}

/**
 * wv_trace_page_update_now:
 *
 * Rebuilds the path view and the hop list at once (normally this happens
 * in an idle callback after records arrive).
 */
void
wv_trace_page_update_now (WvTracePage *self)
{
  g_autoptr(GPtrArray) paths4 = g_ptr_array_new_with_free_func ((GDestroyNotify) wv_hop_path_unref);
  g_autoptr(GPtrArray) paths6 = g_ptr_array_new_with_free_func ((GDestroyNotify) wv_hop_path_unref);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  WvTraceTable *table;
  const char *source;

  g_return_if_fail (WV_IS_TRACE_PAGE (self));

  g_clear_handle_id (&self->rebuild_id, g_source_remove);
  if (self->session == NULL)
    {
      wv_hop_view_set_paths (self->hop_view_v4, NULL, 0);
      wv_hop_view_set_paths (self->hop_view_v6, NULL, 0);
      g_list_store_remove_all (self->hops);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  table = wv_session_get_trace_table (self->session);
  /* TRANSLATORS: the first node of a traceroute path: the end that sent */
  source = self->dir == WV_DIR_C2S ? _("client") : _("server");
  for (guint p = 0; p < wv_trace_table_get_n_paths (table); p++)
    {
      g_autofree char *label = NULL;
      WvTracePathKey key;
      GPtrArray *paths;

      wv_trace_table_get_key (table, p, &key);
      if (key.dir != self->dir || !wv_trace_table_has_traceroute (table, p) ||
          !wv_session_get_connection_visible (self->session, key.conn))
        continue;
      label = wv_session_dup_connection_label (self->session, key.conn);
      paths = key.family == 6 ? paths6 : paths4;
      if (paths->len < WV_HOP_VIEW_MAX_PATHS)
        g_ptr_array_add (paths, wv_trace_path_build (table, p, label, source));
      for (guint h = 0; h < wv_trace_table_get_n_hops (table, p); h++)
        {
          WvTraceHop hop;

          if (wv_trace_table_get_hop (table, p, h, &hop))
            g_ptr_array_add (rows, hop_row (label, &hop));
        }
    }

  set_paths (self->hop_view_v4, paths4);
  set_paths (self->hop_view_v6, paths6);
  gtk_widget_set_visible (self->v4_label, paths4->len > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->hop_view_v4), paths4->len > 0);
  gtk_widget_set_visible (self->v6_label, paths6->len > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->hop_view_v6), paths6->len > 0);
  g_list_store_splice (self->hops, 0, g_list_model_get_n_items (G_LIST_MODEL (self->hops)),
                       rows->pdata, rows->len);
  gtk_stack_set_visible_child_name (self->stack, wv_trace_table_get_n_paths (table) > 0 ? "data" : "empty");
}

static gboolean
rebuild_idle (gpointer data)
{
  WvTracePage *self = data;

  self->rebuild_id = 0;
  wv_trace_page_update_now (self);
  return G_SOURCE_REMOVE;
}

static void
queue_rebuild (WvTracePage *self)
{
  if (self->rebuild_id == 0)
    self->rebuild_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, rebuild_idle, self, NULL);
}

static void
on_record (WvSession      *session,
           const WvRecord *record,
           WvTracePage    *self)
{
  if (record->type == WV_RECORD_HOP || record->type == WV_RECORD_MTU)
    queue_rebuild (self);
}

static void
on_connection_changed (WvSession   *session,
                       guint        index,
                       WvTracePage *self)
{
  queue_rebuild (self);
}

void
wv_trace_page_set_session (WvTracePage *self,
                           WvSession   *session)
{
  g_return_if_fail (WV_IS_TRACE_PAGE (self));
  g_return_if_fail (session == NULL || WV_IS_SESSION (session));

  if (!wv_gui_page_set_session (self, &self->session, session,
                                G_CALLBACK (on_record), G_CALLBACK (on_connection_changed)))
    return;
  wv_trace_page_update_now (self);
}

WvDirection
wv_trace_page_get_direction (WvTracePage *self)
{
  g_return_val_if_fail (WV_IS_TRACE_PAGE (self), WV_DIR_C2S);
  return self->dir;
}

void
wv_trace_page_set_direction (WvTracePage *self,
                             WvDirection  dir)
{
  g_return_if_fail (WV_IS_TRACE_PAGE (self));
  g_return_if_fail (dir == WV_DIR_C2S || dir == WV_DIR_S2C);

  gtk_toggle_button_set_active (dir == WV_DIR_C2S ? self->c2s_button : self->s2c_button, TRUE);
}

/**
 * wv_trace_page_get_hop_view:
 * @family: 4 or 6
 *
 * Returns: (transfer none): the path view of that address family
 */
WvHopView *
wv_trace_page_get_hop_view (WvTracePage *self,
                            int          family)
{
  g_return_val_if_fail (WV_IS_TRACE_PAGE (self), NULL);
  return family == 6 ? self->hop_view_v6 : self->hop_view_v4;
}

/**
 * wv_trace_page_get_hops:
 *
 * Returns: (transfer none): the rows of the hop list (#WvTableRow, cells
 *   as in #WvHopColumn)
 */
GListModel *
wv_trace_page_get_hops (WvTracePage *self)
{
  g_return_val_if_fail (WV_IS_TRACE_PAGE (self), NULL);
  return G_LIST_MODEL (self->hops);
}

static void
on_direction_toggled (GtkToggleButton *button,
                      WvTracePage     *self)
{
  WvDirection dir = gtk_toggle_button_get_active (self->s2c_button) ? WV_DIR_S2C : WV_DIR_C2S;

  if (dir == self->dir)
    return;
  self->dir = dir;
  wv_trace_page_update_now (self);
}

GtkWidget *
wv_trace_page_new (void)
{
  return g_object_new (WV_TYPE_TRACE_PAGE, NULL);
}

static void
wv_trace_page_dispose (GObject *object)
{
  WvTracePage *self = WV_TRACE_PAGE (object);

  g_clear_handle_id (&self->rebuild_id, g_source_remove);
  wv_gui_page_set_session (self, &self->session, NULL, NULL, NULL);
  wv_gui_dispose_page_template (GTK_WIDGET (self), WV_TYPE_TRACE_PAGE);
  G_OBJECT_CLASS (wv_trace_page_parent_class)->dispose (object);
}

static void
wv_trace_page_finalize (GObject *object)
{
  WvTracePage *self = WV_TRACE_PAGE (object);

  g_clear_object (&self->hops);
  G_OBJECT_CLASS (wv_trace_page_parent_class)->finalize (object);
}

static void
wv_trace_page_class_init (WvTracePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wv_trace_page_dispose;
  object_class->finalize = wv_trace_page_finalize;

  g_type_ensure (WV_TYPE_HOP_VIEW);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/wifiverify/WifiVerify/wv-trace-page.ui");
  gtk_widget_class_bind_template_child (widget_class, WvTracePage, c2s_button);
  gtk_widget_class_bind_template_child (widget_class, WvTracePage, s2c_button);
  gtk_widget_class_bind_template_child (widget_class, WvTracePage, stack);
  gtk_widget_class_bind_template_child (widget_class, WvTracePage, v4_label);
  gtk_widget_class_bind_template_child (widget_class, WvTracePage, v6_label);
  gtk_widget_class_bind_template_child (widget_class, WvTracePage, hop_view_v4);
  gtk_widget_class_bind_template_child (widget_class, WvTracePage, hop_view_v6);
  gtk_widget_class_bind_template_child (widget_class, WvTracePage, hop_list);
  gtk_widget_class_bind_template_callback (widget_class, on_direction_toggled);
}

static void
wv_trace_page_init (WvTracePage *self)
{
  g_autoptr(GtkNoSelection) selection = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->hops = g_list_store_new (WV_TYPE_TABLE_ROW);
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->hops)));
  gtk_column_view_set_model (self->hop_list, GTK_SELECTION_MODEL (selection));
  wv_table_add_column (self->hop_list, _("Connection"), WV_HOP_COLUMN_CONNECTION, FALSE, FALSE);
  /* TRANSLATORS: column of the hop list: the hop's distance */
  wv_table_add_column (self->hop_list, _("Hop"), WV_HOP_COLUMN_TTL, TRUE, FALSE);
  wv_table_add_column (self->hop_list, _("Address"), WV_HOP_COLUMN_ADDRESS, FALSE, TRUE);
  wv_table_add_column (self->hop_list, _("RTT min (ms)"), WV_HOP_COLUMN_RTT_MIN, TRUE, FALSE);
  wv_table_add_column (self->hop_list, _("RTT avg (ms)"), WV_HOP_COLUMN_RTT_AVG, TRUE, FALSE);
  wv_table_add_column (self->hop_list, _("RTT max (ms)"), WV_HOP_COLUMN_RTT_MAX, TRUE, FALSE);
  wv_table_add_column (self->hop_list, _("Loss"), WV_HOP_COLUMN_LOSS, TRUE, FALSE);
  /* TRANSLATORS: column of the hop list: answered / sent probes */
  wv_table_add_column (self->hop_list, _("Replies"), WV_HOP_COLUMN_REPLIES, TRUE, FALSE);
  /* TRANSLATORS: column of the hop list: MTU up to this hop, in bytes */
  wv_table_add_column (self->hop_list, _("MTU"), WV_HOP_COLUMN_MTU, TRUE, FALSE);
}
