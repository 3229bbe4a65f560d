/* wv-table-row.c: one row of text cells, the item of the window's tables
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The hop list, the MTU tables and the server's client list are
 * GtkColumnViews over GListStores of these rows. The pages format every
 * value once, when the data changes, so that binding a cell only sets a
 * label's text.
 */
#define G_LOG_DOMAIN "wv-gui"

#include "config.h"

#include "wv-table-row.h"

struct _WvTableRow
{
  GObject parent_instance;

  guint n_cells;
  char *cells[WV_TABLE_ROW_MAX_CELLS];
  gboolean dim;
};

G_DEFINE_FINAL_TYPE (WvTableRow, wv_table_row, G_TYPE_OBJECT)

WvTableRow *
wv_table_row_new (guint n_cells)
{
  WvTableRow *self;

  g_return_val_if_fail (n_cells <= WV_TABLE_ROW_MAX_CELLS, NULL);
  self = g_object_new (WV_TYPE_TABLE_ROW, NULL);
  self->n_cells = n_cells;
  return self;
}

guint
wv_table_row_get_n_cells (WvTableRow *self)
{
  g_return_val_if_fail (WV_IS_TABLE_ROW (self), 0);
  return self->n_cells;
}

const char *
wv_table_row_get_cell (WvTableRow *self,
                       guint       cell)
{
  g_return_val_if_fail (WV_IS_TABLE_ROW (self), NULL);
  g_return_val_if_fail (cell < self->n_cells, NULL);
  return self->cells[cell] ? self->cells[cell] : "";
}

void
wv_table_row_take_cell (WvTableRow *self,
                        guint       cell,
                        char       *text)
{
  g_return_if_fail (WV_IS_TABLE_ROW (self));
  g_return_if_fail (cell < self->n_cells);
  g_free (self->cells[cell]);
  self->cells[cell] = text;
}

void
wv_table_row_set_cell (WvTableRow *self,
                       guint       cell,
                       const char *text)
{
  wv_table_row_take_cell (self, cell, g_strdup (text));
}

/* Dim rows: silent hops, ended connections. */
gboolean
wv_table_row_get_dim (WvTableRow *self)
{
  g_return_val_if_fail (WV_IS_TABLE_ROW (self), FALSE);
  return self->dim;
}

void
wv_table_row_set_dim (WvTableRow *self,
                      gboolean    dim)
{
  g_return_if_fail (WV_IS_TABLE_ROW (self));
  self->dim = !!dim;
}

static void
wv_table_row_finalize (GObject *object)
{
  WvTableRow *self = WV_TABLE_ROW (object);

  for (guint i = 0; i < self->n_cells; i++)
    g_free (self->cells[i]);
  G_OBJECT_CLASS (wv_table_row_parent_class)->finalize (object);
}

static void
wv_table_row_class_init (WvTableRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = wv_table_row_finalize;
}

static void
wv_table_row_init (WvTableRow *self)
{
}

/* --- columns --------------------------------------------------------------- */

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  numeric)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), numeric ? 1.0 : 0.0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (numeric)
    gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (item, label);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  numeric)
{
  WvTableRow *row = gtk_list_item_get_item (item);
  GtkWidget *label = gtk_list_item_get_child (item);
  guint cell = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "wv-cell"));

  if (cell < row->n_cells)
    gtk_label_set_text (GTK_LABEL (label), wv_table_row_get_cell (row, cell));
  if (row->dim)
    gtk_widget_add_css_class (label, "dim-label");
  else
    gtk_widget_remove_css_class (label, "dim-label");
}

/**
 * wv_table_add_column:
 * @cell: the cell of each #WvTableRow this column shows
 * @numeric: right-aligned, with tabular figures
 *
 * Returns: (transfer none): the column, appended to @view
 */
GtkColumnViewColumn *
wv_table_add_column (GtkColumnView *view,
                     const char    *title,
                     guint          cell,
                     gboolean       numeric,
                     gboolean       expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *column;

  g_object_set_data (G_OBJECT (factory), "wv-cell", GUINT_TO_POINTER (cell));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), GINT_TO_POINTER (numeric));
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), GINT_TO_POINTER (numeric));
  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (column, expand);
  gtk_column_view_column_set_resizable (column, TRUE);
  gtk_column_view_append_column (view, column);
  g_object_unref (column);
  return column;
}
