/* wv-run-saver.c: keeps a measurement as a run file while it runs
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every measurement of the app is kept in its data directory
 * (wv-run-store) as a run file (docs/run-file.md), written the way
 * `wifi-verify-cli run --save` writes one: records into "NAME.wvrun.partial"
 * as they come, readable up to the last second after a crash, and at the
 * end "NAME.wvrun" with the final metadata.
 *
 * The file is written in worker threads, never in the main loop: records
 * the session takes in are copied into a batch, and once a second (and
 * when the run ends) one task writes the batch and flushes. Only one task
 * runs at a time, so the writer is used by one thread at a time.
 */
#define G_LOG_DOMAIN "wv-gui"

#include "config.h"

#include <errno.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "wv-run-saver.h"

#define FLUSH_INTERVAL_S 1

struct _WvRunSaver
{
  GObject parent_instance;

  WvSession *session;
  GFile *dir;
  char *name;                     /* the file name without suffix */
  WvRunWriter *writer;            /* while no task runs; created by the first */
  GFile *file;
  GArray *batch;                  /* WvRecord, not yet handed to a task */
  gboolean busy;
  gboolean finishing;             /* the session ended: finish after the batch */
  gboolean done;
  char *error;
  guint timer_id;
};

G_DEFINE_FINAL_TYPE (WvRunSaver, wv_run_saver, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_FILE,
  PROP_DONE,
  PROP_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct {
  WvRunWriter *writer;            /* in: NULL the first time; out: NULL once finished */
  GFile *dir;
  char *name;
  WvRunMeta *meta;                /* for a new writer, or the final one */
  GArray *records;
  gboolean finish;
  GFile *file;                    /* out: the partial, then the final file */
} Batch;

static void
batch_free (Batch *b)
{
  g_clear_pointer (&b->writer, wv_run_writer_free);
  g_clear_object (&b->dir);
  g_free (b->name);
  g_clear_pointer (&b->meta, wv_run_meta_free);
  g_clear_pointer (&b->records, g_array_unref);
  g_clear_object (&b->file);
  g_free (b);
}

/* A free name in @dir: NAME.wvrun, else NAME-2.wvrun and so on. */
static WvRunWriter *
create_writer (Batch   *b,
               GError **error)
{
  g_autofree char *dir = g_file_get_path (b->dir);

  if (dir == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, _("Runs are kept in a local folder"));
      return NULL;
    }
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv), _("Cannot create %s: %s"), dir,
                   g_strerror (errsv));
      return NULL;
    }
  for (guint i = 1; i < 1000; i++)
    {
      g_autofree char *name = i == 1 ? g_strconcat (b->name, WV_RUN_FILE_SUFFIX, NULL)
                                     : g_strdup_printf ("%s-%u%s", b->name, i, WV_RUN_FILE_SUFFIX);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr(GError) local = NULL;
      WvRunWriter *writer = wv_run_writer_new (path, FALSE, b->meta, &local);

      if (writer)
        {
          b->file = g_file_new_for_path (path);
          return writer;
        }
      if (!g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_EXIST))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return NULL;
        }
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS, _("Too many runs named %s"), b->name);
  return NULL;
}

static void
write_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Batch *b = task_data;
  g_autoptr(GError) error = NULL;

  if (b->writer == NULL && (b->writer = create_writer (b, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  for (guint i = 0; i < b->records->len; i++)
    if (!wv_run_writer_add (b->writer, &g_array_index (b->records, WvRecord, i), &error))
      {
        g_task_return_error (task, g_steal_pointer (&error));
        return;
      }
  if (!wv_run_writer_flush (b->writer, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (b->finish)
    {
      if (!wv_run_writer_finish (b->writer, b->meta, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      g_clear_pointer (&b->writer, wv_run_writer_free);
    }
  g_task_return_boolean (task, TRUE);
}

static void pump (WvRunSaver *self);

static void
fail (WvRunSaver *self,
      GError     *error)
{
  g_clear_handle_id (&self->timer_id, g_source_remove);
  g_array_set_size (self->batch, 0);
  if (self->error)
    return;
  self->error = g_strdup (error->message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

static void
write_done (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  WvRunSaver *self = WV_RUN_SAVER (source);
  Batch *b = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  self->busy = FALSE;
  self->writer = g_steal_pointer (&b->writer);
  if (self->file == NULL && b->file)
    {
      self->file = g_object_ref (b->file);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);
    }
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_warning ("the run could not be kept: %s", error->message);
      fail (self, error);
      return;
    }
  if (b->finish)
    {
      self->done = TRUE;
      wv_session_set_file (self->session, self->file);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DONE]);
      return;
    }
  /* What came in meanwhile, and the end if it came. */
  if (self->finishing)
    pump (self);
}

/* Hands the records so far to a task, unless one runs. */
static void
pump (WvRunSaver *self)
{
  g_autoptr(GTask) task = NULL;
  Batch *b;

  if (self->busy || self->done || self->error)
    return;
  if (self->batch->len == 0 && !self->finishing && self->writer != NULL)
    return;
  b = g_new0 (Batch, 1);
  b->writer = g_steal_pointer (&self->writer);
  b->dir = g_object_ref (self->dir);
  b->name = g_strdup (self->name);
  b->records = g_steal_pointer (&self->batch);
  self->batch = g_array_new (FALSE, FALSE, sizeof (WvRecord));
  b->finish = self->finishing;
  if (b->finish || b->writer == NULL)
    b->meta = wv_run_meta_copy (wv_session_get_run_meta (self->session));
  self->busy = TRUE;
  task = g_task_new (self, NULL, write_done, NULL);
  g_task_set_source_tag (task, pump);
  g_task_set_task_data (task, b, (GDestroyNotify) batch_free);
  g_task_run_in_thread (task, write_thread);
}

static gboolean
timer_cb (gpointer data)
{
  pump (data);
  return G_SOURCE_CONTINUE;
}

static void
on_record (WvSession      *session,
           const WvRecord *record,
           WvRunSaver     *self)
{
  if (!self->error && !self->finishing)
    g_array_append_val (self->batch, *record);
}

static void
on_running_changed (WvSession  *session,
                    GParamSpec *pspec,
                    WvRunSaver *self)
{
  if (wv_session_get_running (session) || self->finishing)
    return;
  self->finishing = TRUE;
  g_clear_handle_id (&self->timer_id, g_source_remove);
  pump (self);
}

/**
 * wv_run_saver_new:
 * @session: a measurement that has started (it has its metadata)
 * @dir: the folder to keep the run in
 *
 * Keeps @session in a new run file in @dir, named after its start
 * (wv_session_dup_export_name()), from its records so far until it ends.
 * #WvRunSaver:file is known once the file exists, #WvRunSaver:done once it
 * is complete; #WvRunSaver:error says why not.
 */
WvRunSaver *
wv_run_saver_new (WvSession *session,
                  GFile     *dir)
{
  WvRunSaver *self;

  g_return_val_if_fail (WV_IS_SESSION (session), NULL);
  g_return_val_if_fail (wv_session_get_run_meta (session) != NULL, NULL);
  g_return_val_if_fail (G_IS_FILE (dir), NULL);

  self = g_object_new (WV_TYPE_RUN_SAVER, NULL);
  self->session = g_object_ref (session);
  self->dir = g_object_ref (dir);
  self->name = wv_session_dup_export_name (session);
  for (guint i = 0; i < wv_session_get_n_records (session); i++)
    g_array_append_val (self->batch, *wv_session_get_record (session, i));
  g_signal_connect_object (session, "record", G_CALLBACK (on_record), self, 0);
  g_signal_connect_object (session, "notify::running", G_CALLBACK (on_running_changed), self, 0);
  self->timer_id = g_timeout_add_seconds (FLUSH_INTERVAL_S, timer_cb, self);
  /* The file exists from the start, so a crash still leaves the run. */
  pump (self);
  on_running_changed (session, NULL, self);
  return self;
}

/**
 * wv_run_saver_dup_default_dir:
 *
 * Returns: (transfer full): where the app keeps its runs:
 *   $XDG_DATA_HOME/wifi-verify/runs (~/.local/share/wifi-verify/runs)
 */
GFile *
wv_run_saver_dup_default_dir (void)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "wifi-verify", "runs", NULL);

  return g_file_new_for_path (path);
}

WvSession *
wv_run_saver_get_session (WvRunSaver *self)
{
  g_return_val_if_fail (WV_IS_RUN_SAVER (self), NULL);
  return self->session;
}

/* The run file (while the run goes on, its partial file is beside it), or
 * NULL before it exists. */
GFile *
wv_run_saver_get_file (WvRunSaver *self)
{
  g_return_val_if_fail (WV_IS_RUN_SAVER (self), NULL);
  return self->file;
}

/* Whether the run file is complete. */
gboolean
wv_run_saver_get_done (WvRunSaver *self)
{
  g_return_val_if_fail (WV_IS_RUN_SAVER (self), FALSE);
  return self->done;
}

/* Why the run could not be kept, or NULL. */
const char *
wv_run_saver_get_error (WvRunSaver *self)
{
  g_return_val_if_fail (WV_IS_RUN_SAVER (self), NULL);
  return self->error;
}

static void
wv_run_saver_dispose (GObject *object)
{
  WvRunSaver *self = WV_RUN_SAVER (object);

  g_clear_handle_id (&self->timer_id, g_source_remove);
  if (self->session)
    g_signal_handlers_disconnect_by_data (self->session, self);
  G_OBJECT_CLASS (wv_run_saver_parent_class)->dispose (object);
}

static void
wv_run_saver_finalize (GObject *object)
{
  WvRunSaver *self = WV_RUN_SAVER (object);

  /* Unfinished: the partial file stays, readable up to the last flush. */
  g_clear_pointer (&self->writer, wv_run_writer_free);
  g_clear_object (&self->session);
  g_clear_object (&self->dir);
  g_clear_object (&self->file);
  g_clear_pointer (&self->batch, g_array_unref);
  g_free (self->name);
  g_free (self->error);
  G_OBJECT_CLASS (wv_run_saver_parent_class)->finalize (object);
}

static void
wv_run_saver_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  WvRunSaver *self = WV_RUN_SAVER (object);

  switch (prop_id)
    {
    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;
    case PROP_DONE:
      g_value_set_boolean (value, self->done);
      break;
    case PROP_ERROR:
      g_value_set_string (value, self->error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wv_run_saver_class_init (WvRunSaverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = wv_run_saver_dispose;
  object_class->finalize = wv_run_saver_finalize;
  object_class->get_property = wv_run_saver_get_property;

  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DONE] =
    g_param_spec_boolean ("done", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ERROR] =
    g_param_spec_string ("error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
wv_run_saver_init (WvRunSaver *self)
{
  self->batch = g_array_new (FALSE, FALSE, sizeof (WvRecord));
}
