/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Helpers for libsbx's own tests (header-only: the Makefile builds only *_test.c here).
 * The test process never creates namespaces or mounts itself: that happens in forked children
 * (which never call ATF, ../../KYUA-ATF.md section 3) or in sbx-run, which is run as a
 * subprocess.  Children report through pipes; the parent alone decides pass or fail.
 */
#ifndef SBX_LIBTEST_H
#define SBX_LIBTEST_H

#include <atf-c.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sp.h"

#define LT_SKIP 77
#define LT_UNCONST(p) ((char *)(uintptr_t)(p))
#define LT_OUT_SIZE (256 * 1024)

struct lt_out {
	int status; /* exit code, 128+N for a signal, -1 when it could not run */
	char out[LT_OUT_SIZE];
	char err[16384];
};

/* A hook run in the forked child just before execve; nonzero: _exit(LT_SKIP) with the message
 * it wrote to stderr. */
typedef int (*lt_pre_exec)(void *arg);

static inline int
lt_status_code(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return -1;
}

/* sbx-run: the kyua config var `sbx_run`, else the build tree's tools/sbx-run. */
static inline const char *
lt_sbx_run(const atf_tc_t *tc)
{
	static char path[PATH_MAX];
	const char *v = atf_tc_get_config_var_wd(tc, "sbx_run", "");
	if (v[0]) {
		snprintf(path, sizeof(path), "%s", v);
		return path;
	}
	snprintf(path, sizeof(path), "%s/../../tools/sbx-run", atf_tc_get_config_var(tc, "srcdir"));
	if (access(path, X_OK) != 0)
		atf_tc_skip("sbx-run not found at '%s' (set test_suites.sandproof.sbx_run)", path);
	return path;
}

static inline const char *
lt_srcdir(const atf_tc_t *tc)
{
	static char dir[PATH_MAX];
	if (!realpath(atf_tc_get_config_var(tc, "srcdir"), dir))
		snprintf(dir, sizeof(dir), "%s", atf_tc_get_config_var(tc, "srcdir"));
	return dir;
}

/* Reads once from fd into buf (kept terminated, excess dropped); false at EOF or error. */
static inline bool
lt_drain(int fd, char *buf, size_t size, size_t *len)
{
	char tmp[4096];
	ssize_t n = read(fd, tmp, sizeof(tmp));
	if (n < 0 && errno == EINTR)
		return true;
	if (n <= 0)
		return false;
	size_t room = size - 1 - *len;
	size_t c = (size_t)n < room ? (size_t)n : room;
	memcpy(buf + *len, tmp, c);
	*len += c;
	buf[*len] = '\0';
	return true;
}

/*
 * Parent side of a captured child: closes the write ends, reads stdout and stderr into o until
 * both close, reaps PID and sets o->status.
 */
static inline void
lt_collect(pid_t pid, int po[2], int pe[2], struct lt_out *o)
{
	close(po[1]);
	close(pe[1]);
	size_t lo = 0, le = 0;
	struct pollfd p[2] = {{.fd = po[0], .events = POLLIN}, {.fd = pe[0], .events = POLLIN}};
	while (p[0].fd >= 0 || p[1].fd >= 0) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < 2; i++) {
			if (p[i].fd < 0 || !p[i].revents)
				continue;
			bool more = i == 0 ? lt_drain(p[i].fd, o->out, sizeof(o->out), &lo)
					   : lt_drain(p[i].fd, o->err, sizeof(o->err), &le);
			if (!more) {
				close(p[i].fd);
				p[i].fd = -1;
			}
		}
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		ATF_REQUIRE(errno == EINTR);
	o->status = lt_status_code(st);
}

/*
 * Runs argv (argv[0] a path) with stdout and stderr captured, in cwd (or the current one), with
 * extra environment entries "NAME=VALUE" added; hook runs in the child before execve.  The
 * child keeps fd keep_fd open across exec when >= 0.  Returns o->status.
 */
static inline int
lt_exec_full(char *const argv[], const char *cwd, char *const extra_env[], int keep_fd,
	     lt_pre_exec hook, void *hook_arg, struct lt_out *o)
{
	int po[2], pe[2];
	memset(o, 0, sizeof(*o));
	o->status = -1;
	ATF_REQUIRE(pipe2(po, O_CLOEXEC) == 0);
	ATF_REQUIRE(pipe2(pe, O_CLOEXEC) == 0);
	fflush(NULL);
	pid_t pid = fork();
	ATF_REQUIRE(pid >= 0);
	if (pid == 0) {
		dup2(po[1], 1);
		dup2(pe[1], 2);
		int devnull = open("/dev/null", O_RDONLY);
		if (devnull >= 0)
			dup2(devnull, 0);
		if (keep_fd >= 0)
			fcntl(keep_fd, F_SETFD, 0);
		if (cwd && chdir(cwd) != 0)
			_exit(126);
		for (size_t i = 0; extra_env && extra_env[i]; i++)
			putenv(extra_env[i]);
		if (hook && hook(hook_arg) != 0)
			_exit(LT_SKIP);
		execv(argv[0], argv);
		dprintf(2, "exec '%s': %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	lt_collect(pid, po, pe, o);
	return o->status;
}

static inline int
lt_exec(char *const argv[], struct lt_out *o)
{
	return lt_exec_full(argv, NULL, NULL, -1, NULL, NULL, o);
}

/* The text with newlines shown as " | ": ATF takes a one-line reason only. */
static inline const char *
lt_oneline(const char *text)
{
	static char buf[2048];
	size_t n = 0;
	for (const char *c = text; *c && n + 4 < sizeof(buf); c++) {
		if (*c == '\n') {
			if (c[1])
				memcpy(buf + n, " | ", 3), n += 3;
			continue;
		}
		buf[n++] = *c;
	}
	buf[n] = '\0';
	return buf;
}

/* The value of "key=value" in a key=value listing, or NULL. */
static inline const char *
lt_kv(const char *text, const char *key, char *buf, size_t size)
{
	size_t k = strlen(key);
	for (const char *l = text; l && *l;) {
		const char *e = strchr(l, '\n');
		size_t len = e ? (size_t)(e - l) : strlen(l);
		if (len > k && strncmp(l, key, k) == 0 && l[k] == '=') {
			size_t v = len - k - 1;
			if (v >= size)
				v = size - 1;
			memcpy(buf, l + k + 1, v);
			buf[v] = '\0';
			return buf;
		}
		l = e ? e + 1 : NULL;
	}
	return NULL;
}

/* The value of key, or fails the test naming the key. */
#define LT_KV(text, key)                                                                           \
	({                                                                                         \
		static char lt_buf_[8192];                                                         \
		const char *lt_v_ = lt_kv((text), (key), lt_buf_, sizeof(lt_buf_));                \
		if (!lt_v_)                                                                        \
			atf_tc_fail("no '%s=' in the output: %.300s", (key), lt_oneline(text));    \
		lt_v_;                                                                             \
	})

static inline bool
lt_has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	for (const char *l = text; l && *l;) {
		if (strncmp(l, line, n) == 0 && (l[n] == '\n' || l[n] == '\0'))
			return true;
		l = strchr(l, '\n');
		if (l)
			l++;
	}
	return false;
}

static inline size_t
lt_read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t len = 0;
	buf[0] = '\0';
	if (fd < 0)
		return 0;
	for (;;) {
		ssize_t n = read(fd, buf + len, size - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len + 1 >= size)
			break;
	}
	buf[len] = '\0';
	close(fd);
	return len;
}

/* The pids (host view) of the processes whose parent is ppid; at most max. */
static inline int
lt_children_of(pid_t ppid, pid_t *out, int max)
{
	DIR *d = opendir("/proc");
	int n = 0;
	struct dirent *de;
	while (d && (de = readdir(d)) && n < max) {
		int pid = atoi(de->d_name);
		char path[64], stat[512];
		if (pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		if (!lt_read_file(path, stat, sizeof(stat)))
			continue;
		char *rp = strrchr(stat, ')');
		int pp = 0;
		if (rp && sscanf(rp + 2, "%*c %d", &pp) == 1 && pp == ppid)
			out[n++] = pid;
	}
	if (d)
		closedir(d);
	return n;
}

/* Whether pid is alive: neither gone nor a zombie. */
static inline bool
lt_alive(pid_t pid)
{
	char path[64], stat[512];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (!lt_read_file(path, stat, sizeof(stat)))
		return false;
	char *rp = strrchr(stat, ')');
	return rp && rp[2] != 'Z' && rp[2] != 'X';
}

/* Processes other than this one that are our children or in our process group. */
static inline int
lt_leftover_processes(char *names, size_t size)
{
	DIR *d = opendir("/proc");
	int count = 0;
	names[0] = '\0';
	if (!d)
		return -1;
	struct dirent *de;
	pid_t self = getpid(), pgrp = getpgrp();
	while ((de = readdir(d))) {
		int pid = atoi(de->d_name);
		if (pid <= 0 || pid == self)
			continue;
		char path[64], stat[1024];
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		if (!lt_read_file(path, stat, sizeof(stat)))
			continue;
		char *rp = strrchr(stat, ')');
		int ppid = 0, pg = 0;
		char state = '?';
		if (!rp || sscanf(rp + 2, "%c %d %d", &state, &ppid, &pg) != 3)
			continue;
		if (ppid == self || pg == pgrp) {
			count++;
			size_t l = strlen(names);
			snprintf(names + l, size - l, " %d(%.*s)", pid,
				 (int)(rp - strchr(stat, '(') - 1), strchr(stat, '(') + 1);
		}
	}
	closedir(d);
	return count;
}

/* A fresh empty directory under the work dir (kyua deletes it afterwards). */
static inline const char *
lt_scratch(const char *name)
{
	static char path[2 * PATH_MAX];
	char cwd[PATH_MAX];
	ATF_REQUIRE(getcwd(cwd, sizeof(cwd)) != NULL);
	snprintf(path, sizeof(path), "%s/%s", cwd, name);
	ATF_REQUIRE_MSG(mkdir(path, 0755) == 0 || errno == EEXIST, "mkdir %s: %s", path,
			strerror(errno));
	/* unprivileged runs: the sandbox's uid is the caller's, fine; keep it traversable */
	chmod(path, 0755);
	return path;
}

static inline int
lt_dir_entries(const char *path)
{
	DIR *d = opendir(path);
	int n = 0;
	if (!d)
		return -1;
	struct dirent *de;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

/* Own namespace link text, e.g. "net:[4026531840]". */
static inline const char *
lt_own_ns(const char *name)
{
	static char target[8][128];
	static int slot;
	char path[64];
	char *t = target[slot++ % 8];
	snprintf(path, sizeof(path), "/proc/self/ns/%s", name);
	ssize_t n = readlink(path, t, 127);
	t[n > 0 ? n : 0] = '\0';
	return t;
}

/* Features a case needs, as bits of enum sp_feature (cases/harness/features.h). */
#define LT_NEED(f) (1u << (f))
#define LT_NS_USER LT_NEED(SP_FEAT_USERNS)
#define LT_NS_MNT LT_NEED(SP_FEAT_MNTNS)
#define LT_NS_PID LT_NEED(SP_FEAT_PIDNS)
#define LT_NS_UTS LT_NEED(SP_FEAT_UTSNS)
#define LT_NS_IPC LT_NEED(SP_FEAT_IPCNS)
#define LT_NS_NET LT_NEED(SP_FEAT_NETNS)
#define LT_NS_CGROUP LT_NEED(SP_FEAT_CGROUPNS)
#define LT_NS_TIME LT_NEED(SP_FEAT_TIMENS)
/* What sbx_config_new() and sbx-run's strict profile create (SBX_NS_ALL). */
#define LT_NS_STRICT                                                                               \
	(LT_NS_USER | LT_NS_MNT | LT_NS_PID | LT_NS_UTS | LT_NS_IPC | LT_NS_NET | LT_NS_CGROUP)

/*
 * Skip with the probe's `CODE: WHY` (cases/harness/features.c; with must_work=true, fail)
 * unless this kernel and user have every feature in needs.  They are probed in the order of
 * enum sp_feature, the user namespace first: a refused user namespace is the cause when the
 * others would have to be made inside one (docs/KERNEL.md, "the code names the cause").
 */
static inline void
lt_require(const atf_tc_t *tc, unsigned needs)
{
	for (int f = 0; f < SP_FEAT__COUNT; f++)
		if (needs & LT_NEED(f))
			sp_require_feature(tc, (enum sp_feature)f);
}

/* For cases that lower user.max_user_namespaces in a child user namespace and look at what a
 * nested one is refused with (features.h, sp_nested_userns_refused). */
static inline void
lt_require_nested_userns(const atf_tc_t *tc)
{
	struct sp_feature_status st;
	if (sp_nested_userns_refused(&st))
		sp_skip_environment(tc, st.code, "%s", st.why);
}

/*
 * In a child: enter a user namespace whose user.max_user_namespaces is 0, so that no further user
 * namespace can be created below it (the limit is per user namespace and writable by its owner,
 * user_namespaces(7)).  Returns 0, or 1 with the reason on stderr.
 */
static inline int
lt_forbid_userns(void *arg)
{
	(void)arg;
	uid_t uid = getuid();
	gid_t gid = getgid();
	char map[64];
	if (unshare(CLONE_NEWUSER) != 0)
		return dprintf(2, "unshare(CLONE_NEWUSER): %s", strerror(errno)), 1;
	int fd = open("/proc/self/setgroups", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		(void)!write(fd, "deny", 4);
		close(fd);
	}
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)uid);
	fd = open("/proc/self/uid_map", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, map, strlen(map)) < 0)
		return dprintf(2, "uid_map: %s", strerror(errno)), 1;
	close(fd);
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)gid);
	fd = open("/proc/self/gid_map", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, map, strlen(map)) < 0)
		return dprintf(2, "gid_map: %s", strerror(errno)), 1;
	close(fd);
	fd = open("/proc/sys/user/max_user_namespaces", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "0", 1) != 1)
		return dprintf(2, "max_user_namespaces not writable: %s", strerror(errno)), 1;
	close(fd);
	return 0;
}

/*
 * Runs fn(arg) in a forked child with stdout and stderr captured in o.  The child never calls
 * ATF; fn returns 0 when it observed, LT_SKIP when it cannot (reason on stderr), anything else
 * on its own failure.  The parent skips or fails accordingly, naming `what`.
 */
static inline void
lt_child(const char *what, int (*fn)(void *), void *arg, struct lt_out *o)
{
	int po[2], pe[2];
	memset(o, 0, sizeof(*o));
	ATF_REQUIRE(pipe2(po, O_CLOEXEC) == 0);
	ATF_REQUIRE(pipe2(pe, O_CLOEXEC) == 0);
	fflush(NULL);
	pid_t pid = fork();
	ATF_REQUIRE(pid >= 0);
	if (pid == 0) {
		dup2(po[1], 1);
		dup2(pe[1], 2);
		int rc = fn(arg);
		fflush(NULL);
		_exit(rc);
	}
	lt_collect(pid, po, pe, o);
	if (o->status == LT_SKIP)
		atf_tc_skip("%s: %s", what, lt_oneline(o->err));
	ATF_REQUIRE_MSG(o->status == 0, "%s: child exit %d: %s", what, o->status,
			lt_oneline(o->err));
}

#endif
