/* wv-grid-table.c: a small table of text in a GtkGrid
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The summary page and the comparison show several short tables one
 * below the other in one scrolled page; a GtkColumnView wants a scrolled
 * window of its own, so these are labels in a grid. Cells keep their
 * labels across refills, and each cell may carry one extra CSS class (the
 * colour of a verdict).
 */
#define G_LOG_DOMAIN "wv-gui"

#include "config.h"

#include <string.h>

#include "wv-grid-table.h"

struct _WvGridTable
{
  GtkGrid *grid;                  /* not owned: the page's template child */
  guint n_columns;
  gboolean *numeric;
  guint n_rows;                   /* data rows shown */
  guint filling;                  /* data rows of the refill so far */
  GPtrArray *classes;             /* char *, the extra class per cell */
};

static GtkWidget *
cell_label (WvGridTable *self,
            guint        row,
            guint        column)
{
  GtkWidget *label = gtk_grid_get_child_at (self->grid, column, row);

  if (label == NULL)
    {
      label = gtk_label_new (NULL);
      gtk_label_set_xalign (GTK_LABEL (label), self->numeric[column] ? 1.0 : 0.0);
      gtk_widget_set_valign (label, GTK_ALIGN_START);
      if (self->numeric[column])
        gtk_widget_add_css_class (label, "numeric");
      if (row == 0)
        gtk_widget_add_css_class (label, "wv-table-header");
      else
        {
          gtk_label_set_wrap (GTK_LABEL (label), !self->numeric[column]);
          gtk_label_set_max_width_chars (GTK_LABEL (label), 48);
        }
      gtk_grid_attach (self->grid, label, column, row, 1, 1);
    }
  return label;
}

WvGridTable *
wv_grid_table_new (GtkGrid            *grid,
                   const char * const *titles,
                   const gboolean     *numeric,
                   guint               n_columns)
{
  WvGridTable *self = g_new0 (WvGridTable, 1);

  self->grid = grid;
  self->n_columns = n_columns;
  self->numeric = g_new0 (gboolean, n_columns);
  self->classes = g_ptr_array_new_with_free_func (g_free);
  if (numeric)
    memcpy (self->numeric, numeric, n_columns * sizeof (gboolean));
  gtk_grid_set_column_spacing (grid, 18);
  gtk_grid_set_row_spacing (grid, 4);
  gtk_widget_add_css_class (GTK_WIDGET (grid), "wv-grid-table");
  for (guint c = 0; c < n_columns; c++)
    gtk_label_set_text (GTK_LABEL (cell_label (self, 0, c)), titles[c]);
  return self;
}

void
wv_grid_table_free (WvGridTable *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->classes);
  g_free (self->numeric);
  g_free (self);
}

void
wv_grid_table_begin (WvGridTable *self)
{
  self->filling = 0;
}

static void
clear_class (WvGridTable *self,
             guint        row,
             guint        column)
{
  guint i = (row - 1) * self->n_columns + column;
  GtkWidget *label;

  if (i >= self->classes->len || g_ptr_array_index (self->classes, i) == NULL)
    return;
  label = gtk_grid_get_child_at (self->grid, column, row);
  if (label)
    gtk_widget_remove_css_class (label, g_ptr_array_index (self->classes, i));
  g_clear_pointer (&g_ptr_array_index (self->classes, i), g_free);
}

guint
wv_grid_table_add_row (WvGridTable        *self,
                       const char * const *cells)
{
  guint row = ++self->filling;

  if (self->classes->len < row * self->n_columns)
    g_ptr_array_set_size (self->classes, row * self->n_columns);
  for (guint c = 0; c < self->n_columns; c++)
    {
      GtkLabel *label = GTK_LABEL (cell_label (self, row, c));

      clear_class (self, row, c);
      if (g_strcmp0 (gtk_label_get_text (label), cells[c] ? cells[c] : "") != 0)
        gtk_label_set_text (label, cells[c] ? cells[c] : "");
    }
  return row - 1;
}

void
wv_grid_table_set_class (WvGridTable *self,
                         guint        row,
                         guint        column,
                         const char  *css_class)
{
  GtkWidget *label = gtk_grid_get_child_at (self->grid, column, row + 1);
  guint i = row * self->n_columns + column;

  g_return_if_fail (label != NULL && i < self->classes->len);
  clear_class (self, row + 1, column);
  g_ptr_array_index (self->classes, i) = g_strdup (css_class);
  gtk_widget_add_css_class (label, css_class);
}

void
wv_grid_table_end (WvGridTable *self)
{
  for (guint row = self->n_rows; row > self->filling; row--)
    gtk_grid_remove_row (self->grid, row);
  g_ptr_array_set_size (self->classes, self->filling * self->n_columns);
  self->n_rows = self->filling;
  /* A table without rows shows no header either. */
  gtk_widget_set_visible (GTK_WIDGET (self->grid), self->n_rows > 0);
}

guint
wv_grid_table_get_n_rows (WvGridTable *self)
{
  return self->n_rows;
}

const char *
wv_grid_table_cell_text (GtkGrid *grid,
                         guint    row,
                         guint    column)
{
  GtkWidget *label = gtk_grid_get_child_at (grid, column, row);

  return GTK_IS_LABEL (label) ? gtk_label_get_text (GTK_LABEL (label)) : NULL;
}
