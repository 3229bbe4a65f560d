/* privdrop.h: dropping and verifying privileges in wifi-verify-icmp-helper
 *
 * Copyright 2024 The wifi-verify authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stdbool.h>
#include <sys/types.h>

typedef struct {
  /* Filled by wv_icmp_priv_inspect() before anything changes. */
  bool started_as_root;      /* any of real, effective, saved uid was 0 */
  bool started_with_caps;    /* some capability was permitted or effective */
  bool nnp_at_start;
  uid_t invoking_uid;        /* real uid at start */

  /* Filled by wv_icmp_priv_drop(). */
  uid_t uid;
  gid_t gid;
  bool bounding_cleared;

  /* Filled by wv_icmp_seccomp_install(): "on", "off" or "unsupported". */
  const char *seccomp;

  char error[256];           /* why a step failed */
} WvIcmpPrivInfo;

void wv_icmp_priv_inspect (WvIcmpPrivInfo *info);

/* Switches to target_uid/target_gid when started as root, clears every
 * capability set, the ambient set and (when allowed) the bounding set,
 * sets no_new_privs and makes the process non-dumpable, then verifies all
 * of it.  Returns false with info->error set when anything is left. */
bool wv_icmp_priv_drop (WvIcmpPrivInfo *info,
                        uid_t           target_uid,
                        gid_t           target_gid);

/* Installs a seccomp filter that keeps a compromised helper from sending
 * anything through its raw sockets or executing programs (see SECURITY in
 * docs/icmp-helper.md) and checks that it works.  Needs no_new_privs.
 * Returns false with info->error set if the filter was installed but does
 * not behave; an unsupported kernel or architecture is not an error. */
bool wv_icmp_seccomp_install (WvIcmpPrivInfo *info);
