/* wv-host.c: facts about this host for a run's metadata
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wv-host"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/utsname.h>

#include <gio/gio.h>

#include "wv-host.h"

char *
wv_host_dup_os (void)
{
  return g_get_os_info (G_OS_INFO_KEY_PRETTY_NAME);
}

char *
wv_host_dup_kernel (void)
{
  struct utsname u;

  if (uname (&u) != 0)
    return NULL;
  return g_strdup (u.release);
}

char *
wv_host_dup_interface_for_address (const char *addr)
{
  g_autoptr(GInetAddress) want = addr != NULL ? g_inet_address_new_from_string (addr) : NULL;
  struct ifaddrs *list = NULL;
  char *name = NULL;

  if (want == NULL || getifaddrs (&list) != 0)
    return NULL;
  for (struct ifaddrs *i = list; i != NULL && name == NULL; i = i->ifa_next)
    {
      g_autoptr(GInetAddress) have = NULL;

      if (i->ifa_addr == NULL || i->ifa_name == NULL)
        continue;
      if (i->ifa_addr->sa_family == AF_INET)
        have = g_inet_address_new_from_bytes (
            (const guint8 *) &((struct sockaddr_in *) (gpointer) i->ifa_addr)->sin_addr,
            G_SOCKET_FAMILY_IPV4);
      else if (i->ifa_addr->sa_family == AF_INET6)
        have = g_inet_address_new_from_bytes (
            (const guint8 *) &((struct sockaddr_in6 *) (gpointer) i->ifa_addr)->sin6_addr,
            G_SOCKET_FAMILY_IPV6);
      if (have != NULL && g_inet_address_equal (have, want))
        name = g_strdup (i->ifa_name);
    }
  freeifaddrs (list);
  return name;
}
