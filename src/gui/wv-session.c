/* wv-session.c: one measurement run as the window sees it
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A WvSession drives one WvClient (a self-test or a run against a server)
 * and keeps what the window needs from it: every record, for Export CSV;
 * the connections with their state and whether the user wants to see
 * them; the latest one-second statistics per connection and direction; the
 * traceroute and MTU results per path. It computes nothing the engine
 * computes: statistics arrive as records, and export goes through the
 * engine's CSV writer, the one behind the CLI's --csv.
 *
 * Each run gets a new WvSession, so a window shows one run at a time and
 * its pages reset by watching a new session.
 *
 * Records are stored in fixed-size blocks that never move: an export runs
 * in a worker thread over the first n records while the main loop keeps
 * appending after them.
 */
#define G_LOG_DOMAIN "wv-gui"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "wv-client-meta.h"
#include "wv-gui.h"
#include "wv-output.h"
#include "wv-results-text.h"
#include "wv-session.h"

#define RECORDS_PER_BLOCK 4096

/* One probe stream class (DSCP) of a connection. */
typedef struct {
  int dscp;                       /* -1: the unmarked stream */
  gboolean have_window[2];
  WvRecord window[2];             /* newest 10 s stats, per direction */
  gboolean have_summary[2];
  WvRecord summary[2];            /* whole-run summary, per direction */
} ClassState;

typedef struct {
  gboolean known;
  int family;
  WvConnState state;
  gboolean visible;
  int charted_dscp;               /* class shown in the charts; G_MININT = none yet */
  gboolean have_latest[2];
  WvRecord latest[2];             /* newest 1 s stats of the charted class, per direction */
  gboolean have_summary[2];
  WvRecord summary[2];            /* whole-run summary of the charted class, per direction */
  guint n_classes;                /* in the order they first appeared */
  ClassState classes[WV_MAX_CLASSES + 1];
} Conn;

struct _WvSession
{
  GObject parent_instance;

  WvClient *client;
  GCancellable *cancellable;
  gboolean started;
  gboolean running;
  gboolean self_test;
  WvPhase phase;
  double progress;
  char *privilege_advice;

  GArray *conns;                  /* Conn, by engine index */
  GPtrArray *blocks;              /* WvRecord[RECORDS_PER_BLOCK] */
  guint n_records;
  guint max_records;              /* WV_SESSION_MAX_RECORDS, smaller in tests */
  guint64 n_dropped;
  WvTraceTable *trace;
  GArray *outages;                /* WvRecord: the newest record of each outage */

  gint64 origin_mono;             /* µs, g_get_monotonic_time () */
  gint64 origin_real;             /* µs, g_get_real_time () at the same moment */
  gint64 end_mono;                /* 0 while running */
  GDateTime *started_at;

  WvRunMeta *meta;                /* the run file's metadata, NULL before the start */
  gboolean reopened;              /* a run read back from a file */
  GFile *file;                    /* the file it was read from, or saved to */
};

G_DEFINE_FINAL_TYPE (WvSession, wv_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_RUNNING,
  PROP_PHASE,
  PROP_PROGRESS,
  PROP_PRIVILEGE_ADVICE,
  N_PROPS
};

enum {
  SIGNAL_CONNECTION_ADDED,
  SIGNAL_CONNECTION_CHANGED,
  SIGNAL_RECORD,
  SIGNAL_MESSAGE,
  SIGNAL_FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void update_privilege_advice (WvSession *self);

/* --- the engine's signals ------------------------------------------------ */

static void
on_client_phase (WvClient  *client,
                 guint      phase,
                 WvSession *self)
{
  wv_session_push_phase (self, phase);
}

static void
on_client_progress (WvClient  *client,
                    double     fraction,
                    WvSession *self)
{
  wv_session_push_progress (self, fraction);
}

static void
on_client_connection_state (WvClient  *client,
                            guint      index,
                            int        family,
                            guint      state,
                            WvSession *self)
{
  wv_session_push_connection_state (self, index, family, state);
}

static void
on_client_record (WvClient       *client,
                  const WvRecord *record,
                  WvSession      *self)
{
  wv_session_push_record (self, record);
}

static void
on_client_message (WvClient   *client,
                   const char *text,
                   WvSession  *self)
{
  /* The engine learns whether the ICMP helper has its privilege when the
   * helper has started, and says so in a message. */
  update_privilege_advice (self);
  wv_session_push_message (self, WV_MESSAGE_INFO, text);
}

static void
on_client_finished (WvClient  *client,
                    gboolean   ok,
                    WvSession *self)
{
  wv_session_push_finished (self, ok);
}

/* --- lifecycle ----------------------------------------------------------- */

WvSession *
wv_session_new (void)
{
  return g_object_new (WV_TYPE_SESSION, NULL);
}

static void
update_privilege_advice (WvSession *self)
{
  g_autofree char *advice = NULL;

  if (self->client == NULL)
    return;
  advice = wv_client_dup_privilege_advice (self->client);
  if (advice)
    wv_session_set_privilege_advice (self, advice);
}

/**
 * wv_session_start:
 *
 * Starts the run. A session runs once: FALSE with an error if it was
 * started before, or if the engine refused the configuration.
 */
gboolean
wv_session_start (WvSession            *self,
                  const WvClientConfig *config,
                  GError              **error)
{
  g_return_val_if_fail (WV_IS_SESSION (self), FALSE);
  g_return_val_if_fail (config != NULL, FALSE);

  if (self->started)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                           _("This measurement has already been started"));
      return FALSE;
    }

  self->started = TRUE;
  self->self_test = config->url == NULL;
  self->origin_mono = g_get_monotonic_time ();
  self->origin_real = g_get_real_time ();
  g_clear_pointer (&self->started_at, g_date_time_unref);
  self->started_at = g_date_time_new_now_local ();

  self->client = wv_client_new (config);
  self->meta = wv_client_new_run_meta (self->client);
  g_signal_connect_object (self->client, "phase-changed", G_CALLBACK (on_client_phase), self, 0);
  g_signal_connect_object (self->client, "progress", G_CALLBACK (on_client_progress), self, 0);
  g_signal_connect_object (self->client, "connection-state",
                           G_CALLBACK (on_client_connection_state), self, 0);
  g_signal_connect_object (self->client, "record", G_CALLBACK (on_client_record), self, 0);
  g_signal_connect_object (self->client, "message", G_CALLBACK (on_client_message), self, 0);
  g_signal_connect_object (self->client, "finished", G_CALLBACK (on_client_finished), self, 0);

  /* The client announces its connections from inside wv_client_start(), so
   * the session counts as running before it. */
  self->running = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  if (!wv_client_start (self->client, error))
    {
      self->running = FALSE;
      self->end_mono = g_get_monotonic_time ();
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
      return FALSE;
    }
  update_privilege_advice (self);
  return TRUE;
}

/**
 * wv_session_begin:
 *
 * Starts a session that is fed from outside through the push functions
 * rather than by a #WvClient of its own: a client of the app's Serve mode,
 * whose records the server produces. It counts as running from now until
 * wv_session_push_finished(); its charts' time counts from its first
 * begin. Beginning again after it finished (the client came back with
 * another connection) makes it run again on the same time axis.
 */
void
wv_session_begin (WvSession *self)
{
  g_return_if_fail (WV_IS_SESSION (self));
  g_return_if_fail (self->client == NULL);

  if (self->running)
    return;
  if (!self->started)
    {
      self->started = TRUE;
      self->origin_mono = g_get_monotonic_time ();
      self->origin_real = g_get_real_time ();
      g_clear_pointer (&self->started_at, g_date_time_unref);
      self->started_at = g_date_time_new_now_local ();
    }
  self->running = TRUE;
  self->end_mono = 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

/* Stops early: the streams end, the summaries are exchanged, then the
 * session finishes as usual. */
void
wv_session_stop (WvSession *self)
{
  g_return_if_fail (WV_IS_SESSION (self));

  if (self->running && self->client)
    wv_client_stop (self->client);
}

gboolean
wv_session_get_running (WvSession *self)
{
  g_return_val_if_fail (WV_IS_SESSION (self), FALSE);
  return self->running;
}

gboolean
wv_session_get_started (WvSession *self)
{
  g_return_val_if_fail (WV_IS_SESSION (self), FALSE);
  return self->started;
}

gboolean
wv_session_get_self_test (WvSession *self)
{
  g_return_val_if_fail (WV_IS_SESSION (self), FALSE);
  return self->self_test;
}

WvPhase
wv_session_get_phase (WvSession *self)
{
  g_return_val_if_fail (WV_IS_SESSION (self), WV_PHASE_IDLE);
  return self->phase;
}

double
wv_session_get_progress (WvSession *self)
{
  g_return_val_if_fail (WV_IS_SESSION (self), 0);
  return self->progress;
}

WvClient *
wv_session_get_client (WvSession *self)
{
  g_return_val_if_fail (WV_IS_SESSION (self), NULL);
  return self->client;
}

const char *
wv_session_get_privilege_advice (WvSession *self)
{
  g_return_val_if_fail (WV_IS_SESSION (self), NULL);
  return self->privilege_advice;
}

/**
 * wv_session_set_privilege_advice:
 * @advice: (nullable): what the user must do so that the ICMP helper can
 *   open its raw sockets (wv_client_dup_privilege_advice()), or %NULL
 */
void
wv_session_set_privilege_advice (WvSession  *self,
                                 const char *advice)
{
  g_return_if_fail (WV_IS_SESSION (self));

  if (advice && *advice == '\0')
    advice = NULL;
  if (g_strcmp0 (self->privilege_advice, advice) == 0)
    return;
  g_free (self->privilege_advice);
  self->privilege_advice = g_strdup (advice);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRIVILEGE_ADVICE]);
}

/* --- what the engine reports ---------------------------------------------- */

void
wv_session_push_phase (WvSession *self,
                       WvPhase    phase)
{
  g_return_if_fail (WV_IS_SESSION (self));

  if (phase > WV_PHASE_DONE || self->phase == phase)
    return;
  self->phase = phase;
  /* Each phase reports its own progress from 0. */
  self->progress = 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PHASE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
  if (phase == WV_PHASE_TRACEROUTE || phase == WV_PHASE_MTU)
    update_privilege_advice (self);
}

void
wv_session_push_progress (WvSession *self,
                          double     fraction)
{
  g_return_if_fail (WV_IS_SESSION (self));

  if (!isfinite (fraction))
    return;
  fraction = CLAMP (fraction, 0.0, 1.0);
  if (self->progress == fraction)
    return;
  self->progress = fraction;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
}

static Conn *
get_conn (WvSession *self,
          guint      index)
{
  if (index >= self->conns->len)
    return NULL;
  return &g_array_index (self->conns, Conn, index);
}

/* Makes connection @index known with @family; FALSE if it cannot be (bad
 * index or family). */
static gboolean
ensure_conn (WvSession *self,
             guint      index,
             int        family,
             gboolean  *added)
{
  Conn *c;

  *added = FALSE;
  if (index >= WV_SESSION_MAX_CONNECTIONS || (family != 4 && family != 6))
    return FALSE;
  if (index >= self->conns->len)
    g_array_set_size (self->conns, index + 1);
  c = get_conn (self, index);
  if (!c->known)
    {
      c->known = TRUE;
      c->family = family;
      c->state = WV_CONN_CONNECTING;
      c->visible = TRUE;
      c->charted_dscp = G_MININT;
      *added = TRUE;
    }
  return TRUE;
}

void
wv_session_push_connection_state (WvSession   *self,
                                  guint        index,
                                  int          family,
                                  WvConnState  state)
{
  gboolean added;
  Conn *c;

  g_return_if_fail (WV_IS_SESSION (self));

  if (state > WV_CONN_LOST || !ensure_conn (self, index, family, &added))
    return;
  c = get_conn (self, index);
  if (added)
    {
      c->state = state;
      g_signal_emit (self, signals[SIGNAL_CONNECTION_ADDED], 0, index);
      return;
    }
  if (c->state == state)
    return;
  c->state = state;
  g_signal_emit (self, signals[SIGNAL_CONNECTION_CHANGED], 0, index);
}

static gboolean
store_record (WvSession      *self,
              const WvRecord *record)
{
  WvRecord *block;

  /* Past the cap only the per-second statistics are dropped: the rest is
   * small and what a technician reads first. */
  if (self->n_records >= self->max_records && record->type == WV_RECORD_STATS)
    {
      if (self->n_dropped++ == 0)
        {
          g_autofree char *text =
            g_strdup_printf (_("This run has kept %u records (%zu MiB); later per-second "
                               "statistics are shown but not kept for export"),
                             self->n_records, (gsize) self->n_records * sizeof (WvRecord) >> 20);
          wv_session_push_message (self, WV_MESSAGE_WARNING, text);
        }
      return FALSE;
    }
  if (self->n_records == G_MAXUINT)
    return FALSE;
  if (self->n_records % RECORDS_PER_BLOCK == 0)
    g_ptr_array_add (self->blocks, g_new (WvRecord, RECORDS_PER_BLOCK));
  block = g_ptr_array_index (self->blocks, self->n_records / RECORDS_PER_BLOCK);
  block[self->n_records % RECORDS_PER_BLOCK] = *record;
  self->n_records++;
  return TRUE;
}

/**
 * wv_session_push_record:
 *
 * Keeps @record for export, updates the connection's latest statistics or
 * the traceroute table, and emits #WvSession::record. Records that could
 * not be written out (type, family or direction out of range) are dropped.
 */
/* The newest 10 s window and the summary of each class; a peer cannot make
 * more classes than the protocol allows, and more are dropped. */
static void
store_class (Conn           *c,
             const WvRecord *record)
{
  int dscp = record->stats.dscp;
  ClassState *cs = NULL;

  if (dscp < -1 || dscp > 63)
    return;
  for (guint k = 0; k < c->n_classes && cs == NULL; k++)
    if (c->classes[k].dscp == dscp)
      cs = &c->classes[k];
  if (cs == NULL)
    {
      if (c->n_classes == G_N_ELEMENTS (c->classes))
        return;
      cs = &c->classes[c->n_classes++];
      memset (cs, 0, sizeof *cs);
      cs->dscp = dscp;
    }
  if (record->type == WV_RECORD_SUMMARY)
    {
      cs->summary[record->dir] = *record;
      cs->have_summary[record->dir] = TRUE;
    }
  else
    {
      cs->window[record->dir] = *record;
      cs->have_window[record->dir] = TRUE;
    }
}

/* An outage is recorded when it opens and again when it ends: one entry
 * per outage, the newest. */
static void
store_outage (WvSession      *self,
              const WvRecord *record)
{
  for (guint i = 0; i < self->outages->len; i++)
    {
      WvRecord *o = &g_array_index (self->outages, WvRecord, i);

      if (o->conn == record->conn && o->dir == record->dir &&
          o->outage.start_ns == record->outage.start_ns)
        {
          *o = *record;
          return;
        }
    }
  g_array_append_val (self->outages, *record);
}

void
wv_session_push_record (WvSession      *self,
                        const WvRecord *record)
{
  gboolean added;
  Conn *c;

  g_return_if_fail (WV_IS_SESSION (self));
  g_return_if_fail (record != NULL);

  if (self->meta)
    wv_run_meta_take_record (self->meta, record);
  /* The Wi-Fi link is this host's, not a connection's. */
  if (record->type == WV_RECORD_WIFI)
    {
      store_record (self, record);
      g_signal_emit (self, signals[SIGNAL_RECORD], 0, record);
      return;
    }
  if ((guint) record->type >= WV_N_RECORD_TYPES ||
      (record->dir != WV_DIR_C2S && record->dir != WV_DIR_S2C) ||
      !ensure_conn (self, record->conn, record->family, &added))
    {
      g_debug ("dropping a record of type %d, connection %u, family %d, direction %d",
               record->type, record->conn, record->family, record->dir);
      return;
    }
  if (added)
    g_signal_emit (self, signals[SIGNAL_CONNECTION_ADDED], 0, record->conn);

  store_record (self, record);

  c = get_conn (self, record->conn);
  if (record->type == WV_RECORD_STATS && record->stats.window_s == 1)
    {
      /* The charts show one class (DSCP) per connection: the first one. */
      if (c->charted_dscp == G_MININT)
        c->charted_dscp = record->stats.dscp;
      if (c->charted_dscp == record->stats.dscp)
        {
          c->latest[record->dir] = *record;
          c->have_latest[record->dir] = TRUE;
        }
    }
  else if (record->type == WV_RECORD_SUMMARY)
    {
      if (c->charted_dscp == G_MININT || c->charted_dscp == record->stats.dscp)
        {
          c->summary[record->dir] = *record;
          c->have_summary[record->dir] = TRUE;
        }
    }
  else if (record->type == WV_RECORD_OUTAGE)
    store_outage (self, record);
  else if (record->type != WV_RECORD_STATS && record->type != WV_RECORD_LOST)
    wv_trace_table_add (self->trace, record);
  if ((record->type == WV_RECORD_STATS && record->stats.window_s == 10) ||
      record->type == WV_RECORD_SUMMARY)
    store_class (c, record);

  g_signal_emit (self, signals[SIGNAL_RECORD], 0, record);
}

/**
 * wv_session_get_n_classes:
 *
 * Returns: how many probe stream classes (DSCP) connection @index has
 *   reported statistics for: one (the unmarked stream) without a DSCP test
 */
guint
wv_session_get_n_classes (WvSession *self,
                          guint      index)
{
  Conn *c;

  g_return_val_if_fail (WV_IS_SESSION (self), 0);
  c = get_conn (self, index);
  return c && c->known ? c->n_classes : 0;
}

static ClassState *
get_class (WvSession *self,
           guint      index,
           guint      k)
{
  Conn *c = get_conn (self, index);

  return c && c->known && k < c->n_classes ? &c->classes[k] : NULL;
}

/* The DSCP of class @k (0 .. n_classes - 1) of connection @index: 0-63, or
 * -1 for the unmarked stream (and for a class that does not exist). */
int
wv_session_get_class_dscp (WvSession *self,
                           guint      index,
                           guint      k)
{
  ClassState *cs;

  g_return_val_if_fail (WV_IS_SESSION (self), -1);
  cs = get_class (self, index, k);
  return cs ? cs->dscp : -1;
}

static const WvRecord *
class_record (WvSession   *self,
              guint        index,
              guint        k,
              WvDirection  dir,
              gboolean     summary)
{
  ClassState *cs = get_class (self, index, k);

  if (cs == NULL || dir > WV_DIR_S2C)
    return NULL;
  if (summary)
    return cs->have_summary[dir] ? &cs->summary[dir] : NULL;
  return cs->have_window[dir] ? &cs->window[dir] : NULL;
}

/**
 * wv_session_get_class_stats:
 *
 * Returns: (nullable): the newest 10-second statistics of class @k of
 *   connection @index in direction @dir
 */
const WvRecord *
wv_session_get_class_stats (WvSession   *self,
                            guint        index,
                            guint        k,
                            WvDirection  dir)
{
  g_return_val_if_fail (WV_IS_SESSION (self), NULL);
  return class_record (self, index, k, dir, FALSE);
}

/**
 * wv_session_get_class_summary:
 *
 * Returns: (nullable): the whole-run summary of class @k of connection
 *   @index in direction @dir, once the run has ended
 */
const WvRecord *
wv_session_get_class_summary (WvSession   *self,
                              guint        index,
                              guint        k,
                              WvDirection  dir)
{
  g_return_val_if_fail (WV_IS_SESSION (self), NULL);
  return class_record (self, index, k, dir, TRUE);
}

void
wv_session_push_message (WvSession     *self,
                         WvMessageKind  kind,
                         const char    *text)
{
  g_autofree char *valid = NULL;

  g_return_if_fail (WV_IS_SESSION (self));

  if (text == NULL || *text == '\0')
    return;
  /* Messages may quote what a peer sent; labels want UTF-8. */
  valid = g_utf8_make_valid (text, -1);
  g_signal_emit (self, signals[SIGNAL_MESSAGE], 0, (guint) kind, valid);
}

void
wv_session_push_finished (WvSession *self,
                          gboolean   ok)
{
  g_return_if_fail (WV_IS_SESSION (self));

  if (!self->running)
    return;
  self->running = FALSE;
  self->end_mono = g_get_monotonic_time ();
  if (self->meta && self->client)
    wv_client_update_run_meta (self->client, self->meta);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  g_signal_emit (self, signals[SIGNAL_FINISHED], 0, ok);
}

/* --- connections ------------------------------------------------------------ */

/* Connections are numbered by the engine across families (IPv4 first); the
 * highest index seen plus one. */
guint
wv_session_get_n_connections (WvSession *self)
{
  g_return_val_if_fail (WV_IS_SESSION (self), 0);
  return self->conns->len;
}

gboolean
wv_session_has_connection (WvSession *self,
                           guint      index)
{
  Conn *c;

  g_return_val_if_fail (WV_IS_SESSION (self), FALSE);
  c = get_conn (self, index);
  return c && c->known;
}

int
wv_session_get_connection_family (WvSession *self,
                                  guint      index)
{
  Conn *c;

  g_return_val_if_fail (WV_IS_SESSION (self), 0);
  c = get_conn (self, index);
  return c && c->known ? c->family : 0;
}

WvConnState
wv_session_get_connection_state (WvSession *self,
                                 guint      index)
{
  Conn *c;

  g_return_val_if_fail (WV_IS_SESSION (self), WV_CONN_FAILED);
  c = get_conn (self, index);
  return c && c->known ? c->state : WV_CONN_FAILED;
}

/**
 * wv_session_get_connection_position:
 *
 * Returns: the connection's number within its address family, from 0:
 *   its colour in the charts, the same for IPv4 and IPv6 (which differ in
 *   line style)
 */
guint
wv_session_get_connection_position (WvSession *self,
                                    guint      index)
{
  Conn *c;
  guint position = 0;

  g_return_val_if_fail (WV_IS_SESSION (self), 0);
  c = get_conn (self, index);
  if (c == NULL || !c->known)
    return 0;
  for (guint i = 0; i < index; i++)
    {
      Conn *o = get_conn (self, i);

      if (o->known && o->family == c->family)
        position++;
    }
  return position;
}

gboolean
wv_session_get_connection_visible (WvSession *self,
                                   guint      index)
{
  Conn *c;

  g_return_val_if_fail (WV_IS_SESSION (self), FALSE);
  c = get_conn (self, index);
  return c && c->known && c->visible;
}

void
wv_session_set_connection_visible (WvSession *self,
                                   guint      index,
                                   gboolean   visible)
{
  Conn *c;

  g_return_if_fail (WV_IS_SESSION (self));
  c = get_conn (self, index);
  if (c == NULL || !c->known || c->visible == !!visible)
    return;
  c->visible = !!visible;
  g_signal_emit (self, signals[SIGNAL_CONNECTION_CHANGED], 0, index);
}

/* "Connection 4 (IPv6)": the engine's number, the one of the CSV files,
 * the engine's messages and the CLI, so that one label names a connection
 * everywhere (the colours count within each family). */
char *
wv_session_dup_connection_label (WvSession *self,
                                 guint      index)
{
  return wv_gui_format_connection (wv_session_get_connection_family (self, index),
                                   wv_session_get_connection_position (self, index));
}

/**
 * wv_session_get_latest_stats:
 *
 * Returns: (nullable): the newest one-second statistics of the charted
 *   class of connection @index in direction @dir
 */
const WvRecord *
wv_session_get_latest_stats (WvSession   *self,
                             guint        index,
                             WvDirection  dir)
{
  Conn *c;

  g_return_val_if_fail (WV_IS_SESSION (self), NULL);
  c = get_conn (self, index);
  if (c == NULL || !c->known || dir > WV_DIR_S2C || !c->have_latest[dir])
    return NULL;
  return &c->latest[dir];
}

/**
 * wv_session_get_summary:
 *
 * Returns: (nullable): the whole-run summary of the charted class of
 *   connection @index in direction @dir, once the run has ended
 */
const WvRecord *
wv_session_get_summary (WvSession   *self,
                        guint        index,
                        WvDirection  dir)
{
  Conn *c;

  g_return_val_if_fail (WV_IS_SESSION (self), NULL);
  c = get_conn (self, index);
  if (c == NULL || !c->known || dir > WV_DIR_S2C || !c->have_summary[dir])
    return NULL;
  return &c->summary[dir];
}

/**
 * wv_session_is_charted:
 *
 * Returns: %TRUE if @record is a one-second statistics record of the class
 *   the charts show for its connection
 */
gboolean
wv_session_is_charted (WvSession      *self,
                       const WvRecord *record)
{
  Conn *c;

  g_return_val_if_fail (WV_IS_SESSION (self), FALSE);
  if (record->type != WV_RECORD_STATS || record->stats.window_s != 1)
    return FALSE;
  c = get_conn (self, record->conn);
  return c && c->known && c->charted_dscp == record->stats.dscp;
}

/* --- records ------------------------------------------------------------------ */

guint
wv_session_get_n_records (WvSession *self)
{
  g_return_val_if_fail (WV_IS_SESSION (self), 0);
  return self->n_records;
}

const WvRecord *
wv_session_get_record (WvSession *self,
                       guint      index)
{
  const WvRecord *block;

  g_return_val_if_fail (WV_IS_SESSION (self), NULL);
  if (index >= self->n_records)
    return NULL;
  block = g_ptr_array_index (self->blocks, index / RECORDS_PER_BLOCK);
  return &block[index % RECORDS_PER_BLOCK];
}

/**
 * wv_session_set_record_limit:
 *
 * Sets how many records are kept before per-second statistics are dropped
 * (default WV_SESSION_MAX_RECORDS; tests use a small limit).
 */
void
wv_session_set_record_limit (WvSession *self,
                             guint      max_records)
{
  g_return_if_fail (WV_IS_SESSION (self));
  self->max_records = max_records;
}

/* Per-second statistics left out because of the record limit. */
guint64
wv_session_get_n_dropped (WvSession *self)
{
  g_return_val_if_fail (WV_IS_SESSION (self), 0);
  return self->n_dropped;
}

WvTraceTable *
wv_session_get_trace_table (WvSession *self)
{
  g_return_val_if_fail (WV_IS_SESSION (self), NULL);
  return self->trace;
}

/* --- time ------------------------------------------------------------------------ */

/**
 * wv_session_get_time_origin:
 *
 * Returns: the monotonic time (µs) the session's chart times count from:
 *   the #WvTimeChart:time-origin of its charts
 */
gint64
wv_session_get_time_origin (WvSession *self)
{
  g_return_val_if_fail (WV_IS_SESSION (self), 0);
  return self->origin_mono;
}

/**
 * wv_session_get_record_time:
 *
 * Returns: when @record was made, in seconds on the charts' clock. Records
 *   carry the wall clock; the offset between it and the monotonic clock is
 *   taken once, at the start, so that a wall clock step during the run
 *   moves new points rather than the time axis.
 */
double
wv_session_get_record_time (WvSession      *self,
                            const WvRecord *record)
{
  g_return_val_if_fail (WV_IS_SESSION (self), NAN);
  return (record->time_ns / 1000 - self->origin_real) / (double) G_USEC_PER_SEC;
}

/**
 * wv_session_get_end_time:
 *
 * Returns: when the run ended on the charts' clock, NaN while it runs or
 *   before it started
 */
double
wv_session_get_end_time (WvSession *self)
{
  g_return_val_if_fail (WV_IS_SESSION (self), NAN);
  if (!self->started || self->running)
    return NAN;
  return (self->end_mono - self->origin_mono) / (double) G_USEC_PER_SEC;
}

/* "wifi-verify-20261122-083906" (local start time, or creation time before
 * the start), with "-self-test" for a self-test. */
char *
wv_session_dup_export_name (WvSession *self)
{
  g_autofree char *stamp = g_date_time_format (self->started_at, "%Y%m%d-%H%M%S");

  return g_strdup_printf ("wifi-verify-%s%s", stamp, self->self_test ? "-self-test" : "");
}

/* --- export -------------------------------------------------------------------------- */

typedef struct {
  GPtrArray *blocks;              /* borrowed: the session (the task's source) owns them */
  guint n_records;
  GFile *folder;
  char *name;
  char *meta_json;                /* the run's metadata record, or NULL */
  char *connections_csv;          /* conn,family,label: the window's names */
} ExportData;

static void
export_data_free (ExportData *d)
{
  g_ptr_array_unref (d->blocks);
  g_object_unref (d->folder);
  g_free (d->name);
  g_free (d->meta_json);
  g_free (d->connections_csv);
  g_free (d);
}

/* Worker thread. The records below n_records never change and their blocks
 * never move, so they are read without a lock. A directory of that name
 * that already exists is left alone: the export goes to "NAME-2" and so on. */
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
  g_autofree char *path = NULL;

  dir = wv_gui_new_export_dir (d->folder, d->name, cancellable);
  path = g_file_get_path (dir);
  if (path == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("Export needs a local folder"));
      return;
    }

  output = wv_output_new ();
  if (!wv_output_add_csv (output, path, FALSE, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  for (guint i = 0; i < d->n_records; i++)
    {
      const WvRecord *block = g_ptr_array_index (d->blocks, i / RECORDS_PER_BLOCK);

      if (g_cancellable_set_error_if_cancelled (cancellable, &error) ||
          !wv_output_write (output, &block[i % RECORDS_PER_BLOCK], &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }
  if (!wv_output_close (output, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* What was measured where and how: the run file's metadata record
   * (docs/run-file.md), one JSON line. */
  if (d->meta_json)
    {
      g_autofree char *meta_path = g_build_filename (path, "meta.json", NULL);
      g_autofree char *line = g_strconcat (d->meta_json, "\n", NULL);

      if (!g_file_set_contents (meta_path, line, -1, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }
  /* The CSV files number connections as the engine and the CLI do (conn);
   * the window names them "IPv4 · 1": the key from one to the other. */
  if (d->connections_csv)
    {
      g_autofree char *conn_path = g_build_filename (path, "connections.csv", NULL);

      if (!g_file_set_contents (conn_path, d->connections_csv, -1, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }
  g_task_return_pointer (task, g_steal_pointer (&dir), g_object_unref);
}

/* "conn,family,label" and a row per connection the window knows. */
static char *
dup_connections_csv (WvSession *self)
{
  GString *csv = g_string_new ("conn,family,label\n");
  guint n = wv_session_get_n_connections (self);

  for (guint i = 0; i < n; i++)
    {
      Conn *c = get_conn (self, i);
      g_autofree char *label = NULL;

      if (c == NULL || !c->known)
        continue;
      label = wv_session_dup_connection_label (self, i);
      /* Quoted: a translation may put a comma or a quote in it. */
      g_string_append_printf (csv, "%u,%d,\"", i, c->family);
      for (const char *p = label; *p; p++)
        {
          if (*p == '"')
            g_string_append_c (csv, '"');
          g_string_append_c (csv, *p);
        }
      g_string_append (csv, "\"\n");
    }
  return g_string_free (csv, FALSE);
}

/**
 * wv_session_export_csv_async:
 * @folder: where to create the export's directory
 *
 * Writes every record of the run so far with the engine's CSV writer
 * (stats.csv, summary.csv, hop.csv, mtu.csv, path_mtu.csv: the files of
 * wifi-verify-cli --csv) into a new directory in @folder named after the
 * start of the run (wv_session_dup_export_name()). Runs in a thread.
 */
void
wv_session_export_csv_async (WvSession           *self,
                             GFile               *folder,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ExportData *d;

  g_return_if_fail (WV_IS_SESSION (self));
  g_return_if_fail (G_IS_FILE (folder));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, wv_session_export_csv_async);
  d = g_new0 (ExportData, 1);
  /* A copy of the block list: adding a block may move the array's storage,
   * never the blocks. */
  d->blocks = g_ptr_array_copy (self->blocks, NULL, NULL);
  /* The copy would inherit the free function: the blocks stay the session's. */
  g_ptr_array_set_free_func (d->blocks, NULL);
  d->n_records = self->n_records;
  d->folder = g_object_ref (folder);
  d->name = wv_session_dup_export_name (self);
  d->meta_json = self->meta ? wv_run_meta_to_json (self->meta) : NULL;
  d->connections_csv = dup_connections_csv (self);
  g_task_set_task_data (task, d, (GDestroyNotify) export_data_free);
  g_task_run_in_thread (task, export_thread);
}

/**
 * wv_session_export_csv_finish:
 *
 * Returns: (transfer full): the directory written, or %NULL with @error
 */
GFile *
wv_session_export_csv_finish (WvSession     *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == wv_session_export_csv_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

struct _WvSessionRecords {
  WvSession *session;             /* a reference: it owns the blocks */
  GPtrArray *blocks;              /* a copy of the list; the blocks are the session's */
  guint n_records;
};

/**
 * wv_session_dup_records:
 *
 * Returns: (transfer full): the records kept so far, readable from any
 *   thread with wv_session_records_get()
 */
WvSessionRecords *
wv_session_dup_records (WvSession *self)
{
  WvSessionRecords *r;

  g_return_val_if_fail (WV_IS_SESSION (self), NULL);

  r = g_new0 (WvSessionRecords, 1);
  r->session = g_object_ref (self);
  /* Adding a block may move the list's storage, never the blocks. */
  r->blocks = g_ptr_array_copy (self->blocks, NULL, NULL);
  g_ptr_array_set_free_func (r->blocks, NULL);
  r->n_records = self->n_records;
  return r;
}

guint
wv_session_records_get_n (WvSessionRecords *records)
{
  return records->n_records;
}

const WvRecord *
wv_session_records_get (WvSessionRecords *records,
                        guint             index)
{
  const WvRecord *block;

  if (index >= records->n_records)
    return NULL;
  block = g_ptr_array_index (records->blocks, index / RECORDS_PER_BLOCK);
  return &block[index % RECORDS_PER_BLOCK];
}

/* In the main thread: the last reference on the session may go with it. */
void
wv_session_records_free (WvSessionRecords *records)
{
  if (records == NULL)
    return;
  g_ptr_array_unref (records->blocks);
  g_object_unref (records->session);
  g_free (records);
}

/**
 * wv_session_get_n_outages:
 *
 * Returns: how many outages (gaps in a probe stream) the run has had so
 *   far; wv_session_get_outage() gives each one's newest record
 */
guint
wv_session_get_n_outages (WvSession *self)
{
  g_return_val_if_fail (WV_IS_SESSION (self), 0);
  return self->outages->len;
}

const WvRecord *
wv_session_get_outage (WvSession *self,
                       guint      i)
{
  g_return_val_if_fail (WV_IS_SESSION (self), NULL);
  return i < self->outages->len ? &g_array_index (self->outages, WvRecord, i) : NULL;
}

/* TRUE while connection @index has an outage that has not ended. */
gboolean
wv_session_get_connection_in_outage (WvSession *self,
                                     guint      index)
{
  g_return_val_if_fail (WV_IS_SESSION (self), FALSE);
  for (guint i = 0; i < self->outages->len; i++)
    {
      const WvRecord *o = &g_array_index (self->outages, WvRecord, i);

      if (o->conn == index && o->outage.end_ns == 0)
        return TRUE;
    }
  return FALSE;
}

/* --- runs kept in files --------------------------------------------------------------- */

/**
 * wv_session_new_for_run:
 * @run: a run read back (wv_run_load())
 * @file: (nullable): where it was read from
 *
 * A session that shows a saved run as it was when it ended: its records,
 * connections (finished, or lost if they were), outages, paths and
 * metadata. It never runs; its clock counts from the run's start, so that
 * the charts show the whole run in seconds from its start.
 */
WvSession *
wv_session_new_for_run (const WvRun *run,
                        GFile       *file)
{
  WvSession *self;
  gint64 start_ns = 0, end_ns = 0;

  g_return_val_if_fail (run != NULL, NULL);

  self = wv_session_new ();
  self->reopened = TRUE;
  self->started = TRUE;
  self->phase = WV_PHASE_DONE;
  self->progress = 1;
  if (file)
    self->file = g_object_ref (file);
  if (run->meta)
    {
      self->meta = wv_run_meta_copy (run->meta);
      start_ns = run->meta->start_ns;
      end_ns = run->meta->end_ns;
      self->self_test = g_strcmp0 (run->meta->mode, "self-test") == 0;
    }
  /* A file without metadata (plain JSON lines) or an unfinished one: its
   * records say when it ran. */
  for (guint i = 0; i < run->records->len; i++)
    {
      const WvRecord *r = &g_array_index (run->records, WvRecord, i);

      if (r->time_ns <= 0)
        continue;
      if (start_ns <= 0 || (run->meta == NULL && r->time_ns < start_ns))
        start_ns = r->time_ns;
      if (run->meta == NULL || run->meta->end_ns <= 0)
        end_ns = MAX (end_ns, r->time_ns);
    }
  self->origin_real = start_ns / 1000;
  self->origin_mono = 0;
  self->end_mono = MAX (end_ns - start_ns, 0) / 1000;
  g_clear_pointer (&self->started_at, g_date_time_unref);
  self->started_at = g_date_time_new_from_unix_local (start_ns / 1000000000);
  if (self->started_at == NULL)
    self->started_at = g_date_time_new_now_local ();

  for (guint i = 0; i < run->records->len; i++)
    {
      const WvRecord *r = &g_array_index (run->records, WvRecord, i);

      if (r->type == WV_RECORD_STATS || r->type == WV_RECORD_SUMMARY)
        wv_session_push_connection_state (self, r->conn, r->family, WV_CONN_FINISHED);
      wv_session_push_record (self, r);
      if (r->type == WV_RECORD_LOST)
        wv_session_push_connection_state (self, r->conn, r->family, WV_CONN_LOST);
    }
  /* Connections known only from their paths finished too. */
  for (guint i = 0; i < self->conns->len; i++)
    {
      Conn *c = get_conn (self, i);

      if (c->known && c->state == WV_CONN_CONNECTING)
        c->state = WV_CONN_FINISHED;
    }
  return self;
}

/* Whether the session shows a run read back from a file (nothing runs). */
gboolean
wv_session_get_reopened (WvSession *self)
{
  g_return_val_if_fail (WV_IS_SESSION (self), FALSE);
  return self->reopened;
}

/**
 * wv_session_get_run_meta:
 *
 * Returns: (nullable): the run's metadata: of the file a reopened run came
 *   from, or of a measurement (this host, the settings, and once it ended
 *   the interfaces, the Wi-Fi link and the end); %NULL for a session fed
 *   from outside
 */
const WvRunMeta *
wv_session_get_run_meta (WvSession *self)
{
  g_return_val_if_fail (WV_IS_SESSION (self), NULL);
  return self->meta;
}

/* The file the run was read from or saved to, or NULL. */
GFile *
wv_session_get_file (WvSession *self)
{
  g_return_val_if_fail (WV_IS_SESSION (self), NULL);
  return self->file;
}

void
wv_session_set_file (WvSession *self,
                     GFile     *file)
{
  g_return_if_fail (WV_IS_SESSION (self));
  g_return_if_fail (file == NULL || G_IS_FILE (file));
  g_set_object (&self->file, file);
}

/* When the run started and ended (end 0 while it runs), in ns of
 * CLOCK_REALTIME. */
gint64
wv_session_get_start_ns (WvSession *self)
{
  g_return_val_if_fail (WV_IS_SESSION (self), 0);
  return self->origin_real * 1000;
}

gint64
wv_session_get_end_ns (WvSession *self)
{
  g_return_val_if_fail (WV_IS_SESSION (self), 0);
  if (!self->started || self->running)
    return 0;
  return (self->origin_real + (self->end_mono - self->origin_mono)) * 1000;
}

/* --- GObject ------------------------------------------------------------------------------ */

static void
wv_session_dispose (GObject *object)
{
  WvSession *self = WV_SESSION (object);

  g_cancellable_cancel (self->cancellable);
  /* Dropping the client ends its connections (its dispose aborts them). */
  if (self->client)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_clear_object (&self->client);
  G_OBJECT_CLASS (wv_session_parent_class)->dispose (object);
}

static void
wv_session_finalize (GObject *object)
{
  WvSession *self = WV_SESSION (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->conns, g_array_unref);
  g_clear_pointer (&self->blocks, g_ptr_array_unref);
  g_clear_pointer (&self->trace, wv_trace_table_free);
  g_clear_pointer (&self->outages, g_array_unref);
  g_clear_pointer (&self->started_at, g_date_time_unref);
  g_clear_pointer (&self->meta, wv_run_meta_free);
  g_clear_object (&self->file);
  g_free (self->privilege_advice);
  G_OBJECT_CLASS (wv_session_parent_class)->finalize (object);
}

static void
wv_session_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  WvSession *self = WV_SESSION (object);

  switch (prop_id)
    {
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    case PROP_PHASE:
      g_value_set_uint (value, self->phase);
      break;
    case PROP_PROGRESS:
      g_value_set_double (value, self->progress);
      break;
    case PROP_PRIVILEGE_ADVICE:
      g_value_set_string (value, self->privilege_advice);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wv_session_class_init (WvSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = wv_session_dispose;
  object_class->finalize = wv_session_finalize;
  object_class->get_property = wv_session_get_property;

  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* (WvPhase) */
  properties[PROP_PHASE] =
    g_param_spec_uint ("phase", NULL, NULL, 0, WV_PHASE_DONE, WV_PHASE_IDLE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROGRESS] =
    g_param_spec_double ("progress", NULL, NULL, 0, 1, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PRIVILEGE_ADVICE] =
    g_param_spec_string ("privilege-advice", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* (guint index) */
  signals[SIGNAL_CONNECTION_ADDED] =
    g_signal_new ("connection-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  /* (guint index): state or visibility */
  signals[SIGNAL_CONNECTION_CHANGED] =
    g_signal_new ("connection-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  /* (const WvRecord *record), after the session took it in */
  signals[SIGNAL_RECORD] =
    g_signal_new ("record", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  /* (guint WvMessageKind, const char *text) */
  signals[SIGNAL_MESSAGE] =
    g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_STRING);
  /* (gboolean ok) */
  signals[SIGNAL_FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
}

static void
wv_session_init (WvSession *self)
{
  self->cancellable = g_cancellable_new ();
  self->conns = g_array_new (FALSE, TRUE, sizeof (Conn));
  self->blocks = g_ptr_array_new_with_free_func (g_free);
  self->trace = wv_trace_table_new ();
  self->outages = g_array_new (FALSE, FALSE, sizeof (WvRecord));
  self->max_records = WV_SESSION_MAX_RECORDS;
  self->origin_mono = g_get_monotonic_time ();
  self->origin_real = g_get_real_time ();
  self->started_at = g_date_time_new_now_local ();
}
