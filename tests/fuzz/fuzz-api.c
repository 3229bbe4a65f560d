/* fuzz-api.c: libFuzzer target for the HTTP API's own parsing (wv-api)
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything the server takes from a request before it acts on it: the
 * path (route and connection id), the "since" query, the Authorization
 * header and a page URL's token, the JSON bodies of an offer and of
 * candidates, each candidate and the rule for where checks may go, the
 * candidates of an SDP offer, the client key of the per-client limits, and
 * the escaping of what is logged. The input is used whole for each, as a
 * client could send it in any of those places. Besides crashes and
 * sanitizer reports, it checks what the server relies on:
 *
 * - a connection id from a route fits WV_MAX_ID_LEN and has no '/';
 * - a token compares equal to itself and to nothing shorter;
 * - a candidate the rule lets through is an IP literal of the family, UDP,
 *   component 1, not multicast, and (for a client that is not on
 *   loopback) in the client's /32 or /64;
 * - an SDP filtered with "keep nothing" has no candidate line left, and
 *   with "keep all" the same number of candidate lines;
 * - escaped log text is UTF-8 without control characters.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "wv-api.h"
#include "wv-protocol.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define CHECK(cond)                                                      \
  do {                                                                   \
    if (!(cond))                                                         \
      {                                                                  \
        fprintf (stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        abort ();                                                        \
      }                                                                  \
  } while (0)

static void
check_printable (const char *text)
{
  CHECK (g_utf8_validate (text, -1, NULL));
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    CHECK (!g_unichar_iscntrl (g_utf8_get_char (p)));
}

static gboolean
keep_none (const char *candidate, gpointer data)
{
  (*(guint *) data)++;
  return FALSE;
}

static gboolean
keep_all (const char *candidate, gpointer data)
{
  return TRUE;
}

static guint
count_candidate_lines (const char *sdp)
{
  guint n = 0;

  for (const char *p = sdp; (p = strstr (p, "a=candidate:")); p++)
    if (p == sdp || p[-1] == '\n')
      n++;
  return n;
}

static void
fuzz_candidate (const char *text)
{
  static const char *clients[] = { "192.0.2.20", "2001:db8:1:2::20", "127.0.0.1", "::1",
                                   "::ffff:192.0.2.20", "not an address", NULL };
  WvCandidate c;

  if (!wv_candidate_parse (text, &c))
    return;
  CHECK (c.component >= 1 && c.port <= 65535);
  for (guint i = 0; i < G_N_ELEMENTS (clients); i++)
    for (int family = 4; family <= 6; family += 2)
      {
        WvCandidateVerdict v = wv_candidate_check (&c, family, clients[i]);

        CHECK (wv_candidate_verdict_to_string (v) != NULL);
        if (v != WV_CANDIDATE_USE)
          continue;
        CHECK (c.is_ip && c.family == family && c.udp && c.component == 1);
        if (c.family == 4)
          CHECK (c.addr[0] < 224);
        else
          CHECK (c.addr[0] != 0xff);
        if (clients[i] && strcmp (clients[i], "127.0.0.1") != 0 && strcmp (clients[i], "::1") != 0)
          {
            if (family == 4)
              CHECK (memcmp (c.addr, (guint8[]) { 192, 0, 2, 20 }, 4) == 0);
            else
              CHECK (memcmp (c.addr, (guint8[]) { 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 2 }, 8) == 0);
          }
      }
}

static void
fuzz_bodies (const char *text, gsize len)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *o = wv_api_parse_object (parser, text, len, &error);
  WvApiOffer offer;
  WvApiCandidateItem items[WV_API_MAX_CANDIDATES_PER_POST];
  guint n_items, n_total;

  if (o == NULL)
    {
      CHECK (error && error->domain == WV_API_ERROR);
      check_printable (error->message);
      return;
    }
  if (wv_api_parse_offer (o, 65536, &offer, NULL))
    {
      CHECK (offer.family == 4 || offer.family == 6);
      CHECK (offer.session[0] != '\0' && strlen (offer.session) <= WV_MAX_ID_LEN);
      CHECK (offer.sdp && strlen (offer.sdp) <= 65536);
    }
  if (wv_api_parse_candidates (o, items, &n_items, &n_total, NULL))
    {
      CHECK (n_items <= n_total && n_total <= WV_API_MAX_CANDIDATES_PER_POST);
      for (guint i = 0; i < n_items; i++)
        {
          CHECK (items[i].mline <= WV_API_MAX_MLINE);
          fuzz_candidate (items[i].candidate);
        }
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  char id[WV_MAX_ID_LEN + 1];
  guint since, seen = 0, seen_all = 0, dropped = 0;

  /* Route and id. */
  switch (wv_api_route (text, id))
    {
    case WV_ROUTE_CONNECTION:
    case WV_ROUTE_CANDIDATES:
      CHECK (strlen (id) <= WV_MAX_ID_LEN && strchr (id, '/') == NULL);
      break;
    default:
      break;
    }
  CHECK (wv_api_method_allowed (WV_ROUTE_CANDIDATES, text) ==
         (strcmp (text, "GET") == 0 || strcmp (text, "POST") == 0));
  if (wv_api_parse_since (text, 256, &since))
    CHECK (since <= 256);

  /* Token and Authorization. */
  if (wv_token_is_valid (text))
    {
      g_autofree char *header = g_strconcat ("Bearer ", text, NULL);

      CHECK (wv_token_equal (text, strlen (text), text));
      CHECK (!wv_token_equal (text, strlen (text) - 1, text));
      CHECK (wv_api_authorized (header, text));
    }
  wv_api_authorized (text, "test-token-0123456789_abcdef");
  g_free (wv_api_url_token (text));

  /* Bodies and candidates. */
  fuzz_bodies ((const char *) data, size);
  fuzz_candidate (text);

  /* SDP offers. */
  {
    g_autofree char *none = wv_sdp_filter_candidates (text, keep_none, &dropped, &seen);
    g_autofree char *all = wv_sdp_filter_candidates (text, keep_all, NULL, &seen_all);

    CHECK (dropped == seen && seen == seen_all);
    CHECK (count_candidate_lines (none) == 0);
    CHECK (count_candidate_lines (all) == seen);
  }

  /* Client keys and log text. */
  {
    g_autofree char *key = wv_api_host_key (text);
    g_autofree char *escaped = wv_log_escape (text, size);
    g_autofree char *short_escaped = wv_log_escape (text, 40);

    CHECK (key != NULL);
    check_printable (escaped);
    check_printable (short_escaped);
  }
  return 0;
}
