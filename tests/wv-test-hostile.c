/* wv-test-hostile.c: a client that offers and names candidates it should not
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For the exposure lab test (tests/test-exposure-lab.sh). Makes one real
 * SDP offer (a WvPeer in the client role), adds the given a=candidate
 * lines to it, posts it from an optional source address, posts the given
 * candidates to the new connection, and keeps its side open for a while
 * without ever answering a check, as a client aiming the server at third
 * parties would. Prints one line per request: "offer STATUS" and
 * "candidates STATUS".
 *
 *   wv-test-hostile URL [--family 4|6] [--bind ADDR] [--hold SECONDS]
 *                       [--sdp-candidate CAND]... [--candidate CAND]...
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "wv-client.h"
#include "wv-gst.h"
#include "wv-peer.h"

static void
on_offer (WvPeer *peer, const char *type, const char *sdp, gpointer data)
{
  char **out = data;

  if (*out == NULL)
    *out = g_strdup (sdp);
}

static guint
post (SoupSession *http, const char *url, const char *token, const char *body, char **reply)
{
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;

  if (token)
    {
      g_autofree char *auth = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    }
  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  answer = soup_session_send_and_read (http, msg, NULL, &error);
  if (answer == NULL)
    {
      fprintf (stderr, "wv-test-hostile: %s: %s\n", url, error->message);
      return 0;
    }
  if (reply)
    *reply = g_strndup (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer));
  return soup_message_get_status (msg);
}

static char *
json_text (JsonBuilder *b)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (b);

  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) ctx = g_option_context_new ("URL");
  g_auto(GStrv) sdp_cands = NULL, cands = NULL;
  g_autofree char *bind = NULL, *base = NULL, *token = NULL, *offer = NULL, *reply = NULL;
  g_autofree char *url = NULL, *body = NULL;
  int family = 4;
  double hold = 0;
  GOptionEntry entries[] = {
    { "family", 0, 0, G_OPTION_ARG_INT, &family, "4 or 6", "F" },
    { "bind", 0, 0, G_OPTION_ARG_STRING, &bind, "Source address of the HTTP requests", "ADDR" },
    { "hold", 0, 0, G_OPTION_ARG_DOUBLE, &hold, "Seconds to keep the WebRTC side open", "S" },
    { "sdp-candidate", 0, 0, G_OPTION_ARG_STRING_ARRAY, &sdp_cands, "a=candidate line for the offer", "C" },
    { "candidate", 0, 0, G_OPTION_ARG_STRING_ARRAY, &cands, "Candidate to post", "C" },
    { NULL }
  };
  g_autoptr(WvPeer) peer = NULL;
  g_autoptr(SoupSession) http = NULL;
  g_autoptr(GString) sdp = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  WvPeerConfig pc = { TRUE, 4, NULL, NULL, FALSE };
  guint status;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error) || argc != 2 ||
      (family != 4 && family != 6))
    {
      fprintf (stderr, "wv-test-hostile: %s\n", error ? error->message : "bad arguments");
      return 2;
    }
  if (!wv_gst_init (&argc, &argv, &error) ||
      (base = wv_api_base_url (argv[1], &error)) == NULL)
    {
      fprintf (stderr, "wv-test-hostile: %s\n", error->message);
      return 2;
    }
  token = wv_api_token_from_url (argv[1], NULL);

  /* A real offer (its own candidates are never posted). */
  pc.family = family;
  peer = wv_peer_new (&pc, &error);
  if (peer == NULL)
    {
      fprintf (stderr, "wv-test-hostile: %s\n", error->message);
      return 1;
    }
  g_signal_connect (peer, "local-description", G_CALLBACK (on_offer), &offer);
  wv_peer_start (peer);
  {
    gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

    while (offer == NULL && g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, TRUE);
  }
  if (offer == NULL)
    {
      fprintf (stderr, "wv-test-hostile: no offer\n");
      return 1;
    }
  sdp = g_string_new (offer);
  if (!g_str_has_suffix (sdp->str, "\r\n"))
    g_string_append (sdp, "\r\n");
  for (guint i = 0; sdp_cands && sdp_cands[i]; i++)
    g_string_append_printf (sdp, "a=%s\r\n", sdp_cands[i]);

  if (bind)
    {
      g_autoptr(GInetAddress) a = g_inet_address_new_from_string (bind);
      g_autoptr(GSocketAddress) local = a ? g_inet_socket_address_new (a, 0) : NULL;

      if (local == NULL)
        {
          fprintf (stderr, "wv-test-hostile: --bind %s is not an address\n", bind);
          return 2;
        }
      http = soup_session_new_with_options ("local-address", local, "timeout", 20, NULL);
    }
  else
    http = soup_session_new_with_options ("timeout", 20, NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "protocol");
  json_builder_add_int_value (b, 1);
  json_builder_set_member_name (b, "session");
  json_builder_add_string_value (b, "hostile");
  json_builder_set_member_name (b, "index");
  json_builder_add_int_value (b, 0);
  json_builder_set_member_name (b, "family");
  json_builder_add_int_value (b, family);
  json_builder_set_member_name (b, "sdp");
  json_builder_add_string_value (b, sdp->str);
  json_builder_end_object (b);
  body = json_text (b);
  url = g_strconcat (base, "/connections", NULL);
  status = post (http, url, token, body, &reply);
  printf ("offer %u\n", status);
  fflush (stdout);
  if (status == 201 && cands && cands[0])
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(JsonBuilder) cb = json_builder_new ();
      g_autofree char *cbody = NULL, *curl = NULL;
      const char *id;

      if (!json_parser_load_from_data (parser, reply, -1, NULL))
        return 1;
      id = json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)),
                                          "id");
      json_builder_begin_object (cb);
      json_builder_set_member_name (cb, "candidates");
      json_builder_begin_array (cb);
      for (guint i = 0; cands[i]; i++)
        {
          json_builder_begin_object (cb);
          json_builder_set_member_name (cb, "mline");
          json_builder_add_int_value (cb, 0);
          json_builder_set_member_name (cb, "candidate");
          json_builder_add_string_value (cb, cands[i]);
          json_builder_end_object (cb);
        }
      json_builder_end_array (cb);
      json_builder_end_object (cb);
      cbody = json_text (cb);
      curl = g_strdup_printf ("%s/connections/%s/candidates", base, id);
      printf ("candidates %u\n", post (http, curl, token, cbody, NULL));
      fflush (stdout);
    }
  if (hold > 0)
    {
      gint64 end = g_get_monotonic_time () + (gint64) (hold * G_USEC_PER_SEC);

      while (g_get_monotonic_time () < end)
        g_main_context_iteration (NULL, FALSE), g_usleep (10000);
    }
  wv_peer_close (peer);
  return 0;
}
