/* wv-lab-udpprobe.c: one-way delay, jitter, reordering and loss per direction
 *
 * Copyright 2025 The wifi-verify authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The measuring stick of the lab self-tests. "reflect" runs in one namespace
 * and answers every probe; "probe" runs in another, sends timestamped UDP
 * probes at a fixed rate and prints statistics for both directions.
 *
 * All namespaces of the lab share one kernel and so one CLOCK_REALTIME: a
 * send time taken with clock_gettime() just before sendmsg() and the
 * receiver's kernel receive timestamp (SO_TIMESTAMPNS, taken when the packet
 * enters the receiving namespace's stack, before any wait of the receiving
 * process) give the one-way delay directly. This only holds on one host.
 *
 * c2s (client to server) is measured by the reflector, which returns its
 * totals at the end; s2c by the prober from the replies. Each probe gets one
 * reply carrying the reflector's own reply sequence number, so s2c loss and
 * reordering are measured independently of c2s.
 *
 * Wire format: native byte order, since both ends are on one host.
 */

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#define WV_PROBE_MAGIC       0x57564c50u  /* "WVLP" */
#define WV_PROBE_MAX_COUNT   10000000u
#define WV_PROBE_MAX_SIZE    65000
#define WV_PROBE_RCVBUF      (4 * 1024 * 1024)

typedef enum
{
  WV_MSG_START = 1,     /* prober -> reflector: begin a session (resets totals) */
  WV_MSG_START_ACK,
  WV_MSG_PROBE,
  WV_MSG_REPLY,
  WV_MSG_STATS_REQ,
  WV_MSG_STATS,
} WvMsgType;

typedef struct
{
  guint32 magic;
  guint32 type;
  guint64 session;
  guint32 seq;          /* prober's probe number */
  guint32 srv_seq;      /* reflector's reply number */
  gint64 t_cli_tx;      /* CLOCK_REALTIME ns, prober send */
  gint64 t_srv_tx;      /* CLOCK_REALTIME ns, reflector send */
} WvProbeHdr;

/* Welford accumulator of one-way delays in ns. */
typedef struct
{
  guint64 n;
  double mean;
  double m2;
  double min;
  double max;
} WvDelayStats;

/* Receive side of one direction. */
typedef struct
{
  guint64 rx;
  guint64 dup;
  guint64 reordered;    /* arrived after a higher sequence number */
  gboolean any;
  guint32 max_seq;
  guint8 *seen;         /* bitmap over sequence numbers, WV_PROBE_MAX_COUNT bits */
  WvDelayStats delay;
} WvDirStats;

typedef struct
{
  WvProbeHdr hdr;
  guint64 rx;
  guint64 dup;
  guint64 reordered;
  guint64 replied;
  guint64 sock_drops;
  WvDelayStats delay;
} WvStatsMsg;

static void
wv_delay_add (WvDelayStats *d, double x)
{
  double delta;

  d->n++;
  if (d->n == 1)
    d->min = d->max = x;
  d->min = MIN (d->min, x);
  d->max = MAX (d->max, x);
  delta = x - d->mean;
  d->mean += delta / (double) d->n;
  d->m2 += delta * (x - d->mean);
}

static double
wv_delay_sd (const WvDelayStats *d)
{
  return d->n > 1 ? sqrt (d->m2 / (double) (d->n - 1)) : 0.0;
}

static void
wv_dir_reset (WvDirStats *s)
{
  guint8 *seen = s->seen;

  if (seen == NULL)
    seen = g_malloc0 (WV_PROBE_MAX_COUNT / 8 + 1);
  else
    memset (seen, 0, WV_PROBE_MAX_COUNT / 8 + 1);
  memset (s, 0, sizeof *s);
  s->seen = seen;
}

static void
wv_dir_add (WvDirStats *s, guint32 seq, gint64 delay_ns)
{
  if (seq >= WV_PROBE_MAX_COUNT)
    return;
  if (s->seen[seq / 8] & (1u << (seq % 8)))
    {
      s->dup++;
      return;
    }
  s->seen[seq / 8] |= (guint8) (1u << (seq % 8));
  s->rx++;
  if (s->any && seq < s->max_seq)
    s->reordered++;
  else
    s->max_seq = seq;
  s->any = TRUE;
  wv_delay_add (&s->delay, (double) delay_ns);
}

static gint64
wv_realtime_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_REALTIME, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

static gint64
wv_mono_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

static void
wv_socket_setup (int fd)
{
  int one = 1, size = WV_PROBE_RCVBUF;

  setsockopt (fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
  setsockopt (fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof one);
  /* A full socket buffer would show up as path loss: make it large (the
   * FORCE variant works as root, the plain one is the fallback). */
  if (setsockopt (fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) < 0)
    setsockopt (fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
}

/* Receives one datagram without blocking. Returns its length, 0 when
 * nothing is queued, -1 on error. *rx_ns is the kernel receive time (or
 * now when the kernel gave none), *drops the socket's cumulative drop
 * counter when the kernel reported it. */
static ssize_t
wv_recv (int fd, void *buf, size_t len, struct sockaddr_storage *from,
         socklen_t *fromlen, gint64 *rx_ns, guint32 *drops)
{
  union
  {
    char buf[CMSG_SPACE (sizeof (struct timespec)) + CMSG_SPACE (sizeof (guint32))];
    struct cmsghdr align;
  } control;
  struct iovec iov = { .iov_base = buf, .iov_len = len };
  struct msghdr msg = {
    .msg_name = from,
    .msg_namelen = from ? *fromlen : 0,
    .msg_iov = &iov,
    .msg_iovlen = 1,
    .msg_control = control.buf,
    .msg_controllen = sizeof control.buf,
  };
  ssize_t n = recvmsg (fd, &msg, MSG_DONTWAIT);

  if (n < 0)
    return (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) ? 0 : -1;
  if (fromlen)
    *fromlen = msg.msg_namelen;
  *rx_ns = 0;
  for (struct cmsghdr *c = CMSG_FIRSTHDR (&msg); c; c = CMSG_NXTHDR (&msg, c))
    {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS &&
          c->cmsg_len >= CMSG_LEN (sizeof (struct timespec)))
        {
          struct timespec ts;
          memcpy (&ts, CMSG_DATA (c), sizeof ts);
          *rx_ns = (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
        }
      else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL &&
               c->cmsg_len >= CMSG_LEN (sizeof (guint32)))
        memcpy (drops, CMSG_DATA (c), sizeof *drops);
    }
  if (*rx_ns == 0)
    *rx_ns = wv_realtime_ns ();
  /* An empty datagram must not look like "nothing queued". */
  return n == 0 ? 1 : n;
}

static gboolean
wv_hdr_valid (const guint8 *buf, ssize_t n, WvProbeHdr *hdr)
{
  if (n < (ssize_t) sizeof *hdr)
    return FALSE;
  memcpy (hdr, buf, sizeof *hdr);
  return hdr->magic == WV_PROBE_MAGIC;
}

static void
wv_wait_readable (int fd, gint64 timeout_ns)
{
  struct pollfd pfd = { .fd = fd, .events = POLLIN };
  struct timespec ts;

  if (timeout_ns < 0)
    timeout_ns = 0;
  ts.tv_sec = timeout_ns / G_GINT64_CONSTANT (1000000000);
  ts.tv_nsec = timeout_ns % G_GINT64_CONSTANT (1000000000);
  ppoll (&pfd, 1, &ts, NULL);
}

/* --- reflect --- */

/* The lab stops the reflector with SIGTERM: that is the normal end, so exit
 * with status 0 (nothing to flush). */
static void
wv_reflect_on_term (int sig)
{
  _exit (0);
}

static int
wv_reflect (const char *bind_addr, int port)
{
  struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_port = htons ((guint16) port) };
  int fd, zero = 0, one = 1;
  g_autofree guint8 *buf = g_malloc (WV_PROBE_MAX_SIZE + 1);
  WvDirStats st = { 0 };
  guint64 session = 0, replied = 0;
  guint32 drops = 0, drops_at_start = 0;

  if (bind_addr == NULL)
    sin6.sin6_addr = in6addr_any;
  else if (inet_pton (AF_INET6, bind_addr, &sin6.sin6_addr) != 1)
    {
      /* An IPv4 literal becomes its v4-mapped form on the dual-stack socket. */
      struct in_addr a4;
      if (inet_pton (AF_INET, bind_addr, &a4) != 1)
        {
          g_printerr ("wv-lab-udpprobe: bad --bind address '%s'\n", bind_addr);
          return 2;
        }
      sin6.sin6_addr.s6_addr[10] = 0xff;
      sin6.sin6_addr.s6_addr[11] = 0xff;
      memcpy (&sin6.sin6_addr.s6_addr[12], &a4, 4);
    }

  signal (SIGTERM, wv_reflect_on_term);
  signal (SIGINT, wv_reflect_on_term);
  fd = socket (AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    {
      g_printerr ("wv-lab-udpprobe: socket: %s\n", g_strerror (errno));
      return 1;
    }
  setsockopt (fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
  setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  wv_socket_setup (fd);
  if (bind (fd, (struct sockaddr *) &sin6, sizeof sin6) < 0)
    {
      g_printerr ("wv-lab-udpprobe: bind port %d: %s\n", port, g_strerror (errno));
      return 1;
    }
  wv_dir_reset (&st);

  for (;;)
    {
      struct sockaddr_storage from;
      socklen_t fromlen = sizeof from;
      gint64 rx_ns;
      WvProbeHdr hdr;
      ssize_t n;

      wv_wait_readable (fd, G_GINT64_CONSTANT (1000000000));
      for (;;)
        {
          fromlen = sizeof from;
          n = wv_recv (fd, buf, WV_PROBE_MAX_SIZE + 1, &from, &fromlen, &rx_ns, &drops);
          if (n <= 0)
            break;
          if (!wv_hdr_valid (buf, n, &hdr))
            continue;
          switch (hdr.type)
            {
            case WV_MSG_START:
              if (hdr.session != session)
                {
                  session = hdr.session;
                  wv_dir_reset (&st);
                  replied = 0;
                  drops_at_start = drops;
                }
              hdr.type = WV_MSG_START_ACK;
              sendto (fd, &hdr, sizeof hdr, 0, (struct sockaddr *) &from, fromlen);
              break;

            case WV_MSG_PROBE:
              if (hdr.session != session)
                break;
              wv_dir_add (&st, hdr.seq, rx_ns - hdr.t_cli_tx);
              hdr.type = WV_MSG_REPLY;
              hdr.srv_seq = (guint32) replied;
              hdr.t_srv_tx = wv_realtime_ns ();
              /* The reply keeps the probe's size so both directions carry
               * the same load. */
              memcpy (buf, &hdr, sizeof hdr);
              if (sendto (fd, buf, (size_t) n, 0, (struct sockaddr *) &from, fromlen) == n)
                replied++;
              break;

            case WV_MSG_STATS_REQ:
              if (hdr.session == session)
                {
                  WvStatsMsg m = { 0 };
                  m.hdr = hdr;
                  m.hdr.type = WV_MSG_STATS;
                  m.rx = st.rx;
                  m.dup = st.dup;
                  m.reordered = st.reordered;
                  m.replied = replied;
                  m.sock_drops = drops - drops_at_start;
                  m.delay = st.delay;
                  sendto (fd, &m, sizeof m, 0, (struct sockaddr *) &from, fromlen);
                }
              break;

            default:
              break;
            }
        }
      if (n < 0)
        {
          g_printerr ("wv-lab-udpprobe: recvmsg: %s\n", g_strerror (errno));
          return 1;
        }
    }
}

/* --- probe --- */

static void
wv_print_dir (const char *name, guint64 sent, guint64 rx, guint64 dup,
              guint64 reordered, guint64 sock_drops, const WvDelayStats *d)
{
  guint64 lost = sent > rx ? sent - rx : 0;

  g_print ("%s sent=%" G_GUINT64_FORMAT " received=%" G_GUINT64_FORMAT
           " lost=%" G_GUINT64_FORMAT " loss_pct=%.3f dup=%" G_GUINT64_FORMAT
           " reordered=%" G_GUINT64_FORMAT " sock_drops=%" G_GUINT64_FORMAT
           " delay_mean_ms=%.4f delay_sd_ms=%.4f delay_min_ms=%.4f delay_max_ms=%.4f\n",
           name, sent, rx, lost, sent ? 100.0 * (double) lost / (double) sent : 0.0,
           dup, reordered, sock_drops,
           d->mean / 1e6, wv_delay_sd (d) / 1e6, d->min / 1e6, d->max / 1e6);
}

/* Sends @req every 200 ms until a datagram of @want_type for the session
 * arrives (copied to @reply) or @timeout_ns passes. Probe replies that
 * arrive meanwhile are passed to @s2c. */
static gboolean
wv_request (int fd, const WvProbeHdr *req, guint32 want_type, void *reply,
            size_t reply_len, gint64 timeout_ns, WvDirStats *s2c, guint8 *buf)
{
  gint64 deadline = wv_mono_ns () + timeout_ns;
  guint32 drops;

  while (wv_mono_ns () < deadline)
    {
      gint64 until = MIN (deadline, wv_mono_ns () + 200 * G_GINT64_CONSTANT (1000000));

      send (fd, req, sizeof *req, 0);
      while (wv_mono_ns () < until)
        {
          WvProbeHdr hdr;
          gint64 rx_ns;
          ssize_t n;

          wv_wait_readable (fd, until - wv_mono_ns ());
          while ((n = wv_recv (fd, buf, WV_PROBE_MAX_SIZE + 1, NULL, NULL, &rx_ns, &drops)) > 0)
            {
              if (!wv_hdr_valid (buf, n, &hdr) || hdr.session != req->session)
                continue;
              if (hdr.type == WV_MSG_REPLY && s2c != NULL)
                wv_dir_add (s2c, hdr.srv_seq, rx_ns - hdr.t_srv_tx);
              else if (hdr.type == want_type && (size_t) n >= reply_len)
                {
                  memcpy (reply, buf, reply_len);
                  return TRUE;
                }
            }
        }
    }
  return FALSE;
}

static int
wv_probe (const char *to, int port, guint count, int interval_us, int size,
          int linger_ms, int wait_ms)
{
  struct sockaddr_storage ss = { 0 };
  socklen_t sslen;
  int fd = -1, rc = 1;
  g_autofree guint8 *buf = g_malloc (WV_PROBE_MAX_SIZE + 1);
  g_autofree guint8 *out = g_malloc0 ((gsize) size);
  WvDirStats s2c = { 0 };
  g_autofree guint8 *seen = NULL;
  WvProbeHdr req = { .magic = WV_PROBE_MAGIC };
  WvProbeHdr ack;
  WvStatsMsg stats;
  guint32 drops = 0;
  gint64 t0, end;

  wv_dir_reset (&s2c);
  seen = s2c.seen;

  if (inet_pton (AF_INET6, to, &((struct sockaddr_in6 *) &ss)->sin6_addr) == 1)
    {
      ((struct sockaddr_in6 *) &ss)->sin6_family = AF_INET6;
      ((struct sockaddr_in6 *) &ss)->sin6_port = htons ((guint16) port);
      sslen = sizeof (struct sockaddr_in6);
    }
  else if (inet_pton (AF_INET, to, &((struct sockaddr_in *) &ss)->sin_addr) == 1)
    {
      ((struct sockaddr_in *) &ss)->sin_family = AF_INET;
      ((struct sockaddr_in *) &ss)->sin_port = htons ((guint16) port);
      sslen = sizeof (struct sockaddr_in);
    }
  else
    {
      g_printerr ("wv-lab-udpprobe: --to needs an IPv4 or IPv6 literal, not '%s'\n", to);
      return 2;
    }

  fd = socket (ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || connect (fd, (struct sockaddr *) &ss, sslen) < 0)
    {
      g_printerr ("wv-lab-udpprobe: socket/connect %s: %s\n", to, g_strerror (errno));
      goto out;
    }
  wv_socket_setup (fd);

  req.session = ((guint64) g_random_int () << 32) | g_random_int ();
  req.type = WV_MSG_START;
  /* The reflector may still be starting, and the path may be lossy. */
  if (!wv_request (fd, &req, WV_MSG_START_ACK, &ack, sizeof ack,
                   (gint64) wait_ms * 1000000, NULL, buf))
    {
      g_printerr ("wv-lab-udpprobe: no answer from %s port %d within %d ms\n", to, port, wait_ms);
      goto out;
    }

  t0 = wv_mono_ns () + 1000000;
  for (guint i = 0; i < count; i++)
    {
      gint64 due = t0 + (gint64) i * interval_us * 1000;
      WvProbeHdr hdr = req;
      gint64 now;

      /* Drain replies while waiting for the next send slot. */
      while ((now = wv_mono_ns ()) < due)
        {
          gint64 rx_ns;
          ssize_t n;
          WvProbeHdr r;

          wv_wait_readable (fd, due - now);
          while ((n = wv_recv (fd, buf, WV_PROBE_MAX_SIZE + 1, NULL, NULL, &rx_ns, &drops)) > 0)
            if (wv_hdr_valid (buf, n, &r) && r.session == req.session && r.type == WV_MSG_REPLY)
              wv_dir_add (&s2c, r.srv_seq, rx_ns - r.t_srv_tx);
        }
      hdr.type = WV_MSG_PROBE;
      hdr.seq = i;
      hdr.t_cli_tx = wv_realtime_ns ();
      memcpy (out, &hdr, sizeof hdr);
      if (send (fd, out, (size_t) size, 0) < 0 && errno != ECONNREFUSED)
        g_printerr ("wv-lab-udpprobe: send: %s\n", g_strerror (errno));
    }

  end = wv_mono_ns () + (gint64) linger_ms * 1000000;
  while (wv_mono_ns () < end)
    {
      gint64 rx_ns;
      ssize_t n;
      WvProbeHdr r;

      wv_wait_readable (fd, end - wv_mono_ns ());
      while ((n = wv_recv (fd, buf, WV_PROBE_MAX_SIZE + 1, NULL, NULL, &rx_ns, &drops)) > 0)
        if (wv_hdr_valid (buf, n, &r) && r.session == req.session && r.type == WV_MSG_REPLY)
          wv_dir_add (&s2c, r.srv_seq, rx_ns - r.t_srv_tx);
    }

  req.type = WV_MSG_STATS_REQ;
  if (!wv_request (fd, &req, WV_MSG_STATS, &stats, sizeof stats,
                   (gint64) wait_ms * 1000000, &s2c, buf))
    {
      g_printerr ("wv-lab-udpprobe: the reflector did not return its statistics\n");
      goto out;
    }

  wv_print_dir ("c2s", count, stats.rx, stats.dup, stats.reordered, stats.sock_drops, &stats.delay);
  wv_print_dir ("s2c", stats.replied, s2c.rx, s2c.dup, s2c.reordered, drops, &s2c.delay);
  rc = 0;

out:
  if (fd >= 0)
    close (fd);
  return rc;
}

int
main (int argc, char **argv)
{
  g_autofree char *to = NULL;
  g_autofree char *bind_addr = NULL;
  int port = 47000, count = 1000, interval_us = 1000, size = 64, linger_ms = 1000, wait_ms = 10000;
  GOptionEntry entries[] = {
    { "to", 't', 0, G_OPTION_ARG_STRING, &to, "probe: reflector address (IPv4 or IPv6 literal)", "ADDR" },
    { "bind", 'b', 0, G_OPTION_ARG_STRING, &bind_addr, "reflect: local address (default: any, both families)", "ADDR" },
    { "port", 'p', 0, G_OPTION_ARG_INT, &port, "UDP port (default 47000)", "PORT" },
    { "count", 'c', 0, G_OPTION_ARG_INT, &count, "probe: number of probes (default 1000)", "N" },
    { "interval-us", 'i', 0, G_OPTION_ARG_INT, &interval_us, "probe: send interval (default 1000)", "US" },
    { "size", 's', 0, G_OPTION_ARG_INT, &size, "probe: UDP payload bytes, 40..65000 (default 64)", "BYTES" },
    { "linger-ms", 0, 0, G_OPTION_ARG_INT, &linger_ms,
      "probe: wait this long after the last probe for replies; must exceed the largest delay (default 1000)", "MS" },
    { "wait-ms", 0, 0, G_OPTION_ARG_INT, &wait_ms,
      "probe: how long to retry the start and statistics exchanges (default 10000)", "MS" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("reflect|probe - one-way delay and loss per direction");
  g_autoptr(GError) error = NULL;

  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_set_description (ctx,
    "reflect: answer probes (runs until killed).\n"
    "probe:   send --count probes every --interval-us to --to, then print\n"
    "\n"
    "  c2s sent=N received=N lost=N loss_pct=P dup=N reordered=N sock_drops=N\n"
    "      delay_mean_ms=X delay_sd_ms=X delay_min_ms=X delay_max_ms=X\n"
    "  s2c ... (same keys)\n"
    "\n"
    "(one line each). Delays are one-way, from the sender's CLOCK_REALTIME to\n"
    "the receiver's kernel receive timestamp: both ends must share the kernel\n"
    "clock (namespaces of one host). reordered counts packets that arrived after\n"
    "a higher sequence number. s2c sent is the number of replies the reflector\n"
    "sent. Exit status 0 when statistics were obtained, 1 on failure, 2 on bad\n"
    "arguments.\n");
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      g_printerr ("wv-lab-udpprobe: %s\n", error->message);
      return 2;
    }
  if (argc != 2 || port < 1 || port > 65535)
    {
      g_printerr ("wv-lab-udpprobe: usage: wv-lab-udpprobe reflect|probe [OPTION...] (see --help)\n");
      return 2;
    }

  if (g_str_equal (argv[1], "reflect"))
    return wv_reflect (bind_addr, port);

  if (!g_str_equal (argv[1], "probe"))
    {
      g_printerr ("wv-lab-udpprobe: unknown mode '%s'\n", argv[1]);
      return 2;
    }
  if (to == NULL || count < 1 || (guint) count > WV_PROBE_MAX_COUNT ||
      interval_us < 10 || interval_us > 10000000 ||
      size < (int) sizeof (WvProbeHdr) || size > WV_PROBE_MAX_SIZE ||
      linger_ms < 0 || linger_ms > 600000 || wait_ms < 100 || wait_ms > 600000)
    {
      g_printerr ("wv-lab-udpprobe: probe needs --to; --count 1..%u, --interval-us 10..10000000, "
                  "--size %d..%d, --linger-ms 0..600000, --wait-ms 100..600000\n",
                  WV_PROBE_MAX_COUNT, (int) sizeof (WvProbeHdr), WV_PROBE_MAX_SIZE);
      return 2;
    }
  return wv_probe (to, port, (guint) count, interval_us, size, linger_ms, wait_ms);
}
