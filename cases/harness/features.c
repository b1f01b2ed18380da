/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Kernel and environment probes (see features.h and docs/KERNEL.md).
 *
 * Rules every probe here follows:
 * - Anything that creates kernel state (a namespace, a mount, a pty, an IPC object, a keyring)
 *   happens in a forked child that reports a small fixed-size record over a close-on-exec pipe
 *   and leaves with _exit(), so the caller's namespaces, mounts, keyrings and credentials never
 *   change.  No threads.
 * - Syscalls are probed with deliberately invalid arguments wherever that answers the question:
 *   the kernel validates flags before it acts, so ENOSYS means "absent" and any other error means
 *   "present", and nothing happens.  Even those run in a child, so a seccomp filter that kills on
 *   an unknown syscall kills the child, not the caller.
 * - An unavailable feature carries a reason code naming the cause, which is not always the
 *   feature itself: a mount namespace that cannot be created because this user needs a user
 *   namespace first and user namespaces are off is reported as `userns-unavailable`.
 */
#include "features.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/keyctl.h>
#include <linux/landlock.h>
#include <linux/magic.h>
#include <linux/seccomp.h>
#include <mqueue.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_lsm_list_modules
#define SYS_lsm_list_modules 461 /* same number on every architecture (6.8) */
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

/* ---- names and codes ---- */

static const char *const feature_names[SP_FEAT__COUNT] = {
    [SP_FEAT_USERNS] = "userns",
    [SP_FEAT_MNTNS] = "mntns",
    [SP_FEAT_PIDNS] = "pidns",
    [SP_FEAT_UTSNS] = "utsns",
    [SP_FEAT_IPCNS] = "ipcns",
    [SP_FEAT_NETNS] = "netns",
    [SP_FEAT_CGROUPNS] = "cgroupns",
    [SP_FEAT_TIMENS] = "timens",
    [SP_FEAT_PIVOT_ROOT] = "pivot-root",
    [SP_FEAT_NEW_MOUNT_API] = "new-mount-api",
    [SP_FEAT_MOUNT_SETATTR] = "mount-setattr",
    [SP_FEAT_IDMAPPED_MOUNTS] = "idmapped-mounts",
    [SP_FEAT_SECCOMP] = "seccomp",
    [SP_FEAT_LANDLOCK] = "landlock",
    [SP_FEAT_HOST_MOUNT] = "host-mount",
    [SP_FEAT_ROOT] = "root",
    [SP_FEAT_UNPRIVILEGED] = "unprivileged",
    [SP_FEAT_PTY] = "pty",
    [SP_FEAT_LEGACY_TIOCSTI] = "legacy-tiocsti",
    [SP_FEAT_SYSV_IPC] = "sysv-ipc",
    [SP_FEAT_POSIX_MQUEUE] = "posix-mqueue",
    [SP_FEAT_KEYRING] = "keyring",
    [SP_FEAT_CGROUP_V1] = "cgroup-v1",
    [SP_FEAT_CGROUP_V2] = "cgroup-v2",
};

const char *
sp_feature_name(enum sp_feature f)
{
	if ((unsigned)f >= SP_FEAT__COUNT || !feature_names[f])
		return "unknown";
	return feature_names[f];
}

/* The namespace types, in the order sandboxes need them (systemd's namespace_info[] idea). */
struct ns_type {
	enum sp_feature feat;
	int flag;
	const char *name; /* entry in /proc/self/ns and middle of user.max_<name>_namespaces */
	const char *flag_name;
};

static const struct ns_type ns_types[] = {
    {SP_FEAT_USERNS, CLONE_NEWUSER, "user", "CLONE_NEWUSER"},
    {SP_FEAT_MNTNS, CLONE_NEWNS, "mnt", "CLONE_NEWNS"},
    {SP_FEAT_PIDNS, CLONE_NEWPID, "pid", "CLONE_NEWPID"},
    {SP_FEAT_NETNS, CLONE_NEWNET, "net", "CLONE_NEWNET"},
    {SP_FEAT_UTSNS, CLONE_NEWUTS, "uts", "CLONE_NEWUTS"},
    {SP_FEAT_IPCNS, CLONE_NEWIPC, "ipc", "CLONE_NEWIPC"},
    {SP_FEAT_CGROUPNS, CLONE_NEWCGROUP, "cgroup", "CLONE_NEWCGROUP"},
    {SP_FEAT_TIMENS, CLONE_NEWTIME, "time", "CLONE_NEWTIME"},
};
#define N_NS_TYPES (sizeof(ns_types) / sizeof(ns_types[0]))

static const struct ns_type *
ns_type_of(enum sp_feature f)
{
	for (size_t i = 0; i < N_NS_TYPES; i++)
		if (ns_types[i].feat == f)
			return &ns_types[i];
	return NULL;
}

static void
set_available(struct sp_feature_status *st)
{
	memset(st, 0, sizeof(*st));
	st->available = true;
}

/* Unavailable, blamed on `cause` (not necessarily the feature that was asked for). */
__attribute__((format(printf, 3, 4))) static void
set_missing(struct sp_feature_status *st, enum sp_feature cause, const char *fmt, ...)
{
	va_list ap;

	memset(st, 0, sizeof(*st));
	st->available = false;
	snprintf(st->code, sizeof(st->code), "%s-unavailable", sp_feature_name(cause));
	va_start(ap, fmt);
	vsnprintf(st->why, sizeof(st->why), fmt, ap);
	va_end(ap);
}

/* ---- small readers ---- */

/* Read a small text file whole, without the trailing newline.  Returns its length or -errno. */
static ssize_t
read_text(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd == -1)
		return -errno;
	while (len + 1 < size) {
		ssize_t n = read(fd, buf + len, size - 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			int e = errno;
			close(fd);
			return -e;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
		len--;
	buf[len] = '\0';
	return (ssize_t)len;
}

static int
read_long(const char *path, long *val)
{
	char buf[64], *end;
	ssize_t n = read_text(path, buf, sizeof(buf));

	if (n < 0)
		return (int)n;
	errno = 0;
	*val = strtol(buf, &end, 10);
	if (errno || end == buf)
		return -EINVAL;
	return 0;
}

static int
write_text(const char *path, const char *text)
{
	size_t len = strlen(text);
	ssize_t n;
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);

	if (fd == -1)
		return -errno;
	n = write(fd, text, len);
	if (n == -1) {
		int e = errno;
		close(fd);
		return -e;
	}
	close(fd);
	return (size_t)n == len ? 0 : -EIO;
}

/* The value of "Key:" in /proc/self/status, or -1. */
static long
status_field(const char *key)
{
	char buf[4096], want[64];
	const char *at;

	buf[0] = '\n';
	if (read_text("/proc/self/status", buf + 1, sizeof(buf) - 1) < 0)
		return -1;
	snprintf(want, sizeof(want), "\n%s:", key);
	at = strstr(buf, want);
	return at ? strtol(at + strlen(want), NULL, 10) : -1;
}

static bool
has_cap(int cap)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data) == -1)
		return false;
	return (data[cap / 32].effective & (1U << (cap % 32))) != 0;
}

/*
 * The initial user namespace maps every id to itself: "0 0 4294967295".  A nested namespace can
 * only map ids its parent has, so no other namespace shows that line.
 */
static bool
in_initial_userns(void)
{
	static const char *const want[] = {"0", "0", "4294967295"};
	char buf[256], *p = buf, *end;

	if (read_text("/proc/self/uid_map", buf, sizeof(buf)) < 0 || strchr(buf, '\n'))
		return false;
	for (size_t i = 0; i < 3; i++) {
		unsigned long v;
		errno = 0;
		v = strtoul(p, &end, 10);
		if (errno || end == p || v != strtoul(want[i], NULL, 10))
			return false;
		p = end;
	}
	return true;
}

/*
 * Whether / is the root of a mount in /proc/self/mountinfo (field 5 is the mount point, relative
 * to our root).  A chroot into a plain directory has no such mount.
 */
static bool
root_is_mount(void)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096], mnt[8];
	bool found = false;

	if (!f)
		return true; /* unknown: do not claim a chroot */
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "%*s %*s %*s %*s %7s", mnt) == 1 && strcmp(mnt, "/") == 0;
	fclose(f);
	return found;
}

/*
 * Our root differs from init's.  /proc/1/root is readable only with ptrace access to pid 1;
 * without it, a root that is no mount's root is the tell-tale of a chroot into a directory.
 */
static bool
chrooted(void)
{
	struct stat a, b;

	if (stat("/", &a) == 0 && stat("/proc/1/root/", &b) == 0)
		return a.st_dev != b.st_dev || a.st_ino != b.st_ino;
	return !root_is_mount();
}

static bool
under_seccomp_filter(void)
{
	return status_field("Seccomp") == 2;
}

/* ---- the forked child ---- */

enum stage {
	STAGE_DONE = 0,
	STAGE_USERNS,  /* unshare(CLONE_NEWUSER) */
	STAGE_UID_MAP, /* write /proc/self/uid_map */
	STAGE_SETGROUPS,
	STAGE_GID_MAP,
	STAGE_UNSHARE, /* unshare(CLONE_NEWxxx) of the type probed */
	STAGE_PRIVATE, /* make / recursively private */
	STAGE_TMPFS,   /* mount a tmpfs in the child's own mount namespace */
	STAGE_CHDIR,
	STAGE_PIVOT,
	STAGE_OPEN_TREE,
	STAGE_IDMAP_NS, /* the user namespace the idmapping goes through */
	STAGE_SETATTR,
	STAGE_OP,     /* the operation probed (pty, IPC, key, syscall) */
	STAGE_KILLED, /* the child died from a signal before it reported */
};

#define MSG_ERRS 8

struct child_msg {
	int stage;
	int err;
	long val;
	uint64_t bits;
	int errs[MSG_ERRS]; /* per-syscall errnos of a multi-syscall probe */
};

typedef int (*child_fn)(const void *arg, struct child_msg *m);

static int
fail(struct child_msg *m, int stage, int err)
{
	m->stage = stage;
	m->err = err;
	return -1;
}

/*
 * Run fn in a forked child and collect its record.  Returns 0 (m filled; m->stage says how far it
 * got) or -errno when the probe itself could not run.
 */
static int
run_in_child(child_fn fn, const void *arg, struct child_msg *m)
{
	int p[2], status;
	ssize_t n;
	pid_t pid, w;

	memset(m, 0, sizeof(*m));
	if (pipe2(p, O_CLOEXEC) == -1)
		return -errno;
	pid = fork();
	if (pid == -1) {
		int e = errno;
		close(p[0]);
		close(p[1]);
		return -e;
	}
	if (pid == 0) {
		struct child_msg cm;
		int rc;

		memset(&cm, 0, sizeof(cm));
		close(p[0]);
		rc = fn(arg, &cm);
		if (write(p[1], &cm, sizeof(cm)) != (ssize_t)sizeof(cm))
			_exit(2);
		_exit(rc == 0 ? 0 : 1);
	}
	close(p[1]);
	do
		n = read(p[0], m, sizeof(*m));
	while (n == -1 && errno == EINTR);
	close(p[0]);
	do
		w = waitpid(pid, &status, 0);
	while (w == -1 && errno == EINTR);
	if (w == -1)
		return -errno;
	if (WIFSIGNALED(status) && n != (ssize_t)sizeof(*m)) {
		memset(m, 0, sizeof(*m));
		m->stage = STAGE_KILLED;
		m->err = WTERMSIG(status);
		return 0;
	}
	if (n != (ssize_t)sizeof(*m))
		return -EPROTO;
	return 0;
}

/*
 * Enter a new user namespace mapping this process's ids to 0 inside.  The process maps itself,
 * which the kernel allows for exactly one line naming its own euid (user_namespaces(7)); setgroups
 * is denied before gid_map because an unprivileged gid_map write requires it (CVE-2014-8989).
 */
static int
child_enter_userns(struct child_msg *m)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();
	char map[64];
	int r;

	if (unshare(CLONE_NEWUSER) == -1)
		return fail(m, STAGE_USERNS, errno);
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)uid);
	r = write_text("/proc/self/uid_map", map);
	if (r < 0)
		return fail(m, STAGE_UID_MAP, -r);
	r = write_text("/proc/self/setgroups", "deny");
	if (r < 0 && r != -ENOENT)
		return fail(m, STAGE_SETGROUPS, -r);
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)gid);
	r = write_text("/proc/self/gid_map", map);
	if (r < 0)
		return fail(m, STAGE_GID_MAP, -r);
	return 0;
}

/* Without CAP_SYS_ADMIN in the current user namespace, every other namespace needs a new one. */
static bool
needs_userns(void)
{
	return !has_cap(CAP_SYS_ADMIN);
}

/* A user namespace when needed, then a mount namespace whose mounts propagate nowhere. */
static int
child_enter_private_mntns(bool via_userns, struct child_msg *m)
{
	if (via_userns && child_enter_userns(m) < 0)
		return -1;
	if (unshare(CLONE_NEWNS) == -1)
		return fail(m, STAGE_UNSHARE, errno);
	/* Nothing is mounted before / is private: a mount here must never reach the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1)
		return fail(m, STAGE_PRIVATE, errno);
	return 0;
}

/* A directory to put a scratch tmpfs on inside the child's private mount namespace. */
static const char *
scratch_dir(void)
{
	static const char *const dirs[] = {"/tmp", "/mnt", "/var/tmp", "/dev"};
	struct stat sb;

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (stat(dirs[i], &sb) == 0 && S_ISDIR(sb.st_mode))
			return dirs[i];
	return "/tmp";
}

/* ---- explanations ---- */

static const char *
errno_name(int e)
{
	switch (e) {
	case EPERM:
		return "EPERM";
	case EACCES:
		return "EACCES";
	case EINVAL:
		return "EINVAL";
	case ENOSPC:
		return "ENOSPC";
	case ENOSYS:
		return "ENOSYS";
	case EUSERS:
		return "EUSERS";
	case ENOMEM:
		return "ENOMEM";
	case ENOENT:
		return "ENOENT";
	case EOPNOTSUPP:
		return "EOPNOTSUPP";
	case EDQUOT:
		return "EDQUOT";
	case EBUSY:
		return "EBUSY";
	case EROFS:
		return "EROFS";
	default:
		return strerrorname_np(e) ? strerrorname_np(e) : "E?";
	}
}

/* Why a namespace of this type could not be created although the kernel has the type. */
static void
explain_ns_errno(struct sp_feature_status *st, const struct ns_type *t, int err)
{
	char path[96];
	long v;

	switch (err) {
	case ENOSPC:
		snprintf(path, sizeof(path), "/proc/sys/user/max_%s_namespaces", t->name);
		if (read_long(path, &v) == 0 && v == 0)
			set_missing(st, t->feat, "user.max_%s_namespaces=0", t->name);
		else if (read_long(path, &v) == 0)
			set_missing(
			    st, t->feat,
			    "user.max_%s_namespaces=%ld reached here or in an ancestor user "
			    "namespace (unshare(%s): ENOSPC)",
			    t->name, v, t->flag_name);
		else
			set_missing(st, t->feat, "%s namespace limit reached (unshare(%s): ENOSPC)",
				    t->name, t->flag_name);
		return;
	case EINVAL:
	case ENOSYS:
		set_missing(st, t->feat, "kernel lacks %s namespaces (unshare(%s): %s)", t->name,
			    t->flag_name, errno_name(err));
		return;
	case EUSERS:
		set_missing(st, t->feat, "user namespaces nested 32 deep, the kernel's limit");
		return;
	case EPERM:
	case EACCES:
		if (t->flag == CLONE_NEWUSER &&
		    read_long("/proc/sys/kernel/unprivileged_userns_clone", &v) == 0 && v == 0 &&
		    !has_cap(CAP_SYS_ADMIN)) {
			set_missing(st, t->feat, "kernel.unprivileged_userns_clone=0");
			return;
		}
		if (t->flag == CLONE_NEWUSER &&
		    read_long("/proc/sys/kernel/apparmor_restrict_unprivileged_userns", &v) == 0 &&
		    v == 1 && !has_cap(CAP_SYS_ADMIN)) {
			set_missing(
			    st, t->feat,
			    "kernel.apparmor_restrict_unprivileged_userns=1 (unshare(%s): %s)",
			    t->flag_name, errno_name(err));
			return;
		}
		if (under_seccomp_filter()) {
			set_missing(st, t->feat, "unshare(%s): %s under a seccomp filter",
				    t->flag_name, errno_name(err));
			return;
		}
		/* create_user_ns() refuses a chrooted caller (EPERM); LSMs answer EACCES. */
		if (t->flag == CLONE_NEWUSER && err == EPERM && chrooted()) {
			set_missing(st, t->feat, "the process is chrooted (unshare(%s): EPERM)",
				    t->flag_name);
			return;
		}
		set_missing(st, t->feat,
			    err == EACCES ? "unshare(%s): EACCES (an LSM policy forbids it)"
			    : t->flag == CLONE_NEWUSER
				? "unshare(%s): EPERM (chrooted, or an LSM policy forbids it)"
				: "unshare(%s): EPERM",
			    t->flag_name);
		return;
	default:
		set_missing(st, t->feat, "unshare(%s): %s", t->flag_name, strerror(err));
	}
}

/* A failure while entering the user namespace (stages USERNS .. GID_MAP). */
static void
explain_userns_stage(struct sp_feature_status *st, const struct child_msg *m,
		     const char *needed_for)
{
	static const char *const files[] = {[STAGE_UID_MAP] = "uid_map",
					    [STAGE_SETGROUPS] = "setgroups",
					    [STAGE_GID_MAP] = "gid_map"};
	long v;

	if (m->stage == STAGE_USERNS) {
		explain_ns_errno(st, &ns_types[0], m->err);
	} else if (read_long("/proc/sys/kernel/apparmor_restrict_unprivileged_userns", &v) == 0 &&
		   v == 1) {
		/* Ubuntu 23.10+: the namespace is created, but without capabilities in it. */
		set_missing(st, SP_FEAT_USERNS,
			    "kernel.apparmor_restrict_unprivileged_userns=1 (writing %s: %s)",
			    files[m->stage], errno_name(m->err));
	} else {
		set_missing(st, SP_FEAT_USERNS, "writing /proc/self/%s in a new user namespace: %s",
			    files[m->stage], strerror(m->err));
	}
	if (needed_for) {
		size_t len = strlen(st->why);
		snprintf(st->why + len, sizeof(st->why) - len, " (needed for %s as uid %u)",
			 needed_for, (unsigned)geteuid());
	}
}

static bool
is_userns_stage(int stage)
{
	return stage == STAGE_USERNS || stage == STAGE_UID_MAP || stage == STAGE_SETGROUPS ||
	       stage == STAGE_GID_MAP;
}

static void
explain_killed(struct sp_feature_status *st, enum sp_feature f, const struct child_msg *m)
{
	set_missing(st, f, "the probe was killed by signal %d (%s)%s", m->err, strsignal(m->err),
		    m->err == SIGSYS ? ": a seccomp filter" : "");
}

/* ---- namespaces ---- */

struct ns_arg {
	int flag;
	bool via_userns;
};

static int
child_unshare(const void *arg, struct child_msg *m)
{
	const struct ns_arg *a = arg;

	if (a->via_userns && child_enter_userns(m) < 0)
		return -1;
	if (a->flag != CLONE_NEWUSER && unshare(a->flag) == -1)
		return fail(m, STAGE_UNSHARE, errno);
	return 0;
}

static bool
ns_present(const struct ns_type *t)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/ns/%s", t->name);
	return access(path, F_OK) == 0;
}

static int
check_ns(const struct ns_type *t, struct sp_feature_status *st)
{
	struct ns_arg a = {.flag = t->flag};
	struct child_msg m;
	char needed[64];
	int r;

	/* Without /proc at all the entry says nothing; the unshare below still does. */
	if (access("/proc/self/ns", F_OK) == 0 && !ns_present(t)) {
		set_missing(st, t->feat, "kernel lacks %s namespaces (no /proc/self/ns/%s)",
			    t->name, t->name);
		return 0;
	}
	a.via_userns = t->flag == CLONE_NEWUSER || needs_userns();
	r = run_in_child(child_unshare, &a, &m);
	if (r < 0) {
		set_missing(st, t->feat, "probe failed: %s", strerror(-r));
		return r;
	}
	snprintf(needed, sizeof(needed), "a new %s namespace", t->name);
	if (m.stage == STAGE_DONE)
		set_available(st);
	else if (m.stage == STAGE_KILLED)
		explain_killed(st, t->feat, &m);
	else if (is_userns_stage(m.stage))
		explain_userns_stage(st, &m, t->flag == CLONE_NEWUSER ? NULL : needed);
	else
		explain_ns_errno(st, t, m.err);
	return 0;
}

/*
 * A failure of a child that entered (user namespace and) private mount namespace before its
 * real work: blame the namespace that failed, or return false when the failure is later.
 */
static bool
explain_mntns_stage(struct sp_feature_status *st, enum sp_feature f, const struct child_msg *m,
		    const char *needed_for)
{
	if (m->stage == STAGE_KILLED) {
		explain_killed(st, f, m);
		return true;
	}
	if (is_userns_stage(m->stage)) {
		explain_userns_stage(st, m, needed_for);
		return true;
	}
	if (m->stage == STAGE_UNSHARE) {
		explain_ns_errno(st, ns_type_of(SP_FEAT_MNTNS), m->err);
		return true;
	}
	if (m->stage == STAGE_PRIVATE) {
		/* mount(2) needs / to be a mount's root: not so in a chroot into a directory. */
		set_missing(
		    st, f, "making / private in a new mount namespace: %s%s", strerror(m->err),
		    m->err == EINVAL && !root_is_mount() ? " (/ is not a mount point: chrooted?)"
							 : "");
		return true;
	}
	return false;
}

/* ---- mounts ---- */

struct syscall_probe {
	const char *name;
	long nr;
	long a[5];
};

/* Every call has flags the kernel rejects before acting (EINVAL), or no permission (EPERM). */
static const struct syscall_probe mount_api_probes[] = {
    {"fsopen", SYS_fsopen, {0, -1L, 0, 0, 0}},
    {"fsmount", SYS_fsmount, {-1, -1L, -1L, 0, 0}},
    {"move_mount", SYS_move_mount, {-1, 0, -1, 0, -1L}},
    {"open_tree", SYS_open_tree, {-1, 0, -1L, 0, 0}},
    {"fspick", SYS_fspick, {-1, 0, -1L, 0, 0}},
};

static const struct syscall_probe setattr_probe[] = {
    {"mount_setattr", SYS_mount_setattr, {-1, 0, -1L, 0, 0}},
};

static const struct syscall_probe pivot_probe[] = {
    /* NULL paths: EFAULT (or EPERM without CAP_SYS_ADMIN), never a pivot. */
    {"pivot_root", SYS_pivot_root, {0, 0, 0, 0, 0}},
};

struct syscalls_arg {
	const struct syscall_probe *p;
	size_t n;
};

static int
child_syscalls(const void *arg, struct child_msg *m)
{
	const struct syscalls_arg *a = arg;

	for (size_t i = 0; i < a->n && i < MSG_ERRS; i++) {
		const struct syscall_probe *p = &a->p[i];
		long r = syscall(p->nr, p->a[0], p->a[1], p->a[2], p->a[3], p->a[4]);
		m->errs[i] = r == -1 ? errno : 0;
	}
	return 0;
}

/* All present: 0.  Otherwise fills st (blaming f) and returns 1; -errno on probe failure. */
static int
check_syscalls(enum sp_feature f, const struct syscall_probe *p, size_t n,
	       struct sp_feature_status *st)
{
	struct syscalls_arg a = {p, n};
	struct child_msg m;
	int r = run_in_child(child_syscalls, &a, &m);

	if (r < 0) {
		set_missing(st, f, "probe failed: %s", strerror(-r));
		return r;
	}
	if (m.stage == STAGE_KILLED) {
		explain_killed(st, f, &m);
		return 1;
	}
	for (size_t i = 0; i < n && i < MSG_ERRS; i++) {
		if (m.errs[i] != ENOSYS)
			continue;
		set_missing(st, f, "%s(2): ENOSYS (%s)", p[i].name,
			    under_seccomp_filter() ? "absent, or hidden by a seccomp filter"
						   : "not in this kernel");
		return 1;
	}
	set_available(st);
	return 0;
}

static int
child_pivot_root(const void *arg, struct child_msg *m)
{
	const bool *via_userns = arg;
	const char *dir = scratch_dir();

	if (child_enter_private_mntns(*via_userns, m) < 0)
		return -1;
	if (mount("sandproof-probe", dir, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k") == -1)
		return fail(m, STAGE_TMPFS, errno);
	if (chdir(dir) == -1)
		return fail(m, STAGE_CHDIR, errno);
	/* pivot_root(".", ".") stacks the old root under the new one (pivot_root(2), NOTES). */
	if (syscall(SYS_pivot_root, ".", ".") == -1)
		return fail(m, STAGE_PIVOT, errno);
	return 0;
}

static int
check_pivot_root(struct sp_feature_status *st)
{
	bool via_userns = needs_userns();
	struct child_msg m;
	int r = check_syscalls(SP_FEAT_PIVOT_ROOT, pivot_probe, 1, st);

	if (r != 0)
		return r < 0 ? r : 0;
	r = run_in_child(child_pivot_root, &via_userns, &m);
	if (r < 0) {
		set_missing(st, SP_FEAT_PIVOT_ROOT, "probe failed: %s", strerror(-r));
		return r;
	}
	if (m.stage == STAGE_DONE) {
		set_available(st);
		return 0;
	}
	if (explain_mntns_stage(st, SP_FEAT_PIVOT_ROOT, &m, "pivot_root"))
		return 0;
	if (m.stage == STAGE_PIVOT && m.err == EINVAL)
		set_missing(
		    st, SP_FEAT_PIVOT_ROOT,
		    "pivot_root(2): EINVAL (is / the initramfs rootfs? it cannot be pivoted)");
	else if (m.stage == STAGE_PIVOT)
		set_missing(st, SP_FEAT_PIVOT_ROOT, "pivot_root(2): %s", strerror(m.err));
	else
		set_missing(st, SP_FEAT_PIVOT_ROOT,
			    "unknown: could not set up a tmpfs to pivot into ('%s': %s)",
			    m.stage == STAGE_TMPFS ? "mount" : "chdir", strerror(m.err));
	return 0;
}

/*
 * An idmapped mount (MOUNT_ATTR_IDMAP, 5.12; tmpfs since 6.3): clone a scratch tmpfs mounted in a
 * private mount namespace, and idmap the clone through a helper user namespace.  The mount must
 * still be detached (open_tree(OPEN_TREE_CLONE)), and the caller needs CAP_SYS_ADMIN over the
 * file system's user namespace and over the idmapping's.
 */
static int
child_idmapped(const void *arg, struct child_msg *m)
{
	const bool *via_userns = arg;
	const char *dir = scratch_dir();
	struct mount_attr attr;
	int go[2], ready[2], tree, nsfd, r;
	char path[64], map[64];
	pid_t helper;

	if (child_enter_private_mntns(*via_userns, m) < 0)
		return -1;
	if (mount("sandproof-probe", dir, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k") == -1)
		return fail(m, STAGE_TMPFS, errno);
	tree = (int)syscall(SYS_open_tree, AT_FDCWD, dir, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree == -1)
		return fail(m, STAGE_OPEN_TREE, errno);
	if (pipe2(go, O_CLOEXEC) == -1 || pipe2(ready, O_CLOEXEC) == -1)
		return fail(m, STAGE_IDMAP_NS, errno);
	helper = fork();
	if (helper == -1)
		return fail(m, STAGE_IDMAP_NS, errno);
	if (helper == 0) {
		int e = unshare(CLONE_NEWUSER) == -1 ? errno : 0;
		char c;
		close(go[1]);
		if (write(ready[1], &e, sizeof(e)) != (ssize_t)sizeof(e))
			_exit(1);
		/* Lives until the prober closes its end. */
		while (read(go[0], &c, 1) == -1 && errno == EINTR)
			;
		_exit(0);
	}
	close(go[0]);
	close(ready[1]);
	{
		int e = EPROTO;
		if (read(ready[0], &e, sizeof(e)) != (ssize_t)sizeof(e))
			e = EPROTO;
		r = e ? fail(m, STAGE_USERNS, e) : 0;
	}
	if (r == 0) {
		snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)geteuid());
		snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)helper);
		r = write_text(path, map);
		if (r == 0) {
			snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)getegid());
			snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)helper);
			r = write_text(path, map);
		}
		if (r < 0)
			r = fail(m, STAGE_IDMAP_NS, -r);
	}
	if (r == 0) {
		snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)helper);
		nsfd = open(path, O_RDONLY | O_CLOEXEC);
		if (nsfd == -1) {
			r = fail(m, STAGE_IDMAP_NS, errno);
		} else {
			memset(&attr, 0, sizeof(attr));
			attr.attr_set = MOUNT_ATTR_IDMAP;
			attr.userns_fd = (uint64_t)nsfd;
			if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &attr,
				    sizeof(attr)) == -1)
				r = fail(m, STAGE_SETATTR, errno);
			close(nsfd);
		}
	}
	close(go[1]);
	while (waitpid(helper, NULL, 0) == -1 && errno == EINTR)
		;
	return r;
}

static int
check_idmapped(struct sp_feature_status *st)
{
	bool via_userns = needs_userns();
	struct child_msg m;
	int r = check_syscalls(SP_FEAT_IDMAPPED_MOUNTS, setattr_probe, 1, st);

	if (r != 0)
		return r < 0 ? r : 0;
	r = run_in_child(child_idmapped, &via_userns, &m);
	if (r < 0) {
		set_missing(st, SP_FEAT_IDMAPPED_MOUNTS, "probe failed: %s", strerror(-r));
		return r;
	}
	if (m.stage == STAGE_DONE) {
		set_available(st);
		return 0;
	}
	if (explain_mntns_stage(st, SP_FEAT_IDMAPPED_MOUNTS, &m,
				"an idmapped mount's user namespace"))
		return 0;
	switch (m.stage) {
	case STAGE_SETATTR:
		set_missing(st, SP_FEAT_IDMAPPED_MOUNTS,
			    m.err == EINVAL ? "mount_setattr(MOUNT_ATTR_IDMAP) on tmpfs: EINVAL "
					      "(kernel before 6.3 or without idmapped mounts)"
					    : "mount_setattr(MOUNT_ATTR_IDMAP) on tmpfs: %s",
			    strerror(m.err));
		break;
	case STAGE_IDMAP_NS:
		set_missing(st, SP_FEAT_IDMAPPED_MOUNTS,
			    "preparing the idmapping's user namespace: %s", strerror(m.err));
		break;
	default:
		set_missing(st, SP_FEAT_IDMAPPED_MOUNTS, "unknown: could not prepare a tmpfs: %s",
			    strerror(m.err));
	}
	return 0;
}

/* ---- seccomp, Landlock ---- */

static int
child_seccomp(const void *arg, struct child_msg *m)
{
	uint32_t action = SECCOMP_RET_ERRNO;

	(void)arg;
	m->val = prctl(PR_GET_SECCOMP, 0, 0, 0, 0);
	if (m->val == -1)
		return fail(m, STAGE_OP, errno);
	if (syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) == 0)
		return 0;
	m->errs[0] = errno;
	if (errno != ENOSYS)
		return fail(m, STAGE_SETATTR, errno);
	/* Before seccomp(2) (3.17): a NULL program gives EFAULT (or EACCES) when filters exist. */
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, NULL, 0, 0) == -1 &&
	    (errno == EFAULT || errno == EACCES))
		return 0;
	return fail(m, STAGE_SETATTR, errno);
}

static int
check_seccomp(struct sp_feature_status *st)
{
	struct child_msg m;
	int r = run_in_child(child_seccomp, NULL, &m);

	if (r < 0) {
		set_missing(st, SP_FEAT_SECCOMP, "probe failed: %s", strerror(-r));
		return r;
	}
	if (m.stage == STAGE_DONE)
		set_available(st);
	else if (m.stage == STAGE_KILLED)
		explain_killed(st, SP_FEAT_SECCOMP, &m);
	else if (m.stage == STAGE_OP)
		set_missing(st, SP_FEAT_SECCOMP,
			    "prctl(PR_GET_SECCOMP): %s (kernel without "
			    "CONFIG_SECCOMP)",
			    errno_name(m.err));
	else
		set_missing(st, SP_FEAT_SECCOMP,
			    "seccomp(SECCOMP_GET_ACTION_AVAIL): %s (kernel without "
			    "CONFIG_SECCOMP_FILTER)",
			    errno_name(m.err));
	return 0;
}

static int
child_landlock(const void *arg, struct child_msg *m)
{
	(void)arg;
	m->val = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	if (m->val == -1)
		return fail(m, STAGE_OP, errno);
	return 0;
}

int
sp_landlock_abi(void)
{
	struct child_msg m;
	int r = run_in_child(child_landlock, NULL, &m);

	if (r < 0)
		return r;
	if (m.stage == STAGE_KILLED)
		return -EPERM;
	if (m.stage != STAGE_DONE)
		return -m.err;
	return (int)m.val;
}

static int
check_landlock(struct sp_feature_status *st)
{
	int abi = sp_landlock_abi();

	if (abi >= 1)
		set_available(st);
	else if (abi == -ENOSYS)
		set_missing(st, SP_FEAT_LANDLOCK,
			    "landlock_create_ruleset(2): ENOSYS (kernel without "
			    "CONFIG_SECURITY_LANDLOCK%s)",
			    under_seccomp_filter() ? ", or a seccomp filter" : "");
	else if (abi == -EOPNOTSUPP)
		set_missing(st, SP_FEAT_LANDLOCK,
			    "Landlock is built in but not enabled (lsm= at "
			    "boot)");
	else
		set_missing(st, SP_FEAT_LANDLOCK, "landlock_create_ruleset(2): %s",
			    strerror(abi < 0 ? -abi : EINVAL));
	return 0;
}

/* ---- identity ---- */

static void
check_identity(enum sp_feature f, struct sp_feature_status *st)
{
	uid_t euid = geteuid();
	bool init_ns = in_initial_userns();

	switch (f) {
	case SP_FEAT_ROOT:
		if (euid == 0 && init_ns)
			set_available(st);
		else if (euid == 0)
			set_missing(st, f,
				    "euid 0 only inside a user namespace, not the initial one");
		else
			set_missing(st, f, "running as uid %u, not root", (unsigned)euid);
		return;
	case SP_FEAT_UNPRIVILEGED:
		if (euid != 0)
			set_available(st);
		else
			set_missing(st, f, "running as root (euid 0)");
		return;
	default: /* SP_FEAT_HOST_MOUNT */
		if (euid == 0 && init_ns && has_cap(CAP_SYS_ADMIN))
			set_available(st);
		else if (!init_ns)
			set_missing(st, f,
				    "in a user namespace other than the initial one, which cannot "
				    "mount in the host's mount namespace");
		else if (euid != 0)
			set_missing(st, f, "running as uid %u, not root", (unsigned)euid);
		else
			set_missing(st, f, "no CAP_SYS_ADMIN");
	}
}

/* ---- terminals, IPC, keys ---- */

static int
child_pty(const void *arg, struct child_msg *m)
{
	int unlock = 0, fd, peer;

	(void)arg;
	fd = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd == -1)
		return fail(m, STAGE_OP, errno);
	if (ioctl(fd, TIOCSPTLCK, &unlock) == -1)
		return fail(m, STAGE_OP, errno);
	peer = ioctl(fd, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (peer == -1)
		return fail(m, STAGE_SETATTR, errno);
	close(peer);
	close(fd);
	return 0;
}

static int
child_sysv(const void *arg, struct child_msg *m)
{
	int id;

	(void)arg;
	id = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	if (id == -1)
		return fail(m, STAGE_OP, errno);
	msgctl(id, IPC_RMID, NULL);
	return 0;
}

static int
child_mqueue(const void *arg, struct child_msg *m)
{
	char name[64];
	mqd_t q;

	(void)arg;
	snprintf(name, sizeof(name), "/sandproof-probe-%d", (int)getpid());
	q = mq_open(name, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600, NULL);
	if (q == (mqd_t)-1)
		return fail(m, STAGE_OP, errno);
	mq_close(q);
	mq_unlink(name);
	return 0;
}

static int
child_keyring(const void *arg, struct child_msg *m)
{
	(void)arg;
	/* A fresh anonymous session keyring: the caller's keyrings are not touched. */
	if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) == -1)
		return fail(m, STAGE_OP, errno);
	if (syscall(SYS_add_key, "user", "sandproof-probe", "x", (size_t)1,
		    KEY_SPEC_SESSION_KEYRING) == -1)
		return fail(m, STAGE_OP, errno);
	return 0;
}

static int
check_op(enum sp_feature f, child_fn fn, const char *what, const char *config,
	 struct sp_feature_status *st)
{
	struct child_msg m;
	int r = run_in_child(fn, NULL, &m);

	if (r < 0) {
		set_missing(st, f, "probe failed: %s", strerror(-r));
		return r;
	}
	if (m.stage == STAGE_DONE)
		set_available(st);
	else if (m.stage == STAGE_KILLED)
		explain_killed(st, f, &m);
	else if (m.err == ENOSYS)
		set_missing(st, f, "%s: ENOSYS (kernel without %s)", what, config);
	else
		set_missing(st, f, "%s: %s", what, strerror(m.err));
	return 0;
}

static int
check_tiocsti(struct sp_feature_status *st)
{
	long v;
	int r = read_long("/proc/sys/dev/tty/legacy_tiocsti", &v);

	/* No sysctl (before 6.2): TIOCSTI is always allowed. */
	if (r < 0 && r != -ENOENT)
		set_missing(st, SP_FEAT_LEGACY_TIOCSTI, "reading dev.tty.legacy_tiocsti: %s",
			    strerror(-r));
	else if (r == 0 && v == 0)
		set_missing(st, SP_FEAT_LEGACY_TIOCSTI, "dev.tty.legacy_tiocsti=0");
	else
		set_available(st);
	return 0;
}

/* ---- cgroups ---- */

/* Which cgroup file system types /proc/self/mountinfo shows: bit 0 cgroup (v1), bit 1 cgroup2. */
static int
cgroup_mounts(void)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096];
	int seen = 0;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		const char *sep = strstr(line, " - ");
		if (!sep)
			continue;
		if (strncmp(sep, " - cgroup ", 10) == 0)
			seen |= 1;
		else if (strncmp(sep, " - cgroup2 ", 11) == 0)
			seen |= 2;
	}
	fclose(f);
	return seen;
}

const char *
sp_cgroup_layout(void)
{
	struct statfs sf;

	if (statfs("/sys/fs/cgroup", &sf) == -1)
		return "none";
	if (sf.f_type == CGROUP2_SUPER_MAGIC)
		return "v2";
	if (sf.f_type == CGROUP_SUPER_MAGIC)
		return "v1";
	if (statfs("/sys/fs/cgroup/unified", &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC)
		return "hybrid";
	{
		int seen = cgroup_mounts();
		if (seen > 0 && (seen & 1))
			return "v1";
	}
	return "none";
}

static int
check_cgroup(enum sp_feature f, struct sp_feature_status *st)
{
	int seen = cgroup_mounts();
	int bit = f == SP_FEAT_CGROUP_V1 ? 1 : 2;

	if (seen < 0) {
		set_missing(st, f, "reading /proc/self/mountinfo: %s", strerror(-seen));
		return seen;
	}
	if (seen & bit)
		set_available(st);
	else
		set_missing(st, f, "no %s file system is mounted", bit == 1 ? "cgroup" : "cgroup2");
	return 0;
}

/* ---- the entry points ---- */

int
sp_feature_check(enum sp_feature f, struct sp_feature_status *st)
{
	const struct ns_type *t = ns_type_of(f);

	if (t)
		return check_ns(t, st);
	switch (f) {
	case SP_FEAT_PIVOT_ROOT:
		return check_pivot_root(st);
	case SP_FEAT_NEW_MOUNT_API:
		return check_syscalls(f, mount_api_probes,
				      sizeof(mount_api_probes) / sizeof(mount_api_probes[0]),
				      st) < 0
			   ? -EIO
			   : 0;
	case SP_FEAT_MOUNT_SETATTR:
		return check_syscalls(f, setattr_probe, 1, st) < 0 ? -EIO : 0;
	case SP_FEAT_IDMAPPED_MOUNTS:
		return check_idmapped(st);
	case SP_FEAT_SECCOMP:
		return check_seccomp(st);
	case SP_FEAT_LANDLOCK:
		return check_landlock(st);
	case SP_FEAT_HOST_MOUNT:
	case SP_FEAT_ROOT:
	case SP_FEAT_UNPRIVILEGED:
		check_identity(f, st);
		return 0;
	case SP_FEAT_PTY:
		return check_op(f, child_pty, "open('/dev/ptmx')", "CONFIG_UNIX98_PTYS", st);
	case SP_FEAT_LEGACY_TIOCSTI:
		return check_tiocsti(st);
	case SP_FEAT_SYSV_IPC:
		return check_op(f, child_sysv, "msgget(IPC_PRIVATE)", "CONFIG_SYSVIPC", st);
	case SP_FEAT_POSIX_MQUEUE:
		return check_op(f, child_mqueue, "mq_open", "CONFIG_POSIX_MQUEUE", st);
	case SP_FEAT_KEYRING:
		return check_op(f, child_keyring, "add_key into a new session keyring",
				"CONFIG_KEYS", st);
	case SP_FEAT_CGROUP_V1:
	case SP_FEAT_CGROUP_V2:
		return check_cgroup(f, st);
	default:
		set_missing(st, f, "no probe for feature %d", (int)f);
		return -EINVAL;
	}
}

bool
sp_environment_forbids(const enum sp_feature *needs, size_t n, struct sp_feature_status *st)
{
	for (size_t i = 0; i < n; i++) {
		if (sp_feature_check(needs[i], st) == 0 && !st->available)
			return true;
	}
	memset(st, 0, sizeof(*st));
	st->available = true;
	return false;
}

/*
 * Every sandbox needs user (unless root), mount and pid namespaces: any failure to create one
 * explains a sandbox that could not start.  The other types are blamed only when the kernel has
 * them and this environment still refuses them (a limit, a policy), so a sandbox that fails for
 * its own reasons on an old kernel without time namespaces is not excused by their absence.
 */
bool
sp_environment_forbids_sandbox(struct sp_feature_status *st)
{
	static const enum sp_feature core[] = {SP_FEAT_USERNS, SP_FEAT_MNTNS, SP_FEAT_PIDNS};

	if (sp_environment_forbids(core, sizeof(core) / sizeof(core[0]), st))
		return true;
	for (size_t i = 0; i < N_NS_TYPES; i++) {
		const struct ns_type *t = &ns_types[i];
		if (t->feat == SP_FEAT_USERNS || t->feat == SP_FEAT_MNTNS ||
		    t->feat == SP_FEAT_PIDNS || !ns_present(t))
			continue;
		if (check_ns(t, st) == 0 && !st->available)
			return true;
	}
	memset(st, 0, sizeof(*st));
	st->available = true;
	return false;
}

/* ---- the report of `sandproof kernel` ---- */

static const char *const report_sysctls[] = {
    "user.max_user_namespaces",
    "user.max_mnt_namespaces",
    "user.max_pid_namespaces",
    "user.max_net_namespaces",
    "user.max_uts_namespaces",
    "user.max_ipc_namespaces",
    "user.max_cgroup_namespaces",
    "user.max_time_namespaces",
    "kernel.unprivileged_userns_clone",             /* Debian */
    "kernel.apparmor_restrict_unprivileged_userns", /* Ubuntu 23.10+ */
    "kernel.yama.ptrace_scope",
    "dev.tty.legacy_tiocsti", /* 6.2+ */
};
#define N_SYSCTLS (sizeof(report_sysctls) / sizeof(report_sysctls[0]))

static const char *const report_config[] = {
    "CONFIG_USER_NS",
    "CONFIG_PID_NS",
    "CONFIG_NET_NS",
    "CONFIG_UTS_NS",
    "CONFIG_IPC_NS",
    "CONFIG_TIME_NS",
    "CONFIG_CGROUPS",
    "CONFIG_CHECKPOINT_RESTORE",
    "CONFIG_SECCOMP",
    "CONFIG_SECCOMP_FILTER",
    "CONFIG_SECURITY_LANDLOCK",
    "CONFIG_SECURITY_YAMA",
    "CONFIG_SECURITY_APPARMOR",
    "CONFIG_SECURITY_SELINUX",
    "CONFIG_BPF_LSM",
    "CONFIG_LSM",
    "CONFIG_LEGACY_TIOCSTI",
    "CONFIG_UNIX98_PTYS",
    "CONFIG_SYSVIPC",
    "CONFIG_POSIX_MQUEUE",
    "CONFIG_KEYS",
    "CONFIG_TMPFS",
};
#define N_CONFIG (sizeof(report_config) / sizeof(report_config[0]))

/* LSM ids of lsm_list_modules(2) (include/uapi/linux/lsm.h, 6.8), from LSM_ID_CAPABILITY = 100. */
static const char *const lsm_ids[] = {"capability", "selinux", "smack",     "tomoyo",   "apparmor",
				      "yama",       "loadpin", "safesetid", "lockdown", "bpf",
				      "landlock",   "ima",     "evm",       "ipe"};

struct report {
	struct utsname uts;
	unsigned euid, egid;
	bool init_userns, cap_sys_admin;
	long seccomp_mode, no_new_privs;
	bool ns_present[N_NS_TYPES];
	struct sp_feature_status ns[N_NS_TYPES];
	bool sysctl_present[N_SYSCTLS];
	char sysctl[N_SYSCTLS][64];
	char lsm[512];
	const char *lsm_source;
	struct sp_feature_status feat[SP_FEAT__COUNT];
	int landlock_abi;
	bool forbids_sandbox;
	struct sp_feature_status sandbox;
	const char *cgroup_layout;
	char config_source[256];
	bool config_present[N_CONFIG];
	char config[N_CONFIG][160];
};

static int
child_lsm_list(const void *arg, struct child_msg *m)
{
	uint64_t ids[64];
	uint32_t size = sizeof(ids);
	long n;

	(void)arg;
	n = syscall(SYS_lsm_list_modules, ids, &size, 0);
	if (n < 0)
		return fail(m, STAGE_OP, errno);
	for (long i = 0; i < n && i < 64; i++)
		if (ids[i] >= 100 && ids[i] < 164)
			m->bits |= UINT64_C(1) << (ids[i] - 100);
	return 0;
}

static void
gather_lsm(struct report *r)
{
	struct child_msg m;
	size_t len = 0;

	if (read_text("/sys/kernel/security/lsm", r->lsm, sizeof(r->lsm)) > 0) {
		r->lsm_source = "/sys/kernel/security/lsm";
		return;
	}
	r->lsm[0] = '\0';
	r->lsm_source = NULL;
	if (run_in_child(child_lsm_list, NULL, &m) < 0 || m.stage != STAGE_DONE)
		return;
	r->lsm_source = "lsm_list_modules(2)";
	for (size_t i = 0; i < 64; i++) {
		if (!(m.bits & (UINT64_C(1) << i)))
			continue;
		if (i < sizeof(lsm_ids) / sizeof(lsm_ids[0]))
			len += (size_t)snprintf(r->lsm + len, sizeof(r->lsm) - len, "%s%s",
						len ? "," : "", lsm_ids[i]);
		else
			len += (size_t)snprintf(r->lsm + len, sizeof(r->lsm) - len, "%slsm-%zu",
						len ? "," : "", 100 + i);
		if (len >= sizeof(r->lsm))
			break;
	}
}

/* Reads one config line ("CONFIG_X=v" or "# CONFIG_X is not set") into the report. */
static void
config_line(struct report *r, const char *line)
{
	for (size_t i = 0; i < N_CONFIG; i++) {
		size_t n = strlen(report_config[i]);
		if (strncmp(line, report_config[i], n) == 0 && line[n] == '=') {
			snprintf(r->config[i], sizeof(r->config[i]), "%.*s",
				 (int)strcspn(line + n + 1, "\n"), line + n + 1);
			r->config_present[i] = true;
		} else if (strncmp(line, "# ", 2) == 0 &&
			   strncmp(line + 2, report_config[i], n) == 0 &&
			   strncmp(line + 2 + n, " is not set", 11) == 0) {
			snprintf(r->config[i], sizeof(r->config[i]), "n");
			r->config_present[i] = true;
		}
	}
}

/* A gzip'ed config goes through gzip(1): no zlib in the harness library. */
static int
read_config(struct report *r, const char *path)
{
	size_t plen = strlen(path);
	bool gz = plen > 3 && strcmp(path + plen - 3, ".gz") == 0;
	char *line = NULL;
	size_t cap = 0;
	pid_t pid = -1;
	FILE *f;
	int p[2];

	if (access(path, R_OK) == -1)
		return -errno;
	if (!gz) {
		f = fopen(path, "re");
	} else {
		if (pipe2(p, O_CLOEXEC) == -1)
			return -errno;
		pid = fork();
		if (pid == -1) {
			close(p[0]);
			close(p[1]);
			return -EAGAIN;
		}
		if (pid == 0) {
			int null = open("/dev/null", O_RDWR | O_CLOEXEC);
			if (dup2(p[1], 1) == -1 ||
			    (null >= 0 && (dup2(null, 0) == -1 || dup2(null, 2) == -1)))
				_exit(127);
			execlp("gzip", "gzip", "-dc", "--", path, (char *)NULL);
			_exit(127);
		}
		close(p[1]);
		f = fdopen(p[0], "r");
		if (!f)
			close(p[0]);
	}
	if (!f)
		return -errno;
	while (getline(&line, &cap, f) != -1)
		config_line(r, line);
	free(line);
	fclose(f);
	if (pid > 0) {
		int status;
		while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
			;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			return -EIO;
	}
	snprintf(r->config_source, sizeof(r->config_source), "%s", path);
	return 0;
}

static void
gather_config(struct report *r)
{
	const char *env = getenv("KCONFIG_PATH"); /* as LTP's tst_kconfig */
	char boot[sizeof(r->uts.release) + 32];

	snprintf(boot, sizeof(boot), "/boot/config-%s", r->uts.release);
	if (env && *env && read_config(r, env) == 0)
		return;
	if (read_config(r, "/proc/config.gz") == 0)
		return;
	if (read_config(r, boot) == 0)
		return;
	memset(r->config_present, 0, sizeof(r->config_present));
	r->config_source[0] = '\0';
}

static void
gather(struct report *r)
{
	memset(r, 0, sizeof(*r));
	uname(&r->uts);
	r->euid = (unsigned)geteuid();
	r->egid = (unsigned)getegid();
	r->init_userns = in_initial_userns();
	r->cap_sys_admin = has_cap(CAP_SYS_ADMIN);
	r->seccomp_mode = status_field("Seccomp");
	r->no_new_privs = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
	for (size_t i = 0; i < N_NS_TYPES; i++) {
		r->ns_present[i] = ns_present(&ns_types[i]);
		sp_feature_check(ns_types[i].feat, &r->ns[i]);
	}
	for (size_t i = 0; i < N_SYSCTLS; i++) {
		char path[128];
		size_t j;
		snprintf(path, sizeof(path), "/proc/sys/%s", report_sysctls[i]);
		for (j = strlen("/proc/sys/"); path[j]; j++)
			if (path[j] == '.')
				path[j] = '/';
		r->sysctl_present[i] = read_text(path, r->sysctl[i], sizeof(r->sysctl[i])) >= 0;
	}
	gather_lsm(r);
	for (int f = 0; f < SP_FEAT__COUNT; f++)
		if (!ns_type_of((enum sp_feature)f))
			sp_feature_check((enum sp_feature)f, &r->feat[f]);
	r->landlock_abi = sp_landlock_abi();
	r->forbids_sandbox = sp_environment_forbids_sandbox(&r->sandbox);
	r->cgroup_layout = sp_cgroup_layout();
	gather_config(r);
}

/* ---- kv and json ---- */

struct emitter {
	FILE *out;
	enum sp_report_format fmt;
	bool first;
};

static void
put_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(out, "\\u%04x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

static void
emit_key(struct emitter *e, const char *key)
{
	if (e->fmt == SP_REPORT_JSON) {
		fputs(e->first ? "{\n  " : ",\n  ", e->out);
		put_json_string(e->out, key);
		fputs(": ", e->out);
	} else {
		fprintf(e->out, "%s=", key);
	}
	e->first = false;
}

/* NULL is JSON null and an empty kv value. */
static void
emit_str(struct emitter *e, const char *key, const char *val)
{
	emit_key(e, key);
	if (e->fmt == SP_REPORT_JSON) {
		if (val)
			put_json_string(e->out, val);
		else
			fputs("null", e->out);
		return;
	}
	for (const char *p = val ? val : ""; *p; p++)
		fputc(*p == '\n' ? ' ' : *p, e->out);
	fputc('\n', e->out);
}

static void
emit_bool(struct emitter *e, const char *key, bool val)
{
	emit_key(e, key);
	if (e->fmt == SP_REPORT_JSON)
		fputs(val ? "true" : "false", e->out);
	else
		fputs(val ? "yes\n" : "no\n", e->out);
}

static void
emit_long(struct emitter *e, const char *key, long val)
{
	emit_key(e, key);
	fprintf(e->out, e->fmt == SP_REPORT_JSON ? "%ld" : "%ld\n", val);
}

static void
emit_status(struct emitter *e, const char *prefix, const char *avail_key,
	    const struct sp_feature_status *st)
{
	char key[96];

	snprintf(key, sizeof(key), "%s.%s", prefix, avail_key);
	emit_bool(e, avail_key[0] ? key : prefix, st->available);
	snprintf(key, sizeof(key), "%s.code", prefix);
	emit_str(e, key, st->available ? NULL : st->code);
	snprintf(key, sizeof(key), "%s.why", prefix);
	emit_str(e, key, st->available ? NULL : st->why);
}

/* A sysctl's value as a number when it is one. */
static void
emit_sysctl(struct emitter *e, const char *key, bool present, const char *val)
{
	char *end;
	long v;

	if (!present) {
		emit_str(e, key, NULL);
		return;
	}
	errno = 0;
	v = strtol(val, &end, 10);
	if (!errno && end != val && !*end)
		emit_long(e, key, v);
	else
		emit_str(e, key, val);
}

static void
report_machine(FILE *out, enum sp_report_format fmt, const struct report *r)
{
	struct emitter e = {out, fmt, true};
	char key[128];

	emit_long(&e, "report.version", 1);
	emit_str(&e, "kernel.release", r->uts.release);
	emit_str(&e, "kernel.version", r->uts.version);
	emit_str(&e, "kernel.machine", r->uts.machine);
	emit_long(&e, "process.euid", (long)r->euid);
	emit_long(&e, "process.egid", (long)r->egid);
	emit_bool(&e, "process.initial_userns", r->init_userns);
	emit_bool(&e, "process.cap_sys_admin", r->cap_sys_admin);
	emit_long(&e, "process.seccomp_mode", r->seccomp_mode);
	emit_long(&e, "process.no_new_privs", r->no_new_privs);
	for (size_t i = 0; i < N_NS_TYPES; i++) {
		snprintf(key, sizeof(key), "ns.%s.present", ns_types[i].name);
		emit_bool(&e, key, r->ns_present[i]);
		snprintf(key, sizeof(key), "ns.%s", ns_types[i].name);
		emit_status(&e, key, "creatable", &r->ns[i]);
	}
	for (size_t i = 0; i < N_SYSCTLS; i++) {
		snprintf(key, sizeof(key), "sysctl.%s", report_sysctls[i]);
		emit_sysctl(&e, key, r->sysctl_present[i], r->sysctl[i]);
	}
	emit_str(&e, "lsm.list", r->lsm_source ? r->lsm : NULL);
	emit_str(&e, "lsm.source", r->lsm_source);
	for (int f = 0; f < SP_FEAT__COUNT; f++) {
		if (ns_type_of((enum sp_feature)f))
			continue;
		snprintf(key, sizeof(key), "feature.%s", sp_feature_name((enum sp_feature)f));
		emit_status(&e, key, "", &r->feat[f]);
	}
	emit_long(&e, "landlock.abi", r->landlock_abi > 0 ? r->landlock_abi : 0);
	emit_status(&e, "sandbox", "allowed", &r->sandbox);
	emit_str(&e, "cgroup.layout", r->cgroup_layout);
	emit_str(&e, "config.source", r->config_source[0] ? r->config_source : NULL);
	for (size_t i = 0; i < N_CONFIG; i++) {
		snprintf(key, sizeof(key), "config.%s", report_config[i]);
		emit_str(&e, key, r->config_present[i] ? r->config[i] : NULL);
	}
	if (fmt == SP_REPORT_JSON)
		fputs("\n}\n", out);
}

/* ---- the table for people ---- */

static void
table_status(FILE *out, const char *name, const struct sp_feature_status *st, const char *extra)
{
	if (st->available)
		fprintf(out, "  %-18s yes%s%s\n", name, extra && *extra ? "  " : "",
			extra ? extra : "");
	else
		fprintf(out, "  %-18s no   %s: %s\n", name, st->code, st->why);
}

static void
report_table(FILE *out, const struct report *r)
{
	char extra[64];

	fprintf(out, "kernel   %s %s (%s)\n", r->uts.release, r->uts.version, r->uts.machine);
	fprintf(
	    out,
	    "process  euid %u egid %u, %s user namespace, %s, seccomp mode %ld, no_new_privs %ld\n",
	    r->euid, r->egid, r->init_userns ? "initial" : "non-initial",
	    r->cap_sys_admin ? "CAP_SYS_ADMIN" : "no CAP_SYS_ADMIN", r->seccomp_mode,
	    r->no_new_privs);

	fprintf(out, "\nnamespaces (creatable by this user, tried in a child)\n");
	fprintf(out, "  %-8s %-8s %-10s %-10s %s\n", "type", "present", "creatable", "limit",
		"reason");
	for (size_t i = 0; i < N_NS_TYPES; i++) {
		const struct sp_feature_status *st = &r->ns[i];
		char row[64];
		snprintf(row, sizeof(row), "  %-8s %-8s %-10s %s", ns_types[i].name,
			 r->ns_present[i] ? "yes" : "no", st->available ? "yes" : "no",
			 r->sysctl_present[i] ? r->sysctl[i] : "-");
		if (st->available)
			fprintf(out, "%s\n", row);
		else
			fprintf(out, "%-42s %s: %s\n", row, st->code, st->why);
	}

	fprintf(out, "\nsettings\n");
	for (size_t i = 8; i < N_SYSCTLS; i++)
		fprintf(out, "  %-46s %s\n", report_sysctls[i],
			r->sysctl_present[i] ? r->sysctl[i] : "(absent)");
	fprintf(out, "  %-46s %s%s%s%s\n", "lsm", r->lsm_source ? r->lsm : "(unknown)",
		r->lsm_source ? " (from " : "", r->lsm_source ? r->lsm_source : "",
		r->lsm_source ? ")" : "");
	fprintf(out, "  %-46s %s\n", "cgroup layout", r->cgroup_layout);
	if (r->forbids_sandbox)
		fprintf(out, "  %-46s no: %s: %s\n", "sandboxes allowed", r->sandbox.code,
			r->sandbox.why);
	else
		fprintf(out, "  %-46s yes\n", "sandboxes allowed");

	fprintf(out, "\nfeatures\n");
	for (int f = 0; f < SP_FEAT__COUNT; f++) {
		if (ns_type_of((enum sp_feature)f))
			continue;
		extra[0] = '\0';
		if (f == SP_FEAT_LANDLOCK && r->landlock_abi > 0)
			snprintf(extra, sizeof(extra), "ABI %d", r->landlock_abi);
		table_status(out, sp_feature_name((enum sp_feature)f), &r->feat[f], extra);
	}

	if (!r->config_source[0]) {
		fprintf(out,
			"\nkernel config: not readable (/proc/config.gz, /boot/config-%s, "
			"$KCONFIG_PATH)\n",
			r->uts.release);
		return;
	}
	fprintf(out, "\nkernel config (%s)\n", r->config_source);
	for (size_t i = 0; i < N_CONFIG; i++)
		fprintf(out, "  %-28s %s\n", report_config[i],
			r->config_present[i] ? r->config[i] : "(not in config)");
}

int
sp_kernel_report(FILE *out, enum sp_report_format fmt)
{
	struct report *r = calloc(1, sizeof(*r));

	if (!r)
		return -ENOMEM;
	fflush(NULL);
	gather(r);
	if (fmt == SP_REPORT_TABLE)
		report_table(out, r);
	else
		report_machine(out, fmt, r);
	free(r);
	if (fflush(out) == EOF || ferror(out))
		return -EIO;
	return 0;
}

bool
sp_nested_userns_refused(struct sp_feature_status *st)
{
	long v;
	memset(st, 0, sizeof(*st));
	if (read_long("/proc/sys/kernel/unprivileged_userns_clone", &v) != 0 || v != 0)
		return false;
	snprintf(st->code, sizeof(st->code), "userns-unavailable");
	snprintf(st->why, sizeof(st->why),
		 "kernel.unprivileged_userns_clone=0 refuses nested user namespaces (EPERM) before "
		 "a limit lowered in one could be seen");
	return true;
}
