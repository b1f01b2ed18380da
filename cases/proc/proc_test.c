/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * proc: /proc inside the sandbox is a procfs of its own pid namespace, and the host-wide kernel
 * knobs and host-revealing files under it are out of reach.  Writability is probed by opening for
 * writing, never by writing (under a negative control run as root the open succeeds for real).
 */
#include "sp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A file the host's kernel does not have cannot leak: the property does not apply here. */
static void
require_host_file(const char *path, const char *config)
{
	if (access(path, F_OK) != 0)
		atf_tc_skip("kernel-lacks-file: the host has no %s (%s), nothing to expose", path,
			    config);
}

/* The last blank-separated word of S ("" for NULL): the innermost pid of an NSpid line. */
static const char *
last_word(const char *s)
{
	const char *w = s ? s : "";
	for (const char *p = w; *p; p++)
		if ((*p == ' ' || *p == '\t') && p[1] != ' ' && p[1] != '\t' && p[1] != '\0')
			w = p + 1;
	return w;
}

/* The per-mount options of the mount that covers PATH in a mountinfo table (the last mount whose
 * mount point is the longest prefix of PATH), or "" when none does. */
static const char *
covering_mount_opts(const char *mountinfo, const char *path, char *buf, size_t size)
{
	size_t best = 0;
	buf[0] = '\0';
	for (const char *l = mountinfo; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		char mnt[1024], opts[512];
		if (sscanf(l, "%*s %*s %*s %*s %1023s %511s", mnt, opts) != 2)
			continue;
		size_t n = strlen(mnt);
		bool covers = strcmp(mnt, "/") == 0 ||
			      (strncmp(path, mnt, n) == 0 && (path[n] == '/' || path[n] == '\0'));
		if (covers && n >= best) {
			best = n;
			snprintf(buf, size, "%s", opts);
		}
	}
	return buf;
}

/* Do the comma-separated mount options OPTS include "ro"? */
static bool
opts_ro(const char *opts)
{
	return strncmp(opts, "ro", 2) == 0 && (opts[2] == ',' || opts[2] == '\0');
}

/* open-read:PATH found it unreadable, or masked: what opened is not the procfs file (a /dev/null,
 * an empty file or a fifo bound over it). */
static bool
unreadable_or_masked(const struct sp_run *r, const char *path, char *why, size_t size)
{
	char key[256], b[256];
	snprintf(key, sizeof key, "open-read:%s.result", path);
	const char *res = sp_show(r, key, b, sizeof b);
	bool ok = strcmp(res, "ok") == 0;
	snprintf(key, sizeof key, "open-read:%s.on-proc", path);
	snprintf(why, size, "%s opened (%s), on-proc=%s", path, res, sp_get(r, key));
	return !ok || sp_is(r, key, "0");
}

SP_CASE(proc_is_own_pidns_procfs, "proc.own-pidns", NULL,
	"/proc is a procfs of the sandbox's own pid namespace: /proc/self names the probe by its "
	"innermost pid seen from the host, in a pid namespace not the host's")
{
	sp_require_feature(tc, SP_FEAT_PIDNS);
	const struct sp_run *r = sp_probe(tc, 0, "procfs");
	sp_require_outside(r);
	SP_CHECK_NS_PRIVATE(r, SP_NS_PID);
	SP_CHECK_KEY(r, "procfs.self-is-pid", "1");
	char nspid[128];
	const char *inner = last_word(sp_outside_status(r, "NSpid", nspid, sizeof nspid));
	ATF_CHECK_MSG(
	    sp_is(r, "procfs.self", inner),
	    "/proc/self inside is '%s', the probe's innermost pid seen from the host '%s'",
	    sp_get(r, "procfs.self"), inner);
}

SP_CASE(proc_lists_no_host_pid, "proc.no-host-pids", NULL,
	"The sandbox's /proc lists no process of the host: the host pid of a canary process "
	"outside is not among its entries")
{
	const struct sp_run *r = sp_probe(tc, SP_CANARY_PID, "procfs");
	ATF_CHECK_MSG(sp_is(r, "procfs.canary-listed", "0"),
		      "/proc inside lists the host's canary process (canary-listed=%s, %s pids)",
		      sp_get(r, "procfs.canary-listed"), sp_get(r, "procfs.pids"));
}

SP_CASE(proc_sys_is_read_only, "proc.sys-readonly", NULL,
	"/proc/sys is not writable: it is mounted read-only (inside and in the probe's mount table "
	"seen from the host) and a sysctl cannot be opened for writing")
{
	const struct sp_run *r =
	    sp_probe(tc, 0, "mountflags:/proc/sys", "open-write:/proc/sys/kernel/panic");
	sp_require_outside(r);
	SP_CHECK_KEY(r, "mountflags:/proc/sys.ro", "1");
	SP_CHECK_KEY_NOT(r, "open-write:/proc/sys/kernel/panic.result", "ok");
	char opts[512];
	covering_mount_opts(r->outside.mountinfo, "/proc/sys", opts, sizeof opts);
	ATF_CHECK_MSG(opts_ro(opts), "seen from the host, /proc/sys is mounted '%s'", opts);
}

SP_CASE(core_pattern_is_not_writable, "proc.core-pattern-unwritable", NULL,
	"/proc/sys/kernel/core_pattern (the host-wide core dump handler, run as root on the host) "
	"cannot be opened for writing")
{
	require_host_file("/proc/sys/kernel/core_pattern", "CONFIG_COREDUMP");
	const struct sp_run *r = sp_probe(tc, 0, "open-write:/proc/sys/kernel/core_pattern");
	SP_CHECK_KEY_NOT(r, "open-write:/proc/sys/kernel/core_pattern.result", "ok");
}

SP_CASE(modprobe_is_not_writable, "proc.modprobe-unwritable", NULL,
	"/proc/sys/kernel/modprobe (the helper the kernel runs as root on the host) cannot be "
	"opened for writing")
{
	require_host_file("/proc/sys/kernel/modprobe", "CONFIG_MODULES");
	const struct sp_run *r = sp_probe(tc, 0, "open-write:/proc/sys/kernel/modprobe");
	SP_CHECK_KEY_NOT(r, "open-write:/proc/sys/kernel/modprobe.result", "ok");
}

SP_CASE(sysrq_trigger_is_not_writable, "proc.sysrq-trigger-unwritable", NULL,
	"/proc/sysrq-trigger (reboot, crash or freeze the host with one byte) cannot be opened for "
	"writing")
{
	require_host_file("/proc/sysrq-trigger", "CONFIG_MAGIC_SYSRQ");
	const struct sp_run *r = sp_probe(tc, 0, "open-write:/proc/sysrq-trigger");
	SP_CHECK_KEY_NOT(r, "open-write:/proc/sysrq-trigger.result", "ok");
}

SP_CASE(irq_affinity_is_not_writable, "proc.irq-readonly", NULL,
	"/proc/irq (the host's interrupt routing) cannot be opened for writing")
{
	require_host_file("/proc/irq/default_smp_affinity", "CONFIG_SMP");
	const struct sp_run *r = sp_probe(tc, 0, "open-write:/proc/irq/default_smp_affinity");
	SP_CHECK_KEY_NOT(r, "open-write:/proc/irq/default_smp_affinity.result", "ok");
}

SP_CASE(kcore_is_unreadable, "proc.kcore-unreadable", NULL,
	"/proc/kcore (the host's physical memory as an ELF core) cannot be opened for reading, "
	"or is masked")
{
	require_host_file("/proc/kcore", "CONFIG_PROC_KCORE");
	const struct sp_run *r = sp_probe(tc, 0, "open-read:/proc/kcore");
	char why[512];
	ATF_CHECK_MSG(unreadable_or_masked(r, "/proc/kcore", why, sizeof why), "%s", why);
}

SP_CASE(kmsg_is_unreadable, "proc.kmsg-unreadable", NULL,
	"/proc/kmsg (the host kernel's log, consumed by whoever reads it) cannot be opened, or is "
	"masked")
{
	require_host_file("/proc/kmsg", "CONFIG_PRINTK");
	const struct sp_run *r = sp_probe(tc, 0, "open-read:/proc/kmsg");
	char why[512];
	ATF_CHECK_MSG(unreadable_or_masked(r, "/proc/kmsg", why, sizeof why), "%s", why);
}

SP_CASE(kallsyms_hides_addresses, "proc.kallsyms-hidden", NULL,
	"/proc/kallsyms shows no kernel address (all zero, empty or unreadable), so the host "
	"kernel's layout (KASLR) does not leak")
{
	require_host_file("/proc/kallsyms", "CONFIG_KALLSYMS");
	const struct sp_run *r = sp_probe(tc, 0, "read:/proc/kallsyms");
	const char *c = sp_get(r, "read:/proc/kallsyms.content");
	size_t zeros = c ? strspn(c, "0") : 0;
	ATF_CHECK_MSG(c == NULL || *c == '\0' || (zeros >= 8 && c[zeros] == ' '),
		      "/proc/kallsyms shows kernel addresses: '%.60s'", c);
}

SP_CASE(timer_list_is_unreadable, "proc.timer-list-masked", NULL,
	"/proc/timer_list (every timer of the host, with the functions and the tasks that armed "
	"them) cannot be opened for reading, or is masked")
{
	require_host_file("/proc/timer_list", "CONFIG_TIMER_LIST");
	const struct sp_run *r = sp_probe(tc, 0, "open-read:/proc/timer_list");
	char why[512];
	ATF_CHECK_MSG(unreadable_or_masked(r, "/proc/timer_list", why, sizeof why), "%s", why);
}

SP_CASE(
    root_only_proc_files_are_unreadable, "proc.root-only-unreadable", NULL,
    "The host-wide /proc files only the host's root may read (physical page flags and counts, "
    "slab and vmalloc layouts: side channels for kernel exploits) cannot be opened for reading, "
    "or are masked")
{
	static const char *const files[] = {"/proc/kpageflags", "/proc/kpagecount",
					    "/proc/slabinfo", "/proc/vmallocinfo"};
	require_host_file("/proc/kpageflags", "CONFIG_PROC_PAGE_MONITOR");
	const struct sp_run *r =
	    sp_probe(tc, 0, "open-read:/proc/kpageflags", "open-read:/proc/kpagecount",
		     "open-read:/proc/slabinfo", "open-read:/proc/vmallocinfo");
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		char why[512];
		ATF_CHECK_MSG(unreadable_or_masked(r, files[i], why, sizeof why), "%s", why);
	}
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, proc_is_own_pidns_procfs);
	ATF_TP_ADD_TC(tp, proc_lists_no_host_pid);
	ATF_TP_ADD_TC(tp, proc_sys_is_read_only);
	ATF_TP_ADD_TC(tp, core_pattern_is_not_writable);
	ATF_TP_ADD_TC(tp, modprobe_is_not_writable);
	ATF_TP_ADD_TC(tp, sysrq_trigger_is_not_writable);
	ATF_TP_ADD_TC(tp, irq_affinity_is_not_writable);
	ATF_TP_ADD_TC(tp, kcore_is_unreadable);
	ATF_TP_ADD_TC(tp, kmsg_is_unreadable);
	ATF_TP_ADD_TC(tp, kallsyms_hides_addresses);
	ATF_TP_ADD_TC(tp, timer_list_is_unreadable);
	ATF_TP_ADD_TC(tp, root_only_proc_files_are_unreadable);
	return atf_no_error();
}
