/* wv-table-row.h: one row of text cells, the item of the window's tables
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define WV_TABLE_ROW_MAX_CELLS 16

#define WV_TYPE_TABLE_ROW (wv_table_row_get_type ())
G_DECLARE_FINAL_TYPE (WvTableRow, wv_table_row, WV, TABLE_ROW, GObject)

WvTableRow          *wv_table_row_new       (guint          n_cells);
guint                wv_table_row_get_n_cells (WvTableRow  *self);
const char          *wv_table_row_get_cell  (WvTableRow    *self,
                                             guint          cell);
void                 wv_table_row_set_cell  (WvTableRow    *self,
                                             guint          cell,
                                             const char    *text);
void                 wv_table_row_take_cell (WvTableRow    *self,
                                             guint          cell,
                                             char          *text);
gboolean             wv_table_row_get_dim   (WvTableRow    *self);
void                 wv_table_row_set_dim   (WvTableRow    *self,
                                             gboolean       dim);

GtkColumnViewColumn *wv_table_add_column    (GtkColumnView *view,
                                             const char    *title,
                                             guint          cell,
                                             gboolean       numeric,
                                             gboolean       expand);

G_END_DECLS
