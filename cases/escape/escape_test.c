/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * escape: classic ways out of a sandbox, each stopped at the proof (a host canary reached with
 * read-only steps).  docs/PROBE.md describes each attempt; ../shared/PRIOR-ART.md (section 2.7,
 * chw00t, and section 6) lists the techniques.  Where an attempt needs a privilege the sandbox
 * does not give, the refusal is the pass: the probe's keys say which step was refused.
 */
#include "sp.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

SP_CASE(chroot_classic, "escape.chroot-classic", NULL,
	"The classic chroot escape (chroot into a subdirectory, walk '..' from the working "
	"directory left outside it, chroot '.') does not reach a host file outside the sandbox")
{
	const struct sp_run *r = sp_probe(tc, SP_CANARY_FILE, "canary:file", "escape-chroot");
	SP_CHECK_UNREACHED(r, SP_CANARY_FILE);
	SP_CHECK_KEY(r, "escape-chroot.reached", "0");
}

SP_CASE(chroot_saved_fd, "escape.chroot-saved-fd", NULL,
	"The chroot escape through a directory descriptor saved before the chroot (fchdir to it, "
	"walk '..', chroot '.') does not reach a host file outside the sandbox (chw00t #1)")
{
	const struct sp_run *r = sp_probe(tc, SP_CANARY_FILE, "canary:file", "escape-chroot-fd");
	SP_CHECK_KEY(r, "escape-chroot-fd.reached", "0");
	SP_CHECK_UNREACHED(r, SP_CANARY_FILE);
}

SP_CASE(chroot_fd_passed, "escape.chroot-fd-passed", NULL,
	"A directory descriptor passed over a unix socket (SCM_RIGHTS) into a nested chroot, then "
	"'..' and chroot '.', does not reach a host file outside the sandbox (chw00t #2)")
{
	const struct sp_run *r =
	    sp_probe(tc, SP_CANARY_FILE, "canary:file", "escape-chroot-pass-fd");
	SP_CHECK_KEY(r, "escape-chroot-pass-fd.reached", "0");
	SP_CHECK_UNREACHED(r, SP_CANARY_FILE);
}

SP_CASE(chroot_moved_out, "escape.chroot-moved-out", NULL,
	"A chrooted process whose working directory a second process renames above its root, "
	"then '..' and chroot '.', does not reach a host file outside the sandbox (chw00t #5)")
{
	const struct sp_run *r = sp_probe(tc, SP_CANARY_FILE, "canary:file", "escape-chroot-move");
	SP_CHECK_KEY(r, "escape-chroot-move.reached", "0");
	SP_CHECK_UNREACHED(r, SP_CANARY_FILE);
}

SP_CASE(proc_pid_root_cwd, "escape.proc-pid-root", NULL,
	"No visible process's /proc/PID/root or /proc/PID/cwd leads to a host file outside the "
	"sandbox (chw00t #3)")
{
	const struct sp_run *r = sp_probe(tc, SP_CANARY_FILE, "escape-proc-roots");
	SP_CHECK_KEY(r, "escape-proc-roots.reached", "0");
	SP_CHECK_KEY_NOT(r, "escape-proc-roots.tried", "0");
}

SP_CASE(fresh_procfs, "escape.fresh-procfs", NULL,
	"A procfs freshly mounted inside the sandbox (outside the host's mount namespace) shows "
	"no process whose root leads to a host file outside the sandbox (chw00t #3)")
{
	const struct sp_run *r = sp_probe(tc, SP_CANARY_FILE, "escape-fresh-proc");
	SP_CHECK_KEY(r, "escape-fresh-proc.reached", "0");
	SP_CHECK_NS_PRIVATE(r, SP_NS_MNT);
}

SP_CASE(mknod_block_device, "escape.mknod-block-device", NULL,
	"The sandboxed process cannot create a block device node for the host's disk (the one "
	"holding the file canary): mknod is refused (chw00t #4)")
{
	const struct sp_run *r = sp_probe(tc, SP_CANARY_FILE, "escape-blockdev");
	SP_CHECK_KEY_NOT(r, "escape-blockdev.mknod", "ok");
	SP_CHECK_KEY_NOT(r, "escape-blockdev.mknod", "refused");
}

SP_CASE(mount_block_device, "escape.mount-block-device", NULL,
	"Mounting the host's disk read-only from a device node made inside the sandbox does not "
	"reach the file canary on it (chw00t #4)")
{
	const struct sp_run *r = sp_probe(tc, SP_CANARY_FILE, "escape-blockdev");
	SP_CHECK_KEY(r, "escape-blockdev.reached", "0");
	SP_CHECK_NS_PRIVATE(r, SP_NS_MNT);
}

SP_CASE(open_by_handle, "escape.open-by-handle", NULL,
	"\"Shocker\": open_by_handle_at with a file handle of the host file canary fails inside "
	"the sandbox, and CAP_DAC_READ_SEARCH is not effective (outside view: CapEff)")
{
	const struct sp_run *r = sp_probe(tc, SP_CANARY_FILE, "escape-handle");
	SP_CHECK_KEY(r, "escape-handle.reached", "0");
	char cap[64];
	sp_require_outside(r);
	unsigned long long eff =
	    strtoull(sp_outside_status(r, "CapEff", cap, sizeof cap), NULL, 16);
	ATF_CHECK_MSG(!(eff & (1ULL << 2)), "CapEff %s holds CAP_DAC_READ_SEARCH", cap);
}

SP_CASE(ptrace_canary, "escape.ptrace-canary", NULL,
	"PTRACE_SEIZE of a host process outside the sandbox (the canary) fails")
{
	const struct sp_run *r = sp_probe(tc, SP_CANARY_PID, "canary:pid", "ptrace-canary");
	SP_CHECK_KEY(r, "ptrace-canary.reached", "0");
	SP_CHECK_UNREACHED(r, SP_CANARY_PID);
}

SP_CASE(vmread_canary, "escape.vmread-canary", NULL,
	"process_vm_readv of a host process outside the sandbox (the canary) fails")
{
	const struct sp_run *r = sp_probe(tc, SP_CANARY_PID, "canary:pid", "vmread-canary");
	SP_CHECK_KEY(r, "vmread-canary.reached", "0");
	SP_CHECK_UNREACHED(r, SP_CANARY_PID);
}

SP_CASE(pidfd_canary, "escape.pidfd-canary", NULL,
	"pidfd_open of a host process outside the sandbox (the canary) fails")
{
	const struct sp_run *r = sp_probe(tc, SP_CANARY_PID, "canary:pid", "pidfd-canary");
	SP_CHECK_KEY(r, "pidfd-canary.reached", "0");
	SP_CHECK_UNREACHED(r, SP_CANARY_PID);
}

SP_CASE(kill_all_canary, "escape.kill-all", NULL,
	"kill(-1, SIGCONT) from inside (made only outside the host's pid namespace) does not "
	"reach a host process outside the sandbox: the canary counts no signal")
{
	const struct sp_run *r = sp_probe(tc, SP_CANARY_PID, "kill-all", "canary:pid");
	SP_CHECK_KEY_NOT(r, "kill-all.result", "refused");
	SP_CHECK_UNREACHED(r, SP_CANARY_PID);
}

SP_CASE(setns_canary_mnt, "escape.setns-canary-mnt", NULL,
	"The mount namespace of a host process outside the sandbox (the canary) cannot be opened "
	"for setns from inside")
{
	const struct sp_run *r = sp_probe(tc, SP_CANARY_PID, "canary:pid", "setns-canary:mnt");
	SP_CHECK_KEY(r, "setns-canary:mnt.reached", "0");
	SP_CHECK_UNREACHED(r, SP_CANARY_PID);
}

SP_CASE(setns_canary_user, "escape.setns-canary-user", NULL,
	"The user namespace of a host process outside the sandbox (the canary) cannot be opened "
	"for setns from inside")
{
	const struct sp_run *r = sp_probe(tc, SP_CANARY_PID, "canary:pid", "setns-canary:user");
	SP_CHECK_KEY(r, "setns-canary:user.reached", "0");
	SP_CHECK_UNREACHED(r, SP_CANARY_PID);
}

SP_CASE(setns_canary_net, "escape.setns-canary-net", NULL,
	"The network namespace of a host process outside the sandbox (the canary) cannot be "
	"opened for setns from inside")
{
	const struct sp_run *r = sp_probe(tc, SP_CANARY_PID, "canary:pid", "setns-canary:net");
	SP_CHECK_KEY(r, "setns-canary:net.reached", "0");
	SP_CHECK_UNREACHED(r, SP_CANARY_PID);
}

SP_CASE(umount_root, "escape.umount-root", NULL,
	"Detaching / inside the sandbox (outside the host's mount namespace) does not uncover a "
	"host file outside the sandbox")
{
	const struct sp_run *r = sp_probe(tc, SP_CANARY_FILE, "escape-umount-root");
	SP_CHECK_KEY(r, "escape-umount-root.reached", "0");
	SP_CHECK_NS_PRIVATE(r, SP_NS_MNT);
}

SP_CASE(pivot_root_old_root, "escape.pivot-root", NULL,
	"pivot_root onto a new tmpfs (in a user and mount namespace of the probe's own) puts "
	"nothing of the host under the old root: the file canary stays unreached")
{
	const struct sp_run *r = sp_probe(tc, SP_CANARY_FILE, "canary:file", "escape-pivot-root");
	SP_CHECK_KEY(r, "escape-pivot-root.reached", "0");
	SP_CHECK_UNREACHED(r, SP_CANARY_FILE);
}

SP_CASE(release_agent, "escape.cgroup-release-agent", "CVE-2022-0492",
	"In a new user, mount and cgroup namespace, a cgroup v1 hierarchy's release_agent cannot "
	"be opened for writing (never written): some step is refused")
{
	const struct sp_run *r = sp_probe(tc, 0, "escape-release-agent");
	SP_CHECK_KEY(r, "escape-release-agent.reached", "0");
	if (sp_word_in(sp_adapter(tc)->claims, "cgroupns"))
		SP_CHECK_NS_PRIVATE(r, SP_NS_CGROUP);
}

/* Outside view for CVE-2019-5736: the identities of the executables of the adapter's process
 * tree (the runtime), the probe excepted, collected while the probe holds. */
struct runtime_ids {
	char ids[4096];
};

static bool
descends_from(pid_t pid, pid_t ancestor)
{
	for (int depth = 0; pid > 1 && depth < 64; depth++) {
		if (pid == ancestor)
			return true;
		char path[64], buf[1024];
		snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
		FILE *f = fopen(path, "re");
		if (f == NULL)
			return false;
		size_t n = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
		buf[n] = '\0';
		const char *p = strrchr(buf, ')');
		int ppid;
		if (p == NULL || sscanf(p, ") %*c %d", &ppid) != 1)
			return false;
		pid = ppid;
	}
	return false;
}

static int
collect_runtime_ids(struct sp_run *r, unsigned n, void *arg)
{
	struct runtime_ids *rt = arg;
	DIR *d = opendir("/proc");
	if (n != 0 || d == NULL)
		return d ? closedir(d), 0 : 0;
	size_t o = 0;
	for (struct dirent *e; (e = readdir(d)) != NULL;) {
		pid_t pid = atoi(e->d_name);
		char path[64], id[64];
		struct stat st;
		snprintf(path, sizeof path, "/proc/%d/exe", (int)pid);
		if (pid <= 0 || pid == r->outside.pid || !descends_from(pid, r->adapter_pid) ||
		    stat(path, &st) != 0 || o + 80 > sizeof rt->ids)
			continue;
		snprintf(id, sizeof id, "%u:%u:%lu", major(st.st_dev), minor(st.st_dev),
			 (unsigned long)st.st_ino);
		o += (size_t)snprintf(rt->ids + o, sizeof rt->ids - o, ",%s,", id);
	}
	closedir(d);
	return 0;
}

/* The first PID=ID of the probe's exe-ids list whose ID is one of the runtime's, or NULL. */
static const char *
runtime_exe_seen(const struct sp_run *r, const struct runtime_ids *rt, char *buf, size_t size)
{
	const char *list = sp_get(r, "exe-ids.list");
	for (const char *p = list; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : "") {
		const char *eq = strchr(p, '=');
		size_t len = strcspn(p, ",");
		if (eq == NULL || eq > p + len)
			continue;
		snprintf(buf, size, ",%.*s,", (int)(p + len - eq - 1), eq + 1);
		if (strstr(rt->ids, buf)) {
			snprintf(buf, size, "%.*s", (int)len, p);
			return buf;
		}
	}
	return NULL;
}

SP_CASE(runtime_exe, "escape.runtime-exe", "CVE-2019-5736",
	"No visible process's /proc/PID/exe opens for writing (never written), and none is the "
	"host's runtime binary (outside view: dev:ino of the adapter's process tree)")
{
	struct runtime_ids rt = {""};
	const struct sp_opts o = {
	    .verbs = {"exe-open-write", "exe-ids"}, .hook = collect_runtime_ids, .hook_arg = &rt};
	const struct sp_run *r = sp_probe_opts(tc, &o);
	char seen[128];
	SP_CHECK_KEY(r, "exe-open-write.reached", "0");
	ATF_CHECK_MSG(!runtime_exe_seen(r, &rt, seen, sizeof seen),
		      "the runtime's binary is visible inside as /proc/%s (runtime ids %s)", seen,
		      rt.ids);
}

SP_CASE(runtime_exe_reopen, "escape.runtime-exe-reopen", "CVE-2019-5736",
	"No visible process's /proc/PID/exe, held with O_PATH, reopens for writing through "
	"/proc/self/fd (never written): neither now nor once its binary stops running "
	"(faccessat W_OK where the reopen answers ETXTBSY)")
{
	const struct sp_run *r = sp_probe(tc, 0, "exe-reopen");
	SP_CHECK_KEY(r, "exe-reopen.reopened", "");
	SP_CHECK_KEY(r, "exe-reopen.later", "");
}

SP_CASE(userns_extents, "escape.userns-extents", "CVE-2018-18955",
	"A nested user namespace with a six-extent id map opens a file of host root (mode 0600, "
	"in the probe directory) neither for reading nor for writing (never written); a refused "
	"step (unshare, the maps) is the pass")
{
	/* Root of the initial user namespace only: root of another one plants no file of host
	 * root (the canary's owner would be the uid it maps to). */
	struct sp_feature_status st;
	sp_feature_check(SP_FEAT_ROOT, &st);
	bool root = st.available;
	const struct sp_run *r = sp_probe(tc, root ? SP_CANARY_LOCKED : 0, "userns-extents");
	const char *nested = sp_get(r, "userns-extents.nested");
	if (!root && nested != NULL && strcmp(nested, "ok") == 0) {
		atf_tc_expect_pass();
		atf_tc_skip(
		    "not applicable in this mode: the nested map was written, and only a "
		    "harness run as root of the initial user namespace can plant the file of "
		    "host root to try (%s)",
		    st.why);
	}
	SP_CHECK_KEY(r, "userns-extents.reached", "0");
	if (root)
		ATF_CHECK_MSG(!sp_canary_state(r, SP_CANARY_LOCKED)->touched, "%s",
			      sp_canary_state(r, SP_CANARY_LOCKED)->detail);
}

SP_CASE(keyring_canary, "escape.keyring", NULL,
	"A user key in the session keyring of the process that started the sandbox cannot be "
	"found from inside (KEYCTL_SEARCH and request_key fail)")
{
	sp_require_feature(tc, SP_FEAT_KEYRING);
	const struct sp_run *r = sp_probe(tc, SP_CANARY_KEY, "canary:key");
	SP_CHECK_UNREACHED(r, SP_CANARY_KEY);
}

SP_CASE(userns_after_chroot, "escape.userns-regain", NULL,
	"A nested user namespace gives no way out: a process that chroots cannot create one "
	"(Chromium's CannotRegainPrivileges), and with the CAP_SYS_CHROOT regained in one the "
	"classic chroot escape still ends inside the sandbox")
{
	const struct sp_run *r = sp_probe(tc, SP_CANARY_FILE, "userns-after-chroot");
	SP_CHECK_KEY(r, "userns-after-chroot.regained", "0");
	SP_CHECK_KEY(r, "userns-after-chroot.reached", "0");
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, chroot_classic);
	ATF_TP_ADD_TC(tp, chroot_saved_fd);
	ATF_TP_ADD_TC(tp, chroot_fd_passed);
	ATF_TP_ADD_TC(tp, chroot_moved_out);
	ATF_TP_ADD_TC(tp, proc_pid_root_cwd);
	ATF_TP_ADD_TC(tp, fresh_procfs);
	ATF_TP_ADD_TC(tp, mknod_block_device);
	ATF_TP_ADD_TC(tp, mount_block_device);
	ATF_TP_ADD_TC(tp, open_by_handle);
	ATF_TP_ADD_TC(tp, ptrace_canary);
	ATF_TP_ADD_TC(tp, vmread_canary);
	ATF_TP_ADD_TC(tp, pidfd_canary);
	ATF_TP_ADD_TC(tp, kill_all_canary);
	ATF_TP_ADD_TC(tp, setns_canary_mnt);
	ATF_TP_ADD_TC(tp, setns_canary_user);
	ATF_TP_ADD_TC(tp, setns_canary_net);
	ATF_TP_ADD_TC(tp, umount_root);
	ATF_TP_ADD_TC(tp, pivot_root_old_root);
	ATF_TP_ADD_TC(tp, release_agent);
	ATF_TP_ADD_TC(tp, runtime_exe);
	ATF_TP_ADD_TC(tp, runtime_exe_reopen);
	ATF_TP_ADD_TC(tp, userns_extents);
	ATF_TP_ADD_TC(tp, keyring_canary);
	ATF_TP_ADD_TC(tp, userns_after_chroot);
	return atf_no_error();
}
