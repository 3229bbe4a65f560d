/* bench-udp-echo.c: RTT of a bare UDP echo over loopback, the reference
 * for the self-test benchmark (tests/bench-selftest.sh)
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   bench-udp-echo [-4|-6] [-r PPS] [-n COUNT] [-s BYTES]
 *
 * An echo thread and a sender on one socket pair, 100 packets/s of 64
 * bytes by default (what the probe streams send), on the same grid as our
 * probes (absolute sleeps). Prints "rtt_p50_ms=X rtt_p99_ms=Y n=N lost=L".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int64_t
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void *
echo_thread (void *data)
{
  int fd = *(int *) data;
  char buf[2048];

  for (;;)
    {
      struct sockaddr_storage from;
      socklen_t fl = sizeof from;
      ssize_t n = recvfrom (fd, buf, sizeof buf, 0, (struct sockaddr *) &from, &fl);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          return NULL;
        }
      if (n == 1 && buf[0] == 'q')
        return NULL;
      sendto (fd, buf, n, 0, (struct sockaddr *) &from, fl);
    }
}

static int
cmp_i64 (const void *a, const void *b)
{
  int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;

  return x < y ? -1 : x > y;
}

static int
bind_loopback (int family, struct sockaddr_storage *addr, socklen_t *len)
{
  int fd = socket (family, SOCK_DGRAM, 0);

  memset (addr, 0, sizeof *addr);
  if (family == AF_INET)
    {
      struct sockaddr_in *a = (struct sockaddr_in *) addr;
      a->sin_family = AF_INET;
      a->sin_addr.s_addr = htonl (INADDR_LOOPBACK);
      *len = sizeof *a;
    }
  else
    {
      struct sockaddr_in6 *a = (struct sockaddr_in6 *) addr;
      a->sin6_family = AF_INET6;
      a->sin6_addr = in6addr_loopback;
      *len = sizeof *a;
    }
  if (fd < 0 || bind (fd, (struct sockaddr *) addr, *len) < 0 ||
      getsockname (fd, (struct sockaddr *) addr, len) < 0)
    {
      perror ("bench-udp-echo: socket");
      exit (1);
    }
  return fd;
}

int
main (int argc, char **argv)
{
  int family = AF_INET, rate = 100, count = 2000, size = 64, opt;
  struct sockaddr_storage srv, cli;
  socklen_t srv_len, cli_len;
  int64_t *rtt, start, period;
  int srv_fd, cli_fd, n = 0, lost = 0;
  pthread_t th;
  char buf[2048];

  while ((opt = getopt (argc, argv, "46r:n:s:")) != -1)
    switch (opt)
      {
      case '4': family = AF_INET; break;
      case '6': family = AF_INET6; break;
      case 'r': rate = atoi (optarg); break;
      case 'n': count = atoi (optarg); break;
      case 's': size = atoi (optarg); break;
      default:
        fprintf (stderr, "usage: bench-udp-echo [-4|-6] [-r PPS] [-n COUNT] [-s BYTES]\n");
        return 2;
      }
  if (rate < 1 || rate > 100000 || count < 1 || size < 16 || size > (int) sizeof buf)
    {
      fprintf (stderr, "bench-udp-echo: bad arguments\n");
      return 2;
    }
  srv_fd = bind_loopback (family, &srv, &srv_len);
  cli_fd = bind_loopback (family, &cli, &cli_len);
  pthread_create (&th, NULL, echo_thread, &srv_fd);
  rtt = calloc (count, sizeof *rtt);
  memset (buf, 0x55, sizeof buf);
  period = 1000000000LL / rate;
  start = now_ns () + period;
  for (int i = 0; i < count; i++)
    {
      struct timespec due;
      int64_t t = start + i * period, t1;
      struct pollfd pfd = { cli_fd, POLLIN, 0 };

      due.tv_sec = t / 1000000000;
      due.tv_nsec = t % 1000000000;
      while (clock_nanosleep (CLOCK_MONOTONIC, TIMER_ABSTIME, &due, NULL) == EINTR)
        ;
      t1 = now_ns ();
      memcpy (buf, &i, sizeof i);
      sendto (cli_fd, buf, size, 0, (struct sockaddr *) &srv, srv_len);
      if (poll (&pfd, 1, (int) (period / 1000000) + 1) == 1 &&
          recv (cli_fd, buf, sizeof buf, 0) == size)
        rtt[n++] = now_ns () - t1;
      else
        lost++;
    }
  sendto (cli_fd, "q", 1, 0, (struct sockaddr *) &srv, srv_len);
  pthread_join (th, NULL);
  if (n == 0)
    {
      fprintf (stderr, "bench-udp-echo: no echo came back\n");
      return 1;
    }
  qsort (rtt, n, sizeof *rtt, cmp_i64);
  printf ("rtt_p50_ms=%.6f rtt_p99_ms=%.6f n=%d lost=%d\n", rtt[n / 2] / 1e6,
          rtt[(int) (n * 0.99)] / 1e6, n, lost);
  free (rtt);
  return 0;
}
