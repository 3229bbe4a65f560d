/* wv-wifi.h: the Wi-Fi link a measurement goes through, from NetworkManager
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Given the interfaces the connections use, finds the ones NetworkManager
 * knows as Wi-Fi devices and reads their link once at the start and then
 * once a second: SSID, BSSID, frequency (band, channel), signal strength
 * and the link bit rate, as "wifi" records. A change of BSSID between two
 * readings is a roam (the record says so). Everything is asynchronous: no
 * NetworkManager, no system bus, or a bus that does not answer within
 * WV_WIFI_TIMEOUT_MS only end in a reason why there are no Wi-Fi facts.
 */
#pragma once

#include <glib-object.h>

#include "wv-record.h"
#include "wv-run.h"

G_BEGIN_DECLS

#define WV_WIFI_TIMEOUT_MS 3000
#define WV_WIFI_PERIOD_MS  1000

#define WV_TYPE_WIFI_MONITOR (wv_wifi_monitor_get_type ())
G_DECLARE_FINAL_TYPE (WvWifiMonitor, wv_wifi_monitor, WV, WIFI_MONITOR, GObject)

WvWifiMonitor *wv_wifi_monitor_new        (void);
/* Starts watching @ifaces (interface names; those that are not Wi-Fi are
 * left out). "record" (const WvRecord *) is emitted per reading; "ready"
 * once it is known whether there is a link to read. Starting again
 * replaces the interfaces. */
void           wv_wifi_monitor_start      (WvWifiMonitor       *self,
                                           const char * const  *ifaces);
void           wv_wifi_monitor_stop       (WvWifiMonitor       *self);
/* Whether the answer is known (the "ready" signal was emitted). */
gboolean       wv_wifi_monitor_is_ready   (WvWifiMonitor       *self);
/* The first reading, if there was one. */
gboolean       wv_wifi_monitor_get_first  (WvWifiMonitor       *self,
                                           WvWifiRecord        *out);
/* Why there is no reading (WV_WIFI_ABSENT_NONE when there is), with a
 * sentence for people in @detail (may be NULL). */
WvWifiAbsent   wv_wifi_monitor_get_absent (WvWifiMonitor       *self,
                                           const char         **detail);
/* Puts the first reading, or the reason there is none, into @meta. */
void           wv_wifi_monitor_fill_meta  (WvWifiMonitor       *self,
                                           WvRunMeta           *meta);

G_END_DECLS
