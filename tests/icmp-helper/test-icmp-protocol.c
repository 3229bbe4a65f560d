/* test-icmp-protocol.c: the real wifi-verify-icmp-helper over pipes
 *
 * Copyright 2024 The wifi-verify authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs as any user.  What the helper can do depends on it (root, file
 * capability or nothing); each test asks check-support first and expects
 * exactly what that implies.
 */

#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>

#include "helper-pipe.h"

typedef struct {
  gboolean icmp4;
  gboolean icmp6;
} Support;

static Support
check_support (HelperPipe *pipe)
{
  g_autofree char *reply = helper_pipe_request (pipe, "cs check-support");
  g_autofree char *icmp4 = reply_get (reply, "icmp4");
  g_autofree char *icmp6 = reply_get (reply, "icmp6");
  Support s;

  g_assert_true (g_str_has_prefix (reply, "cs ok "));
  g_assert_nonnull (icmp4);
  g_assert_nonnull (icmp6);
  s.icmp4 = g_str_equal (icmp4, "open");
  s.icmp6 = g_str_equal (icmp6, "open");
  return s;
}

static void
test_version (void)
{
  g_autoptr(HelperPipe) pipe = helper_pipe_spawn (NULL, NULL, NULL);
  g_autofree char *reply = helper_pipe_request (pipe, "t1 version");

  g_assert_cmpstr (reply, ==,
                   "t1 ok protocol=1 program=wifi-verify-icmp-helper version=" PACKAGE_VERSION);
}

static void
test_check_support (void)
{
  g_autoptr(HelperPipe) pipe = helper_pipe_spawn (NULL, NULL, NULL);
  g_autofree char *reply = helper_pipe_request (pipe, "cs check-support");
  g_auto(GStrv) words = g_strsplit (reply, " ", -1);
  static const char * const keys[] = {
    "icmp4", "icmp6", "start", "uid", "gid", "caps", "bounding", "nnp",
    "nnp-at-start", "seccomp", "owner-check", "timestamps"
  };
  g_autofree char *uid = NULL, *start = NULL, *owner = NULL, *caps = NULL, *nnp = NULL;

  g_test_message ("%s", reply);
  g_assert_cmpstr (words[0], ==, "cs");
  g_assert_cmpstr (words[1], ==, "ok");
  g_assert_cmpuint (g_strv_length (words), ==, 2 + G_N_ELEMENTS (keys));
  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autofree char *prefix = g_strconcat (keys[i], "=", NULL);

      g_assert_true (g_str_has_prefix (words[2 + i], prefix));
    }

  uid = reply_get (reply, "uid");
  start = reply_get (reply, "start");
  owner = reply_get (reply, "owner-check");
  caps = reply_get (reply, "caps");
  nnp = reply_get (reply, "nnp");
  g_assert_cmpstr (caps, ==, "none");
  g_assert_cmpstr (nnp, ==, "yes");
  g_assert_cmpstr (uid, !=, "0");

  if (getuid () == 0)
    {
      struct passwd *pw = getpwnam ("nobody");
      g_autofree char *want_uid = g_strdup_printf ("%u", pw ? (guint) pw->pw_uid : 65534u);

      g_assert_cmpstr (start, ==, "root");
      g_assert_cmpstr (uid, ==, want_uid);
      g_assert_cmpstr (owner, ==, "off");
    }
  else
    {
      g_autofree char *want_uid = g_strdup_printf ("%u", (guint) getuid ());

      g_assert_cmpstr (uid, ==, want_uid);
      g_assert_cmpstr (owner, ==, "on");
    }
}

static void
test_bad_lines (void)
{
  g_autoptr(HelperPipe) pipe = helper_pipe_spawn (NULL, NULL, NULL);
  static const struct { const char *line; const char *reply; } cases[] = {
    { "a1 frobnicate", "a1 error unknown-command" },
    { "a2", "a2 error missing-command" },
    { "a3 version extra", "a3 error bad-argument-count" },
    { "a4 watch udp4 1 2 3", "a4 error too-many-arguments" },
    { "a5 watch udp9 53", "a5 error bad-family" },
    { "a6 watch udp4 65536", "a6 error bad-port" },
    { "a7 watch udp4 007", "a7 error bad-port" },
    { "a8  version", "a8 error bad-syntax" },
    { "a9 version\r", "a9 error bad-character" },
    { "*x version", "! error bad-token" },
    { "tok/en version", "! error bad-token" },
    { "a10 unwatch udp4 53", "a10 error not-watched" },
  };
  g_autoptr(GString) batch = g_string_new (NULL);

  /* All at once, with an empty line in the middle: one reply per non-empty
   * line, in order, and none for the empty one. */
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_string_append_printf (batch, "%s\n", cases[i].line);
      if (i == 3)
        g_string_append (batch, "\n");
    }
  g_string_append (batch, "last version\n");
  helper_pipe_send (pipe, batch->str);

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *reply = helper_pipe_read_line (pipe, 5000);

      g_assert_cmpstr (reply, ==, cases[i].reply);
    }
  {
    g_autofree char *reply = helper_pipe_read_line (pipe, 5000);

    g_assert_true (g_str_has_prefix (reply, "last ok protocol=1 "));
  }
}

static void
test_overlong_lines (void)
{
  g_autoptr(HelperPipe) pipe = helper_pipe_spawn (NULL, NULL, NULL);
  g_autoptr(GString) text = g_string_new ("long1 watch udp4 ");
  g_autofree char *r1 = NULL, *r2 = NULL, *r3 = NULL, *r4 = NULL;

  /* 300 bytes with a token, a megabyte without one, then normal lines. */
  while (text->len < 300)
    g_string_append_c (text, '9');
  g_string_append_c (text, '\n');
  for (int i = 0; i < 1024 * 1024; i++)
    g_string_append_c (text, 'x');
  g_string_append (text, "\nafter version\n");
  helper_pipe_send (pipe, text->str);

  r1 = helper_pipe_read_line (pipe, 5000);
  r2 = helper_pipe_read_line (pipe, 5000);
  r3 = helper_pipe_read_line (pipe, 5000);
  g_assert_cmpstr (r1, ==, "long1 error line-too-long");
  g_assert_cmpstr (r2, ==, "! error line-too-long");
  g_assert_true (g_str_has_prefix (r3, "after ok protocol=1 "));

  /* 255 bytes is the limit and is still parsed (it fails on its argument). */
  g_string_assign (text, "edge watch udp4 ");
  while (text->len < 255)
    g_string_append_c (text, '1');
  g_string_append_c (text, '\n');
  helper_pipe_send (pipe, text->str);
  r4 = helper_pipe_read_line (pipe, 5000);
  g_assert_cmpstr (r4, ==, "edge error bad-port");
}

static void
test_pipelined (void)
{
  g_autoptr(HelperPipe) pipe = helper_pipe_spawn (NULL, NULL, NULL);
  g_autoptr(GString) batch = g_string_new (NULL);

  for (int i = 0; i < 2000; i++)
    g_string_append_printf (batch, "p%d stats\n", i);
  helper_pipe_send (pipe, batch->str);
  for (int i = 0; i < 2000; i++)
    {
      g_autofree char *reply = helper_pipe_read_line (pipe, 5000);
      g_autofree char *prefix = g_strdup_printf ("p%d ok rx4=", i);

      g_assert_true (g_str_has_prefix (reply, prefix));
    }
}

/* A UDP socket on loopback, bound to an ephemeral port. */
static int
bound_udp (int family, guint16 *port)
{
  struct sockaddr_storage ss = { 0 };
  socklen_t len;
  int fd = socket (family, SOCK_DGRAM | SOCK_CLOEXEC, 0);

  g_assert_cmpint (fd, >=, 0);
  if (family == AF_INET)
    {
      struct sockaddr_in *sin = (struct sockaddr_in *) &ss;

      sin->sin_family = AF_INET;
      sin->sin_addr.s_addr = htonl (INADDR_LOOPBACK);
      len = sizeof *sin;
    }
  else
    {
      struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) &ss;

      sin6->sin6_family = AF_INET6;
      sin6->sin6_addr = in6addr_loopback;
      len = sizeof *sin6;
    }
  g_assert_cmpint (bind (fd, (struct sockaddr *) &ss, len), ==, 0);
  len = sizeof ss;
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &ss, &len), ==, 0);
  *port = ntohs (family == AF_INET ? ((struct sockaddr_in *) &ss)->sin_port
                                   : ((struct sockaddr_in6 *) &ss)->sin6_port);
  return fd;
}

static void
test_watch_limit (void)
{
  g_autoptr(HelperPipe) pipe = helper_pipe_spawn (NULL, NULL, NULL);
  Support s = check_support (pipe);
  int fds[65];
  guint16 ports[65];

  for (int i = 0; i < 65; i++)
    fds[i] = bound_udp (AF_INET, &ports[i]);

  if (!s.icmp4)
    {
      g_autofree char *line = g_strdup_printf ("n watch udp4 %u", ports[0]);
      g_autofree char *reply = helper_pipe_request (pipe, line);

      g_assert_cmpstr (reply, ==, "n error no-socket");
      g_test_message ("no raw ICMPv4 socket: only the refusal was tested");
    }
  else
    {
      for (int i = 0; i < 64; i++)
        {
          g_autofree char *line = g_strdup_printf ("w%d watch udp4 %u", i, ports[i]);
          g_autofree char *want = g_strdup_printf ("w%d ok watched4=%d watched6=0", i, i + 1);
          g_autofree char *reply = helper_pipe_request (pipe, line);

          g_assert_cmpstr (reply, ==, want);
        }
      {
        g_autofree char *line = g_strdup_printf ("x watch udp4 %u", ports[64]);
        g_autofree char *reply = helper_pipe_request (pipe, line);

        g_assert_cmpstr (reply, ==, "x error too-many-ports");
      }
    }
  for (int i = 0; i < 65; i++)
    close (fds[i]);
}

static void
test_quit (void)
{
  g_autoptr(HelperPipe) pipe = helper_pipe_spawn (NULL, NULL, NULL);
  g_autofree char *reply = helper_pipe_request (pipe, "q quit");
  int status;

  g_assert_cmpstr (reply, ==, "q ok");
  status = helper_pipe_wait (pipe, 5000);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  g_assert_null (helper_pipe_read_line (pipe, 1000));
}

static void
test_stdin_close (void)
{
  g_autoptr(HelperPipe) pipe = helper_pipe_spawn (NULL, NULL, NULL);
  g_autofree char *reply = helper_pipe_request (pipe, "v version");
  int status;

  g_assert_nonnull (reply);
  /* The client dying looks like this: the helper must not linger. */
  helper_pipe_close_stdin (pipe);
  status = helper_pipe_wait (pipe, 5000);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
}

static void
test_stdout_closed (void)
{
  g_autoptr(HelperPipe) pipe = helper_pipe_spawn (NULL, NULL, NULL);
  g_autofree char *reply = helper_pipe_request (pipe, "v version");
  int status;

  g_assert_nonnull (reply);
  close (pipe->out_fd);
  pipe->out_fd = -1;
  /* stdout's reader is gone (POLLERR): the helper leaves with status 3,
   * whether or not it tried to write a reply first.  It may already have
   * left when this request is written, so EPIPE is an answer too. */
  if (write (pipe->in_fd, "v2 version\n", 11) < 0)
    g_assert_cmpint (errno, ==, EPIPE);
  status = helper_pipe_wait (pipe, 5000);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 3);
}

static void
test_command_line (void)
{
  {
    const char *argv[] = { helper_pipe_binary (), "--version", NULL };
    g_autoptr(HelperPipe) pipe = helper_pipe_spawn (argv, NULL, NULL);
    int status = helper_pipe_wait (pipe, 5000);

    g_assert_true (WIFEXITED (status));
    g_assert_cmpint (WEXITSTATUS (status), ==, 0);
    g_assert_cmpstr (pipe->out->str, ==,
                     "wifi-verify-icmp-helper " PACKAGE_VERSION " (protocol 1)\n");
  }
  {
    const char *argv[] = { helper_pipe_binary (), "--frobnicate", NULL };
    g_autoptr(HelperPipe) pipe = helper_pipe_spawn (argv, NULL, NULL);
    int status = helper_pipe_wait (pipe, 5000);

    g_assert_true (WIFEXITED (status));
    g_assert_cmpint (WEXITSTATUS (status), ==, 1);
    g_assert_true (g_str_has_prefix (pipe->err->str, "Usage: wifi-verify-icmp-helper"));
    g_assert_cmpstr (pipe->out->str, ==, "");
  }
}

/* ICMP port unreachable over loopback: the cheapest real ICMP error. */
static void
test_loopback_events (void)
{
  g_autoptr(HelperPipe) pipe = helper_pipe_spawn (NULL, NULL, NULL);
  Support s = check_support (pipe);
  guint16 port4, port6, dead4, dead6;
  int fd4, fd6, tmp;

  if (!s.icmp4 || !s.icmp6)
    {
      g_test_skip ("the helper has no raw ICMP sockets here (needs root or cap_net_raw)");
      return;
    }

  /* Ports nobody listens on: bound once, then closed. */
  tmp = bound_udp (AF_INET, &dead4);
  close (tmp);
  tmp = bound_udp (AF_INET6, &dead6);
  close (tmp);
  fd4 = bound_udp (AF_INET, &port4);
  fd6 = bound_udp (AF_INET6, &port6);

  {
    g_autofree char *l4 = g_strdup_printf ("w4 watch udp4 %u", port4);
    g_autofree char *l6 = g_strdup_printf ("w6 watch udp6 %u", port6);
    g_autofree char *r4 = helper_pipe_request (pipe, l4);
    g_autofree char *r6 = helper_pipe_request (pipe, l6);

    g_assert_cmpstr (r4, ==, "w4 ok watched4=1 watched6=0");
    g_assert_cmpstr (r6, ==, "w6 ok watched4=1 watched6=1");
  }

  {
    struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons (dead4),
                              .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
    g_autofree char *event = NULL;
    g_autofree char *want = NULL;
    gint64 before = g_get_real_time ();
    g_autofree char *time = NULL;

    g_assert_cmpint (sendto (fd4, "hello", 5, 0, (struct sockaddr *) &to, sizeof to), ==, 5);
    event = helper_pipe_read_line (pipe, 5000);
    g_test_message ("%s", event);
    want = g_strdup_printf ("* icmp family=4 from=127.0.0.1 ifindex=1 type=3 code=3 mtu=0 time=");
    g_assert_true (g_str_has_prefix (event, want));
    g_free (want);
    want = g_strdup_printf (" clock=kernel src=127.0.0.1 dst=127.0.0.1 ttl=64 tos=0 totlen=33 id=");
    g_assert_nonnull (strstr (event, want));
    g_free (want);
    want = g_strdup_printf (" df=1 sport=%u dport=%u ulen=13 ucsum=", port4, dead4);
    g_assert_nonnull (strstr (event, want));
    g_assert_true (g_str_has_suffix (event, " datalen=5 data=68656c6c6f"));
    time = reply_get (event, "time");
    g_assert_cmpint (g_ascii_strtoll (time, NULL, 10) / 1000, >=, before);
    g_assert_cmpint (g_ascii_strtoll (time, NULL, 10) / 1000, <=, g_get_real_time ());
  }

  {
    struct sockaddr_in6 to = { .sin6_family = AF_INET6, .sin6_port = htons (dead6),
                               .sin6_addr = IN6ADDR_LOOPBACK_INIT };
    g_autofree char *event = NULL;
    g_autofree char *want = NULL;

    g_assert_cmpint (sendto (fd6, "six", 3, 0, (struct sockaddr *) &to, sizeof to), ==, 3);
    event = helper_pipe_read_line (pipe, 5000);
    g_test_message ("%s", event);
    g_assert_true (g_str_has_prefix (event, "* icmp family=6 from=::1 ifindex=1 type=1 code=4 mtu=0 time="));
    g_assert_nonnull (strstr (event, " clock=kernel src=::1 dst=::1 hlim=64 tclass=0 flow="));
    want = g_strdup_printf (" paylen=11 sport=%u dport=%u ulen=11 ucsum=", port6, dead6);
    g_assert_nonnull (strstr (event, want));
    g_assert_true (g_str_has_suffix (event, " datalen=3 data=736978"));
  }

  /* An unwatched port produces no event, only a count. */
  {
    guint16 other;
    int fd = bound_udp (AF_INET, &other);
    struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons (dead4),
                              .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
    g_autofree char *stats = NULL;
    g_autofree char *unwatched = NULL, *reported = NULL;

    g_assert_cmpint (sendto (fd, "x", 1, 0, (struct sockaddr *) &to, sizeof to), ==, 1);
    g_usleep (200 * 1000);
    stats = helper_pipe_request (pipe, "s stats");
    g_test_message ("%s", stats);
    g_assert_true (g_str_has_prefix (stats, "s ok "));
    unwatched = reply_get (stats, "unwatched");
    reported = reply_get (stats, "reported");
    g_assert_cmpstr (reported, ==, "2");
    g_assert_cmpint (atoi (unwatched), >=, 1);
    close (fd);
  }

  close (fd4);
  close (fd6);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/icmp-helper/protocol/version", test_version);
  g_test_add_func ("/icmp-helper/protocol/check-support", test_check_support);
  g_test_add_func ("/icmp-helper/protocol/bad-lines", test_bad_lines);
  g_test_add_func ("/icmp-helper/protocol/overlong-lines", test_overlong_lines);
  g_test_add_func ("/icmp-helper/protocol/pipelined", test_pipelined);
  g_test_add_func ("/icmp-helper/protocol/watch-limit", test_watch_limit);
  g_test_add_func ("/icmp-helper/protocol/quit", test_quit);
  g_test_add_func ("/icmp-helper/protocol/stdin-close", test_stdin_close);
  g_test_add_func ("/icmp-helper/protocol/stdout-closed", test_stdout_closed);
  g_test_add_func ("/icmp-helper/protocol/command-line", test_command_line);
  g_test_add_func ("/icmp-helper/protocol/loopback-events", test_loopback_events);

  return g_test_run ();
}
