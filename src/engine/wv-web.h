/* wv-web.h: the web client that the measuring server serves
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* TRUE when @path is one of the web client's files ("/" is its page). */
gboolean wv_web_has_path (const char *path);

/* Answers a GET or HEAD of one of the web client's files (the caller
 * checked the path and the method). */
void wv_web_serve (SoupServerMessage *msg, const char *path);

/* The addresses to open the page at, from the URLs the server listens on
 * (wv_server_dup_urls()): a wildcard address (0.0.0.0, [::]) becomes every
 * address of that family on this machine's interfaces that is up, other
 * hosts first, loopback last, IPv6 link-local addresses left out (browsers
 * cannot open them). Each URL ends in "/". */
char **wv_web_dup_page_urls (const char *const *listen_urls);

G_END_DECLS
