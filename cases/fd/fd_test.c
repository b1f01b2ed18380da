/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fd: the descriptors the sandboxed program starts with and its working directory.  Inside: the
 * probe's `fds` and `cwd-scope` (a mount id that is not in the process's own mount table, or a
 * directory whose `..` chain does not end at its root, lies outside the root).  Outside: the
 * same questions asked of /proc/PID/fd, /proc/PID/fdinfo and /proc/PID/cwd of the live probe
 * against its /proc/PID/mountinfo.
 */
#include "sp.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#ifndef STATX_MNT_ID
#define STATX_MNT_ID 0x00001000U
#endif

/* What the host sees of the probe's descriptors and cwd, gathered while it holds. */
struct fd_view {
	bool taken;
	unsigned n;
	struct {
		int fd;
		bool dir, internal;
		long mnt;
	} fd[64];
	long cwd_mnt, root_mnt;
};

/* Pipes, sockets, anonymous inodes and pidfds: on internal mounts, in no mount table. */
static bool
internal_fs(const char *path)
{
	struct statfs sf;
	if (statfs(path, &sf) != 0)
		return false;
	unsigned long t = (unsigned long)sf.f_type;
	return t == 0x50495045UL || t == 0x534f434bUL || t == 0x09041934UL || t == 0x50494446UL;
}

static long
mnt_of(const char *path)
{
	struct statx sx;
	if (statx(AT_FDCWD, path, 0, STATX_MNT_ID, &sx) != 0 || !(sx.stx_mask & STATX_MNT_ID))
		return -1;
	return (long)sx.stx_mnt_id;
}

static int
fd_view_hook(struct sp_run *r, unsigned n, void *arg)
{
	struct fd_view *v = arg;
	if (n != 0 || !r->outside.seen)
		return 0;
	char dir[64], path[384];
	snprintf(dir, sizeof dir, "/proc/%d/fd", (int)r->outside.pid);
	DIR *d = opendir(dir);
	for (struct dirent *e; d && (e = readdir(d)) != NULL && v->n < 64;) {
		if (e->d_name[0] == '.')
			continue;
		struct stat st;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		v->fd[v->n].fd = atoi(e->d_name);
		v->fd[v->n].dir = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
		v->fd[v->n].internal = internal_fs(path);
		v->fd[v->n++].mnt = mnt_of(path);
	}
	if (d)
		closedir(d);
	snprintf(path, sizeof path, "/proc/%d/cwd", (int)r->outside.pid);
	v->cwd_mnt = mnt_of(path);
	snprintf(path, sizeof path, "/proc/%d/root", (int)r->outside.pid);
	v->root_mnt = mnt_of(path);
	v->taken = d != NULL;
	return 0;
}

/*
 * Is mount ID a line of the probe's mountinfo seen from outside, or the mount its root lies on
 * (which a chroot's table does not list)?
 */
static bool
in_mountinfo(const struct sp_run *r, const struct fd_view *v, long id)
{
	if (id >= 0 && id == v->root_mnt)
		return true;
	for (const char *l = r->outside.mountinfo; id >= 0 && l && *l;
	     l = strchr(l, '\n'), l = l ? l + 1 : NULL)
		if (strtol(l, NULL, 10) == id)
			return true;
	return false;
}

static const struct sp_run *
probe_with_view(const atf_tc_t *tc, struct fd_view *v, const char *verb)
{
	memset(v, 0, sizeof *v);
	const struct sp_run *r = sp_probe_opts(
	    tc, &(const struct sp_opts){.verbs = {verb}, .hook = fd_view_hook, .hook_arg = v});
	sp_require_outside(r);
	ATF_REQUIRE_MSG(v->taken, "/proc/%d/fd could not be read from outside",
			(int)r->outside.pid);
	return r;
}

SP_CASE(only_standard_descriptors, "fd.only-standard", NULL,
	"The sandboxed program starts with only descriptors 0, 1 and 2 open: nothing of the "
	"launcher leaks in (fstat inside, /proc/PID/fd outside)")
{
	struct fd_view v;
	const struct sp_run *r = probe_with_view(tc, &v, "fds");
	SP_CHECK_KEY(r, "fds.list", "0,1,2");
	for (unsigned i = 0; i < v.n; i++)
		ATF_CHECK_MSG(v.fd[i].fd <= 2, "outside, pid %d has descriptor %d open (%s)",
			      (int)r->outside.pid, v.fd[i].fd, r->outside.fds);
}

SP_CASE(no_directory_descriptor, "fd.no-directory", NULL,
	"No descriptor the sandboxed program starts with refers to a directory, the handle of "
	"every chroot and openat escape (fstat inside, stat of /proc/PID/fd/N outside)")
{
	struct fd_view v;
	const struct sp_run *r = probe_with_view(tc, &v, "fds");
	SP_CHECK_KEY(r, "fds.dirs", "");
	for (unsigned i = 0; i < v.n; i++)
		ATF_CHECK_MSG(!v.fd[i].dir, "outside, descriptor %d of pid %d is a directory (%s)",
			      v.fd[i].fd, (int)r->outside.pid, r->outside.fds);
}

SP_CASE(no_descriptor_outside_root, "fd.none-outside-root", "CVE-2024-21626",
	"No descriptor the sandboxed program starts with refers to a file or directory outside "
	"its root: each one's mount is in the process's mount table and each directory's '..' "
	"chain ends at the root (inside), each one's mount id is in /proc/PID/mountinfo (outside)")
{
	struct fd_view v;
	const struct sp_run *r = probe_with_view(tc, &v, "fds");
	SP_CHECK_KEY(r, "fds.outside", "");
	for (unsigned i = 0; i < v.n; i++)
		ATF_CHECK_MSG(v.fd[i].internal || in_mountinfo(r, &v, v.fd[i].mnt),
			      "outside, descriptor %d of pid %d is on mount %ld, not in its mount "
			      "table (%s)",
			      v.fd[i].fd, (int)r->outside.pid, v.fd[i].mnt, r->outside.fds);
}

SP_CASE(cwd_inside_root, "fd.cwd-inside-root", "CVE-2024-21626",
	"The working directory is inside the root and cannot be moved out of it: at start getcwd "
	"is not '(unreachable)', '..' leads to the root and its mount is in the process's table, "
	"and no inherited descriptor takes it outside by fchdir (inside); the mount of "
	"/proc/PID/cwd is in /proc/PID/mountinfo (outside)")
{
	struct fd_view v;
	const struct sp_run *r = probe_with_view(tc, &v, "cwd-scope");
	SP_CHECK_KEY(r, "cwd-scope.outside", "0");
	SP_CHECK_KEY(r, "cwd-scope.escapes", "");
	ATF_CHECK_MSG(in_mountinfo(r, &v, v.cwd_mnt),
		      "outside, the cwd of pid %d ('%s') is on mount %ld, not in its mount table",
		      (int)r->outside.pid, r->outside.cwd, v.cwd_mnt);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, only_standard_descriptors);
	ATF_TP_ADD_TC(tp, no_directory_descriptor);
	ATF_TP_ADD_TC(tp, no_descriptor_outside_root);
	ATF_TP_ADD_TC(tp, cwd_inside_root);
	return atf_no_error();
}
