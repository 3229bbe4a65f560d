/* wv-record-json.h: reading records back from their JSON form
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The inverse of wv_record_to_json() (docs/output.md), for run files and
 * JSON lines written earlier. Lenient on purpose: a file may come from
 * another version of the program, so members that are missing take their
 * "unknown" value and members we do not know are ignored; only "type" and
 * "time" are required. For every record R,
 * wv_record_to_json (parse (wv_record_to_json (R))) is the same text
 * (SSIDs longer than 32 bytes once made valid UTF-8 are cut).
 */
#pragma once

#include <json-glib/json-glib.h>

#include "wv-record.h"

G_BEGIN_DECLS

#define WV_RECORD_JSON_ERROR (wv_record_json_error_quark ())
GQuark wv_record_json_error_quark (void);

typedef enum {
  WV_RECORD_JSON_ERROR_SYNTAX,        /* not a JSON object */
  WV_RECORD_JSON_ERROR_UNKNOWN_TYPE,  /* a "type" we do not know (maybe newer) */
  WV_RECORD_JSON_ERROR_INVALID,       /* "type" or "time" missing or wrong */
} WvRecordJsonError;

/* The record type named by "type" in @o, or FALSE. */
gboolean wv_record_type_from_string (const char   *name,
                                     WvRecordType *out);

gboolean wv_record_from_json_object (JsonObject  *o,
                                     WvRecord    *out,
                                     GError     **error);
/* One line of JSON (without its newline). */
gboolean wv_record_from_json        (const char  *text,
                                     gssize       len,
                                     WvRecord    *out,
                                     GError     **error);

/* Seconds with up to nanosecond decimals (a record's "time") to
 * nanoseconds, rounded to the millisecond the writer kept. */
gint64   wv_record_json_time_ns     (double       seconds);

G_END_DECLS
