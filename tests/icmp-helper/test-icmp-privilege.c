/* test-icmp-privilege.c: what wifi-verify-icmp-helper keeps after its drop
 *
 * Copyright 2024 The wifi-verify authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Needs root (to start the helper as root, to give a copy of it a file
 * capability and to run it as "nobody"); skips with the reason otherwise.
 * The helper's own claims (check-support) are compared with what the
 * kernel says in /proc/<pid>/status.
 */

#include <errno.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "helper-pipe.h"

#define ZERO_CAPS "0000000000000000"

static uid_t nobody_uid = 65534;
static gid_t nobody_gid = 65534;

static gboolean
require_root (void)
{
  if (geteuid () == 0)
    return TRUE;
  g_test_skip ("needs root: starts the helper as root, sets file capabilities, switches users");
  return FALSE;
}

static void
become_nobody (gpointer data)
{
  /* Runs in the child between fork and exec: a failure must not go unseen. */
  if (setgroups (0, NULL) != 0 || setresgid (nobody_gid, nobody_gid, nobody_gid) != 0 ||
      setresuid (nobody_uid, nobody_uid, nobody_uid) != 0)
    _exit (99);
}

static char *
handshake (HelperPipe *pipe)
{
  g_autofree char *version = helper_pipe_request (pipe, "v version");

  g_assert_nonnull (version);
  g_assert_true (g_str_has_prefix (version, "v ok protocol=1 "));
  return helper_pipe_request (pipe, "cs check-support");
}

static void
assert_reply_field (const char *reply, const char *key, const char *want)
{
  g_autofree char *value = reply_get (reply, key);

  g_assert_cmpstr (value, ==, want);
}

static void
assert_status (GPid pid, const char *field, const char *want)
{
  g_autofree char *value = proc_status_field (pid, field);

  g_test_message ("%s: %s", field, value);
  g_assert_cmpstr (value, ==, want);
}

static char *
ids4 (guint id)
{
  return g_strdup_printf ("%u\t%u\t%u\t%u", id, id, id, id);
}

static void
test_root_drop (void)
{
  g_autoptr(HelperPipe) pipe = NULL;
  g_autofree char *support = NULL;
  g_autofree char *uids = ids4 (nobody_uid);
  g_autofree char *gids = ids4 (nobody_gid);
  g_autofree char *uid = g_strdup_printf ("%u", (guint) nobody_uid);
  g_autofree char *seccomp = NULL;

  if (!require_root ())
    return;

  pipe = helper_pipe_spawn (NULL, NULL, NULL);
  support = handshake (pipe);
  g_test_message ("%s", support);
  assert_reply_field (support, "start", "root");
  assert_reply_field (support, "uid", uid);
  assert_reply_field (support, "bounding", "cleared");
  assert_reply_field (support, "caps", "none");
  assert_reply_field (support, "nnp", "yes");

  assert_status (pipe->pid, "Uid", uids);
  assert_status (pipe->pid, "Gid", gids);
  assert_status (pipe->pid, "Groups", "");
  assert_status (pipe->pid, "CapInh", ZERO_CAPS);
  assert_status (pipe->pid, "CapPrm", ZERO_CAPS);
  assert_status (pipe->pid, "CapEff", ZERO_CAPS);
  assert_status (pipe->pid, "CapBnd", ZERO_CAPS);
  assert_status (pipe->pid, "CapAmb", ZERO_CAPS);
  assert_status (pipe->pid, "NoNewPrivs", "1");

  /* Seccomp mode 2 (filter) unless this is a sanitizer build or an
   * architecture without the filter, which the helper then says. */
  seccomp = reply_get (support, "seccomp");
  if (g_str_equal (seccomp, "on"))
    assert_status (pipe->pid, "Seccomp", "2");
  else
    {
      assert_status (pipe->pid, "Seccomp", "0");
#if defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__)
      g_assert_not_reached ();   /* x86-64 release builds must have it */
#endif
    }

  /* Still fully working after all that. */
  {
    g_autofree char *stats = helper_pipe_request (pipe, "s stats");

    g_assert_true (g_str_has_prefix (stats, "s ok rx4="));
  }
}

/* A private copy of the helper that nobody can run, optionally with
 * cap_net_raw+ep.  Returns NULL (and skips) when that is impossible. */
static char *
copy_helper (const char *dir,
             const char *name,
             gboolean    with_cap)
{
  g_autofree char *contents = NULL;
  gsize len;
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *setcap = g_find_program_in_path ("setcap");
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_get_contents (helper_pipe_binary (), &contents, &len, &error));
  g_assert_true (g_file_set_contents_full (path, contents, (gssize) len,
                                           G_FILE_SET_CONTENTS_NONE, 0755, &error));
  if (with_cap)
    {
      const char *argv[] = { setcap ? setcap : "/usr/sbin/setcap", "cap_net_raw+ep", path, NULL };
      g_autofree char *err = NULL;
      int status = -1;

      if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                         NULL, &err, &status, NULL) || !g_spawn_check_wait_status (status, NULL))
        {
          g_autofree char *msg = g_strdup_printf ("cannot run setcap on %s: %s", path,
                                                  err ? g_strstrip (err) : "setcap missing");
          g_test_skip (msg);
          return NULL;
        }
    }
  return g_steal_pointer (&path);
}

static char *
make_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("wv-icmp-priv-XXXXXX", &error);

  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (dir, 0755), ==, 0);
  return dir;
}

static void
remove_dir (const char *dir, const char *a, const char *b)
{
  if (a)
    g_unlink (a);
  if (b)
    g_unlink (b);
  g_rmdir (dir);
}

/* A UDP socket bound to an ephemeral loopback port, owned by uid. */
static int
udp_socket_of (int family, uid_t uid, guint16 *port)
{
  struct sockaddr_storage ss = { 0 };
  socklen_t len = family == AF_INET ? sizeof (struct sockaddr_in) : sizeof (struct sockaddr_in6);
  int fd;

  /* The kernel records the fsuid of the creator as the socket's owner
   * (the uid column of /proc/net/udp). */
  setfsuid (uid);
  fd = socket (family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  setfsuid (0);
  g_assert_cmpint (fd, >=, 0);
  ss.ss_family = (sa_family_t) family;
  g_assert_cmpint (bind (fd, (struct sockaddr *) &ss, len), ==, 0);
  len = sizeof ss;
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &ss, &len), ==, 0);
  *port = ntohs (family == AF_INET ? ((struct sockaddr_in *) &ss)->sin_port
                                   : ((struct sockaddr_in6 *) &ss)->sin6_port);
  return fd;
}

static void
test_file_capability (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *support = NULL;
  g_autofree char *uids = ids4 (nobody_uid);
  g_autofree char *uid = g_strdup_printf ("%u", (guint) nobody_uid);
  g_autofree char *own_bounding = NULL;
  g_autoptr(HelperPipe) pipe = NULL;
  guint16 root4, mine4, root6, mine6, dual;
  int fds[5];

  if (!require_root ())
    return;

  dir = make_dir ();
  path = copy_helper (dir, "helper-cap", TRUE);
  if (path == NULL)
    {
      remove_dir (dir, NULL, NULL);
      return;
    }

  {
    const char *argv[] = { path, NULL };

    pipe = helper_pipe_spawn (argv, become_nobody, NULL);
  }
  support = handshake (pipe);
  g_test_message ("%s", support);
  assert_reply_field (support, "start", "cap");
  assert_reply_field (support, "icmp4", "open");
  assert_reply_field (support, "uid", uid);
  assert_reply_field (support, "bounding", "kept");
  assert_reply_field (support, "owner-check", "on");

  own_bounding = proc_status_field (getpid (), "CapBnd");
  assert_status (pipe->pid, "Uid", uids);
  assert_status (pipe->pid, "CapInh", ZERO_CAPS);
  assert_status (pipe->pid, "CapPrm", ZERO_CAPS);
  assert_status (pipe->pid, "CapEff", ZERO_CAPS);
  assert_status (pipe->pid, "CapAmb", ZERO_CAPS);
  assert_status (pipe->pid, "CapBnd", own_bounding);
  assert_status (pipe->pid, "NoNewPrivs", "1");
  {
    g_autofree char *seccomp = reply_get (support, "seccomp");

    assert_status (pipe->pid, "Seccomp", g_str_equal (seccomp, "on") ? "2" : "0");
  }

  /* Ports of other users' sockets are refused, our own are accepted; an
   * IPv4 watch also accepts a dual-stack IPv6 socket. */
  fds[0] = udp_socket_of (AF_INET, 0, &root4);
  fds[1] = udp_socket_of (AF_INET, nobody_uid, &mine4);
  fds[2] = udp_socket_of (AF_INET6, 0, &root6);
  fds[3] = udp_socket_of (AF_INET6, nobody_uid, &mine6);
  fds[4] = udp_socket_of (AF_INET6, nobody_uid, &dual);
  {
    g_autofree char *l1 = g_strdup_printf ("a watch udp4 %u", root4);
    g_autofree char *l2 = g_strdup_printf ("b watch udp4 %u", mine4);
    g_autofree char *l3 = g_strdup_printf ("c watch udp6 %u", root6);
    g_autofree char *l4 = g_strdup_printf ("d watch udp6 %u", mine6);
    g_autofree char *l5 = g_strdup_printf ("e watch udp4 %u", dual);
    g_autofree char *r1 = helper_pipe_request (pipe, l1);
    g_autofree char *r2 = helper_pipe_request (pipe, l2);
    g_autofree char *r3 = helper_pipe_request (pipe, l3);
    g_autofree char *r4 = helper_pipe_request (pipe, l4);
    g_autofree char *r5 = helper_pipe_request (pipe, l5);

    g_assert_cmpstr (r1, ==, "a error port-not-owned");
    g_assert_cmpstr (r2, ==, "b ok watched4=1 watched6=0");
    g_assert_cmpstr (r3, ==, "c error port-not-owned");
    g_assert_cmpstr (r4, ==, "d ok watched4=1 watched6=1");
    g_assert_cmpstr (r5, ==, "e ok watched4=2 watched6=1");
  }
  for (int i = 0; i < 5; i++)
    close (fds[i]);

  remove_dir (dir, path, NULL);
}

static void
test_unprivileged (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *support = NULL;
  g_autoptr(HelperPipe) pipe = NULL;

  if (!require_root ())
    return;

  /* Without CAP_NET_RAW the helper still starts and says what is missing. */
  dir = make_dir ();
  path = copy_helper (dir, "helper-plain", FALSE);
  {
    const char *argv[] = { path, NULL };

    pipe = helper_pipe_spawn (argv, become_nobody, NULL);
  }
  support = handshake (pipe);
  g_test_message ("%s", support);
  assert_reply_field (support, "icmp4", "EPERM");
  assert_reply_field (support, "icmp6", "EPERM");
  assert_reply_field (support, "start", "none");
  {
    g_autofree char *reply = helper_pipe_request (pipe, "w watch udp4 4000");

    g_assert_cmpstr (reply, ==, "w error no-socket");
  }
  assert_status (pipe->pid, "NoNewPrivs", "1");
  assert_status (pipe->pid, "CapEff", ZERO_CAPS);

  remove_dir (dir, path, NULL);
}

static void
test_refuses_when_drop_fails (void)
{
  g_autofree char *capsh = g_find_program_in_path ("capsh");
  g_autoptr(HelperPipe) pipe = NULL;
  int status;

  if (!require_root ())
    return;
  if (capsh == NULL)
    {
      g_test_skip ("capsh (libcap2-bin) is not installed");
      return;
    }

  /* Root without CAP_SETUID in its bounding set: the switch to "nobody"
   * fails, and the helper must refuse to serve rather than run as root. */
  {
    const char *argv[] = { capsh, "--drop=cap_setuid", "--", "-c", "exec \"$0\"",
                           helper_pipe_binary (), NULL };

    pipe = helper_pipe_spawn (argv, NULL, NULL);
  }
  helper_pipe_send (pipe, "v version\n");
  status = helper_pipe_wait (pipe, 5000);
  g_test_message ("stderr: %s", pipe->err->str);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 2);
  g_assert_true (g_str_has_prefix (pipe->err->str,
                                   "wifi-verify-icmp-helper: privilege drop failed: setresuid("));
  g_assert_true (g_str_has_suffix (pipe->err->str,
                                   "Operation not permitted; refusing to run\n"));
  g_assert_cmpstr (pipe->out->str, ==, "");
}

int
main (int   argc,
      char *argv[])
{
  struct passwd *pw;

  g_test_init (&argc, &argv, NULL);

  pw = getpwnam ("nobody");
  if (pw)
    {
      nobody_uid = pw->pw_uid;
      nobody_gid = pw->pw_gid;
    }

  g_test_add_func ("/icmp-helper/privilege/root-drop", test_root_drop);
  g_test_add_func ("/icmp-helper/privilege/file-capability", test_file_capability);
  g_test_add_func ("/icmp-helper/privilege/unprivileged", test_unprivileged);
  g_test_add_func ("/icmp-helper/privilege/refuses-when-drop-fails", test_refuses_when_drop_fails);

  return g_test_run ();
}
