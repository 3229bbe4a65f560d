/* wv-host.h: facts about this host for a run's metadata
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* "Debian GNU/Linux 12 (bookworm)" (os-release PRETTY_NAME), or NULL. */
char *wv_host_dup_os (void);
/* The running kernel's release (uname -r), or NULL. */
char *wv_host_dup_kernel (void);
/* The name of the interface that holds local address @addr (IPv4 or IPv6
 * text, without brackets or zone), or NULL if none does. */
char *wv_host_dup_interface_for_address (const char *addr);

G_END_DECLS
