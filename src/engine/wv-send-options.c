/* wv-send-options.c: per-message UDP options, send reports, receive info
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wv-send-options"

#include "config.h"

#include <string.h>

#include "wv-send-options.h"

gboolean
wv_send_options_is_default (const WvSendOptions *o)
{
  return o->ttl < 0 && o->tos < 0 && o->df == WV_DF_DEFAULT &&
         o->flow_label < 0 && o->pad_to == 0 && o->probe_id == 0;
}

/* For gst_webrtc_data_channel_send_data_with_options() (patched
 * gst-plugins-bad). Out-of-range values are left unset rather than
 * rejected later, so callers validate user input before. */
void
wv_send_options_to_udp_options (const WvSendOptions *o, GstWebRTCUdpOptions *out)
{
  memset (out, 0, sizeof *out);
  if (o->ttl >= 1 && o->ttl <= 255)
    {
      out->flags |= GST_WEBRTC_UDP_OPTION_TTL;
      out->ttl = o->ttl;
    }
  if (o->tos >= 0 && o->tos <= 255)
    {
      out->flags |= GST_WEBRTC_UDP_OPTION_TOS;
      out->tos = o->tos;
    }
  if (o->df != WV_DF_DEFAULT)
    {
      out->flags |= GST_WEBRTC_UDP_OPTION_DF;
      out->df = o->df == WV_DF_ON;
    }
  if (o->flow_label >= 0 && o->flow_label <= 0xfffff)
    {
      out->flags |= GST_WEBRTC_UDP_OPTION_FLOW_LABEL;
      out->flow_label = o->flow_label;
    }
  if (o->pad_to > 0 && o->pad_to <= G_MAXUINT16)
    {
      out->flags |= GST_WEBRTC_UDP_OPTION_PAD_TO;
      out->pad_to = o->pad_to;
    }
  if (o->probe_id != 0)
    {
      out->flags |= GST_WEBRTC_UDP_OPTION_PROBE_ID;
      out->probe_id = o->probe_id;
    }
}

static void
copy_string (const GstStructure *s, const char *field, char *dest, gsize size)
{
  const char *v = gst_structure_get_string (s, field);

  g_strlcpy (dest, v ? v : "", size);
}

gboolean
wv_send_report_parse (const GstStructure *s, WvSendReport *out)
{
  memset (out, 0, sizeof *out);
  if (!gst_structure_has_name (s, "GstUdpSendReport") ||
      !gst_structure_get_uint64 (s, "probe-id", &out->probe_id))
    return FALSE;

  gst_structure_get_boolean (s, "sent", &out->sent);
  gst_structure_get_boolean (s, "applied", &out->applied);
  copy_string (s, "stage", out->stage, sizeof out->stage);
  copy_string (s, "reason", out->reason, sizeof out->reason);
  copy_string (s, "local-address", out->local_addr, sizeof out->local_addr);
  copy_string (s, "remote-address", out->remote_addr, sizeof out->remote_addr);
  gst_structure_get_uint (s, "local-port", &out->local_port);
  gst_structure_get_uint (s, "remote-port", &out->remote_port);
  gst_structure_get_uint (s, "family", &out->family);
  gst_structure_get_int64 (s, "send-time", &out->send_time_ns);
  gst_structure_get_uint (s, "udp-length", &out->udp_length);
  gst_structure_get_uint (s, "ip-length", &out->ip_length);
  gst_structure_get_uint (s, "udp-checksum", &out->udp_checksum);
  out->has_dtls = gst_structure_get_uint64 (s, "dtls-sequence", &out->dtls_seq);
  gst_structure_get_uint (s, "dtls-epoch", &out->dtls_epoch);
  gst_structure_get_uint (s, "dtls-content-type", &out->dtls_content_type);
  return TRUE;
}

void
wv_recv_info_parse (const GstStructure *s, WvRecvInfo *out)
{
  WvRecvInfo init = WV_RECV_INFO_INIT;

  *out = init;
  if (s == NULL)
    return;
  gst_structure_get_int (s, "ttl", &out->ttl);
  gst_structure_get_int (s, "tos", &out->tos);
  gst_structure_get_int64 (s, "receive-time", &out->receive_time_ns);
  gst_structure_get_uint (s, "length", &out->length);
}
