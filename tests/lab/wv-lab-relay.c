/* wv-lab-relay.c: delay, jitter, reordering and loss for the test lab
 *
 * Copyright 2025 The wifi-verify authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The lab kernel has no netem qdisc, so impairment is done in userspace: a
 * router namespace routes one direction of traffic into a TUN device (policy
 * routing, see lab.sh lab_impair), this program reads each packet, holds it
 * until its release time and writes it back into the same TUN device, after
 * which the kernel forwards it normally. Such a packet crosses the router's
 * forwarding path twice, so the relay adds the lost TTL / hop limit back
 * (--ttl-add) to keep traceroute hop counts true.
 *
 * Timing: release times are absolute CLOCK_MONOTONIC deadlines kept in a
 * binary heap; one absolute timerfd is armed for the earliest. Timer slack
 * is set to 1 ns and --realtime asks for SCHED_FIFO so that a loaded machine
 * does not add milliseconds of run-queue wait to every release. --spin-us
 * optionally wakes that much early and busy-waits the rest, for sub-10 us
 * accuracy at the price of CPU time.
 *
 * Statistics go to stderr (and atomically to --stats-file) on SIGUSR1 and at
 * exit, as one line of key=value pairs. SIGTERM/SIGINT end the program
 * cleanly; packets still held at that moment are discarded and counted.
 */

#include <errno.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <linux/if.h>
#include <linux/if_tun.h>

#include <glib.h>
#include <glib/gstdio.h>

#define WV_RELAY_MAX_PACKET     65536
/* Upper bounds that keep a typo from turning into an hour-long hold or a
 * multi-gigabyte queue. */
#define WV_RELAY_MAX_DELAY_MS   60000.0
#define WV_RELAY_MAX_QUEUE      1000000
/* Reads handled per wake-up before due packets are released again, so a
 * burst of arrivals cannot delay releases by more than a few microseconds. */
#define WV_RELAY_READ_BATCH     16
/* Scheduling error histogram: 1 us buckets up to 20 ms, then overflow. */
#define WV_RELAY_HIST_BUCKETS   20001

typedef enum
{
  WV_JITTER_UNIFORM,
  WV_JITTER_NORMAL,
} WvJitterDist;

typedef struct
{
  gint64 release_ns;   /* CLOCK_MONOTONIC deadline */
  guint64 seq;         /* arrival order: ties keep it, and reordering is counted with it */
  guint32 len;
  guint8 *data;
} WvPacket;

typedef struct
{
  WvPacket *items;
  guint len;
  guint cap;
} WvHeap;

typedef struct
{
  guint64 s[4];
  gboolean have_spare;
  double spare;
} WvRng;

typedef struct
{
  guint64 received;
  guint64 released;
  guint64 dropped_loss;
  guint64 dropped_queue;
  guint64 dropped_shutdown;
  guint64 write_errors;
  guint64 not_ip;
  guint64 multicast;      /* the router's own link-scope multicast (MLD), not relayed */
  guint64 reordered;      /* released while a later arrival had already left */
  guint64 max_seq_released;
  gboolean any_released;
  guint queue_max;
  double err_sum_ns;
  gint64 err_max_ns;
  guint64 late_100us;
  guint64 late_1ms;
  guint64 *hist;          /* WV_RELAY_HIST_BUCKETS entries */
} WvRelayStats;

typedef struct
{
  char *dev;
  double delay_ms;
  double jitter_ms;
  char *dist_name;
  WvJitterDist dist;
  double loss_pct;
  gboolean fifo;
  int queue;
  gint64 seed;
  int ttl_add;
  gboolean realtime;
  int rt_prio;
  int spin_us;
  char *pidfile;
  char *stats_file;
  gboolean verbose;
} WvRelayOptions;

/* --- RNG: xoshiro256** seeded through splitmix64, so one 64-bit seed gives
 * a reproducible stream (tests print the seed they used). --- */

static guint64
wv_splitmix64 (guint64 *x)
{
  guint64 z = (*x += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15));
  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

static void
wv_rng_seed (WvRng *rng, guint64 seed)
{
  guint64 x = seed;
  for (guint i = 0; i < 4; i++)
    rng->s[i] = wv_splitmix64 (&x);
  rng->have_spare = FALSE;
  rng->spare = 0.0;
}

static inline guint64
wv_rotl (guint64 x, int k)
{
  return (x << k) | (x >> (64 - k));
}

static guint64
wv_rng_next (WvRng *rng)
{
  guint64 *s = rng->s;
  guint64 result = wv_rotl (s[1] * 5, 7) * 9;
  guint64 t = s[1] << 17;

  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = wv_rotl (s[3], 45);
  return result;
}

/* Uniform in [0, 1). */
static double
wv_rng_uniform (WvRng *rng)
{
  return (double) (wv_rng_next (rng) >> 11) * 0x1.0p-53;
}

/* Standard normal (Marsaglia polar method). */
static double
wv_rng_normal (WvRng *rng)
{
  double u, v, s;

  if (rng->have_spare)
    {
      rng->have_spare = FALSE;
      return rng->spare;
    }
  do
    {
      u = 2.0 * wv_rng_uniform (rng) - 1.0;
      v = 2.0 * wv_rng_uniform (rng) - 1.0;
      s = u * u + v * v;
    }
  while (s >= 1.0 || s == 0.0);
  s = sqrt (-2.0 * log (s) / s);
  rng->spare = v * s;
  rng->have_spare = TRUE;
  return u * s;
}

/* --- Min-heap of packets ordered by (release_ns, seq). --- */

static inline gboolean
wv_packet_before (const WvPacket *a, const WvPacket *b)
{
  if (a->release_ns != b->release_ns)
    return a->release_ns < b->release_ns;
  return a->seq < b->seq;
}

static void
wv_heap_push (WvHeap *heap, WvPacket pkt)
{
  guint i = heap->len++;

  g_assert (heap->len <= heap->cap);
  while (i > 0)
    {
      guint parent = (i - 1) / 2;
      if (!wv_packet_before (&pkt, &heap->items[parent]))
        break;
      heap->items[i] = heap->items[parent];
      i = parent;
    }
  heap->items[i] = pkt;
}

static WvPacket
wv_heap_pop (WvHeap *heap)
{
  WvPacket top = heap->items[0];
  WvPacket last = heap->items[--heap->len];
  guint i = 0;

  for (;;)
    {
      guint child = 2 * i + 1;
      if (child >= heap->len)
        break;
      if (child + 1 < heap->len &&
          wv_packet_before (&heap->items[child + 1], &heap->items[child]))
        child++;
      if (!wv_packet_before (&heap->items[child], &last))
        break;
      heap->items[i] = heap->items[child];
      i = child;
    }
  if (heap->len > 0)
    heap->items[i] = last;
  return top;
}

/* --- Packet rewriting --- */

static guint16
wv_ipv4_checksum (const guint8 *hdr, guint len)
{
  guint32 sum = 0;

  for (guint i = 0; i + 1 < len; i += 2)
    sum += ((guint32) hdr[i] << 8) | hdr[i + 1];
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return (guint16) ~sum;
}

/* Adds @add to the IPv4 TTL or IPv6 hop limit, saturating at 255, and fixes
 * the IPv4 header checksum. Returns FALSE for anything that is not a
 * well-formed IP header (left untouched). */
static gboolean
wv_fix_ttl (guint8 *pkt, guint32 len, int add)
{
  if (len < 1)
    return FALSE;

  switch (pkt[0] >> 4)
    {
    case 4:
      {
        guint ihl = (pkt[0] & 0x0f) * 4u;
        guint16 sum;
        if (ihl < 20 || len < ihl)
          return FALSE;
        if (add == 0)
          return TRUE;
        pkt[8] = (guint8) MIN (255, pkt[8] + add);
        pkt[10] = pkt[11] = 0;
        sum = wv_ipv4_checksum (pkt, ihl);
        pkt[10] = sum >> 8;
        pkt[11] = sum & 0xff;
        return TRUE;
      }
    case 6:
      if (len < 40)
        return FALSE;
      pkt[7] = (guint8) MIN (255, pkt[7] + add);
      return TRUE;
    default:
      return FALSE;
    }
}

/* Multicast never reaches the TUN device by forwarding (the routers do no
 * multicast routing): it is the router's own link-scope traffic on the
 * device, such as MLD reports when it comes up, and is not relayed. */
static gboolean
wv_is_multicast (const guint8 *pkt, guint32 len)
{
  if (len >= 20 && (pkt[0] >> 4) == 4)
    return (pkt[16] & 0xf0) == 0xe0;
  if (len >= 40 && (pkt[0] >> 4) == 6)
    return pkt[24] == 0xff;
  return FALSE;
}

/* One line per packet for --verbose: enough to tell what went through. */
static void
wv_packet_describe (const guint8 *pkt, guint32 len)
{
  char src[INET6_ADDRSTRLEN] = "?", dst[INET6_ADDRSTRLEN] = "?";

  if (len >= 20 && (pkt[0] >> 4) == 4)
    {
      inet_ntop (AF_INET, pkt + 12, src, sizeof src);
      inet_ntop (AF_INET, pkt + 16, dst, sizeof dst);
      g_printerr ("wv-lab-relay: packet IPv4 %s > %s proto %u len %u ttl %u\n",
                  src, dst, pkt[9], len, pkt[8]);
    }
  else if (len >= 40 && (pkt[0] >> 4) == 6)
    {
      inet_ntop (AF_INET6, pkt + 8, src, sizeof src);
      inet_ntop (AF_INET6, pkt + 24, dst, sizeof dst);
      g_printerr ("wv-lab-relay: packet IPv6 %s > %s next-header %u len %u hop-limit %u\n",
                  src, dst, pkt[6], len, pkt[7]);
    }
  else
    g_printerr ("wv-lab-relay: packet (not IP) len %u\n", len);
}

/* --- Time --- */

static inline gint64
wv_now_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

static void
wv_timerfd_arm (int tfd, gint64 deadline_ns)
{
  struct itimerspec its = { 0 };

  /* it_value 0 would disarm: a deadline in the past must still fire. */
  if (deadline_ns <= 0)
    deadline_ns = 1;
  its.it_value.tv_sec = deadline_ns / G_GINT64_CONSTANT (1000000000);
  its.it_value.tv_nsec = deadline_ns % G_GINT64_CONSTANT (1000000000);
  if (timerfd_settime (tfd, TFD_TIMER_ABSTIME, &its, NULL) < 0)
    g_printerr ("wv-lab-relay: timerfd_settime: %s\n", g_strerror (errno));
}

/* --- Statistics --- */

static guint64
wv_hist_percentile_us (const WvRelayStats *st, double q)
{
  guint64 n = 0, rank, acc = 0;

  for (guint i = 0; i < WV_RELAY_HIST_BUCKETS; i++)
    n += st->hist[i];
  if (n == 0)
    return 0;
  rank = (guint64) ceil (q * (double) n);
  if (rank < 1)
    rank = 1;
  for (guint i = 0; i < WV_RELAY_HIST_BUCKETS; i++)
    {
      acc += st->hist[i];
      if (acc >= rank)
        return i;
    }
  return WV_RELAY_HIST_BUCKETS - 1;
}

static char *
wv_stats_format (const WvRelayOptions *opt, const WvRelayStats *st,
                 guint queued, guint64 seed)
{
  double mean_us = st->released ? st->err_sum_ns / (double) st->released / 1000.0 : 0.0;

  return g_strdup_printf ("wv-lab-relay: dev=%s received=%" G_GUINT64_FORMAT
                          " released=%" G_GUINT64_FORMAT
                          " dropped_loss=%" G_GUINT64_FORMAT
                          " dropped_queue=%" G_GUINT64_FORMAT
                          " dropped_shutdown=%" G_GUINT64_FORMAT
                          " write_errors=%" G_GUINT64_FORMAT
                          " not_ip=%" G_GUINT64_FORMAT
                          " multicast=%" G_GUINT64_FORMAT
                          " reordered=%" G_GUINT64_FORMAT
                          " queued=%u queue_max=%u"
                          " sched_err_mean_us=%.1f sched_err_p50_us=%" G_GUINT64_FORMAT
                          " sched_err_p99_us=%" G_GUINT64_FORMAT
                          " sched_err_max_us=%.1f"
                          " late_100us=%" G_GUINT64_FORMAT
                          " late_1ms=%" G_GUINT64_FORMAT
                          " seed=%" G_GUINT64_FORMAT "\n",
                          opt->dev, st->received, st->released,
                          st->dropped_loss, st->dropped_queue,
                          st->dropped_shutdown, st->write_errors, st->not_ip,
                          st->multicast,
                          st->reordered, queued, st->queue_max,
                          mean_us, wv_hist_percentile_us (st, 0.50),
                          wv_hist_percentile_us (st, 0.99),
                          (double) st->err_max_ns / 1000.0,
                          st->late_100us, st->late_1ms, seed);
}

static void
wv_stats_report (const WvRelayOptions *opt, const WvRelayStats *st,
                 guint queued, guint64 seed)
{
  g_autofree char *line = wv_stats_format (opt, st, queued, seed);
  g_autoptr(GError) error = NULL;

  fputs (line, stderr);
  fflush (stderr);
  /* g_file_set_contents writes a temporary file and renames it, so a reader
   * polling for the file never sees half a line. */
  if (opt->stats_file != NULL &&
      !g_file_set_contents (opt->stats_file, line, -1, &error))
    g_printerr ("wv-lab-relay: cannot write stats: %s\n", error->message);
}

static void
wv_stats_record_release (WvRelayStats *st, const WvPacket *pkt, gint64 now_ns)
{
  gint64 err = now_ns - pkt->release_ns;
  gint64 us;

  if (err < 0)
    err = 0;
  st->released++;
  st->err_sum_ns += (double) err;
  if (err > st->err_max_ns)
    st->err_max_ns = err;
  if (err > 100000)
    st->late_100us++;
  if (err > 1000000)
    st->late_1ms++;
  us = err / 1000;
  st->hist[MIN (us, WV_RELAY_HIST_BUCKETS - 1)]++;

  if (st->any_released && pkt->seq < st->max_seq_released)
    st->reordered++;
  else
    st->max_seq_released = pkt->seq;
  st->any_released = TRUE;
}

/* --- Setup --- */

static int
wv_tun_open (const char *name, GError **error)
{
  struct ifreq ifr = { 0 };
  int fd = open ("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);

  if (fd < 0)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
                   "open /dev/net/tun: %s", g_strerror (errno));
      return -1;
    }
  ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
  g_strlcpy (ifr.ifr_name, name, sizeof ifr.ifr_name);
  if (ioctl (fd, TUNSETIFF, &ifr) < 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "TUNSETIFF %s: %s", name, g_strerror (saved));
      close (fd);
      return -1;
    }
  return fd;
}

static gboolean
wv_options_parse (WvRelayOptions *opt, int *argc, char ***argv, GError **error)
{
  GOptionEntry entries[] = {
    { "dev", 'd', 0, G_OPTION_ARG_STRING, &opt->dev,
      "TUN device to attach to or create (required)", "NAME" },
    { "delay", 0, 0, G_OPTION_ARG_DOUBLE, &opt->delay_ms,
      "Base one-way delay added to every packet (default 0)", "MS" },
    { "jitter", 0, 0, G_OPTION_ARG_DOUBLE, &opt->jitter_ms,
      "Jitter: half-width of the uniform distribution, or the standard deviation of the normal one (default 0)", "MS" },
    { "jitter-dist", 0, 0, G_OPTION_ARG_STRING, &opt->dist_name,
      "Jitter distribution: uniform (default) or normal", "DIST" },
    { "loss", 0, 0, G_OPTION_ARG_DOUBLE, &opt->loss_pct,
      "Drop each packet with this probability, independently (default 0)", "PERCENT" },
    { "fifo", 0, 0, G_OPTION_ARG_NONE, &opt->fifo,
      "Keep arrival order: a packet is never released before an earlier one (default: jitter reorders)", NULL },
    { "queue", 0, 0, G_OPTION_ARG_INT, &opt->queue,
      "Most packets held at once; arrivals beyond it are dropped and counted (default 10000)", "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &opt->seed,
      "Seed of the loss and jitter random numbers, >= 0 (default: from the clock; printed in the stats)", "N" },
    { "ttl-add", 0, 0, G_OPTION_ARG_INT, &opt->ttl_add,
      "Add this to the IPv4 TTL / IPv6 hop limit, to undo the second pass through the router (default 1; 0..2)", "N" },
    { "realtime", 0, 0, G_OPTION_ARG_NONE, &opt->realtime,
      "Run with SCHED_FIFO (a warning, not an error, when not permitted)", NULL },
    { "no-realtime", 0, G_OPTION_FLAG_REVERSE, G_OPTION_ARG_NONE, &opt->realtime,
      "Stay with the normal scheduler (undoes an earlier --realtime)", NULL },
    { "rt-priority", 0, 0, G_OPTION_ARG_INT, &opt->rt_prio,
      "SCHED_FIFO priority for --realtime (default 10)", "N" },
    { "spin-us", 0, 0, G_OPTION_ARG_INT, &opt->spin_us,
      "Wake this early and busy-wait to the release time (default 0; at most 1000)", "US" },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &opt->verbose,
      "Print one line per packet read (family, addresses, protocol, length, TTL)", NULL },
    { "pidfile", 0, 0, G_OPTION_ARG_FILENAME, &opt->pidfile,
      "Write the process id here once the TUN device is attached (readiness signal)", "FILE" },
    { "stats-file", 0, 0, G_OPTION_ARG_FILENAME, &opt->stats_file,
      "Also write each statistics line to this file (atomically replaced)", "FILE" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("- delay/jitter/loss relay over a TUN device");

  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_set_description (ctx,
    "Reads packets from the TUN device (IFF_TUN | IFF_NO_PI), holds each one until\n"
    "arrival + delay + jitter and writes it back into the same device.\n"
    "\n"
    "Jitter: 'uniform' adds a value uniform in [-J, +J] (standard deviation\n"
    "J/sqrt(3)); 'normal' adds a normal value with standard deviation J. A\n"
    "negative total delay is clamped to 0. Without --fifo each packet leaves at\n"
    "its own time, so jitter larger than the packet spacing reorders packets;\n"
    "with --fifo a packet leaves at max(its own time, release of the previous\n"
    "packet), which keeps order (and lowers the delay spread).\n"
    "\n"
    "Multicast packets (the router's own MLD and the like: routers do not\n"
    "forward multicast) are dropped and counted apart (multicast), not relayed.\n"
    "\n"
    "Statistics (one key=value line on stderr and in --stats-file) are reported\n"
    "on SIGUSR1 and at exit. received counts relayed (non-multicast) packets;\n"
    "sched_err_* is the lateness of each write against its release time.\n"
    "SIGTERM or SIGINT ends the relay; packets still held are discarded\n"
    "(dropped_shutdown).\n"
    "\n"
    "Exit status: 0 after SIGTERM/SIGINT, 1 on a setup or device error, 2 on\n"
    "bad arguments.\n");

  if (!g_option_context_parse (ctx, argc, argv, error))
    return FALSE;

  if (*argc > 1)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   "unexpected argument '%s'", (*argv)[1]);
      return FALSE;
    }
  if (opt->dev == NULL || opt->dev[0] == '\0' || strlen (opt->dev) >= IFNAMSIZ ||
      strchr (opt->dev, '/') != NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--dev NAME is required (1..%d characters, no '/')", IFNAMSIZ - 1);
      return FALSE;
    }
  if (!(opt->delay_ms >= 0 && opt->delay_ms <= WV_RELAY_MAX_DELAY_MS) ||
      !(opt->jitter_ms >= 0 && opt->jitter_ms <= WV_RELAY_MAX_DELAY_MS))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--delay and --jitter must be within 0..%.0f ms", WV_RELAY_MAX_DELAY_MS);
      return FALSE;
    }
  if (!(opt->loss_pct >= 0 && opt->loss_pct <= 100))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--loss must be within 0..100");
      return FALSE;
    }
  if (opt->dist_name == NULL || g_str_equal (opt->dist_name, "uniform"))
    opt->dist = WV_JITTER_UNIFORM;
  else if (g_str_equal (opt->dist_name, "normal"))
    opt->dist = WV_JITTER_NORMAL;
  else
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--jitter-dist must be 'uniform' or 'normal', not '%s'", opt->dist_name);
      return FALSE;
    }
  if (opt->queue < 1 || opt->queue > WV_RELAY_MAX_QUEUE)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--queue must be within 1..%d", WV_RELAY_MAX_QUEUE);
      return FALSE;
    }
  if (opt->ttl_add < 0 || opt->ttl_add > 2)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--ttl-add must be 0, 1 or 2");
      return FALSE;
    }
  if (opt->rt_prio < 1 || opt->rt_prio > 99)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--rt-priority must be within 1..99");
      return FALSE;
    }
  if (opt->seed < -1)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--seed must be >= 0 (or -1 for a seed from the clock)");
      return FALSE;
    }
  if (opt->spin_us < 0 || opt->spin_us > 1000)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--spin-us must be within 0..1000");
      return FALSE;
    }
  return TRUE;
}

static gint64
wv_sample_delay_ns (const WvRelayOptions *opt, WvRng *rng)
{
  double d = opt->delay_ms;

  if (opt->jitter_ms > 0)
    {
      if (opt->dist == WV_JITTER_UNIFORM)
        d += opt->jitter_ms * (2.0 * wv_rng_uniform (rng) - 1.0);
      else
        d += opt->jitter_ms * wv_rng_normal (rng);
    }
  if (d < 0)
    d = 0;
  return (gint64) llround (d * 1e6);
}

static void
wv_relay_options_clear (WvRelayOptions *opt)
{
  g_clear_pointer (&opt->dev, g_free);
  g_clear_pointer (&opt->dist_name, g_free);
  g_clear_pointer (&opt->pidfile, g_free);
  g_clear_pointer (&opt->stats_file, g_free);
}

/* Everything after option parsing. Returns the exit status. */
static int
wv_relay_run (const WvRelayOptions *opt_in)
{
  const WvRelayOptions opt = *opt_in;
  WvRelayStats st = { 0 };
  WvHeap heap = { 0 };
  WvRng rng;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *buf = NULL;
  g_autofree WvPacket *items = NULL;
  g_autofree guint64 *hist = NULL;
  guint64 seed, next_seq = 0;
  gint64 last_release = 0, armed = -1, spin_ns;
  sigset_t mask;
  int tun_fd = -1, tfd = -1, sfd = -1, rc = 1;
  gboolean quit = FALSE;
  struct pollfd pfd[3];

  seed = opt.seed >= 0 ? (guint64) opt.seed : (guint64) g_get_real_time () ^ ((guint64) getpid () << 32);
  wv_rng_seed (&rng, seed);
  spin_ns = (gint64) opt.spin_us * 1000;

  /* Signals are taken synchronously through a signalfd so that the handler
   * cannot interrupt a heap update halfway. */
  sigemptyset (&mask);
  sigaddset (&mask, SIGTERM);
  sigaddset (&mask, SIGINT);
  sigaddset (&mask, SIGUSR1);
  sigaddset (&mask, SIGHUP);
  if (sigprocmask (SIG_BLOCK, &mask, NULL) < 0 ||
      (sfd = signalfd (-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK)) < 0)
    {
      g_printerr ("wv-lab-relay: signalfd: %s\n", g_strerror (errno));
      goto out;
    }

  tun_fd = wv_tun_open (opt.dev, &error);
  if (tun_fd < 0)
    {
      g_printerr ("wv-lab-relay: %s\n", error->message);
      goto out;
    }
  tfd = timerfd_create (CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
  if (tfd < 0)
    {
      g_printerr ("wv-lab-relay: timerfd_create: %s\n", g_strerror (errno));
      goto out;
    }

  /* The default 50 us timer slack would be half of our error budget. */
  prctl (PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
  if (opt.realtime)
    {
      struct sched_param sp = { .sched_priority = opt.rt_prio };
      if (sched_setscheduler (0, SCHED_FIFO, &sp) < 0)
        g_printerr ("wv-lab-relay: warning: SCHED_FIFO not available (%s); timing may suffer under load\n",
                    g_strerror (errno));
    }

  heap.cap = (guint) opt.queue;
  heap.items = items = g_new (WvPacket, heap.cap);
  st.hist = hist = g_new0 (guint64, WV_RELAY_HIST_BUCKETS);
  buf = g_malloc (WV_RELAY_MAX_PACKET);

  if (opt.pidfile != NULL)
    {
      g_autofree char *pid = g_strdup_printf ("%d\n", (int) getpid ());
      if (!g_file_set_contents (opt.pidfile, pid, -1, &error))
        {
          g_printerr ("wv-lab-relay: cannot write pidfile: %s\n", error->message);
          goto out;
        }
    }

  rc = 0;
  pfd[0] = (struct pollfd) { .fd = sfd, .events = POLLIN };
  pfd[1] = (struct pollfd) { .fd = tun_fd, .events = POLLIN };
  pfd[2] = (struct pollfd) { .fd = tfd, .events = POLLIN };

  while (!quit)
    {
      gint64 now = wv_now_ns ();

      /* Release everything due; with --spin-us also what is due within
       * the spin window, by busy-waiting to its exact time. */
      while (heap.len > 0 && heap.items[0].release_ns <= now + spin_ns)
        {
          WvPacket pkt;
          ssize_t n;

          while (now < heap.items[0].release_ns)
            now = wv_now_ns ();
          pkt = wv_heap_pop (&heap);
          n = write (tun_fd, pkt.data, pkt.len);
          if (n != (ssize_t) pkt.len)
            st.write_errors++;
          wv_stats_record_release (&st, &pkt, now);
          g_free (pkt.data);
          now = wv_now_ns ();
        }

      if (heap.len > 0)
        {
          gint64 wake = heap.items[0].release_ns - spin_ns;
          if (wake != armed)
            {
              wv_timerfd_arm (tfd, wake);
              armed = wake;
            }
        }

      if (poll (pfd, G_N_ELEMENTS (pfd), -1) < 0)
        {
          if (errno == EINTR)
            continue;
          g_printerr ("wv-lab-relay: poll: %s\n", g_strerror (errno));
          rc = 1;
          break;
        }

      if (pfd[2].revents & POLLIN)
        {
          guint64 expirations;
          /* Only clears the readiness; the loop top checks the heap. */
          if (read (tfd, &expirations, sizeof expirations) < 0 && errno != EAGAIN)
            g_printerr ("wv-lab-relay: timerfd read: %s\n", g_strerror (errno));
          armed = -1;
        }

      if (pfd[0].revents & POLLIN)
        {
          struct signalfd_siginfo si;
          while (read (sfd, &si, sizeof si) == (ssize_t) sizeof si)
            {
              if (si.ssi_signo == SIGUSR1)
                wv_stats_report (&opt, &st, heap.len, seed);
              else
                quit = TRUE;
            }
        }

      if (pfd[1].revents & (POLLERR | POLLHUP | POLLNVAL))
        {
          g_printerr ("wv-lab-relay: TUN device %s went away\n", opt.dev);
          rc = 1;
          break;
        }

      if (pfd[1].revents & POLLIN)
        {
          for (guint i = 0; i < WV_RELAY_READ_BATCH; i++)
            {
              ssize_t n = read (tun_fd, buf, WV_RELAY_MAX_PACKET);
              gint64 arrival;
              WvPacket pkt;

              if (n < 0)
                {
                  if (errno != EAGAIN && errno != EINTR)
                    g_printerr ("wv-lab-relay: read: %s\n", g_strerror (errno));
                  break;
                }
              if (n == 0)
                break;
              arrival = wv_now_ns ();
              if (opt.verbose)
                wv_packet_describe (buf, (guint32) n);
              if (wv_is_multicast (buf, (guint32) n))
                {
                  st.multicast++;
                  continue;
                }
              st.received++;

              if (opt.loss_pct > 0 && wv_rng_uniform (&rng) * 100.0 < opt.loss_pct)
                {
                  st.dropped_loss++;
                  continue;
                }
              if (heap.len >= heap.cap)
                {
                  st.dropped_queue++;
                  continue;
                }
              if (!wv_fix_ttl (buf, (guint32) n, opt.ttl_add))
                st.not_ip++;

              pkt.release_ns = arrival + wv_sample_delay_ns (&opt, &rng);
              if (opt.fifo && pkt.release_ns < last_release)
                pkt.release_ns = last_release;
              last_release = pkt.release_ns;
              pkt.seq = next_seq++;
              pkt.len = (guint32) n;
              pkt.data = g_memdup2 (buf, (gsize) n);
              wv_heap_push (&heap, pkt);
              if (heap.len > st.queue_max)
                st.queue_max = heap.len;

              /* Releases must not wait behind a long burst of reads. */
              if (heap.items[0].release_ns <= wv_now_ns () + spin_ns)
                break;
            }
        }
    }

  st.dropped_shutdown = heap.len;
  while (heap.len > 0)
    {
      WvPacket pkt = wv_heap_pop (&heap);
      g_free (pkt.data);
    }
  wv_stats_report (&opt, &st, 0, seed);

  if (opt.pidfile != NULL)
    g_unlink (opt.pidfile);

out:
  if (tfd >= 0)
    close (tfd);
  if (tun_fd >= 0)
    close (tun_fd);
  if (sfd >= 0)
    close (sfd);
  return rc;
}

int
main (int argc, char **argv)
{
  WvRelayOptions opt = { .queue = 10000, .ttl_add = 1, .rt_prio = 10, .seed = -1 };
  g_autoptr(GError) error = NULL;
  int rc;

  if (!wv_options_parse (&opt, &argc, &argv, &error))
    {
      g_printerr ("wv-lab-relay: %s (see --help)\n", error->message);
      wv_relay_options_clear (&opt);
      return 2;
    }
  rc = wv_relay_run (&opt);
  wv_relay_options_clear (&opt);
  return rc;
}
