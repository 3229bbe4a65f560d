/* wv-client-summary.c: a run's statistics per connection and direction
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the web client shows its user at the end, for the technician at the
 * server: one row per visible connection, direction and probe stream
 * class with the probes received, loss, one-way delay (median, 99th
 * percentile, maximum), jitter, reordering, the sender's round trip and
 * the bulk throughput. While the run goes on the values are those of the
 * last 10 s; once it has summaries, of the whole run. They are the
 * engine's records (docs/statistics.md), not recomputed here. Rebuilt at
 * most once per main loop iteration when statistics arrive.
 */
#define G_LOG_DOMAIN "wv-gui"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "wv-charts.h"
#include "wv-client-summary.h"
#include "wv-dscp-page.h"
#include "wv-gui.h"
#include "wv-table-row.h"

struct _WvClientSummary
{
  GtkWidget parent_instance;

  GtkStack *stack;
  GtkLabel *basis_label;
  GtkLabel *notes_label;
  GtkColumnView *list;

  GtkColumnViewColumn *class_column;
  GListStore *rows;               /* WvTableRow, WvClientSummaryColumn */
  WvSession *session;
  const char *basis;
  guint rebuild_id;
};

G_DEFINE_FINAL_TYPE (WvClientSummary, wv_client_summary, GTK_TYPE_WIDGET)

static char *
format_delay (const WvSummary *s,
              double           value)
{
  return s->n > 0 ? wv_gui_format_ms (value) : g_strdup ("–");
}

static WvTableRow *
make_row (const char     *label,
          WvDirection     dir,
          int             dscp,
          const WvRecord *r)
{
  WvTableRow *row = wv_table_row_new (WV_N_CLIENT_SUMMARY_COLUMNS);
  const WvStatsRecord *st = &r->stats;
  const WvSummary *owd = &st->rx.owd_ms;
  gboolean received = st->rx.probes > 0;

  wv_table_row_set_cell (row, WV_CLIENT_SUMMARY_COLUMN_CONNECTION, label);
  wv_table_row_set_cell (row, WV_CLIENT_SUMMARY_COLUMN_DIRECTION, wv_gui_direction_label (dir));
  wv_table_row_take_cell (row, WV_CLIENT_SUMMARY_COLUMN_CLASS, wv_dscp_page_format_class (dscp));
  /* A summary whose receiver's part is missing does not know its probes. */
  wv_table_row_take_cell (row, WV_CLIENT_SUMMARY_COLUMN_PROBES,
                          st->rx_missing && !st->rx_partial ? g_strdup ("–")
                                                           : g_strdup_printf ("%u", st->rx.probes));
  wv_table_row_take_cell (row, WV_CLIENT_SUMMARY_COLUMN_LOSS,
                          wv_gui_format_pct (st->rx.expected > 0 ? st->rx.loss_pct : NAN));
  wv_table_row_take_cell (row, WV_CLIENT_SUMMARY_COLUMN_DELAY_P50, format_delay (owd, owd->p50));
  wv_table_row_take_cell (row, WV_CLIENT_SUMMARY_COLUMN_DELAY_P99, format_delay (owd, owd->p99));
  wv_table_row_take_cell (row, WV_CLIENT_SUMMARY_COLUMN_DELAY_MAX, format_delay (owd, owd->max));
  wv_table_row_take_cell (row, WV_CLIENT_SUMMARY_COLUMN_JITTER,
                          wv_gui_format_ms (received ? st->rx.jitter_ms : NAN));
  wv_table_row_take_cell (row, WV_CLIENT_SUMMARY_COLUMN_REORDER,
                          wv_gui_format_pct (received ? st->rx.reorder_pct : NAN));
  wv_table_row_take_cell (row, WV_CLIENT_SUMMARY_COLUMN_RTT, format_delay (&st->rtt_ms, st->rtt_ms.p50));
  /* Without bulk traffic there is no throughput to speak of. */
  wv_table_row_take_cell (row, WV_CLIENT_SUMMARY_COLUMN_THROUGHPUT,
                          wv_gui_format_bps (st->rx.bulk_bytes > 0 ? st->rx.throughput_bps : NAN));
  wv_table_row_set_dim (row, !received);
  return row;
}

/* What the numbers leave out, in words: the one-way delay of a client
 * whose clock could not be trusted is an estimate. */
static void
update_notes (WvClientSummary *self,
              GPtrArray       *records)
{
  gboolean estimated = FALSE;

  for (guint i = 0; i < records->len; i++)
    {
      const WvRecord *r = g_ptr_array_index (records, i);

      estimated = estimated || r->stats.owd_mode == WV_OWD_OFFSET_ESTIMATED;
    }
  gtk_label_set_text (self->notes_label,
                      estimated ? _("One-way delays are estimated from the clock offset of the two "
                                    "ends (their clocks are not known to be synchronised).")
                                : "");
  gtk_widget_set_visible (GTK_WIDGET (self->notes_label), estimated);
}

void
wv_client_summary_update_now (WvClientSummary *self)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) records = g_ptr_array_new ();
  g_autoptr(GArray) conns = NULL;
  gboolean summaries, classes = FALSE;

  g_return_if_fail (WV_IS_CLIENT_SUMMARY (self));

  g_clear_handle_id (&self->rebuild_id, g_source_remove);
  conns = wv_gui_dup_connections (self->session, TRUE);
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
            int dscp = wv_session_get_class_dscp (self->session, i, k);

            if (r == NULL)
              continue;
            g_ptr_array_add (rows, make_row (label, dir, dscp, r));
            g_ptr_array_add (records, (gpointer) r);
            classes = classes || dscp >= 0;
          }
    }

  g_list_store_splice (self->rows, 0, g_list_model_get_n_items (G_LIST_MODEL (self->rows)),
                       rows->pdata, rows->len);
  /* The class only where the run had classes: most have the unmarked
   * stream alone (a browser cannot mark its packets). */
  gtk_column_view_column_set_visible (self->class_column, classes);
  self->basis = summaries ? _("Whole run") : _("Last 10 seconds");
  gtk_label_set_text (self->basis_label, self->basis);
  update_notes (self, records);
  gtk_stack_set_visible_child_name (self->stack, rows->len > 0 ? "data" : "empty");
}

static gboolean
rebuild_idle (gpointer data)
{
  WvClientSummary *self = data;

  self->rebuild_id = 0;
  wv_client_summary_update_now (self);
  return G_SOURCE_REMOVE;
}

static void
queue_rebuild (WvClientSummary *self)
{
  if (self->rebuild_id == 0)
    self->rebuild_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, rebuild_idle, self, NULL);
}

static void
on_record (WvSession       *session,
           const WvRecord  *record,
           WvClientSummary *self)
{
  if ((record->type == WV_RECORD_STATS && record->stats.window_s == 10) ||
      record->type == WV_RECORD_SUMMARY)
    queue_rebuild (self);
}

static void
on_connection_changed (WvSession       *session,
                       guint            index,
                       WvClientSummary *self)
{
  queue_rebuild (self);
}

void
wv_client_summary_set_session (WvClientSummary *self,
                               WvSession       *session)
{
  g_return_if_fail (WV_IS_CLIENT_SUMMARY (self));
  g_return_if_fail (session == NULL || WV_IS_SESSION (session));

  if (!wv_gui_page_set_session (self, &self->session, session,
                                G_CALLBACK (on_record), G_CALLBACK (on_connection_changed)))
    return;
  wv_client_summary_update_now (self);
}

GListModel *
wv_client_summary_get_rows (WvClientSummary *self)
{
  g_return_val_if_fail (WV_IS_CLIENT_SUMMARY (self), NULL);
  return G_LIST_MODEL (self->rows);
}

const char *
wv_client_summary_get_basis (WvClientSummary *self)
{
  g_return_val_if_fail (WV_IS_CLIENT_SUMMARY (self), NULL);
  return self->basis;
}

GtkWidget *
wv_client_summary_new (void)
{
  return g_object_new (WV_TYPE_CLIENT_SUMMARY, NULL);
}

static void
wv_client_summary_dispose (GObject *object)
{
  WvClientSummary *self = WV_CLIENT_SUMMARY (object);

  g_clear_handle_id (&self->rebuild_id, g_source_remove);
  wv_gui_page_set_session (self, &self->session, NULL, NULL, NULL);
  wv_gui_dispose_page_template (GTK_WIDGET (self), WV_TYPE_CLIENT_SUMMARY);
  G_OBJECT_CLASS (wv_client_summary_parent_class)->dispose (object);
}

static void
wv_client_summary_finalize (GObject *object)
{
  WvClientSummary *self = WV_CLIENT_SUMMARY (object);

  g_clear_object (&self->rows);
  G_OBJECT_CLASS (wv_client_summary_parent_class)->finalize (object);
}

static void
wv_client_summary_class_init (WvClientSummaryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wv_client_summary_dispose;
  object_class->finalize = wv_client_summary_finalize;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/wifiverify/WifiVerify/wv-client-summary.ui");
  gtk_widget_class_bind_template_child (widget_class, WvClientSummary, stack);
  gtk_widget_class_bind_template_child (widget_class, WvClientSummary, basis_label);
  gtk_widget_class_bind_template_child (widget_class, WvClientSummary, notes_label);
  gtk_widget_class_bind_template_child (widget_class, WvClientSummary, list);
}

static void
wv_client_summary_init (WvClientSummary *self)
{
  g_autoptr(GtkNoSelection) selection = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->rows = g_list_store_new (WV_TYPE_TABLE_ROW);
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->rows)));
  gtk_column_view_set_model (self->list, GTK_SELECTION_MODEL (selection));
  self->basis = "";

  wv_table_add_column (self->list, _("Connection"), WV_CLIENT_SUMMARY_COLUMN_CONNECTION, FALSE, FALSE);
  wv_table_add_column (self->list, _("Direction"), WV_CLIENT_SUMMARY_COLUMN_DIRECTION, FALSE, FALSE);
  /* TRANSLATORS: column: the DSCP the probes were sent with */
  self->class_column = wv_table_add_column (self->list, _("Sent as"), WV_CLIENT_SUMMARY_COLUMN_CLASS,
                                            FALSE, FALSE);
  wv_table_add_column (self->list, _("Probes"), WV_CLIENT_SUMMARY_COLUMN_PROBES, TRUE, FALSE);
  wv_table_add_column (self->list, _("Loss"), WV_CLIENT_SUMMARY_COLUMN_LOSS, TRUE, FALSE);
  /* TRANSLATORS: column: median one-way delay in milliseconds */
  wv_table_add_column (self->list, _("Delay ms"), WV_CLIENT_SUMMARY_COLUMN_DELAY_P50, TRUE, FALSE);
  /* TRANSLATORS: column: 99th percentile of the one-way delay in milliseconds */
  wv_table_add_column (self->list, _("p99 ms"), WV_CLIENT_SUMMARY_COLUMN_DELAY_P99, TRUE, FALSE);
  /* TRANSLATORS: column: largest one-way delay in milliseconds */
  wv_table_add_column (self->list, _("Max ms"), WV_CLIENT_SUMMARY_COLUMN_DELAY_MAX, TRUE, FALSE);
  wv_table_add_column (self->list, _("Jitter ms"), WV_CLIENT_SUMMARY_COLUMN_JITTER, TRUE, FALSE);
  wv_table_add_column (self->list, _("Reordering"), WV_CLIENT_SUMMARY_COLUMN_REORDER, TRUE, FALSE);
  /* TRANSLATORS: column: median round-trip time in milliseconds */
  wv_table_add_column (self->list, _("RTT ms"), WV_CLIENT_SUMMARY_COLUMN_RTT, TRUE, FALSE);
  wv_table_add_column (self->list, _("Throughput"), WV_CLIENT_SUMMARY_COLUMN_THROUGHPUT, TRUE, TRUE);
}
