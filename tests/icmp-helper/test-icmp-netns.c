/* test-icmp-netns.c: real ICMP errors from a real router, end to end
 *
 * Copyright 2024 The wifi-verify authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Needs root.  Builds three network namespaces joined by veth pairs:
 *
 *   client  c0 10.77.1.2/24  fd00:77:1::2/64   MTU 1500
 *           |
 *   router  r0 10.77.1.1/24  fd00:77:1::1/64   MTU 1500, forwarding,
 *           r1 10.77.2.1/24  fd00:77:2::1/64   MTU 1300, no ICMP rate limit
 *           |
 *   server  s0 10.77.2.2/24  fd00:77:2::2/64   MTU 1300
 *
 * The helper runs in the client namespace through `ip netns exec`, driven by
 * WvIcmpHelper; the test sends UDP datagrams from the client namespace that
 * the router must answer with Time Exceeded (TTL / hop limit 1) and with
 * Fragmentation Needed / Packet Too Big (1400 bytes, DF, towards the
 * 1300-byte link).  The namespaces carry the test's pid in their names and
 * are removed by the parent process whatever happens in the test itself,
 * which runs in a g_test_trap_subprocess() child.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "wv-icmp-helper-client.h"

#define PAYLOAD_SMALL 100
#define PAYLOAD_BIG 1400
#define TOS 0x28

typedef struct {
  char client[32];
  char router[32];
  char server[32];
  char *dir;         /* holds the wrapper that starts the helper in the namespace */
  char *wrapper;
} Names;

/* Names from the pid of the process that owns the namespaces: the parent
 * computes them from its own pid, the trap child from its parent's. */
static void
names_for (Names *n, pid_t owner)
{
  g_snprintf (n->client, sizeof n->client, "wv-icmp-%d-c", (int) owner);
  g_snprintf (n->router, sizeof n->router, "wv-icmp-%d-r", (int) owner);
  g_snprintf (n->server, sizeof n->server, "wv-icmp-%d-s", (int) owner);
  n->dir = g_strdup_printf ("%s/wv-icmp-netns-%d", g_get_tmp_dir (), (int) owner);
  n->wrapper = g_build_filename (n->dir, "helper-in-netns", NULL);
}

static void
names_clear (Names *n)
{
  g_clear_pointer (&n->dir, g_free);
  g_clear_pointer (&n->wrapper, g_free);
}

static gboolean
run_ip (GError **error, const char *first, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *err = NULL;
  int status = 0;
  va_list ap;

  va_start (ap, first);
  for (const char *a = first; a; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, (char *) a);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL,
                     G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                     NULL, NULL, NULL, &err, &status, error))
    return FALSE;
  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_autofree char *cmd = g_strjoinv (" ", (char **) argv->pdata);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", cmd, g_strstrip (err));
      return FALSE;
    }
  return TRUE;
}

static void
topology_destroy (const Names *n)
{
  /* Best effort: each may already be gone. */
  run_ip (NULL, "ip", "netns", "del", n->client, NULL);
  run_ip (NULL, "ip", "netns", "del", n->router, NULL);
  run_ip (NULL, "ip", "netns", "del", n->server, NULL);
  g_unlink (n->wrapper);
  g_rmdir (n->dir);
}

static gboolean
topology_create (const Names *n, GError **error)
{
  const char *C = n->client, *R = n->router, *S = n->server;

  g_autofree char *script = NULL;

  /* Leftovers of a killed earlier run with the same pid. */
  topology_destroy (n);

  /* The helper path handed to the client runs the real helper in the
   * client namespace. */
  script = g_strdup_printf ("#!/bin/sh\nexec ip netns exec '%s' '%s'\n",
                            n->client, g_getenv ("WV_ICMP_HELPER"));
  if (g_mkdir (n->dir, 0700) != 0 ||
      !g_file_set_contents_full (n->wrapper, script, -1, G_FILE_SET_CONTENTS_NONE, 0755, error))
    {
      if (error && *error == NULL)
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "cannot create %s", n->dir);
      return FALSE;
    }

  return run_ip (error, "ip", "netns", "add", C, NULL) &&
         run_ip (error, "ip", "netns", "add", R, NULL) &&
         run_ip (error, "ip", "netns", "add", S, NULL) &&
         /* Interfaces are created inside the namespaces: their names cannot
          * clash with anything else on the machine. */
         run_ip (error, "ip", "-n", C, "link", "add", "c0", "type", "veth", "peer", "name", "r0", "netns", R, NULL) &&
         run_ip (error, "ip", "-n", R, "link", "add", "r1", "type", "veth", "peer", "name", "s0", "netns", S, NULL) &&
         run_ip (error, "ip", "-n", R, "link", "set", "r1", "mtu", "1300", NULL) &&
         run_ip (error, "ip", "-n", S, "link", "set", "s0", "mtu", "1300", NULL) &&
         run_ip (error, "ip", "-n", C, "addr", "add", "10.77.1.2/24", "dev", "c0", NULL) &&
         run_ip (error, "ip", "-n", C, "addr", "add", "fd00:77:1::2/64", "dev", "c0", "nodad", NULL) &&
         run_ip (error, "ip", "-n", R, "addr", "add", "10.77.1.1/24", "dev", "r0", NULL) &&
         run_ip (error, "ip", "-n", R, "addr", "add", "fd00:77:1::1/64", "dev", "r0", "nodad", NULL) &&
         run_ip (error, "ip", "-n", R, "addr", "add", "10.77.2.1/24", "dev", "r1", NULL) &&
         run_ip (error, "ip", "-n", R, "addr", "add", "fd00:77:2::1/64", "dev", "r1", "nodad", NULL) &&
         run_ip (error, "ip", "-n", S, "addr", "add", "10.77.2.2/24", "dev", "s0", NULL) &&
         run_ip (error, "ip", "-n", S, "addr", "add", "fd00:77:2::2/64", "dev", "s0", "nodad", NULL) &&
         run_ip (error, "ip", "-n", C, "link", "set", "lo", "up", NULL) &&
         run_ip (error, "ip", "-n", C, "link", "set", "c0", "up", NULL) &&
         run_ip (error, "ip", "-n", R, "link", "set", "lo", "up", NULL) &&
         run_ip (error, "ip", "-n", R, "link", "set", "r0", "up", NULL) &&
         run_ip (error, "ip", "-n", R, "link", "set", "r1", "up", NULL) &&
         run_ip (error, "ip", "-n", S, "link", "set", "lo", "up", NULL) &&
         run_ip (error, "ip", "-n", S, "link", "set", "s0", "up", NULL) &&
         run_ip (error, "ip", "-n", C, "route", "add", "default", "via", "10.77.1.1", NULL) &&
         run_ip (error, "ip", "-n", C, "-6", "route", "add", "default", "via", "fd00:77:1::1", NULL) &&
         run_ip (error, "ip", "-n", S, "route", "add", "default", "via", "10.77.2.1", NULL) &&
         run_ip (error, "ip", "-n", S, "-6", "route", "add", "default", "via", "fd00:77:2::1", NULL) &&
         run_ip (error, "ip", "netns", "exec", R, "sysctl", "-q", "-w",
                 "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1",
                 "net.ipv4.icmp_ratelimit=0", "net.ipv6.icmp.ratelimit=0", NULL) &&
         /* A zero flow label in the client, so the quoted one is known. */
         run_ip (error, "ip", "netns", "exec", C, "sysctl", "-q", "-w",
                 "net.ipv6.auto_flowlabels=0", NULL);
}

/* ---- the part that runs inside the client namespace --------------------- */

typedef struct {
  GMainContext *context;
  GPtrArray *events;
  GPtrArray *errors;
  GAsyncResult *result;
} State;

static void
on_event (WvIcmpHelper *helper, WvIcmpEvent *event, State *s)
{
  g_ptr_array_add (s->events, wv_icmp_event_copy (event));
}

static void
on_error (WvIcmpHelper *helper, GError *error, State *s)
{
  g_printerr ("helper-error: %s\n", error->message);
  g_ptr_array_add (s->errors, g_error_copy (error));
}

static void
on_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  State *s = user_data;

  s->result = g_object_ref (result);
}

static void
iterate_until_result (State *s)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (s->result == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (s->context, FALSE);
      g_usleep (1000);
    }
}

static WvIcmpEvent *
next_event (State *s)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (s->events->len == 0)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("no ICMP event within 5 s");
      g_assert_cmpuint (s->errors->len, ==, 0);
      g_main_context_iteration (s->context, FALSE);
      g_usleep (1000);
    }
  return g_ptr_array_steal_index (s->events, 0);
}

static int
udp_socket (int family, guint16 *port)
{
  struct sockaddr_storage ss = { 0 };
  socklen_t len = family == AF_INET ? sizeof (struct sockaddr_in) : sizeof (struct sockaddr_in6);
  int fd = socket (family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  int one = 1, tos = TOS;

  g_assert_cmpint (fd, >=, 0);
  if (family == AF_INET)
    {
      /* DF on, and never shrink to a cached path MTU: every datagram goes
       * out whole, as the test sends it. */
      int pmtu = IP_PMTUDISC_PROBE;

      g_assert_cmpint (setsockopt (fd, IPPROTO_IP, IP_MTU_DISCOVER, &pmtu, sizeof pmtu), ==, 0);
      g_assert_cmpint (setsockopt (fd, IPPROTO_IP, IP_TOS, &tos, sizeof tos), ==, 0);
    }
  else
    {
      int pmtu = IPV6_PMTUDISC_PROBE;

      g_assert_cmpint (setsockopt (fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one), ==, 0);
      g_assert_cmpint (setsockopt (fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &pmtu, sizeof pmtu), ==, 0);
      g_assert_cmpint (setsockopt (fd, IPPROTO_IPV6, IPV6_TCLASS, &tos, sizeof tos), ==, 0);
    }
  ss.ss_family = (sa_family_t) family;
  g_assert_cmpint (bind (fd, (struct sockaddr *) &ss, len), ==, 0);
  len = sizeof ss;
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &ss, &len), ==, 0);
  *port = ntohs (family == AF_INET ? ((struct sockaddr_in *) &ss)->sin_port
                                   : ((struct sockaddr_in6 *) &ss)->sin6_port);
  return fd;
}

static void
set_ttl (int fd, int family, int ttl)
{
  if (family == AF_INET)
    g_assert_cmpint (setsockopt (fd, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl), ==, 0);
  else
    g_assert_cmpint (setsockopt (fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl, sizeof ttl), ==, 0);
}

static guint8 payload[PAYLOAD_BIG];

static void
send_to_server (int fd, int family, gsize len)
{
  struct sockaddr_storage ss = { 0 };
  socklen_t slen;

  if (family == AF_INET)
    {
      struct sockaddr_in *sin = (struct sockaddr_in *) &ss;

      sin->sin_family = AF_INET;
      sin->sin_port = htons (33434);
      inet_pton (AF_INET, "10.77.2.2", &sin->sin_addr);
      slen = sizeof *sin;
    }
  else
    {
      struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) &ss;

      sin6->sin6_family = AF_INET6;
      sin6->sin6_port = htons (33434);
      inet_pton (AF_INET6, "fd00:77:2::2", &sin6->sin6_addr);
      slen = sizeof *sin6;
    }
  g_assert_cmpint (sendto (fd, payload, len, 0, (struct sockaddr *) &ss, slen), ==, (gssize) len);
}

static void
assert_address (GInetAddress *address, const char *want)
{
  g_autofree char *s = g_inet_address_to_string (address);

  g_assert_cmpstr (s, ==, want);
}

static void
assert_common (const WvIcmpEvent *e, int family, guint16 port, guint ifindex,
               gint64 sent_ns, gsize sent_len)
{
  gsize quoted = MIN (sent_len, WV_ICMP_EVENT_MAX_PAYLOAD);

  assert_address (e->offender, family == AF_INET ? "10.77.1.1" : "fd00:77:1::1");
  assert_address (e->quoted_src, family == AF_INET ? "10.77.1.2" : "fd00:77:1::2");
  assert_address (e->quoted_dst, family == AF_INET ? "10.77.2.2" : "fd00:77:2::2");
  g_assert_cmpuint (e->ifindex, ==, ifindex);
  g_assert_true (e->kernel_time);
  g_assert_cmpint (e->time_ns, >=, sent_ns);
  g_assert_cmpint (e->time_ns, <=, g_get_real_time () * 1000);
  g_assert_cmpuint (e->quoted_tos, ==, TOS);
  g_assert_cmpuint (e->src_port, ==, port);
  g_assert_cmpuint (e->dst_port, ==, 33434);
  g_assert_cmpuint (e->udp_length, ==, 8 + sent_len);
  g_assert_cmpmem (g_bytes_get_data (e->payload, NULL), g_bytes_get_size (e->payload),
                   payload, quoted);
  if (family == AF_INET)
    {
      g_assert_cmpuint (e->quoted_ip_length, ==, 20 + 8 + sent_len);
      g_assert_true (e->quoted_df);
    }
  else
    {
      g_assert_cmpuint (e->quoted_ip_length, ==, 8 + sent_len);
      g_assert_cmpuint (e->quoted_flow_label, ==, 0);
    }
}

static void
run_in_client_namespace (const Names *n)
{
  g_autofree char *ns_path = g_strdup_printf ("/run/netns/%s", n->client);
  g_autoptr(GError) error = NULL;
  g_autoptr(WvIcmpHelper) helper = NULL;
  State s = { 0 };
  const char *binary = g_getenv ("WV_ICMP_HELPER");
  guint ifindex;
  int nsfd;

  g_assert_nonnull (binary);
  for (gsize i = 0; i < sizeof payload; i++)
    payload[i] = (guint8) (i * 13 + 5);

  /* This process's own sockets live in the client namespace too. */
  nsfd = open (ns_path, O_RDONLY | O_CLOEXEC);
  g_assert_cmpint (nsfd, >=, 0);
  g_assert_cmpint (setns (nsfd, CLONE_NEWNET), ==, 0);
  close (nsfd);
  ifindex = if_nametoindex ("c0");
  g_assert_cmpuint (ifindex, >, 0);

  s.context = g_main_context_default ();
  s.events = g_ptr_array_new_with_free_func ((GDestroyNotify) wv_icmp_event_free);
  s.errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  helper = wv_icmp_helper_new (n->wrapper);
  g_signal_connect (helper, "icmp-event", G_CALLBACK (on_event), &s);
  g_signal_connect (helper, "helper-error", G_CALLBACK (on_error), &s);

  wv_icmp_helper_start_async (helper, NULL, on_done, &s);
  iterate_until_result (&s);
  g_assert_true (wv_icmp_helper_start_finish (helper, s.result, &error));
  g_assert_no_error (error);
  g_clear_object (&s.result);
  g_printerr ("helper support: %s\n", wv_icmp_helper_get_support_details (helper));
  g_assert_true (wv_icmp_helper_get_icmp4_available (helper));
  g_assert_true (wv_icmp_helper_get_icmp6_available (helper));

  for (int family = AF_INET; ; family = AF_INET6)
    {
      GSocketFamily gfamily = family == AF_INET ? G_SOCKET_FAMILY_IPV4 : G_SOCKET_FAMILY_IPV6;
      guint16 port, other_port;
      int fd = udp_socket (family, &port);
      int other = udp_socket (family, &other_port);
      g_autoptr(WvIcmpEvent) e = NULL;
      gint64 sent_ns;

      g_printerr ("IPv%d: watched port %u, unwatched port %u\n",
                  family == AF_INET ? 4 : 6, port, other_port);
      wv_icmp_helper_watch_async (helper, gfamily, port, NULL, on_done, &s);
      iterate_until_result (&s);
      g_assert_true (wv_icmp_helper_watch_finish (helper, s.result, &error));
      g_assert_no_error (error);
      g_clear_object (&s.result);

      /* An unwatched socket first: its error must not show up. */
      set_ttl (other, family, 1);
      send_to_server (other, family, PAYLOAD_SMALL);

      /* TTL / hop limit 1: the router answers Time Exceeded. */
      set_ttl (fd, family, 1);
      sent_ns = g_get_real_time () * 1000;
      send_to_server (fd, family, PAYLOAD_SMALL);
      e = next_event (&s);
      g_assert_cmpint (e->family, ==, gfamily);
      g_assert_cmpint (wv_icmp_event_get_kind (e), ==, WV_ICMP_KIND_TIME_EXCEEDED);
      g_assert_cmpuint (e->type, ==, family == AF_INET ? 11 : 3);
      g_assert_cmpuint (e->code, ==, 0);
      g_assert_cmpuint (e->mtu, ==, 0);
      g_assert_cmpuint (e->quoted_ttl, ==, 1);
      assert_common (e, family, port, ifindex, sent_ns, PAYLOAD_SMALL);
      g_clear_pointer (&e, wv_icmp_event_free);

      /* 1400 bytes with DF towards the 1300-byte link: Fragmentation
       * Needed / Packet Too Big with the next-hop MTU.  The router checks
       * the MTU before it decrements the TTL, so the quote has 64. */
      set_ttl (fd, family, 64);
      sent_ns = g_get_real_time () * 1000;
      send_to_server (fd, family, PAYLOAD_BIG);
      e = next_event (&s);
      g_assert_cmpint (wv_icmp_event_get_kind (e), ==, WV_ICMP_KIND_PACKET_TOO_BIG);
      g_assert_cmpuint (e->type, ==, family == AF_INET ? 3 : 2);
      g_assert_cmpuint (e->code, ==, family == AF_INET ? 4 : 0);
      g_assert_cmpuint (e->mtu, ==, 1300);
      g_assert_cmpuint (e->quoted_ttl, ==, 64);
      assert_common (e, family, port, ifindex, sent_ns, PAYLOAD_BIG);

      g_assert_cmpuint (s.events->len, ==, 0);
      close (fd);
      close (other);
      if (family == AF_INET6)
        break;
    }

  g_assert_cmpuint (s.errors->len, ==, 0);
  wv_icmp_helper_stop (helper);
  g_ptr_array_unref (s.events);
  g_ptr_array_unref (s.errors);
}

/* ---- the parent: topology and cleanup ----------------------------------- */

static void
test_router_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ip = g_find_program_in_path ("ip");
  Names n;

  if (g_test_subprocess ())
    {
      names_for (&n, getppid ());
      run_in_client_namespace (&n);
      names_clear (&n);
      return;
    }

  if (geteuid () != 0)
    {
      g_test_skip ("needs root: creates network namespaces");
      return;
    }
  if (ip == NULL)
    {
      g_test_skip ("the ip tool (iproute2) is not installed");
      return;
    }

  if (g_getenv ("WV_ICMP_HELPER") == NULL)
    g_error ("WV_ICMP_HELPER must name the built wifi-verify-icmp-helper");
  names_for (&n, getpid ());
  if (!topology_create (&n, &error))
    {
      g_autofree char *msg = g_strdup_printf ("cannot build the test topology: %s", error->message);

      topology_destroy (&n);
      names_clear (&n);
      /* No namespaces at all (a container without the privilege) is a
       * reason to skip; anything failing after that is a real failure. */
      if (strstr (error->message, "netns add"))
        {
          g_test_skip (msg);
          return;
        }
      g_error ("%s", msg);
    }

  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_INHERIT_STDOUT | G_TEST_SUBPROCESS_INHERIT_STDERR);
  topology_destroy (&n);
  g_test_trap_assert_passed ();

  /* And the namespaces are really gone. */
  {
    g_autofree char *path = g_strdup_printf ("/run/netns/%s", n.client);

    g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
    g_assert_false (g_file_test (n.dir, G_FILE_TEST_EXISTS));
  }
  names_clear (&n);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/icmp-helper/netns/router-errors", test_router_errors);

  return g_test_run ();
}
