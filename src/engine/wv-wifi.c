/* wv-wifi.c: the Wi-Fi link a measurement goes through, from NetworkManager
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libnm keeps a cache of NetworkManager's objects, updated from D-Bus
 * signals in this thread's main context; a reading is a look at that
 * cache. The signal strength is NetworkManager's percentage of the access
 * point (it has no dBm on D-Bus), the bit rate the device's current link
 * rate (Kbit/s on D-Bus), the channel follows from the frequency.
 */
#define G_LOG_DOMAIN "wv-wifi"

#include "config.h"

#include <string.h>

#ifdef WV_HAVE_LIBNM
#include <NetworkManager.h>
#endif

#include "wv-clock.h"
#include "wv-wifi.h"

struct _WvWifiMonitor
{
  GObject parent_instance;

  GStrv ifaces;
  GCancellable *cancellable;
  guint timeout_id;
  guint tick_id;
  gboolean ready;
  WvWifiAbsent absent;
  char *detail;
  gboolean have_first;
  WvWifiRecord first;
  GHashTable *last_bssid;    /* iface -> last BSSID read */
#ifdef WV_HAVE_LIBNM
  NMClient *nm;
#endif
};

G_DEFINE_FINAL_TYPE (WvWifiMonitor, wv_wifi_monitor, G_TYPE_OBJECT)

enum {
  SIGNAL_RECORD,
  SIGNAL_READY,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
set_ready (WvWifiMonitor *self, WvWifiAbsent absent, char *detail)
{
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  self->absent = absent;
  g_free (self->detail);
  self->detail = detail;
  if (self->ready)
    return;
  self->ready = TRUE;
  g_signal_emit (self, signals[SIGNAL_READY], 0);
}

#ifdef WV_HAVE_LIBNM

/* One reading of @dev; FALSE when it has no access point. */
static gboolean
read_device (WvWifiMonitor *self, NMDeviceWifi *dev, const char *iface, WvWifiRecord *w)
{
  NMAccessPoint *ap = nm_device_wifi_get_active_access_point (dev);
  GBytes *ssid;
  const char *bssid, *last;

  if (ap == NULL)
    return FALSE;
  memset (w, 0, sizeof *w);
  g_strlcpy (w->iface, iface, sizeof w->iface);
  ssid = nm_access_point_get_ssid (ap);
  if (ssid != NULL)
    {
      gsize len;
      const guint8 *data = g_bytes_get_data (ssid, &len);

      w->ssid_len = (guint) MIN (len, WV_SSID_MAX);
      memcpy (w->ssid, data, w->ssid_len);
    }
  bssid = nm_access_point_get_bssid (ap);
  if (bssid != NULL && strlen (bssid) < sizeof w->bssid)
    {
      g_strlcpy (w->bssid, bssid, sizeof w->bssid);
      for (char *p = w->bssid; *p; p++)
        *p = g_ascii_tolower (*p);
    }
  w->frequency_mhz = nm_access_point_get_frequency (ap);
  w->channel = w->frequency_mhz ? nm_utils_wifi_freq_to_channel (w->frequency_mhz) : 0;
  w->signal_pct = MIN (nm_access_point_get_strength (ap), 100);
  w->bitrate_kbps = nm_device_wifi_get_bitrate (dev);

  last = g_hash_table_lookup (self->last_bssid, iface);
  w->roamed = last != NULL && w->bssid[0] && strcmp (last, w->bssid) != 0;
  if (w->bssid[0])
    g_hash_table_insert (self->last_bssid, g_strdup (iface), g_strdup (w->bssid));
  return TRUE;
}

static void
sample (WvWifiMonitor *self)
{
  for (guint i = 0; self->ifaces && self->ifaces[i]; i++)
    {
      NMDevice *dev = nm_client_get_device_by_iface (self->nm, self->ifaces[i]);
      WvRecord r = { .type = WV_RECORD_WIFI };

      if (!NM_IS_DEVICE_WIFI (dev) || !read_device (self, NM_DEVICE_WIFI (dev), self->ifaces[i], &r.wifi))
        continue;
      r.time_ns = wv_now_ns ();
      if (!self->have_first)
        {
          self->have_first = TRUE;
          self->first = r.wifi;
        }
      g_signal_emit (self, signals[SIGNAL_RECORD], 0, &r);
    }
}

static gboolean
tick (gpointer data)
{
  sample (data);
  return G_SOURCE_CONTINUE;
}

/* Decides why there is no link when no interface gave a reading. */
static void
judge_absence (WvWifiMonitor *self)
{
  g_autoptr(GString) not_wifi = g_string_new (NULL);

  if (self->ifaces == NULL || self->ifaces[0] == NULL)
    {
      set_ready (self, WV_WIFI_ABSENT_NOT_CHECKED, g_strdup ("no connection came up to look at"));
      return;
    }
  for (guint i = 0; self->ifaces[i]; i++)
    {
      NMDevice *dev = nm_client_get_device_by_iface (self->nm, self->ifaces[i]);

      if (NM_IS_DEVICE_WIFI (dev))
        {
          set_ready (self, WV_WIFI_ABSENT_NOT_ASSOCIATED,
                     g_strdup_printf ("%s is a Wi-Fi interface without an access point", self->ifaces[i]));
          return;
        }
      g_string_append_printf (not_wifi, "%s%s", not_wifi->len ? ", " : "", self->ifaces[i]);
    }
  set_ready (self, WV_WIFI_ABSENT_NOT_WIFI,
             g_strdup_printf ("%s %s not a Wi-Fi interface (the measurement did not use Wi-Fi here)",
                              not_wifi->str, self->ifaces[1] ? "are" : "is"));
}

static void
client_ready (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr(GError) error = NULL;
  NMClient *nm = nm_client_new_finish (res, &error);
  WvWifiMonitor *self;

  self = WV_WIFI_MONITOR (data);
  if (nm == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_object_unref (self);
      return;
    }
  /* Stopped meanwhile: the answer is not wanted. */
  if (self->cancellable == NULL || g_cancellable_is_cancelled (self->cancellable))
    {
      g_clear_object (&nm);
      g_object_unref (self);
      return;
    }
  g_object_unref (self);
  if (nm == NULL)
    {
      set_ready (self, WV_WIFI_ABSENT_NO_NETWORKMANAGER,
                 g_strdup_printf ("NetworkManager cannot be asked: %s", error->message));
      return;
    }
  self->nm = nm;
  if (!nm_client_get_nm_running (nm))
    {
      set_ready (self, WV_WIFI_ABSENT_NO_NETWORKMANAGER, g_strdup ("NetworkManager is not running"));
      return;
    }
  sample (self);
  if (self->have_first)
    {
      set_ready (self, WV_WIFI_ABSENT_NONE, NULL);
      self->tick_id = g_timeout_add (WV_WIFI_PERIOD_MS, tick, self);
    }
  else
    judge_absence (self);
}

static gboolean
timed_out (gpointer data)
{
  WvWifiMonitor *self = data;

  self->timeout_id = 0;
  g_cancellable_cancel (self->cancellable);
  set_ready (self, WV_WIFI_ABSENT_NO_NETWORKMANAGER,
             g_strdup_printf ("NetworkManager did not answer within %d s", WV_WIFI_TIMEOUT_MS / 1000));
  return G_SOURCE_REMOVE;
}

#endif /* WV_HAVE_LIBNM */

void
wv_wifi_monitor_start (WvWifiMonitor *self, const char * const *ifaces)
{
  g_return_if_fail (WV_IS_WIFI_MONITOR (self));

  wv_wifi_monitor_stop (self);
  g_strfreev (self->ifaces);
  self->ifaces = g_strdupv ((char **) ifaces);
#ifdef WV_HAVE_LIBNM
  if (self->nm != NULL)
    {
      /* Already connected: read the new interfaces at once. */
      sample (self);
      if (self->have_first)
        {
          set_ready (self, WV_WIFI_ABSENT_NONE, NULL);
          self->tick_id = g_timeout_add (WV_WIFI_PERIOD_MS, tick, self);
        }
      else if (nm_client_get_nm_running (self->nm))
        judge_absence (self);
      return;
    }
  self->cancellable = g_cancellable_new ();
  self->timeout_id = g_timeout_add (WV_WIFI_TIMEOUT_MS, timed_out, self);
  /* The request holds a reference until it ends, which the timeout
   * makes sure of. */
  nm_client_new_async (self->cancellable, client_ready, g_object_ref (self));
#else
  set_ready (self, WV_WIFI_ABSENT_UNSUPPORTED, g_strdup ("built without NetworkManager support (libnm)"));
#endif
}

void
wv_wifi_monitor_stop (WvWifiMonitor *self)
{
  g_return_if_fail (WV_IS_WIFI_MONITOR (self));

  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
}

gboolean
wv_wifi_monitor_is_ready (WvWifiMonitor *self)
{
  g_return_val_if_fail (WV_IS_WIFI_MONITOR (self), FALSE);
  return self->ready;
}

gboolean
wv_wifi_monitor_get_first (WvWifiMonitor *self, WvWifiRecord *out)
{
  g_return_val_if_fail (WV_IS_WIFI_MONITOR (self), FALSE);

  if (self->have_first && out != NULL)
    *out = self->first;
  return self->have_first;
}

WvWifiAbsent
wv_wifi_monitor_get_absent (WvWifiMonitor *self, const char **detail)
{
  g_return_val_if_fail (WV_IS_WIFI_MONITOR (self), WV_WIFI_ABSENT_NOT_CHECKED);

  if (self->have_first)
    {
      if (detail)
        *detail = NULL;
      return WV_WIFI_ABSENT_NONE;
    }
  if (!self->ready)
    {
      if (detail)
        *detail = self->ifaces ? "NetworkManager had not answered yet" : "no connection came up to look at";
      return self->ifaces ? WV_WIFI_ABSENT_NO_NETWORKMANAGER : WV_WIFI_ABSENT_NOT_CHECKED;
    }
  if (detail)
    *detail = self->detail;
  return self->absent;
}

void
wv_wifi_monitor_fill_meta (WvWifiMonitor *self, WvRunMeta *meta)
{
  const char *detail = NULL;

  g_return_if_fail (WV_IS_WIFI_MONITOR (self) && meta != NULL);

  meta->has_wifi = wv_wifi_monitor_get_first (self, &meta->wifi);
  meta->wifi_absent = wv_wifi_monitor_get_absent (self, &detail);
  g_free (meta->wifi_absent_detail);
  meta->wifi_absent_detail = g_strdup (detail);
}

static void
wv_wifi_monitor_dispose (GObject *object)
{
  WvWifiMonitor *self = WV_WIFI_MONITOR (object);

  wv_wifi_monitor_stop (self);
#ifdef WV_HAVE_LIBNM
  g_clear_object (&self->nm);
#endif
  G_OBJECT_CLASS (wv_wifi_monitor_parent_class)->dispose (object);
}

static void
wv_wifi_monitor_finalize (GObject *object)
{
  WvWifiMonitor *self = WV_WIFI_MONITOR (object);

  g_strfreev (self->ifaces);
  g_free (self->detail);
  g_hash_table_unref (self->last_bssid);
  G_OBJECT_CLASS (wv_wifi_monitor_parent_class)->finalize (object);
}

static void
wv_wifi_monitor_class_init (WvWifiMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = wv_wifi_monitor_dispose;
  object_class->finalize = wv_wifi_monitor_finalize;

  /* (const WvRecord *record): one reading, a WV_RECORD_WIFI */
  signals[SIGNAL_RECORD] =
    g_signal_new ("record", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  /* Whether there is a link to read is known. */
  signals[SIGNAL_READY] =
    g_signal_new ("ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
wv_wifi_monitor_init (WvWifiMonitor *self)
{
  self->absent = WV_WIFI_ABSENT_NOT_CHECKED;
  self->last_bssid = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

WvWifiMonitor *
wv_wifi_monitor_new (void)
{
  return g_object_new (WV_TYPE_WIFI_MONITOR, NULL);
}
