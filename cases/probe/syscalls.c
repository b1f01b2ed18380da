/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Dangerous system calls, probed with deliberately bad arguments: where the kernel reaches the
 * call it fails harmlessly (EFAULT, EBADF, EINVAL), and a seccomp filter is told apart by its own
 * answer (EPERM, ENOSYS, or a kill).  Some calls check a capability before their arguments, so
 * EPERM can also mean "reached, not privileged": the case decides, from `syscall:NAME.errno` and
 * the capability sets, never the probe.
 */
#include "probe.h"

#include <errno.h>
#include <linux/keyctl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_fsopen
#define SYS_fsopen 430
#define SYS_fsmount 432
#define SYS_move_mount 429
#define SYS_open_tree 428
#define SYS_fspick 433
#endif
#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif
#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef SYS_io_uring_setup
#define SYS_io_uring_setup 425
#endif

static long
call(const char *name)
{
	void *bad = NULL;
	if (strcmp(name, "keyctl") == 0)
		return syscall(SYS_keyctl, 0x7fff, 0, 0, 0, 0); /* no such operation */
	if (strcmp(name, "add_key") == 0)
		return syscall(SYS_add_key, bad, bad, bad, 0, 0);
	if (strcmp(name, "request_key") == 0)
		return syscall(SYS_request_key, bad, bad, bad, 0);
	if (strcmp(name, "bpf") == 0)
		return syscall(SYS_bpf, -1, bad, 0);
	if (strcmp(name, "perf_event_open") == 0)
		return syscall(SYS_perf_event_open, bad, 0, -1, -1, 0);
	if (strcmp(name, "userfaultfd") == 0)
		return syscall(SYS_userfaultfd, -1);
	if (strcmp(name, "open_by_handle_at") == 0)
		return syscall(SYS_open_by_handle_at, -1, bad, 0);
	if (strcmp(name, "kexec_load") == 0)
		return syscall(SYS_kexec_load, 0, 0, bad, -1L);
	if (strcmp(name, "init_module") == 0)
		return syscall(SYS_init_module, bad, 0, bad);
	if (strcmp(name, "finit_module") == 0)
		return syscall(SYS_finit_module, -1, bad, 0);
	if (strcmp(name, "fsopen") == 0)
		return syscall(SYS_fsopen, bad, 0);
	if (strcmp(name, "fsmount") == 0)
		return syscall(SYS_fsmount, -1, 0, 0);
	if (strcmp(name, "fspick") == 0)
		return syscall(SYS_fspick, -1, bad, 0);
	if (strcmp(name, "move_mount") == 0)
		return syscall(SYS_move_mount, -1, bad, -1, bad, 0);
	if (strcmp(name, "open_tree") == 0)
		return syscall(SYS_open_tree, -1, bad, 0);
	if (strcmp(name, "mount_setattr") == 0)
		return syscall(SYS_mount_setattr, -1, bad, 0, bad, 0);
	if (strcmp(name, "mount") == 0)
		return syscall(SYS_mount, bad, bad, bad, 0, bad);
	if (strcmp(name, "umount2") == 0)
		return syscall(SYS_umount2, bad, 0);
	if (strcmp(name, "pivot_root") == 0)
		return syscall(SYS_pivot_root, bad, bad);
	if (strcmp(name, "chroot") == 0)
		return syscall(SYS_chroot, bad);
	if (strcmp(name, "setns") == 0)
		return syscall(SYS_setns, -1, 0);
	if (strcmp(name, "unshare") == 0)
		return syscall(SYS_unshare, -1L);
	if (strcmp(name, "clone3") == 0)
		return syscall(SYS_clone3, bad, 0);
	if (strcmp(name, "ptrace") == 0)
		return syscall(SYS_ptrace, -1L, 0, bad, bad);
	if (strcmp(name, "process_vm_readv") == 0)
		return syscall(SYS_process_vm_readv, 0, bad, 1, bad, 1, 0);
	if (strcmp(name, "io_uring_setup") == 0)
		return syscall(SYS_io_uring_setup, 0, bad);
	if (strcmp(name, "personality") == 0)
		return syscall(SYS_personality, 0xffffffffUL); /* query only */
	/* CVE-2019-10063: a filter comparing all 64 bits of the ioctl command misses TIOCSTI with
	 * high bits set, which the kernel truncates to 32 bits.  fd -1: EBADF when reached. */
	if (strcmp(name, "tiocsti") == 0)
		return syscall(SYS_ioctl, -1, (unsigned long)TIOCSTI, bad);
	if (strcmp(name, "tiocsti-high") == 0)
		return syscall(SYS_ioctl, -1, (unsigned long)TIOCSTI | (1UL << 32), bad);
	if (strcmp(name, "tioclinux") == 0)
		return syscall(SYS_ioctl, -1, (unsigned long)TIOCLINUX, bad);
	errno = EDOM;
	return -2;
}

int
sp_verb_syscall(const struct sp_verb_call *v)
{
	errno = 0;
	long r = call(v->arg);
	if (r == -2 && errno == EDOM)
		return sp_cannot(v, "unknown system call probe '%s'", v->arg);
	sp_kv(v, "ret", "%ld", r);
	sp_kv(v, "errno", "%s", r < 0 ? sp_errname(errno) : "OK");
	return SP_OBSERVED;
}

#if defined(__x86_64__)
/* The i386 ABI from a 64-bit process: int 0x80 with i386 numbers and 32-bit arguments. */
static long
i386_call(long nr, long a, long b, long c)
{
	long ret;
	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(0L), "D"(0L)
			 : "memory");
	return ret;
}
#endif

/*
 * The same bad-argument calls through the i386 ABI (x86_64 only): a filter written for the
 * native numbers alone lets them through.  In a forked child, since a filter may kill on a
 * foreign architecture (SIGSYS) and a kernel without IA32 emulation faults (SIGSEGV): `errno`
 * (name, `OK`, or `killed`) and `signal` when the child was killed.
 */
int
sp_verb_syscall_i386(const struct sp_verb_call *v)
{
#if !defined(__x86_64__)
	return sp_cannot(v, "the i386 ABI is probed on x86_64 only");
#else
	static const struct {
		const char *name;
		long nr, a, b, c;
	} calls[] = {
	    {"keyctl", 288, 0x7fff, 0, 0}, /* no such operation: EOPNOTSUPP when reached */
	    {"unshare", 310, -1, 0, 0},    /* every flag: EINVAL when reached */
	    {"mount", 21, 0, 0, 0},        /* NULL target: EFAULT when reached */
	};
	size_t i = 0;
	while (i < sizeof calls / sizeof calls[0] && strcmp(calls[i].name, v->arg) != 0)
		i++;
	if (i == sizeof calls / sizeof calls[0])
		return sp_cannot(v, "unknown i386 system call probe '%s'", v->arg);
	pid_t pid = fork();
	if (pid < 0)
		return sp_cannot(v, "fork: %s", sp_errname(errno));
	if (pid == 0) {
		long r = i386_call(calls[i].nr, calls[i].a, calls[i].b, calls[i].c);
		_exit(r >= 0 ? 255 : r < -254 ? 254 : (int)-r);
	}
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(st)) {
		sp_kv(v, "errno", "killed");
		const char *sig = sigabbrev_np(WTERMSIG(st));
		sp_kv(v, "signal", "SIG%s", sig ? sig : "?");
	} else {
		int code = WEXITSTATUS(st);
		sp_kv(v, "errno", "%s", code == 255 ? "OK" : sp_errname(code));
	}
	return SP_OBSERVED;
#endif
}
