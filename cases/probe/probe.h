/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sp-probe: the observer that runs inside a sandbox.  Static, single-threaded, fixed buffers only.
 * Protocol (docs/PROBE.md):
 *
 *   sp-probe nonce=N [OPTION=VALUE...] -- VERB[:ARG]... [hold]
 *
 * prints `sp-probe 1 nonce=N`, then `key=value` lines, each key prefixed by its verb (`ids.uid=0`,
 * `statfs:/tmp.type=tmpfs`), then `end`.  Exit 0 when every verb observed, 77 when a verb could not
 * (it says why in `VERB.cannot=`), anything else on the probe's own error.
 *
 * A verb is one function in one file per concern (ids.c, ns.c, mounts.c, ...), listed in the table
 * in main.c.  A verb prints through sp_kv() and returns SP_OBSERVED, SP_CANNOT or SP_ERROR.
 */
#ifndef SP_PROBE_H
#define SP_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "text.h"

#define SP_PROBE_PROTOCOL 1

enum { SP_OBSERVED = 0, SP_ERROR = 1, SP_USAGE = 2, SP_CANNOT = 77 };

/* One invocation of a verb: its name, its argument (after ':', or NULL) and its key prefix. */
struct sp_verb_call {
	const char *name;
	const char *arg;
	char prefix[512];
};

typedef int sp_verb_fn(const struct sp_verb_call *v);

struct sp_verb {
	const char *name;
	bool needs_arg;
	sp_verb_fn *fn;
	const char *help;
};

/* Options the harness passes before `--`, as `name=value`; NULL when absent. */
const char *sp_opt(const char *name);

/* `key=value` output, key prefixed by the verb's prefix.  Values are escaped (\xHH) to one line. */
void sp_kv(const struct sp_verb_call *v, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Raw output line (header, end, sync). */
void sp_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Report that the verb could not observe; returns SP_CANNOT. */
int sp_cannot(const struct sp_verb_call *v, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* errno as its symbolic name ("EPERM"), or "E<number>". */
const char *sp_errname(int e);

/*
 * Safety gate for every attempt that would change the host if made in the host's namespace
 * (mount, umount, pivot_root, sethostname, kill(-1), setns, ...): returns true only when this
 * process's namespace of TYPE ("mnt", "uts", "pid", ...) is known to differ from the host's inode
 * that the harness passed as `host.ns.TYPE=`.  Otherwise prints `VERB.same-as-host=1` (the
 * observation that is itself the failure) or `VERB.refused=...` and returns false: the attempt must
 * then not be made.
 */
bool sp_ns_differs_from_host(const struct sp_verb_call *v, const char *type);

/* Quietly: is this process's namespace TYPE known to differ from the host's? */
bool sp_ns_private(const char *type);

/*
 * A directory the probe may create things in: DIR/scratch when writable (the harness made it),
 * else /tmp when the mount namespace is known not to be the host's; NULL when there is none.
 */
const char *sp_scratch_dir(void);

/* This process's namespace inode of TYPE from /proc/self/ns, or 0 with errno set. */
unsigned long sp_ns_inode(const char *type);

/* Does ST have the identity ID ("MAJ:MIN:INO", as the harness passes file identities)? */
struct stat;
bool sp_id_matches(const char *id, const struct stat *st);
/* Format ST's identity as "MAJ:MIN:INO". */
const char *sp_id_of(const struct stat *st, char *buf, size_t size);

/* Call FN with each pid listed in /proc (as the name of its entry) until it returns false.
 * 0, or -errno when /proc cannot be listed. */
typedef bool sp_pid_fn(const char *pid, void *arg);
int sp_each_pid(sp_pid_fn *fn, void *arg);

/*
 * A /proc table of one header line and one entry per line (/proc/net/unix, /proc/sysvipc/msg):
 * FN says whether a line counts and, given the value of option CANARY_OPT (NULL when not passed),
 * whether it names the canary.  Prints COUNT_KEY=N and, with the option, canary=0|1; errno= when
 * the table cannot be opened.  Returns SP_OBSERVED.
 */
typedef bool sp_row_fn(const char *line, const char *canary, bool *is_canary);
int sp_proc_table(const struct sp_verb_call *v, const char *path, const char *count_key,
		  const char *canary_opt, sp_row_fn *fn);

/* Write TEXT to /proc/PID/FILE (PID 0: /proc/self), as id maps and setgroups are written:
 * whole, in one write.  False with errno set when it was not. */
bool sp_write_proc(pid_t pid, const char *file, const char *text);

/* Wait for the child PID (EINTR retried): did it exit (rather than die of a signal)? */
bool sp_wait_child(pid_t pid);

/* The directory the harness put the probe in (option `dir=`). */
const char *sp_probe_dir(void);

/* The per-verb registry, defined in main.c. */
extern const struct sp_verb sp_verbs[];

/* Verbs, one per observation, grouped by concern.  Keep each group in its own file. */
int sp_verb_ids(const struct sp_verb_call *v);
int sp_verb_maps(const struct sp_verb_call *v);
int sp_verb_setgroups(const struct sp_verb_call *v);
int sp_verb_ns(const struct sp_verb_call *v);
int sp_verb_mountinfo(const struct sp_verb_call *v);
int sp_verb_mountflags(const struct sp_verb_call *v);
int sp_verb_mount_tmpfs(const struct sp_verb_call *v);
int sp_verb_statfs(const struct sp_verb_call *v);
int sp_verb_stat(const struct sp_verb_call *v);
int sp_verb_root(const struct sp_verb_call *v);
int sp_verb_cwd(const struct sp_verb_call *v);
int sp_verb_open_write(const struct sp_verb_call *v);
int sp_verb_proc(const struct sp_verb_call *v);
int sp_verb_pids(const struct sp_verb_call *v);
int sp_verb_caps(const struct sp_verb_call *v);
int sp_verb_nnp(const struct sp_verb_call *v);
int sp_verb_seccomp(const struct sp_verb_call *v);
int sp_verb_capget(const struct sp_verb_call *v);
int sp_verb_privs(const struct sp_verb_call *v);
int sp_verb_exec_privs(const struct sp_verb_call *v);
int sp_verb_cap_raise(const struct sp_verb_call *v);
/* When started with privileges (AT_SECURE), print only the `privs` report: >= 0; else -1. */
int sp_privs_only(void);
int sp_verb_fds(const struct sp_verb_call *v);
int sp_verb_hostname(const struct sp_verb_call *v);
int sp_verb_sethostname(const struct sp_verb_call *v);
int sp_verb_env(const struct sp_verb_call *v);
int sp_verb_getenv(const struct sp_verb_call *v);
int sp_verb_cwd_scope(const struct sp_verb_call *v);
int sp_verb_net(const struct sp_verb_call *v);
int sp_verb_canary(const struct sp_verb_call *v);
int sp_verb_kill_all(const struct sp_verb_call *v);
int sp_verb_escape_chroot(const struct sp_verb_call *v);
int sp_verb_escape_chroot_fd(const struct sp_verb_call *v);
int sp_verb_escape_proc_roots(const struct sp_verb_call *v);
int sp_verb_userns_nest(const struct sp_verb_call *v);
int sp_verb_try_unshare(const struct sp_verb_call *v); /* surface.c */
int sp_verb_ptrace_canary(const struct sp_verb_call *v);
int sp_verb_vmread_canary(const struct sp_verb_call *v);
int sp_verb_syscall(const struct sp_verb_call *v);
int sp_verb_syscall_i386(const struct sp_verb_call *v);
int sp_verb_mknod(const struct sp_verb_call *v);
int sp_verb_read(const struct sp_verb_call *v);
int sp_verb_readdir(const struct sp_verb_call *v);
int sp_verb_umount(const struct sp_verb_call *v);
int sp_verb_remount_rw(const struct sp_verb_call *v);
int sp_verb_escape_fresh_proc(const struct sp_verb_call *v);
int sp_verb_escape_umount_root(const struct sp_verb_call *v);
int sp_verb_escape_handle(const struct sp_verb_call *v);
int sp_verb_setns_canary(const struct sp_verb_call *v);
int sp_verb_escape_release_agent(const struct sp_verb_call *v);
int sp_verb_tiocsti(const struct sp_verb_call *v);
int sp_verb_trap_signals(const struct sp_verb_call *v);
int sp_verb_signals(const struct sp_verb_call *v);

int sp_verb_procfs(const struct sp_verb_call *v);
int sp_verb_open_read(const struct sp_verb_call *v);
int sp_verb_writable(const struct sp_verb_call *v);
int sp_verb_devnode(const struct sp_verb_call *v);
int sp_verb_devices(const struct sp_verb_call *v);
int sp_verb_dev_null(const struct sp_verb_call *v);
int sp_verb_dev_urandom(const struct sp_verb_call *v);
int sp_verb_net_unix(const struct sp_verb_call *v);
int sp_verb_net_tcp(const struct sp_verb_call *v);
int sp_verb_sysv_msg(const struct sp_verb_call *v);
/* `canary:mqueue` (ipc.c). */
int sp_mqueue_canary(const struct sp_verb_call *v);

/* escape.c (chw00t #2 #4 #5, pivot_root, CannotRegainPrivileges, pidfd) */
int sp_verb_escape_chroot_pass_fd(const struct sp_verb_call *v);
int sp_verb_escape_chroot_move(const struct sp_verb_call *v);
int sp_verb_escape_blockdev(const struct sp_verb_call *v);
int sp_verb_escape_pivot_root(const struct sp_verb_call *v);
int sp_verb_userns_after_chroot(const struct sp_verb_call *v);
int sp_verb_pidfd_canary(const struct sp_verb_call *v);
/* tty.c (CVE-2023-28100) */
int sp_verb_vt_reach(const struct sp_verb_call *v);
/* lifecycle.c */
int sp_verb_exit_at_end(const struct sp_verb_call *v);
int sp_verb_orphan(const struct sp_verb_call *v);
int sp_verb_leave_process(const struct sp_verb_call *v);

/* Identity, mounts, /tmp, the root and the pid namespace (ids.c mounts.c fs.c root.c pidns.c). */
int sp_verb_map_rewrite(const struct sp_verb_call *v);
int sp_verb_setid_unmapped(const struct sp_verb_call *v);
int sp_verb_remount_ro_mounts(const struct sp_verb_call *v);
int sp_verb_umount_inside(const struct sp_verb_call *v);
int sp_verb_mkfile(const struct sp_verb_call *v);
int sp_verb_dotdot_walk(const struct sp_verb_call *v);
int sp_verb_canary_paths(const struct sp_verb_call *v);
int sp_verb_pid_visible(const struct sp_verb_call *v);
int sp_verb_pid_ancestry(const struct sp_verb_call *v);

/* A verb's PATH argument with a leading `@` replaced by the probe directory; NULL without dir=. */
const char *sp_path_arg(const struct sp_verb_call *v, char *buf, size_t size);
/* Remove what `mkfile` made (run at exit, from sp_mounts_cleanup). */
void sp_fs_cleanup(void);

/* Is the file canary at PATH with identity ID reachable from here?  Prints reached= and how=. */
int sp_probe_file_canary(const struct sp_verb_call *v, const char *path, const char *id);

/* Run at exit (after `end` and `hold`): undo what verbs set up (mounts). */
void sp_mounts_cleanup(void);

/* exe.c: CVE-2019-5736, the runtime's binary through /proc/PID/exe */
int sp_verb_exe_open_write(const struct sp_verb_call *v);
int sp_verb_exe_reopen(const struct sp_verb_call *v);
int sp_verb_exe_ids(const struct sp_verb_call *v);
/* idmap.c: CVE-2018-18955, a nested user namespace with six id-map extents */
int sp_verb_userns_extents(const struct sp_verb_call *v);

#endif
