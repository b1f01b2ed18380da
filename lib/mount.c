/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Mount steps.  Binds use the new mount API: open_tree(OPEN_TREE_CLONE | AT_RECURSIVE) copies a
 * whole tree into a detached mount, mount_setattr(AT_RECURSIVE) changes every mount of that tree
 * at once, and move_mount() attaches it.  A plain MS_BIND|MS_RDONLY is ignored by the kernel
 * (the bind must be remounted, mount(8)), and even a remount only changes the top mount: the
 * submounts of a recursive bind stay writable unless each is remounted.  mount_setattr() with
 * AT_RECURSIVE does exactly that, atomically, and keeps the flags the kernel locked when the
 * tree was copied into a less privileged user namespace (mount_namespaces(7), "locked mounts").
 */
#include "internal.h"
#include "syscalls.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

static const char *const dev_nodes[] = {"null", "zero", "full", "random", "urandom", "tty"};
#define DEV_COUNT (sizeof(dev_nodes) / sizeof(dev_nodes[0]))

/*
 * A clone of the tree at DFD/PATH (FLAGS: open_tree(2)'s, OPEN_TREE_CLONE among them) with ATTR
 * set on each of its mounts.  open_tree_attr(2) does both in one call from Linux 6.15; before,
 * it fails with ENOSYS (EPERM or ENOSYS under a seccomp filter that does not know it), and
 * EINVAL stands for anything a kernel may refuse in the combined call: on those three errors
 * open_tree(2) and mount_setattr(2) are made, and their error is the one reported.  The fd, or
 * -1 with errno; *in_setattr tells that mount_setattr failed.
 */
static int
clone_with_attr(int dfd, const char *path, unsigned flags, struct mount_attr *attr,
		bool *in_setattr)
{
	*in_setattr = false;
	int fd = sbx_open_tree_attr(dfd, path, flags, attr, sizeof(*attr));
	if (fd >= 0 || (errno != ENOSYS && errno != EINVAL && errno != EPERM))
		return fd;
	fd = sbx_open_tree(dfd, path, flags);
	if (fd < 0)
		return -1;
	unsigned at = AT_EMPTY_PATH | (flags & AT_RECURSIVE);
	if (sbx_mount_setattr(fd, "", at, attr, sizeof(*attr)) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		*in_setattr = true;
		return -1;
	}
	return fd;
}

int
sbx_clone_tree(const char *src, unsigned flags, struct sbx_error *err, const char *step)
{
	const unsigned tree_flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE;
	int fd;
	bool in_setattr = false;
	/* A bind of a device node needs no attribute: nothing on it is executed. */
	if (flags & SBX_BIND_NOATTR) {
		fd = sbx_open_tree(AT_FDCWD, src, tree_flags);
	} else {
		struct mount_attr attr = {.attr_set = MOUNT_ATTR_NOSUID};
		if (!(flags & SBX_BIND_DEV))
			attr.attr_set |= MOUNT_ATTR_NODEV;
		if (flags & SBX_BIND_RO)
			attr.attr_set |= MOUNT_ATTR_RDONLY;
		fd = clone_with_attr(AT_FDCWD, src, tree_flags, &attr, &in_setattr);
	}
	if (fd >= 0)
		return fd;
	if (in_setattr)
		return sbx_fail(err, errno, step, src, "%s",
				errno == ENOSYS ? "the kernel lacks mount_setattr (Linux 5.12)"
						: "setting mount attributes");
	return sbx_fail(err, errno, step, src, "%s",
			errno == ENOSYS ? "the kernel lacks open_tree (Linux 5.2)" : "");
}

/* Creates the mount point (a directory, or an empty file for a file mount); its parents only
 * when they are missing, which is rare, so the common case is one syscall. */
static int
make_mount_point(const char *dst, bool is_dir)
{
	for (int attempt = 0;; attempt++) {
		int r = 0;
		if (is_dir) {
			if (mkdir(dst, 0755) < 0 && errno != EEXIST)
				r = -errno;
		} else if (mknod(dst, S_IFREG | 0644, 0) < 0 && errno != EEXIST) {
			/* mknod(2) makes an empty regular file without opening it. */
			r = -errno;
		}
		if (r != -ENOENT || attempt > 0)
			return r;
		if ((r = sbx_mkdir_parents(dst)) < 0)
			return r;
	}
}

int
sbx_attach_tree(int fd, const char *dst, bool is_dir, struct sbx_error *err, const char *step)
{
	int r = make_mount_point(dst, is_dir);
	if (r < 0)
		return sbx_fail(err, -r, step, dst, "creating the mount point");
	if (sbx_move_mount(fd, "", AT_FDCWD, dst, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return sbx_fail(err, errno, step, dst, "attaching the mount");
	return 0;
}

static bool
fd_is_dir(int fd)
{
	struct stat st;
	return fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
}

int
sbx_bind_mount(const char *src, const char *dst, unsigned flags, struct sbx_error *err)
{
	sbx_error_clear(err);
	const char *step = (flags & SBX_BIND_RO) ? "ro-bind" : "bind";
	if (sbx_path_ok(src, false) < 0 || sbx_path_ok(dst, true) < 0)
		return sbx_fail(err, EINVAL, step, dst, "bad source or destination path");
	int fd __attribute__((cleanup(cleanup_close))) = sbx_clone_tree(src, flags, err, step);
	if (fd < 0)
		return fd;
	return sbx_attach_tree(fd, dst, fd_is_dir(fd), err, step);
}

int
sbx_mount_tmpfs(const char *dst, uint64_t size_bytes, mode_t mode, struct sbx_error *err)
{
	sbx_error_clear(err);
	char opts[64];
	if (size_bytes)
		snprintf(opts, sizeof(opts), "mode=%04o,size=%llu", (unsigned)(mode & 07777),
			 (unsigned long long)size_bytes);
	else
		snprintf(opts, sizeof(opts), "mode=%04o", (unsigned)(mode & 07777));
	int r = sbx_mkdir_p(dst, 0755);
	if (r < 0)
		return sbx_fail(err, -r, "tmpfs", dst, "creating the mount point");
	if (mount("tmpfs", dst, "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0)
		return sbx_fail(err, errno, "tmpfs", dst, "%s", opts);
	return 0;
}

/* A detached mount of a fresh filesystem (fsopen(2) .. fsmount(2)). */
static int
fresh_fs(const char *type, unsigned attrs)
{
	int fs __attribute__((cleanup(cleanup_close))) = sbx_fsopen(type, FSOPEN_CLOEXEC);
	if (fs < 0)
		return -errno;
	if (sbx_fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return -errno;
	int m = sbx_fsmount(fs, FSMOUNT_CLOEXEC, attrs);
	return m < 0 ? -errno : m;
}

static bool
testing_bind_of(const struct sbx_config *cfg, const struct sbx_step *s)
{
	return (s->kind == SBX_STEP_TMPFS && (cfg->testing & SBX_TESTING_TMP) &&
		strcmp(s->dst, "/tmp") == 0) ||
	       (s->kind == SBX_STEP_PROC && (cfg->testing & SBX_TESTING_PROC)) ||
	       (s->kind == SBX_STEP_DEV && (cfg->testing & SBX_TESTING_DEV));
}

/*
 * What must exist before the old root goes away: copies of the bind sources (they are paths of
 * the old root), and the proc and sysfs mounts.  The kernel lets a user namespace mount proc or
 * sysfs only while a fully visible instance is in its mount namespace (mount_too_revealing(),
 * fs/namespace.c, the fix for CVE-2015-3290's sibling "mnt: Refuse to mount proc if it would
 * reveal hidden files"), so they are created while the host's copies are still there.
 */
int
sbx_prepare_mounts(const struct sbx_config *cfg, struct sbx_prepared *p, struct sbx_error *err)
{
	bool dev_done = false;
	for (size_t i = 0; i < SBX_MAX_STEPS; i++)
		p->fd[i] = -1;
	for (size_t i = 0; i < DEV_COUNT; i++)
		p->dev_fd[i] = -1;
	p->keep_fd = -1;
	for (size_t i = 0; i < cfg->nsteps; i++) {
		const struct sbx_step *s = &cfg->steps[i];
		int fd = -1;
		if (testing_bind_of(cfg, s)) {
			const char *src = s->kind == SBX_STEP_TMPFS  ? "/tmp"
					  : s->kind == SBX_STEP_PROC ? "/proc"
								     : "/dev";
			fd = sbx_clone_tree(src, SBX_BIND_DEV, err, "testing bind");
			sbx_log(cfg, fd < 0 ? fd : 0, "testing bind", "%s %s", src, s->dst);
			if (fd < 0)
				return fd;
		} else if (s->kind == SBX_STEP_BIND) {
			const char *step = (s->flags & SBX_BIND_DEV)  ? "dev-bind"
					   : (s->flags & SBX_BIND_RO) ? "ro-bind"
								      : "bind";
			fd = sbx_clone_tree(s->src, s->flags, err, step);
			if (fd < 0 && (s->flags & SBX_BIND_TRY) && err && err->err == ENOENT) {
				sbx_error_clear(err);
				continue;
			}
			if (fd < 0)
				return sbx_log(cfg, fd, step, "%s %s", s->src, s->dst);
		} else if (s->kind == SBX_STEP_PROC) {
			fd = fresh_fs("proc",
				      MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
			/* Without a pid namespace of our own, the host's proc cannot be mounted
			 * fresh from a user namespace: bind it instead (a weaker sandbox). */
			if (fd == -EPERM && !(sbx_effective_ns(cfg) & SBX_NS_PID))
				fd = sbx_clone_tree("/proc", 0, err, "proc");
			if (fd < 0)
				return sbx_log(
				    cfg,
				    sbx_fail(err, -fd, "mount proc", s->dst, "%s",
					     fd == -EPERM ? "a new proc needs a fully visible proc "
							    "here (mount_too_revealing): inside "
							    "a sandbox that covers parts of /proc?"
							  : ""),
				    "mount proc", "%s", s->dst);
		} else if (s->kind == SBX_STEP_SYSFS) {
			fd = fresh_fs("sysfs", MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
						   MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
			/* sysfs needs a network namespace owned by our user namespace; with the
			 * host's network, a read-only bind of the host's /sys is the next best. */
			if (fd < 0)
				fd = sbx_clone_tree("/sys", SBX_BIND_RO, err, "mount sysfs");
			if (fd < 0)
				return sbx_log(cfg, fd, "mount sysfs", "%s", s->dst);
		} else if (s->kind == SBX_STEP_DEV) {
			if (dev_done)
				return sbx_fail(err, EINVAL, "dev", s->dst,
						"only one minimal /dev per sandbox");
			dev_done = true;
			/* Device nodes cannot be created in a user namespace (mknod needs
			 * CAP_MKNOD in the initial one), and a filesystem mounted there is
			 * implicitly nodev (SB_I_NODEV): bind the host's nodes instead. */
			for (size_t d = 0; d < DEV_COUNT; d++) {
				char src[32];
				snprintf(src, sizeof(src), "/dev/%s", dev_nodes[d]);
				p->dev_fd[d] = sbx_clone_tree(src, SBX_BIND_DEV | SBX_BIND_NOATTR,
							      err, "dev-bind");
				if (p->dev_fd[d] < 0) {
					sbx_log(cfg, p->dev_fd[d], "dev-bind", "%s (skipped)", src);
					sbx_error_clear(err);
				}
			}
		}
		p->fd[i] = fd;
	}
	return 0;
}

void
sbx_prepared_close(struct sbx_prepared *p)
{
	for (size_t i = 0; i < SBX_MAX_STEPS; i++)
		cleanup_close(&p->fd[i]);
	for (size_t i = 0; i < DEV_COUNT; i++)
		cleanup_close(&p->dev_fd[i]);
	cleanup_close(&p->keep_fd);
	for (size_t i = 0; i < SBX_MAX_STEPS; i++)
		p->fd[i] = -1;
	for (size_t i = 0; i < DEV_COUNT; i++)
		p->dev_fd[i] = -1;
	p->keep_fd = -1;
}

static int
plain_mount(const char *dst, const char *type, unsigned long flags, const char *opts,
	    struct sbx_error *err, const char *step)
{
	int r = sbx_mkdir_p(dst, 0755);
	if (r < 0)
		return sbx_fail(err, -r, step, dst, "creating the mount point");
	if (mount(type, dst, type, flags, opts) < 0)
		return sbx_fail(err, errno, step, dst, "%s", opts ? opts : "");
	return 0;
}

static int
path_join(char *buf, size_t size, const char *dir, const char *name, struct sbx_error *err)
{
	int n = snprintf(buf, size, "%s/%s", strcmp(dir, "/") == 0 ? "" : dir, name);
	if (n < 0 || (size_t)n >= size)
		return sbx_fail(err, ENAMETOOLONG, "dev", dir, NULL);
	return 0;
}

static int
symlink_step(const char *target, const char *dst, struct sbx_error *err, const char *step)
{
	int r = symlink(target, dst) == 0 ? 0 : -errno;
	if (r == -ENOENT) {
		if ((r = sbx_mkdir_parents(dst)) < 0)
			return sbx_fail(err, -r, step, dst, "creating the parent directory");
		r = symlink(target, dst) == 0 ? 0 : -errno;
	}
	if (r == 0)
		return 0;
	char old[PATH_MAX];
	ssize_t n = readlink(dst, old, sizeof(old) - 1);
	if (r == -EEXIST && n >= 0) {
		old[n] = '\0';
		if (strcmp(old, target) == 0)
			return 0;
	}
	return sbx_fail(err, -r, step, dst, "-> '%s'", target);
}

/* The minimal /dev: a tmpfs with the harmless nodes, a private devpts, shm and the fd links. */
static int
dev_step(const struct sbx_config *cfg, const struct sbx_step *s, struct sbx_prepared *p,
	 struct sbx_error *err)
{
	char path[PATH_MAX];
	int r = plain_mount(s->dst, "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755", err, "dev");
	if (r < 0)
		return r;
	for (size_t d = 0; d < DEV_COUNT; d++) {
		if (p->dev_fd[d] < 0)
			continue;
		if ((r = path_join(path, sizeof(path), s->dst, dev_nodes[d], err)) < 0)
			return r;
		r = sbx_attach_tree(p->dev_fd[d], path, false, err, "dev-bind");
		sbx_log(cfg, r, "dev-bind", "/dev/%s %s", dev_nodes[d], path);
		if (r < 0)
			return r;
		cleanup_close(&p->dev_fd[d]);
		p->dev_fd[d] = -1;
	}
	/* newinstance: a devpts of our own, so the sandbox cannot reach the host's terminals
	 * through /dev/pts (devpts(5)); ptmx then points into it. */
	if ((r = path_join(path, sizeof(path), s->dst, "pts", err)) < 0)
		return r;
	r = plain_mount(path, "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=620",
			err, "devpts");
	sbx_log(cfg, r, "mount devpts", "%s", path);
	if (r < 0)
		return r;
	static const struct {
		const char *name, *target;
	} links[] = {
	    {"ptmx", "pts/ptmx"},          {"fd", "/proc/self/fd"},
	    {"stdin", "/proc/self/fd/0"},  {"stdout", "/proc/self/fd/1"},
	    {"stderr", "/proc/self/fd/2"},
	};
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		if ((r = path_join(path, sizeof(path), s->dst, links[i].name, err)) < 0)
			return r;
		if ((r = symlink_step(links[i].target, path, err, "dev symlink")) < 0)
			return r;
	}
	if ((r = path_join(path, sizeof(path), s->dst, "shm", err)) < 0)
		return r;
	r = plain_mount(path, "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777", err, "mount shm");
	return sbx_log(cfg, r, "mount shm", "%s", path);
}

static int
file_step(const struct sbx_step *s, struct sbx_error *err)
{
	int r = make_mount_point(s->dst, false);
	if (r < 0)
		return sbx_fail(err, -r, "file", s->dst, "creating the file");
	int fd __attribute__((cleanup(cleanup_close))) =
	    open(s->dst, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	if (fd < 0)
		return sbx_fail(err, errno, "file", s->dst, NULL);
	if (fchmod(fd, s->mode ? s->mode : 0644) < 0)
		return sbx_fail(err, errno, "file", s->dst, "chmod");
	size_t len = strlen(s->src);
	const char *c = s->src;
	while (len > 0) {
		ssize_t n = write(fd, c, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return sbx_fail(err, errno, "file", s->dst, "writing");
		c += n;
		len -= (size_t)n;
	}
	return 0;
}

/* A clone of DFD/PATH made read-only, nosuid, nodev and noexec: for covering parts of proc. */
static int
proc_cover(int dfd, const char *path, unsigned flags)
{
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
					      MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC};
	bool in_setattr;
	return clone_with_attr(dfd, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | flags, &attr,
			       &in_setattr);
}

static int
attach_cover(int tree, const char *path)
{
	return sbx_move_mount(tree, "", AT_FDCWD, path, MOVE_MOUNT_F_EMPTY_PATH) < 0 ? -errno : 0;
}

/* Attach the detached tmpfs EMPTY_FS on a fresh directory of the new root; FILE gets the path
 * of its empty file.  0, or -errno. */
static int
attach_for_clone(int empty_fs, char *file, size_t size)
{
	char dir[] = "/.sbx-mask-XXXXXX";
	if (mkdtemp(dir) == NULL)
		return -errno;
	if (sbx_move_mount(empty_fs, "", AT_FDCWD, dir, MOVE_MOUNT_F_EMPTY_PATH) < 0) {
		int e = errno;
		rmdir(dir);
		return -e;
	}
	snprintf(file, size, "%s/empty", dir);
	return 0;
}

/* Undo attach_for_clone: the clones already made keep the file. */
static void
detach_clone_source(char *file)
{
	if (!file[0])
		return;
	char *slash = strrchr(file, '/');
	*slash = '\0';
	umount2(file, MNT_DETACH);
	rmdir(file);
	file[0] = '\0';
}

/*
 * Parts of proc that act on the whole machine, not on the sandbox's pid namespace, are covered
 * read-only, as bubblewrap does.  Their checks are mostly plain DAC: when root runs the sandbox,
 * uid 0 inside is uid 0 outside, so without this /proc/sysrq-trigger (no capability check) could
 * reboot the host and many /proc/sys files would change host-wide settings.  Files that show
 * every task, timer, key or kernel page of the host to its root (timer_list, sched_debug, keys,
 * kpageflags, ...) are masked with an empty file, as the OCI runtimes' default maskedPaths do.
 */
static int
protect_proc(const struct sbx_config *cfg, const char *dst, struct sbx_prepared *p,
	     struct sbx_error *err)
{
	static const char *const ro[] = {"sys", "sysrq-trigger", "irq", "bus"};
	/* kpage*, slabinfo, vmallocinfo: physical page and kernel heap layouts, 0400 root: only
	 * when root runs the sandbox can they be read, and then they are exploit aids. */
	static const char *const masked[] = {
	    "timer_list", "sched_debug", "timer_stats", "latency_stats", "kcore",      "keys",
	    "kpageflags", "kpagecount",  "kpagecgroup", "slabinfo",      "vmallocinfo"};
	char path[PATH_MAX];
	int r;
	for (size_t i = 0; i < sizeof(ro) / sizeof(ro[0]); i++) {
		if ((r = path_join(path, sizeof(path), dst, ro[i], err)) < 0)
			return r;
		int fd __attribute__((cleanup(cleanup_close))) =
		    proc_cover(AT_FDCWD, path, AT_RECURSIVE);
		if (fd < 0 && errno == ENOENT)
			continue;
		r = fd < 0 ? -errno : attach_cover(fd, path);
		sbx_log(cfg, r, "protect proc", "%s read-only", path);
		if (r < 0)
			return sbx_fail(err, -r, "protect proc", path, NULL);
	}
	/* The empty file comes from a detached tmpfs of our own, made only when needed, and kept
	 * open in p->keep_fd: closing it would dissolve the tmpfs's detached root and wait for
	 * an RCU grace period (see sbx_setup_mounts_keep). */
	int empty_fs = p->keep_fd;
	char attached[64] = "";    /* the empty file, when the tmpfs had to be attached */
	char first[PATH_MAX] = ""; /* the first mask made */
	for (size_t i = 0; i < sizeof(masked) / sizeof(masked[0]); i++) {
		if ((r = path_join(path, sizeof(path), dst, masked[i], err)) < 0)
			return r;
		if (first[0]) {
			/* The other masks are binds of the first: one call each, and a file this
			 * kernel lacks fails it with ENOENT.  The bind keeps the first mask's
			 * read-only, nosuid, nodev and noexec (clone_mnt() copies mnt_flags) and
			 * its private propagation. */
			r = mount(first, path, NULL, MS_BIND, NULL) == 0 ? 0 : -errno;
			if (r == -ENOENT)
				continue;
			sbx_log(cfg, r, "mask proc", "%s", path);
			if (r < 0)
				return sbx_fail(err, -r, "mask proc", path, "bind of '%s'", first);
			continue;
		}
		if (access(path, F_OK) != 0)
			continue;
		if (empty_fs < 0) {
			empty_fs = fresh_fs("tmpfs", 0);
			if (empty_fs >= 0)
				p->keep_fd = empty_fs;
			int f = empty_fs < 0
				    ? -1
				    : openat(empty_fs, "empty",
					     O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY, 0444);
			if (f < 0)
				return sbx_fail(err, empty_fs < 0 ? -empty_fs : errno, "mask proc",
						path, "making an empty file");
			close(f);
		}
		int fd __attribute__((cleanup(cleanup_close))) = proc_cover(empty_fs, "empty", 0);
		/* Before Linux 6.15 open_tree() refuses to clone from a mount that is not in the
		 * caller's mount namespace (EINVAL; 6.1 and 6.12 do): attach the tmpfs on a fresh
		 * directory of the new root, clone from there, and detach it again. */
		if (fd < 0 && errno == EINVAL &&
		    (r = attach_for_clone(empty_fs, attached, sizeof(attached))) == 0)
			fd = proc_cover(AT_FDCWD, attached, 0);
		r = fd < 0 ? -errno : attach_cover(fd, path);
		detach_clone_source(attached);
		sbx_log(cfg, r, "mask proc", "%s", path);
		if (r < 0)
			return sbx_fail(err, -r, "mask proc", path, NULL);
		snprintf(first, sizeof(first), "%s", path);
	}
	return 0;
}

/* After the pivot: the steps in order, relative to the new root. */
int
sbx_apply_steps(const struct sbx_config *cfg, struct sbx_prepared *p, struct sbx_error *err)
{
	for (size_t i = 0; i < cfg->nsteps; i++) {
		const struct sbx_step *s = &cfg->steps[i];
		int r = 0;
		const char *what = "";
		if (p->fd[i] >= 0) {
			what = s->kind == SBX_STEP_PROC    ? "mount proc"
			       : s->kind == SBX_STEP_SYSFS ? "mount sysfs"
			       : s->kind != SBX_STEP_BIND  ? "testing bind"
			       : (s->flags & SBX_BIND_DEV) ? "dev-bind"
			       : (s->flags & SBX_BIND_RO)  ? "ro-bind"
							   : "bind";
			r = sbx_attach_tree(p->fd[i], s->dst, fd_is_dir(p->fd[i]), err, what);
			cleanup_close(&p->fd[i]);
			p->fd[i] = -1;
			sbx_log(cfg, r, what, "%s%s%s", s->src ? s->src : "", s->src ? " " : "",
				s->dst);
			if (r < 0)
				return r;
			if (s->kind == SBX_STEP_PROC && (r = protect_proc(cfg, s->dst, p, err)) < 0)
				return r;
			continue;
		}
		switch (s->kind) {
		case SBX_STEP_BIND: /* SBX_BIND_TRY with a missing source */
			sbx_log(cfg, 0, "bind", "%s %s (source missing, skipped)", s->src, s->dst);
			continue;
		case SBX_STEP_PROC:
		case SBX_STEP_SYSFS:
			continue;
		case SBX_STEP_TMPFS:
			what = "tmpfs";
			r = sbx_mount_tmpfs(s->dst, s->size, s->mode ? s->mode : 0755, err);
			break;
		case SBX_STEP_DEV:
			what = "dev";
			r = dev_step(cfg, s, p, err);
			break;
		case SBX_STEP_MQUEUE:
			what = "mqueue";
			r = plain_mount(s->dst, "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL,
					err, "mqueue");
			break;
		case SBX_STEP_DIR:
			what = "dir";
			r = sbx_mkdir_p(s->dst, s->mode ? s->mode : 0755);
			if (r < 0)
				sbx_fail(err, -r, "dir", s->dst, NULL);
			break;
		case SBX_STEP_SYMLINK:
			what = "symlink";
			r = symlink_step(s->src, s->dst, err, "symlink");
			break;
		case SBX_STEP_FILE:
			what = "file";
			r = file_step(s, err);
			break;
		}
		sbx_log(cfg, r, what, "%s", s->dst);
		if (r < 0)
			return r;
	}
	return 0;
}
