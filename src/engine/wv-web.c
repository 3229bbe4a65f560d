/* wv-web.c: the web client that the measuring server serves
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Any device with a browser can be the far end of a measurement: the
 * server answers GET / with a page (src/web/, docs/browser-client.md) that
 * speaks the client role of docs/protocol.md to the same server. The files
 * are compiled into the engine as a GResource, so the server needs nothing
 * on disk and nothing from the internet, and the page's API calls go to
 * its own origin (no CORS).
 *
 * Every file is sent with cross-origin isolation (COOP same-origin, COEP
 * require-corp, CORP same-origin): only then do browsers give a page
 * timers finer than 100 us (Chromium) or 1 ms (Firefox), and only in a
 * secure context (localhost or HTTPS: serve --tls-cert). The page URL may
 * carry an access token, so no Referer leaves it.
 */
#define G_LOG_DOMAIN "wv-web"

#include "config.h"

#include <string.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <gio/gio.h>

#include "wv-web.h"
#include "wv-web-resources.h"

#define WEB_ROOT "/org/wifiverify/WifiVerify/web"
#define WEB_INDEX "index.html"

static void
ensure_registered (void)
{
  static gsize once = 0;

  /* A constructor in a static library would be dropped by the linker, so
   * the resource is registered on first use (--manual-register). */
  if (g_once_init_enter (&once))
    {
      wv_web_register_resource ();
      g_once_init_leave (&once, 1);
    }
}

/* The resource path of a URL path, or NULL: only the files at the top of
 * the page's folder exist, and "/" is the page. */
static char *
resource_path (const char *path)
{
  const char *name;

  if (path == NULL || path[0] != '/')
    return NULL;
  name = path + 1;
  if (*name == '\0')
    name = WEB_INDEX;
  for (const char *p = name; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && (*p != '.' || p == name))
      return NULL;
  return g_strconcat (WEB_ROOT "/", name, NULL);
}

gboolean
wv_web_has_path (const char *path)
{
  g_autofree char *rpath = resource_path (path);

  ensure_registered ();
  return rpath != NULL &&
         g_resources_get_info (rpath, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL, NULL, NULL);
}

static const char *
content_type (const char *rpath)
{
  static const struct { const char *suffix; const char *type; } types[] = {
    { ".html", "text/html; charset=utf-8" },
    { ".js", "text/javascript; charset=utf-8" },
    { ".css", "text/css; charset=utf-8" },
    { ".svg", "image/svg+xml" },
    { ".json", "application/json" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    if (g_str_has_suffix (rpath, types[i].suffix))
      return types[i].type;
  return "application/octet-stream";
}

void
wv_web_serve (SoupServerMessage *msg, const char *path)
{
  g_autofree char *rpath = resource_path (path);
  g_autoptr(GBytes) bytes = NULL;
  SoupMessageHeaders *h = soup_server_message_get_response_headers (msg);

  ensure_registered ();
  bytes = rpath ? g_resources_lookup_data (rpath, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL) : NULL;
  if (bytes == NULL)
    {
      soup_server_message_set_status (msg, 404, NULL);
      return;
    }
  soup_message_headers_replace (h, "Cross-Origin-Opener-Policy", "same-origin");
  soup_message_headers_replace (h, "Cross-Origin-Embedder-Policy", "require-corp");
  soup_message_headers_replace (h, "Cross-Origin-Resource-Policy", "same-origin");
  soup_message_headers_replace (h, "X-Content-Type-Options", "nosniff");
  soup_message_headers_replace (h, "Referrer-Policy", "no-referrer");
  /* Everything from here; WebRTC itself is not subject to CSP. */
  soup_message_headers_replace (h, "Content-Security-Policy",
                                "default-src 'self'; img-src 'self' data: blob:; "
                                "object-src 'none'; base-uri 'none'; frame-ancestors 'none'");
  /* A newer server must not meet an older cached page. */
  soup_message_headers_replace (h, "Cache-Control", "no-cache");
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, content_type (rpath), SOUP_MEMORY_COPY,
                                    g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

/* --- page URLs ------------------------------------------------------------ */

typedef struct {
  GPtrArray *others;
  GPtrArray *loopback;
} Addresses;

/* The addresses of @family on interfaces that are up. */
static void
interface_addresses (GSocketFamily family, Addresses *out)
{
  struct ifaddrs *list = NULL;

  if (getifaddrs (&list) < 0)
    return;
  for (struct ifaddrs *i = list; i; i = i->ifa_next)
    {
      g_autoptr(GInetAddress) a = NULL;
      gsize len;

      if (i->ifa_addr == NULL || !(i->ifa_flags & IFF_UP))
        continue;
      if (i->ifa_addr->sa_family == AF_INET && family == G_SOCKET_FAMILY_IPV4)
        len = sizeof (struct sockaddr_in);
      else if (i->ifa_addr->sa_family == AF_INET6 && family == G_SOCKET_FAMILY_IPV6)
        len = sizeof (struct sockaddr_in6);
      else
        continue;
      {
        g_autoptr(GSocketAddress) sa = g_socket_address_new_from_native (i->ifa_addr, len);

        if (sa == NULL)
          continue;
        a = g_object_ref (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (sa)));
      }
      if (g_inet_address_get_is_link_local (a))
        continue;
      g_ptr_array_add (g_inet_address_get_is_loopback (a) ? out->loopback : out->others,
                       g_inet_address_to_string (a));
    }
  freeifaddrs (list);
}

static void
add_url (GPtrArray *urls, const char *scheme, const char *host, guint port)
{
  g_autofree char *url = NULL;

  if (strchr (host, ':'))
    url = g_strdup_printf ("%s://[%s]:%u/", scheme, host, port);
  else
    url = g_strdup_printf ("%s://%s:%u/", scheme, host, port);
  for (guint i = 0; i < urls->len; i++)
    if (strcmp (g_ptr_array_index (urls, i), url) == 0)
      return;
  g_ptr_array_add (urls, g_steal_pointer (&url));
}

char **
wv_web_dup_page_urls (const char *const *listen_urls)
{
  g_autoptr(GPtrArray) urls = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) loopback_urls = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; listen_urls && listen_urls[i]; i++)
    {
      g_autoptr(GUri) uri = g_uri_parse (listen_urls[i], G_URI_FLAGS_NONE, NULL);
      g_autoptr(GInetAddress) host = NULL;
      Addresses found;
      const char *scheme;
      guint port;

      if (uri == NULL || g_uri_get_host (uri) == NULL)
        continue;
      scheme = g_uri_get_scheme (uri);
      port = g_uri_get_port (uri) > 0 ? (guint) g_uri_get_port (uri)
                                      : (strcmp (scheme, "https") == 0 ? 443 : 80);
      host = g_inet_address_new_from_string (g_uri_get_host (uri));
      if (host == NULL || !g_inet_address_get_is_any (host))
        {
          add_url (host && g_inet_address_get_is_loopback (host) ? loopback_urls : urls,
                   scheme, g_uri_get_host (uri), port);
          continue;
        }
      found.others = g_ptr_array_new_with_free_func (g_free);
      found.loopback = g_ptr_array_new_with_free_func (g_free);
      interface_addresses (g_inet_address_get_family (host), &found);
      for (guint k = 0; k < found.others->len; k++)
        add_url (urls, scheme, g_ptr_array_index (found.others, k), port);
      for (guint k = 0; k < found.loopback->len; k++)
        add_url (loopback_urls, scheme, g_ptr_array_index (found.loopback, k), port);
      g_ptr_array_unref (found.others);
      g_ptr_array_unref (found.loopback);
    }
  for (guint i = 0; i < loopback_urls->len; i++)
    g_ptr_array_add (urls, g_strdup (g_ptr_array_index (loopback_urls, i)));
  g_ptr_array_add (urls, NULL);
  return (char **) g_ptr_array_steal (urls, NULL);
}
