/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * seccomp: where the adapter claims a system call filter, it is active and refuses the calls a
 * sandbox has no use for.  Each call is made with deliberately bad arguments (docs/PROBE.md,
 * `syscall:NAME`): when the kernel reaches it, it fails harmlessly (EFAULT, EBADF, EINVAL,
 * EOPNOTSUPP), so only a refusal before the call (EPERM or ENOSYS) passes.
 */
#include "sp.h"

#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/*
 * A kernel built without a call (CONFIG_MODULES, CONFIG_KEXEC, CONFIG_BPF_SYSCALL, ... off)
 * answers ENOSYS itself, so ENOSYS inside then says nothing about a filter.  The test process
 * makes the probe's call with the probe's bad arguments (cases/probe/syscalls.c: harmless when
 * reached), outside any sandbox, to find out: true when the kernel lacks NAME.
 */
static bool
kernel_lacks(const char *name)
{
	static const struct {
		const char *name;
		long nr, a[5];
	} calls[] = {
	    {"keyctl", SYS_keyctl, {0x7fff, 0, 0, 0, 0}},
	    {"add_key", SYS_add_key, {0, 0, 0, 0, 0}},
	    {"request_key", SYS_request_key, {0, 0, 0, 0, 0}},
	    {"bpf", SYS_bpf, {-1, 0, 0, 0, 0}},
	    {"perf_event_open", SYS_perf_event_open, {0, 0, -1, -1, 0}},
	    {"userfaultfd", SYS_userfaultfd, {-1, 0, 0, 0, 0}},
	    {"open_by_handle_at", SYS_open_by_handle_at, {-1, 0, 0, 0, 0}},
	    {"kexec_load", SYS_kexec_load, {0, 0, 0, -1L, 0}},
	    {"init_module", SYS_init_module, {0, 0, 0, 0, 0}},
	    {"finit_module", SYS_finit_module, {-1, 0, 0, 0, 0}},
	    {"io_uring_setup", 425 /* SYS_io_uring_setup */, {0, 0, 0, 0, 0}},
	};
	for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
		if (strcmp(calls[i].name, name) != 0)
			continue;
		const long *a = calls[i].a;
		return syscall(calls[i].nr, a[0], a[1], a[2], a[3], a[4]) < 0 && errno == ENOSYS;
	}
	return false;
}

/*
 * The probe's bad-argument call NAME was refused (EPERM or ENOSYS), not reached.  When the kernel
 * itself lacks the call (KERNEL_ENOSYS) only EPERM tells a filter apart.
 */
static void
check_refused_by(const struct sp_run *r, const char *name, bool kernel_enosys)
{
	char key[96], b[512];
	snprintf(key, sizeof key, "syscall:%s.errno", name);
	const char *e = sp_get(r, key);
	ATF_CHECK_MSG(e &&
			  (strcmp(e, "EPERM") == 0 || (!kernel_enosys && strcmp(e, "ENOSYS") == 0)),
		      "%s with bad arguments gave %s: %s", name, sp_show(r, key, b, sizeof b),
		      kernel_enosys ? "this kernel lacks the call and answers ENOSYS itself, want "
				      "EPERM from a filter"
				    : "the kernel reached it (want EPERM or ENOSYS from a filter)");
}

static void
check_refused(const struct sp_run *r, const char *name)
{
	check_refused_by(r, name, false);
}

SP_CASE(filter_is_active, "seccomp.filter-active", NULL,
	"A seccomp filter is active on the sandboxed process (PR_GET_SECCOMP and "
	"/proc/self/status inside, Seccomp of /proc/PID/status outside: mode 2)")
{
	const struct sp_run *r = sp_probe(tc, 0, "seccomp");
	sp_require_outside(r);
	char out[32];
	SP_CHECK_KEY(r, "seccomp.status", "2");
	const char *o = sp_outside_status(r, "Seccomp", out, sizeof out);
	ATF_CHECK_MSG(o && strcmp(o, "2") == 0, "outside, Seccomp of pid %d is %s",
		      (int)r->outside.pid, o ? o : "(absent)");
}

#define REFUSED_CASE(fn, call, cve, why)                                                           \
	SP_CASE(fn, "seccomp.refuses-" call, cve,                                                  \
		"The filter refuses " call " (" why "): called with bad arguments it fails with "  \
		"EPERM or ENOSYS, not with the kernel's own error")                                \
	{                                                                                          \
		bool lacks = kernel_lacks(call);                                                   \
		const struct sp_run *r = sp_probe(tc, 0, "syscall:" call);                         \
		check_refused_by(r, call, lacks);                                                  \
	}

REFUSED_CASE(refuses_keyctl, "keyctl", NULL, "the kernel keyrings are not namespaced")
REFUSED_CASE(refuses_add_key, "add_key", NULL, "the kernel keyrings are not namespaced")
REFUSED_CASE(refuses_request_key, "request_key", NULL,
	     "the kernel keyrings are not namespaced, and a request may start a host helper")
REFUSED_CASE(refuses_bpf, "bpf", NULL, "BPF programs and maps are kernel attack surface")
REFUSED_CASE(refuses_perf_event_open, "perf_event_open", NULL,
	     "performance events leak kernel and other processes' state")
REFUSED_CASE(refuses_userfaultfd, "userfaultfd", NULL,
	     "page-fault handling in user space widens kernel race windows")
REFUSED_CASE(refuses_open_by_handle_at, "open_by_handle_at", NULL,
	     "file handles bypass the mount tree: the 'shocker' escape")
REFUSED_CASE(refuses_kexec_load, "kexec_load", NULL, "loading a new kernel")
REFUSED_CASE(refuses_init_module, "init_module", NULL, "loading a kernel module")
REFUSED_CASE(refuses_finit_module, "finit_module", NULL, "loading a kernel module from a file")
REFUSED_CASE(refuses_fsopen, "fsopen", "CVE-2021-41133", "the new mount API")
REFUSED_CASE(refuses_fsmount, "fsmount", "CVE-2021-41133", "the new mount API")
REFUSED_CASE(refuses_fspick, "fspick", "CVE-2021-41133", "the new mount API")
REFUSED_CASE(refuses_move_mount, "move_mount", "CVE-2021-41133", "the new mount API")
REFUSED_CASE(refuses_open_tree, "open_tree", "CVE-2021-41133", "the new mount API")
REFUSED_CASE(refuses_mount_setattr, "mount_setattr", "CVE-2021-41133", "the new mount API")

REFUSED_CASE(refuses_mount, "mount", NULL, "mounting is the way to rearrange the sandbox's view")
REFUSED_CASE(refuses_umount2, "umount2", NULL, "unmounting may reveal what a mount hides")
REFUSED_CASE(refuses_pivot_root, "pivot_root", NULL, "changing the root of the mount namespace")
REFUSED_CASE(refuses_setns, "setns", NULL, "joining another namespace through a descriptor")
REFUSED_CASE(refuses_unshare, "unshare", NULL,
	     "new namespaces reach kernel code written for privileged callers")
REFUSED_CASE(refuses_clone3, "clone3", NULL,
	     "its flags sit behind a pointer no filter can read, so filters answer ENOSYS and libc "
	     "falls back to clone")
REFUSED_CASE(refuses_io_uring_setup, "io_uring_setup", NULL,
	     "io_uring runs system calls no seccomp filter sees, and is a large kernel surface")

/* Through the i386 ABI a refusal may also be the filter killing the caller (SIGSYS). */
static void
check_i386_refused(const struct sp_run *r, const char *name)
{
	char key[96], b[512];
	snprintf(key, sizeof key, "syscall-i386:%s.errno", name);
	const char *e = sp_get(r, key);
	ATF_CHECK_MSG(
	    e && (strcmp(e, "EPERM") == 0 || strcmp(e, "ENOSYS") == 0 || strcmp(e, "killed") == 0),
	    "%s through int 0x80 (i386 ABI) with bad arguments gave %s: the kernel reached "
	    "it",
	    name, sp_show(r, key, b, sizeof b));
}

SP_CASE(i386_abi_covered, "seccomp.i386-abi-covered", NULL,
	"The filter covers the i386 system call ABI too, which an x86_64 process reaches with "
	"int 0x80 and other numbers: keyctl, unshare and mount made that way are refused (EPERM, "
	"ENOSYS or SIGSYS)")
{
	const struct sp_run *r =
	    sp_probe(tc, 0, "syscall-i386:keyctl", "syscall-i386:unshare", "syscall-i386:mount");
	if (sp_get(r, "syscall-i386:keyctl.cannot") != NULL ||
	    sp_is(r, "syscall-i386:keyctl.signal", "SIGSEGV"))
		sp_skip_environment(tc, "no-i386-abi",
				    "int 0x80 is not a system call here (not x86_64, or a kernel "
				    "without IA32 emulation)");
	check_i386_refused(r, "keyctl");
	check_i386_refused(r, "unshare");
	check_i386_refused(r, "mount");
}

SP_CASE(refuses_tiocsti_high_bits, "seccomp.refuses-tiocsti-high-bits",
	"CVE-2019-10063 CVE-2019-7303",
	"The filter refuses the TIOCSTI ioctl also with bits set above the low 32 of the "
	"request, which the kernel ignores: a filter comparing all 64 bits lets it through")
{
	const struct sp_run *r = sp_probe(tc, 0, "syscall:tiocsti", "syscall:tiocsti-high");
	check_refused(r, "tiocsti");
	check_refused(r, "tiocsti-high");
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, filter_is_active);
	ATF_TP_ADD_TC(tp, refuses_keyctl);
	ATF_TP_ADD_TC(tp, refuses_add_key);
	ATF_TP_ADD_TC(tp, refuses_request_key);
	ATF_TP_ADD_TC(tp, refuses_bpf);
	ATF_TP_ADD_TC(tp, refuses_perf_event_open);
	ATF_TP_ADD_TC(tp, refuses_userfaultfd);
	ATF_TP_ADD_TC(tp, refuses_open_by_handle_at);
	ATF_TP_ADD_TC(tp, refuses_kexec_load);
	ATF_TP_ADD_TC(tp, refuses_init_module);
	ATF_TP_ADD_TC(tp, refuses_finit_module);
	ATF_TP_ADD_TC(tp, refuses_fsopen);
	ATF_TP_ADD_TC(tp, refuses_fsmount);
	ATF_TP_ADD_TC(tp, refuses_fspick);
	ATF_TP_ADD_TC(tp, refuses_move_mount);
	ATF_TP_ADD_TC(tp, refuses_open_tree);
	ATF_TP_ADD_TC(tp, refuses_mount_setattr);
	ATF_TP_ADD_TC(tp, refuses_mount);
	ATF_TP_ADD_TC(tp, refuses_umount2);
	ATF_TP_ADD_TC(tp, refuses_pivot_root);
	ATF_TP_ADD_TC(tp, refuses_setns);
	ATF_TP_ADD_TC(tp, refuses_unshare);
	ATF_TP_ADD_TC(tp, refuses_clone3);
	ATF_TP_ADD_TC(tp, refuses_io_uring_setup);
	ATF_TP_ADD_TC(tp, refuses_tiocsti_high_bits);
	ATF_TP_ADD_TC(tp, i386_abi_covered);
	return atf_no_error();
}
