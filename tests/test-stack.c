/* test-stack.c: the patched libraries and plugins are the ones that load
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Without an rpath the private plugins would silently load the system's
 * libnice and libgstwebrtc, and every per-packet option would be ignored.
 */
#include "config.h"

#include <string.h>

#include <gst/gst.h>

#include "wv-gst.h"
#include "wv-peer.h"

static void
test_plugins_from_prefix (void)
{
  static const char *plugins[] = { "webrtc", "nice", "sctp", "dtls", "srtp" };

  for (guint i = 0; i < G_N_ELEMENTS (plugins); i++)
    {
      g_autoptr(GstPlugin) p = gst_registry_find_plugin (gst_registry_get (), plugins[i]);

      g_assert_nonnull (p);
      g_assert_true (g_str_has_prefix (gst_plugin_get_filename (p), WV_UPSTREAM_PLUGINDIR));
    }
}

static void
test_libraries_from_prefix (void)
{
  static const char *libs[] = { "libnice.so.10", "libgstwebrtc-1.0.so.0",
                                "libgstwebrtcnice-1.0.so.0", "libgstsctp-1.0.so.0" };
  g_autofree char *maps = NULL;
  WvPeerConfig config = { TRUE, 4, NULL, NULL, FALSE };
  const char *loop[] = { "127.0.0.1", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(WvPeer) peer = NULL;

  /* A peer loads every plugin of the data path. */
  config.local_addresses = loop;
  peer = wv_peer_new (&config, &error);
  g_assert_no_error (error);

  g_assert_true (g_file_get_contents ("/proc/self/maps", &maps, NULL, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (libs); i++)
    {
      g_auto(GStrv) lines = g_strsplit (maps, "\n", -1);
      guint found = 0;

      for (guint j = 0; lines[j]; j++)
        {
          const char *path = strchr (lines[j], '/');
          const char *base = path ? strrchr (path, '/') + 1 : NULL;

          /* Maps show the file the soname link resolves to. */
          if (base == NULL || !g_str_has_prefix (base, libs[i]))
            continue;
          /* Every mapping of the library is the patched one. */
          g_assert_true (g_str_has_prefix (path, WV_UPSTREAM_PREFIX));
          found++;
        }
      if (found == 0)
        g_error ("%s is not loaded", libs[i]);
    }
  wv_peer_close (peer);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;

  g_test_init (&argc, &argv, NULL);
  if (!wv_gst_init (&argc, &argv, &error))
    g_error ("%s", error->message);
  g_test_add_func ("/stack/plugins-from-prefix", test_plugins_from_prefix);
  g_test_add_func ("/stack/libraries-from-prefix", test_libraries_from_prefix);
  return g_test_run ();
}
