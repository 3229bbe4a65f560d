/* wv-served-clients.c: every client of the app's measuring server, with
 * its records
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Follows a WvServer's "connection-state" and "record" signals and sorts
 * what they say by client (WvServedClient: one session id from one
 * address), in the order the clients came. The clients stay after the
 * server stopped, and across its restarts, until the window closes: what
 * they measured is there to be looked at and exported.
 *
 * Memory. All clients together keep at most WV_SESSION_MAX_RECORDS
 * records, as one run of ours does: past that, per-second statistics are
 * still charted but not kept (summaries, hops and MTUs always are), and
 * the log says so. At most WV_SERVED_CLIENTS_MAX clients are kept; a
 * further one makes the oldest that has ended go, and the log says so, so
 * that a peer making session after session cannot grow the list without
 * end.
 *
 * Export writes what `wifi-verify-cli serve --csv DIR --json FILE`
 * writes, with the same code (wv-output, per client): the CSV files and
 * records.jsonl, every record naming its client, connections in the
 * server's numbering, the clients' records merged in time order.
 */
#define G_LOG_DOMAIN "wv-gui"

#include "config.h"

#include <glib/gi18n.h>

#include "wv-gui.h"
#include "wv-output.h"
#include "wv-served-clients.h"

struct _WvServedClients
{
  GObject parent_instance;

  GListStore *clients;            /* WvServedClient, oldest first */
  GHashTable *by_key;             /* "address\nsession" -> WvServedClient (the store's) */
  WvServer *server;
  guint64 n_records;              /* kept by all clients' sessions */
  guint64 exported_records;       /* of them, in the last export */
  guint max_records;
  gboolean told_forgetting;
  GDateTime *started_at;          /* the first server's start (export name) */
};

G_DEFINE_FINAL_TYPE (WvServedClients, wv_served_clients, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_HAS_RECORDS,
  N_PROPS
};

enum {
  SIGNAL_MESSAGE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

WvServedClients *
wv_served_clients_new (void)
{
  return g_object_new (WV_TYPE_SERVED_CLIENTS, NULL);
}

static void
emit_message (WvServedClients *self,
              WvMessageKind    kind,
              const char      *text)
{
  g_signal_emit (self, signals[SIGNAL_MESSAGE], 0, (guint) kind, text);
}

/* "Pixel 7 (192.0.2.23)" */
static char *
describe_client (WvServedClient *client)
{
  /* TRANSLATORS: a client of the server: its label and its address,
   * e.g. "Pixel 7 (192.0.2.23)" */
  return g_strdup_printf (_("%s (%s)"), wv_served_client_get_label (client),
                          wv_served_client_get_address (client));
}

static void
on_client_running (WvServedClient  *client,
                   GParamSpec      *pspec,
                   WvServedClients *self)
{
  g_autofree char *who = NULL, *text = NULL;

  if (wv_served_client_get_running (client))
    return;
  who = describe_client (client);
  if (wv_served_client_get_state (client) == WV_CONN_FINISHED)
    /* TRANSLATORS: log line, %s is a client, e.g. "Pixel 7 (192.0.2.23)" */
    text = g_strdup_printf (_("Client %s finished"), who);
  else
    /* TRANSLATORS: log line, %s is a client; its connections failed or were lost */
    text = g_strdup_printf (_("Client %s ended without finishing"), who);
  emit_message (self, WV_MESSAGE_INFO, text);
}

/* A client's session speaks (the record budget is spent): the log says
 * whose. */
static void
on_session_message (WvSession       *session,
                    guint            kind,
                    const char      *text,
                    WvServedClients *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->clients));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(WvServedClient) c = g_list_model_get_item (G_LIST_MODEL (self->clients), i);

      if (wv_served_client_get_session (c) == session)
        {
          g_autofree char *who = describe_client (c);
          /* TRANSLATORS: log line: what happened, prefixed with whom, e.g.
           * "Pixel 7 (192.0.2.23): ..." */
          g_autofree char *line = g_strdup_printf (_("%s: %s"), who, text);

          emit_message (self, kind, line);
          return;
        }
    }
}

static char *
client_key (const WvServerClient *client)
{
  return g_strdup_printf ("%s\n%s", client->address ? client->address : "",
                          client->session ? client->session : "");
}

/* Makes room for one more client: the oldest that has ended goes. FALSE if
 * every client kept still runs. */
static gboolean
forget_oldest (WvServedClients *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->clients));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(WvServedClient) c = g_list_model_get_item (G_LIST_MODEL (self->clients), i);
      g_autofree char *who = NULL, *text = NULL;
      GHashTableIter iter;
      gpointer value;
      guint kept;

      if (wv_served_client_get_running (c))
        continue;
      kept = wv_session_get_n_records (wv_served_client_get_session (c));
      self->n_records -= MIN (self->n_records, kept);
      if (kept > 0 && self->n_records == 0)
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_RECORDS]);
      self->exported_records = MIN (self->exported_records, self->n_records);
      g_hash_table_iter_init (&iter, self->by_key);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        if (value == c)
          {
            g_hash_table_iter_remove (&iter);
            break;
          }
      g_signal_handlers_disconnect_by_data (c, self);
      g_signal_handlers_disconnect_by_data (wv_served_client_get_session (c), self);
      g_list_store_remove (self->clients, i);
      who = describe_client (c);
      /* TRANSLATORS: log line, %u is a number of clients, %s a client */
      text = g_strdup_printf (_("More than %u clients: the oldest, %s, is no longer kept"),
                              WV_SERVED_CLIENTS_MAX, who);
      emit_message (self, self->told_forgetting ? WV_MESSAGE_INFO : WV_MESSAGE_WARNING, text);
      self->told_forgetting = TRUE;
      return TRUE;
    }
  return FALSE;
}

/* The client @client names, made if new; NULL if there is no room. */
static WvServedClient *
ensure_client (WvServedClients      *self,
               const WvServerClient *client)
{
  g_autofree char *key = client_key (client);
  WvServedClient *c = g_hash_table_lookup (self->by_key, key);
  g_autoptr(WvServedClient) made = NULL;
  g_autofree char *who = NULL, *text = NULL;

  if (c)
    {
      wv_served_client_set_software (c, client->software);
      return c;
    }
  if (g_list_model_get_n_items (G_LIST_MODEL (self->clients)) >= WV_SERVED_CLIENTS_MAX &&
      !forget_oldest (self))
    return NULL;
  made = wv_served_client_new (client->address, client->session, client->label);
  wv_served_client_set_software (made, client->software);
  g_signal_connect_object (made, "notify::running", G_CALLBACK (on_client_running), self, 0);
  g_signal_connect_object (wv_served_client_get_session (made), "message",
                           G_CALLBACK (on_session_message), self, 0);
  g_hash_table_insert (self->by_key, g_steal_pointer (&key), made);
  g_list_store_append (self->clients, made);
  who = describe_client (made);
  /* TRANSLATORS: log line, %s is a client, e.g. "Pixel 7 (192.0.2.23)" */
  text = g_strdup_printf (_("New client: %s"), who);
  emit_message (self, WV_MESSAGE_INFO, text);
  return made;
}

void
wv_served_clients_push_state (WvServedClients      *self,
                              const WvServerClient *client,
                              guint                 index,
                              int                   family,
                              WvConnState           state)
{
  WvServedClient *c;

  g_return_if_fail (WV_IS_SERVED_CLIENTS (self));
  g_return_if_fail (client != NULL);

  if ((c = ensure_client (self, client)))
    wv_served_client_push_state (c, index, family, state);
}

/* All clients share one budget of records: a session is given what is
 * left of it before each record. */
void
wv_served_clients_push_record (WvServedClients      *self,
                               const WvServerClient *client,
                               const WvRecord       *record)
{
  WvServedClient *c;
  WvSession *session;
  guint before;

  g_return_if_fail (WV_IS_SERVED_CLIENTS (self));
  g_return_if_fail (client != NULL && record != NULL);

  if ((c = ensure_client (self, client)) == NULL)
    return;
  session = wv_served_client_get_session (c);
  before = wv_session_get_n_records (session);
  wv_session_set_record_limit (session, self->n_records >= self->max_records
                                        ? before
                                        : before + (guint) MIN (self->max_records - self->n_records,
                                                                G_MAXUINT - before));
  wv_served_client_push_record (c, record);
  if (self->n_records == 0 && wv_session_get_n_records (session) > before)
    {
      self->n_records += wv_session_get_n_records (session) - before;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_RECORDS]);
      return;
    }
  self->n_records += wv_session_get_n_records (session) - before;
}

static void
on_server_state (WvServer             *server,
                 const WvServerClient *client,
                 guint                 index,
                 int                   family,
                 guint                 state,
                 WvServedClients      *self)
{
  wv_served_clients_push_state (self, client, index, family, state);
}

static void
on_server_record (WvServer             *server,
                  const WvServerClient *client,
                  const WvRecord       *record,
                  WvServedClients      *self)
{
  wv_served_clients_push_record (self, client, record);
}

/**
 * wv_served_clients_set_server:
 * @server: (nullable): the server whose clients to follow from now on
 *
 * The clients of an earlier server stay.
 */
void
wv_served_clients_set_server (WvServedClients *self,
                              WvServer        *server)
{
  g_return_if_fail (WV_IS_SERVED_CLIENTS (self));
  g_return_if_fail (server == NULL || WV_IS_SERVER (server));

  if (self->server == server)
    return;
  if (self->server)
    g_signal_handlers_disconnect_by_data (self->server, self);
  g_set_object (&self->server, server);
  if (server == NULL)
    return;
  /* The export is named after the start of serving its clients. */
  if (g_list_model_get_n_items (G_LIST_MODEL (self->clients)) == 0)
    {
      g_clear_pointer (&self->started_at, g_date_time_unref);
      self->started_at = g_date_time_new_now_local ();
    }
  g_signal_connect_object (server, "connection-state", G_CALLBACK (on_server_state), self, 0);
  g_signal_connect_object (server, "record", G_CALLBACK (on_server_record), self, 0);
}

/* After wv_server_stop(), whose last records and states have come: every
 * client has ended. */
void
wv_served_clients_server_stopped (WvServedClients *self)
{
  guint n;

  g_return_if_fail (WV_IS_SERVED_CLIENTS (self));

  wv_served_clients_set_server (self, NULL);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->clients));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(WvServedClient) c = g_list_model_get_item (G_LIST_MODEL (self->clients), i);

      wv_served_client_end (c);
    }
}

/**
 * wv_served_clients_get_model:
 *
 * Returns: (transfer none): the clients (#WvServedClient), in the order
 *   they came
 */
GListModel *
wv_served_clients_get_model (WvServedClients *self)
{
  g_return_val_if_fail (WV_IS_SERVED_CLIENTS (self), NULL);
  return G_LIST_MODEL (self->clients);
}

/**
 * wv_served_clients_find:
 *
 * Returns: (transfer none) (nullable): the newest client labelled @label
 */
WvServedClient *
wv_served_clients_find (WvServedClients *self,
                        const char      *label)
{
  guint n;

  g_return_val_if_fail (WV_IS_SERVED_CLIENTS (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->clients));
  for (guint i = n; i > 0; i--)
    {
      g_autoptr(WvServedClient) c = g_list_model_get_item (G_LIST_MODEL (self->clients), i - 1);

      if (g_strcmp0 (wv_served_client_get_label (c), label) == 0)
        return c;               /* the store holds it */
    }
  return NULL;
}

/* How many records all clients may keep (WV_SESSION_MAX_RECORDS; tests
 * set less). */
void
wv_served_clients_set_record_limit (WvServedClients *self,
                                    guint            max_records)
{
  g_return_if_fail (WV_IS_SERVED_CLIENTS (self));
  self->max_records = max_records;
}

guint64
wv_served_clients_get_n_records (WvServedClients *self)
{
  g_return_val_if_fail (WV_IS_SERVED_CLIENTS (self), 0);
  return self->n_records;
}

/* Whether records came that no export wrote. */
gboolean
wv_served_clients_get_unexported (WvServedClients *self)
{
  g_return_val_if_fail (WV_IS_SERVED_CLIENTS (self), FALSE);
  return self->n_records > self->exported_records;
}

/* "wifi-verify-20261122-083906-serve", after the start of serving. */
char *
wv_served_clients_dup_export_name (WvServedClients *self)
{
  g_autofree char *stamp = NULL;

  g_return_val_if_fail (WV_IS_SERVED_CLIENTS (self), NULL);
  stamp = g_date_time_format (self->started_at, "%Y%m%d-%H%M%S");
  return g_strdup_printf ("wifi-verify-%s-serve", stamp);
}

/* --- export ------------------------------------------------------------------ */

typedef struct {
  WvSessionRecords *records;
  GArray *server_index;           /* guint, by the session's connection index */
  char *address;
  char *label;
  guint next;                     /* the merge's position */
} ClientSnapshot;

typedef struct {
  GPtrArray *clients;             /* ClientSnapshot */
  GFile *folder;
  char *name;
  guint64 n_records;
} ExportData;

static void
client_snapshot_free (ClientSnapshot *c)
{
  wv_session_records_free (c->records);
  g_array_unref (c->server_index);
  g_free (c->address);
  g_free (c->label);
  g_free (c);
}

static void
export_data_free (ExportData *d)
{
  g_ptr_array_unref (d->clients);
  g_object_unref (d->folder);
  g_free (d->name);
  g_free (d);
}

static gint64
head_time (ClientSnapshot *c)
{
  return wv_session_records_get (c->records, c->next)->time_ns;
}

/* A min-heap of clients by the time of their next record. */
static void
heap_down (ClientSnapshot **heap,
           guint            n,
           guint            i)
{
  for (;;)
    {
      guint l = 2 * i + 1, r = l + 1, m = i;
      ClientSnapshot *t;

      if (l < n && head_time (heap[l]) < head_time (heap[m]))
        m = l;
      if (r < n && head_time (heap[r]) < head_time (heap[m]))
        m = r;
      if (m == i)
        return;
      t = heap[i];
      heap[i] = heap[m];
      heap[m] = t;
      i = m;
    }
}

/* Worker thread: every client's records, each client's in its order, all
 * merged by time, as they would have come to `serve --json`. */
static gboolean
write_merged (ExportData    *d,
              WvOutput      *output,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autofree ClientSnapshot **heap = g_new (ClientSnapshot *, d->clients->len + 1);
  guint n = 0;

  for (guint i = 0; i < d->clients->len; i++)
    {
      ClientSnapshot *c = g_ptr_array_index (d->clients, i);

      if (wv_session_records_get_n (c->records) > 0)
        heap[n++] = c;
    }
  for (guint i = n / 2; i > 0; i--)
    heap_down (heap, n, i - 1);
  while (n > 0)
    {
      ClientSnapshot *c = heap[0];
      WvRecord r = *wv_session_records_get (c->records, c->next);
      WvOutputClient oc = { c->address, c->label };

      if (r.conn < c->server_index->len)
        r.conn = g_array_index (c->server_index, guint, r.conn);
      if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
          !wv_output_write_for_client (output, &r, &oc, error))
        return FALSE;
      if (++c->next == wv_session_records_get_n (c->records))
        heap[0] = heap[--n];
      heap_down (heap, n, 0);
    }
  return TRUE;
}

static void
export_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ExportData *d = task_data;
  g_autoptr(WvOutput) output = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) dir = NULL;
  g_autofree char *path = NULL, *json = NULL;

  dir = wv_gui_new_export_dir (d->folder, d->name, cancellable);
  path = g_file_get_path (dir);
  if (path == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("Export needs a local folder"));
      return;
    }
  json = g_build_filename (path, "records.jsonl", NULL);
  output = wv_output_new ();
  wv_output_set_per_client (output, TRUE);
  if (!wv_output_add_csv (output, path, FALSE, &error) ||
      !wv_output_add_json (output, json, FALSE, &error) ||
      !write_merged (d, output, cancellable, &error) ||
      !wv_output_close (output, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&dir), g_object_unref);
}

/**
 * wv_served_clients_export_async:
 * @folder: where to create the export's directory
 *
 * Writes every client's records so far into a new directory in @folder
 * (wv_served_clients_dup_export_name(), "-2" and so on if it exists): the
 * CSV files of wv_output_add_csv() and records.jsonl, per client, as
 * `wifi-verify-cli serve --csv DIR --json FILE` writes them. Runs in a
 * thread.
 */
void
wv_served_clients_export_async (WvServedClients     *self,
                                GFile               *folder,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ExportData *d;
  guint n;

  g_return_if_fail (WV_IS_SERVED_CLIENTS (self));
  g_return_if_fail (G_IS_FILE (folder));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, wv_served_clients_export_async);
  d = g_new0 (ExportData, 1);
  d->clients = g_ptr_array_new_with_free_func ((GDestroyNotify) client_snapshot_free);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->clients));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(WvServedClient) client = g_list_model_get_item (G_LIST_MODEL (self->clients), i);
      ClientSnapshot *c = g_new0 (ClientSnapshot, 1);

      c->records = wv_session_dup_records (wv_served_client_get_session (client));
      c->server_index = g_array_new (FALSE, FALSE, sizeof (guint));
      for (guint k = 0; k < wv_served_client_get_n_connections (client); k++)
        {
          guint index = wv_served_client_get_server_index (client, k);

          g_array_append_val (c->server_index, index);
        }
      c->address = g_strdup (wv_served_client_get_address (client));
      c->label = g_strdup (wv_served_client_get_label (client));
      g_ptr_array_add (d->clients, c);
    }
  d->folder = g_object_ref (folder);
  d->name = wv_served_clients_dup_export_name (self);
  d->n_records = self->n_records;
  g_task_set_task_data (task, d, (GDestroyNotify) export_data_free);
  g_task_run_in_thread (task, export_thread);
}

/**
 * wv_served_clients_export_finish:
 *
 * Returns: (transfer full): the directory written, or %NULL with @error
 */
GFile *
wv_served_clients_export_finish (WvServedClients  *self,
                                 GAsyncResult     *result,
                                 GError          **error)
{
  GTask *task;
  GFile *dir;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == wv_served_clients_export_async, NULL);

  task = G_TASK (result);
  dir = g_task_propagate_pointer (task, error);
  if (dir)
    {
      ExportData *d = g_task_get_task_data (task);

      self->exported_records = MAX (self->exported_records, d->n_records);
    }
  return dir;
}

/* --- GObject ----------------------------------------------------------------- */

static void
wv_served_clients_dispose (GObject *object)
{
  WvServedClients *self = WV_SERVED_CLIENTS (object);

  wv_served_clients_set_server (self, NULL);
  g_clear_pointer (&self->by_key, g_hash_table_unref);
  g_clear_object (&self->clients);
  G_OBJECT_CLASS (wv_served_clients_parent_class)->dispose (object);
}

static void
wv_served_clients_finalize (GObject *object)
{
  WvServedClients *self = WV_SERVED_CLIENTS (object);

  g_clear_pointer (&self->started_at, g_date_time_unref);
  G_OBJECT_CLASS (wv_served_clients_parent_class)->finalize (object);
}

static void
wv_served_clients_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  WvServedClients *self = WV_SERVED_CLIENTS (object);

  switch (prop_id)
    {
    case PROP_HAS_RECORDS:
      g_value_set_boolean (value, self->n_records > 0);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wv_served_clients_class_init (WvServedClientsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = wv_served_clients_dispose;
  object_class->finalize = wv_served_clients_finalize;
  object_class->get_property = wv_served_clients_get_property;

  /* Whether any client's records are kept: something to export. */
  properties[PROP_HAS_RECORDS] =
    g_param_spec_boolean ("has-records", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* (guint WvMessageKind, const char *text): for the log */
  signals[SIGNAL_MESSAGE] =
    g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_STRING);
}

static void
wv_served_clients_init (WvServedClients *self)
{
  self->clients = g_list_store_new (WV_TYPE_SERVED_CLIENT);
  self->by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->max_records = WV_SESSION_MAX_RECORDS;
  self->started_at = g_date_time_new_now_local ();
}
