/* wv-run.c: a run kept as one file, and read back
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * See wv-run.h for the file layout. The records' gzip member is written
 * through a GZlibCompressor as they come; the metadata member is made
 * whole at the start (partial file) and again at the end (final file),
 * which then only copies the records' member: nothing is compressed twice.
 */
#define G_LOG_DOMAIN "wv-run"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gio/gunixoutputstream.h>

#include "wv-host.h"
#include "wv-output.h"
#include "wv-record-json.h"
#include "wv-run.h"

/* Longest line the reader accepts: far above any record. */
#define MAX_LINE (1024 * 1024)
/* Problems listed one by one; the rest are counted. */
#define MAX_PROBLEMS 20

const char *
wv_wifi_absent_to_string (WvWifiAbsent reason)
{
  switch (reason)
    {
    case WV_WIFI_ABSENT_NONE:
      return NULL;
    case WV_WIFI_ABSENT_NOT_CHECKED:
      return "not-checked";
    case WV_WIFI_ABSENT_NOT_WIFI:
      return "not-wifi";
    case WV_WIFI_ABSENT_NOT_ASSOCIATED:
      return "not-associated";
    case WV_WIFI_ABSENT_NO_NETWORKMANAGER:
      return "no-networkmanager";
    case WV_WIFI_ABSENT_UNSUPPORTED:
      return "unsupported";
    case WV_N_WIFI_ABSENT:
    default:
      return NULL;
    }
}

/* --- metadata ------------------------------------------------------------------------ */

static void
run_interface_free (gpointer data)
{
  WvRunInterface *i = data;

  g_free (i->name);
  g_strfreev (i->addresses);
  g_free (i);
}

static WvRunMeta *
meta_alloc (void)
{
  WvRunMeta *meta = g_new0 (WvRunMeta, 1);

  meta->format = WV_RUN_FILE_FORMAT;
  meta->interfaces = g_ptr_array_new_with_free_func (run_interface_free);
  meta->settings = json_object_new ();
  meta->wifi_absent = WV_WIFI_ABSENT_NOT_CHECKED;
  return meta;
}

WvRunMeta *
wv_run_meta_new (void)
{
  WvRunMeta *meta = meta_alloc ();

  meta->version = g_strdup (PACKAGE_VERSION);
  meta->start_ns = g_get_real_time () * 1000;
  meta->hostname = g_strdup (g_get_host_name ());
  meta->os = wv_host_dup_os ();
  meta->kernel = wv_host_dup_kernel ();
  return meta;
}

void
wv_run_meta_free (WvRunMeta *meta)
{
  if (meta == NULL)
    return;
  g_free (meta->version);
  g_free (meta->mode);
  g_free (meta->server);
  g_clear_pointer (&meta->settings, json_object_unref);
  g_free (meta->hostname);
  g_free (meta->os);
  g_free (meta->kernel);
  g_ptr_array_unref (meta->interfaces);
  g_free (meta->wifi_absent_detail);
  g_free (meta);
}

void
wv_run_meta_add_interface (WvRunMeta *meta, const char *name, const char *addr)
{
  WvRunInterface *iface = NULL;
  guint n;

  g_return_if_fail (meta != NULL && name != NULL);

  for (guint i = 0; i < meta->interfaces->len && iface == NULL; i++)
    if (g_strcmp0 (((WvRunInterface *) g_ptr_array_index (meta->interfaces, i))->name, name) == 0)
      iface = g_ptr_array_index (meta->interfaces, i);
  if (iface == NULL)
    {
      iface = g_new0 (WvRunInterface, 1);
      iface->name = g_strdup (name);
      iface->addresses = g_new0 (char *, 1);
      g_ptr_array_add (meta->interfaces, iface);
    }
  if (addr == NULL || g_strv_contains ((const char * const *) iface->addresses, addr))
    return;
  n = g_strv_length (iface->addresses);
  iface->addresses = g_renew (char *, iface->addresses, n + 2);
  iface->addresses[n] = g_strdup (addr);
  iface->addresses[n + 1] = NULL;
}

void
wv_run_meta_take_record (WvRunMeta *meta, const WvRecord *record)
{
  g_return_if_fail (meta != NULL && record != NULL);

  if (record->type == WV_RECORD_VERDICT && record->verdict.run &&
      (guint) record->verdict.profile < WV_N_PROFILES)
    meta->verdict[record->verdict.profile] = record->verdict.grade;
}

WvRunMeta *
wv_run_meta_copy (const WvRunMeta *meta)
{
  g_autofree char *json = NULL;
  g_autoptr(JsonNode) node = NULL;

  g_return_val_if_fail (meta != NULL, NULL);

  /* Through the file format: one description of what a copy holds. */
  json = wv_run_meta_to_json (meta);
  node = json_from_string (json, NULL);
  g_return_val_if_fail (node != NULL && JSON_NODE_HOLDS_OBJECT (node), NULL);
  return wv_run_meta_from_json_object (json_node_get_object (node));
}

static void
key (GString *out, const char *name)
{
  g_string_append_printf (out, ",\"%s\":", name);
}

char *
wv_run_meta_to_json (const WvRunMeta *meta)
{
  GString *out = g_string_new ("{\"type\":\"meta\",\"time\":");
  g_autoptr(JsonNode) settings = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *settings_text = NULL;

  g_return_val_if_fail (meta != NULL, NULL);

  wv_json_append_time (out, meta->start_ns);
  key (out, "format");
  g_string_append_printf (out, "%d", meta->format);
  key (out, "program");
  wv_json_append_string (out, "wifi-verify");
  key (out, "version");
  wv_json_append_string (out, meta->version);
  key (out, "start");
  wv_json_append_time (out, meta->start_ns);
  key (out, "end");
  if (meta->end_ns > 0)
    wv_json_append_time (out, meta->end_ns);
  else
    g_string_append (out, "null");
  key (out, "mode");
  wv_json_append_string (out, meta->mode);
  key (out, "server");
  wv_json_append_string (out, meta->server);

  key (out, "settings");
  json_node_set_object (settings, meta->settings);
  settings_text = json_to_string (settings, FALSE);
  g_string_append (out, settings_text);

  key (out, "host");
  g_string_append (out, "{\"name\":");
  wv_json_append_string (out, meta->hostname);
  key (out, "os");
  wv_json_append_string (out, meta->os);
  key (out, "kernel");
  wv_json_append_string (out, meta->kernel);
  g_string_append_c (out, '}');

  key (out, "interfaces");
  g_string_append_c (out, '[');
  for (guint i = 0; i < meta->interfaces->len; i++)
    {
      const WvRunInterface *iface = g_ptr_array_index (meta->interfaces, i);

      g_string_append (out, i ? ",{\"name\":" : "{\"name\":");
      wv_json_append_string (out, iface->name);
      key (out, "addresses");
      g_string_append_c (out, '[');
      for (guint k = 0; iface->addresses[k] != NULL; k++)
        {
          if (k)
            g_string_append_c (out, ',');
          wv_json_append_string (out, iface->addresses[k]);
        }
      g_string_append (out, "]}");
    }
  g_string_append_c (out, ']');

  key (out, "verdict");
  g_string_append_c (out, '{');
  for (WvProfile p = 0; p < WV_N_PROFILES; p++)
    {
      g_string_append_printf (out, "%s\"%s\":", p ? "," : "", wv_profile_to_string (p));
      wv_json_append_string (out, wv_grade_to_string (meta->verdict[p]) ?: "unknown");
    }
  g_string_append_c (out, '}');

  key (out, "wifi");
  if (meta->has_wifi)
    {
      WvRecord r = { .type = WV_RECORD_WIFI, .time_ns = meta->start_ns, .wifi = meta->wifi };
      g_autofree char *w = wv_record_to_json (&r);

      g_string_append (out, w);
    }
  else
    g_string_append (out, "null");
  key (out, "wifi_absent");
  wv_json_append_string (out, meta->has_wifi ? NULL : wv_wifi_absent_to_string (meta->wifi_absent));
  key (out, "wifi_absent_detail");
  wv_json_append_string (out, meta->has_wifi ? NULL : meta->wifi_absent_detail);
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

static char *
dup_member_string (JsonObject *o, const char *name)
{
  JsonNode *n = o != NULL ? json_object_get_member (o, name) : NULL;

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return g_utf8_make_valid (json_node_get_string (n), -1);
}

static gint64
member_time (JsonObject *o, const char *name)
{
  JsonNode *n = json_object_get_member (o, name);
  double v;

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) ||
      (json_node_get_value_type (n) != G_TYPE_DOUBLE && json_node_get_value_type (n) != G_TYPE_INT64))
    return 0;
  v = json_node_get_double (n);
  return isfinite (v) && fabs (v) < 1e12 ? wv_record_json_time_ns (v) : 0;
}

static JsonObject *
member_object (JsonObject *o, const char *name)
{
  JsonNode *n = o != NULL ? json_object_get_member (o, name) : NULL;

  return n != NULL && JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
}

WvRunMeta *
wv_run_meta_from_json_object (JsonObject *o)
{
  WvRunMeta *meta = meta_alloc ();
  JsonObject *host = member_object (o, "host");
  JsonObject *settings = member_object (o, "settings");
  JsonObject *wifi = member_object (o, "wifi");
  JsonNode *ifaces = json_object_get_member (o, "interfaces");
  g_autofree char *absent = dup_member_string (o, "wifi_absent");

  if (json_object_has_member (o, "format") &&
      JSON_NODE_HOLDS_VALUE (json_object_get_member (o, "format")))
    meta->format = (int) json_object_get_int_member (o, "format");
  meta->version = dup_member_string (o, "version");
  meta->start_ns = member_time (o, "start");
  meta->end_ns = member_time (o, "end");
  meta->mode = dup_member_string (o, "mode");
  meta->server = dup_member_string (o, "server");
  if (settings != NULL)
    {
      json_object_unref (meta->settings);
      meta->settings = json_object_ref (settings);
    }
  meta->hostname = dup_member_string (host, "name");
  meta->os = dup_member_string (host, "os");
  meta->kernel = dup_member_string (host, "kernel");

  if (ifaces != NULL && JSON_NODE_HOLDS_ARRAY (ifaces))
    {
      JsonArray *a = json_node_get_array (ifaces);

      for (guint i = 0; i < json_array_get_length (a); i++)
        {
          JsonNode *e = json_array_get_element (a, i);
          JsonObject *io = JSON_NODE_HOLDS_OBJECT (e) ? json_node_get_object (e) : NULL;
          g_autofree char *name = dup_member_string (io, "name");
          JsonNode *addrs = io ? json_object_get_member (io, "addresses") : NULL;

          if (name == NULL)
            continue;
          wv_run_meta_add_interface (meta, name, NULL);
          if (addrs == NULL || !JSON_NODE_HOLDS_ARRAY (addrs))
            continue;
          for (guint k = 0; k < json_array_get_length (json_node_get_array (addrs)); k++)
            {
              JsonNode *an = json_array_get_element (json_node_get_array (addrs), k);

              if (JSON_NODE_HOLDS_VALUE (an) && json_node_get_value_type (an) == G_TYPE_STRING)
                wv_run_meta_add_interface (meta, name, json_node_get_string (an));
            }
        }
    }

  for (WvProfile p = 0; p < WV_N_PROFILES; p++)
    {
      g_autofree char *grade = dup_member_string (member_object (o, "verdict"),
                                                  wv_profile_to_string (p));

      for (WvGrade g = 0; g < WV_N_GRADES; g++)
        if (g_strcmp0 (grade, wv_grade_to_string (g)) == 0)
          meta->verdict[p] = g;
    }

  if (wifi != NULL)
    {
      WvRecord r;

      if (wv_record_from_json_object (wifi, &r, NULL) && r.type == WV_RECORD_WIFI)
        {
          meta->has_wifi = TRUE;
          meta->wifi = r.wifi;
          meta->wifi_absent = WV_WIFI_ABSENT_NONE;
        }
    }
  if (!meta->has_wifi)
    {
      meta->wifi_absent = WV_WIFI_ABSENT_NOT_CHECKED;
      for (int v = 0; v < WV_N_WIFI_ABSENT; v++)
        if (g_strcmp0 (absent, wv_wifi_absent_to_string (v)) == 0)
          meta->wifi_absent = (WvWifiAbsent) v;
      meta->wifi_absent_detail = dup_member_string (o, "wifi_absent_detail");
    }
  return meta;
}

/* --- writing ------------------------------------------------------------------------- */

struct _WvRunWriter
{
  char *path;
  char *partial;
  gboolean overwrite;
  int fd;
  goffset records_offset;   /* where the records' gzip member starts */
  GOutputStream *out;       /* GConverterOutputStream over fd */
  gboolean failed;
};

static void
set_errno_error (GError **error, int errsv, const char *what, const char *path)
{
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errsv), "%s “%s”: %s",
               what, path, g_strerror (errsv));
}

static gboolean
write_all (int fd, const void *data, gsize len, const char *path, GError **error)
{
  const guint8 *p = data;

  while (len > 0)
    {
      gssize n = write (fd, p, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          set_errno_error (error, n < 0 ? errno : ENOSPC, "Cannot write to", path);
          return FALSE;
        }
      p += n;
      len -= (gsize) n;
    }
  return TRUE;
}

/* One complete gzip member holding @text and a newline. */
static GBytes *
gzip_member (const char *text)
{
  g_autoptr(GZlibCompressor) z = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 6);
  g_autofree char *line = g_strconcat (text, "\n", NULL);
  gsize in_len = strlen (line), in_pos = 0;
  GByteArray *out = g_byte_array_new ();
  guint8 buf[16384];

  for (;;)
    {
      gsize nread = 0, nwritten = 0;
      GConverterResult res = g_converter_convert (G_CONVERTER (z), line + in_pos, in_len - in_pos,
                                                  buf, sizeof buf, G_CONVERTER_INPUT_AT_END,
                                                  &nread, &nwritten, NULL);

      in_pos += nread;
      g_byte_array_append (out, buf, (guint) nwritten);
      if (res == G_CONVERTER_FINISHED || res == G_CONVERTER_ERROR)
        break;
    }
  return g_byte_array_free_to_bytes (out);
}

/* Refuses an existing file unless overwrite. */
static gboolean
check_absent (const char *path, gboolean overwrite, GError **error)
{
  if (!overwrite && g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_EXIST,
                   "Refusing to overwrite the existing file “%s”", path);
      return FALSE;
    }
  return TRUE;
}

WvRunWriter *
wv_run_writer_new (const char *path, gboolean overwrite, const WvRunMeta *meta, GError **error)
{
  g_autoptr(WvRunWriter) self = NULL;
  g_autoptr(GZlibCompressor) z = NULL;
  g_autoptr(GOutputStream) raw = NULL;
  g_autofree char *json = NULL;
  g_autoptr(GBytes) member = NULL;

  g_return_val_if_fail (path != NULL && meta != NULL, NULL);

  if (!check_absent (path, overwrite, error))
    return NULL;
  self = g_new0 (WvRunWriter, 1);
  self->fd = -1;
  self->path = g_strdup (path);
  self->partial = g_strconcat (path, ".partial", NULL);
  self->overwrite = overwrite;
  if (!check_absent (self->partial, overwrite, error))
    return NULL;
  self->fd = open (self->partial, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0666);
  if (self->fd < 0)
    {
      set_errno_error (error, errno, "Cannot create", self->partial);
      return NULL;
    }

  json = wv_run_meta_to_json (meta);
  member = gzip_member (json);
  if (!write_all (self->fd, g_bytes_get_data (member, NULL), g_bytes_get_size (member),
                  self->partial, error))
    {
      g_unlink (self->partial);
      return NULL;
    }
  self->records_offset = (goffset) g_bytes_get_size (member);

  z = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 6);
  raw = g_unix_output_stream_new (self->fd, FALSE);
  self->out = g_converter_output_stream_new (raw, G_CONVERTER (z));
  return g_steal_pointer (&self);
}

const char *
wv_run_writer_get_partial_path (WvRunWriter *self)
{
  return self->partial;
}

static gboolean
stream_failed (WvRunWriter *self, GError *e, GError **error)
{
  self->failed = TRUE;
  g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_IO, "Cannot write to “%s”: %s",
               self->partial, e->message);
  g_error_free (e);
  return FALSE;
}

gboolean
wv_run_writer_add (WvRunWriter *self, const WvRecord *record, GError **error)
{
  g_autofree char *json = NULL;
  GError *e = NULL;

  g_return_val_if_fail (self != NULL && record != NULL, FALSE);

  if (self->failed || self->out == NULL)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "“%s” is not open for writing",
                   self->partial);
      return FALSE;
    }
  json = wv_record_to_json (record);
  if (json == NULL)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "invalid record type %d",
                   (int) record->type);
      return FALSE;
    }
  if (!g_output_stream_write_all (self->out, json, strlen (json), NULL, NULL, &e) ||
      !g_output_stream_write_all (self->out, "\n", 1, NULL, NULL, &e))
    return stream_failed (self, e, error);
  return TRUE;
}

gboolean
wv_run_writer_flush (WvRunWriter *self, GError **error)
{
  GError *e = NULL;

  g_return_val_if_fail (self != NULL, FALSE);

  if (self->failed || self->out == NULL)
    return FALSE;
  /* GConverterOutputStream flushes the converter: a zlib sync flush. */
  if (!g_output_stream_flush (self->out, NULL, &e))
    return stream_failed (self, e, error);
  return TRUE;
}

/* Copies @in from @offset to its end onto @out. */
static gboolean
copy_rest (int in, goffset offset, int out, const char *in_path, const char *out_path,
           GError **error)
{
  guint8 buf[65536];

  for (;;)
    {
      gssize n = pread (in, buf, sizeof buf, offset);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          set_errno_error (error, errno, "Cannot read", in_path);
          return FALSE;
        }
      if (n == 0)
        return TRUE;
      if (!write_all (out, buf, (gsize) n, out_path, error))
        return FALSE;
      offset += n;
    }
}

gboolean
wv_run_writer_finish (WvRunWriter *self, const WvRunMeta *meta, GError **error)
{
  g_autofree char *json = NULL;
  g_autoptr(GBytes) member = NULL;
  g_autofree char *tmp = NULL;
  GError *e = NULL;
  gboolean ok;
  int fd;

  g_return_val_if_fail (self != NULL && meta != NULL, FALSE);

  if (self->failed || self->out == NULL)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "“%s” is not open for writing",
                   self->partial);
      return FALSE;
    }
  /* Closing ends the records' gzip member. */
  if (!g_output_stream_close (self->out, NULL, &e))
    return stream_failed (self, e, error);
  g_clear_object (&self->out);
  if (fsync (self->fd) < 0)
    {
      set_errno_error (error, errno, "Cannot write to", self->partial);
      return FALSE;
    }

  tmp = g_strconcat (self->path, ".XXXXXX", NULL);
  fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0666);
  if (fd < 0)
    {
      set_errno_error (error, errno, "Cannot create a file next to", self->path);
      return FALSE;
    }
  json = wv_run_meta_to_json (meta);
  member = gzip_member (json);
  ok = write_all (fd, g_bytes_get_data (member, NULL), g_bytes_get_size (member), tmp, error) &&
       copy_rest (self->fd, self->records_offset, fd, self->partial, tmp, error);
  if (ok && fsync (fd) < 0)
    {
      set_errno_error (error, errno, "Cannot write to", tmp);
      ok = FALSE;
    }
  if (close (fd) < 0 && ok)
    {
      set_errno_error (error, errno, "Cannot write to", tmp);
      ok = FALSE;
    }
  /* mkstemp made it 0600: a run file is as readable as any other output. */
  if (ok)
    {
      mode_t mask = umask (0);

      umask (mask);
      g_chmod (tmp, 0666 & ~mask);
    }
  /* Without overwrite, link() refuses a file that appeared meanwhile. */
  if (ok && !self->overwrite && link (tmp, self->path) < 0)
    {
      set_errno_error (error, errno, "Cannot create", self->path);
      ok = FALSE;
    }
  else if (ok && self->overwrite && rename (tmp, self->path) < 0)
    {
      set_errno_error (error, errno, "Cannot create", self->path);
      ok = FALSE;
    }
  g_unlink (tmp);
  if (!ok)
    return FALSE;
  close (self->fd);
  self->fd = -1;
  g_unlink (self->partial);
  return TRUE;
}

void
wv_run_writer_free (WvRunWriter *self)
{
  if (self == NULL)
    return;
  if (self->out != NULL)
    {
      /* What was added stays readable in the partial file. */
      g_output_stream_flush (self->out, NULL, NULL);
      g_clear_object (&self->out);
    }
  if (self->fd >= 0)
    close (self->fd);
  g_free (self->path);
  g_free (self->partial);
  g_free (self);
}

/* --- reading ------------------------------------------------------------------------- */

typedef struct {
  WvRun *run;
  GString *line;
  guint64 line_no;
  gboolean overlong;        /* dropping the rest of a line that was too long */
  guint n_problems;         /* including those not listed */
  gboolean first_line_only; /* wv_run_load_meta() */
  gboolean done;
  GHashTable *unknown;      /* record type -> count, of types we do not know */
} Reader;

static void
problem (Reader *r, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void
problem (Reader *r, const char *format, ...)
{
  va_list args;

  r->n_problems++;
  if (r->run->problems->len >= MAX_PROBLEMS)
    return;
  va_start (args, format);
  g_ptr_array_add (r->run->problems, g_strdup_vprintf (format, args));
  va_end (args);
}

static void
take_line (Reader *r, const char *text, gsize len)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *o;
  JsonNode *root;
  WvRecord rec;

  r->line_no++;
  while (len > 0 && (text[len - 1] == '\r' || text[len - 1] == ' '))
    len--;
  if (len == 0)
    return;
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, text, (gssize) len, &error) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      r->run->n_skipped++;
      problem (r, "line %" G_GUINT64_FORMAT ": not a JSON object", r->line_no);
      return;
    }
  o = json_node_get_object (root);
  if (g_strcmp0 (json_object_get_string_member_with_default (o, "type", ""), "meta") == 0)
    {
      /* Only the first line's: a partial file's copy further on is older. */
      if (r->run->meta == NULL && r->run->records->len == 0)
        r->run->meta = wv_run_meta_from_json_object (o);
      return;
    }
  if (!wv_record_from_json_object (o, &rec, &error))
    {
      r->run->n_skipped++;
      /* Records of a newer version: one line per type at the end. */
      if (g_error_matches (error, WV_RECORD_JSON_ERROR, WV_RECORD_JSON_ERROR_UNKNOWN_TYPE))
        {
          const char *type = json_object_get_string_member_with_default (o, "type", "?");

          g_hash_table_insert (r->unknown, g_strdup (type),
                               GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (r->unknown, type)) + 1));
          return;
        }
      problem (r, "line %" G_GUINT64_FORMAT ": %s", r->line_no, error->message);
      return;
    }
  g_array_append_val (r->run->records, rec);
}

/* Splits decompressed text into lines. */
static void
feed (Reader *r, const char *data, gsize len)
{
  while (len > 0)
    {
      const char *nl = memchr (data, '\n', len);
      gsize n = nl != NULL ? (gsize) (nl - data) : len;

      if (!r->overlong)
        {
          g_string_append_len (r->line, data, (gssize) n);
          if (r->line->len > MAX_LINE)
            {
              r->overlong = TRUE;
              r->run->n_skipped++;
              problem (r, "line %" G_GUINT64_FORMAT ": longer than %d bytes", r->line_no + 1, MAX_LINE);
              g_string_truncate (r->line, 0);
            }
        }
      if (nl == NULL)
        return;
      if (r->overlong)
        {
          r->overlong = FALSE;
          r->line_no++;
        }
      else
        take_line (r, r->line->str, r->line->len);
      g_string_truncate (r->line, 0);
      if (r->first_line_only)
        {
          r->done = TRUE;
          return;
        }
      data += n + 1;
      len -= n + 1;
    }
}

/* Decompresses gzip members one after the other until the end of @in.
 * Returns FALSE when the data stops making sense (the caller keeps what was
 * read). */
static gboolean
read_gzip (Reader *r, GInputStream *in, const guint8 *head, gsize head_len,
           GCancellable *cancellable, GError **error)
{
  g_autoptr(GZlibDecompressor) z = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
  g_autofree guint8 *inbuf = g_malloc (65536);
  g_autofree guint8 *outbuf = g_malloc (65536);
  gsize in_len = head_len, in_pos = 0;
  gboolean eof = FALSE, in_member = TRUE;
  guint64 consumed = 0;

  memcpy (inbuf, head, head_len);
  for (;;)
    {
      g_autoptr(GError) e = NULL;
      gsize nread = 0, nwritten = 0;
      GConverterResult res;

      if (in_pos == in_len && !eof)
        {
          gssize n = g_input_stream_read (in, inbuf, 65536, cancellable, error);

          if (n < 0)
            return FALSE;
          in_pos = 0;
          in_len = (gsize) n;
          eof = n == 0;
        }
      if (!in_member)
        {
          if (in_pos == in_len && eof)
            return TRUE;          /* the clean end after a member */
          g_converter_reset (G_CONVERTER (z));
          in_member = TRUE;
        }
      res = g_converter_convert (G_CONVERTER (z), inbuf + in_pos, in_len - in_pos,
                                 outbuf, 65536, eof ? G_CONVERTER_INPUT_AT_END : 0,
                                 &nread, &nwritten, &e);
      if (res == G_CONVERTER_ERROR)
        {
          if (g_error_matches (e, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT) && !eof)
            {
              /* Keep the unread bytes and read more after them. */
              gssize n;

              memmove (inbuf, inbuf + in_pos, in_len - in_pos);
              in_len -= in_pos;
              in_pos = 0;
              if (in_len == 65536)
                {
                  problem (r, "damaged data after %" G_GUINT64_FORMAT " bytes", consumed);
                  return FALSE;
                }
              n = g_input_stream_read (in, inbuf + in_len, 65536 - in_len, cancellable, error);
              if (n < 0)
                return FALSE;
              in_len += (gsize) n;
              eof = n == 0;
              continue;
            }
          if (g_error_matches (e, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT))
            problem (r, "the file ends early (cut off while it was written?)");
          else
            problem (r, "damaged data after %" G_GUINT64_FORMAT " compressed bytes: %s",
                     consumed, e->message);
          return FALSE;
        }
      in_pos += nread;
      consumed += nread;
      feed (r, (const char *) outbuf, nwritten);
      if (r->done)
        return TRUE;
      if (res == G_CONVERTER_FINISHED)
        in_member = FALSE;
      else if (nread == 0 && nwritten == 0 && eof)
        {
          problem (r, "the file ends early (cut off while it was written?)");
          return FALSE;
        }
    }
}

static gboolean
read_plain (Reader *r, GInputStream *in, const guint8 *head, gsize head_len,
            GCancellable *cancellable, GError **error)
{
  g_autofree char *buf = g_malloc (65536);

  feed (r, (const char *) head, head_len);
  while (!r->done)
    {
      gssize n = g_input_stream_read (in, buf, 65536, cancellable, error);

      if (n < 0)
        return FALSE;
      if (n == 0)
        return TRUE;
      feed (r, buf, (gsize) n);
    }
  return TRUE;
}

void
wv_run_free (WvRun *run)
{
  if (run == NULL)
    return;
  wv_run_meta_free (run->meta);
  g_array_unref (run->records);
  g_ptr_array_unref (run->problems);
  g_free (run);
}

static WvRun *
load_file (GFile *file, gboolean first_line_only, GCancellable *cancellable, GError **error)
{
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GError) read_error = NULL;
  g_autoptr(WvRun) run = NULL;
  g_autofree char *name = NULL;
  Reader r = { 0 };
  guint8 head[2];
  gsize head_len = 0;
  gboolean complete;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  in = g_file_read (file, cancellable, error);
  if (in == NULL)
    return NULL;
  name = g_file_get_parse_name (file);
  if (!g_input_stream_read_all (G_INPUT_STREAM (in), head, sizeof head, &head_len, cancellable,
                                error))
    return NULL;

  run = g_new0 (WvRun, 1);
  run->records = g_array_new (FALSE, FALSE, sizeof (WvRecord));
  run->problems = g_ptr_array_new_with_free_func (g_free);
  r.run = run;
  r.line = g_string_new (NULL);
  r.first_line_only = first_line_only;
  r.unknown = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  if (head_len == 2 && head[0] == 0x1f && head[1] == 0x8b)
    complete = read_gzip (&r, G_INPUT_STREAM (in), head, head_len, cancellable, &read_error);
  else
    complete = read_plain (&r, G_INPUT_STREAM (in), head, head_len, cancellable, &read_error);

  if (read_error != NULL)
    {
      if (g_error_matches (read_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_string_free (r.line, TRUE);
          g_hash_table_unref (r.unknown);
          g_propagate_error (error, g_steal_pointer (&read_error));
          return NULL;
        }
      problem (&r, "reading stopped: %s", read_error->message);
    }
  /* A last line without its newline was cut off. */
  if (r.line->len > 0 && !r.overlong)
    {
      complete = FALSE;
      r.run->n_skipped++;
      problem (&r, "line %" G_GUINT64_FORMAT ": cut off", r.line_no + 1);
    }
  g_string_free (r.line, TRUE);
  {
    g_autoptr(GList) types = g_list_sort (g_hash_table_get_keys (r.unknown), (GCompareFunc) strcmp);

    for (GList *l = types; l != NULL; l = l->next)
      {
        guint n = GPOINTER_TO_UINT (g_hash_table_lookup (r.unknown, l->data));

        problem (&r, "%u record%s of type \"%s\", which this version does not know, left out",
                 n, n == 1 ? "" : "s", (const char *) l->data);
      }
    g_hash_table_unref (r.unknown);
  }
  run->truncated = !complete || read_error != NULL;
  if (r.n_problems > run->problems->len)
    g_ptr_array_add (run->problems, g_strdup_printf ("and %u more problems",
                                                     r.n_problems - run->problems->len));

  if (run->meta == NULL && run->records->len == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "“%s” is not a wifi-verify run file (no record could be read%s%s)", name,
                   run->problems->len ? ": " : "",
                   run->problems->len ? (const char *) g_ptr_array_index (run->problems, 0) : "");
      return NULL;
    }
  return g_steal_pointer (&run);
}

WvRun *
wv_run_load (GFile *file, GCancellable *cancellable, GError **error)
{
  return load_file (file, FALSE, cancellable, error);
}

WvRunMeta *
wv_run_load_meta (GFile *file, GCancellable *cancellable, GError **error)
{
  g_autoptr(WvRun) run = load_file (file, TRUE, cancellable, error);
  g_autofree char *name = NULL;

  if (run == NULL)
    return NULL;
  if (run->meta == NULL)
    {
      name = g_file_get_parse_name (file);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "“%s” has no run metadata (JSON lines without it?)", name);
      return NULL;
    }
  return g_steal_pointer (&run->meta);
}

static void
load_in_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  WvRun *run = wv_run_load (G_FILE (data), cancellable, &error);

  if (run == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, run, (GDestroyNotify) wv_run_free);
}

void
wv_run_load_async (GFile *file, GCancellable *cancellable, GAsyncReadyCallback callback,
                   gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_return_if_fail (G_IS_FILE (file));

  g_task_set_source_tag (task, wv_run_load_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, load_in_thread);
}

WvRun *
wv_run_load_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
