/* wv-capture.c: capture UDP datagrams on an interface with AF_PACKET
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <poll.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <linux/if_ether.h>
#include <sys/socket.h>

#include <gio/gio.h>

#include "wv-capture.h"

struct _WvCapture {
  int fd;
  GThread *thread;
  volatile gint stop;
  GMutex lock;
  GArray *datagrams;
};

static gboolean
parse_packet (const guint8 *p, gsize len, guint16 proto, WvCapturedDatagram *d)
{
  const guint8 *udp;
  gsize l4len;

  memset (d, 0, sizeof *d);
  if (proto == ETH_P_IP)
    {
      guint ihl;

      if (len < 20 || (p[0] >> 4) != 4 || p[9] != 17)
        return FALSE;
      ihl = (p[0] & 0x0f) * 4;
      if (ihl < 20 || len < ihl + 8)
        return FALSE;
      /* Fragments other than the first carry no UDP header. */
      if ((((p[6] & 0x1f) << 8) | p[7]) != 0)
        return FALSE;
      d->family = 4;
      d->tos = p[1];
      d->ip_length = (p[2] << 8) | p[3];
      d->df = (p[6] & 0x40) != 0;
      d->ttl = p[8];
      memcpy (d->src, p + 12, 4);
      memcpy (d->dst, p + 16, 4);
      udp = p + ihl;
      l4len = len - ihl;
    }
  else if (proto == ETH_P_IPV6)
    {
      if (len < 48 || (p[0] >> 4) != 6 || p[6] != 17)
        return FALSE;
      d->family = 6;
      d->tos = ((p[0] & 0x0f) << 4) | (p[1] >> 4);
      d->flow_label = ((p[1] & 0x0f) << 16) | (p[2] << 8) | p[3];
      d->ip_length = 40 + ((p[4] << 8) | p[5]);
      d->ttl = p[7];
      memcpy (d->src, p + 8, 16);
      memcpy (d->dst, p + 24, 16);
      udp = p + 40;
      l4len = len - 40;
    }
  else
    return FALSE;

  d->sport = (udp[0] << 8) | udp[1];
  d->dport = (udp[2] << 8) | udp[3];
  d->udp_length = (udp[4] << 8) | udp[5];
  if (l4len >= 8 + 13 && udp[8] >= 20 && udp[8] <= 63 && udp[9] == 0xfe)
    {
      const guint8 *r = udp + 8;

      d->dtls = TRUE;
      d->dtls_type = r[0];
      d->dtls_epoch = (r[3] << 8) | r[4];
      d->dtls_seq = ((guint64) r[5] << 40) | ((guint64) r[6] << 32) |
                    ((guint64) r[7] << 24) | ((guint64) r[8] << 16) |
                    ((guint64) r[9] << 8) | r[10];
    }
  return TRUE;
}

static gpointer
capture_thread (gpointer data)
{
  WvCapture *c = data;
  guint8 buf[65536];

  while (!g_atomic_int_get (&c->stop))
    {
      struct pollfd pfd = { c->fd, POLLIN, 0 };
      struct sockaddr_ll sll;
      socklen_t slen = sizeof sll;
      WvCapturedDatagram d;
      ssize_t n;

      if (poll (&pfd, 1, 50) <= 0)
        continue;
      n = recvfrom (c->fd, buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr *) &sll, &slen);
      if (n <= 0)
        continue;
      if (sll.sll_pkttype == PACKET_OUTGOING)
        continue;
      if (parse_packet (buf, n, ntohs (sll.sll_protocol), &d))
        {
          g_mutex_lock (&c->lock);
          g_array_append_val (c->datagrams, d);
          g_mutex_unlock (&c->lock);
        }
    }
  return NULL;
}

WvCapture *
wv_capture_start (const char *ifname, GError **error)
{
  WvCapture *c;
  struct sockaddr_ll sll = { 0 };
  int fd, size = 32 << 20;
  unsigned int ifindex = if_nametoindex (ifname);

  if (ifindex == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no interface %s", ifname);
      return NULL;
    }
  fd = socket (AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons (ETH_P_ALL));
  if (fd < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   "AF_PACKET socket: %s", g_strerror (errno));
      return NULL;
    }
  if (setsockopt (fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) < 0)
    setsockopt (fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons (ETH_P_ALL);
  sll.sll_ifindex = ifindex;
  if (bind (fd, (struct sockaddr *) &sll, sizeof sll) < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   "bind to %s: %s", ifname, g_strerror (errno));
      close (fd);
      return NULL;
    }
  c = g_new0 (WvCapture, 1);
  c->fd = fd;
  g_mutex_init (&c->lock);
  c->datagrams = g_array_new (FALSE, FALSE, sizeof (WvCapturedDatagram));
  c->thread = g_thread_new ("capture", capture_thread, c);
  return c;
}

GArray *
wv_capture_stop (WvCapture *c, guint *drops)
{
  struct tpacket_stats st = { 0 };
  socklen_t len = sizeof st;
  GArray *out;

  /* Let the last packets in flight arrive. */
  g_usleep (200 * 1000);
  g_atomic_int_set (&c->stop, 1);
  g_thread_join (c->thread);
  getsockopt (c->fd, SOL_PACKET, PACKET_STATISTICS, &st, &len);
  if (drops)
    *drops = st.tp_drops;
  close (c->fd);
  out = c->datagrams;
  g_mutex_clear (&c->lock);
  g_free (c);
  return out;
}
