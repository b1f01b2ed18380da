/* SPDX-License-Identifier: BSD-2-Clause */
/* The new root: made in a staging mount point, pivoted into, the old root detached. */
#include "internal.h"
#include "syscalls.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>

int
sbx_pivot_root(const char *dir, bool allow_chroot, struct sbx_error *err)
{
	sbx_error_clear(err);
	if (chdir(dir) < 0)
		return sbx_fail(err, errno, "pivot_root", dir, "entering the new root");
	/*
	 * pivot_root(".", ".") stacks the old root on top of the new one at "/" (pivot_root(2),
	 * "new_root and put_old may be the same directory"); the detach below then drops it and
	 * everything mounted under it, so no path to the host's tree remains.  chroot alone would
	 * leave the old root attached and reachable (a classic escape with a kept directory fd).
	 */
	if (syscall(SYS_pivot_root, ".", ".") < 0) {
		int e = errno;
		/*
		 * EINVAL: the current root is the initramfs rootfs, which has no parent and
		 * cannot be pivoted away from (pivot_root(2)).  Do what switch_root(8) does:
		 * move the new root over "/" so the old tree is covered and no path reaches it,
		 * then chroot into it.
		 */
		if (e == EINVAL && allow_chroot) {
			if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
				return sbx_fail(err, errno, "chroot", dir,
						"moving the new root over / (pivot_root fallback)");
			if (chroot(".") < 0)
				return sbx_fail(err, errno, "chroot", dir, "pivot_root fallback");
			if (chdir("/") < 0)
				return sbx_fail(err, errno, "chroot", "/", NULL);
			return 1;
		}
		return sbx_fail(err, e, "pivot_root", dir, NULL);
	}
	if (umount2(".", MNT_DETACH) < 0)
		return sbx_fail(err, errno, "pivot_root", dir, "detaching the old root");
	if (chdir("/") < 0)
		return sbx_fail(err, errno, "pivot_root", "/", NULL);
	return 0;
}

/* A directory of the old root to mount the new root on; it is covered only in our namespace. */
static const char *
staging_dir(void)
{
	static const char *const candidates[] = {"/tmp", "/mnt",   "/run",  "/var/tmp", "/opt",
						 "/srv", "/media", "/home", "/boot"};
	for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++) {
		struct stat st;
		if (lstat(candidates[i], &st) == 0 && S_ISDIR(st.st_mode))
			return candidates[i];
	}
	return NULL;
}

int
sbx_setup_mounts(const struct sbx_config *cfg, struct sbx_error *err)
{
	return sbx_setup_mounts_keep(cfg, err, NULL);
}

int
sbx_setup_mounts_keep(const struct sbx_config *cfg, struct sbx_error *err, int *keep_fd)
{
	if (keep_fd)
		*keep_fd = -1;
	sbx_error_clear(err);
	int r = sbx_config_error(cfg, err);
	if (r < 0)
		return r;
	/* Without a mount namespace of our own, every mount would land on the host. */
	if (!(sbx_effective_ns(cfg) & SBX_NS_MOUNT))
		return sbx_log(cfg, 0, "mounts", "skipped: no mount namespace");

	/*
	 * First of all: a new mount namespace starts as a copy whose mounts stay in the host's
	 * peer groups when they were shared (mount_namespaces(7), "Shared subtrees"; systemd
	 * makes / shared), so our mounts would propagate back to the host, and the host's into the
	 * sandbox.  MS_PRIVATE|MS_REC cuts both directions: a slave (bubblewrap's choice) would
	 * still receive what the host mounts later under a bound directory (seen on Debian's 6.1
	 * kernel booted with a shared /).
	 */
	if (mount(NULL, "/", NULL, MS_PRIVATE | MS_REC, NULL) < 0)
		return sbx_log(cfg, sbx_fail(err, errno, "make / private", "/", NULL),
			       "make / private", "%s", "");
	sbx_log(cfg, 0, "make / private", "%s", "");

	struct sbx_prepared p;
	r = sbx_prepare_mounts(cfg, &p, err);
	if (r < 0) {
		sbx_prepared_close(&p);
		return r;
	}

	const char *stage = staging_dir();
	if (!stage) {
		sbx_prepared_close(&p);
		return sbx_fail(err, ENOENT, "new root", "/tmp",
				"no directory to stage the new root on");
	}
	if (cfg->rootfs) {
		int fd __attribute__((cleanup(cleanup_close))) =
		    sbx_clone_tree(cfg->rootfs, 0, err, "rootfs");
		if (fd >= 0 && sbx_move_mount(fd, "", AT_FDCWD, stage, MOVE_MOUNT_F_EMPTY_PATH) < 0)
			r = sbx_fail(err, errno, "rootfs", cfg->rootfs, "attaching on '%s'", stage);
		else
			r = fd < 0 ? fd : 0;
		sbx_log(cfg, r, "rootfs", "%s on %s", cfg->rootfs, stage);
	} else {
		r = 0;
		if (mount("tmpfs", stage, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
			r = sbx_fail(err, errno, "new root", stage, "mounting a tmpfs");
		sbx_log(cfg, r, "new root", "tmpfs on %s", stage);
	}
	if (r < 0) {
		sbx_prepared_close(&p);
		return r;
	}

	if (cfg->testing & SBX_TESTING_PIVOT_ROOT) {
		/* Testing only: the old root stays attached below the new one. */
		if (chdir(stage) < 0 || chroot(".") < 0 || chdir("/") < 0)
			r = sbx_fail(err, errno, "chroot", stage, NULL);
		sbx_log(cfg, r, "testing chroot", "%s", stage);
	} else {
		r = sbx_pivot_root(stage, true, err);
		sbx_log(cfg, r, r == 1 ? "chroot (pivot_root impossible)" : "pivot_root", "%s",
			stage);
	}
	if (r < 0) {
		sbx_prepared_close(&p);
		return r;
	}
	r = sbx_apply_steps(cfg, &p, err);
	if (keep_fd && r >= 0)
		*keep_fd = take_fd(&p.keep_fd);
	sbx_prepared_close(&p);
	return r < 0 ? r : 0;
}
