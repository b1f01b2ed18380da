/* SPDX-License-Identifier: BSD-2-Clause */
/* Open file descriptors and where they point. */
#include "probe.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#ifndef STATX_MNT_ID
#define STATX_MNT_ID 0x00001000U
#endif

static const char *
kind_of(mode_t m)
{
	return S_ISDIR(m)    ? "dir"
	       : S_ISREG(m)  ? "file"
	       : S_ISCHR(m)  ? "chr"
	       : S_ISBLK(m)  ? "blk"
	       : S_ISFIFO(m) ? "fifo"
	       : S_ISSOCK(m) ? "sock"
	       : S_ISLNK(m)  ? "lnk"
			     : "other";
}

/* The mount id of FD from /proc/self/fdinfo, or -1 (no /proc). */
static long
mnt_id_of(int fd)
{
	char path[64], buf[4096];
	snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
	if (sp_read_text(path, buf, sizeof buf) < 0)
		return -1;
	const char *p = strstr(buf, "mnt_id:");
	return p ? strtol(p + 7, NULL, 10) : -1;
}

/*
 * Is mount ID in this process's mount table, or the mount its root lies on (which a chroot's
 * table does not list)?  1, 0, or -1 when /proc/self/mountinfo is absent.
 */
static int
mount_visible(long id)
{
	static char buf[262144];
	struct statx sx;
	if (id >= 0 && statx(AT_FDCWD, "/", 0, STATX_MNT_ID, &sx) == 0 &&
	    (sx.stx_mask & STATX_MNT_ID) && (long)sx.stx_mnt_id == id)
		return 1;
	if (id < 0 || sp_read_text("/proc/self/mountinfo", buf, sizeof buf) < 0)
		return -1;
	for (const char *l = buf; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
		if (strtol(l, NULL, 10) == id)
			return 1;
	return 0;
}

/*
 * Pipes, sockets, anonymous inodes and pidfds live on the kernel's internal mounts, in no mount
 * table: their mount id says nothing about the root.
 */
static bool
internal_fs(int fd)
{
	struct statfs sf;
	if (fstatfs(fd, &sf) != 0)
		return false;
	switch ((unsigned long)sf.f_type) {
	case 0x50495045UL: /* PIPEFS_MAGIC */
	case 0x534f434bUL: /* SOCKFS_MAGIC */
	case 0x09041934UL: /* ANON_INODE_FS_MAGIC */
	case 0x50494446UL: /* PIDFS_MAGIC */
		return true;
	default:
		return false;
	}
}

/*
 * Does the directory FD lie below this process's root?  `..` stops at the process's root
 * (path_resolution(7)), so a walk up from a directory below it ends there; from a directory
 * outside it (a descriptor of the host's tree) the walk ends at the top of that other tree.
 * 1, 0, or -1 when the walk could not be made.
 */
static int
below_root(int fd)
{
	struct stat root, cur, up;
	if (stat("/", &root) != 0 || fstat(fd, &cur) != 0)
		return -1;
	int d = openat(fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	for (int i = 0; d >= 0 && i < 4096; i++) {
		if (cur.st_dev == root.st_dev && cur.st_ino == root.st_ino)
			break;
		int u = openat(d, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		close(d);
		d = u;
		if (d < 0 || fstat(d, &up) != 0)
			break;
		if (up.st_dev == cur.st_dev && up.st_ino == cur.st_ino)
			break;
		cur = up;
	}
	if (d < 0)
		return -1;
	close(d);
	return cur.st_dev == root.st_dev && cur.st_ino == root.st_ino;
}

/*
 * Where descriptor FD points relative to the sandbox: `N.mnt` (its mount id), `N.in-mounts`
 * (that mount is in this process's mount table; `-` for the kernel's internal mounts), and for
 * a directory `N.below-root`.  Returns true when it is outside: a mount this process cannot see,
 * or a directory not below its root.
 */
static bool
scope(const struct sp_verb_call *v, int fd, const char *label, bool dir)
{
	char key[64];
	bool outside = false;
	long id = mnt_id_of(fd);
	if (id >= 0) {
		snprintf(key, sizeof key, "%s.mnt", label);
		sp_kv(v, key, "%ld", id);
		snprintf(key, sizeof key, "%s.in-mounts", label);
		if (internal_fs(fd)) {
			sp_kv(v, key, "-");
		} else {
			int vis = mount_visible(id);
			sp_kv(v, key, "%d", vis);
			outside |= vis == 0;
		}
	}
	if (dir) {
		int b = below_root(fd);
		snprintf(key, sizeof key, "%s.below-root", label);
		sp_kv(v, key, "%d", b);
		outside |= b == 0;
	}
	return outside;
}

/*
 * The descriptor list comes from fstat over a range, not from /proc/self/fd, so it works without
 * /proc; where /proc exists each descriptor's target is added.  The probe's own descriptors are
 * only 0-2 (it opens none at start), so anything else was inherited from the sandbox.
 */
int
sp_verb_fds(const struct sp_verb_call *v)
{
	char list[4096] = "", dirs[4096] = "", outside[4096] = "";
	size_t o = 0, od = 0, oo = 0;
	unsigned count = 0;
	for (int fd = 0; fd < 1024; fd++) {
		struct stat st;
		if (fstat(fd, &st) != 0)
			continue;
		count++;
		o += (size_t)snprintf(list + o, sizeof list - o, "%s%d", o ? "," : "", fd);
		char key[32], link[64], target[4096];
		snprintf(key, sizeof key, "%d.kind", fd);
		sp_kv(v, key, "%s", kind_of(st.st_mode));
		snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
		ssize_t n = readlink(link, target, sizeof target - 1);
		if (n >= 0) {
			target[n] = '\0';
			snprintf(key, sizeof key, "%d.target", fd);
			sp_kv(v, key, "%s", target);
		}
		char label[16];
		snprintf(label, sizeof label, "%d", fd);
		if (S_ISDIR(st.st_mode) && od + 16 < sizeof dirs)
			od += (size_t)snprintf(dirs + od, sizeof dirs - od, "%s%d", od ? "," : "",
					       fd);
		if (scope(v, fd, label, S_ISDIR(st.st_mode)) && oo + 16 < sizeof outside)
			oo += (size_t)snprintf(outside + oo, sizeof outside - oo, "%s%d",
					       oo ? "," : "", fd);
		if (o + 16 >= sizeof list)
			break;
	}
	sp_kv(v, "count", "%u", count);
	sp_kv(v, "list", "%s", list);
	sp_kv(v, "dirs", "%s", dirs);
	sp_kv(v, "outside", "%s", outside);
	return SP_OBSERVED;
}

/*
 * The working directory against the root (CVE-2024-21626: a cwd left on a leaked descriptor of
 * the host): `unreachable` (getcwd says "(unreachable)" or fails), `below-root`, `mnt` and
 * `in-mounts` as for descriptors, and `outside` (1 when any of them says so).
 */
int
sp_verb_cwd_scope(const struct sp_verb_call *v)
{
	char buf[4096];
	bool unreachable = getcwd(buf, sizeof buf) == NULL || buf[0] != '/';
	sp_kv(v, "unreachable", "%d", unreachable);
	int fd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return sp_cannot(v, "open '.': %s", sp_errname(errno));
	bool out = scope(v, fd, "cwd", true);
	sp_kv(v, "outside", "%d", out || unreachable);
	/* The advisory's second attack: the program itself changes into /proc/self/fd/N (or
	 * fchdir N) of an inherited directory descriptor.  Each one is tried, and the working
	 * directory put back; `escapes` lists those that lead outside the root. */
	char esc[1024] = "";
	size_t o = 0;
	for (int d = 3; d < 1024; d++) {
		struct stat st;
		if (d == fd || fstat(d, &st) != 0 || !S_ISDIR(st.st_mode) || fchdir(d) != 0)
			continue;
		char path[4096];
		int here = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
		bool gone = getcwd(path, sizeof path) == NULL || path[0] != '/' ||
			    (here >= 0 && below_root(here) == 0);
		if (here >= 0)
			close(here);
		if (fchdir(fd) != 0)
			return sp_cannot(v, "fchdir back to the working directory: %s",
					 sp_errname(errno));
		if (gone && o + 16 < sizeof esc)
			o += (size_t)snprintf(esc + o, sizeof esc - o, "%s%d", o ? "," : "", d);
	}
	close(fd);
	sp_kv(v, "escapes", "%s", esc);
	return SP_OBSERVED;
}
