/* helper-pipe.c: drive wifi-verify-icmp-helper over pipes in tests
 *
 * Copyright 2024 The wifi-verify authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "helper-pipe.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib-unix.h>

const char *
helper_pipe_binary (void)
{
  const char *path = g_getenv ("WV_ICMP_HELPER");

  /* Not a skip: without it the test setup itself is broken. */
  if (path == NULL || !g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
    g_error ("WV_ICMP_HELPER must name the built wifi-verify-icmp-helper (got %s)",
             path ? path : "nothing");
  return path;
}

HelperPipe *
helper_pipe_spawn (const char * const   *argv,
                   GSpawnChildSetupFunc  child_setup,
                   gpointer              child_data)
{
  const char *default_argv[] = { helper_pipe_binary (), NULL };
  g_autoptr(GError) error = NULL;
  HelperPipe *pipe = g_new0 (HelperPipe, 1);

  signal (SIGPIPE, SIG_IGN);
  if (!g_spawn_async_with_pipes (NULL, (char **) (argv ? argv : default_argv), NULL,
                                 G_SPAWN_DO_NOT_REAP_CHILD, child_setup, child_data,
                                 &pipe->pid, &pipe->in_fd, &pipe->out_fd, &pipe->err_fd,
                                 &error))
    g_error ("cannot spawn %s: %s", (argv ? argv : default_argv)[0], error->message);
  g_unix_set_fd_nonblocking (pipe->out_fd, TRUE, NULL);
  g_unix_set_fd_nonblocking (pipe->err_fd, TRUE, NULL);
  pipe->out = g_string_new (NULL);
  pipe->err = g_string_new (NULL);
  return pipe;
}

static void
drain (int fd, GString *into, gboolean *eof)
{
  char buf[65536];

  for (;;)
    {
      ssize_t n = read (fd, buf, sizeof buf);

      if (n > 0)
        g_string_append_len (into, buf, n);
      else
        {
          if (n == 0)
            *eof = TRUE;
          return;
        }
    }
}

void
helper_pipe_close_stdin (HelperPipe *pipe)
{
  if (pipe->in_fd >= 0)
    close (pipe->in_fd);
  pipe->in_fd = -1;
}

void
helper_pipe_free (HelperPipe *pipe)
{
  helper_pipe_close_stdin (pipe);
  if (!pipe->exited)
    {
      /* The helper may run as another user: closing stdin is what ends it. */
      kill (pipe->pid, SIGKILL);
      waitpid (pipe->pid, NULL, 0);
    }
  if (pipe->out_fd >= 0)
    close (pipe->out_fd);
  close (pipe->err_fd);
  g_spawn_close_pid (pipe->pid);
  g_string_free (pipe->out, TRUE);
  g_string_free (pipe->err, TRUE);
  g_free (pipe);
}

void
helper_pipe_send (HelperPipe *pipe,
                  const char *text)
{
  gsize len = strlen (text), done = 0;

  while (done < len)
    {
      ssize_t n = write (pipe->in_fd, text + done, len - done);

      if (n < 0 && errno == EINTR)
        continue;
      g_assert_cmpint (n, >, 0);
      done += (gsize) n;
    }
}

char *
helper_pipe_read_line (HelperPipe *pipe,
                       int         timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  gboolean eof = FALSE, err_eof = FALSE;

  for (;;)
    {
      char *nl = memchr (pipe->out->str, '\n', pipe->out->len);
      struct pollfd fds[2] = { { pipe->out_fd, POLLIN, 0 }, { pipe->err_fd, POLLIN, 0 } };
      gint64 left;

      if (nl)
        {
          gsize len = (gsize) (nl - pipe->out->str);
          char *line = g_strndup (pipe->out->str, len);

          g_string_erase (pipe->out, 0, len + 1);
          return line;
        }
      if (eof)
        return NULL;

      left = (deadline - g_get_monotonic_time ()) / 1000;
      if (left <= 0)
        g_error ("no line from the helper within %d ms (stderr: %s)", timeout_ms, pipe->err->str);
      poll (fds, err_eof ? 1 : 2, (int) left);
      drain (pipe->out_fd, pipe->out, &eof);
      if (!err_eof)
        drain (pipe->err_fd, pipe->err, &err_eof);
    }
}

char *
helper_pipe_request (HelperPipe *pipe,
                     const char *request)
{
  g_autofree char *line = g_strconcat (request, "\n", NULL);

  helper_pipe_send (pipe, line);
  return helper_pipe_read_line (pipe, 5000);
}

int
helper_pipe_wait (HelperPipe *pipe,
                  int         timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  gboolean eof = FALSE, err_eof = FALSE;

  while (!pipe->exited)
    {
      pid_t r = waitpid (pipe->pid, &pipe->wait_status, WNOHANG);

      if (r == pipe->pid)
        {
          pipe->exited = TRUE;
          break;
        }
      if (g_get_monotonic_time () > deadline)
        g_error ("the helper did not exit within %d ms", timeout_ms);
      if (pipe->out_fd >= 0 && !eof)
        drain (pipe->out_fd, pipe->out, &eof);
      if (!err_eof)
        drain (pipe->err_fd, pipe->err, &err_eof);
      g_usleep (10000);
    }
  if (pipe->out_fd >= 0)
    drain (pipe->out_fd, pipe->out, &eof);
  drain (pipe->err_fd, pipe->err, &err_eof);
  return pipe->wait_status;
}

char *
reply_get (const char *reply,
           const char *key)
{
  g_auto(GStrv) words = g_strsplit (reply, " ", -1);
  gsize klen = strlen (key);

  for (guint i = 0; words[i]; i++)
    if (strncmp (words[i], key, klen) == 0 && words[i][klen] == '=')
      return g_strdup (words[i] + klen + 1);
  return NULL;
}

char *
proc_status_field (GPid        pid,
                   const char *field)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) pid);
  g_autofree char *contents = NULL;
  g_autofree char *prefix = g_strconcat (field, ":", NULL);
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return NULL;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    if (g_str_has_prefix (lines[i], prefix))
      return g_strstrip (g_strdup (lines[i] + strlen (prefix)));
  return NULL;
}
