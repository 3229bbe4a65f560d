/* wv-paths.c: where a program's companion files are, installed or run from
 * its build tree
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * No path of the build machine is compiled in: meson install copies these
 * very binaries, and the Debian package is built in a directory that is
 * gone when it is installed. Everything is found at run time instead:
 *
 * - A program run from its build tree finds the marker file meson writes
 *   at the top of it (WV_BUILD_ROOT_MARKER) in its own directory or up to
 *   two levels above (src/cli/, tests/, tests/gui/ ...), and takes the
 *   helper, the translations and the schema from that tree.
 * - An installed program finds them relative to its own directory (the
 *   bindir), by the relative paths meson computed from the install
 *   directories (config.h WV_BINDIR_TO_*), so any prefix and a copy of the
 *   installed tree both work.
 * - The patched GStreamer plugins lie in gstreamer-1.0/ beside the patched
 *   libnice that the dynamic linker loaded into this process through the
 *   program's RUNPATH: <builddir>/upstream/prefix/lib in a build tree,
 *   <libdir>/wifi-verify installed. They are looked up from that library,
 *   so the plugins always belong to the libraries in use.
 * - The GStreamer registry of those plugins lives in the user's cache
 *   directory, one file per plugin directory, so that an installed copy
 *   and a build tree never rescan each other's plugins.
 */
#define G_LOG_DOMAIN "wv-paths"

#include "config.h"

#include <link.h>
#include <stdlib.h>
#include <string.h>

#include <gio/gio.h>

#include "wv-paths.h"

/* How far above the program's directory the build root may be. */
#define BUILD_ROOT_MAX_UP 2

static char *
dup_exe_dir (void)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);

  return exe ? g_path_get_dirname (exe) : NULL;
}

static char *
find_build_root (void)
{
  g_autofree char *dir = dup_exe_dir ();

  for (guint up = 0; dir != NULL && up <= BUILD_ROOT_MAX_UP; up++)
    {
      g_autofree char *marker = g_build_filename (dir, WV_BUILD_ROOT_MARKER, NULL);
      char *parent;

      if (g_file_test (marker, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&dir);
      parent = g_path_get_dirname (dir);
      if (strcmp (parent, dir) == 0)
        {
          g_free (parent);
          break;
        }
      g_free (dir);
      dir = parent;
    }
  return NULL;
}

/* The top of the build tree this program runs from, or NULL when it runs
 * installed. */
const char *
wv_paths_get_build_root (void)
{
  static char *root;
  static gsize done;

  if (g_once_init_enter (&done))
    {
      root = find_build_root ();
      g_once_init_leave (&done, 1);
    }
  return root;
}

/* relative: a path relative to the installed program's directory (or an
 * absolute one, when meson's install directories lie outside the prefix). */
static char *
dup_installed (const char *relative)
{
  g_autofree char *dir = dup_exe_dir ();

  return g_canonicalize_filename (relative, dir ? dir : "/");
}

char *
wv_paths_dup_icmp_helper (void)
{
  const char *root = wv_paths_get_build_root ();

  if (root)
    return g_build_filename (root, "src", "icmp-helper", WV_ICMP_HELPER_NAME, NULL);
  return dup_installed (WV_BINDIR_TO_LIBEXECDIR G_DIR_SEPARATOR_S WV_ICMP_HELPER_NAME);
}

/* The directory bindtextdomain() wants: <dir>/<lang>/LC_MESSAGES/<domain>.mo */
char *
wv_paths_dup_localedir (void)
{
  const char *root = wv_paths_get_build_root ();

  if (root)
    return g_build_filename (root, "po", NULL);
  return dup_installed (WV_BINDIR_TO_LOCALEDIR);
}

static int
find_libnice (struct dl_phdr_info *info,
              size_t                size,
              void                 *data)
{
  char **found = data;
  const char *base = info->dlpi_name ? strrchr (info->dlpi_name, '/') : NULL;

  if (base && g_str_has_prefix (base + 1, "libnice.so"))
    {
      *found = g_strdup (info->dlpi_name);
      return 1;
    }
  return 0;
}

/* gstreamer-1.0/ beside the libnice loaded into this process. */
char *
wv_paths_dup_gst_plugin_dir (GError **error)
{
  g_autofree char *lib = NULL;
  g_autofree char *dir = NULL;
  char *real;

  dl_iterate_phdr (find_libnice, &lib);
  if (lib == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           "libnice is not loaded into this process: cannot tell where the "
                           "patched GStreamer plugins are");
      return NULL;
    }
  /* The path as the dynamic linker built it from the RUNPATH, with
   * "bin/../lib" in it: the plugin paths GStreamer reports should be plain. */
  real = realpath (lib, NULL);
  dir = g_path_get_dirname (real ? real : lib);
  free (real);
  return g_build_filename (dir, "gstreamer-1.0", NULL);
}

/* The registry file for the plugins in plugin_dir, in the user's cache
 * directory. GStreamer creates the directory when it writes the file. */
char *
wv_paths_dup_gst_registry (const char *plugin_dir)
{
  g_autofree char *sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, plugin_dir, -1);
  g_autofree char *name = NULL;

  sum[16] = '\0';
  name = g_strdup_printf ("gstreamer-registry-%s.bin", sum);
  return g_build_filename (g_get_user_cache_dir (), "wifi-verify", name, NULL);
}
