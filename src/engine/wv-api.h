/* wv-api.h: parsing and checks of the HTTP signalling API, without HTTP
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything the server takes from an HTTP request before it acts on it:
 * the route (method and path), the query, the access token, the JSON
 * bodies and the ICE candidates in them (with the rule that decides which
 * candidates the server may send connectivity checks to), and the text it
 * logs. Plain functions on strings and bytes, so that a fuzzer
 * (tests/fuzz/fuzz-api.c) can drive them without a server. docs/protocol.md,
 * "HTTP signalling API", is the reference.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* --- random values and the access token ------------------------------- */

/* Characters of a token: RFC 3986 "unreserved", so that it goes into a URL
 * query and an Authorization header unescaped. */
#define WV_TOKEN_MIN_LEN 16
#define WV_TOKEN_MAX_LEN 128
/* Bytes of kernel randomness in a generated token (base64url: 32 chars). */
#define WV_TOKEN_RANDOM_BYTES 24

/* Fills @buf from the kernel's random source (getrandom(2), blocking until
 * the pool is initialised); aborts if the kernel cannot supply it. */
void wv_random_bytes (void *buf, gsize len);
/* A new token: WV_TOKEN_RANDOM_BYTES random bytes, base64url, no padding. */
char *wv_token_new (void);
/* A new random UUID (version 4) from the kernel's random source. */
char *wv_random_uuid (void);
/* Whether @token has WV_TOKEN_MIN_LEN..WV_TOKEN_MAX_LEN unreserved
 * characters (A-Z a-z 0-9 - . _ ~). */
gboolean wv_token_is_valid (const char *token);
/* Compares in time that depends only on the length of @expected. */
gboolean wv_token_equal (const char *given, gsize given_len, const char *expected);
/* Whether an Authorization header value ("Bearer TOKEN", scheme in any
 * case, one or more spaces) carries @expected. NULL @header: no. */
gboolean wv_api_authorized (const char *header, const char *expected);

/* The token of a page or server URL: the value of its "token" query
 * parameter (percent-decoded), or NULL if it has none. */
char *wv_api_url_token (const char *url);

/* --- routes -------------------------------------------------------------- */

typedef enum {
  WV_ROUTE_NONE,            /* not under the API prefix: not ours (page, assets, 404) */
  WV_ROUTE_NOT_FOUND,       /* under the prefix, but no such resource */
  WV_ROUTE_ROOT,            /* /api/v1, /api/v1/ */
  WV_ROUTE_STATUS,          /* /api/v1/status */
  WV_ROUTE_CONNECTIONS,     /* /api/v1/connections */
  WV_ROUTE_CONNECTION,      /* /api/v1/connections/ID */
  WV_ROUTE_CANDIDATES,      /* /api/v1/connections/ID/candidates */
} WvRoute;

/* Which resource @path names; for the last two, @id (WV_MAX_ID_LEN + 1
 * bytes) gets the connection id (empty when it is longer). */
WvRoute wv_api_route (const char *path, char *id);
/* The one method a route takes ("GET", ...), or for candidates "GET" and
 * "POST"; whether @method is allowed there. */
gboolean wv_api_method_allowed (WvRoute route, const char *method);
const char *wv_api_route_methods (WvRoute route);

/* "since" of GET .../candidates: a decimal integer 0..@max, or NULL (0). */
gboolean wv_api_parse_since (const char *text, guint max, guint *out);

/* --- bodies -------------------------------------------------------------- */

#define WV_API_ERROR (wv_api_error_quark ())
GQuark wv_api_error_quark (void);

/* Error codes of the API, as in the "code" of an error body. */
typedef enum {
  WV_API_ERROR_BAD_JSON,        /* "bad_json" */
  WV_API_ERROR_PROTOCOL,        /* "protocol" */
  WV_API_ERROR_BAD_REQUEST,     /* "bad_request" */
  WV_API_ERROR_TOO_LARGE,       /* "too_large" */
  WV_API_ERROR_BAD_CANDIDATES,  /* "bad_candidates" */
} WvApiError;

const char *wv_api_error_code (WvApiError code);

/* The body as a JSON object (UTF-8, RFC 8259, at most 32 levels deep, one
 * value); NULL and WV_API_ERROR_BAD_JSON otherwise. The object belongs to
 * @parser. */
JsonObject *wv_api_parse_object (JsonParser *parser, const char *data, gsize len,
                                 GError **error);

typedef struct {
  char session[64 + 1];     /* WV_MAX_ID_LEN */
  guint index;
  int family;               /* 4 or 6 */
  const char *sdp;          /* points into the parsed object */
} WvApiOffer;

/* The members of POST /connections; the SDP at most @max_sdp bytes. */
gboolean wv_api_parse_offer (JsonObject *o, gsize max_sdp, WvApiOffer *out, GError **error);

#define WV_API_MAX_CANDIDATES_PER_POST 64
#define WV_API_MAX_CANDIDATE_LEN 512
#define WV_API_MAX_MLINE 16

/* One element of POST .../candidates that is well formed. */
typedef struct {
  guint mline;
  const char *candidate;    /* points into the parsed object */
} WvApiCandidateItem;

/* The "candidates" array of POST .../candidates: the well-formed elements
 * in @items (at most WV_API_MAX_CANDIDATES_PER_POST), *@n_total the
 * array's length. Errors: BAD_REQUEST (no array), TOO_LARGE (too many
 * elements), BAD_CANDIDATES (not empty, and no element well formed). */
gboolean wv_api_parse_candidates (JsonObject *o, WvApiCandidateItem *items, guint *n_items,
                                  guint *n_total, GError **error);

/* --- ICE candidates and where checks may go ----------------------------------- */

typedef struct {
  guint component;
  gboolean udp;
  char address[256];        /* as written: an IP literal or a name */
  guint port;
  char type[16];            /* host, srflx, prflx, relay */
  gboolean is_ip;           /* address is an IP literal */
  gboolean is_mdns;         /* address is a name ending in ".local" */
  int family;               /* 4 or 6 when is_ip */
  guint8 addr[16];          /* when is_ip: 4 or 16 bytes */
} WvCandidate;

/* Parses "candidate:<foundation> <component> <transport> <priority>
 * <address> <port> typ <type> ..." (an "a=" in front is allowed). */
gboolean wv_candidate_parse (const char *text, WvCandidate *out);

typedef enum {
  WV_CANDIDATE_USE,             /* checks may go there */
  WV_CANDIDATE_NAME,            /* not an IP address (mDNS "<uuid>.local", a name) */
  WV_CANDIDATE_OTHER_FAMILY,    /* not of the connection's family */
  WV_CANDIDATE_NOT_UDP,         /* TCP, or not component 1 */
  WV_CANDIDATE_SPECIAL,         /* unspecified, multicast, broadcast, reserved,
                                 * IPv4-mapped, link-local, or port 0 */
  WV_CANDIDATE_LOOPBACK,        /* loopback, and the client is not */
  WV_CANDIDATE_NOT_CLIENT,      /* not the client's address (or its /64) */
} WvCandidateVerdict;

const char *wv_candidate_verdict_to_string (WvCandidateVerdict verdict);

/* The rule of docs/protocol.md ("Where the server sends connectivity
 * checks"): may the server of a connection of @family send connectivity
 * checks to @c, for a client whose HTTP requests come from @client (an IP
 * literal; NULL or unparsable: unknown, nothing but peer-reflexive)? */
WvCandidateVerdict wv_candidate_check (const WvCandidate *c, int family, const char *client);

/* Calls @keep for every "a=candidate:" line of @sdp and drops the line when
 * it returns FALSE; returns the new SDP (lines end in CRLF). Counts the
 * candidate lines in *@n_seen. */
typedef gboolean (*WvSdpCandidateFunc) (const char *candidate, gpointer data);
char *wv_sdp_filter_candidates (const char *sdp, WvSdpCandidateFunc keep, gpointer data,
                                guint *n_seen);

/* --- hosts ---------------------------------------------------------------------- */

/* The key the per-client limits count by: the IPv4 address (/32) or the
 * IPv6 /64 ("2001:db8:1:2::/64"); an IPv4-mapped IPv6 address counts as
 * IPv4. Anything else is kept as it is. */
char *wv_api_host_key (const char *host);

/* --- log text ------------------------------------------------------------------- */

/* Peer-supplied @text fit for one log line: at most @max_bytes of input,
 * control characters, backslashes and bytes that are not UTF-8 as \xNN,
 * so that it can neither forge a line nor hide what was sent. */
char *wv_log_escape (const char *text, gsize max_bytes);

G_END_DECLS
