/* wv-cmd-status.c: "status URL": a server's diagnostics
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wv-cli"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "wv-client.h"
#include "wv-server.h"
#include "wv-cli.h"

int
wv_cli_status (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupSession) http = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autofree char *url = NULL, *text = NULL, *base = NULL, *token = NULL;
  gsize len;
  GOptionEntry entries[] = {
    { "token", 0, 0, G_OPTION_ARG_STRING, &token, "The server's access token (default: the token=T of the URL)", "T" },
    { NULL }
  };

  ctx = g_option_context_new ("URL - show a wifi-verify server's sessions and counters");
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error) || argc != 2)
    {
      fprintf (stderr, "wifi-verify-cli: %s\n", error ? error->message : "status needs the server URL");
      return 2;
    }
  base = wv_api_base_url (argv[1], &error);
  if (base == NULL)
    {
      fprintf (stderr, "wifi-verify-cli: %s\n", error->message);
      return 2;
    }
  if (token == NULL)
    token = wv_api_token_from_url (argv[1], &error);
  if (error)
    {
      fprintf (stderr, "wifi-verify-cli: %s\n", error->message);
      return 2;
    }
  url = g_strconcat (base, "/status", NULL);
  http = soup_session_new_with_options ("timeout", 10, NULL);
  msg = soup_message_new ("GET", url);
  if (msg == NULL)
    {
      fprintf (stderr, "wifi-verify-cli: \"%s\" is not a URL\n", argv[1]);
      return 2;
    }
  if (token)
    {
      g_autofree char *auth = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    }
  body = soup_session_send_and_read (http, msg, NULL, &error);
  if (body == NULL)
    {
      fprintf (stderr, "wifi-verify-cli: %s: %s\n", url, error->message);
      return 1;
    }
  if (!json_parser_load_from_data (parser, g_bytes_get_data (body, &len),
                                   g_bytes_get_size (body), &error) ||
      soup_message_get_status (msg) != 200)
    {
      JsonNode *root = error ? NULL : json_parser_get_root (parser);
      JsonObject *o = root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
      JsonObject *e = o && json_object_has_member (o, "error") &&
                      JSON_NODE_HOLDS_OBJECT (json_object_get_member (o, "error"))
                      ? json_object_get_object_member (o, "error") : NULL;
      const char *why = e ? json_object_get_string_member_with_default (e, "message", NULL) : NULL;
      g_autofree char *quoted = why ? wv_log_escape (why, 200) : NULL;

      fprintf (stderr, "wifi-verify-cli: %s answered HTTP %u%s%s\n", url,
               soup_message_get_status (msg), error || quoted ? ": " : "",
               error ? error->message : quoted ? quoted : "");
      return 1;
    }
  json_generator_set_root (gen, json_parser_get_root (parser));
  json_generator_set_pretty (gen, TRUE);
  text = json_generator_to_data (gen, NULL);
  printf ("%s\n", text);
  return 0;
}
