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
