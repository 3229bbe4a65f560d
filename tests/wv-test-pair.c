/* wv-test-pair.c: two WvPeers connected to each other in one process
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#include "wv-test-pair.h"

static void
on_description (WvPeer *peer, const char *type, const char *sdp, WvPeer *other)
{
  g_autoptr(GError) error = NULL;

  if (!wv_peer_set_remote_description (other, type, sdp, &error))
    g_warning ("set-remote-description: %s", error->message);
}

static void
on_candidate (WvPeer *peer, guint mline, const char *candidate, WvPeer *other)
{
  wv_peer_add_remote_candidate (other, mline, candidate);
}

static void
on_error (WvPeer *peer, const GError *error, WvTestPair *pair)
{
  if (pair->error == NULL)
    pair->error = g_strdup (error->message);
}

static gboolean
timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
wv_test_run_until (gboolean *flag, guint timeout_ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (timeout_ms, timeout_cb, &timed_out);

  while (!*flag && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  return *flag;
}

static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

gboolean
wv_test_pair_connect (WvTestPair *pair, const char *address, int family,
                      gboolean socket_errors, guint timeout_s)
{
  const char *addrs[] = { address, NULL };
  WvPeerConfig oc = { TRUE, family, addrs, NULL, socket_errors };
  WvPeerConfig ac = { FALSE, family, addrs, NULL, socket_errors };
  g_autoptr(GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_s * G_USEC_PER_SEC;
  guint tick;

  pair->offerer = wv_peer_new (&oc, &error);
  if (pair->offerer == NULL)
    {
      pair->error = g_strdup (error->message);
      return FALSE;
    }
  pair->answerer = wv_peer_new (&ac, &error);
  if (pair->answerer == NULL)
    {
      pair->error = g_strdup (error->message);
      return FALSE;
    }
  g_signal_connect (pair->offerer, "local-description", G_CALLBACK (on_description), pair->answerer);
  g_signal_connect (pair->answerer, "local-description", G_CALLBACK (on_description), pair->offerer);
  g_signal_connect (pair->offerer, "local-candidate", G_CALLBACK (on_candidate), pair->answerer);
  g_signal_connect (pair->answerer, "local-candidate", G_CALLBACK (on_candidate), pair->offerer);
  g_signal_connect (pair->offerer, "error", G_CALLBACK (on_error), pair);
  g_signal_connect (pair->answerer, "error", G_CALLBACK (on_error), pair);

  wv_peer_start (pair->offerer);
  /* A periodic source wakes the loop so the deadline is seen in time. */
  tick = g_timeout_add (50, tick_cb, NULL);
  while (g_get_monotonic_time () < deadline && pair->error == NULL &&
         (wv_peer_get_state (pair->offerer) != WV_PEER_CONNECTED ||
          wv_peer_get_state (pair->answerer) != WV_PEER_CONNECTED))
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);

  if (pair->error == NULL &&
      (wv_peer_get_state (pair->offerer) != WV_PEER_CONNECTED ||
       wv_peer_get_state (pair->answerer) != WV_PEER_CONNECTED))
    pair->error = g_strdup_printf ("not connected after %u s (offerer %s, answerer %s)",
                                   timeout_s,
                                   wv_peer_state_to_string (wv_peer_get_state (pair->offerer)),
                                   wv_peer_state_to_string (wv_peer_get_state (pair->answerer)));
  return pair->error == NULL;
}

void
wv_test_pair_clear (WvTestPair *pair)
{
  if (pair->offerer)
    wv_peer_close (pair->offerer);
  if (pair->answerer)
    wv_peer_close (pair->answerer);
  /* Let queued events of the closed peers drain before they go. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&pair->offerer);
  g_clear_object (&pair->answerer);
  g_clear_pointer (&pair->error, g_free);
}

gboolean
wv_test_have_ipv6_loopback (void)
{
  int fd = socket (AF_INET6, SOCK_DGRAM, 0);
  struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
  gboolean ok;

  if (fd < 0)
    return FALSE;
  ok = bind (fd, (struct sockaddr *) &sa, sizeof sa) == 0;
  close (fd);
  return ok;
}
