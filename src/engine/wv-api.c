/* wv-api.c: parsing and checks of the HTTP signalling API, without HTTP
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Nothing here allocates more than its input's size or keeps anything:
 * tests/fuzz/fuzz-api.c feeds it arbitrary bytes.
 */
#define G_LOG_DOMAIN "wv-api"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/random.h>

#include "wv-api.h"
#include "wv-protocol.h"

#define API_PREFIX "/api/v1"

G_DEFINE_QUARK (wv-api-error-quark, wv_api_error)

/* --- random values and the access token ------------------------------- */

void
wv_random_bytes (void *buf, gsize len)
{
  guint8 *p = buf;

  while (len > 0)
    {
      ssize_t n = getrandom (p, len, 0);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        g_error ("the kernel's random source failed: %s", g_strerror (errno));
      p += n;
      len -= n;
    }
}

char *
wv_token_new (void)
{
  static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  guint8 raw[WV_TOKEN_RANDOM_BYTES];
  char *out = g_malloc (WV_TOKEN_RANDOM_BYTES / 3 * 4 + 1);
  gsize o = 0;

  G_STATIC_ASSERT (WV_TOKEN_RANDOM_BYTES % 3 == 0);
  wv_random_bytes (raw, sizeof raw);
  for (gsize i = 0; i < sizeof raw; i += 3)
    {
      guint32 v = raw[i] << 16 | raw[i + 1] << 8 | raw[i + 2];

      out[o++] = alphabet[(v >> 18) & 63];
      out[o++] = alphabet[(v >> 12) & 63];
      out[o++] = alphabet[(v >> 6) & 63];
      out[o++] = alphabet[v & 63];
    }
  out[o] = '\0';
  memset (raw, 0, sizeof raw);
  return out;
}

char *
wv_random_uuid (void)
{
  guint8 b[16];

  wv_random_bytes (b, sizeof b);
  b[6] = (b[6] & 0x0f) | 0x40;   /* version 4 */
  b[8] = (b[8] & 0x3f) | 0x80;   /* RFC 4122 variant */
  return g_strdup_printf ("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
                          "%02x%02x%02x%02x%02x%02x",
                          b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9],
                          b[10], b[11], b[12], b[13], b[14], b[15]);
}

static gboolean
token_char (char c)
{
  return g_ascii_isalnum (c) || c == '-' || c == '.' || c == '_' || c == '~';
}

gboolean
wv_token_is_valid (const char *token)
{
  gsize n = 0;

  if (token == NULL)
    return FALSE;
  for (; token[n]; n++)
    if (!token_char (token[n]) || n >= WV_TOKEN_MAX_LEN)
      return FALSE;
  return n >= WV_TOKEN_MIN_LEN;
}

gboolean
wv_token_equal (const char *given, gsize given_len, const char *expected)
{
  gsize len = strlen (expected);
  volatile guint8 diff = given_len != len;

  /* Every byte of @expected is compared, whatever @given holds; a shorter
   * @given is read cyclically, never past its end. */
  for (gsize i = 0; i < len; i++)
    diff |= (guint8) expected[i] ^ (guint8) (given_len ? given[i % given_len] : 0);
  return diff == 0;
}

gboolean
wv_api_authorized (const char *header, const char *expected)
{
  const char *p, *end;

  if (header == NULL || expected == NULL)
    return FALSE;
  if (g_ascii_strncasecmp (header, "Bearer", 6) != 0 || (header[6] != ' ' && header[6] != '\t'))
    return FALSE;
  p = header + 6;
  while (*p == ' ' || *p == '\t')
    p++;
  end = p + strlen (p);
  while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
    end--;
  return wv_token_equal (p, end - p, expected);
}

char *
wv_api_url_token (const char *url)
{
  g_autoptr(GUri) uri = url ? g_uri_parse (url, G_URI_FLAGS_ENCODED_QUERY, NULL) : NULL;
  g_autoptr(GHashTable) params = NULL;
  const char *query = uri ? g_uri_get_query (uri) : NULL;
  const char *token;

  if (query == NULL)
    return NULL;
  params = g_uri_parse_params (query, -1, "&", G_URI_PARAMS_NONE, NULL);
  token = params ? g_hash_table_lookup (params, "token") : NULL;
  return g_strdup (token);
}

/* --- routes -------------------------------------------------------------- */

WvRoute
wv_api_route (const char *path, char *id)
{
  gsize plen = strlen (API_PREFIX);
  const char *rest, *slash;
  gsize n;

  if (id)
    id[0] = '\0';
  if (path == NULL || strncmp (path, API_PREFIX, plen) != 0 ||
      (path[plen] != '\0' && path[plen] != '/'))
    return WV_ROUTE_NONE;
  rest = path + plen;
  if (rest[0] == '\0' || strcmp (rest, "/") == 0)
    return WV_ROUTE_ROOT;
  rest++;
  if (strcmp (rest, "status") == 0)
    return WV_ROUTE_STATUS;
  if (strncmp (rest, "connections", 11) != 0)
    return WV_ROUTE_NOT_FOUND;
  rest += 11;
  if (rest[0] == '\0')
    return WV_ROUTE_CONNECTIONS;
  if (rest[0] != '/' || rest[1] == '\0')
    return WV_ROUTE_NOT_FOUND;
  rest++;
  slash = strchr (rest, '/');
  n = slash ? (gsize) (slash - rest) : strlen (rest);
  if (n == 0)
    return WV_ROUTE_NOT_FOUND;
  if (id && n <= WV_MAX_ID_LEN)
    {
      memcpy (id, rest, n);
      id[n] = '\0';
    }
  if (slash == NULL)
    return WV_ROUTE_CONNECTION;
  if (strcmp (slash, "/candidates") == 0)
    return WV_ROUTE_CANDIDATES;
  return WV_ROUTE_NOT_FOUND;
}

const char *
wv_api_route_methods (WvRoute route)
{
  switch (route)
    {
    case WV_ROUTE_ROOT:
    case WV_ROUTE_STATUS:
      return "GET";
    case WV_ROUTE_CONNECTIONS:
      return "POST";
    case WV_ROUTE_CONNECTION:
      return "DELETE";
    case WV_ROUTE_CANDIDATES:
      return "GET, POST";
    default:
      return "";
    }
}

gboolean
wv_api_method_allowed (WvRoute route, const char *method)
{
  const char *allowed = wv_api_route_methods (route);

  if (method == NULL || *method == '\0')
    return FALSE;
  if (route == WV_ROUTE_CANDIDATES)
    return strcmp (method, "GET") == 0 || strcmp (method, "POST") == 0;
  return strcmp (method, allowed) == 0;
}

gboolean
wv_api_parse_since (const char *text, guint max, guint *out)
{
  guint64 v = 0;

  if (text == NULL)
    {
      *out = 0;
      return TRUE;
    }
  /* Decimal digits only: no sign, no space, no "0x". */
  for (const char *p = text; *p; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  if (!g_ascii_string_to_unsigned (text, 10, 0, max, &v, NULL))
    return FALSE;
  *out = (guint) v;
  return TRUE;
}

/* --- bodies -------------------------------------------------------------- */

const char *
wv_api_error_code (WvApiError code)
{
  switch (code)
    {
    case WV_API_ERROR_BAD_JSON: return "bad_json";
    case WV_API_ERROR_PROTOCOL: return "protocol";
    case WV_API_ERROR_BAD_REQUEST: return "bad_request";
    case WV_API_ERROR_TOO_LARGE: return "too_large";
    case WV_API_ERROR_BAD_CANDIDATES: return "bad_candidates";
    default: return "bad_request";
    }
}

JsonObject *
wv_api_parse_object (JsonParser *parser, const char *data, gsize len, GError **error)
{
  g_autoptr(GError) local = NULL;
  JsonNode *root;

  if (len == 0 || data == NULL)
    {
      g_set_error (error, WV_API_ERROR, WV_API_ERROR_BAD_JSON, "the body is empty");
      return NULL;
    }
  /* NUL bytes are not valid here either. */
  if (!g_utf8_validate_len (data, len, NULL))
    {
      g_set_error (error, WV_API_ERROR, WV_API_ERROR_BAD_JSON, "the body is not UTF-8");
      return NULL;
    }
  if (!wv_json_check_object (data, len, &local) ||
      !json_parser_load_from_data (parser, data, len, &local))
    {
      g_autofree char *why = wv_log_escape (local ? local->message : "?", 200);

      g_set_error (error, WV_API_ERROR, WV_API_ERROR_BAD_JSON, "the body is not a JSON object: %s",
                   why);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, WV_API_ERROR, WV_API_ERROR_BAD_JSON, "the body must be a JSON object");
      return NULL;
    }
  return json_node_get_object (root);
}

static const char *
get_string (JsonObject *o, const char *name, gsize max_len)
{
  JsonNode *n = json_object_get_member (o, name);
  const char *s;

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  s = json_node_get_string (n);
  return s && strlen (s) <= max_len ? s : NULL;
}

static gboolean
get_int (JsonObject *o, const char *name, gint64 min, gint64 max, gint64 *out)
{
  JsonNode *n = json_object_get_member (o, name);

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_INT64)
    return FALSE;
  *out = json_node_get_int (n);
  return *out >= min && *out <= max;
}

gboolean
wv_api_parse_offer (JsonObject *o, gsize max_sdp, WvApiOffer *out, GError **error)
{
  gint64 protocol = 0, family = 0, index = 0;
  const char *session, *sdp;

  if (!get_int (o, "protocol", 0, G_MAXINT, &protocol) || protocol != WV_PROTOCOL_VERSION)
    {
      g_set_error (error, WV_API_ERROR, WV_API_ERROR_PROTOCOL, "\"protocol\" must be %d",
                   WV_PROTOCOL_VERSION);
      return FALSE;
    }
  session = get_string (o, "session", WV_MAX_ID_LEN);
  sdp = get_string (o, "sdp", max_sdp);
  if (session == NULL || *session == '\0' || sdp == NULL ||
      !get_int (o, "family", 4, 6, &family) || (family != 4 && family != 6) ||
      !get_int (o, "index", 0, 1000, &index))
    {
      g_set_error (error, WV_API_ERROR, WV_API_ERROR_BAD_REQUEST,
                   "need \"session\" (string), \"family\" (4 or 6), \"index\" and \"sdp\"");
      return FALSE;
    }
  g_strlcpy (out->session, session, sizeof out->session);
  out->index = index;
  out->family = family;
  out->sdp = sdp;
  return TRUE;
}

gboolean
wv_api_parse_candidates (JsonObject *o, WvApiCandidateItem *items, guint *n_items,
                         guint *n_total, GError **error)
{
  JsonNode *node = json_object_get_member (o, "candidates");
  JsonArray *list;
  guint n;

  *n_items = 0;
  *n_total = 0;
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, WV_API_ERROR, WV_API_ERROR_BAD_REQUEST, "need \"candidates\": [...]");
      return FALSE;
    }
  list = json_node_get_array (node);
  n = json_array_get_length (list);
  *n_total = n;
  if (n > WV_API_MAX_CANDIDATES_PER_POST)
    {
      g_set_error (error, WV_API_ERROR, WV_API_ERROR_TOO_LARGE, "at most %d candidates per request",
                   WV_API_MAX_CANDIDATES_PER_POST);
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    {
      JsonNode *item = json_array_get_element (list, i);
      JsonObject *c;
      const char *cand;
      gint64 mline;
      WvCandidate parsed;

      if (!JSON_NODE_HOLDS_OBJECT (item))
        continue;
      c = json_node_get_object (item);
      cand = get_string (c, "candidate", WV_API_MAX_CANDIDATE_LEN);
      if (cand == NULL || !get_int (c, "mline", 0, WV_API_MAX_MLINE, &mline) ||
          !wv_candidate_parse (cand, &parsed))
        continue;
      items[*n_items].mline = mline;
      items[*n_items].candidate = cand;
      (*n_items)++;
    }
  if (*n_items == 0 && n > 0)
    {
      g_set_error (error, WV_API_ERROR, WV_API_ERROR_BAD_CANDIDATES,
                   "none of the %u candidates is well formed", n);
      return FALSE;
    }
  return TRUE;
}

/* --- ICE candidates ------------------------------------------------------------- */

static gboolean
parse_uint (const char *s, guint64 max, guint64 *out)
{
  if (s == NULL || *s == '\0')
    return FALSE;
  for (const char *p = s; *p; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return g_ascii_string_to_unsigned (s, 10, 0, max, out, NULL);
}

gboolean
wv_candidate_parse (const char *text, WvCandidate *out)
{
  g_auto(GStrv) f = NULL;
  guint64 component, priority, port;
  WvCandidate c = { 0 };
  gsize alen;

  if (text == NULL)
    return FALSE;
  if (g_str_has_prefix (text, "a="))
    text += 2;
  if (!g_str_has_prefix (text, "candidate:") || strlen (text) > WV_API_MAX_CANDIDATE_LEN)
    return FALSE;
  f = g_strsplit (text + strlen ("candidate:"), " ", 10);
  if (g_strv_length (f) < 8 || f[0][0] == '\0' || strcmp (f[6], "typ") != 0)
    return FALSE;
  if (!parse_uint (f[1], 256, &component) || component < 1 ||
      !parse_uint (f[3], G_MAXUINT32, &priority) || !parse_uint (f[5], 65535, &port))
    return FALSE;
  alen = strlen (f[4]);
  if (alen == 0 || alen >= sizeof c.address || strlen (f[7]) >= sizeof c.type || f[7][0] == '\0')
    return FALSE;
  c.component = component;
  c.udp = g_ascii_strcasecmp (f[2], "udp") == 0;
  if (!c.udp && g_ascii_strcasecmp (f[2], "tcp") != 0)
    return FALSE;
  c.port = port;
  memcpy (c.address, f[4], alen + 1);
  g_strlcpy (c.type, f[7], sizeof c.type);
  if (inet_pton (AF_INET, c.address, c.addr) == 1)
    {
      c.is_ip = TRUE;
      c.family = 4;
    }
  else if (inet_pton (AF_INET6, c.address, c.addr) == 1)
    {
      c.is_ip = TRUE;
      c.family = 6;
    }
  else
    c.is_mdns = g_str_has_suffix (c.address, ".local");
  *out = c;
  return TRUE;
}

const char *
wv_candidate_verdict_to_string (WvCandidateVerdict verdict)
{
  switch (verdict)
    {
    case WV_CANDIDATE_USE: return "used";
    case WV_CANDIDATE_NAME: return "a name, not an address";
    case WV_CANDIDATE_OTHER_FAMILY: return "of the other address family";
    case WV_CANDIDATE_NOT_UDP: return "not UDP component 1";
    case WV_CANDIDATE_SPECIAL: return "a special-purpose address";
    case WV_CANDIDATE_LOOPBACK: return "loopback";
    case WV_CANDIDATE_NOT_CLIENT: return "not the client's address";
    default: return "?";
    }
}

static gboolean
v4_special (const guint8 *a)
{
  return a[0] == 0 ||                        /* "this network", 0.0.0.0 */
         (a[0] == 169 && a[1] == 254) ||     /* link-local */
         a[0] >= 224;                        /* multicast, reserved, broadcast */
}

static gboolean
v6_special (const guint8 *a)
{
  static const guint8 zero[10];
  static const guint8 unspecified[16];

  return memcmp (a, unspecified, 16) == 0 ||
         a[0] == 0xff ||                                      /* multicast */
         (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) ||           /* link-local */
         (a[0] == 0xfe && (a[1] & 0xc0) == 0xc0) ||           /* site-local (deprecated) */
         (memcmp (a, zero, 10) == 0 && ((a[10] == 0xff && a[11] == 0xff) ||  /* v4-mapped */
                                        (a[10] == 0 && a[11] == 0))) ||      /* v4-compatible */
         (a[0] == 0x00 && a[1] == 0x64 && a[2] == 0xff && a[3] == 0x9b);  /* NAT64 */
}

static gboolean
is_loopback (int family, const guint8 *a)
{
  static const guint8 v6_loopback[16] = { [15] = 1 };

  return family == 4 ? a[0] == 127 : memcmp (a, v6_loopback, 16) == 0;
}

/* @host as an address; an IPv4-mapped IPv6 address reads as IPv4. */
static int
parse_host (const char *host, guint8 *addr)
{
  static const guint8 mapped[12] = { [10] = 0xff, [11] = 0xff };
  guint8 v6[16];

  if (host == NULL)
    return 0;
  if (inet_pton (AF_INET, host, addr) == 1)
    return 4;
  if (inet_pton (AF_INET6, host, v6) != 1)
    return 0;
  if (memcmp (v6, mapped, 12) == 0)
    {
      memcpy (addr, v6 + 12, 4);
      return 4;
    }
  memcpy (addr, v6, 16);
  return 6;
}

WvCandidateVerdict
wv_candidate_check (const WvCandidate *c, int family, const char *client)
{
  guint8 caddr[16];
  int cfamily = parse_host (client, caddr);
  gboolean client_loopback = cfamily != 0 && is_loopback (cfamily, caddr);

  if (!c->is_ip)
    return WV_CANDIDATE_NAME;
  if (c->family != family)
    return WV_CANDIDATE_OTHER_FAMILY;
  if (!c->udp || c->component != 1)
    return WV_CANDIDATE_NOT_UDP;
  if (c->port == 0)
    return WV_CANDIDATE_SPECIAL;
  if (is_loopback (c->family, c->addr))
    /* A client on this host reaches us over loopback, and only this host
     * can be reached that way. */
    return client_loopback ? WV_CANDIDATE_USE : WV_CANDIDATE_LOOPBACK;
  if (c->family == 4 ? v4_special (c->addr) : v6_special (c->addr))
    return WV_CANDIDATE_SPECIAL;
  /* The client's own address: the same IPv4 address, or the same IPv6 /64
   * (a host picks among the addresses of its /64, temporary ones too). */
  if (cfamily != c->family)
    return WV_CANDIDATE_NOT_CLIENT;
  if (memcmp (caddr, c->addr, c->family == 4 ? 4 : 8) != 0)
    return WV_CANDIDATE_NOT_CLIENT;
  return WV_CANDIDATE_USE;
}

char *
wv_sdp_filter_candidates (const char *sdp, WvSdpCandidateFunc keep, gpointer data,
                          guint *n_seen)
{
  GString *out = g_string_sized_new (strlen (sdp) + 2);
  const char *p = sdp;

  *n_seen = 0;
  while (*p)
    {
      const char *eol = strchr (p, '\n');
      gsize len = eol ? (gsize) (eol - p) : strlen (p);
      gsize text_len = len > 0 && p[len - 1] == '\r' ? len - 1 : len;

      if (text_len >= 12 && strncmp (p, "a=candidate:", 12) == 0)
        {
          g_autofree char *line = g_strndup (p + 2, text_len - 2);

          (*n_seen)++;
          if (!keep (line, data))
            {
              p += eol ? len + 1 : len;
              continue;
            }
        }
      g_string_append_len (out, p, text_len);
      g_string_append (out, "\r\n");
      p += eol ? len + 1 : len;
    }
  return g_string_free (out, FALSE);
}

/* --- hosts ---------------------------------------------------------------------- */

char *
wv_api_host_key (const char *host)
{
  guint8 a[16];
  char text[INET6_ADDRSTRLEN];

  switch (parse_host (host, a))
    {
    case 4:
      inet_ntop (AF_INET, a, text, sizeof text);
      return g_strdup (text);
    case 6:
      memset (a + 8, 0, 8);
      inet_ntop (AF_INET6, a, text, sizeof text);
      return g_strdup_printf ("%s/64", text);
    default:
      return g_strdup (host ? host : "");
    }
}

/* --- log text ------------------------------------------------------------------- */

char *
wv_log_escape (const char *text, gsize max_bytes)
{
  GString *out;
  const char *p, *end;

  if (text == NULL)
    return g_strdup ("(null)");
  out = g_string_new (NULL);
  p = text;
  end = text + strnlen (text, max_bytes);
  while (p < end)
    {
      gunichar c = g_utf8_get_char_validated (p, end - p);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append_printf (out, "\\x%02x", (guchar) *p);
          p++;
          continue;
        }
      if (c == '\\' || g_unichar_iscntrl (c) || c == 0x2028 || c == 0x2029)
        {
          if (c < 0x100)
            g_string_append_printf (out, "\\x%02x", c);
          else
            g_string_append_printf (out, "\\u%04x", c);
        }
      else
        g_string_append_unichar (out, c);
      p = g_utf8_next_char (p);
    }
  if (text[end - text] != '\0')
    g_string_append (out, "...");
  return g_string_free (out, FALSE);
}
