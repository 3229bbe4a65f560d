/* test-icmp-client.c: WvIcmpHelper, the GLib client of the ICMP helper
 *
 * Copyright 2024 The wifi-verify authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Against the real helper where that needs no privilege, and against
 * fake-helper.sh for everything a broken or hostile helper could do.
 */

#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "wv-icmp-helper-client.h"
#include "wv-paths.h"

/* ---- event lines ------------------------------------------------------- */

#define GOOD_V4 "* icmp family=4 from=192.0.2.1 ifindex=2 type=3 code=4 mtu=1300" \
  " time=1700000000123456789 clock=kernel src=192.0.2.10 dst=198.51.100.7 ttl=64 tos=40" \
  " totlen=1428 id=4660 df=1 sport=40000 dport=9 ulen=1408 ucsum=65535 datalen=3 data=00ff7a"
#define GOOD_V6 "* icmp family=6 from=fe80::1 ifindex=7 type=3 code=0 mtu=0" \
  " time=5 clock=user src=2001:db8::10 dst=2001:db8:1::7 hlim=1 tclass=184" \
  " flow=1048575 paylen=108 sport=1 dport=33434 ulen=108 ucsum=0 datalen=0 data=-"

static void
test_event_parse_valid (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WvIcmpEvent) e4 = wv_icmp_event_parse (GOOD_V4, &error);
  g_autoptr(WvIcmpEvent) e6 = NULL;
  g_autoptr(WvIcmpEvent) copy = NULL;
  g_autofree char *s = NULL;
  static const guint8 data[] = { 0x00, 0xff, 0x7a };

  g_assert_no_error (error);
  g_assert_nonnull (e4);
  g_assert_cmpint (e4->family, ==, G_SOCKET_FAMILY_IPV4);
  s = g_inet_address_to_string (e4->offender);
  g_assert_cmpstr (s, ==, "192.0.2.1");
  g_clear_pointer (&s, g_free);
  g_assert_cmpuint (e4->ifindex, ==, 2);
  g_assert_cmpuint (e4->type, ==, 3);
  g_assert_cmpuint (e4->code, ==, 4);
  g_assert_cmpuint (e4->mtu, ==, 1300);
  g_assert_cmpint (wv_icmp_event_get_kind (e4), ==, WV_ICMP_KIND_PACKET_TOO_BIG);
  g_assert_cmpint (e4->time_ns, ==, G_GINT64_CONSTANT (1700000000123456789));
  g_assert_true (e4->kernel_time);
  s = g_inet_address_to_string (e4->quoted_src);
  g_assert_cmpstr (s, ==, "192.0.2.10");
  g_clear_pointer (&s, g_free);
  s = g_inet_address_to_string (e4->quoted_dst);
  g_assert_cmpstr (s, ==, "198.51.100.7");
  g_clear_pointer (&s, g_free);
  g_assert_cmpuint (e4->quoted_ttl, ==, 64);
  g_assert_cmpuint (e4->quoted_tos, ==, 40);
  g_assert_cmpuint (e4->quoted_ip_length, ==, 1428);
  g_assert_cmpuint (e4->quoted_ip_id, ==, 4660);
  g_assert_true (e4->quoted_df);
  g_assert_cmpuint (e4->src_port, ==, 40000);
  g_assert_cmpuint (e4->dst_port, ==, 9);
  g_assert_cmpuint (e4->udp_length, ==, 1408);
  g_assert_cmpuint (e4->udp_checksum, ==, 65535);
  g_assert_cmpmem (g_bytes_get_data (e4->payload, NULL), g_bytes_get_size (e4->payload),
                   data, sizeof data);

  e6 = wv_icmp_event_parse (GOOD_V6, &error);
  g_assert_no_error (error);
  g_assert_cmpint (e6->family, ==, G_SOCKET_FAMILY_IPV6);
  s = g_inet_address_to_string (e6->offender);
  g_assert_cmpstr (s, ==, "fe80::1");
  g_clear_pointer (&s, g_free);
  g_assert_cmpuint (e6->type, ==, 3);
  g_assert_cmpint (wv_icmp_event_get_kind (e6), ==, WV_ICMP_KIND_TIME_EXCEEDED);
  g_assert_false (e6->kernel_time);
  g_assert_cmpuint (e6->quoted_ttl, ==, 1);
  g_assert_cmpuint (e6->quoted_tos, ==, 184);
  g_assert_cmpuint (e6->quoted_flow_label, ==, 0xfffff);
  g_assert_cmpuint (e6->quoted_ip_length, ==, 108);
  g_assert_cmpuint (e6->src_port, ==, 1);
  g_assert_cmpuint (g_bytes_get_size (e6->payload), ==, 0);

  /* Copies share nothing that freeing the original could break. */
  copy = wv_icmp_event_copy (e6);
  g_clear_pointer (&e6, wv_icmp_event_free);
  s = g_inet_address_to_string (copy->quoted_dst);
  g_assert_cmpstr (s, ==, "2001:db8:1::7");
  g_assert_cmpuint (g_bytes_get_size (copy->payload), ==, 0);
}

static void
test_event_kinds (void)
{
  static const struct { GSocketFamily f; guint8 type, code; WvIcmpKind kind; } cases[] = {
    { G_SOCKET_FAMILY_IPV4, 11, 0, WV_ICMP_KIND_TIME_EXCEEDED },
    { G_SOCKET_FAMILY_IPV4, 3, 3, WV_ICMP_KIND_UNREACHABLE },
    { G_SOCKET_FAMILY_IPV4, 3, 4, WV_ICMP_KIND_PACKET_TOO_BIG },
    { G_SOCKET_FAMILY_IPV6, 3, 0, WV_ICMP_KIND_TIME_EXCEEDED },
    { G_SOCKET_FAMILY_IPV6, 1, 4, WV_ICMP_KIND_UNREACHABLE },
    { G_SOCKET_FAMILY_IPV6, 2, 0, WV_ICMP_KIND_PACKET_TOO_BIG },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      WvIcmpEvent e = { .family = cases[i].f, .type = cases[i].type, .code = cases[i].code };

      g_assert_cmpint (wv_icmp_event_get_kind (&e), ==, cases[i].kind);
    }
}

/* Replaces the first occurrence of from in GOOD_V4/GOOD_V6 with to. */
static char *
mutate (const char *line, const char *from, const char *to)
{
  const char *at = strstr (line, from);

  g_assert_nonnull (at);
  return g_strdup_printf ("%.*s%s%s", (int) (at - line), line, to, at + strlen (from));
}

static void
test_event_parse_invalid (void)
{
  static const struct { const char *base, *from, *to; } cases[] = {
    { GOOD_V4, "* icmp family=4", "* icmp family=5" },
    { GOOD_V4, "* icmp ", "* icmpx " },
    { GOOD_V4, " ifindex=2", "" },                          /* missing */
    { GOOD_V4, " ifindex=2", " ifindex=2 ifindex=2" },      /* repeated */
    { GOOD_V4, " ifindex=2", " ifindex=2 colour=red" },     /* unknown */
    { GOOD_V4, " ifindex=2", " ifindex=2 " },               /* empty word */
    { GOOD_V4, " ifindex=2", " ifindex2" },                 /* no '=' */
    { GOOD_V4, " ifindex=2", " =2" },
    { GOOD_V4, "from=192.0.2.1", "from=192.0.2.256" },
    { GOOD_V4, "from=192.0.2.1", "from=2001:db8::1" },      /* wrong family */
    { GOOD_V4, "from=192.0.2.1", "from=" },
    { GOOD_V4, "src=192.0.2.10", "src=host.example" },
    { GOOD_V6, "from=fe80::1", "from=fe80::1%eth0" },       /* scoped */
    { GOOD_V6, "from=fe80::1", "from=10.0.0.1" },
    { GOOD_V4, "type=3", "type=0" },
    { GOOD_V4, "type=3", "type=256" },
    { GOOD_V6, "type=3", "type=4" },
    { GOOD_V4, "code=4", "code=-1" },
    { GOOD_V4, "code=4", "code=04" },                       /* leading zero */
    { GOOD_V4, "code=4", "code=+4" },
    { GOOD_V4, "code=4", "code= 4" },
    { GOOD_V4, "mtu=1300", "mtu=65536" },                   /* 16 bits in IPv4 */
    { GOOD_V4, "code=4 mtu=1300", "code=3 mtu=1300" },      /* MTU on a non-PTB */
    { GOOD_V6, "mtu=0", "mtu=1280" },
    { GOOD_V4, "time=1700000000123456789", "time=9223372036854775808" },
    { GOOD_V4, "time=1700000000123456789", "time=99999999999999999999999" },
    { GOOD_V4, "clock=kernel", "clock=wall" },
    { GOOD_V4, "ttl=64", "ttl=256" },
    { GOOD_V4, "ttl=64", "hlim=64" },                       /* v6 key in v4 */
    { GOOD_V6, "flow=1048575", "flow=1048576" },
    { GOOD_V4, "df=1", "df=2" },
    { GOOD_V4, "sport=40000", "sport=0" },
    { GOOD_V4, "sport=40000", "sport=65536" },
    { GOOD_V4, "datalen=3 data=00ff7a", "datalen=3 data=00ff7" },
    { GOOD_V4, "datalen=3 data=00ff7a", "datalen=3 data=00FF7A" },
    { GOOD_V4, "datalen=3 data=00ff7a", "datalen=3 data=00ff7g" },
    { GOOD_V4, "datalen=3 data=00ff7a", "datalen=0 data=00ff7a" },
    { GOOD_V4, "datalen=3 data=00ff7a", "datalen=3 data=-" },
    { GOOD_V4, "datalen=3 data=00ff7a", "datalen=257 data=00ff7a" },
    { GOOD_V6, "datalen=0 data=-", "datalen=0 data=" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *line = mutate (cases[i].base, cases[i].from, cases[i].to);
      g_autoptr(GError) error = NULL;
      g_autoptr(WvIcmpEvent) event = wv_icmp_event_parse (line, &error);

      g_test_message ("case %" G_GSIZE_FORMAT ": %s", i, error ? error->message : "(accepted!)");
      g_assert_null (event);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    }
}

/* ---- running helpers ---------------------------------------------------- */

typedef struct {
  WvIcmpHelper *helper;
  GMainContext *context;
  char *dir;               /* for the fake helper wrapper and its log */
  char *fake;
  char *log;
  GPtrArray *events;       /* WvIcmpEvent */
  GPtrArray *errors;       /* GError */
  guint dropped;
  GAsyncResult *result;
} Fixture;

static void
on_event (WvIcmpHelper *helper, WvIcmpEvent *event, Fixture *f)
{
  g_ptr_array_add (f->events, wv_icmp_event_copy (event));
}

static void
on_error (WvIcmpHelper *helper, GError *error, Fixture *f)
{
  g_test_message ("helper-error: %s", error->message);
  g_ptr_array_add (f->errors, g_error_copy (error));
}

static void
on_dropped (WvIcmpHelper *helper, guint count, Fixture *f)
{
  f->dropped += count;
}

static void
fixture_use (Fixture *f, const char *path)
{
  if (f->helper)
    {
      wv_icmp_helper_stop (f->helper);
      g_assert_finalize_object (f->helper);
    }
  f->helper = wv_icmp_helper_new (path);
  g_signal_connect (f->helper, "icmp-event", G_CALLBACK (on_event), f);
  g_signal_connect (f->helper, "helper-error", G_CALLBACK (on_error), f);
  g_signal_connect (f->helper, "events-dropped", G_CALLBACK (on_dropped), f);
}

/* Writes (or with NULL removes) one configuration file of fake-helper.sh. */
static void
fake_set (Fixture *f, const char *name, const char *value)
{
  g_autofree char *path = g_build_filename (f->dir, name, NULL);
  g_autoptr(GError) error = NULL;

  if (value == NULL)
    g_unlink (path);
  else
    g_assert_true (g_file_set_contents (path, value, -1, &error));
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  const char *srcdir = g_getenv ("WV_ICMP_TEST_SRCDIR");
  g_autofree char *script = NULL;
  g_autofree char *wrapper = NULL;

  g_assert_nonnull (srcdir);
  f->dir = g_dir_make_tmp ("wv-icmp-client-XXXXXX", &error);
  g_assert_no_error (error);
  f->fake = g_build_filename (f->dir, "fake-helper", NULL);
  f->log = g_build_filename (f->dir, "requests.log", NULL);
  /* A wrapper, so that the script works even if its mode bits got lost,
   * and so that it finds its configuration without setenv() in a process
   * that already runs GLib's worker thread. */
  script = g_build_filename (srcdir, "fake-helper.sh", NULL);
  wrapper = g_strdup_printf ("#!/bin/sh\nFAKE_HELPER_DIR='%s' exec /bin/sh '%s'\n",
                             f->dir, script);
  g_assert_true (g_file_set_contents_full (f->fake, wrapper, -1, G_FILE_SET_CONTENTS_NONE,
                                           0755, &error));

  f->events = g_ptr_array_new_with_free_func ((GDestroyNotify) wv_icmp_event_free);
  f->errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  f->context = g_main_context_ref_thread_default ();
  fixture_use (f, f->fake);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  wv_icmp_helper_stop (f->helper);
  g_assert_finalize_object (f->helper);
  /* Let the cancelled I/O of the stopped helper wind down. */
  for (int i = 0; i < 100 && g_main_context_iteration (f->context, FALSE); i++)
    ;
  g_clear_object (&f->result);
  g_ptr_array_unref (f->events);
  g_ptr_array_unref (f->errors);
  g_unlink (f->fake);
  g_unlink (f->log);
  fake_set (f, "mode", NULL);
  fake_set (f, "refuse", NULL);
  g_rmdir (f->dir);
  g_free (f->fake);
  g_free (f->log);
  g_free (f->dir);
  g_main_context_unref (f->context);
}

static void
on_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Fixture *f = user_data;

  g_assert_null (f->result);
  f->result = g_object_ref (result);
}

static void
wait_for (Fixture *f, gboolean (*cond) (Fixture *f), int timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!cond (f))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("timed out after %d ms", timeout_ms);
      g_main_context_iteration (f->context, FALSE);
      g_usleep (1000);
    }
}

static gboolean
have_result (Fixture *f)
{
  return f->result != NULL;
}

static gboolean
start (Fixture *f, GError **error)
{
  gboolean ok;

  wv_icmp_helper_start_async (f->helper, NULL, on_done, f);
  wait_for (f, have_result, 15000);
  ok = wv_icmp_helper_start_finish (f->helper, f->result, error);
  g_clear_object (&f->result);
  return ok;
}

static gboolean
watch (Fixture *f, gboolean unwatch, GSocketFamily family, guint16 port, GError **error)
{
  gboolean ok;

  if (unwatch)
    wv_icmp_helper_unwatch_async (f->helper, family, port, NULL, on_done, f);
  else
    wv_icmp_helper_watch_async (f->helper, family, port, NULL, on_done, f);
  wait_for (f, have_result, 10000);
  ok = unwatch ? wv_icmp_helper_unwatch_finish (f->helper, f->result, error)
               : wv_icmp_helper_watch_finish (f->helper, f->result, error);
  g_clear_object (&f->result);
  return ok;
}

static char *
read_log (Fixture *f)
{
  char *contents = NULL;

  if (!g_file_get_contents (f->log, &contents, NULL, NULL))
    return g_strdup ("");
  return contents;
}

static gboolean
log_has_eof (Fixture *f)
{
  g_autofree char *log = read_log (f);

  return g_str_has_suffix (log, "eof\n");
}

static gboolean
have_error (Fixture *f)
{
  return f->errors->len > 0;
}

static gboolean
have_two_events (Fixture *f)
{
  return f->events->len >= 2 && f->dropped > 0;
}

/* ---- against the real helper -------------------------------------------- */

static int
bound_udp (int family, guint16 *port)
{
  struct sockaddr_storage ss = { 0 };
  socklen_t len = family == AF_INET ? sizeof (struct sockaddr_in) : sizeof (struct sockaddr_in6);
  int fd = socket (family, SOCK_DGRAM | SOCK_CLOEXEC, 0);

  g_assert_cmpint (fd, >=, 0);
  ss.ss_family = (sa_family_t) family;
  if (family == AF_INET)
    ((struct sockaddr_in *) &ss)->sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  else
    ((struct sockaddr_in6 *) &ss)->sin6_addr = in6addr_loopback;
  g_assert_cmpint (bind (fd, (struct sockaddr *) &ss, len), ==, 0);
  len = sizeof ss;
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &ss, &len), ==, 0);
  *port = ntohs (family == AF_INET ? ((struct sockaddr_in *) &ss)->sin_port
                                   : ((struct sockaddr_in6 *) &ss)->sin6_port);
  return fd;
}

static gboolean
have_one_event (Fixture *f)
{
  return f->events->len >= 1;
}

static void
test_real_helper (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  guint16 port, dead;
  int fd, tmp;

  fixture_use (f, g_getenv ("WV_ICMP_HELPER"));
  g_assert_cmpstr (wv_icmp_helper_get_path (f->helper), ==, g_getenv ("WV_ICMP_HELPER"));
  g_assert_false (wv_icmp_helper_get_running (f->helper));
  g_assert_null (wv_icmp_helper_get_program_version (f->helper));

  g_assert_true (start (f, &error));
  g_assert_no_error (error);
  g_assert_true (wv_icmp_helper_get_running (f->helper));
  g_assert_cmpstr (wv_icmp_helper_get_program_version (f->helper), ==, PACKAGE_VERSION);
  g_assert_true (g_str_has_prefix (wv_icmp_helper_get_support_details (f->helper), "icmp4="));
  g_test_message ("support: %s", wv_icmp_helper_get_support_details (f->helper));

  /* Starting a running helper is a no-op success. */
  g_assert_true (start (f, &error));

  tmp = bound_udp (AF_INET, &dead);
  close (tmp);
  fd = bound_udp (AF_INET, &port);

  if (!wv_icmp_helper_get_icmp4_available (f->helper))
    {
      g_autofree char *advice = wv_icmp_helper_dup_privilege_advice (f->helper);

      g_assert_nonnull (strstr (advice, "setcap cap_net_raw+ep"));
      g_assert_false (watch (f, FALSE, G_SOCKET_FAMILY_IPV4, port, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
      g_clear_error (&error);
      g_test_message ("no CAP_NET_RAW here: no events tested");
    }
  else
    {
      struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons (dead),
                                .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
      WvIcmpEvent *e;
      g_autofree char *from = NULL;

      g_assert_true (watch (f, FALSE, G_SOCKET_FAMILY_IPV4, port, &error));
      g_assert_no_error (error);

      g_assert_cmpint (sendto (fd, "ping", 4, 0, (struct sockaddr *) &to, sizeof to), ==, 4);
      wait_for (f, have_one_event, 5000);
      e = g_ptr_array_index (f->events, 0);
      from = g_inet_address_to_string (e->offender);
      g_assert_cmpstr (from, ==, "127.0.0.1");
      g_assert_cmpint (wv_icmp_event_get_kind (e), ==, WV_ICMP_KIND_UNREACHABLE);
      g_assert_cmpuint (e->code, ==, 3);
      g_assert_cmpuint (e->src_port, ==, port);
      g_assert_cmpuint (e->dst_port, ==, dead);
      g_assert_cmpuint (e->udp_length, ==, 12);
      g_assert_cmpmem (g_bytes_get_data (e->payload, NULL), g_bytes_get_size (e->payload), "ping", 4);

      g_assert_true (watch (f, TRUE, G_SOCKET_FAMILY_IPV4, port, &error));
      g_assert_no_error (error);
    }

  g_assert_false (watch (f, TRUE, G_SOCKET_FAMILY_IPV4, port, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (watch (f, FALSE, G_SOCKET_FAMILY_IPV4, 0, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (watch (f, FALSE, G_SOCKET_FAMILY_UNIX, port, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  wv_icmp_helper_stop (f->helper);
  g_assert_false (wv_icmp_helper_get_running (f->helper));
  g_assert_false (watch (f, FALSE, G_SOCKET_FAMILY_IPV4, port, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED);
  g_assert_cmpuint (f->errors->len, ==, 0);
  close (fd);
}

static void
test_not_found (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  fixture_use (f, "/nonexistent/wifi-verify-icmp-helper");
  g_assert_false (start (f, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_true (g_str_has_prefix (error->message,
                                   "Cannot start the ICMP helper /nonexistent/wifi-verify-icmp-helper: "));
  g_assert_false (wv_icmp_helper_get_running (f->helper));
}

static void
test_default_path (Fixture *f, gconstpointer data)
{
  g_autofree char *saved = g_strdup (g_getenv ("WV_ICMP_HELPER"));
  g_autofree char *path = NULL;
  g_autoptr(WvIcmpHelper) helper = NULL;

  g_setenv ("WV_ICMP_HELPER", "/opt/x/helper", TRUE);
  path = wv_icmp_helper_dup_default_path ();
  g_assert_cmpstr (path, ==, "/opt/x/helper");
  helper = wv_icmp_helper_new (NULL);
  g_assert_cmpstr (wv_icmp_helper_get_path (helper), ==, "/opt/x/helper");
  g_clear_pointer (&path, g_free);

  /* Run from the build tree, the default is the helper built there, which
   * meson passes in WV_ICMP_HELPER. */
  g_unsetenv ("WV_ICMP_HELPER");
  path = wv_icmp_helper_dup_default_path ();
  g_assert_nonnull (wv_paths_get_build_root ());
  if (saved)
    {
      g_autofree char *expected = realpath (saved, NULL);
      g_autofree char *got = realpath (path, NULL);

      g_assert_nonnull (expected);
      g_assert_cmpstr (got, ==, expected);
      g_setenv ("WV_ICMP_HELPER", saved, TRUE);
    }
}

static void
expect_start_failure (Fixture *f, const char *mode, GIOErrorEnum code, const char *fragment)
{
  g_autoptr(GError) error = NULL;

  fake_set (f, "mode", mode);
  g_assert_false (start (f, &error));
  g_test_message ("%s: %s", mode, error->message);
  g_assert_error (error, G_IO_ERROR, (gint) code);
  g_assert_nonnull (strstr (error->message, fragment));
  g_assert_false (wv_icmp_helper_get_running (f->helper));
  /* Failures during start are reported by start, not by the signal. */
  g_assert_cmpuint (f->errors->len, ==, 0);
}

static void
test_broken_helpers (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;

  expect_start_failure (f, "garbage", G_IO_ERROR_INVALID_DATA, "reply to no outstanding request");
  expect_start_failure (f, "bad-protocol", G_IO_ERROR_NOT_SUPPORTED,
                        "speaks protocol 2, this program needs protocol 1");
  expect_start_failure (f, "kept-root", G_IO_ERROR_PERMISSION_DENIED,
                        "reports that it kept privileges (uid 0");
  expect_start_failure (f, "long-line", G_IO_ERROR_INVALID_DATA, "line longer than 1023 bytes");

  expected = g_strdup_printf ("The ICMP helper %s exited with status 2 because it could not "
                              "drop its privileges safely: wifi-verify-icmp-helper: privilege "
                              "drop failed: setresuid(65534): Operation not permitted; refusing to run",
                              f->fake);
  expect_start_failure (f, "privdrop-fail", G_IO_ERROR_BROKEN_PIPE, expected);

  /* After all that the same object still starts a good helper. */
  fake_set (f, "mode", "ok");
  g_assert_true (start (f, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (wv_icmp_helper_get_program_version (f->helper), ==, "fake-1");
}

static void
test_hang (Fixture *f, gconstpointer data)
{
  gint64 before = g_get_monotonic_time ();

  /* No answer to check-support: given up after 5 s, not waited on forever. */
  expect_start_failure (f, "hang", G_IO_ERROR_TIMED_OUT, "did not answer within 5 seconds");
  g_assert_cmpint (g_get_monotonic_time () - before, >=, 5 * G_USEC_PER_SEC);
}

static void
test_events (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  WvIcmpEvent *e;
  g_autofree char *s = NULL;
  static const guint8 payload[] = { 0xde, 0xad, 0xbe, 0xef };

  fake_set (f, "mode", "event");
  g_assert_true (start (f, &error));
  g_assert_true (watch (f, FALSE, G_SOCKET_FAMILY_IPV4, 40000, &error));
  g_assert_no_error (error);
  wait_for (f, have_two_events, 5000);

  e = g_ptr_array_index (f->events, 0);
  g_assert_cmpint (e->family, ==, G_SOCKET_FAMILY_IPV4);
  s = g_inet_address_to_string (e->offender);
  g_assert_cmpstr (s, ==, "192.0.2.1");
  g_clear_pointer (&s, g_free);
  g_assert_cmpuint (e->type, ==, 11);
  g_assert_cmpuint (e->quoted_ttl, ==, 1);
  g_assert_cmpuint (e->quoted_tos, ==, 40);
  g_assert_cmpuint (e->quoted_ip_id, ==, 7);
  g_assert_cmpuint (e->src_port, ==, 40000);
  g_assert_cmpuint (e->udp_checksum, ==, 4660);
  g_assert_cmpmem (g_bytes_get_data (e->payload, NULL), g_bytes_get_size (e->payload),
                   payload, sizeof payload);

  e = g_ptr_array_index (f->events, 1);
  g_assert_cmpint (e->family, ==, G_SOCKET_FAMILY_IPV6);
  g_assert_cmpint (wv_icmp_event_get_kind (e), ==, WV_ICMP_KIND_PACKET_TOO_BIG);
  g_assert_cmpuint (e->mtu, ==, 1280);
  g_assert_cmpuint (e->quoted_flow_label, ==, 74565);
  g_assert_cmpint (e->time_ns, ==, G_GINT64_CONSTANT (1700000000999999999));
  g_assert_false (e->kernel_time);

  g_assert_cmpuint (f->dropped, ==, 5);
  g_assert_cmpuint (f->errors->len, ==, 0);
  g_assert_true (wv_icmp_helper_get_running (f->helper));
}

static void
test_bad_event (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  const GError *reported;

  fake_set (f, "mode", "bad-event");
  g_assert_true (start (f, &error));
  watch (f, FALSE, G_SOCKET_FAMILY_IPV4, 40000, NULL);
  wait_for (f, have_error, 5000);

  reported = g_ptr_array_index (f->errors, 0);
  g_assert_error (reported, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (reported->message, "field “from” is not an IPv4 address: “999.0.2.1”"));
  g_assert_false (wv_icmp_helper_get_running (f->helper));
  g_assert_cmpuint (f->events->len, ==, 0);
  g_assert_cmpuint (f->errors->len, ==, 1);
}

static void
test_death_and_restart (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *log = NULL;
  const GError *reported;

  fake_set (f, "mode", "die-after-watch");
  g_assert_true (start (f, &error));
  g_assert_true (watch (f, FALSE, G_SOCKET_FAMILY_IPV6, 5353, &error));
  g_assert_no_error (error);
  wait_for (f, have_error, 5000);

  reported = g_ptr_array_index (f->errors, 0);
  expected = g_strdup_printf ("The ICMP helper %s exited with status 7: boom", f->fake);
  g_assert_error (reported, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE);
  g_assert_cmpstr (reported->message, ==, expected);
  g_assert_false (wv_icmp_helper_get_running (f->helper));

  /* Restarted, the helper is told again about the port watched before. */
  g_unlink (f->log);
  fake_set (f, "mode", "ok");
  g_assert_true (start (f, &error));
  g_assert_no_error (error);
  g_assert_true (wv_icmp_helper_get_running (f->helper));
  log = read_log (f);
  g_assert_cmpstr (log, ==, "c1 version\nc2 check-support\nc3 watch udp6 5353\n");
  g_assert_cmpuint (f->errors->len, ==, 1);
}

static void
test_rewatch_failure (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  const GError *reported;

  /* A refused watch is an error and is not remembered. */
  g_assert_true (start (f, &error));
  g_assert_false (watch (f, FALSE, G_SOCKET_FAMILY_IPV4, 9, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_assert_cmpstr (error->message, ==,
                   "Cannot watch udp4 port 9: no UDP socket of this user is bound to it");
  g_clear_error (&error);
  g_assert_true (watch (f, FALSE, G_SOCKET_FAMILY_IPV4, 7, &error));
  g_assert_no_error (error);

  /* stop() forgets the watched ports: a new start re-sends nothing. */
  wv_icmp_helper_stop (f->helper);
  wait_for (f, log_has_eof, 5000);
  g_unlink (f->log);
  fake_set (f, "mode", "die-after-watch");
  g_assert_true (start (f, &error));
  {
    g_autofree char *log = read_log (f);

    g_assert_cmpstr (log, ==, "c1 version\nc2 check-support\n");
  }

  /* A crash keeps them: port 4000 is watched, the helper dies ... */
  g_assert_true (watch (f, FALSE, G_SOCKET_FAMILY_IPV4, 4000, &error));
  g_assert_no_error (error);
  wait_for (f, have_error, 5000);
  g_ptr_array_set_size (f->errors, 0);

  /* ... and the next helper refuses it: start still succeeds, the lost
   * port is reported once and forgotten. */
  g_unlink (f->log);
  fake_set (f, "refuse", "4000");
  g_assert_true (start (f, &error));
  g_assert_no_error (error);
  g_assert_true (wv_icmp_helper_get_running (f->helper));
  g_assert_cmpuint (f->errors->len, ==, 1);
  reported = g_ptr_array_index (f->errors, 0);
  g_assert_error (reported, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_cmpstr (reported->message, ==,
                   "After restarting the ICMP helper: Cannot watch udp4 port 4000: "
                   "no UDP socket of this user is bound to it");
  {
    g_autofree char *log = read_log (f);

    g_assert_cmpstr (log, ==, "c1 version\nc2 check-support\nc3 watch udp4 4000\n");
  }

  /* Port 5000 kills this one; only 5000 comes back after the restart. */
  g_ptr_array_set_size (f->errors, 0);
  g_assert_true (watch (f, FALSE, G_SOCKET_FAMILY_IPV4, 5000, &error));
  wait_for (f, have_error, 5000);
  fake_set (f, "refuse", NULL);
  fake_set (f, "mode", "ok");
  g_unlink (f->log);
  g_assert_true (start (f, &error));
  {
    g_autofree char *log = read_log (f);

    g_assert_cmpstr (log, ==, "c1 version\nc2 check-support\nc3 watch udp4 5000\n");
  }
}

static void
test_advice (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *advice = NULL;
  g_autofree char *expected = NULL;

  advice = wv_icmp_helper_dup_privilege_advice (f->helper);
  expected = g_strdup_printf ("The ICMP helper (%s) has not been started yet.", f->fake);
  g_assert_cmpstr (advice, ==, expected);
  g_clear_pointer (&advice, g_free);
  g_clear_pointer (&expected, g_free);

  fake_set (f, "mode", "ok");
  g_assert_true (start (f, &error));
  g_assert_true (wv_icmp_helper_get_icmp4_available (f->helper));
  g_assert_true (wv_icmp_helper_get_icmp6_available (f->helper));
  g_assert_null (wv_icmp_helper_dup_privilege_advice (f->helper));
  wv_icmp_helper_stop (f->helper);

  fake_set (f, "mode", "no-raw");
  g_assert_true (start (f, &error));
  g_assert_false (wv_icmp_helper_get_icmp4_available (f->helper));
  g_assert_false (wv_icmp_helper_get_icmp6_available (f->helper));
  advice = wv_icmp_helper_dup_privilege_advice (f->helper);
  expected = g_strdup_printf ("The ICMP helper needs the CAP_NET_RAW capability to receive "
                              "ICMPv4 and ICMPv6 errors (traceroute hops, path MTU). Grant it "
                              "once with:\n  sudo setcap cap_net_raw+ep %s\nor run wifi-verify "
                              "as root. (File capabilities do not work on file systems mounted "
                              "nosuid.)\nIPv6 is disabled on this system, so ICMPv6 errors "
                              "cannot be received.", f->fake);
  g_assert_cmpstr (advice, ==, expected);
  g_clear_pointer (&advice, g_free);
  g_clear_pointer (&expected, g_free);
  wv_icmp_helper_stop (f->helper);

  fake_set (f, "mode", "nnp");
  g_assert_true (start (f, &error));
  advice = wv_icmp_helper_dup_privilege_advice (f->helper);
  g_assert_cmpstr (advice, ==,
                   "wifi-verify runs with the no_new_privs flag set (for example in a sandbox "
                   "or a systemd unit with NoNewPrivileges=yes), so the file capability of the "
                   "ICMP helper cannot take effect and ICMPv4 and ICMPv6 errors (traceroute "
                   "hops, path MTU) cannot be received. Run wifi-verify outside that sandbox, "
                   "or as root.");
}

static void
test_stop_closes_stdin (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (start (f, &error));
  g_assert_false (log_has_eof (f));
  wv_icmp_helper_stop (f->helper);
  g_assert_false (wv_icmp_helper_get_running (f->helper));
  /* The helper sees end of input and exits by itself. */
  wait_for (f, log_has_eof, 5000);
  g_assert_cmpuint (f->errors->len, ==, 0);
}

static void
test_stop_during_start (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  fake_set (f, "mode", "hang");
  wv_icmp_helper_start_async (f->helper, NULL, on_done, f);
  wv_icmp_helper_stop (f->helper);
  wait_for (f, have_result, 5000);
  g_assert_false (wv_icmp_helper_start_finish (f->helper, f->result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_object (&f->result);
  g_assert_cmpuint (f->errors->len, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/icmp-helper/client/event-parse-valid", test_event_parse_valid);
  g_test_add_func ("/icmp-helper/client/event-kinds", test_event_kinds);
  g_test_add_func ("/icmp-helper/client/event-parse-invalid", test_event_parse_invalid);
#define ADD(path, func) g_test_add ("/icmp-helper/client/" path, Fixture, NULL, \
                                    fixture_setup, func, fixture_teardown)
  /* First: it changes the environment, which is only safe before GLib
   * starts its worker thread (the first helper spawn does). */
  ADD ("default-path", test_default_path);
  ADD ("real-helper", test_real_helper);
  ADD ("not-found", test_not_found);
  ADD ("broken-helpers", test_broken_helpers);
  ADD ("hang", test_hang);
  ADD ("events", test_events);
  ADD ("bad-event", test_bad_event);
  ADD ("death-and-restart", test_death_and_restart);
  ADD ("rewatch-failure", test_rewatch_failure);
  ADD ("advice", test_advice);
  ADD ("stop-closes-stdin", test_stop_closes_stdin);
  ADD ("stop-during-start", test_stop_during_start);
#undef ADD

  return g_test_run ();
}
