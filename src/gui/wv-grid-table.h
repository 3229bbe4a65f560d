/* wv-grid-table.h: a small table of text in a GtkGrid
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef struct _WvGridTable WvGridTable;

/* Header cells in row 0 of @grid, the data below. @numeric (may be NULL)
 * says which columns align right with tabular figures. */
WvGridTable *wv_grid_table_new        (GtkGrid             *grid,
                                       const char * const  *titles,
                                       const gboolean      *numeric,
                                       guint                n_columns);
void         wv_grid_table_free       (WvGridTable         *self);
/* Refilling: begin, a row per call, end (which drops the rows left over).
 * Labels are reused, so a refill every second costs little. */
void         wv_grid_table_begin      (WvGridTable         *self);
guint        wv_grid_table_add_row    (WvGridTable         *self,
                                       const char * const  *cells);
/* A CSS class for one cell of the row just added (a grade's colour). */
void         wv_grid_table_set_class  (WvGridTable         *self,
                                       guint                row,
                                       guint                column,
                                       const char          *css_class);
void         wv_grid_table_end        (WvGridTable         *self);
guint        wv_grid_table_get_n_rows (WvGridTable         *self);
/* The text of a cell of @grid (row 0: the header), or NULL. */
const char  *wv_grid_table_cell_text  (GtkGrid             *grid,
                                       guint                row,
                                       guint                column);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WvGridTable, wv_grid_table_free)

G_END_DECLS
