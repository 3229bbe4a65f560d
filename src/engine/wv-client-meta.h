/* wv-client-meta.h: a measurement's run-file metadata
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "wv-client.h"
#include "wv-run.h"

G_BEGIN_DECLS

/* The metadata at the start of @client's run: this host, the mode, the
 * server and the settings (from its configuration). */
WvRunMeta *wv_client_new_run_meta    (WvClient  *client);
/* What the run learnt since: the interfaces its connections used, the
 * Wi-Fi link (or why there is none), and now as the end. */
void       wv_client_update_run_meta (WvClient  *client,
                                      WvRunMeta *meta);
/* The settings of @config as name -> value. */
JsonObject *wv_client_config_to_json (const WvClientConfig *config);

G_END_DECLS
