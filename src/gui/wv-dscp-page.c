/* wv-dscp-page.c: how each probe stream class (DSCP) fared
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One row per visible connection, direction and class: the DSCP the probes
 * were sent with, the one they arrived with (from the received TOS /
 * traffic class), whether the network kept it, and the class's loss,
 * median one-way delay and jitter, so that classes the network treats
 * differently stand side by side. While the run goes on the values are
 * those of the last 10 s; once it has ended, of the whole run. The numbers
 * are the engine's records, not recomputed here. Rebuilt at most once per
 * main loop iteration when statistics arrive.
 */
#define G_LOG_DOMAIN "wv-gui"

#include "config.h"

#include <glib/gi18n.h>

#include "wv-dscp.h"
#include "wv-dscp-page.h"
#include "wv-gui.h"
#include "wv-table-row.h"

struct _WvDscpPage
{
  GtkWidget parent_instance;

  GtkStack *stack;
  GtkLabel *basis_label;
  GtkColumnView *list;

  GListStore *rows;               /* WvTableRow, WvDscpColumn */
  WvSession *session;
  const char *basis;
  guint rebuild_id;
};

G_DEFINE_FINAL_TYPE (WvDscpPage, wv_dscp_page, GTK_TYPE_WIDGET)

char *
wv_dscp_page_format_class (int dscp)
{
  const char *name = wv_dscp_name (dscp);

  if (dscp < 0 || dscp > 63)
    /* TRANSLATORS: the probe stream sent without a DSCP of its own */
    return g_strdup (_("unmarked"));
  return name ? g_strdup_printf ("%s (%d)", name, dscp) : g_strdup_printf ("%d", dscp);
}

static WvTableRow *
make_row (const char     *label,
          WvDirection     dir,
          int             dscp,
          const WvRecord *r)
{
  WvTableRow *row = wv_table_row_new (WV_N_DSCP_COLUMNS);
  const WvStatsRecord *st = &r->stats;
  int rx_tos = st->rx.rx_tos;

  wv_table_row_set_cell (row, WV_DSCP_COLUMN_CONNECTION, label);
  wv_table_row_set_cell (row, WV_DSCP_COLUMN_DIRECTION, wv_gui_direction_label (dir));
  wv_table_row_take_cell (row, WV_DSCP_COLUMN_CLASS, wv_dscp_page_format_class (dscp));
  if (rx_tos >= 0 && rx_tos <= 255)
    {
      wv_table_row_take_cell (row, WV_DSCP_COLUMN_RECEIVED, wv_dscp_page_format_class (rx_tos >> 2));
      /* TRANSLATORS: the network changed the DSCP of the probes on the way */
      wv_table_row_set_cell (row, WV_DSCP_COLUMN_VERDICT, st->remarked ? _("re-marked") : _("kept"));
    }
  else
    {
      wv_table_row_set_cell (row, WV_DSCP_COLUMN_RECEIVED, "–");
      /* TRANSLATORS: the received TOS is not known */
      wv_table_row_set_cell (row, WV_DSCP_COLUMN_VERDICT, _("unknown"));
    }
  wv_table_row_take_cell (row, WV_DSCP_COLUMN_PROBES, g_strdup_printf ("%u", st->rx.probes));
  wv_table_row_take_cell (row, WV_DSCP_COLUMN_LOSS, wv_gui_format_pct (st->rx.loss_pct));
  wv_table_row_take_cell (row, WV_DSCP_COLUMN_OWD,
                          st->rx.owd_ms.n > 0 ? wv_gui_format_ms (st->rx.owd_ms.p50) : g_strdup ("–"));
  wv_table_row_take_cell (row, WV_DSCP_COLUMN_JITTER, wv_gui_format_ms (st->rx.jitter_ms));
  wv_table_row_set_dim (row, st->rx.probes == 0);
  return row;
}

void
wv_dscp_page_update_now (WvDscpPage *self)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) conns = NULL;
  gboolean summaries;

  g_return_if_fail (WV_IS_DSCP_PAGE (self));

  g_clear_handle_id (&self->rebuild_id, g_source_remove);
  conns = wv_gui_dup_connections (self->session, TRUE);
  /* The whole run's values once any class of any connection has them. */
  summaries = wv_gui_has_summaries (self->session);

  for (guint c = 0; c < conns->len; c++)
    {
      guint i = g_array_index (conns, guint, c);
      g_autofree char *label = wv_session_dup_connection_label (self->session, i);

      for (WvDirection dir = WV_DIR_C2S; dir <= WV_DIR_S2C; dir++)
        for (guint k = 0; k < wv_session_get_n_classes (self->session, i); k++)
          {
            const WvRecord *r = summaries ? wv_session_get_class_summary (self->session, i, k, dir)
                                          : wv_session_get_class_stats (self->session, i, k, dir);

            if (r)
              g_ptr_array_add (rows, make_row (label, dir, wv_session_get_class_dscp (self->session, i, k), r));
          }
    }

  g_list_store_splice (self->rows, 0, g_list_model_get_n_items (G_LIST_MODEL (self->rows)),
                       rows->pdata, rows->len);
  self->basis = summaries ? _("Whole run") : _("Last 10 seconds");
  gtk_label_set_text (self->basis_label, self->basis);
  gtk_stack_set_visible_child_name (self->stack, rows->len > 0 ? "data" : "empty");
}

static gboolean
rebuild_idle (gpointer data)
{
  WvDscpPage *self = data;

  self->rebuild_id = 0;
  wv_dscp_page_update_now (self);
  return G_SOURCE_REMOVE;
}

static void
queue_rebuild (WvDscpPage *self)
{
  if (self->rebuild_id == 0)
    self->rebuild_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, rebuild_idle, self, NULL);
}

static void
on_record (WvSession      *session,
           const WvRecord *record,
           WvDscpPage     *self)
{
  if ((record->type == WV_RECORD_STATS && record->stats.window_s == 10) ||
      record->type == WV_RECORD_SUMMARY)
    queue_rebuild (self);
}

static void
on_connection_changed (WvSession  *session,
                       guint       index,
                       WvDscpPage *self)
{
  queue_rebuild (self);
}

void
wv_dscp_page_set_session (WvDscpPage *self,
                          WvSession  *session)
{
  g_return_if_fail (WV_IS_DSCP_PAGE (self));
  g_return_if_fail (session == NULL || WV_IS_SESSION (session));

  if (!wv_gui_page_set_session (self, &self->session, session,
                                G_CALLBACK (on_record), G_CALLBACK (on_connection_changed)))
    return;
  wv_dscp_page_update_now (self);
}

/**
 * wv_dscp_page_get_rows:
 *
 * Returns: (transfer none): rows of #WvTableRow with #WvDscpColumn cells
 */
GListModel *
wv_dscp_page_get_rows (WvDscpPage *self)
{
  g_return_val_if_fail (WV_IS_DSCP_PAGE (self), NULL);
  return G_LIST_MODEL (self->rows);
}

const char *
wv_dscp_page_get_basis (WvDscpPage *self)
{
  g_return_val_if_fail (WV_IS_DSCP_PAGE (self), NULL);
  return self->basis;
}

GtkWidget *
wv_dscp_page_new (void)
{
  return g_object_new (WV_TYPE_DSCP_PAGE, NULL);
}

static void
wv_dscp_page_dispose (GObject *object)
{
  WvDscpPage *self = WV_DSCP_PAGE (object);

  g_clear_handle_id (&self->rebuild_id, g_source_remove);
  wv_gui_page_set_session (self, &self->session, NULL, NULL, NULL);
  wv_gui_dispose_page_template (GTK_WIDGET (self), WV_TYPE_DSCP_PAGE);
  G_OBJECT_CLASS (wv_dscp_page_parent_class)->dispose (object);
}

static void
wv_dscp_page_finalize (GObject *object)
{
  WvDscpPage *self = WV_DSCP_PAGE (object);

  g_clear_object (&self->rows);
  G_OBJECT_CLASS (wv_dscp_page_parent_class)->finalize (object);
}

static void
wv_dscp_page_class_init (WvDscpPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wv_dscp_page_dispose;
  object_class->finalize = wv_dscp_page_finalize;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/wifiverify/WifiVerify/wv-dscp-page.ui");
  gtk_widget_class_bind_template_child (widget_class, WvDscpPage, stack);
  gtk_widget_class_bind_template_child (widget_class, WvDscpPage, basis_label);
  gtk_widget_class_bind_template_child (widget_class, WvDscpPage, list);
}

static void
wv_dscp_page_init (WvDscpPage *self)
{
  g_autoptr(GtkNoSelection) selection = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->rows = g_list_store_new (WV_TYPE_TABLE_ROW);
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->rows)));
  gtk_column_view_set_model (self->list, GTK_SELECTION_MODEL (selection));
  self->basis = "";

  wv_table_add_column (self->list, _("Connection"), WV_DSCP_COLUMN_CONNECTION, FALSE, FALSE);
  wv_table_add_column (self->list, _("Direction"), WV_DSCP_COLUMN_DIRECTION, FALSE, FALSE);
  /* TRANSLATORS: column: the DSCP the probes were sent with */
  wv_table_add_column (self->list, _("Sent as"), WV_DSCP_COLUMN_CLASS, FALSE, FALSE);
  wv_table_add_column (self->list, _("Probes"), WV_DSCP_COLUMN_PROBES, TRUE, FALSE);
  wv_table_add_column (self->list, _("Loss"), WV_DSCP_COLUMN_LOSS, TRUE, FALSE);
  /* TRANSLATORS: column: median one-way delay in milliseconds */
  wv_table_add_column (self->list, _("Delay ms"), WV_DSCP_COLUMN_OWD, TRUE, FALSE);
  wv_table_add_column (self->list, _("Jitter ms"), WV_DSCP_COLUMN_JITTER, TRUE, FALSE);
  /* TRANSLATORS: column: the DSCP the probes arrived with */
  wv_table_add_column (self->list, _("Arrived as"), WV_DSCP_COLUMN_RECEIVED, FALSE, FALSE);
  /* TRANSLATORS: column: kept or re-marked */
  wv_table_add_column (self->list, _("DSCP"), WV_DSCP_COLUMN_VERDICT, FALSE, TRUE);
}
