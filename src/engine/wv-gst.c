/* wv-gst.c: GStreamer set-up for the patched WebRTC stack
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wv-gst"

#include "config.h"

#include <gst/gst.h>
#include <nice/agent.h>

#include "wv-gst.h"
#include "wv-paths.h"

G_DEFINE_QUARK (wv-gst-error-quark, wv_gst_error)

/* The plugins we need are the patched ones beside the patched libnice that
 * this program loaded (wv-paths.c): in the build tree's private prefix, or
 * in <libdir>/wifi-verify when installed. GStreamer keeps the first plugin
 * of a given file name it scans, so that directory must be on
 * GST_PLUGIN_PATH before gst_init() runs, and a registry of our own keeps
 * the system registry out of it. WV_GST_PLUGIN_DIR overrides the
 * directory. */
static char *
dup_plugin_dir (GError **error)
{
  const char *dir = g_getenv ("WV_GST_PLUGIN_DIR");

  if (dir && *dir)
    return g_strdup (dir);
  return wv_paths_dup_gst_plugin_dir (error);
}

gboolean
wv_gst_init (int *argc, char ***argv, GError **error)
{
  g_autofree char *dir = dup_plugin_dir (error);
  const char *old = g_getenv ("GST_PLUGIN_PATH");
  g_autofree char *path = NULL;

  if (dir == NULL)
    return FALSE;
  if (old == NULL || !g_str_has_prefix (old, dir))
    {
      path = old && *old ? g_strconcat (dir, G_SEARCHPATH_SEPARATOR_S, old, NULL)
                         : g_strdup (dir);
      g_setenv ("GST_PLUGIN_PATH", path, TRUE);
    }
  if (g_getenv ("GST_REGISTRY") == NULL)
    {
      g_autofree char *registry = wv_paths_dup_gst_registry (dir);

      g_setenv ("GST_REGISTRY", registry, TRUE);
    }

  /* GLib 2.74 can deadlock when two threads register related GIO types
   * at once: libnice's thread creates its first GSocket while the main
   * thread's libsoup class init takes GInetSocketAddress (seen as a hang of
   * one process in ten starting a WebRTC peer and an HTTP session
   * together). Registering them here, before any thread starts, avoids it. */
  g_type_ensure (G_TYPE_SOCKET_ADDRESS);
  g_type_ensure (G_TYPE_INET_SOCKET_ADDRESS);
  g_type_ensure (G_TYPE_INET_ADDRESS);
  g_type_ensure (G_TYPE_SOCKET);
  g_type_ensure (G_TYPE_SOCKET_CONTROL_MESSAGE);
  g_type_ensure (G_TYPE_SOCKET_CLIENT);
  g_type_ensure (G_TYPE_SOCKET_CONNECTION);
  g_type_ensure (G_TYPE_TCP_CONNECTION);

  if (!gst_init_check (argc, argv, error))
    return FALSE;

  return wv_gst_check_stack (error);
}

static gboolean
check_factory (const char *name, const char *dir, GError **error)
{
  g_autoptr(GstElementFactory) factory = gst_element_factory_find (name);
  g_autoptr(GstPlugin) plugin = NULL;
  const char *file;

  if (factory == NULL)
    {
      g_set_error (error, WV_GST_ERROR, WV_GST_ERROR_MISSING_ELEMENT,
                   "GStreamer element \"%s\" is missing: run tools/bootstrap.sh, "
                   "or reinstall wifi-verify", name);
      return FALSE;
    }
  plugin = gst_plugin_feature_get_plugin (GST_PLUGIN_FEATURE (factory));
  file = plugin ? gst_plugin_get_filename (plugin) : NULL;
  if (file == NULL || !g_str_has_prefix (file, dir))
    {
      g_set_error (error, WV_GST_ERROR, WV_GST_ERROR_UNPATCHED,
                   "GStreamer element \"%s\" comes from %s, not from the patched "
                   "stack in %s: per-packet options would not work. Rebuild it "
                   "(tools/build-upstream.sh) or reinstall wifi-verify, and do not "
                   "set GST_PLUGIN_SYSTEM_PATH",
                   name, file ? file : "(unknown)", dir);
      return FALSE;
    }
  return TRUE;
}

/* Refuses to run on the system's unpatched plugins, which would silently
 * ignore every per-packet option. */
gboolean
wv_gst_check_stack (GError **error)
{
  g_autofree char *dir = dup_plugin_dir (error);
  static const char *elements[] = { "webrtcbin", "nicesink", "nicesrc", "sctpenc",
                                    "sctpdec", "dtlsenc", "dtlssrtpenc", "srtpenc" };

  if (dir == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (elements); i++)
    if (!check_factory (elements[i], dir, error))
      return FALSE;

  /* The libraries linked into this program must be the patched ones too.
   * Signals exist once the class is initialised. */
  g_type_class_unref (g_type_class_ref (NICE_TYPE_AGENT));
  if (g_signal_lookup ("socket-error", NICE_TYPE_AGENT) == 0)
    {
      g_set_error (error, WV_GST_ERROR, WV_GST_ERROR_UNPATCHED,
                   "the libnice loaded into this process is not the patched one "
                   "(no NiceAgent::socket-error); check the rpath");
      return FALSE;
    }
  return TRUE;
}

/* One line per component, for --version and the diagnostics endpoint. */
char *
wv_gst_describe_stack (void)
{
  GString *s = g_string_new (NULL);
  static const char *plugins[] = { "webrtc", "nice", "sctp", "dtls", "srtp" };
  g_autofree char *ver = gst_version_string ();

  g_string_append_printf (s, "%s\n", ver);
  for (guint i = 0; i < G_N_ELEMENTS (plugins); i++)
    {
      g_autoptr(GstPlugin) p = gst_registry_find_plugin (gst_registry_get (), plugins[i]);
      g_string_append_printf (s, "plugin %s: %s\n", plugins[i],
                              p ? gst_plugin_get_filename (p) : "missing");
    }
  return g_string_free (s, FALSE);
}
