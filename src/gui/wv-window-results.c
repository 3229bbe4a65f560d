/* wv-window-results.c: the window's runs kept in files
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every measurement the window starts is kept as a run file in the app's
 * data directory (WvRunSaver). A kept run, or any run file, opens in the
 * window as it was live (File > Open, Saved Runs, `wifi-verify FILE`):
 * a WvSession read back from the file, which the pages show like any
 * other, over the whole run and with nothing to measure. Two runs open
 * side by side in a WvCompareWindow. Save Report writes the run on
 * screen as a PDF (wv_report_write_pdf(), in a worker thread).
 */
#define G_LOG_DOMAIN "wv-gui"

#include "config.h"

#include <glib/gi18n.h>

#include "wv-compare-window.h"
#include "wv-history-window.h"
#include "wv-report.h"
#include "wv-window-private.h"

struct _WvWindowResults
{
  WvRunSaver *saver;              /* of the latest measurement */
  GtkFileChooserNative *open_chooser;
  GtkFileChooserNative *report_chooser;
  WvHistoryWindow *history;       /* weak */
  GCancellable *cancellable;
  gboolean loading;
  gboolean writing_report;
  GFile *last_report;
};

static WvWindowResults *
results (WvWindow *self)
{
  return self->results;
}

/* --- keeping each run ------------------------------------------------------------ */

static void
on_saver_file (WvRunSaver *saver,
               GParamSpec *pspec,
               WvWindow   *self)
{
  g_autofree char *path = g_file_get_path (wv_run_saver_get_file (saver));
  /* TRANSLATORS: %s is a file */
  g_autofree char *text = g_strdup_printf (_("This run is kept in %s"), path);

  wv_window_log (self, WV_MESSAGE_INFO, text);
}

static void
on_saver_done (WvRunSaver *saver,
               GParamSpec *pspec,
               WvWindow   *self)
{
  if (results (self)->history)
    wv_history_window_reload (results (self)->history);
  wv_window_update_ui (self);
}

static void
on_saver_error (WvRunSaver *saver,
                GParamSpec *pspec,
                WvWindow   *self)
{
  g_autofree char *text = g_strdup_printf (_("This run cannot be kept in the app's folder: %s. "
                                             "Export CSV still saves it."), wv_run_saver_get_error (saver));

  wv_window_log (self, WV_MESSAGE_WARNING, text);
}

void
wv_window_results_keep (WvWindow  *self,
                        WvSession *session)
{
  WvWindowResults *r = results (self);
  g_autoptr(GFile) dir = wv_run_saver_dup_default_dir ();

  if (r->saver)
    g_signal_handlers_disconnect_by_data (r->saver, self);
  /* A previous saver finishes its file on its own: its task holds it. */
  g_clear_object (&r->saver);
  r->saver = wv_run_saver_new (session, dir);
  g_signal_connect_object (r->saver, "notify::file", G_CALLBACK (on_saver_file), self, 0);
  g_signal_connect_object (r->saver, "notify::done", G_CALLBACK (on_saver_done), self, 0);
  g_signal_connect_object (r->saver, "notify::error", G_CALLBACK (on_saver_error), self, 0);
}

gboolean
wv_window_results_get_kept (WvWindow *self)
{
  WvWindowResults *r = results (self);

  if (self->session == NULL)
    return FALSE;
  if (wv_session_get_reopened (self->session))
    return TRUE;
  return r->saver && wv_run_saver_get_session (r->saver) == self->session && wv_run_saver_get_done (r->saver);
}

/**
 * wv_window_get_run_file:
 *
 * Returns: (nullable) (transfer none): the file the run on screen is kept
 *   in (complete once the run ended), or was read from
 */
GFile *
wv_window_get_run_file (WvWindow *self)
{
  WvWindowResults *r;

  g_return_val_if_fail (WV_IS_WINDOW (self), NULL);
  r = results (self);
  if (self->session == NULL)
    return NULL;
  if (wv_session_get_file (self->session))
    return wv_session_get_file (self->session);
  if (r->saver && wv_run_saver_get_session (r->saver) == self->session)
    return wv_run_saver_get_file (r->saver);
  return NULL;
}

const char *
wv_window_results_progress_text (WvWindow *self)
{
  static char text[256];
  GFile *file = wv_window_get_run_file (self);
  g_autofree char *name = file ? g_file_get_basename (file) : NULL;

  /* TRANSLATORS: the progress bar of a run read back from a file */
  g_snprintf (text, sizeof text, _("Saved run: %s"), name ? name : "?");
  return text;
}

/* --- opening a run ------------------------------------------------------------------- */

typedef struct {
  WvWindow *self;                 /* a reference */
  GFile *file;
} Opening;

static void
open_done (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  Opening *opening = data;
  g_autoptr(WvWindow) self = opening->self;
  g_autoptr(GFile) file = opening->file;
  g_autoptr(GError) error = NULL;
  g_autoptr(WvRun) run = wv_run_load_finish (result, &error);
  g_autofree char *path = g_file_get_path (file);
  g_autoptr(WvSession) session = NULL;
  g_autofree char *text = NULL;

  g_free (opening);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->results == NULL)
    return;
  results (self)->loading = FALSE;
  if (run == NULL)
    {
      /* TRANSLATORS: a file that could not be opened, and why */
      text = g_strdup_printf (_("Cannot open %s: %s"), path ? path : "?", error->message);
      wv_window_log (self, WV_MESSAGE_ERROR, text);
      wv_window_show_banner_full (self, GTK_MESSAGE_ERROR, text, NULL, BANNER_ACTION_NONE, NULL);
      wv_window_update_ui (self);
      return;
    }
  if (wv_window_get_running (self))
    {
      wv_window_update_ui (self);
      return;
    }
  session = wv_session_new_for_run (run, file);
  /* The mode of the run, so that Start measures the same way again. */
  if (run->meta && run->meta->server)
    {
      wv_window_set_mode (self, WV_MODE_CONNECT);
      gtk_editable_set_text (GTK_EDITABLE (self->url_entry), run->meta->server);
    }
  else if (g_strcmp0 (wv_window_get_mode (self), WV_MODE_SERVE) == 0)
    wv_window_set_mode (self, WV_MODE_SELF_TEST);
  wv_window_set_session (self, session);
  gtk_stack_set_visible_child_name (self->content_stack, "main");
  gtk_stack_set_visible_child_name (self->view_stack, "summary");
  /* TRANSLATORS: %s is a file */
  text = g_strdup_printf (_("Opened the saved run %s"), path ? path : "?");
  wv_window_log (self, WV_MESSAGE_INFO, text);
  wv_window_set_status_text (self, text);
  if (run->problems->len > 0)
    {
      g_autofree char *problems = NULL;

      g_ptr_array_add (run->problems, NULL);
      problems = g_strjoinv ("; ", (char **) run->problems->pdata);
      g_ptr_array_remove_index (run->problems, run->problems->len - 1);
      g_free (text);
      /* TRANSLATORS: a run file read only in part, and what went wrong */
      text = g_strdup_printf (_("The file is incomplete, this shows what could be read: %s"), problems);
      wv_window_log (self, WV_MESSAGE_WARNING, text);
      wv_window_show_banner_full (self, GTK_MESSAGE_WARNING, text, NULL, BANNER_ACTION_NONE, NULL);
    }
  wv_window_update_ui (self);
}

/**
 * wv_window_open_file:
 * @file: a run file (or JSON lines as --json writes them)
 *
 * Reads @file in a worker thread and shows it in the window as it was when
 * the run ended. Refused while a measurement runs; problems go to the
 * banner. wv_window_get_loading() is TRUE until it is shown.
 */
void
wv_window_open_file (WvWindow *self,
                     GFile    *file)
{
  WvWindowResults *r;
  Opening *opening;

  g_return_if_fail (WV_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  r = results (self);
  if (wv_window_get_running (self))
    {
      wv_window_show_banner_full (self, GTK_MESSAGE_ERROR,
                                  _("A measurement is running: stop it before opening a saved run."),
                                  NULL, BANNER_ACTION_NONE, NULL);
      return;
    }
  if (r->loading)
    return;
  r->loading = TRUE;
  opening = g_new0 (Opening, 1);
  opening->self = g_object_ref (self);
  opening->file = g_object_ref (file);
  wv_window_update_ui (self);
  wv_run_load_async (file, r->cancellable, open_done, opening);
}

gboolean
wv_window_get_loading (WvWindow *self)
{
  g_return_val_if_fail (WV_IS_WINDOW (self), FALSE);
  return results (self)->loading;
}

static void
on_open_response (GtkNativeDialog *dialog,
                  int              response,
                  WvWindow        *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  g_clear_object (&results (self)->open_chooser);
  if (response != GTK_RESPONSE_ACCEPT)
    return;
  if (file == NULL)
    {
      wv_window_show_banner_full (self, GTK_MESSAGE_ERROR, _("Nothing was opened: choose a run file."),
                                  NULL, BANNER_ACTION_NONE, NULL);
      return;
    }
  wv_window_open_file (self, file);
}

static void
open_action (GtkWidget  *widget,
             const char *action,
             GVariant   *param)
{
  WvWindow *self = WV_WINDOW (widget);
  WvWindowResults *r = results (self);
  g_autoptr(GFile) dir = wv_run_saver_dup_default_dir ();
  g_autofree char *path = g_file_get_path (dir);
  g_autoptr(GtkFileFilter) runs = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  if (r->open_chooser)
    return;
  r->open_chooser = gtk_file_chooser_native_new (_("Open a Saved Run"), GTK_WINDOW (self),
                                                 GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (r->open_chooser), TRUE);
  gtk_file_filter_set_name (runs, _("wifi-verify runs"));
  gtk_file_filter_add_mime_type (runs, WV_RUN_MIME_TYPE);
  gtk_file_filter_add_suffix (runs, "wvrun");
  gtk_file_filter_add_suffix (runs, "partial");
  gtk_file_filter_add_suffix (runs, "jsonl");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (r->open_chooser), runs);
  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (r->open_chooser), all);
  /* Where the app keeps its runs, once there is one. */
  if (path && g_file_test (path, G_FILE_TEST_IS_DIR))
    gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (r->open_chooser), dir, NULL);
  g_signal_connect (r->open_chooser, "response", G_CALLBACK (on_open_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (r->open_chooser));
}

/* --- saved runs and comparing ------------------------------------------------------------- */

static void
on_history_open (WvHistoryWindow *history,
                 GFile           *file,
                 WvWindow        *self)
{
  gtk_window_present (GTK_WINDOW (self));
  wv_window_open_file (self, file);
}

static void
on_history_compare (WvHistoryWindow *history,
                    GFile           *before,
                    GFile           *after,
                    WvWindow        *self)
{
  wv_window_compare_files (self, before, after);
}

/**
 * wv_window_show_history:
 *
 * Opens (or brings forward) the Saved Runs window.
 *
 * Returns: (transfer none): it
 */
GtkWindow *
wv_window_show_history (WvWindow *self)
{
  WvWindowResults *r;

  g_return_val_if_fail (WV_IS_WINDOW (self), NULL);
  r = results (self);
  if (r->history == NULL)
    {
      g_autoptr(GFile) dir = wv_run_saver_dup_default_dir ();

      r->history = wv_history_window_new (GTK_WINDOW (self), dir);
      g_object_add_weak_pointer (G_OBJECT (r->history), (gpointer *) &r->history);
      g_signal_connect_object (r->history, "open", G_CALLBACK (on_history_open), self, 0);
      g_signal_connect_object (r->history, "compare", G_CALLBACK (on_history_compare), self, 0);
    }
  else
    wv_history_window_reload (r->history);
  gtk_window_present (GTK_WINDOW (r->history));
  return GTK_WINDOW (r->history);
}

static void
history_action (GtkWidget  *widget,
                const char *action,
                GVariant   *param)
{
  wv_window_show_history (WV_WINDOW (widget));
}

/**
 * wv_window_compare_files:
 *
 * Opens a window comparing the runs in @before and @after.
 *
 * Returns: (transfer none): that window
 */
GtkWindow *
wv_window_compare_files (WvWindow *self,
                         GFile    *before,
                         GFile    *after)
{
  WvCompareWindow *compare;

  g_return_val_if_fail (WV_IS_WINDOW (self), NULL);
  g_return_val_if_fail (G_IS_FILE (before) && G_IS_FILE (after), NULL);

  compare = wv_compare_window_new (GTK_WINDOW (self), before, after);
  gtk_window_present (GTK_WINDOW (compare));
  return GTK_WINDOW (compare);
}

/* --- the PDF report --------------------------------------------------------------------------- */

typedef struct {
  WvRunMeta *meta;
  GArray *records;
  char *name;
  char *path;
} ReportJob;

static void
report_job_free (ReportJob *job)
{
  g_clear_pointer (&job->meta, wv_run_meta_free);
  g_clear_pointer (&job->records, g_array_unref);
  g_free (job->name);
  g_free (job->path);
  g_free (job);
}

static void
report_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ReportJob *job = task_data;
  g_autoptr(WvReport) report = wv_report_new (job->meta, (const WvRecord *) (gpointer) job->records->data,
                                              job->records->len);
  g_autoptr(GError) error = NULL;

  if (!wv_report_write_pdf (report, job->name, job->path, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
report_done (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  WvWindow *self = WV_WINDOW (source);
  WvWindowResults *r = results (self);
  ReportJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  /* The window closed meanwhile: the report is written all the same. */
  if (r == NULL)
    return;
  r->writing_report = FALSE;
  if (g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autoptr(GFile) file = g_file_new_for_path (job->path);
      g_autofree char *uri = g_file_get_uri (file);

      g_set_object (&r->last_report, file);
      /* TRANSLATORS: %s is a file */
      text = g_strdup_printf (_("Report saved to %s"), job->path);
      wv_window_log (self, WV_MESSAGE_INFO, text);
      wv_window_show_banner_full (self, GTK_MESSAGE_INFO, text, _("_Open Report"), BANNER_ACTION_OPEN_FOLDER, uri);
    }
  else
    {
      text = g_strdup_printf (_("The report could not be saved: %s"), error->message);
      wv_window_log (self, WV_MESSAGE_ERROR, text);
      wv_window_show_banner_full (self, GTK_MESSAGE_ERROR, text, NULL, BANNER_ACTION_NONE, NULL);
    }
  wv_window_update_ui (self);
}

/* The report's name: the run file's, else the export's. */
static char *
report_name (WvWindow *self)
{
  GFile *file = wv_window_get_run_file (self);

  if (file)
    {
      g_autofree char *base = g_file_get_basename (file);

      if (g_str_has_suffix (base, ".partial"))
        base[strlen (base) - strlen (".partial")] = '\0';
      if (g_str_has_suffix (base, WV_RUN_FILE_SUFFIX))
        base[strlen (base) - strlen (WV_RUN_FILE_SUFFIX)] = '\0';
      return g_steal_pointer (&base);
    }
  return wv_session_dup_export_name (self->session);
}

/**
 * wv_window_save_report_to:
 * @pdf: the file to write
 *
 * Writes the PDF report of the run on screen (what Save Report does once a
 * file is chosen), in a worker thread; the banner says where it went.
 */
void
wv_window_save_report_to (WvWindow *self,
                          GFile    *pdf)
{
  WvWindowResults *r;
  g_autoptr(GTask) task = NULL;
  const WvRunMeta *meta;
  ReportJob *job;

  g_return_if_fail (WV_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (pdf));

  r = results (self);
  if (self->session == NULL || r->writing_report)
    return;
  job = g_new0 (ReportJob, 1);
  job->path = g_file_get_path (pdf);
  if (job->path == NULL)
    {
      report_job_free (job);
      wv_window_show_banner_full (self, GTK_MESSAGE_ERROR, _("The report needs a local file."), NULL,
                                  BANNER_ACTION_NONE, NULL);
      return;
    }
  meta = wv_session_get_run_meta (self->session);
  job->meta = meta ? wv_run_meta_copy (meta) : NULL;
  job->name = report_name (self);
  /* A copy for the thread; the report reads no 10 s or 60 s windows. */
  job->records = g_array_new (FALSE, FALSE, sizeof (WvRecord));
  for (guint i = 0; i < wv_session_get_n_records (self->session); i++)
    {
      const WvRecord *rec = wv_session_get_record (self->session, i);

      if (rec->type != WV_RECORD_STATS || rec->stats.window_s == 1)
        g_array_append_val (job->records, *rec);
    }
  r->writing_report = TRUE;
  wv_window_update_ui (self);
  task = g_task_new (self, NULL, report_done, NULL);
  g_task_set_source_tag (task, wv_window_save_report_to);
  g_task_set_task_data (task, job, (GDestroyNotify) report_job_free);
  g_task_run_in_thread (task, report_thread);
}

gboolean
wv_window_get_writing_report (WvWindow *self)
{
  g_return_val_if_fail (WV_IS_WINDOW (self), FALSE);
  return results (self)->writing_report;
}

/* The last report written, or NULL. */
GFile *
wv_window_get_last_report (WvWindow *self)
{
  g_return_val_if_fail (WV_IS_WINDOW (self), NULL);
  return results (self)->last_report;
}

static void
on_report_response (GtkNativeDialog *dialog,
                    int              response,
                    WvWindow        *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  g_clear_object (&results (self)->report_chooser);
  if (response != GTK_RESPONSE_ACCEPT)
    return;
  if (file == NULL)
    {
      wv_window_show_banner_full (self, GTK_MESSAGE_ERROR, _("No report was saved: enter a file name."),
                                  NULL, BANNER_ACTION_NONE, NULL);
      return;
    }
  wv_window_save_report_to (self, file);
}

/* A folder to start a file chooser in: @key's setting if it exists, else
 * Documents, else home. */
GFile *
wv_window_dup_start_folder (WvWindow   *self,
                            const char *key)
{
  g_autofree char *last = key ? g_settings_get_string (self->settings, key) : NULL;
  const char *docs = g_get_user_special_dir (G_USER_DIRECTORY_DOCUMENTS);

  if (last && *last && g_file_test (last, G_FILE_TEST_IS_DIR))
    return g_file_new_for_path (last);
  if (docs && g_file_test (docs, G_FILE_TEST_IS_DIR))
    return g_file_new_for_path (docs);
  return g_file_new_for_path (g_get_home_dir ());
}

static void
save_report_action (GtkWidget  *widget,
                    const char *action,
                    GVariant   *param)
{
  WvWindow *self = WV_WINDOW (widget);
  WvWindowResults *r = results (self);
  g_autoptr(GFile) folder = NULL;
  g_autofree char *name = NULL;
  g_autofree char *file_name = NULL;
  g_autoptr(GtkFileFilter) pdf = gtk_file_filter_new ();

  if (r->report_chooser || self->session == NULL)
    return;
  r->report_chooser = gtk_file_chooser_native_new (_("Save Report"), GTK_WINDOW (self),
                                                   GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (r->report_chooser), TRUE);
  folder = wv_window_dup_start_folder (self, "export-folder");
  gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (r->report_chooser), folder, NULL);
  name = report_name (self);
  file_name = g_strconcat (name, ".pdf", NULL);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (r->report_chooser), file_name);
  gtk_file_filter_set_name (pdf, _("PDF documents"));
  gtk_file_filter_add_mime_type (pdf, "application/pdf");
  gtk_file_filter_add_suffix (pdf, "pdf");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (r->report_chooser), pdf);
  g_signal_connect (r->report_chooser, "response", G_CALLBACK (on_report_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (r->report_chooser));
}

/* --- the window's state ------------------------------------------------------------------------ */

void
wv_window_results_update (WvWindow *self)
{
  WvWindowResults *r = results (self);
  gboolean running = wv_window_get_running (self);
  gboolean serve = g_strcmp0 (wv_window_get_mode (self), WV_MODE_SERVE) == 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.open", !running && !r->loading);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.save-report",
                                 !serve && self->session && !r->writing_report &&
                                 wv_session_get_n_records (self->session) > 0);
}

void
wv_window_results_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.history", NULL, history_action);
  gtk_widget_class_install_action (widget_class, "win.save-report", NULL, save_report_action);
}

void
wv_window_results_init (WvWindow *self)
{
  self->results = g_new0 (WvWindowResults, 1);
  self->results->cancellable = g_cancellable_new ();
}

static void
destroy_chooser (WvWindow              *self,
                 GtkFileChooserNative **chooser)
{
  if (*chooser == NULL)
    return;
  g_signal_handlers_disconnect_by_data (*chooser, self);
  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (*chooser));
  g_clear_object (chooser);
}

void
wv_window_results_dispose (WvWindow *self)
{
  WvWindowResults *r = results (self);

  if (r == NULL)
    return;
  g_cancellable_cancel (r->cancellable);
  destroy_chooser (self, &r->open_chooser);
  destroy_chooser (self, &r->report_chooser);
  if (r->history)
    {
      g_object_remove_weak_pointer (G_OBJECT (r->history), (gpointer *) &r->history);
      gtk_window_destroy (GTK_WINDOW (r->history));
      r->history = NULL;
    }
  if (r->saver)
    g_signal_handlers_disconnect_by_data (r->saver, self);
  g_clear_object (&r->saver);
  g_clear_object (&r->cancellable);
  g_clear_object (&r->last_report);
  g_clear_pointer (&self->results, g_free);
}
