/* helper-pipe.h: drive wifi-verify-icmp-helper over pipes in tests
 *
 * Copyright 2024 The wifi-verify authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Deliberately not the GLib client: these tests look at the raw protocol,
 * and every wait has a deadline so that a broken helper fails the test
 * instead of hanging it.
 */

#pragma once

#include <glib.h>
#include <sys/types.h>

typedef struct {
  GPid pid;
  int in_fd;         /* the helper's stdin */
  int out_fd;        /* the helper's stdout */
  int err_fd;        /* the helper's stderr */
  GString *out;      /* read but not yet returned */
  GString *err;
  gboolean exited;
  int wait_status;
} HelperPipe;

/* The helper under test: $WV_ICMP_HELPER (set by meson). */
const char *helper_pipe_binary (void);

/* Spawns argv (NULL: just the helper); child_setup runs in the child. */
HelperPipe *helper_pipe_spawn   (const char * const *argv,
                                 GSpawnChildSetupFunc child_setup,
                                 gpointer            child_data);
void        helper_pipe_free    (HelperPipe *pipe);
void        helper_pipe_send    (HelperPipe *pipe,
                                 const char *text);
/* Next line without its newline, or NULL on end of output; fails the test
 * after timeout_ms. */
char       *helper_pipe_read_line (HelperPipe *pipe,
                                   int         timeout_ms);
/* Sends "request\n" and returns the reply line. */
char       *helper_pipe_request (HelperPipe *pipe,
                                 const char *request);
/* Waits for the exit (failing the test after timeout_ms), returns the wait
 * status; drains stdout and stderr into pipe->out / pipe->err meanwhile. */
int         helper_pipe_wait    (HelperPipe *pipe,
                                 int         timeout_ms);
void        helper_pipe_close_stdin (HelperPipe *pipe);

/* The value of key in a "k=v k=v" reply, or NULL. */
char       *reply_get (const char *reply,
                       const char *key);

/* A field of /proc/<pid>/status ("Uid", "CapEff", ...), without the tabs
 * collapsed: e.g. "65534\t65534\t65534\t65534". */
char       *proc_status_field (GPid        pid,
                               const char *field);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HelperPipe, helper_pipe_free)
