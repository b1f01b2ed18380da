/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * System calls that not every libc wraps, called through syscall(2) under every libc, so libsbx
 * behaves the same whichever libc it is built with.  glibc 2.36 wraps the new mount API, but
 * musl 1.2.3 (sbx-run's static build) wraps none of it, nor close_range(2) or pidfd_open(2);
 * the constants and struct mount_attr come from the kernel's uapi headers, which both libcs
 * accept next to <sys/mount.h>.  Each returns what syscall(2) does: -1 with errno on failure.
 */
#ifndef SBX_SYSCALLS_H
#define SBX_SYSCALLS_H

#include <errno.h>
#include <linux/close_range.h>
#include <linux/mount.h>
#include <stddef.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

/* open_tree(2), Linux 5.2 */
static inline int
sbx_open_tree(int dfd, const char *path, unsigned flags)
{
	return (int)syscall(SYS_open_tree, dfd, path, flags);
}

/* move_mount(2), Linux 5.2 */
static inline int
sbx_move_mount(int from_dfd, const char *from_path, int to_dfd, const char *to_path, unsigned flags)
{
	return (int)syscall(SYS_move_mount, from_dfd, from_path, to_dfd, to_path, flags);
}

/* fsopen(2), fsconfig(2), fsmount(2), Linux 5.2 */
static inline int
sbx_fsopen(const char *fstype, unsigned flags)
{
	return (int)syscall(SYS_fsopen, fstype, flags);
}

static inline int
sbx_fsconfig(int fd, unsigned cmd, const char *key, const void *value, int aux)
{
	return (int)syscall(SYS_fsconfig, fd, cmd, key, value, aux);
}

static inline int
sbx_fsmount(int fd, unsigned flags, unsigned attr_flags)
{
	return (int)syscall(SYS_fsmount, fd, flags, attr_flags);
}

/* mount_setattr(2), Linux 5.12 */
static inline int
sbx_mount_setattr(int dfd, const char *path, unsigned flags, struct mount_attr *attr, size_t size)
{
	return (int)syscall(SYS_mount_setattr, dfd, path, flags, attr, size);
}

/*
 * open_tree_attr(2), Linux 6.15: open_tree(OPEN_TREE_CLONE) and mount_setattr(2) on the clone in
 * one call.  Number 467 of the system call table every architecture but alpha shares since 5.1;
 * the uapi headers of older systems (Debian 12's are 6.1) lack it.  Fails with ENOSYS where the
 * number is unknown here; callers fall back to the two calls.
 */
#if !defined(SYS_open_tree_attr) && !defined(__alpha__)
#define SYS_open_tree_attr 467
#endif

static inline int
sbx_open_tree_attr(int dfd, const char *path, unsigned flags, struct mount_attr *attr, size_t size)
{
#ifdef SYS_open_tree_attr
	return (int)syscall(SYS_open_tree_attr, dfd, path, flags, attr, size);
#else
	(void)dfd, (void)path, (void)flags, (void)attr, (void)size;
	errno = ENOSYS;
	return -1;
#endif
}

/* close_range(2), Linux 5.9 (CLOSE_RANGE_CLOEXEC: 5.11) */
static inline int
sbx_close_range(unsigned first, unsigned last, unsigned flags)
{
	return (int)syscall(SYS_close_range, first, last, flags);
}

/* pidfd_open(2), Linux 5.3 */
static inline int
sbx_pidfd_open(pid_t pid, unsigned flags)
{
	return (int)syscall(SYS_pidfd_open, pid, flags);
}

#endif
