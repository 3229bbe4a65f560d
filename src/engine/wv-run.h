/* wv-run.h: a run kept as one file, and read back
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A run file (".wvrun", MIME type application/x-wifi-verify-run) is the
 * run's records as JSON lines (docs/output.md), gzip-compressed, after a
 * first "meta" line: program version, start and end, mode, server, the
 * settings, this host, the interfaces the connections used and the Wi-Fi
 * link (or why there is none). docs/run-file.md describes it.
 *
 * Writing: records go to "FILE.partial" as they come, flushed with a zlib
 * sync flush on every wv_run_writer_flush(), so that after a crash the
 * partial file holds everything up to the last flush and reads like a run
 * file. wv_run_writer_finish() writes FILE: a first gzip member with the
 * final metadata, then the records' member copied as it is (gzip readers
 * decompress concatenated members as one stream, RFC 1952 2.2), and
 * removes the partial file.
 *
 * Reading: gzip (any number of members) or plain JSON lines, which is
 * what --json writes. A truncated or damaged file gives what could be
 * read, with the problems listed; a line that is not a record we know is
 * skipped and counted.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "wv-record.h"

G_BEGIN_DECLS

#define WV_RUN_FILE_FORMAT 1
#define WV_RUN_FILE_SUFFIX ".wvrun"
#define WV_RUN_MIME_TYPE "application/x-wifi-verify-run"

/* Why a run has no Wi-Fi facts. */
typedef enum {
  WV_WIFI_ABSENT_NONE,               /* there are: the link was read */
  WV_WIFI_ABSENT_NOT_CHECKED,        /* no connection came up to look at */
  WV_WIFI_ABSENT_NOT_WIFI,           /* the interfaces used are not Wi-Fi */
  WV_WIFI_ABSENT_NOT_ASSOCIATED,     /* a Wi-Fi interface without an access point */
  WV_WIFI_ABSENT_NO_NETWORKMANAGER,  /* NetworkManager is not running or did not answer */
  WV_WIFI_ABSENT_UNSUPPORTED,        /* built without libnm */
  WV_N_WIFI_ABSENT
} WvWifiAbsent;

const char *wv_wifi_absent_to_string (WvWifiAbsent reason);

typedef struct {
  char *name;
  GStrv addresses;          /* the local addresses the connections used on it */
} WvRunInterface;

typedef struct {
  int format;               /* WV_RUN_FILE_FORMAT */
  char *version;            /* of the program that measured */
  gint64 start_ns;          /* CLOCK_REALTIME */
  gint64 end_ns;            /* 0 unknown (a partial file) */
  char *mode;               /* "self-test" or "run" */
  char *server;             /* the server URL, NULL in a self-test */
  JsonObject *settings;     /* name -> value, as the front end had them */
  char *hostname;
  char *os;
  char *kernel;
  GPtrArray *interfaces;    /* WvRunInterface */
  gboolean has_wifi;        /* wifi: the link at the start */
  WvWifiRecord wifi;
  WvWifiAbsent wifi_absent;
  char *wifi_absent_detail; /* for people, e.g. "lo is not a Wi-Fi interface" */
  /* The run's verdict per profile (the run-scope verdict records), so that
   * a list of runs needs only the metadata. */
  WvGrade verdict[WV_N_PROFILES];
} WvRunMeta;

/* Version, this host and the start time filled in. */
WvRunMeta *wv_run_meta_new              (void);
WvRunMeta *wv_run_meta_copy             (const WvRunMeta *meta);
void       wv_run_meta_free             (WvRunMeta       *meta);
/* Adds @addr to the interface named @name (once). */
void       wv_run_meta_add_interface    (WvRunMeta       *meta,
                                         const char      *name,
                                         const char      *addr);
/* Notes what the metadata keeps of a record: the run's verdicts. */
void       wv_run_meta_take_record      (WvRunMeta       *meta,
                                         const WvRecord  *record);
/* The "meta" line, without newline. */
char      *wv_run_meta_to_json          (const WvRunMeta *meta);
WvRunMeta *wv_run_meta_from_json_object (JsonObject      *o);

typedef struct _WvRunWriter WvRunWriter;

/* Creates "@path.partial" (refusing it, and @path, when they exist unless
 * @overwrite) and writes @meta into it. */
WvRunWriter *wv_run_writer_new    (const char      *path,
                                   gboolean         overwrite,
                                   const WvRunMeta *meta,
                                   GError         **error);
gboolean     wv_run_writer_add    (WvRunWriter     *self,
                                   const WvRecord  *record,
                                   GError         **error);
/* Makes everything added so far readable from the partial file. */
gboolean     wv_run_writer_flush  (WvRunWriter     *self,
                                   GError         **error);
/* Writes @path with @meta (now with its end time) and removes the partial
 * file. After a failure the partial file stays. */
gboolean     wv_run_writer_finish (WvRunWriter     *self,
                                   const WvRunMeta *meta,
                                   GError         **error);
const char  *wv_run_writer_get_partial_path (WvRunWriter *self);
/* Without finish: leaves the partial file as it is. */
void         wv_run_writer_free   (WvRunWriter     *self);

typedef struct {
  WvRunMeta *meta;          /* NULL: the file had none (plain JSON lines) */
  GArray *records;          /* WvRecord, in file order */
  GPtrArray *problems;      /* char *: what could not be read, for people */
  guint n_skipped;          /* lines that were not records we know */
  gboolean truncated;       /* the file ends early or is damaged */
} WvRun;

/* NULL (and @error) only if the file cannot be opened or holds nothing
 * readable at all. */
WvRun   *wv_run_load        (GFile               *file,
                             GCancellable        *cancellable,
                             GError             **error);
/* Only the metadata, from the start of the file (a list of runs): NULL
 * and @error when it cannot be read or has none. Blocking: call it from a
 * worker thread for many files. */
WvRunMeta *wv_run_load_meta (GFile               *file,
                             GCancellable        *cancellable,
                             GError             **error);
/* The same in a worker thread. */
void     wv_run_load_async  (GFile               *file,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data);
WvRun   *wv_run_load_finish (GAsyncResult        *result,
                             GError             **error);
void     wv_run_free        (WvRun               *run);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WvRunMeta, wv_run_meta_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WvRunWriter, wv_run_writer_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WvRun, wv_run_free)

G_END_DECLS
