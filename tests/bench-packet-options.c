/* bench-packet-options.c: what per-packet options cost
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * 1. CPU time per message through the whole stack (data channel, SCTP,
 *    DTLS, libnice, kernel loopback, and the same on the receiving peer),
 *    with and without options, measured as process CPU time (all threads)
 *    per message in interleaved rounds; the median of the rounds is printed.
 * 2. sendmsg() with IP_TTL and IP_TOS control messages against plain send()
 *    on a bare UDP socket, measured as thread CPU time per call.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <time.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>

#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#else
#define CALLGRIND_START_INSTRUMENTATION
#define CALLGRIND_STOP_INSTRUMENTATION
#endif

#include "wv-gst.h"
#include "wv-peer.h"
#include "wv-test-pair.h"

#define MSG_SIZE 100
#define BATCH 20

static guint received;

static void
on_message (WvPeer *peer, guint ch, GBytes *bytes, const WvRecvInfo *info, gpointer data)
{
  received++;
}

static guint reports;

static void
on_report (WvPeer *peer, const WvSendReport *r, gpointer data)
{
  reports++;
}

static double
process_cpu_s (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
         ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

/* Sends n messages in batches, waiting for each batch to arrive, so that
 * SCTP never holds messages back. Returns CPU microseconds per message. */
static double
run_round (WvTestPair *pair, guint n, const WvSendOptions *opts)
{
  guint8 payload[MSG_SIZE] = { 0 };
  g_autoptr(GBytes) bytes = g_bytes_new (payload, sizeof payload);
  double t0;
  guint sent = 0;

  received = 0;
  t0 = process_cpu_s ();
  while (sent < n)
    {
      gint64 deadline;

      for (guint i = 0; i < BATCH && sent < n; i++, sent++)
        {
          WvSendOptions o;

          if (opts)
            {
              o = *opts;
              if (o.probe_id)
                o.probe_id = sent + 1;
            }
          wv_peer_send (pair->offerer, WV_CHANNEL_PROBE, bytes, opts ? &o : NULL, NULL);
        }
      deadline = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
      while (received < sent && g_get_monotonic_time () < deadline)
        g_main_context_iteration (NULL, TRUE);
    }
  return (process_cpu_s () - t0) * 1e6 / n;
}

static void
bench_stack (int family, const char *address, guint n, guint rounds)
{
  WvTestPair pair = { 0 };
  WvSendOptions with = WV_SEND_OPTIONS_INIT, with_id = WV_SEND_OPTIONS_INIT;
  g_autofree double *plain = g_new0 (double, rounds);
  g_autofree double *opt = g_new0 (double, rounds);
  g_autofree double *optid = g_new0 (double, rounds);

  if (!wv_test_pair_connect (&pair, address, family, FALSE, 30))
    {
      printf ("IPv%d: cannot connect: %s\n", family, pair.error);
      wv_test_pair_clear (&pair);
      return;
    }
  g_signal_connect (pair.answerer, "message", G_CALLBACK (on_message), NULL);
  g_signal_connect (pair.offerer, "send-report", G_CALLBACK (on_report), NULL);

  with.ttl = 64;
  with.tos = 0x48;
  with_id = with;
  with_id.probe_id = 1;

  /* Warm up caches, allocators and the congestion window. */
  run_round (&pair, n / 4, NULL);
  run_round (&pair, n / 4, &with);
  for (guint r = 0; r < rounds; r++)
    {
      plain[r] = run_round (&pair, n, NULL);
      opt[r] = run_round (&pair, n, &with);
      optid[r] = run_round (&pair, n, &with_id);
    }
  qsort (plain, rounds, sizeof (double), cmp_double);
  qsort (opt, rounds, sizeof (double), cmp_double);
  qsort (optid, rounds, sizeof (double), cmp_double);

  printf ("whole stack, IPv%d, %d-byte messages, %u messages x %u rounds (median CPU per message, both peers):\n",
          family, MSG_SIZE, n, rounds);
  printf ("  without options           %7.2f us\n", plain[rounds / 2]);
  printf ("  with ttl+tos              %7.2f us  (%+.1f %%)\n", opt[rounds / 2],
          100.0 * (opt[rounds / 2] - plain[rounds / 2]) / plain[rounds / 2]);
  printf ("  with ttl+tos and probe id %7.2f us  (%+.1f %%, includes the per-probe report)\n",
          optid[rounds / 2], 100.0 * (optid[rounds / 2] - plain[rounds / 2]) / plain[rounds / 2]);
  printf ("  spread (min..max): plain %.2f..%.2f, ttl+tos %.2f..%.2f\n",
          plain[0], plain[rounds - 1], opt[0], opt[rounds - 1]);
  wv_test_pair_clear (&pair);
}

static double
thread_cpu_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void
bench_socket (guint n)
{
  int rx = socket (AF_INET, SOCK_DGRAM, 0), tx = socket (AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t len = sizeof sa;
  guint8 payload[MSG_SIZE] = { 0 }, sink[2048];
  double t0, plain = 0, cmsg = 0;

  bind (rx, (struct sockaddr *) &sa, sizeof sa);
  getsockname (rx, (struct sockaddr *) &sa, &len);

  for (int round = 0; round < 6; round++)
    {
      gboolean use_cmsg = round % 2;
      double total = 0;

      for (guint i = 0; i < n; i++)
        {
          union {
            struct cmsghdr align;
            guint8 buf[2 * CMSG_SPACE (sizeof (int))];
          } control;
          struct iovec iov = { payload, sizeof payload };
          struct msghdr msg = { &sa, sizeof sa, &iov, 1, NULL, 0, 0 };

          if (use_cmsg)
            {
              struct cmsghdr *c;
              int ttl = 64, tos = 0x48;

              msg.msg_control = control.buf;
              msg.msg_controllen = sizeof control.buf;
              c = CMSG_FIRSTHDR (&msg);
              c->cmsg_level = IPPROTO_IP;
              c->cmsg_type = IP_TTL;
              c->cmsg_len = CMSG_LEN (sizeof (int));
              memcpy (CMSG_DATA (c), &ttl, sizeof ttl);
              c = CMSG_NXTHDR (&msg, c);
              c->cmsg_level = IPPROTO_IP;
              c->cmsg_type = IP_TOS;
              c->cmsg_len = CMSG_LEN (sizeof (int));
              memcpy (CMSG_DATA (c), &tos, sizeof tos);
            }
          t0 = thread_cpu_ns ();
          if (use_cmsg)
            sendmsg (tx, &msg, 0);
          else
            sendto (tx, payload, sizeof payload, 0, (struct sockaddr *) &sa, sizeof sa);
          total += thread_cpu_ns () - t0;
          /* Drain so that the receive queue never fills. */
          recv (rx, sink, sizeof sink, MSG_DONTWAIT);
        }
      if (round >= 2)
        {
          if (use_cmsg)
            cmsg += total / n / 2;
          else
            plain += total / n / 2;
        }
    }
  printf ("bare UDP socket, IPv4 loopback, %d-byte datagrams, %u sends x 2 rounds:\n", MSG_SIZE, n);
  printf ("  sendto()                     %7.0f ns CPU per call\n", plain);
  printf ("  sendmsg() + IP_TTL + IP_TOS  %7.0f ns CPU per call (%+.1f %%)\n", cmsg,
          100.0 * (cmsg - plain) / plain);
  close (rx);
  close (tx);
}

/* WV_BENCH_CALLGRIND=plain|options: run one variant with callgrind's
 * instrumentation on only around the steady-state messages, for instruction
 * counts that do not depend on the machine's load:
 *   valgrind --tool=callgrind --collect-atstart=no --instr-atstart=no \
 *     build/tests/bench-packet-options */
static int
callgrind_mode (const char *mode, guint n)
{
  WvTestPair pair = { 0 };
  WvSendOptions with = WV_SEND_OPTIONS_INIT;
  gboolean opts = g_strcmp0 (mode, "options") == 0;

  with.ttl = 64;
  with.tos = 0x48;
  if (!wv_test_pair_connect (&pair, "127.0.0.1", 4, FALSE, 120))
    {
      fprintf (stderr, "cannot connect: %s\n", pair.error);
      return 1;
    }
  g_signal_connect (pair.answerer, "message", G_CALLBACK (on_message), NULL);
  run_round (&pair, n / 4, opts ? &with : NULL);
  CALLGRIND_START_INSTRUMENTATION;
  run_round (&pair, n, opts ? &with : NULL);
  CALLGRIND_STOP_INSTRUMENTATION;
  printf ("%s: %u messages, %u received\n", mode, n, received);
  wv_test_pair_clear (&pair);
  return 0;
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  guint n = 4000, rounds = 5;

  if (!wv_gst_init (&argc, &argv, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  if (argc > 1)
    n = atoi (argv[1]);
  if (g_getenv ("WV_BENCH_CALLGRIND"))
    return callgrind_mode (g_getenv ("WV_BENCH_CALLGRIND"), n);
  bench_stack (4, "127.0.0.1", n, rounds);
  if (wv_test_have_ipv6_loopback ())
    bench_stack (6, "::1", n, rounds);
  bench_socket (200000);
  return 0;
}
