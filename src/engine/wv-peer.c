/* wv-peer.c: one WebRTC peer connection with the four measurement channels
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A WvPeer owns a pipeline with one webrtcbin. webrtcbin calls us from its
 * own threads (signalling task, ICE agent, streaming threads); every event
 * is handed to the GMainContext that was thread-default when the peer was
 * created, and the peer's signals are emitted there, so owners need no
 * locking of their own.
 */
#define G_LOG_DOMAIN "wv-peer"

#include "config.h"

#include <string.h>
#include <time.h>
#include <linux/errqueue.h>

#include <gst/gst.h>
#include <gst/webrtc/webrtc.h>
#include <gst/sdp/sdp.h>
#include <nice/nice.h>

#include "wv-peer.h"

struct _WvPeer
{
  GObject parent_instance;

  GMainContext *context;
  GstElement *pipeline;
  GstElement *webrtc;
  NiceAgent *agent;
  GstWebRTCDataChannel *channels[WV_N_CHANNELS];
  gboolean open[WV_N_CHANNELS];

  gboolean offerer;
  int family;
  WvPeerState state;       /* main context only */
  gint closed;             /* set in the main context, atomic */

  GMutex lock;             /* protects selected_pair, selected_local */
  char *selected_pair;
  char selected_local[NICE_ADDRESS_STRING_LEN];
  GRWLock channels_lock;   /* sends (any thread) against close */

  /* Events from the streaming threads, run in order in the owner's
   * context by one source that is woken only when the queue was empty:
   * under load many events share one wake-up. */
  GMutex events_lock;
  GQueue events;           /* PeerEvent */
  GSource *events_source;

  /* wv_peer_set_report_func(), called under its lock. */
  GMutex report_func_lock;
  WvPeerReportFunc report_func;
  gpointer report_func_data;
};

G_DEFINE_FINAL_TYPE (WvPeer, wv_peer, G_TYPE_OBJECT)

enum {
  SIGNAL_LOCAL_DESCRIPTION,
  SIGNAL_LOCAL_CANDIDATE,
  SIGNAL_STATE_CHANGED,
  SIGNAL_MESSAGE,
  SIGNAL_TEXT,
  SIGNAL_SEND_REPORT,
  SIGNAL_SOCKET_ERROR,
  SIGNAL_ERROR,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const struct {
  const char *label;
  gboolean ordered;
  int max_retransmits;   /* -1 = reliable */
} channel_specs[WV_N_CHANNELS] = {
  [WV_CHANNEL_CONTROL] = { "control", TRUE, -1 },
  [WV_CHANNEL_PROBE] = { "probe", FALSE, 0 },
  [WV_CHANNEL_BULK] = { "bulk", FALSE, 0 },
  [WV_CHANNEL_TESTPROBE] = { "testprobe", FALSE, 0 },
};

const char *
wv_channel_label (WvChannel ch)
{
  return ch < WV_N_CHANNELS ? channel_specs[ch].label : "?";
}

const char *
wv_peer_state_to_string (WvPeerState state)
{
  switch (state)
    {
    case WV_PEER_NEW: return "new";
    case WV_PEER_CONNECTING: return "connecting";
    case WV_PEER_CONNECTED: return "connected";
    case WV_PEER_FAILED: return "failed";
    case WV_PEER_CLOSED: return "closed";
    default: return "unknown";
    }
}

/* --- marshalling to the owner's context ------------------------------ */

typedef void (*WvPeerEventFunc) (WvPeer *self, gpointer data);

typedef struct {
  WvPeerEventFunc func;
  gpointer data;
  GDestroyNotify free_data;
} PeerEvent;

static void
peer_event_free (PeerEvent *ev)
{
  if (ev->free_data)
    ev->free_data (ev->data);
  g_free (ev);
}

typedef struct {
  GSource source;
  WvPeer *peer;            /* not a ref: the peer destroys the source first */
} EventsSource;

static gboolean
events_dispatch (GSource *source, GSourceFunc callback, gpointer user_data)
{
  WvPeer *self = ((EventsSource *) source)->peer;
  GQueue batch = G_QUEUE_INIT;
  PeerEvent *ev;

  g_source_set_ready_time (source, -1);
  g_mutex_lock (&self->events_lock);
  batch = self->events;
  g_queue_init (&self->events);
  g_mutex_unlock (&self->events_lock);

  /* A handler may drop the last outside reference. */
  g_object_ref (self);
  while ((ev = g_queue_pop_head (&batch)) != NULL)
    {
      if (!self->closed)
        ev->func (self, ev->data);
      peer_event_free (ev);
    }
  g_object_unref (self);
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs events_funcs = { NULL, NULL, events_dispatch, NULL, NULL, NULL };

static void
peer_post (WvPeer *self, WvPeerEventFunc func, gpointer data, GDestroyNotify free_data)
{
  PeerEvent *ev = g_new0 (PeerEvent, 1);
  gboolean wake;

  ev->func = func;
  ev->data = data;
  ev->free_data = free_data;
  g_mutex_lock (&self->events_lock);
  if (self->events_source == NULL)
    {
      /* Disposed: nobody will run it. */
      g_mutex_unlock (&self->events_lock);
      peer_event_free (ev);
      return;
    }
  wake = g_queue_is_empty (&self->events);
  g_queue_push_tail (&self->events, ev);
  if (wake)
    g_source_set_ready_time (self->events_source, 0);
  g_mutex_unlock (&self->events_lock);
}

static void
set_state (WvPeer *self, WvPeerState state)
{
  if (self->state == state || self->state == WV_PEER_CLOSED)
    return;
  /* A failed connection stays failed until it is closed. */
  if (self->state == WV_PEER_FAILED && state != WV_PEER_CLOSED)
    return;
  self->state = state;
  g_signal_emit (self, signals[SIGNAL_STATE_CHANGED], 0, (guint) state);
}

static void
emit_error_literal (WvPeer *self, const char *message)
{
  g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, message);

  g_signal_emit (self, signals[SIGNAL_ERROR], 0, error);
}

static void
on_error_event (WvPeer *self, gpointer data)
{
  emit_error_literal (self, data);
  set_state (self, WV_PEER_FAILED);
}

static void
post_failure (WvPeer *self, const char *message)
{
  peer_post (self, on_error_event, g_strdup (message), g_free);
}

/* --- candidates -------------------------------------------------------- */

/* "candidate:<foundation> <component> <transport> <priority> <address> ..." */
gboolean
wv_candidate_family (const char *candidate, int *family)
{
  g_auto(GStrv) parts = NULL;

  if (candidate == NULL)
    return FALSE;
  if (g_str_has_prefix (candidate, "a="))
    candidate += 2;
  parts = g_strsplit (candidate, " ", 8);
  if (g_strv_length (parts) < 6 || !g_str_has_prefix (parts[0], "candidate:"))
    return FALSE;
  if (g_hostname_is_ip_address (parts[4]))
    {
      *family = strchr (parts[4], ':') ? 6 : 4;
      return TRUE;
    }
  return FALSE;
}

typedef struct {
  guint mline;
  char *candidate;
} CandidateEvent;

static void
candidate_event_free (gpointer data)
{
  CandidateEvent *c = data;

  g_free (c->candidate);
  g_free (c);
}

static void
on_local_candidate_event (WvPeer *self, gpointer data)
{
  CandidateEvent *c = data;

  g_signal_emit (self, signals[SIGNAL_LOCAL_CANDIDATE], 0, c->mline, c->candidate);
}

static void
on_ice_candidate (GstElement *webrtc, guint mline, const char *candidate, WvPeer *self)
{
  CandidateEvent *c;
  int family;

  /* Only the connection's own address family takes part. */
  if (self->family != 0 &&
      (!wv_candidate_family (candidate, &family) || family != self->family))
    return;
  c = g_new0 (CandidateEvent, 1);
  c->mline = mline;
  c->candidate = g_strdup (candidate);
  peer_post (self, on_local_candidate_event, c, candidate_event_free);
}

gboolean
wv_peer_add_remote_candidate (WvPeer *self, guint mline, const char *candidate)
{
  int family;

  g_return_val_if_fail (WV_IS_PEER (self), FALSE);

  if (self->closed || candidate == NULL || *candidate == '\0')
    return FALSE;
  if (!wv_candidate_family (candidate, &family))
    return FALSE;
  if (self->family != 0 && family != self->family)
    return FALSE;
  g_signal_emit_by_name (self->webrtc, "add-ice-candidate", mline, candidate);
  return TRUE;
}

/* --- descriptions ----------------------------------------------------------- */

typedef struct {
  char *type;
  char *sdp;
} DescriptionEvent;

static void
description_event_free (gpointer data)
{
  DescriptionEvent *d = data;

  g_free (d->type);
  g_free (d->sdp);
  g_free (d);
}

static void
on_local_description_event (WvPeer *self, gpointer data)
{
  DescriptionEvent *d = data;

  g_signal_emit (self, signals[SIGNAL_LOCAL_DESCRIPTION], 0, d->type, d->sdp);
}

static void
on_description_created (GstPromise *promise, gpointer user_data)
{
  WvPeer *self = user_data;
  const GstStructure *reply;
  GstWebRTCSessionDescription *desc = NULL;
  const char *field = self->offerer ? "offer" : "answer";
  DescriptionEvent *d;

  if (gst_promise_wait (promise) != GST_PROMISE_RESULT_REPLIED ||
      (reply = gst_promise_get_reply (promise)) == NULL ||
      !gst_structure_get (reply, field, GST_TYPE_WEBRTC_SESSION_DESCRIPTION, &desc, NULL) ||
      desc == NULL)
    {
      g_autoptr(GError) err = NULL;

      reply = gst_promise_get_reply (promise);
      if (reply)
        gst_structure_get (reply, "error", G_TYPE_ERROR, &err, NULL);
      post_failure (self, err ? err->message : "webrtcbin could not create a description");
      gst_promise_unref (promise);
      return;
    }
  gst_promise_unref (promise);
  /* (webrtcbin's own thread: closed, the pipeline is being torn down, and
   * webrtc stays valid until that thread is stopped) */
  if (g_atomic_int_get (&self->closed))
    {
      gst_webrtc_session_description_free (desc);
      return;
    }

  g_signal_emit_by_name (self->webrtc, "set-local-description", desc, NULL);

  d = g_new0 (DescriptionEvent, 1);
  d->type = g_strdup (field);
  d->sdp = gst_sdp_message_as_text (desc->sdp);
  gst_webrtc_session_description_free (desc);
  peer_post (self, on_local_description_event, d, description_event_free);
}

void
wv_peer_start (WvPeer *self)
{
  g_return_if_fail (WV_IS_PEER (self));

  if (self->state != WV_PEER_NEW)
    return;
  set_state (self, WV_PEER_CONNECTING);
  if (self->offerer)
    {
      GstPromise *promise = gst_promise_new_with_change_func (on_description_created,
                                                              g_object_ref (self),
                                                              g_object_unref);
      g_signal_emit_by_name (self->webrtc, "create-offer", NULL, promise);
    }
}

static void
on_remote_description_set (GstPromise *promise, gpointer user_data)
{
  WvPeer *self = user_data;
  const GstStructure *reply = gst_promise_get_reply (promise);
  g_autoptr(GError) err = NULL;

  if (reply && gst_structure_get (reply, "error", G_TYPE_ERROR, &err, NULL) && err)
    {
      post_failure (self, err->message);
    }
  else if (!self->offerer && !g_atomic_int_get (&self->closed))
    {
      GstPromise *p = gst_promise_new_with_change_func (on_description_created,
                                                        g_object_ref (self),
                                                        g_object_unref);
      g_signal_emit_by_name (self->webrtc, "create-answer", NULL, p);
    }
  gst_promise_unref (promise);
}

/* Takes the remote peer's offer (answerer) or answer (offerer). Bad SDP is
 * an error for the caller, not a crash. */
/* What we can connect with: an application (data channel) section over
 * DTLS/SCTP, and a DTLS fingerprint at session or media level. Anything
 * else would hold a connection slot until its set-up timeout. */
static gboolean
sdp_has_data_channel (const GstSDPMessage *msg)
{
  gboolean session_fp = gst_sdp_message_get_attribute_val (msg, "fingerprint") != NULL;

  for (guint i = 0; i < gst_sdp_message_medias_len (msg); i++)
    {
      const GstSDPMedia *m = gst_sdp_message_get_media (msg, i);
      const char *proto = gst_sdp_media_get_proto (m);

      if (g_strcmp0 (gst_sdp_media_get_media (m), "application") == 0 &&
          proto && strstr (proto, "SCTP") &&
          (session_fp || gst_sdp_media_get_attribute_val (m, "fingerprint")))
        return TRUE;
    }
  return FALSE;
}

gboolean
wv_peer_set_remote_description (WvPeer *self, const char *type, const char *sdp,
                                GError **error)
{
  GstSDPMessage *msg = NULL;
  GstWebRTCSessionDescription *desc;
  GstPromise *promise;
  const char *want = self->offerer ? "answer" : "offer";

  g_return_val_if_fail (WV_IS_PEER (self), FALSE);

  if (self->closed)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CLOSED, "the peer is closed");
      return FALSE;
    }

  if (g_strcmp0 (type, want) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "expected an SDP %s, got \"%s\"", want, type ? type : "(none)");
      return FALSE;
    }
  /* Empty text would make the SDP parser complain (a critical) instead of
   * failing. */
  if (sdp == NULL || sdp[0] == '\0' || gst_sdp_message_new_from_text (sdp, &msg) != GST_SDP_OK ||
      !sdp_has_data_channel (msg))
    {
      if (msg)
        gst_sdp_message_free (msg);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "the SDP %s cannot be parsed or has no data channel section "
                   "(m=application with a DTLS fingerprint)", want);
      return FALSE;
    }
  if (self->state == WV_PEER_NEW)
    set_state (self, WV_PEER_CONNECTING);

  desc = gst_webrtc_session_description_new (self->offerer ? GST_WEBRTC_SDP_TYPE_ANSWER
                                                           : GST_WEBRTC_SDP_TYPE_OFFER,
                                             msg);
  promise = gst_promise_new_with_change_func (on_remote_description_set,
                                              g_object_ref (self), g_object_unref);
  g_signal_emit_by_name (self->webrtc, "set-remote-description", desc, promise);
  gst_webrtc_session_description_free (desc);
  return TRUE;
}

/* --- channels ------------------------------------------------------------ */

typedef struct {
  guint channel;
  GBytes *data;
  WvRecvInfo info;
} MessageEvent;

static void
message_event_free (gpointer data)
{
  MessageEvent *m = data;

  g_clear_pointer (&m->data, g_bytes_unref);
  g_free (m);
}

static void
on_message_event (WvPeer *self, gpointer data)
{
  MessageEvent *m = data;

  g_signal_emit (self, signals[SIGNAL_MESSAGE], 0, m->channel, m->data, &m->info);
}

static int
channel_index (WvPeer *self, GstWebRTCDataChannel *channel)
{
  for (int i = 0; i < WV_N_CHANNELS; i++)
    if (self->channels[i] == channel)
      return i;
  return -1;
}

static void
on_channel_data (GstWebRTCDataChannel *channel, GBytes *data, const GstStructure *info,
                 WvPeer *self)
{
  int ch = channel_index (self, channel);
  MessageEvent *m;

  if (ch < 0)
    return;
  m = g_new0 (MessageEvent, 1);
  m->channel = ch;
  m->data = data ? g_bytes_ref (data) : g_bytes_new (NULL, 0);
  wv_recv_info_parse (info, &m->info);
  peer_post (self, on_message_event, m, message_event_free);
}

typedef struct {
  guint channel;
  char *text;
} TextEvent;

static void
text_event_free (gpointer data)
{
  TextEvent *t = data;

  g_free (t->text);
  g_free (t);
}

static void
on_text_event (WvPeer *self, gpointer data)
{
  TextEvent *t = data;

  g_signal_emit (self, signals[SIGNAL_TEXT], 0, t->channel, t->text);
}

static void
on_channel_string (GstWebRTCDataChannel *channel, const char *str, WvPeer *self)
{
  int ch = channel_index (self, channel);
  TextEvent *t;

  if (ch < 0)
    return;
  t = g_new0 (TextEvent, 1);
  t->channel = ch;
  t->text = g_strdup (str ? str : "");
  peer_post (self, on_text_event, t, text_event_free);
}

static void
on_open_event (WvPeer *self, gpointer data)
{
  guint ch = GPOINTER_TO_UINT (data);
  gboolean all = TRUE;

  self->open[ch] = TRUE;
  for (guint i = 0; i < WV_N_CHANNELS; i++)
    all = all && self->open[i];
  if (all)
    set_state (self, WV_PEER_CONNECTED);
}

static void
on_channel_open (GstWebRTCDataChannel *channel, WvPeer *self)
{
  int ch = channel_index (self, channel);

  if (ch >= 0)
    peer_post (self, on_open_event, GUINT_TO_POINTER (ch), NULL);
}

static void
on_channel_close (GstWebRTCDataChannel *channel, WvPeer *self)
{
  int ch = channel_index (self, channel);

  if (ch >= 0)
    {
      g_autofree char *msg = g_strdup_printf ("data channel \"%s\" closed",
                                              channel_specs[ch].label);
      post_failure (self, msg);
    }
}

static void
on_channel_error (GstWebRTCDataChannel *channel, GError *error, WvPeer *self)
{
  g_autofree char *msg = g_strdup_printf ("data channel error: %s",
                                          error ? error->message : "unknown");
  post_failure (self, msg);
}

static gboolean
create_channels (WvPeer *self, GError **error)
{
  for (guint i = 0; i < WV_N_CHANNELS; i++)
    {
      g_autoptr(GstStructure) opts = NULL;
      GstWebRTCDataChannel *channel = NULL;

      opts = gst_structure_new ("options",
                                "ordered", G_TYPE_BOOLEAN, channel_specs[i].ordered,
                                "negotiated", G_TYPE_BOOLEAN, TRUE,
                                "id", G_TYPE_INT, i,
                                NULL);
      if (channel_specs[i].max_retransmits >= 0)
        gst_structure_set (opts, "max-retransmits", G_TYPE_INT,
                           channel_specs[i].max_retransmits, NULL);
      g_signal_emit_by_name (self->webrtc, "create-data-channel",
                             channel_specs[i].label, opts, &channel);
      if (channel == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       "webrtcbin refused to create the \"%s\" data channel",
                       channel_specs[i].label);
          return FALSE;
        }
      if (g_signal_lookup ("on-message-data-with-info", G_OBJECT_TYPE (channel)) == 0)
        {
          g_object_unref (channel);
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       "the data channel has no \"on-message-data-with-info\" "
                       "signal: webrtcbin is not the patched one");
          return FALSE;
        }
      self->channels[i] = channel;
      g_signal_connect (channel, "on-open", G_CALLBACK (on_channel_open), self);
      g_signal_connect (channel, "on-close", G_CALLBACK (on_channel_close), self);
      g_signal_connect (channel, "on-error", G_CALLBACK (on_channel_error), self);
      g_signal_connect (channel, "on-message-data-with-info",
                        G_CALLBACK (on_channel_data), self);
      g_signal_connect (channel, "on-message-string",
                        G_CALLBACK (on_channel_string), self);
    }
  return TRUE;
}

gboolean
wv_peer_send (WvPeer *self, WvChannel ch, GBytes *data, const WvSendOptions *options,
              GError **error)
{
  gboolean ret;

  g_return_val_if_fail (WV_IS_PEER (self), FALSE);
  g_return_val_if_fail (ch < WV_N_CHANNELS, FALSE);
  g_return_val_if_fail (data != NULL, FALSE);

  g_rw_lock_reader_lock (&self->channels_lock);
  if (self->channels[ch] == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CLOSED, "the peer is closed");
      ret = FALSE;
    }
  else if (options == NULL || wv_send_options_is_default (options))
    ret = gst_webrtc_data_channel_send_data_full (self->channels[ch], data, error);
  else
    {
      GstWebRTCUdpOptions o;

      wv_send_options_to_udp_options (options, &o);
      ret = gst_webrtc_data_channel_send_data_with_options (self->channels[ch], data,
                                                            &o, error);
    }
  g_rw_lock_reader_unlock (&self->channels_lock);
  return ret;
}

gboolean
wv_peer_send_text (WvPeer *self, WvChannel ch, const char *text, GError **error)
{
  gboolean ret;

  g_return_val_if_fail (WV_IS_PEER (self), FALSE);
  g_return_val_if_fail (ch < WV_N_CHANNELS, FALSE);

  g_rw_lock_reader_lock (&self->channels_lock);
  if (self->channels[ch] == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CLOSED, "the peer is closed");
      ret = FALSE;
    }
  else
    ret = gst_webrtc_data_channel_send_string_full (self->channels[ch], text, error);
  g_rw_lock_reader_unlock (&self->channels_lock);
  return ret;
}

void
wv_peer_set_report_func (WvPeer *self, WvPeerReportFunc func, gpointer user_data)
{
  g_return_if_fail (WV_IS_PEER (self));
  g_mutex_lock (&self->report_func_lock);
  self->report_func = func;
  self->report_func_data = user_data;
  g_mutex_unlock (&self->report_func_lock);
}

guint64
wv_peer_get_buffered_amount (WvPeer *self, WvChannel ch)
{
  guint64 amount = 0;

  g_return_val_if_fail (WV_IS_PEER (self), 0);
  g_rw_lock_reader_lock (&self->channels_lock);
  if (ch < WV_N_CHANNELS && self->channels[ch])
    g_object_get (self->channels[ch], "buffered-amount", &amount, NULL);
  g_rw_lock_reader_unlock (&self->channels_lock);
  return amount;
}

/* --- ICE state and the socket error queue ---------------------------------- */

static void
on_ice_state_event (WvPeer *self, gpointer data)
{
  GstWebRTCICEConnectionState state = GPOINTER_TO_INT (data);

  if (state == GST_WEBRTC_ICE_CONNECTION_STATE_FAILED)
    {
      emit_error_literal (self, "ICE failed: no candidate pair works");
      set_state (self, WV_PEER_FAILED);
    }
  else if (state == GST_WEBRTC_ICE_CONNECTION_STATE_DISCONNECTED &&
           self->state == WV_PEER_CONNECTED)
    {
      emit_error_literal (self, "ICE disconnected: the peer stopped answering");
      set_state (self, WV_PEER_FAILED);
    }
}

static void
on_ice_connection_state (GObject *webrtc, GParamSpec *pspec, WvPeer *self)
{
  GstWebRTCICEConnectionState state;

  g_object_get (webrtc, "ice-connection-state", &state, NULL);
  peer_post (self, on_ice_state_event, GINT_TO_POINTER (state), NULL);
}

static void
on_selected_pair (NiceAgent *agent, guint stream_id, guint component_id,
                  NiceCandidate *local, NiceCandidate *remote, WvPeer *self)
{
  char l[NICE_ADDRESS_STRING_LEN], r[NICE_ADDRESS_STRING_LEN];
  char *pair;

  nice_address_to_string (&local->addr, l);
  nice_address_to_string (&remote->addr, r);
  pair = g_strdup_printf ("%s%s%s:%u %s %s%s%s:%u (%s)",
                          strchr (l, ':') ? "[" : "", l, strchr (l, ':') ? "]" : "",
                          nice_address_get_port (&local->addr),
                          "->",
                          strchr (r, ':') ? "[" : "", r, strchr (r, ':') ? "]" : "",
                          nice_address_get_port (&remote->addr),
                          local->type == NICE_CANDIDATE_TYPE_RELAYED ? "relayed" :
                          local->transport == NICE_CANDIDATE_TRANSPORT_UDP ? "udp" : "tcp");
  g_mutex_lock (&self->lock);
  g_free (self->selected_pair);
  self->selected_pair = pair;
  g_strlcpy (self->selected_local, l, sizeof self->selected_local);
  g_mutex_unlock (&self->lock);
}

char *
wv_peer_dup_local_address (WvPeer *self)
{
  char *addr;

  g_return_val_if_fail (WV_IS_PEER (self), NULL);
  g_mutex_lock (&self->lock);
  addr = self->selected_local[0] ? g_strdup (self->selected_local) : NULL;
  g_mutex_unlock (&self->lock);
  return addr;
}

char *
wv_peer_dup_selected_pair (WvPeer *self)
{
  char *pair;

  g_return_val_if_fail (WV_IS_PEER (self), NULL);
  g_mutex_lock (&self->lock);
  pair = g_strdup (self->selected_pair);
  g_mutex_unlock (&self->lock);
  return pair;
}

static void
on_socket_error_event (WvPeer *self, gpointer data)
{
  g_signal_emit (self, signals[SIGNAL_SOCKET_ERROR], 0, data);
}

static void
on_nice_socket_error (NiceAgent *agent, guint stream_id, guint component_id,
                      NiceSocketError *err, WvPeer *self)
{
  WvSocketError *e = g_new0 (WvSocketError, 1);

  nice_address_to_string (&err->local, e->local_addr);
  e->local_port = nice_address_get_port (&err->local);
  nice_address_to_string (&err->remote, e->remote_addr);
  e->remote_port = nice_address_get_port (&err->remote);
  if (nice_address_is_valid (&err->offender))
    nice_address_to_string (&err->offender, e->offender);
  e->family = nice_address_ip_version (&err->local);
  e->origin = err->origin;
  e->type = err->type;
  e->code = err->code;
  e->info = err->info;
  e->error_code = err->error_code;
  e->icmp_ttl = err->ttl;
  e->receive_time_ns = err->receive_time;
  e->payload_len = MIN (err->payload_len, sizeof e->payload);
  memcpy (e->payload, err->payload, e->payload_len);
  peer_post (self, on_socket_error_event, e, g_free);
}

/* --- bus ----------------------------------------------------------------- */

static void
on_send_report_event (WvPeer *self, gpointer data)
{
  g_signal_emit (self, signals[SIGNAL_SEND_REPORT], 0, data);
}

/* Runs in the thread that posted the message. Reports are posted by
 * sctpenc and nicesink inside webrtcbin, one per probe id. */
static GstBusSyncReply
bus_sync_handler (GstBus *bus, GstMessage *msg, gpointer user_data)
{
  WvPeer *self = user_data;

  switch (GST_MESSAGE_TYPE (msg))
    {
    case GST_MESSAGE_ELEMENT:
      {
        const GstStructure *s = gst_message_get_structure (msg);
        WvSendReport *report;

        if (s == NULL || !gst_structure_has_name (s, "GstUdpSendReport"))
          break;
        report = g_new0 (WvSendReport, 1);
        if (wv_send_report_parse (s, report))
          {
            gboolean taken = FALSE;

            g_mutex_lock (&self->report_func_lock);
            if (self->report_func)
              taken = self->report_func (report, self->report_func_data);
            g_mutex_unlock (&self->report_func_lock);
            if (taken)
              g_free (report);
            else
              peer_post (self, on_send_report_event, report, g_free);
          }
        else
          g_free (report);
        gst_message_unref (msg);
        return GST_BUS_DROP;
      }
    case GST_MESSAGE_ERROR:
      {
        g_autoptr(GError) err = NULL;
        g_autofree char *dbg = NULL;
        g_autofree char *text = NULL;

        gst_message_parse_error (msg, &err, &dbg);
        text = g_strdup_printf ("%s: %s", GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)),
                                err ? err->message : "error");
        g_debug ("pipeline error: %s (%s)", text, dbg ? dbg : "");
        post_failure (self, text);
        gst_message_unref (msg);
        return GST_BUS_DROP;
      }
    default:
      break;
    }
  gst_message_unref (msg);
  return GST_BUS_DROP;
}

/* --- construction ---------------------------------------------------------- */

static gboolean
restrict_local_addresses (WvPeer *self, const char *const *addresses, GError **error)
{
  g_autoptr(GList) ips = NULL;
  guint added = 0;

  if (addresses != NULL)
    {
      for (guint i = 0; addresses[i]; i++)
        {
          NiceAddress addr;

          if (!nice_address_set_from_string (&addr, addresses[i]))
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "\"%s\" is not an IP address", addresses[i]);
              return FALSE;
            }
          if (self->family != 0 && (int) nice_address_ip_version (&addr) != self->family)
            continue;
          nice_agent_add_local_address (self->agent, &addr);
          added++;
        }
    }
  else if (self->family != 0)
    {
      GList *l;

      ips = nice_interfaces_get_local_ips (FALSE);
      for (l = ips; l; l = l->next)
        {
          NiceAddress addr;

          /* IPv6 link-local addresses need a scope and cannot reach a
           * server elsewhere. */
          if (nice_address_set_from_string (&addr, l->data) &&
              (int) nice_address_ip_version (&addr) == self->family &&
              !g_str_has_prefix (l->data, "fe80:"))
            {
              nice_agent_add_local_address (self->agent, &addr);
              added++;
            }
        }
      g_list_free_full (g_steal_pointer (&ips), g_free);
    }
  else
    return TRUE;

  if (added == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "this host has no usable IPv%d address", self->family);
      return FALSE;
    }
  return TRUE;
}

WvPeer *
wv_peer_new (const WvPeerConfig *config, GError **error)
{
  g_autoptr(WvPeer) self = g_object_new (WV_TYPE_PEER, NULL);
  g_autoptr(GstBus) bus = NULL;
  GObject *ice = NULL;

  g_return_val_if_fail (config != NULL, NULL);

  if (config->family != 0 && config->family != 4 && config->family != 6)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "address family must be 4, 6 or any");
      return NULL;
    }
  self->offerer = config->offerer;
  self->family = config->family;

  self->pipeline = gst_pipeline_new (NULL);
  self->webrtc = gst_element_factory_make ("webrtcbin", NULL);
  if (self->webrtc == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "the webrtcbin element is missing");
      return NULL;
    }
  gst_object_ref_sink (self->pipeline);
  gst_bin_add (GST_BIN (self->pipeline), self->webrtc);
  g_object_set (self->webrtc, "bundle-policy", GST_WEBRTC_BUNDLE_POLICY_MAX_BUNDLE, NULL);
  if (config->stun_uri && *config->stun_uri)
    g_object_set (self->webrtc, "stun-server", config->stun_uri, NULL);

  g_object_get (self->webrtc, "ice-agent", &ice, NULL);
  if (ice == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "webrtcbin has no ICE agent");
      return NULL;
    }
  /* Per-packet options need a UDP pair. */
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (ice), "ice-tcp"))
    g_object_set (ice, "ice-tcp", FALSE, NULL);
  g_object_get (ice, "agent", &self->agent, NULL);
  g_object_unref (ice);
  if (self->agent == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the ICE agent is not libnice");
      return NULL;
    }
  g_object_set (self->agent, "socket-errors", config->socket_errors, NULL);
  g_signal_connect (self->agent, "new-selected-pair-full",
                    G_CALLBACK (on_selected_pair), self);
  g_signal_connect (self->agent, "socket-error", G_CALLBACK (on_nice_socket_error), self);
  if (!restrict_local_addresses (self, config->local_addresses, error))
    return NULL;

  g_signal_connect (self->webrtc, "on-ice-candidate", G_CALLBACK (on_ice_candidate), self);
  g_signal_connect (self->webrtc, "notify::ice-connection-state",
                    G_CALLBACK (on_ice_connection_state), self);

  bus = gst_pipeline_get_bus (GST_PIPELINE (self->pipeline));
  gst_bus_set_sync_handler (bus, bus_sync_handler, self, NULL);

  if (gst_element_set_state (self->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the WebRTC pipeline did not start");
      return NULL;
    }
  if (!create_channels (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

/* --- closing ------------------------------------------------------------- */

/* Teardowns still running in their threads, so that a program can wait for
 * them (boundedly) before it exits. */
static GMutex teardown_lock;
static GCond teardown_cond;
static guint teardowns_running;

/* Wakes every streaming thread that waits inside an SCTP encoder. sctpenc's
 * chain function retries a send every 100 ms while the association's send
 * buffer is full, and waits for its turn behind such a pad, until the pad
 * is flushing; its PAUSED_TO_READY transition deactivates the sink pads
 * (which takes their stream locks) without setting that flag first. With a
 * dead or congested peer the state change to NULL would wait forever. A
 * FLUSH_START on each sink pad sets the flag and makes the chains return. */
static void
flush_sctp_encoders (GstElement *pipeline)
{
  g_autoptr(GstIterator) it = gst_bin_iterate_recurse (GST_BIN (pipeline));
  GValue item = G_VALUE_INIT;

  while (gst_iterator_next (it, &item) == GST_ITERATOR_OK)
    {
      GstElement *element = g_value_get_object (&item);
      GstElementFactory *factory = gst_element_get_factory (element);

      if (factory && g_strcmp0 (GST_OBJECT_NAME (factory), "sctpenc") == 0)
        {
          g_autoptr(GstIterator) pads = gst_element_iterate_sink_pads (element);
          GValue pad = G_VALUE_INIT;

          while (gst_iterator_next (pads, &pad) == GST_ITERATOR_OK)
            {
              gst_pad_send_event (g_value_get_object (&pad), gst_event_new_flush_start ());
              g_value_reset (&pad);
            }
          g_value_unset (&pad);
        }
      g_value_reset (&item);
    }
  g_value_unset (&item);
}

static gpointer
teardown_thread (gpointer data)
{
  GstElement *pipeline = data;

  flush_sctp_encoders (pipeline);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
  g_mutex_lock (&teardown_lock);
  teardowns_running--;
  g_cond_broadcast (&teardown_cond);
  g_mutex_unlock (&teardown_lock);
  return NULL;
}

gboolean
wv_peer_wait_teardowns (guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  gboolean done;

  g_mutex_lock (&teardown_lock);
  while (teardowns_running > 0 && g_cond_wait_until (&teardown_cond, &teardown_lock, end))
    ;
  done = teardowns_running == 0;
  g_mutex_unlock (&teardown_lock);
  return done;
}

/* Never blocks the caller on GStreamer: the pipeline goes to NULL in a
 * thread of its own, whatever state the peer is in (dead, congested,
 * bulk traffic queued). The bus handler is removed first, so nothing of
 * the teardown reaches this (maybe soon finalised) object. */
void
wv_peer_close (WvPeer *self)
{
  g_return_if_fail (WV_IS_PEER (self));

  if (self->closed)
    return;
  set_state (self, WV_PEER_CLOSED);
  g_atomic_int_set (&self->closed, TRUE);

  for (guint i = 0; i < WV_N_CHANNELS; i++)
    if (self->channels[i])
      g_signal_handlers_disconnect_by_data (self->channels[i], self);
  if (self->agent)
    g_signal_handlers_disconnect_by_data (self->agent, self);
  if (self->webrtc)
    g_signal_handlers_disconnect_by_data (self->webrtc, self);
  /* No send is under way once this holds; webrtcbin keeps the channels
   * until the teardown finalises it. */
  g_rw_lock_writer_lock (&self->channels_lock);
  for (guint i = 0; i < WV_N_CHANNELS; i++)
    g_clear_object (&self->channels[i]);
  g_rw_lock_writer_unlock (&self->channels_lock);
  if (self->pipeline)
    {
      g_autoptr(GstBus) bus = gst_pipeline_get_bus (GST_PIPELINE (self->pipeline));
      g_autoptr(GThread) thread = NULL;
      /* The thread drops the last reference too: finalising the SCTP
       * association may wait for usrsctp's timers (usrsctp_finish()). */
      GstElement *pipeline = g_steal_pointer (&self->pipeline);

      gst_bus_set_sync_handler (bus, NULL, NULL, NULL);
      gst_bus_set_flushing (bus, TRUE);
      g_mutex_lock (&teardown_lock);
      teardowns_running++;
      g_mutex_unlock (&teardown_lock);
      thread = g_thread_try_new ("wv-peer-close", teardown_thread, pipeline, NULL);
      if (thread == NULL)
        teardown_thread (pipeline);
    }
}

WvPeerState
wv_peer_get_state (WvPeer *self)
{
  g_return_val_if_fail (WV_IS_PEER (self), WV_PEER_CLOSED);
  return self->state;
}

int
wv_peer_get_family (WvPeer *self)
{
  g_return_val_if_fail (WV_IS_PEER (self), 0);
  return self->family;
}

NiceAgent *
wv_peer_get_nice_agent (WvPeer *self)
{
  g_return_val_if_fail (WV_IS_PEER (self), NULL);
  return self->agent;
}

static void
wv_peer_dispose (GObject *object)
{
  WvPeer *self = WV_PEER (object);
  GSource *source;

  wv_peer_close (self);
  /* No more events: the pipeline is down and the queue is dropped. */
  g_mutex_lock (&self->events_lock);
  source = g_steal_pointer (&self->events_source);
  g_mutex_unlock (&self->events_lock);
  if (source)
    {
      g_source_destroy (source);
      g_source_unref (source);
    }
  g_queue_clear_full (&self->events, (GDestroyNotify) peer_event_free);
  G_OBJECT_CLASS (wv_peer_parent_class)->dispose (object);
}

static void
wv_peer_finalize (GObject *object)
{
  WvPeer *self = WV_PEER (object);

  g_clear_object (&self->agent);
  g_clear_object (&self->pipeline);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_free (self->selected_pair);
  g_mutex_clear (&self->lock);
  g_mutex_clear (&self->report_func_lock);
  g_mutex_clear (&self->events_lock);
  g_rw_lock_clear (&self->channels_lock);
  G_OBJECT_CLASS (wv_peer_parent_class)->finalize (object);
}

static void
wv_peer_class_init (WvPeerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = wv_peer_dispose;
  object_class->finalize = wv_peer_finalize;

  /* (const char *type, const char *sdp): to be sent to the remote peer */
  signals[SIGNAL_LOCAL_DESCRIPTION] =
    g_signal_new ("local-description", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  /* (guint mline, const char *candidate): to be sent to the remote peer */
  signals[SIGNAL_LOCAL_CANDIDATE] =
    g_signal_new ("local-candidate", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_STRING);
  /* (guint WvPeerState) */
  signals[SIGNAL_STATE_CHANGED] =
    g_signal_new ("state-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  /* (guint WvChannel, GBytes *data, const WvRecvInfo *info) */
  signals[SIGNAL_MESSAGE] =
    g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_BYTES,
                  G_TYPE_POINTER);
  /* (guint WvChannel, const char *text) */
  signals[SIGNAL_TEXT] =
    g_signal_new ("text", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_STRING);
  /* (const WvSendReport *report) */
  signals[SIGNAL_SEND_REPORT] =
    g_signal_new ("send-report", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  /* (const WvSocketError *error) */
  signals[SIGNAL_SOCKET_ERROR] =
    g_signal_new ("socket-error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  /* (const GError *error): the connection failed or a part of it broke */
  signals[SIGNAL_ERROR] =
    g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
wv_peer_init (WvPeer *self)
{
  g_mutex_init (&self->lock);
  g_mutex_init (&self->report_func_lock);
  g_rw_lock_init (&self->channels_lock);
  self->context = g_main_context_ref_thread_default ();
  self->state = WV_PEER_NEW;
  g_mutex_init (&self->events_lock);
  g_queue_init (&self->events);
  self->events_source = g_source_new (&events_funcs, sizeof (EventsSource));
  ((EventsSource *) self->events_source)->peer = self;
  g_source_set_static_name (self->events_source, "WvPeer events");
  g_source_set_ready_time (self->events_source, -1);
  g_source_attach (self->events_source, self->context);
}
