/* privdrop.c: dropping and verifying privileges in wifi-verify-icmp-helper
 *
 * Copyright 2024 The wifi-verify authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The helper only needs CAP_NET_RAW for the two socket() calls in main.c.
 * Afterwards it gives up everything it can and then checks, with the same
 * interfaces an attacker would use, that nothing came back.  Capabilities
 * are handled with the raw capget/capset syscalls so that the helper needs
 * no library besides libc.
 */

#include "privdrop.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

/* Highest capability number we ever look at; the kernel has about 41. */
#define MAX_CAP 63

static bool
caps_get (struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3])
{
  struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };

  memset (data, 0, sizeof (struct __user_cap_data_struct) * _LINUX_CAPABILITY_U32S_3);
  return syscall (SYS_capget, &header, data) == 0;
}

static bool
caps_clear (void)
{
  struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

  memset (data, 0, sizeof data);
  return syscall (SYS_capset, &header, data) == 0;
}

static bool
cap_is_effective (int cap)
{
  struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

  if (!caps_get (data))
    return false;
  return (data[cap / 32].effective >> (cap % 32)) & 1;
}

static bool fail (WvIcmpPrivInfo *info, const char *format, ...)
  __attribute__ ((format (printf, 2, 3)));

static bool
fail (WvIcmpPrivInfo *info,
      const char     *format,
      ...)
{
  va_list args;

  va_start (args, format);
  vsnprintf (info->error, sizeof info->error, format, args);
  va_end (args);
  return false;
}

void
wv_icmp_priv_inspect (WvIcmpPrivInfo *info)
{
  struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
  uid_t ruid, euid, suid;

  memset (info, 0, sizeof *info);
  info->seccomp = "off";

  if (getresuid (&ruid, &euid, &suid) != 0)
    ruid = euid = suid = 0;   /* cannot happen; assume the worst */
  info->invoking_uid = ruid;
  info->started_as_root = ruid == 0 || euid == 0 || suid == 0;

  if (caps_get (data))
    for (int i = 0; i < _LINUX_CAPABILITY_U32S_3; i++)
      if (data[i].effective || data[i].permitted)
        info->started_with_caps = true;

  info->nnp_at_start = prctl (PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1;
}

static bool
verify (WvIcmpPrivInfo *info,
        uid_t           target_uid,
        gid_t           target_gid)
{
  struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
  uid_t ruid, euid, suid;
  gid_t rgid, egid, sgid;

  if (getresuid (&ruid, &euid, &suid) != 0 || getresgid (&rgid, &egid, &sgid) != 0)
    return fail (info, "cannot read the process credentials: %s", strerror (errno));

  if (ruid == 0 || euid == 0 || suid == 0)
    return fail (info, "a user id is still 0 (real %u, effective %u, saved %u)",
                 (unsigned) ruid, (unsigned) euid, (unsigned) suid);

  if (info->started_as_root)
    {
      if (ruid != target_uid || euid != target_uid || suid != target_uid)
        return fail (info, "user ids are %u/%u/%u instead of %u",
                     (unsigned) ruid, (unsigned) euid, (unsigned) suid, (unsigned) target_uid);
      if (rgid != target_gid || egid != target_gid || sgid != target_gid || rgid == 0)
        return fail (info, "group ids are %u/%u/%u instead of %u",
                     (unsigned) rgid, (unsigned) egid, (unsigned) sgid, (unsigned) target_gid);
      if (getgroups (0, NULL) != 0)
        return fail (info, "supplementary groups are still set");

      /* The real test: root must be out of reach for good. */
      if (setresuid (0, 0, 0) == 0 || setuid (0) == 0)
        return fail (info, "could switch back to uid 0 after dropping it");
    }

  if (!caps_get (data))
    return fail (info, "capget failed: %s", strerror (errno));
  for (int i = 0; i < _LINUX_CAPABILITY_U32S_3; i++)
    if (data[i].effective || data[i].permitted || data[i].inheritable)
      return fail (info, "capabilities remain (word %d: effective %#x, permitted %#x, inheritable %#x)",
                   i, data[i].effective, data[i].permitted, data[i].inheritable);

  for (int cap = 0; cap <= MAX_CAP; cap++)
    {
      int r = prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, cap, 0, 0);

      if (r < 0)
        break;               /* past the last capability, or no ambient set at all */
      if (r == 1)
        return fail (info, "ambient capability %d remains", cap);
    }

  if (info->bounding_cleared)
    for (int cap = 0; cap <= MAX_CAP; cap++)
      {
        int r = prctl (PR_CAPBSET_READ, cap, 0, 0, 0);

        if (r < 0)
          break;
        if (r == 1)
          return fail (info, "bounding capability %d remains", cap);
      }

  if (prctl (PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
    return fail (info, "no_new_privs is not set");
  if (prctl (PR_GET_DUMPABLE, 0, 0, 0, 0) != 0)
    return fail (info, "the process is still dumpable");

  info->uid = euid;
  info->gid = egid;
  return true;
}

bool
wv_icmp_priv_drop (WvIcmpPrivInfo *info,
                   uid_t           target_uid,
                   gid_t           target_gid)
{
  /* Ambient capabilities would survive the uid switch; EINVAL means a
   * kernel without them (before 4.3), where there is nothing to clear. */
  if (prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL)
    return fail (info, "cannot clear the ambient capabilities: %s", strerror (errno));

  /* The bounding set can only shrink while CAP_SETPCAP is still effective,
   * i.e. before the uid switch below.  A helper started through its file
   * capability has no CAP_SETPCAP; no_new_privs covers that case. */
  if (cap_is_effective (CAP_SETPCAP))
    {
      info->bounding_cleared = true;
      for (int cap = 0; cap <= MAX_CAP; cap++)
        {
          if (prctl (PR_CAPBSET_READ, cap, 0, 0, 0) < 0)
            break;
          if (prctl (PR_CAPBSET_DROP, cap, 0, 0, 0) != 0)
            return fail (info, "cannot drop capability %d from the bounding set: %s",
                         cap, strerror (errno));
        }
    }

  if (info->started_as_root)
    {
      if (target_uid == 0 || target_gid == 0)
        return fail (info, "refusing to switch to uid %u gid %u",
                     (unsigned) target_uid, (unsigned) target_gid);
      /* Groups first: once the uid is gone, CAP_SETGID is gone too. */
      if (setgroups (0, NULL) != 0)
        return fail (info, "setgroups(0): %s", strerror (errno));
      if (setresgid (target_gid, target_gid, target_gid) != 0)
        return fail (info, "setresgid(%u): %s", (unsigned) target_gid, strerror (errno));
      if (setresuid (target_uid, target_uid, target_uid) != 0)
        return fail (info, "setresuid(%u): %s", (unsigned) target_uid, strerror (errno));
    }

  /* Switching away from uid 0 already empties the sets (keep-caps is off);
   * clearing explicitly also covers a start through file capabilities. */
  if (!caps_clear ())
    return fail (info, "capset: %s", strerror (errno));

  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
    return fail (info, "PR_SET_NO_NEW_PRIVS: %s", strerror (errno));

  /* Non-dumpable after the last credential change (which resets it): the
   * invoking user must not be able to ptrace the helper and borrow its raw
   * sockets, nor read them from a core dump. */
  if (prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
    return fail (info, "PR_SET_DUMPABLE: %s", strerror (errno));

  return verify (info, target_uid, target_gid);
}

/* ---- seccomp ---------------------------------------------------------- */

/* Only architectures without socketcall()/send() multiplexers: there the
 * syscall numbers below are the only ways to send. */
#if defined(__x86_64__)
# define WV_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
# define WV_AUDIT_ARCH AUDIT_ARCH_AARCH64
#elif defined(__riscv) && __riscv_xlen == 64
# define WV_AUDIT_ARCH AUDIT_ARCH_RISCV64
#endif

/* Sanitizer runtimes need ptrace and prctl (LeakSanitizer stops the world
 * with them) and write their reports to files: a sanitizer build runs
 * without the filter and says so ("seccomp=off"). */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
# undef WV_AUDIT_ARCH
# define WV_SANITIZED 1
#elif defined(__has_feature)
# if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
     __has_feature(memory_sanitizer)
#  undef WV_AUDIT_ARCH
#  define WV_SANITIZED 1
# endif
#endif

#ifdef WV_AUDIT_ARCH

#ifdef SECCOMP_RET_KILL_PROCESS
# define RET_KILL SECCOMP_RET_KILL_PROCESS
#else
# define RET_KILL SECCOMP_RET_KILL
#endif
#define RET_DENY (SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA))

/* Low 32 bits of a syscall argument (file descriptors are 32-bit). */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
# define ARG_LO(n) (offsetof (struct seccomp_data, args) + (n) * sizeof (uint64_t))
#else
# define ARG_LO(n) (offsetof (struct seccomp_data, args) + (n) * sizeof (uint64_t) + sizeof (uint32_t))
#endif

#define MAX_FILTER 160

typedef struct {
  struct sock_filter insns[MAX_FILTER];
  unsigned short n;
  bool overflow;
} Filter;

static void
emit (Filter *f, struct sock_filter insn)
{
  if (f->n < MAX_FILTER)
    f->insns[f->n++] = insn;
  else
    f->overflow = true;
}

/* Refuse the syscall outright. */
static void
deny (Filter *f, long nr)
{
  emit (f, (struct sock_filter) BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, (uint32_t) nr, 0, 1));
  emit (f, (struct sock_filter) BPF_STMT (BPF_RET | BPF_K, RET_DENY));
}

/* Refuse when the first argument is a descriptor other than stdin, stdout
 * or stderr: the helper writes nowhere else, and the raw sockets are >= 3. */
static void
deny_fd_ge3 (Filter *f, long nr)
{
  emit (f, (struct sock_filter) BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, (uint32_t) nr, 0, 4));
  emit (f, (struct sock_filter) BPF_STMT (BPF_LD | BPF_W | BPF_ABS, ARG_LO (0)));
  emit (f, (struct sock_filter) BPF_JUMP (BPF_JMP | BPF_JGE | BPF_K, 3, 0, 1));
  emit (f, (struct sock_filter) BPF_STMT (BPF_RET | BPF_K, RET_DENY));
  emit (f, (struct sock_filter) BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
}

static bool
seccomp_supported_install (WvIcmpPrivInfo *info)
{
  Filter f = { .n = 0 };
  struct sock_fprog prog;

  emit (&f, (struct sock_filter) BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, arch)));
  emit (&f, (struct sock_filter) BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, WV_AUDIT_ARCH, 1, 0));
  emit (&f, (struct sock_filter) BPF_STMT (BPF_RET | BPF_K, RET_KILL));
  emit (&f, (struct sock_filter) BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, nr)));
#ifdef __x86_64__
  /* x32 syscalls would bypass the numbers below. */
  emit (&f, (struct sock_filter) BPF_JUMP (BPF_JMP | BPF_JGE | BPF_K, 0x40000000u, 0, 1));
  emit (&f, (struct sock_filter) BPF_STMT (BPF_RET | BPF_K, RET_KILL));
#endif

  /* Sending in any form. */
  deny (&f, SYS_sendto);
  deny (&f, SYS_sendmsg);
  deny (&f, SYS_sendmmsg);
  deny (&f, SYS_sendfile);
  deny (&f, SYS_splice);
  deny (&f, SYS_vmsplice);
  deny (&f, SYS_tee);
  deny (&f, SYS_copy_file_range);
  deny (&f, SYS_io_setup);
#ifdef SYS_io_uring_setup
  deny (&f, SYS_io_uring_setup);
#endif
  deny_fd_ge3 (&f, SYS_write);
  deny_fd_ge3 (&f, SYS_writev);
  deny_fd_ge3 (&f, SYS_pwrite64);
  deny_fd_ge3 (&f, SYS_pwritev);
#ifdef SYS_pwritev2
  deny_fd_ge3 (&f, SYS_pwritev2);
#endif

  /* Moving a raw socket onto fd 0-2, where writes are allowed. */
  deny (&f, SYS_dup);
#ifdef SYS_dup2
  deny (&f, SYS_dup2);
#endif
  deny (&f, SYS_dup3);
  emit (&f, (struct sock_filter) BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, SYS_fcntl, 0, 5));
  emit (&f, (struct sock_filter) BPF_STMT (BPF_LD | BPF_W | BPF_ABS, ARG_LO (1)));
  emit (&f, (struct sock_filter) BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, F_DUPFD, 2, 0));
  emit (&f, (struct sock_filter) BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, F_DUPFD_CLOEXEC, 1, 0));
  emit (&f, (struct sock_filter) BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
  emit (&f, (struct sock_filter) BPF_STMT (BPF_RET | BPF_K, RET_DENY));
  /* close() of 0-2 would let the next socket or dup land there. */
  emit (&f, (struct sock_filter) BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, SYS_close, 0, 4));
  emit (&f, (struct sock_filter) BPF_STMT (BPF_LD | BPF_W | BPF_ABS, ARG_LO (0)));
  emit (&f, (struct sock_filter) BPF_JUMP (BPF_JMP | BPF_JGE | BPF_K, 3, 0, 1));
  emit (&f, (struct sock_filter) BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
  emit (&f, (struct sock_filter) BPF_STMT (BPF_RET | BPF_K, RET_DENY));

  /* Escaping the process or undoing the drop. */
  deny (&f, SYS_execve);
  deny (&f, SYS_execveat);
  deny (&f, SYS_ptrace);
  deny (&f, SYS_process_vm_writev);
  deny (&f, SYS_prctl);
  deny (&f, SYS_socket);
  deny (&f, SYS_socketpair);
#ifdef SYS_pidfd_getfd
  deny (&f, SYS_pidfd_getfd);
#endif

  emit (&f, (struct sock_filter) BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW));

  if (f.overflow)
    return fail (info, "seccomp filter does not fit");

  prog.len = f.n;
  prog.filter = f.insns;
  if (prctl (PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) != 0)
    {
      if (errno == EINVAL)
        {
          info->seccomp = "unsupported";   /* kernel without CONFIG_SECCOMP_FILTER */
          return true;
        }
      return fail (info, "installing the seccomp filter failed: %s", strerror (errno));
    }
  info->seccomp = "on";

  /* Prove it: these fail with EBADF without the filter, EPERM with it. */
  errno = 0;
  if (syscall (SYS_sendto, -1, "", 0, 0, NULL, 0) != -1 || errno != EPERM)
    return fail (info, "seccomp filter does not block sendto");
  errno = 0;
  if (write (1000, "", 0) != -1 || errno != EPERM)
    return fail (info, "seccomp filter does not block writes to sockets");
  return true;
}

#endif /* WV_AUDIT_ARCH */

bool
wv_icmp_seccomp_install (WvIcmpPrivInfo *info)
{
#if defined(WV_AUDIT_ARCH)
  return seccomp_supported_install (info);
#elif defined(WV_SANITIZED)
  info->seccomp = "off";
  return true;
#else
  info->seccomp = "unsupported";
  return true;
#endif
}
