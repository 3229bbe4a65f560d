/* wv-scheduler.c: periodic sends on a fixed time grid, in one thread
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Probe streams must leave on a fixed grid (100 per second by default)
 * whatever the main loop is doing, so they are paced by a thread of their
 * own that sleeps on a timerfd until the next due task. Tasks run with the
 * scheduler lock held: wv_scheduler_remove() therefore guarantees that a
 * task is not running and never will again.
 */
#define G_LOG_DOMAIN "wv-scheduler"

#include "config.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>

#include "wv-clock.h"
#include "wv-scheduler.h"

struct _WvSchedulerTask {
  gint64 period_ns;
  gint64 next_ns;
  guint64 tick;
  WvSchedulerFunc func;
  gpointer user_data;
  GDestroyNotify destroy;
};

struct _WvScheduler {
  GMutex lock;
  GPtrArray *tasks;
  int timer_fd;
  int wake_fd;
  GThread *thread;
};

static void
task_free (WvSchedulerTask *task)
{
  if (task->destroy)
    task->destroy (task->user_data);
  g_free (task);
}

static void
arm_locked (WvScheduler *self)
{
  struct itimerspec its = { 0 };
  gint64 next = G_MAXINT64;

  for (guint i = 0; i < self->tasks->len; i++)
    {
      WvSchedulerTask *t = g_ptr_array_index (self->tasks, i);
      next = MIN (next, t->next_ns);
    }
  if (next != G_MAXINT64)
    {
      /* 0 would disarm the timer. */
      next = MAX (next, 1);
      its.it_value.tv_sec = next / 1000000000;
      its.it_value.tv_nsec = next % 1000000000;
    }
  timerfd_settime (self->timer_fd, TFD_TIMER_ABSTIME, &its, NULL);
}

static gpointer
scheduler_thread (gpointer data)
{
  WvScheduler *self = data;
  struct pollfd fds[2] = { { self->timer_fd, POLLIN, 0 }, { self->wake_fd, POLLIN, 0 } };

  for (;;)
    {
      guint64 buf;
      gint64 now;

      if (poll (fds, 2, -1) < 0 && errno != EINTR)
        break;
      if (fds[0].revents & POLLIN)
        (void) !read (self->timer_fd, &buf, sizeof buf);
      if (fds[1].revents & POLLIN)
        (void) !read (self->wake_fd, &buf, sizeof buf);

      g_mutex_lock (&self->lock);
      now = wv_monotonic_ns ();
      for (guint i = 0; i < self->tasks->len;)
        {
          WvSchedulerTask *t = g_ptr_array_index (self->tasks, i);
          gboolean keep = TRUE;

          if (t->next_ns <= now)
            {
              gint64 late = now - t->next_ns;
              guint64 missed;

              keep = t->func (t->user_data, t->tick, late);
              /* Stay on the grid; after a long stall skip what was missed
               * rather than bursting it out. */
              missed = (guint64) late / (guint64) t->period_ns;
              t->tick += 1 + missed;
              t->next_ns += (gint64) (1 + missed) * t->period_ns;
              now = wv_monotonic_ns ();
            }
          if (keep)
            i++;
          else
            {
              g_ptr_array_remove_index_fast (self->tasks, i);
              task_free (t);
            }
        }
      arm_locked (self);
      g_mutex_unlock (&self->lock);
    }
  return NULL;
}

WvScheduler *
wv_scheduler_get_default (void)
{
  static WvScheduler *self;

  if (g_once_init_enter (&self))
    {
      WvScheduler *s = g_new0 (WvScheduler, 1);

      g_mutex_init (&s->lock);
      s->tasks = g_ptr_array_new ();
      s->timer_fd = timerfd_create (CLOCK_MONOTONIC, TFD_CLOEXEC);
      s->wake_fd = eventfd (0, EFD_CLOEXEC | EFD_NONBLOCK);
      if (s->timer_fd < 0 || s->wake_fd < 0)
        g_error ("cannot create the scheduler's timer: %s", g_strerror (errno));
      s->thread = g_thread_new ("wv-scheduler", scheduler_thread, s);
      g_once_init_leave (&self, s);
    }
  return self;
}

WvSchedulerTask *
wv_scheduler_add (WvScheduler *self, gint64 period_ns, gint64 start_mono_ns,
                  WvSchedulerFunc func, gpointer user_data, GDestroyNotify destroy)
{
  WvSchedulerTask *task;
  guint64 one = 1;

  g_return_val_if_fail (period_ns > 0, NULL);

  task = g_new0 (WvSchedulerTask, 1);
  task->period_ns = period_ns;
  task->next_ns = start_mono_ns > 0 ? start_mono_ns : wv_monotonic_ns ();
  task->func = func;
  task->user_data = user_data;
  task->destroy = destroy;

  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->tasks, task);
  g_mutex_unlock (&self->lock);
  (void) !write (self->wake_fd, &one, sizeof one);
  return task;
}

void
wv_scheduler_remove (WvScheduler *self, WvSchedulerTask *task)
{
  g_mutex_lock (&self->lock);
  if (g_ptr_array_remove_fast (self->tasks, task))
    task_free (task);
  g_mutex_unlock (&self->lock);
}
