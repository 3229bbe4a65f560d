/* wv-output.h: measurement records as JSON lines and CSV files
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A WvOutput writes every WvRecord it is given to any number of outputs:
 * JSON lines files (one object per record, "-" for standard output) and CSV
 * directories (one file per record type). docs/output.md documents every
 * field and column.
 *
 * Records are buffered in memory and written out by wv_output_flush() (the
 * CLI calls it every second), when 64 KiB are pending for a file, and by
 * wv_output_close(), which also fsync()s regular files. What a flush has
 * written is in the kernel, so killing the program afterwards loses none of
 * it.
 *
 * Errors. Opening refuses to replace an existing regular file unless
 * overwrite is set (G_FILE_ERROR_EXIST); devices and pipes such as /dev/stderr
 * are always accepted. A failed write (disk full, closed pipe) is reported
 * once, by the call during which it happened, as a G_FILE_ERROR (code from
 * errno) naming the file. That output is then dropped: a regular file is cut
 * back to the end of its last complete line, so everything before the error
 * is intact and no half record is left. The other outputs go on receiving
 * records, and every later write, flush or close returns FALSE with
 * WV_OUTPUT_ERROR_FAILED_EARLIER, which callers that already reported the
 * first error can ignore. SIGPIPE is blocked around writes to pipes and
 * sockets, so a closed standard output is an error (G_FILE_ERROR_PIPE), not
 * the end of the program.
 *
 * Threads: a WvOutput is used from one thread only (in practice the main
 * loop). wv_record_to_json() and wv_output_write_csv_files() keep no shared
 * state and may be called from any thread.
 */

#pragma once

#include <glib.h>

#include "wv-record.h"

G_BEGIN_DECLS

#define WV_OUTPUT_ERROR (wv_output_error_quark ())
GQuark wv_output_error_quark (void);

typedef enum {
  WV_OUTPUT_ERROR_INVALID_RECORD,  /* record type out of range; nothing written */
  WV_OUTPUT_ERROR_FAILED_EARLIER,  /* an output failed in an earlier call (already reported) */
} WvOutputError;

/* Bytes pending for one file before wv_output_write() writes them out. */
#define WV_OUTPUT_BUFFER_SIZE (64 * 1024)

typedef struct _WvOutput WvOutput;

WvOutput *wv_output_new   (void);
/* Closes the outputs if wv_output_close() was not called; a failure then
 * can only be logged (g_warning). */
void      wv_output_free  (WvOutput *o);

/* JSON lines to path, or to standard output for "-" (file descriptor 1,
 * written with write(2) after an fflush (stdout) so that what the program
 * printed through stdio stays in order; not closed at the end). Creates the
 * file (not its directory); refuses an existing regular file unless
 * overwrite, and then truncates it. */
gboolean  wv_output_add_json (WvOutput   *o,
                              const char *path,
                              gboolean    overwrite,
                              GError    **error);

/* CSV files stats.csv, summary.csv, hop.csv, mtu.csv, path_mtu.csv,
 * verdict.csv and wifi.csv in dir (created with its parents if missing).
 * All seven are created at once, each
 * with its header row, so a file with only a header means "no record of this
 * type". If any of them exists as a regular file and overwrite is FALSE,
 * nothing is created and G_FILE_ERROR_EXIST names it. */
gboolean  wv_output_add_csv  (WvOutput   *o,
                              const char *dir,
                              gboolean    overwrite,
                              GError    **error);

/* Who a server's record is about (the measuring server writes the records
 * of all its clients into one output). */
typedef struct {
  const char *address;      /* the client's IP address */
  const char *label;        /* the name it gave itself, or one the server made */
} WvOutputClient;

/* A server's output: every record also names its client, in the fields
 * "client" and "client_label" after "dir" (CSV columns too). Call before
 * adding outputs, so that the CSV headers have the columns. */
void      wv_output_set_per_client (WvOutput *o,
                                    gboolean  per_client);

/* Queues r for every output (JSON: every record; CSV: the file of r's
 * type). FALSE with WV_OUTPUT_ERROR_INVALID_RECORD for a record type out of
 * range (the outputs stay usable), or as described above for write errors. */
gboolean  wv_output_write    (WvOutput       *o,
                              const WvRecord *r,
                              GError        **error);
/* The same for a per-client output; @client may be NULL (unknown fields). */
gboolean  wv_output_write_for_client (WvOutput             *o,
                                      const WvRecord       *r,
                                      const WvOutputClient *client,
                                      GError              **error);
/* Writes everything queued to the kernel. */
gboolean  wv_output_flush    (WvOutput *o,
                              GError  **error);
/* Flushes, fsync()s regular files and closes them. Only wv_output_free() may
 * follow. Closing again does nothing: TRUE, or WV_OUTPUT_ERROR_FAILED_EARLIER
 * if an output ever failed. */
gboolean  wv_output_close    (WvOutput *o,
                              GError  **error);

/* One JSON object on one line, without the newline; NULL if r->type is out
 * of range. Free with g_free(). */
char       *wv_record_to_json (const WvRecord *r);
/* The same with the client fields of a per-client output. */
char       *wv_record_to_json_for_client (const WvRecord       *r,
                                          const WvOutputClient *client);

/* The value formats of the records, for other JSON written alongside them
 * (the run file's metadata): a string made valid UTF-8 and escaped (null
 * for NULL), a number as the records write it (null when not finite), a
 * time as Unix seconds with three decimals. */
void        wv_json_append_string (GString *out, const char *s);
void        wv_json_append_number (GString *out, double v);
void        wv_json_append_time   (GString *out, gint64 time_ns);

/* The GTK app's "Export CSV": the same seven files as wv_output_add_csv() for
 * records[0 .. n-1], flushed and fsync()ed. Stops at the first error. */
gboolean  wv_output_write_csv_files (const char     *dir,
                                     const WvRecord *records,
                                     guint           n,
                                     gboolean        overwrite,
                                     GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WvOutput, wv_output_free)

G_END_DECLS
