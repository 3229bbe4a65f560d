/* wv-record.c: names of the record enumerations
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * These strings are part of the file formats (docs/output.md) and of the
 * wire protocol (docs/protocol.md): never rename one.
 */

#define G_LOG_DOMAIN "wv-record"

#include <glib.h>

#include "wv-record.h"

/* Each function returns NULL for a value outside its enumeration, so that a
 * corrupt value is noticed by the caller instead of being written out under
 * a plausible name. */

const char *
wv_direction_to_string (WvDirection dir)
{
  switch (dir)
    {
    case WV_DIR_C2S:
      return "c2s";
    case WV_DIR_S2C:
      return "s2c";
    default:
      return NULL;
    }
}

const char *
wv_record_type_to_string (WvRecordType type)
{
  switch (type)
    {
    case WV_RECORD_STATS:
      return "stats";
    case WV_RECORD_SUMMARY:
      return "summary";
    case WV_RECORD_HOP:
      return "hop";
    case WV_RECORD_MTU:
      return "mtu";
    case WV_RECORD_PATH_MTU:
      return "path_mtu";
    case WV_RECORD_OUTAGE:
      return "outage";
    case WV_RECORD_LOST:
      return "lost";
    case WV_RECORD_VERDICT:
      return "verdict";
    case WV_RECORD_WIFI:
      return "wifi";
    case WV_N_RECORD_TYPES:
    default:
      return NULL;
    }
}

const char *
wv_owd_mode_to_string (WvOwdMode mode)
{
  switch (mode)
    {
    case WV_OWD_SYNCED:
      return "synced";
    case WV_OWD_OFFSET_ESTIMATED:
      return "offset-estimated";
    default:
      return NULL;
    }
}

const char *
wv_profile_to_string (WvProfile profile)
{
  switch (profile)
    {
    case WV_PROFILE_VOICE:
      return "voice";
    case WV_PROFILE_VIDEO:
      return "video";
    case WV_PROFILE_INTERACTIVE:
      return "interactive";
    case WV_N_PROFILES:
    default:
      return NULL;
    }
}

const char *
wv_grade_to_string (WvGrade grade)
{
  switch (grade)
    {
    case WV_GRADE_UNKNOWN:
      return "unknown";
    case WV_GRADE_GOOD:
      return "good";
    case WV_GRADE_FAIR:
      return "fair";
    case WV_GRADE_POOR:
      return "poor";
    case WV_N_GRADES:
    default:
      return NULL;
    }
}

const char *
wv_verdict_metric_to_string (WvVerdictMetric metric)
{
  switch (metric)
    {
    case WV_VERDICT_METRIC_NONE:
      return "none";
    case WV_VERDICT_METRIC_R_FACTOR:
      return "r_factor";
    case WV_VERDICT_METRIC_DELAY:
      return "delay_ms";
    case WV_VERDICT_METRIC_LOSS:
      return "loss_pct";
    case WV_VERDICT_METRIC_OUTAGE:
      return "outage_s";
    case WV_N_VERDICT_METRICS:
    default:
      return NULL;
    }
}

/* IEEE 802.11 bands by centre frequency: 2.4 GHz (2412-2484 MHz), 5 GHz
 * (5150-5895 MHz, with the 4.9 GHz public-safety channels), 6 GHz
 * (5925-7125 MHz). */
const char *
wv_wifi_band (guint frequency_mhz)
{
  if (frequency_mhz >= 2400 && frequency_mhz < 2500)
    return "2.4 GHz";
  if (frequency_mhz >= 4900 && frequency_mhz < 5925)
    return "5 GHz";
  if (frequency_mhz >= 5925 && frequency_mhz <= 7125)
    return "6 GHz";
  return NULL;
}
