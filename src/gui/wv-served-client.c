/* wv-served-client.c: one client of the app's measuring server
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A client is one run of a browser or a native client against our server:
 * the connections of one session id from one address (the offer's
 * "session"; docs/protocol.md), named by the offer's label. Its records
 * go into a WvSession of its own, begun with wv_session_begin(), so that
 * the same pages that follow a run of ours (charts, traceroute, MTU) can
 * follow it.
 *
 * The server numbers connections across all its clients; the session
 * numbers a client's connections from 0 in the order they came, which is
 * what its charts' colours and labels ("IPv4 · 1") count. The server's
 * numbers are kept for the export, which writes them as `serve --csv`
 * does.
 */
#define G_LOG_DOMAIN "wv-gui"

#include "config.h"

#include "wv-served-client.h"

struct _WvServedClient
{
  GObject parent_instance;

  char *address;
  char *session_id;
  char *label;
  char *software;
  WvSession *session;
  GArray *server_index;           /* guint, by the session's connection index */
  GArray *states;                 /* WvConnState, the same */
  GDateTime *first_seen;
  WvConnState state;
};

G_DEFINE_FINAL_TYPE (WvServedClient, wv_served_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ADDRESS,
  PROP_SESSION_ID,
  PROP_LABEL,
  PROP_SOFTWARE,
  PROP_STATE,
  PROP_RUNNING,
  PROP_N_CONNECTIONS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

WvServedClient *
wv_served_client_new (const char *address,
                      const char *session_id,
                      const char *label)
{
  WvServedClient *self = g_object_new (WV_TYPE_SERVED_CLIENT, NULL);

  /* What a peer sent ends up in labels, which want UTF-8 (the server
   * cleans the label already). */
  self->address = g_utf8_make_valid (address ? address : "", -1);
  self->session_id = g_utf8_make_valid (session_id ? session_id : "", -1);
  self->label = g_utf8_make_valid (label ? label : "", -1);
  return self;
}

const char *
wv_served_client_get_address (WvServedClient *self)
{
  g_return_val_if_fail (WV_IS_SERVED_CLIENT (self), NULL);
  return self->address;
}

const char *
wv_served_client_get_session_id (WvServedClient *self)
{
  g_return_val_if_fail (WV_IS_SERVED_CLIENT (self), NULL);
  return self->session_id;
}

const char *
wv_served_client_get_label (WvServedClient *self)
{
  g_return_val_if_fail (WV_IS_SERVED_CLIENT (self), NULL);
  return self->label;
}

/* What the client's hello named ("wifi-verify-web 0.1.0 (Firefox 153;
 * Linux)"), "" before it. */
const char *
wv_served_client_get_software (WvServedClient *self)
{
  g_return_val_if_fail (WV_IS_SERVED_CLIENT (self), NULL);
  return self->software;
}

void
wv_served_client_set_software (WvServedClient *self,
                               const char     *software)
{
  g_autofree char *valid = NULL;

  g_return_if_fail (WV_IS_SERVED_CLIENT (self));

  /* Before the hello the server says "": keep what an earlier connection
   * of the client said. */
  if (software == NULL || *software == '\0')
    return;
  valid = g_utf8_make_valid (software, -1);
  if (g_strcmp0 (self->software, valid) == 0)
    return;
  g_free (self->software);
  self->software = g_steal_pointer (&valid);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SOFTWARE]);
}

/**
 * wv_served_client_get_session:
 *
 * Returns: (transfer none): the session holding the client's records
 */
WvSession *
wv_served_client_get_session (WvServedClient *self)
{
  g_return_val_if_fail (WV_IS_SERVED_CLIENT (self), NULL);
  return self->session;
}

GDateTime *
wv_served_client_get_first_seen (WvServedClient *self)
{
  g_return_val_if_fail (WV_IS_SERVED_CLIENT (self), NULL);
  return self->first_seen;
}

/* The state of the client as a whole: the liveliest of its connections'
 * while any runs, else how they ended (finished if any did). */
WvConnState
wv_served_client_get_state (WvServedClient *self)
{
  g_return_val_if_fail (WV_IS_SERVED_CLIENT (self), WV_CONN_FAILED);
  return self->state;
}

gboolean
wv_served_client_get_running (WvServedClient *self)
{
  g_return_val_if_fail (WV_IS_SERVED_CLIENT (self), FALSE);
  return wv_session_get_running (self->session);
}

guint
wv_served_client_get_n_connections (WvServedClient *self)
{
  g_return_val_if_fail (WV_IS_SERVED_CLIENT (self), 0);
  return self->server_index->len;
}

/* The server's number of the session's connection @local (the "conn" of
 * `serve --json`), G_MAXUINT if there is none. */
guint
wv_served_client_get_server_index (WvServedClient *self,
                                   guint           local)
{
  g_return_val_if_fail (WV_IS_SERVED_CLIENT (self), G_MAXUINT);
  return local < self->server_index->len ? g_array_index (self->server_index, guint, local) : G_MAXUINT;
}

/* The session's index of the server's connection @server_index, made
 * known if @family is a family; G_MAXUINT if it cannot be (a client with
 * more connections than a session holds). */
static guint
local_index (WvServedClient *self,
             guint           server_index,
             int             family)
{
  guint local;

  for (guint i = 0; i < self->server_index->len; i++)
    if (g_array_index (self->server_index, guint, i) == server_index)
      return i;
  if ((family != 4 && family != 6) || self->server_index->len >= WV_SESSION_MAX_CONNECTIONS)
    return G_MAXUINT;
  local = self->server_index->len;
  g_array_append_val (self->server_index, server_index);
  g_array_set_size (self->states, local + 1);
  g_array_index (self->states, int, local) = WV_CONN_CONNECTING;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_CONNECTIONS]);
  return local;
}

static int
liveliness (WvConnState state)
{
  switch (state)
    {
    case WV_CONN_STREAMING: return 7;
    case WV_CONN_STOPPING: return 6;
    case WV_CONN_READY: return 5;
    case WV_CONN_CONNECTING: return 4;
    case WV_CONN_FINISHED: return 3;
    case WV_CONN_LOST: return 2;
    case WV_CONN_FAILED:
    default: return 1;
    }
}

static void
update_state (WvServedClient *self)
{
  WvConnState state = WV_CONN_CONNECTING;
  gboolean all_final = self->states->len > 0;

  for (guint i = 0; i < self->states->len; i++)
    {
      WvConnState s = g_array_index (self->states, int, i);

      if (i == 0 || liveliness (s) > liveliness (state))
        state = s;
      all_final = all_final && wv_conn_state_is_final (s);
    }
  if (state != self->state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  if (all_final && wv_session_get_running (self->session))
    wv_session_push_finished (self->session, state == WV_CONN_FINISHED);
}

static void
ensure_running (WvServedClient *self)
{
  if (!wv_session_get_running (self->session))
    wv_session_begin (self->session);
}

/**
 * wv_served_client_push_state:
 * @server_index: the server's number of the connection
 *
 * A connection of the client changed its state. The client runs while
 * any of its connections does, and finishes when all of them ended.
 */
void
wv_served_client_push_state (WvServedClient *self,
                             guint           server_index,
                             int             family,
                             WvConnState     state)
{
  guint local;

  g_return_if_fail (WV_IS_SERVED_CLIENT (self));

  if (state > WV_CONN_LOST || (local = local_index (self, server_index, family)) == G_MAXUINT)
    return;
  if (!wv_conn_state_is_final (state))
    ensure_running (self);
  g_array_index (self->states, int, local) = state;
  wv_session_push_connection_state (self->session, local, family, state);
  update_state (self);
}

/* One of the client's records, in the server's numbering. */
void
wv_served_client_push_record (WvServedClient *self,
                              const WvRecord *record)
{
  WvRecord mine;
  guint local;

  g_return_if_fail (WV_IS_SERVED_CLIENT (self));
  g_return_if_fail (record != NULL);

  if ((local = local_index (self, record->conn, record->family)) == G_MAXUINT)
    return;
  if (!wv_session_get_started (self->session))
    ensure_running (self);
  mine = *record;
  mine.conn = local;
  wv_session_push_record (self->session, &mine);
}

/* The server stopped: whatever still runs has ended. */
void
wv_served_client_end (WvServedClient *self)
{
  g_return_if_fail (WV_IS_SERVED_CLIENT (self));

  if (wv_session_get_running (self->session))
    wv_session_push_finished (self->session, self->state == WV_CONN_FINISHED);
}

static void
on_running_changed (WvSession      *session,
                    GParamSpec     *pspec,
                    WvServedClient *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

static void
wv_served_client_dispose (GObject *object)
{
  WvServedClient *self = WV_SERVED_CLIENT (object);

  if (self->session)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (wv_served_client_parent_class)->dispose (object);
}

static void
wv_served_client_finalize (GObject *object)
{
  WvServedClient *self = WV_SERVED_CLIENT (object);

  g_free (self->address);
  g_free (self->session_id);
  g_free (self->label);
  g_free (self->software);
  g_array_unref (self->server_index);
  g_array_unref (self->states);
  g_date_time_unref (self->first_seen);
  G_OBJECT_CLASS (wv_served_client_parent_class)->finalize (object);
}

static void
wv_served_client_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  WvServedClient *self = WV_SERVED_CLIENT (object);

  switch (prop_id)
    {
    case PROP_ADDRESS:
      g_value_set_string (value, self->address);
      break;
    case PROP_SESSION_ID:
      g_value_set_string (value, self->session_id);
      break;
    case PROP_LABEL:
      g_value_set_string (value, self->label);
      break;
    case PROP_SOFTWARE:
      g_value_set_string (value, self->software);
      break;
    case PROP_STATE:
      g_value_set_uint (value, self->state);
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, wv_served_client_get_running (self));
      break;
    case PROP_N_CONNECTIONS:
      g_value_set_uint (value, self->server_index->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wv_served_client_class_init (WvServedClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = wv_served_client_dispose;
  object_class->finalize = wv_served_client_finalize;
  object_class->get_property = wv_served_client_get_property;

  properties[PROP_ADDRESS] =
    g_param_spec_string ("address", NULL, NULL, "",
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SESSION_ID] =
    g_param_spec_string ("session-id", NULL, NULL, "",
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LABEL] =
    g_param_spec_string ("label", NULL, NULL, "",
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SOFTWARE] =
    g_param_spec_string ("software", NULL, NULL, "",
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* (WvConnState) */
  properties[PROP_STATE] =
    g_param_spec_uint ("state", NULL, NULL, 0, WV_CONN_LOST, WV_CONN_CONNECTING,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_CONNECTIONS] =
    g_param_spec_uint ("n-connections", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
wv_served_client_init (WvServedClient *self)
{
  self->software = g_strdup ("");
  self->session = wv_session_new ();
  self->server_index = g_array_new (FALSE, FALSE, sizeof (guint));
  self->states = g_array_new (FALSE, TRUE, sizeof (int));
  self->first_seen = g_date_time_new_now_local ();
  self->state = WV_CONN_CONNECTING;
  g_signal_connect_object (self->session, "notify::running", G_CALLBACK (on_running_changed), self, 0);
}
