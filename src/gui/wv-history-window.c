/* wv-history-window.c: the runs the app kept
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every run of the app is kept as a run file in its data directory
 * (wv-run-saver); this window lists them, newest first, with when each ran,
 * against what, for how long and its verdict, from the metadata alone
 * (wv_run_load_meta(): the first gzip member), read in a worker thread.
 * Open shows a run in the main window as it was live; Compare (two chosen)
 * puts two side by side. The window only says what was chosen, through its
 * "open" and "compare" signals: the main window does the rest.
 */
#define G_LOG_DOMAIN "wv-gui"

#include "config.h"

#include <glib/gi18n.h>

#include "wv-history-window.h"
#include "wv-results-text.h"
#include "wv-run.h"
#include "wv-table-row.h"

struct _WvHistoryWindow
{
  GtkWindow parent_instance;

  GtkStack *stack;
  GtkLabel *empty_label;
  GtkColumnView *list;

  GFile *dir;
  GListStore *runs;               /* WvTableRow with a "wv-file" */
  GtkMultiSelection *selection;
  GCancellable *cancellable;
  gboolean loading;
};

G_DEFINE_FINAL_TYPE (WvHistoryWindow, wv_history_window, GTK_TYPE_WINDOW)

enum {
  SIGNAL_OPEN,
  SIGNAL_COMPARE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum {
  PROP_0,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* --- reading the folder (worker thread) ------------------------------------------- */

typedef struct {
  GFile *file;
  WvRunMeta *meta;                /* NULL: unreadable */
  char *error;
  gint64 mtime;
} Entry;

static void
entry_free (gpointer data)
{
  Entry *e = data;

  g_object_unref (e->file);
  g_clear_pointer (&e->meta, wv_run_meta_free);
  g_free (e->error);
  g_free (e);
}

static gint64
entry_time (const Entry *e)
{
  return e->meta && e->meta->start_ns > 0 ? e->meta->start_ns : e->mtime * 1000;
}

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  gint64 x = entry_time (*(Entry **) a), y = entry_time (*(Entry **) b);

  return (x < y) - (x > y);
}

static void
load_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GFile *dir = task_data;
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func (entry_free);
  g_autoptr(GFileEnumerator) children = NULL;
  g_autoptr(GError) error = NULL;
  GFileInfo *info;

  children = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_TIME_MODIFIED,
                                        G_FILE_QUERY_INFO_NONE, cancellable, &error);
  if (children == NULL)
    {
      /* No folder yet: no runs yet. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        g_task_return_pointer (task, g_steal_pointer (&entries), (GDestroyNotify) g_ptr_array_unref);
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  while ((info = g_file_enumerator_next_file (children, cancellable, &error)))
    {
      g_autoptr(GFileInfo) owned = info;
      const char *name = g_file_info_get_name (info);
      g_autoptr(GError) local = NULL;
      Entry *e;

      if (!g_str_has_suffix (name, WV_RUN_FILE_SUFFIX) && !g_str_has_suffix (name, WV_RUN_FILE_SUFFIX ".partial"))
        continue;
      /* A partial file beside its run file is being replaced by it. */
      if (g_str_has_suffix (name, ".partial"))
        {
          g_autofree char *final = g_strndup (name, strlen (name) - strlen (".partial"));
          g_autoptr(GFile) sibling = g_file_get_child (dir, final);

          if (g_file_query_exists (sibling, cancellable))
            continue;
        }
      e = g_new0 (Entry, 1);
      e->file = g_file_get_child (dir, name);
      e->mtime = g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED) * G_USEC_PER_SEC;
      e->meta = wv_run_load_meta (e->file, cancellable, &local);
      if (e->meta == NULL)
        e->error = g_strdup (local->message);
      g_ptr_array_add (entries, e);
    }
  if (error)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_ptr_array_sort (entries, compare_entries);
  g_task_return_pointer (task, g_steal_pointer (&entries), (GDestroyNotify) g_ptr_array_unref);
}

static const char *
grade_cell (const WvRunMeta *meta,
            WvProfile        p)
{
  if (meta == NULL || meta->verdict[p] == WV_GRADE_UNKNOWN)
    return "–";
  return wv_gui_grade_label (meta->verdict[p]);
}

static WvTableRow *
make_row (const Entry *e)
{
  WvTableRow *row = wv_table_row_new (WV_N_HISTORY_COLUMNS);
  g_autofree char *name = g_file_get_basename (e->file);

  wv_table_row_take_cell (row, WV_HISTORY_COLUMN_STARTED, wv_gui_format_time (entry_time (e)));
  wv_table_row_set_cell (row, WV_HISTORY_COLUMN_FILE, name);
  g_object_set_data_full (G_OBJECT (row), "wv-file", g_object_ref (e->file), g_object_unref);
  if (e->meta == NULL)
    {
      /* TRANSLATORS: a saved run whose file cannot be read, and why */
      wv_table_row_take_cell (row, WV_HISTORY_COLUMN_TARGET, g_strdup_printf (_("Unreadable: %s"), e->error));
      wv_table_row_set_dim (row, TRUE);
      return row;
    }
  wv_table_row_take_cell (row, WV_HISTORY_COLUMN_TARGET, wv_gui_describe_target (e->meta));
  if (e->meta->end_ns > e->meta->start_ns)
    wv_table_row_take_cell (row, WV_HISTORY_COLUMN_LENGTH,
                            wv_gui_format_duration ((e->meta->end_ns - e->meta->start_ns) / 1e9));
  else
    /* TRANSLATORS: a run whose file was not completed (it runs, or the program stopped) */
    wv_table_row_set_cell (row, WV_HISTORY_COLUMN_LENGTH, _("not finished"));
  wv_table_row_set_cell (row, WV_HISTORY_COLUMN_VOICE, grade_cell (e->meta, WV_PROFILE_VOICE));
  wv_table_row_set_cell (row, WV_HISTORY_COLUMN_VIDEO, grade_cell (e->meta, WV_PROFILE_VIDEO));
  wv_table_row_set_cell (row, WV_HISTORY_COLUMN_INTERACTIVE, grade_cell (e->meta, WV_PROFILE_INTERACTIVE));
  return row;
}

static void
update_actions (WvHistoryWindow *self)
{
  g_autoptr(GtkBitset) chosen = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  guint64 n = gtk_bitset_get_size (chosen);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "history.open", n == 1);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "history.compare", n == 2);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "history.reload", !self->loading);
}

static void
load_done (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  WvHistoryWindow *self = WV_HISTORY_WINDOW (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = g_task_propagate_pointer (G_TASK (result), &error);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->loading = FALSE;
  if (entries)
    for (guint i = 0; i < entries->len; i++)
      g_ptr_array_add (rows, make_row (g_ptr_array_index (entries, i)));
  g_list_store_splice (self->runs, 0, g_list_model_get_n_items (G_LIST_MODEL (self->runs)), rows->pdata, rows->len);
  if (rows->len > 0)
    gtk_stack_set_visible_child_name (self->stack, "list");
  else
    {
      g_autofree char *path = g_file_get_path (self->dir);
      g_autofree char *text = error ? g_strdup_printf (_("The folder %s cannot be read: %s"), path, error->message)
                                    : g_strdup_printf (_("Every measurement is kept here once it has started, "
                                                         "in %s."), path);

      gtk_label_set_text (self->empty_label, text);
      gtk_stack_set_visible_child_name (self->stack, "empty");
    }
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

/* Reads the folder again (in a thread); #WvHistoryWindow:loading is TRUE
 * until the list is new. */
void
wv_history_window_reload (WvHistoryWindow *self)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (WV_IS_HISTORY_WINDOW (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  if (g_list_model_get_n_items (G_LIST_MODEL (self->runs)) == 0)
    gtk_stack_set_visible_child_name (self->stack, "loading");
  self->loading = TRUE;
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
  task = g_task_new (self, self->cancellable, load_done, NULL);
  g_task_set_source_tag (task, wv_history_window_reload);
  g_task_set_task_data (task, g_object_ref (self->dir), g_object_unref);
  g_task_run_in_thread (task, load_thread);
}

gboolean
wv_history_window_get_loading (WvHistoryWindow *self)
{
  g_return_val_if_fail (WV_IS_HISTORY_WINDOW (self), FALSE);
  return self->loading;
}

GListModel *
wv_history_window_get_runs (WvHistoryWindow *self)
{
  g_return_val_if_fail (WV_IS_HISTORY_WINDOW (self), NULL);
  return G_LIST_MODEL (self->runs);
}

GtkSelectionModel *
wv_history_window_get_selection (WvHistoryWindow *self)
{
  g_return_val_if_fail (WV_IS_HISTORY_WINDOW (self), NULL);
  return GTK_SELECTION_MODEL (self->selection);
}

/* The run file of row @position, or NULL. */
GFile *
wv_history_window_get_file (WvHistoryWindow *self,
                            guint            position)
{
  g_autoptr(GObject) row = NULL;

  g_return_val_if_fail (WV_IS_HISTORY_WINDOW (self), NULL);
  row = g_list_model_get_item (G_LIST_MODEL (self->runs), position);
  return row ? g_object_get_data (row, "wv-file") : NULL;
}

/* --- actions ------------------------------------------------------------------------------ */

/* The chosen rows' files, in list order (newest first). */
static GPtrArray *
chosen_files (WvHistoryWindow *self)
{
  g_autoptr(GtkBitset) chosen = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  GPtrArray *files = g_ptr_array_new ();
  GtkBitsetIter iter;
  guint position;

  for (gboolean ok = gtk_bitset_iter_init_first (&iter, chosen, &position); ok;
       ok = gtk_bitset_iter_next (&iter, &position))
    g_ptr_array_add (files, wv_history_window_get_file (self, position));
  return files;
}

static void
open_action (GtkWidget  *widget,
             const char *action,
             GVariant   *param)
{
  WvHistoryWindow *self = WV_HISTORY_WINDOW (widget);
  g_autoptr(GPtrArray) files = chosen_files (self);

  if (files->len == 1)
    g_signal_emit (self, signals[SIGNAL_OPEN], 0, g_ptr_array_index (files, 0));
}

static void
compare_action (GtkWidget  *widget,
                const char *action,
                GVariant   *param)
{
  WvHistoryWindow *self = WV_HISTORY_WINDOW (widget);
  g_autoptr(GPtrArray) files = chosen_files (self);

  /* The older run first: before, then after. */
  if (files->len == 2)
    g_signal_emit (self, signals[SIGNAL_COMPARE], 0, g_ptr_array_index (files, 1), g_ptr_array_index (files, 0));
}

static void
reload_action (GtkWidget  *widget,
               const char *action,
               GVariant   *param)
{
  wv_history_window_reload (WV_HISTORY_WINDOW (widget));
}

static void
open_folder_action (GtkWidget  *widget,
                    const char *action,
                    GVariant   *param)
{
  WvHistoryWindow *self = WV_HISTORY_WINDOW (widget);
  g_autofree char *uri = g_file_get_uri (self->dir);
  g_autofree char *path = g_file_get_path (self->dir);

  if (path)
    g_mkdir_with_parents (path, 0700);
  gtk_show_uri (GTK_WINDOW (self), uri, GDK_CURRENT_TIME);
}

static void
on_list_activate (GtkColumnView   *list,
                  guint            position,
                  WvHistoryWindow *self)
{
  GFile *file = wv_history_window_get_file (self, position);

  if (file)
    g_signal_emit (self, signals[SIGNAL_OPEN], 0, file);
}

static void
on_selection_changed (GtkSelectionModel *model,
                      guint              position,
                      guint              n_items,
                      WvHistoryWindow   *self)
{
  update_actions (self);
}

/* --- GObject ------------------------------------------------------------------------------- */

/**
 * wv_history_window_new:
 * @parent: (nullable): the main window
 * @dir: the folder the runs are kept in
 */
WvHistoryWindow *
wv_history_window_new (GtkWindow *parent,
                       GFile     *dir)
{
  WvHistoryWindow *self;

  g_return_val_if_fail (G_IS_FILE (dir), NULL);

  self = g_object_new (WV_TYPE_HISTORY_WINDOW, "transient-for", parent, NULL);
  if (parent)
    gtk_window_set_application (GTK_WINDOW (self), gtk_window_get_application (parent));
  self->dir = g_object_ref (dir);
  wv_history_window_reload (self);
  return self;
}

static void
wv_history_window_dispose (GObject *object)
{
  WvHistoryWindow *self = WV_HISTORY_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  /* No gtk_widget_dispose_template(): the stack, a template child, is
   * the window's child, which GtkWindow's dispose releases; unparented
   * by the template first, the window would unparent it a second time. */
  G_OBJECT_CLASS (wv_history_window_parent_class)->dispose (object);
}

static void
wv_history_window_finalize (GObject *object)
{
  WvHistoryWindow *self = WV_HISTORY_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->dir);
  g_clear_object (&self->runs);
  g_clear_object (&self->selection);
  G_OBJECT_CLASS (wv_history_window_parent_class)->finalize (object);
}

static void
wv_history_window_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  WvHistoryWindow *self = WV_HISTORY_WINDOW (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wv_history_window_class_init (WvHistoryWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wv_history_window_dispose;
  object_class->finalize = wv_history_window_finalize;
  object_class->get_property = wv_history_window_get_property;

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* (GFile *file): show this run */
  signals[SIGNAL_OPEN] =
    g_signal_new ("open", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_FILE);
  /* (GFile *before, GFile *after) */
  signals[SIGNAL_COMPARE] =
    g_signal_new ("compare", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_FILE, G_TYPE_FILE);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/wifiverify/WifiVerify/wv-history-window.ui");
  gtk_widget_class_bind_template_child (widget_class, WvHistoryWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, WvHistoryWindow, empty_label);
  gtk_widget_class_bind_template_child (widget_class, WvHistoryWindow, list);
  gtk_widget_class_bind_template_callback (widget_class, on_list_activate);
  gtk_widget_class_install_action (widget_class, "history.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "history.compare", NULL, compare_action);
  gtk_widget_class_install_action (widget_class, "history.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "history.open-folder", NULL, open_folder_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "history.reload", NULL);
}

static void
wv_history_window_init (WvHistoryWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->runs = g_list_store_new (WV_TYPE_TABLE_ROW);
  self->selection = gtk_multi_selection_new (G_LIST_MODEL (g_object_ref (self->runs)));
  gtk_column_view_set_model (self->list, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_object (self->selection, "selection-changed", G_CALLBACK (on_selection_changed), self, 0);
  wv_table_add_column (self->list, _("Started"), WV_HISTORY_COLUMN_STARTED, TRUE, FALSE);
  /* TRANSLATORS: what a saved run measured against: "Self-test" or the server */
  wv_table_add_column (self->list, _("Against"), WV_HISTORY_COLUMN_TARGET, FALSE, TRUE);
  wv_table_add_column (self->list, _("Length"), WV_HISTORY_COLUMN_LENGTH, TRUE, FALSE);
  wv_table_add_column (self->list, _("Voice call"), WV_HISTORY_COLUMN_VOICE, FALSE, FALSE);
  wv_table_add_column (self->list, _("Video call"), WV_HISTORY_COLUMN_VIDEO, FALSE, FALSE);
  wv_table_add_column (self->list, _("Interactive (gaming)"), WV_HISTORY_COLUMN_INTERACTIVE, FALSE, FALSE);
  wv_table_add_column (self->list, _("File"), WV_HISTORY_COLUMN_FILE, FALSE, FALSE);
  update_actions (self);
}
