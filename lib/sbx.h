/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libsbx: the reference sandbox of sandproof.
 *
 * A sandbox is described as data first: a struct sbx_config built by the sbx_config_*() calls
 * holds the namespaces to create, the id maps, the root and an ordered list of mount steps, the
 * process attributes (hostname, cwd, environment, capabilities, no_new_privs, session, rlimits).
 * The run calls then apply it.  sbx_spawn() does everything; the single steps are public too
 * (sbx_enter_namespaces, sbx_setup_mounts, sbx_bind_mount, sbx_mount_tmpfs, sbx_pivot_root,
 * sbx_exec) for callers that build their own sequence.
 *
 * Conventions:
 *  - Every call returns >= 0 on success and -errno on failure.  Run calls also fill a caller-owned
 *    fixed-size struct sbx_error (step, path, errno, message): it needs no allocation, so a forked
 *    child can send it whole over a close-on-exec pipe to the parent.
 *  - The library never prints and never exits; an optional callback receives one line per step.
 *  - Single-threaded by design: the calls fork, unshare, change the root and the signal mask of
 *    the calling process.  unshare(CLONE_NEWUSER) fails with EINVAL in a multithreaded process
 *    (unshare(2)), and a fork of a threaded process may deadlock on locks other threads held.
 *    Call them from a single-threaded process (or from a freshly forked child).
 *  - Strings given to the config are copied into it; the config needs no further allocation.
 *  - Every file descriptor the library opens is close-on-exec.
 */
#ifndef SBX_H
#define SBX_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SBX_VERSION "0.1.0"

/* Namespaces, as a bit mask. */
enum sbx_ns {
	SBX_NS_USER = 1u << 0,
	SBX_NS_MOUNT = 1u << 1,
	SBX_NS_PID = 1u << 2,
	SBX_NS_UTS = 1u << 3,
	SBX_NS_IPC = 1u << 4,
	SBX_NS_NET = 1u << 5,
	SBX_NS_CGROUP = 1u << 6,
	SBX_NS_TIME = 1u << 7,
};
#define SBX_NS_ALL                                                                                 \
	(SBX_NS_USER | SBX_NS_MOUNT | SBX_NS_PID | SBX_NS_UTS | SBX_NS_IPC | SBX_NS_NET |          \
	 SBX_NS_CGROUP)

/* Flags of sbx_bind_mount() and bind steps. */
enum sbx_bind_flags {
	SBX_BIND_RO = 1u << 0,  /* read-only, every submount included */
	SBX_BIND_DEV = 1u << 1, /* keep device nodes usable (no nodev) */
	SBX_BIND_TRY = 1u << 2, /* a missing source is not an error */
};

/*
 * Testing only: each flag switches ONE protection off, to build a deliberately broken sandbox
 * that the suite uses as a negative control.  Never use these for real isolation.
 */
enum sbx_testing {
	SBX_TESTING_USERNS = 1u << 0,       /* no user namespace */
	SBX_TESTING_MNTNS = 1u << 1,        /* no mount namespace (implies no mounts at all) */
	SBX_TESTING_PIDNS = 1u << 2,        /* no pid namespace */
	SBX_TESTING_UTSNS = 1u << 3,        /* no uts namespace */
	SBX_TESTING_IPCNS = 1u << 4,        /* no ipc namespace */
	SBX_TESTING_NETNS = 1u << 5,        /* no network namespace */
	SBX_TESTING_CGROUPNS = 1u << 6,     /* no cgroup namespace */
	SBX_TESTING_SETGROUPS = 1u << 7,    /* write "allow" to setgroups (needs root) */
	SBX_TESTING_TMP = 1u << 8,          /* bind the host's /tmp instead of a fresh tmpfs */
	SBX_TESTING_PROC = 1u << 9,         /* bind the host's /proc instead of a new one */
	SBX_TESTING_DEV = 1u << 10,         /* bind the host's /dev instead of a minimal one */
	SBX_TESTING_PIVOT_ROOT = 1u << 11,  /* chroot(".") and keep the old root attached */
	SBX_TESTING_CAPS = 1u << 12,        /* keep every capability */
	SBX_TESTING_NNP = 1u << 13,         /* leave no_new_privs off */
	SBX_TESTING_NEW_SESSION = 1u << 14, /* stay in the caller's session */
	SBX_TESTING_CLEARENV = 1u << 15,    /* pass the caller's environment unchanged */
	SBX_TESTING_CLOSE_FDS = 1u << 16,   /* leak an O_PATH fd of the host's / (CVE-2024-21626) */
	SBX_TESTING_DIE_WITH_PARENT = 1u << 17, /* the sandbox survives its launcher */
	SBX_TESTING_KEYRING = 1u << 18,         /* keep the caller's session keyring */
	SBX_TESTING_NESTED_USERNS = 1u << 19,   /* the sandbox may create user namespaces */
};

/* The fixed-size error record.  It stays below PIPE_BUF so one write(2) carries it whole. */
struct sbx_error {
	int err;           /* positive errno; 0 when there is no error */
	char step[32];     /* failing step, e.g. "bind-mount", "create namespaces", "exec" */
	char path[1024];   /* path or argument the step worked on, may be empty */
	char message[512]; /* the cause in words, e.g. "user.max_user_namespaces=0"; may be empty */
};

/* Writes "STEP 'PATH': strerror (message)" into buf (always terminated); returns buf. */
char *sbx_error_format(const struct sbx_error *e, char *buf, size_t size);

/* One line per step: "STEP ARGS: ok" or "STEP ARGS: strerror". */
typedef void (*sbx_log_fn)(void *userdata, const char *line);

struct sbx_config;

/* A config with the defaults: every namespace of SBX_NS_ALL, the caller's uid and gid mapped to
 * 0, setgroups denied, a fresh tmpfs root, no mounts, no capabilities, no_new_privs, a new
 * session, die-with-parent, the environment unchanged.  NULL when out of memory. */
struct sbx_config *sbx_config_new(void);
void sbx_config_free(struct sbx_config *cfg);

/*
 * Setters.  Each checks its input (absolute paths without "..", lengths below PATH_MAX, names
 * known) and returns -errno on bad input; the first error is also kept in the config and returned
 * by sbx_config_error() and by every run call, so a caller may check once at the end.
 */
int sbx_config_error(const struct sbx_config *cfg, struct sbx_error *err);
int sbx_config_set_namespaces(struct sbx_config *cfg, unsigned ns_mask);
unsigned sbx_config_namespaces(const struct sbx_config *cfg);
/* Namespace name ("user", "mount" or "mnt", "pid", "uts", "ipc", "net", "cgroup", "time") to
 * its SBX_NS_* bit, or -EINVAL. */
int sbx_ns_from_name(const char *name);
int sbx_config_set_uid(struct sbx_config *cfg, uid_t inside);
int sbx_config_set_gid(struct sbx_config *cfg, gid_t inside);
int sbx_config_allow_setgroups(struct sbx_config *cfg, bool allow);
int sbx_config_set_rootfs(struct sbx_config *cfg, const char *dir); /* NULL: fresh tmpfs */
/* Whether the sandbox may create user namespaces of its own (default: no).  A nested user
 * namespace gives back every capability over new mount and cgroup namespaces, the first step of
 * many escapes (CVE-2022-0492's release_agent); it is closed by setting the sandbox user
 * namespace's user.max_user_namespaces to 0. */
int sbx_config_allow_nested_userns(struct sbx_config *cfg, bool allow);

/* Mount steps, applied in the order they are added, inside the new root. */
int sbx_config_bind(struct sbx_config *cfg, const char *src, const char *dst, unsigned flags);
int sbx_config_tmpfs(struct sbx_config *cfg, const char *dst, uint64_t size_bytes, mode_t mode);
int sbx_config_proc(struct sbx_config *cfg, const char *dst);
int sbx_config_sysfs(struct sbx_config *cfg, const char *dst); /* read-only */
int sbx_config_dev(struct sbx_config *cfg, const char *dst);   /* minimal /dev */
int sbx_config_mqueue(struct sbx_config *cfg, const char *dst);
int sbx_config_dir(struct sbx_config *cfg, const char *dst, mode_t mode);
int sbx_config_symlink(struct sbx_config *cfg, const char *target, const char *dst);
int sbx_config_file(struct sbx_config *cfg, const char *dst, const char *content, mode_t mode);

/* The strict profile's pieces.  add_host_system: read-only binds of the host's /usr, /bin,
 * /sbin, /etc, /lib, /lib32, /lib64 and /libx32, those that exist; a symlink among them (merged
 * /usr: /bin -> usr/bin) becomes the same symlink.  add_standard_mounts: /proc, a minimal /dev, a
 * fresh /tmp. */
int sbx_config_add_host_system(struct sbx_config *cfg);
int sbx_config_add_standard_mounts(struct sbx_config *cfg);

int sbx_config_set_hostname(struct sbx_config *cfg, const char *name);
int sbx_config_set_cwd(struct sbx_config *cfg, const char *dir);
int sbx_config_clearenv(struct sbx_config *cfg);
int sbx_config_setenv(struct sbx_config *cfg, const char *name, const char *value);
int sbx_config_unsetenv(struct sbx_config *cfg, const char *name);
int sbx_config_keepenv(struct sbx_config *cfg, const char *name); /* kept through clearenv */
/* A capability to keep, by name ("CAP_NET_RAW", "net_raw") through libcap, or -EINVAL. */
int sbx_config_keep_cap(struct sbx_config *cfg, const char *name);
int sbx_config_set_no_new_privs(struct sbx_config *cfg, bool on);
int sbx_config_set_new_session(struct sbx_config *cfg, bool on);
int sbx_config_set_die_with_parent(struct sbx_config *cfg, bool on);
int sbx_config_set_rlimit(struct sbx_config *cfg, int resource, rlim_t soft, rlim_t hard);
int sbx_config_set_log(struct sbx_config *cfg, sbx_log_fn fn, void *userdata);
/* Testing only, see enum sbx_testing.  sbx_testing_from_name("tmp") -> SBX_TESTING_TMP. */
int sbx_config_set_testing(struct sbx_config *cfg, unsigned testing_mask);
int sbx_testing_from_name(const char *name);
const char *sbx_testing_names(void); /* "userns,mntns,..." for help texts */

/*
 * Checks everything that can be checked before anything is created: the config error, the
 * rootfs and every bind source exist, ids fit the map (without a user namespace they must be the
 * caller's), setgroups "allow" has the privilege it needs, a hostname has its uts namespace and
 * mount steps their mount namespace.  sbx_spawn() calls it first.  (Whether the kernel has a
 * namespace is learnt from clone() itself; a failure is then explained from /proc/self/ns and
 * the sysctls, so the common path reads no extra file.)
 */
int sbx_check(const struct sbx_config *cfg, struct sbx_error *err);

/*
 * The steps, for callers that build their own sequence.  sbx_spawn() does the same with one
 * clone() in place of unshare():
 *   sbx_enter_namespaces -> fork (pid namespace) -> sbx_setup_mounts -> fork -> sbx_exec
 *
 * sbx_enter_namespaces: unshare() the configured namespaces in the calling process, write
 * setgroups, uid_map and gid_map, and set the hostname.  Works without root.  The new pid and
 * time namespaces apply to the next child only (pid_namespaces(7)): fork before
 * sbx_setup_mounts().
 */
int sbx_enter_namespaces(const struct sbx_config *cfg, struct sbx_error *err);
/* In the new mount (and pid) namespace: build the root, pivot into it, apply the mount steps. */
int sbx_setup_mounts(const struct sbx_config *cfg, struct sbx_error *err);
/* Bind src on dst recursively; SBX_BIND_RO makes it and every submount read-only. */
int sbx_bind_mount(const char *src, const char *dst, unsigned flags, struct sbx_error *err);
/* A fresh tmpfs on dst; size 0 is the kernel's default (half of RAM). */
int sbx_mount_tmpfs(const char *dst, uint64_t size_bytes, mode_t mode, struct sbx_error *err);
/* Make dir (a mount point) the root: pivot_root(".", ".") then detach the old root.  With
 * allow_chroot, where pivot_root is impossible (EINVAL: the current root is the initramfs
 * rootfs, which cannot be pivoted away from; see pivot_root(2)), moves dir over "/" and
 * chroots into it, as switch_root(8) does, and returns 1. */
int sbx_pivot_root(const char *dir, bool allow_chroot, struct sbx_error *err);
/* The last step, in the process that becomes the command: session, die-with-parent, rlimits,
 * cwd, environment, fds (all marked close-on-exec), capabilities, no_new_privs, then execve with
 * a PATH search (from the new environment).  Returns only on failure (err->step is "exec" when
 * execve itself failed). */
int sbx_exec(const struct sbx_config *cfg, char *const argv[], struct sbx_error *err);

/* A running sandbox. */
struct sbx_proc {
	pid_t pid;    /* the sandbox's init (pid 1 inside), or the command without a pid ns */
	int pidfd;    /* pidfd of pid, or -1 */
	int statusfd; /* the init writes the command's status here, then exits once it is closed */
	sigset_t saved; /* the caller's signal mask, restored by sbx_wait() */
};

/*
 * Runs argv in the sandbox: one clone() with every namespace, the caller writes the child's id
 * maps while the child starts, the child builds the mounts, then forks once more: that process
 * runs the command (sbx_exec) while the first stays as init (pid 1): it reaps zombies, forwards
 * SIGTERM SIGINT SIGHUP SIGQUIT SIGUSR1 SIGUSR2 to the command, and when the command has exited it
 * kills the rest of the sandbox, writes the status and exits once sbx_wait() or
 * sbx_wait_status() has read it (so the namespaces' teardown in its exit never runs before the
 * caller has the status).  Returns 0 once the command was executed, or -errno with *err naming
 * the failing step (reported by the child over a close-on-exec pipe).  The forwarded signals stay
 * blocked in the caller until sbx_wait().
 */
int sbx_spawn(const struct sbx_config *cfg, char *const argv[], struct sbx_proc *proc,
	      struct sbx_error *err);
/* Waits for the sandbox, forwarding the same signals to it, and reaps its init.  Returns the exit
 * status as a shell shows it (0-255; 128+N for a death by signal N). */
int sbx_wait(struct sbx_proc *proc);
/* The same, but returns as soon as the init has reported the command's status, without waiting
 * for the kernel to tear the namespaces down (the init exits after this returns; it stays a child
 * of the caller until reaped).  For launchers that exit right after. */
int sbx_wait_status(struct sbx_proc *proc);
/* sbx_spawn + sbx_wait.  Returns the status, or -errno with *err filled (for a command that
 * could not be executed, err->step is "exec", after the sandbox has exited). */
int sbx_run(const struct sbx_config *cfg, char *const argv[], struct sbx_error *err);

#ifdef __cplusplus
}
#endif

#endif
