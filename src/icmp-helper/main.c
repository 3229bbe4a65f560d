/* main.c: wifi-verify-icmp-helper, the privileged ICMP error listener
 *
 * Copyright 2024 The wifi-verify authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Order of business, and why:
 *  1. make sure fds 0-2 are open, so no socket can land on them and receive
 *     our diagnostics;
 *  2. open the raw ICMPv4 and ICMPv6 sockets: the only step that needs
 *     CAP_NET_RAW (or root);
 *  3. drop every privilege and verify the drop; refuse to run otherwise;
 *  4. install the seccomp filter that forbids sending;
 *  5. serve the line protocol on stdin/stdout until "quit" or end of input.
 * The protocol is described in docs/icmp-helper.md.
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Not <netinet/ip_icmp.h>: it clashes with this one, which has ICMP_FILTER. */
#include <linux/icmp.h>

#include "cmdparse.h"
#include "icmpparse.h"
#include "portowner.h"
#include "privdrop.h"
#include "proto.h"

#define PROGRAM "wifi-verify-icmp-helper"

#define EXIT_USAGE 1
#define EXIT_PRIVILEGES 2
#define EXIT_IO 3

/* Output queue: replies and events waiting for the client to read them. */
#define OUTQ_SIZE (64 * 1024)
/* Space kept free for replies: events are dropped before replies are. */
#define REPLY_RESERVE (8 * 1024)
/* Packets read per socket per poll round, so stdin is never starved. */
#define PACKETS_PER_ROUND 32

typedef struct {
  WvIcmpState state;
  int raw4;
  int raw6;

  WvIcmpLineReader reader;
  char in[4096];
  size_t in_start;
  size_t in_end;

  char out[OUTQ_SIZE];
  size_t out_start;
  size_t out_end;
  bool out_nonblocking;

  uint64_t dropped_unreported;
} Helper;

/* The receive buffer holds any IPv4 packet whole, so the ICMPv4 checksum can
 * always be verified; static to keep it off the stack. */
static uint8_t packet_buf[65536];

static void
die (int         status,
     const char *message)
{
  fprintf (stderr, PROGRAM ": %s\n", message);
  exit (status);
}

static void
ensure_standard_fds (void)
{
  for (int fd = 0; fd <= 2; fd++)
    {
      if (fcntl (fd, F_GETFD) >= 0)
        continue;
      if (fd < 2)
        exit (EXIT_USAGE);     /* no requests or no replies: nothing to do */
      /* Without stderr, a later socket would become fd 2 and diagnostics
       * would be written into it. */
      if (open ("/dev/null", O_WRONLY) != fd)
        exit (EXIT_USAGE);
    }
}

static int
open_raw (int     family,
          int    *err)
{
  int protocol = family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
  int fd = socket (family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);

  *err = fd < 0 ? errno : 0;
  return fd;
}

/* Kernel-side filters and ancillary data.  The filters are an optimisation
 * (the parsers reject other types anyway), so failures are only logged. */
static bool
setup_raw (int fd,
           int family)
{
  int one = 1;
  bool timestamps = setsockopt (fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one) == 0;

  if (family == AF_INET)
    {
      /* Linux ICMP_FILTER: a set bit blocks that type. */
      struct icmp_filter filter = { .data = ~((1u << ICMP_DEST_UNREACH) | (1u << ICMP_TIME_EXCEEDED)) };

      if (setsockopt (fd, SOL_RAW, ICMP_FILTER, &filter, sizeof filter) != 0)
        fprintf (stderr, PROGRAM ": ICMP_FILTER: %s\n", strerror (errno));
      if (setsockopt (fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof one) != 0)
        fprintf (stderr, PROGRAM ": IP_PKTINFO: %s\n", strerror (errno));
    }
  else
    {
      struct icmp6_filter filter;

      ICMP6_FILTER_SETBLOCKALL (&filter);
      ICMP6_FILTER_SETPASS (ICMP6_DST_UNREACH, &filter);
      ICMP6_FILTER_SETPASS (ICMP6_PACKET_TOO_BIG, &filter);
      ICMP6_FILTER_SETPASS (ICMP6_TIME_EXCEEDED, &filter);
      if (setsockopt (fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof filter) != 0)
        fprintf (stderr, PROGRAM ": ICMP6_FILTER: %s\n", strerror (errno));
      if (setsockopt (fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof one) != 0)
        fprintf (stderr, PROGRAM ": IPV6_RECVPKTINFO: %s\n", strerror (errno));
    }

  return timestamps;
}

static void
pick_target_ids (const WvIcmpPrivInfo *priv,
                 uid_t                *uid,
                 gid_t                *gid)
{
  struct passwd *pw;

  /* Root started us on behalf of someone (setuid install): become them. */
  if (priv->invoking_uid != 0)
    {
      *uid = priv->invoking_uid;
      *gid = getgid ();
      return;
    }

  pw = getpwnam ("nobody");
  if (pw && pw->pw_uid != 0 && pw->pw_gid != 0)
    {
      *uid = pw->pw_uid;
      *gid = pw->pw_gid;
    }
  else
    {
      *uid = 65534;
      *gid = 65534;
    }
}

static bool
port_owned_cb (int       family,
               uint16_t  port,
               void     *user_data)
{
  const WvIcmpPrivInfo *priv = user_data;

  return wv_icmp_port_owned_by (family, port, priv->invoking_uid);
}

/* ---- output queue ----------------------------------------------------- */

static size_t
outq_free (const Helper *h)
{
  return OUTQ_SIZE - (h->out_end - h->out_start);
}

static void
outq_append (Helper     *h,
             const char *data,
             size_t      len)
{
  if (len > outq_free (h))
    return;                        /* callers check first; never overflow */
  if (OUTQ_SIZE - h->out_end < len)
    {
      memmove (h->out, h->out + h->out_start, h->out_end - h->out_start);
      h->out_end -= h->out_start;
      h->out_start = 0;
    }
  memcpy (h->out + h->out_end, data, len);
  h->out_end += len;
}

static void
outq_flush (Helper *h)
{
  while (h->out_start < h->out_end)
    {
      ssize_t n = write (STDOUT_FILENO, h->out + h->out_start, h->out_end - h->out_start);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        break;
      if (n <= 0)
        exit (EXIT_IO);              /* the client is gone (EPIPE) */
      h->out_start += (size_t) n;
    }
  if (h->out_start == h->out_end)
    h->out_start = h->out_end = 0;

  /* Tell the client, once there is room again, that events were lost. */
  if (h->dropped_unreported > 0 && outq_free (h) >= OUTQ_SIZE / 2)
    {
      char line[64];
      int n = snprintf (line, sizeof line, "%s dropped count=%llu\n", WV_ICMP_EVENT_TOKEN,
                        (unsigned long long) h->dropped_unreported);

      if (n > 0 && (size_t) n < sizeof line)
        {
          outq_append (h, line, (size_t) n);
          h->dropped_unreported = 0;
        }
    }
}

/* ---- requests --------------------------------------------------------- */

static void
process_input (Helper *h)
{
  while (h->in_start < h->in_end && !h->state.quit)
    {
      WvIcmpLineStatus status;
      char reply[WV_ICMP_MAX_REPLY];
      size_t len;

      /* Backpressure: a request is only read when its reply fits. */
      if (outq_free (h) < WV_ICMP_MAX_REPLY)
        return;

      h->in_start += wv_icmp_line_reader_feed (&h->reader, h->in + h->in_start,
                                               h->in_end - h->in_start, &status);
      if (status == WV_ICMP_LINE_NONE)
        continue;

      len = wv_icmp_handle_line (&h->state, h->reader.line, h->reader.len,
                                 status == WV_ICMP_LINE_TOO_LONG, reply, sizeof reply);
      outq_append (h, reply, len);
    }
  if (h->in_start == h->in_end)
    h->in_start = h->in_end = 0;
}

static void
read_stdin (Helper *h)
{
  ssize_t n;

  do
    n = read (STDIN_FILENO, h->in, sizeof h->in);
  while (n < 0 && errno == EINTR);

  if (n == 0)
    {
      /* The client closed our stdin (or died): leave, never linger. */
      outq_flush (h);
      exit (EXIT_SUCCESS);
    }
  if (n < 0)
    {
      if (errno == EAGAIN)
        return;
      die (EXIT_IO, "cannot read requests");
    }
  h->in_start = 0;
  h->in_end = (size_t) n;
}

/* ---- packets ---------------------------------------------------------- */

static uint64_t
realtime_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_REALTIME, &ts);
  return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

static void
drain_raw (Helper *h,
           int     fd,
           int     family)
{
  for (int i = 0; i < PACKETS_PER_ROUND; i++)
    {
      struct sockaddr_storage from;
      union {
        char buf[CMSG_SPACE (sizeof (struct timespec)) +
                 CMSG_SPACE (sizeof (struct in6_pktinfo)) + 64];
        struct cmsghdr align;
      } control;
      struct iovec iov = { packet_buf, sizeof packet_buf };
      struct msghdr msg = {
        .msg_name = &from,
        .msg_namelen = sizeof from,
        .msg_iov = &iov,
        .msg_iovlen = 1,
        .msg_control = control.buf,
        .msg_controllen = sizeof control.buf,
      };
      uint64_t time_ns = 0;
      bool kernel_time = false;
      unsigned int ifindex = 0;
      const uint8_t *from_addr = NULL;
      char event[WV_ICMP_MAX_EVENT_LINE + 1];
      size_t len;
      ssize_t n;

      n = recvmsg (fd, &msg, MSG_DONTWAIT);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          if (errno != EAGAIN && errno != EWOULDBLOCK)
            h->state.counters[WV_ICMP_COUNTER_RX_ERROR]++;
          return;
        }

      for (struct cmsghdr *c = CMSG_FIRSTHDR (&msg); c; c = CMSG_NXTHDR (&msg, c))
        {
          if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS &&
              c->cmsg_len >= CMSG_LEN (sizeof (struct timespec)))
            {
              struct timespec ts;

              memcpy (&ts, CMSG_DATA (c), sizeof ts);
              time_ns = (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
              kernel_time = true;
            }
          else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO &&
                   c->cmsg_len >= CMSG_LEN (sizeof (struct in_pktinfo)))
            {
              struct in_pktinfo pi;

              memcpy (&pi, CMSG_DATA (c), sizeof pi);
              ifindex = (unsigned int) pi.ipi_ifindex;
            }
          else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO &&
                   c->cmsg_len >= CMSG_LEN (sizeof (struct in6_pktinfo)))
            {
              struct in6_pktinfo pi;

              memcpy (&pi, CMSG_DATA (c), sizeof pi);
              ifindex = pi.ipi6_ifindex;
            }
        }
      if (!kernel_time)
        time_ns = realtime_ns ();

      if (family == AF_INET6)
        {
          const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *) &from;

          if (msg.msg_namelen < sizeof *sin6 || sin6->sin6_family != AF_INET6)
            {
              h->state.counters[WV_ICMP_COUNTER_RX6]++;
              h->state.counters[WV_ICMP_COUNTER_PARSE_BASE + WV_ICMP_PARSE_MALFORMED]++;
              continue;
            }
          from_addr = sin6->sin6_addr.s6_addr;
          if (ifindex == 0)
            ifindex = sin6->sin6_scope_id;
        }

      len = wv_icmp_handle_packet (&h->state, family == AF_INET ? 4 : 6,
                                   packet_buf, (size_t) n, from_addr,
                                   time_ns, kernel_time, ifindex,
                                   event, sizeof event);
      if (len == 0)
        continue;
      if (outq_free (h) < len + REPLY_RESERVE)
        {
          h->state.counters[WV_ICMP_COUNTER_DROPPED]++;
          h->dropped_unreported++;
          continue;
        }
      outq_append (h, event, len);
    }
}

/* ---- main ------------------------------------------------------------- */

static void
usage (FILE *out)
{
  fprintf (out,
           "Usage: " PROGRAM " [--version | --help]\n"
           "Reports ICMP errors about the caller's UDP datagrams.  Started by\n"
           "wifi-verify with pipes; speaks the line protocol of icmp-helper(8)\n"
           "on stdin/stdout.\n");
}

static Helper helper;

int
main (int   argc,
      char *argv[])
{
  Helper *h = &helper;
  WvIcmpPrivInfo priv;
  int err4 = EPERM, err6 = EPERM;
  uid_t target_uid = 0;
  gid_t target_gid = 0;
  bool ts4 = false, ts6 = false;
  struct stat st;

  ensure_standard_fds ();

  if (argc == 2 && strcmp (argv[1], "--version") == 0)
    {
      printf (PROGRAM " %s (protocol %d)\n", PACKAGE_VERSION, WV_ICMP_PROTOCOL_VERSION);
      return EXIT_SUCCESS;
    }
  if (argc == 2 && strcmp (argv[1], "--help") == 0)
    {
      usage (stdout);
      return EXIT_SUCCESS;
    }
  if (argc != 1)
    {
      usage (stderr);
      return EXIT_USAGE;
    }

  /* A dead client must cost us EPIPE, not our life by signal. */
  signal (SIGPIPE, SIG_IGN);

  wv_icmp_priv_inspect (&priv);

  h->raw4 = open_raw (AF_INET, &err4);
  h->raw6 = open_raw (AF_INET6, &err6);
  if (h->raw4 >= 0)
    ts4 = setup_raw (h->raw4, AF_INET);
  if (h->raw6 >= 0)
    ts6 = setup_raw (h->raw6, AF_INET6);

  if (priv.started_as_root)
    pick_target_ids (&priv, &target_uid, &target_gid);

  if (!wv_icmp_priv_drop (&priv, target_uid, target_gid))
    {
      fprintf (stderr, PROGRAM ": privilege drop failed: %s; refusing to run\n", priv.error);
      return EXIT_PRIVILEGES;
    }
  if (!wv_icmp_seccomp_install (&priv))
    {
      fprintf (stderr, PROGRAM ": %s; refusing to run\n", priv.error);
      return EXIT_PRIVILEGES;
    }

  wv_icmp_state_init (&h->state);
  h->state.icmp4_errno = err4;
  h->state.icmp6_errno = err6;
  h->state.start = priv.started_as_root ? "root" : priv.started_with_caps ? "cap" : "none";
  h->state.uid = priv.uid;
  h->state.gid = priv.gid;
  h->state.bounding_cleared = priv.bounding_cleared;
  h->state.nnp_at_start = priv.nnp_at_start;
  h->state.seccomp = priv.seccomp;
  h->state.kernel_timestamps = (h->raw4 < 0 || ts4) && (h->raw6 < 0 || ts6) && (ts4 || ts6);
  h->state.program_version = PACKAGE_VERSION;
  if (priv.invoking_uid != 0)
    {
      h->state.port_owned = port_owned_cb;
      h->state.port_owned_data = &priv;
    }

  wv_icmp_line_reader_init (&h->reader);

  /* Only pipes and sockets go non-blocking: on a terminal the flag would
   * also hit the shell that shares it. */
  if (fstat (STDOUT_FILENO, &st) == 0 && (S_ISFIFO (st.st_mode) || S_ISSOCK (st.st_mode)))
    {
      int flags = fcntl (STDOUT_FILENO, F_GETFL);

      if (flags >= 0 && fcntl (STDOUT_FILENO, F_SETFL, flags | O_NONBLOCK) == 0)
        h->out_nonblocking = true;
    }

  for (;;)
    {
      struct pollfd fds[4];
      nfds_t n = 0;
      int in_slot = -1, r4_slot = -1, r6_slot = -1;
      int r;

      process_input (h);
      outq_flush (h);

      if (h->state.quit && h->out_start == h->out_end)
        return EXIT_SUCCESS;
      /* Requests still buffered and the flush made room for their replies:
       * go on, there is nothing to wait for. */
      if (!h->state.quit && h->in_start < h->in_end && outq_free (h) >= WV_ICMP_MAX_REPLY)
        continue;

      /* stdout is always polled so that a vanished reader (POLLERR) ends us. */
      fds[n] = (struct pollfd) { STDOUT_FILENO, h->out_end > h->out_start ? POLLOUT : 0, 0 };
      n++;
      if (!h->state.quit && h->in_start == h->in_end)
        {
          in_slot = (int) n;
          fds[n++] = (struct pollfd) { STDIN_FILENO, POLLIN, 0 };
        }
      if (!h->state.quit && h->raw4 >= 0)
        {
          r4_slot = (int) n;
          fds[n++] = (struct pollfd) { h->raw4, POLLIN, 0 };
        }
      if (!h->state.quit && h->raw6 >= 0)
        {
          r6_slot = (int) n;
          fds[n++] = (struct pollfd) { h->raw6, POLLIN, 0 };
        }

      r = poll (fds, n, -1);
      if (r < 0)
        {
          if (errno == EINTR)
            continue;
          die (EXIT_IO, "poll failed");
        }

      if (fds[0].revents & (POLLERR | POLLHUP | POLLNVAL))
        return EXIT_IO;
      if (in_slot >= 0 && fds[in_slot].revents)
        read_stdin (h);
      if (r4_slot >= 0 && fds[r4_slot].revents)
        drain_raw (h, h->raw4, AF_INET);
      if (r6_slot >= 0 && fds[r6_slot].revents)
        drain_raw (h, h->raw6, AF_INET6);
    }
}
