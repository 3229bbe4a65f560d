/* wv-dscp.c: DSCP names and lists
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "wv-dscp.h"

/* RFC 2474 class selectors, RFC 2597 AF, RFC 3246 EF, RFC 5865 VOICE-ADMIT,
 * RFC 8622 LE. */
static const char *const names[64] = {
  [0] = "CS0", [8] = "CS1", [16] = "CS2", [24] = "CS3",
  [32] = "CS4", [40] = "CS5", [48] = "CS6", [56] = "CS7",
  [10] = "AF11", [12] = "AF12", [14] = "AF13",
  [18] = "AF21", [20] = "AF22", [22] = "AF23",
  [26] = "AF31", [28] = "AF32", [30] = "AF33",
  [34] = "AF41", [36] = "AF42", [38] = "AF43",
  [44] = "VOICE-ADMIT", [46] = "EF", [1] = "LE",
};

const char *
wv_dscp_name (int dscp)
{
  return dscp >= 0 && dscp < 64 ? names[dscp] : NULL;
}

int
wv_dscp_parse (const char *text)
{
  guint64 v;

  if (text == NULL || *text == '\0')
    return -1;
  if (g_ascii_string_to_unsigned (text, 10, 0, 63, &v, NULL))
    return (int) v;
  for (int i = 0; i < 64; i++)
    if (names[i] && g_ascii_strcasecmp (names[i], text) == 0)
      return i;
  if (g_ascii_strcasecmp (text, "DF") == 0 || g_ascii_strcasecmp (text, "BE") == 0)
    return 0;
  return -1;
}

gboolean
wv_dscp_parse_list (const char *text, WvClasses *out, GError **error)
{
  g_auto(GStrv) parts = NULL;

  memset (out, 0, sizeof *out);
  if (text == NULL)
    return TRUE;
  parts = g_regex_split_simple ("[\\s,]+", text, 0, 0);
  for (guint i = 0; parts[i]; i++)
    {
      char *item = g_strstrip (parts[i]);
      int dscp;

      if (*item == '\0')
        continue;
      dscp = wv_dscp_parse (item);
      if (dscp < 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "\"%s\" is not a DSCP (use a name such as EF, AF41, CS1 or a number 0-63)",
                       item);
          return FALSE;
        }
      for (guint j = 0; j < out->n_classes; j++)
        if (out->dscp[j] == dscp)
          {
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                         "DSCP \"%s\" is listed twice", item);
            return FALSE;
          }
      if (out->n_classes == WV_MAX_CLASSES)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "at most %d DSCP classes", WV_MAX_CLASSES);
          return FALSE;
        }
      out->dscp[out->n_classes++] = dscp;
    }
  return TRUE;
}
