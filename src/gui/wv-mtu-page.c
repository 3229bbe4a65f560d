/* wv-mtu-page.c: path MTU and per-hop MTU per connection and direction
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two tables from the session's WvTraceTable: the path MTU of every
 * visible connection and direction (and whether the peer confirmed it by
 * receiving a packet of that size), and each hop's MTU. Rebuilt when mtu
 * or path_mtu records arrive, at most once per main loop iteration.
 */
#define G_LOG_DOMAIN "wv-gui"

#include "config.h"

#include <glib/gi18n.h>

#include "wv-gui.h"
#include "wv-mtu-page.h"
#include "wv-table-row.h"
#include "wv-trace-table.h"

struct _WvMtuPage
{
  GtkWidget parent_instance;

  GtkStack *stack;
  GtkColumnView *path_list;
  GtkColumnView *hop_list;

  GListStore *path_mtus;          /* WvTableRow, WvPathMtuColumn */
  GListStore *hop_mtus;           /* WvTableRow, WvHopMtuColumn */
  WvSession *session;
  guint rebuild_id;
};

G_DEFINE_FINAL_TYPE (WvMtuPage, wv_mtu_page, GTK_TYPE_WIDGET)

static void
replace_all (GListStore *store,
             GPtrArray  *rows)
{
  g_list_store_splice (store, 0, g_list_model_get_n_items (G_LIST_MODEL (store)),
                       rows->pdata, rows->len);
}

void
wv_mtu_page_update_now (WvMtuPage *self)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) hops = g_ptr_array_new_with_free_func (g_object_unref);
  WvTraceTable *table;

  g_return_if_fail (WV_IS_MTU_PAGE (self));

  g_clear_handle_id (&self->rebuild_id, g_source_remove);
  if (self->session == NULL)
    {
      g_list_store_remove_all (self->path_mtus);
      g_list_store_remove_all (self->hop_mtus);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  table = wv_session_get_trace_table (self->session);
  for (guint p = 0; p < wv_trace_table_get_n_paths (table); p++)
    {
      g_autofree char *label = NULL;
      WvTracePathKey key;
      gboolean confirmed;
      guint mtu, n_hop_mtus = 0;

      wv_trace_table_get_key (table, p, &key);
      if (!wv_session_get_connection_visible (self->session, key.conn))
        continue;
      label = wv_session_dup_connection_label (self->session, key.conn);
      for (guint h = 0; h < wv_trace_table_get_n_ttls (table, p); h++)
        {
          WvTraceHop hop;
          WvTableRow *row;

          if (!wv_trace_table_get_hop (table, p, h, &hop) || !hop.has_mtu)
            continue;
          row = wv_table_row_new (WV_N_HOP_MTU_COLUMNS);
          wv_table_row_set_cell (row, WV_HOP_MTU_COLUMN_CONNECTION, label);
          wv_table_row_set_cell (row, WV_HOP_MTU_COLUMN_DIRECTION, wv_gui_direction_label (key.dir));
          wv_table_row_take_cell (row, WV_HOP_MTU_COLUMN_HOP, g_strdup_printf ("%u", hop.ttl));
          wv_table_row_set_cell (row, WV_HOP_MTU_COLUMN_ADDRESS, hop.mtu_address ? hop.mtu_address : "*");
          /* TRANSLATORS: an MTU in bytes in the MTU tables */
          wv_table_row_take_cell (row, WV_HOP_MTU_COLUMN_MTU,
                                  hop.mtu ? g_strdup_printf (_("%u bytes"), hop.mtu) : g_strdup (_("not found")));
          wv_table_row_set_dim (row, hop.mtu == 0);
          g_ptr_array_add (hops, row);
          n_hop_mtus++;
        }

      mtu = wv_trace_table_get_path_mtu (table, p, &confirmed);
      if (mtu > 0 || n_hop_mtus > 0 || confirmed)
        {
          WvTableRow *row = wv_table_row_new (WV_N_PATH_MTU_COLUMNS);

          wv_table_row_set_cell (row, WV_PATH_MTU_COLUMN_CONNECTION, label);
          wv_table_row_set_cell (row, WV_PATH_MTU_COLUMN_DIRECTION, wv_gui_direction_label (key.dir));
          wv_table_row_take_cell (row, WV_PATH_MTU_COLUMN_MTU,
                                  mtu == 0 ? g_strdup (_("not found"))
                                  : wv_trace_table_get_path_mtu_at_least (table, p)
                                  /* TRANSLATORS: the largest size tried got through, nothing
                                   * larger was refused: the path MTU is this or more */
                                  ? g_strdup_printf (_("at least %u bytes"), mtu)
                                  : g_strdup_printf (_("%u bytes"), mtu));
          wv_table_row_set_cell (row, WV_PATH_MTU_COLUMN_CONFIRMED,
                                 mtu == 0 ? "–" : confirmed ? _("yes: the peer received it")
                                                            : _("no: inferred from errors"));
          wv_table_row_set_dim (row, mtu == 0);
          g_ptr_array_add (paths, row);
        }
    }

  replace_all (self->path_mtus, paths);
  replace_all (self->hop_mtus, hops);
  gtk_stack_set_visible_child_name (self->stack, paths->len + hops->len > 0 ? "data" : "empty");
}

static gboolean
rebuild_idle (gpointer data)
{
  WvMtuPage *self = data;

  self->rebuild_id = 0;
  wv_mtu_page_update_now (self);
  return G_SOURCE_REMOVE;
}

static void
queue_rebuild (WvMtuPage *self)
{
  if (self->rebuild_id == 0)
    self->rebuild_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, rebuild_idle, self, NULL);
}

static void
on_record (WvSession      *session,
           const WvRecord *record,
           WvMtuPage      *self)
{
  if (record->type == WV_RECORD_MTU || record->type == WV_RECORD_PATH_MTU)
    queue_rebuild (self);
}

static void
on_connection_changed (WvSession *session,
                       guint      index,
                       WvMtuPage *self)
{
  queue_rebuild (self);
}

void
wv_mtu_page_set_session (WvMtuPage *self,
                         WvSession *session)
{
  g_return_if_fail (WV_IS_MTU_PAGE (self));
  g_return_if_fail (session == NULL || WV_IS_SESSION (session));

  if (!wv_gui_page_set_session (self, &self->session, session,
                                G_CALLBACK (on_record), G_CALLBACK (on_connection_changed)))
    return;
  wv_mtu_page_update_now (self);
}

/**
 * wv_mtu_page_get_path_mtus:
 *
 * Returns: (transfer none): rows of #WvTableRow with #WvPathMtuColumn cells
 */
GListModel *
wv_mtu_page_get_path_mtus (WvMtuPage *self)
{
  g_return_val_if_fail (WV_IS_MTU_PAGE (self), NULL);
  return G_LIST_MODEL (self->path_mtus);
}

/**
 * wv_mtu_page_get_hop_mtus:
 *
 * Returns: (transfer none): rows of #WvTableRow with #WvHopMtuColumn cells
 */
GListModel *
wv_mtu_page_get_hop_mtus (WvMtuPage *self)
{
  g_return_val_if_fail (WV_IS_MTU_PAGE (self), NULL);
  return G_LIST_MODEL (self->hop_mtus);
}

GtkWidget *
wv_mtu_page_new (void)
{
  return g_object_new (WV_TYPE_MTU_PAGE, NULL);
}

static void
wv_mtu_page_dispose (GObject *object)
{
  WvMtuPage *self = WV_MTU_PAGE (object);

  g_clear_handle_id (&self->rebuild_id, g_source_remove);
  wv_gui_page_set_session (self, &self->session, NULL, NULL, NULL);
  wv_gui_dispose_page_template (GTK_WIDGET (self), WV_TYPE_MTU_PAGE);
  G_OBJECT_CLASS (wv_mtu_page_parent_class)->dispose (object);
}

static void
wv_mtu_page_finalize (GObject *object)
{
  WvMtuPage *self = WV_MTU_PAGE (object);

  g_clear_object (&self->path_mtus);
  g_clear_object (&self->hop_mtus);
  G_OBJECT_CLASS (wv_mtu_page_parent_class)->finalize (object);
}

static void
wv_mtu_page_class_init (WvMtuPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wv_mtu_page_dispose;
  object_class->finalize = wv_mtu_page_finalize;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/wifiverify/WifiVerify/wv-mtu-page.ui");
  gtk_widget_class_bind_template_child (widget_class, WvMtuPage, stack);
  gtk_widget_class_bind_template_child (widget_class, WvMtuPage, path_list);
  gtk_widget_class_bind_template_child (widget_class, WvMtuPage, hop_list);
}

static void
set_model (GtkColumnView *view,
           GListStore    *store)
{
  g_autoptr(GtkNoSelection) selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (store)));

  gtk_column_view_set_model (view, GTK_SELECTION_MODEL (selection));
}

static void
wv_mtu_page_init (WvMtuPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->path_mtus = g_list_store_new (WV_TYPE_TABLE_ROW);
  self->hop_mtus = g_list_store_new (WV_TYPE_TABLE_ROW);
  set_model (self->path_list, self->path_mtus);
  set_model (self->hop_list, self->hop_mtus);

  wv_table_add_column (self->path_list, _("Connection"), WV_PATH_MTU_COLUMN_CONNECTION, FALSE, FALSE);
  wv_table_add_column (self->path_list, _("Direction"), WV_PATH_MTU_COLUMN_DIRECTION, FALSE, FALSE);
  wv_table_add_column (self->path_list, _("Path MTU"), WV_PATH_MTU_COLUMN_MTU, TRUE, FALSE);
  /* TRANSLATORS: column: did the peer receive a packet of the path MTU's size */
  wv_table_add_column (self->path_list, _("Confirmed"), WV_PATH_MTU_COLUMN_CONFIRMED, FALSE, TRUE);

  wv_table_add_column (self->hop_list, _("Connection"), WV_HOP_MTU_COLUMN_CONNECTION, FALSE, FALSE);
  wv_table_add_column (self->hop_list, _("Direction"), WV_HOP_MTU_COLUMN_DIRECTION, FALSE, FALSE);
  wv_table_add_column (self->hop_list, _("Hop"), WV_HOP_MTU_COLUMN_HOP, TRUE, FALSE);
  wv_table_add_column (self->hop_list, _("Address"), WV_HOP_MTU_COLUMN_ADDRESS, FALSE, TRUE);
  wv_table_add_column (self->hop_list, _("MTU"), WV_HOP_MTU_COLUMN_MTU, TRUE, FALSE);
}
