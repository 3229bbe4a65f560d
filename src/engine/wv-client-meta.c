/* wv-client-meta.c: a measurement's run-file metadata
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wv-client"

#include "config.h"

#include "wv-client-meta.h"
#include "wv-dscp.h"
#include "wv-host.h"
#include "wv-path-probe.h"

static const char *
owd_mode_name (int mode)
{
  switch (mode)
    {
    case WV_OWD_SYNCED:
      return "synced";
    case WV_OWD_OFFSET_ESTIMATED:
      return "estimated";
    default:
      return "auto";
    }
}

JsonObject *
wv_client_config_to_json (const WvClientConfig *c)
{
  JsonObject *o = json_object_new ();
  g_autoptr(GString) classes = g_string_new (NULL);
  g_autofree char *sizes = NULL;

  json_object_set_string_member (o, "families", c->ipv4 && c->ipv6 ? "4,6" : c->ipv4 ? "4" : "6");
  json_object_set_int_member (o, "connections", c->connections);
  json_object_set_string_member (o, "phases",
                                 c->traceroute && c->mtu && c->streams_phase ? "all"
                                 : c->traceroute && c->mtu ? "traceroute,mtu"
                                 : c->traceroute && c->streams_phase ? "traceroute,streams"
                                 : c->mtu && c->streams_phase ? "mtu,streams"
                                 : c->traceroute ? "traceroute" : c->mtu ? "mtu" : "streams");
  json_object_set_double_member (o, "duration_s", c->streams.duration_s);
  json_object_set_int_member (o, "rate_pps", c->streams.rate_pps);
  json_object_set_int_member (o, "probe_size", c->streams.probe_size);
  json_object_set_int_member (o, "bulk_bps", (gint64) c->streams.bulk_bps);
  for (guint i = 0; i < c->streams.classes.n_classes; i++)
    {
      const char *name = wv_dscp_name (c->streams.classes.dscp[i]);

      if (i)
        g_string_append_c (classes, ',');
      if (name)
        g_string_append (classes, name);
      else
        g_string_append_printf (classes, "%d", c->streams.classes.dscp[i]);
    }
  json_object_set_string_member (o, "dscp", classes->len ? classes->str : "default");
  json_object_set_string_member (o, "owd", owd_mode_name (c->owd_mode));
  json_object_set_int_member (o, "max_ttl", c->max_ttl);
  json_object_set_int_member (o, "rounds", c->rounds);
  if (c->trace_dscp >= 0)
    json_object_set_string_member (o, "trace_dscp", wv_dscp_name (c->trace_dscp) ?: "?");
  json_object_set_int_member (o, "mtu_max", c->mtu_max);
  if (c->n_mtu_sizes > 0)
    sizes = wv_mtu_sizes_to_string (c->mtu_sizes, c->n_mtu_sizes);
  else
    {
      guint n;
      const guint *d = wv_mtu_sizes_default (&n);

      sizes = wv_mtu_sizes_to_string (d, n);
    }
  json_object_set_string_member (o, "mtu_sizes", sizes);
  if (c->stun_uri)
    json_object_set_string_member (o, "stun", c->stun_uri);
  return o;
}

WvRunMeta *
wv_client_new_run_meta (WvClient *client)
{
  const WvClientConfig *c = wv_client_get_config (client);
  WvRunMeta *meta = wv_run_meta_new ();

  meta->mode = g_strdup (c->url ? "run" : "self-test");
  meta->server = g_strdup (c->url);
  json_object_unref (meta->settings);
  meta->settings = wv_client_config_to_json (c);
  return meta;
}

void
wv_client_update_run_meta (WvClient *client, WvRunMeta *meta)
{
  for (guint i = 0; i < wv_client_get_n_connections (client); i++)
    {
      WvConnection *conn = wv_client_get_connection (client, i);
      g_autofree char *addr = conn ? wv_peer_dup_local_address (wv_connection_get_peer (conn)) : NULL;
      g_autofree char *iface = wv_host_dup_interface_for_address (addr);

      if (addr != NULL)
        wv_run_meta_add_interface (meta, iface ? iface : "?", addr);
    }
  wv_wifi_monitor_fill_meta (wv_client_get_wifi_monitor (client), meta);
  meta->end_ns = g_get_real_time () * 1000;
}
