/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * caps: the capability sets of the sandboxed process, seen from inside (/proc/self/status through
 * the probe's `caps`, and capget(2)/prctl(2) through `capget`) and from outside (the Cap* lines of
 * /proc/PID/status of the live probe), and what execve of a privileged binary gives back.  The
 * sets may hold what the adapter declares it keeps (describe's `caps-keep=`, docs/ADAPTERS.md);
 * the bounding set may hold none of the capabilities listed below whatever is declared.
 */
#include "sp.h"

#include <inttypes.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* The set as a mask; a missing value counts as full, so an absent key never passes. */
static uint64_t
mask_of(const char *hex)
{
	return hex ? strtoull(hex, NULL, 16) : UINT64_MAX;
}

/* capabilities(7), in the order of their numbers. */
static const char cap_names[] =
    "chown dac_override dac_read_search fowner fsetid kill setgid setuid setpcap "
    "linux_immutable net_bind_service net_broadcast net_admin net_raw ipc_lock "
    "ipc_owner sys_module sys_rawio sys_chroot sys_ptrace sys_pacct sys_admin "
    "sys_boot sys_nice sys_resource sys_time sys_tty_config mknod lease audit_write "
    "audit_control setfcap mac_override mac_admin syslog wake_alarm block_suspend "
    "audit_read perfmon bpf checkpoint_restore";

/* The number of capability NAME (without CAP_, any case), or -1. */
static int
cap_number(const char *name)
{
	size_t len = strlen(name);
	int i = 0;
	for (const char *p = cap_names; *p; i++) {
		size_t n = strcspn(p, " ");
		if (n == len && strncasecmp(p, name, n) == 0)
			return i;
		p += n + (p[n] == ' ');
	}
	return -1;
}

/* What the adapter declares it keeps (`caps-keep=`: names, with or without CAP_), as a mask. */
static uint64_t
declared_keep(const atf_tc_t *tc)
{
	const struct sp_description *d = sp_adapter(tc);
	uint64_t keep = 0;
	for (const char *p = d->caps_keep; *p;) {
		size_t n = strcspn(p, " \t,");
		if (n > 0) {
			char w[64];
			snprintf(w, sizeof w, "%.*s", (int)n, p);
			const char *base = strncasecmp(w, "cap_", 4) == 0 ? w + 4 : w;
			int i = cap_number(base);
			ATF_REQUIRE_MSG(i >= 0,
					"adapter %s declares caps-keep '%s': no such capability",
					d->name, w);
			keep |= UINT64_C(1) << i;
		}
		p += n + (p[n] != '\0');
	}
	return keep;
}

/*
 * The set (`eff`, `prm`, `inh`, `amb`) holds nothing beyond KEEP, as /proc/self/status and
 * capget(2) say inside and /proc/PID/status (FIELD) says outside.
 */
static void
check_set_within(const struct sp_run *r, const char *set, const char *field, uint64_t keep)
{
	char k1[32], k2[32], b[512], out[64];
	snprintf(k1, sizeof k1, "caps.%s", set);
	snprintf(k2, sizeof k2, "capget.%s", set);
	ATF_CHECK_MSG((mask_of(sp_get(r, k1)) & ~keep) == 0,
		      "inside, %s is %s (declared kept: %#llx)", k1, sp_show(r, k1, b, sizeof b),
		      (unsigned long long)keep);
	ATF_CHECK_MSG((mask_of(sp_get(r, k2)) & ~keep) == 0,
		      "inside, %s is %s (declared kept: %#llx)", k2, sp_show(r, k2, b, sizeof b),
		      (unsigned long long)keep);
	const char *o = sp_outside_status(r, field, out, sizeof out);
	ATF_CHECK_MSG((mask_of(o) & ~keep) == 0,
		      "outside, %s of pid %d is %s (declared kept: %#llx)", field,
		      (int)r->outside.pid, o ? o : "(absent)", (unsigned long long)keep);
}

/* CAP is not in the bounding set, inside (status and prctl) and outside (CapBnd). */
static void
check_not_bounding(const struct sp_run *r, int cap, const char *name)
{
	char b1[512], b2[512], out[64];
	uint64_t bit = UINT64_C(1) << cap;
	const char *o = sp_outside_status(r, "CapBnd", out, sizeof out);
	ATF_CHECK_MSG(
	    !(mask_of(sp_get(r, "caps.bnd")) & bit) && !(mask_of(sp_get(r, "capget.bnd")) & bit),
	    "%s is in the bounding set inside (status %s, prctl %s)", name,
	    sp_show(r, "caps.bnd", b1, sizeof b1), sp_show(r, "capget.bnd", b2, sizeof b2));
	ATF_CHECK_MSG(!(mask_of(o) & bit), "%s is in CapBnd %s of pid %d seen from outside", name,
		      o ? o : "(absent)", (int)r->outside.pid);
}

/* The set-user-ID root copy of the probe exists only when the harness runs as root. */
static void
require_root_copy(void)
{
	if (geteuid() != 0)
		atf_tc_skip("needs-root: only root can make the set-user-ID root copy of the probe "
			    "this case executes");
}

/* After execve of the copy, the permitted and effective sets hold nothing beyond KEEP. */
static void
check_exec_gained_nothing(const struct sp_run *r, const char *copy, uint64_t keep)
{
	char k1[64], k2[64], k3[64], b1[512], b2[512], b3[512];
	snprintf(k1, sizeof k1, "exec-privs:%s.prm", copy);
	snprintf(k2, sizeof k2, "exec-privs:%s.eff", copy);
	snprintf(k3, sizeof k3, "exec-privs:%s.exec-errno", copy);
	bool refused = sp_get(r, k3) != NULL; /* execve refused: nothing was gained */
	ATF_CHECK_MSG(refused || ((mask_of(sp_get(r, k1)) | mask_of(sp_get(r, k2))) & ~keep) == 0,
		      "after execve of the %s copy: permitted %s, effective %s", copy,
		      sp_show(r, k1, b1, sizeof b1), sp_show(r, k2, b2, sizeof b2));
	ATF_CHECK_MSG(refused || sp_get(r, k1) != NULL, "the %s copy did not report: %s", copy,
		      sp_show(r, k3, b3, sizeof b3));
}

SP_CASE(effective_set_is_empty, "caps.effective-empty", NULL,
	"The sandboxed process holds no effective capability (/proc/self/status and capget "
	"inside, CapEff of /proc/PID/status outside)")
{
	const struct sp_run *r = sp_probe(tc, 0, "caps", "capget");
	sp_require_outside(r);
	check_set_within(r, "eff", "CapEff", declared_keep(tc));
}

SP_CASE(permitted_set_is_empty, "caps.permitted-empty", NULL,
	"The sandboxed process holds no permitted capability, so it cannot raise one "
	"(/proc/self/status and capget inside, CapPrm outside)")
{
	const struct sp_run *r = sp_probe(tc, 0, "caps", "capget");
	sp_require_outside(r);
	check_set_within(r, "prm", "CapPrm", declared_keep(tc));
}

SP_CASE(inheritable_set_is_empty, "caps.inheritable-empty", NULL,
	"The inheritable set is empty and cannot be filled (capset fails), so no file's "
	"inheritable capabilities can be granted across execve (/proc/self/status and capget "
	"inside, CapInh outside)")
{
	const struct sp_run *r = sp_probe(tc, 0, "caps", "capget", "cap-raise");
	sp_require_outside(r);
	check_set_within(r, "inh", "CapInh", declared_keep(tc));
	if (declared_keep(tc) == 0) /* kept ones may be made inheritable */
		SP_CHECK_KEY_NOT(r, "cap-raise.inheritable", "ok");
}

SP_CASE(ambient_set_is_empty, "caps.ambient-empty", NULL,
	"The ambient set is empty and no capability can be raised into it, so none survives "
	"execve of an ordinary program (/proc/self/status and PR_CAP_AMBIENT_IS_SET inside, "
	"CapAmb outside)")
{
	const struct sp_run *r = sp_probe(tc, 0, "caps", "capget", "cap-raise");
	sp_require_outside(r);
	check_set_within(r, "amb", "CapAmb", declared_keep(tc));
	if (declared_keep(tc) == 0) /* kept ones may be raised */
		SP_CHECK_KEY_NOT(r, "cap-raise.ambient", "ok");
}

#define BOUNDING_CASE(fn, id, cap, why)                                                            \
	SP_CASE(fn, "caps." id, NULL,                                                              \
		"The bounding set does not hold " #cap " (" why "), inside (status and "           \
		"PR_CAPBSET_READ) and outside (CapBnd)")                                           \
	{                                                                                          \
		const struct sp_run *r = sp_probe(tc, 0, "caps", "capget");                        \
		sp_require_outside(r);                                                             \
		check_not_bounding(r, cap, #cap);                                                  \
	}

BOUNDING_CASE(bounding_lacks_sys_admin, "bounding-no-sys-admin", CAP_SYS_ADMIN,
	      "mounts, namespaces and most of the kernel's privileged surface")
BOUNDING_CASE(bounding_lacks_sys_module, "bounding-no-sys-module", CAP_SYS_MODULE,
	      "loading kernel modules")
BOUNDING_CASE(bounding_lacks_sys_ptrace, "bounding-no-sys-ptrace", CAP_SYS_PTRACE,
	      "tracing any process")
BOUNDING_CASE(bounding_lacks_dac_read_search, "bounding-no-dac-read-search", CAP_DAC_READ_SEARCH,
	      "open_by_handle_at, the 'shocker' escape")
BOUNDING_CASE(bounding_lacks_sys_rawio, "bounding-no-sys-rawio", CAP_SYS_RAWIO,
	      "raw I/O ports and memory")
BOUNDING_CASE(bounding_lacks_net_admin, "bounding-no-net-admin", CAP_NET_ADMIN,
	      "network configuration")
BOUNDING_CASE(bounding_lacks_sys_boot, "bounding-no-sys-boot", CAP_SYS_BOOT, "reboot and kexec")
BOUNDING_CASE(bounding_lacks_mknod, "bounding-no-mknod", CAP_MKNOD, "creating device nodes")
BOUNDING_CASE(bounding_lacks_sys_time, "bounding-no-sys-time", CAP_SYS_TIME,
	      "setting the system clock")
BOUNDING_CASE(bounding_lacks_bpf, "bounding-no-bpf", CAP_BPF, "loading BPF programs")
BOUNDING_CASE(bounding_lacks_perfmon, "bounding-no-perfmon", CAP_PERFMON,
	      "performance monitoring of the whole system")
BOUNDING_CASE(bounding_lacks_syslog, "bounding-no-syslog", CAP_SYSLOG,
	      "the kernel log and unmasked kernel addresses")

SP_CASE(setuid_exec_regains_none, "caps.setuid-exec-regains-none", NULL,
	"execve of a set-user-ID root binary inside the sandbox grants no permitted or effective "
	"capability (a root-owned mode 4755 copy of the probe reports its own sets)")
{
	require_root_copy();
	const struct sp_run *r = sp_probe_opts(
	    tc, &(const struct sp_opts){.verbs = {"exec-privs:setuid"}, .privileged_copies = true});
	check_exec_gained_nothing(r, "setuid", declared_keep(tc));
}

SP_CASE(file_caps_exec_regains_none, "caps.file-caps-exec-regains-none", NULL,
	"execve of a binary whose security.capability permits every capability grants none "
	"inside the sandbox (a file-capability copy of the probe reports its own sets; as a user "
	"the capability is rooted at the user's uid)")
{
	const struct sp_run *r = sp_probe_opts(
	    tc, &(const struct sp_opts){.verbs = {"exec-privs:fcaps"}, .privileged_copies = true});
	const char *why = sp_get(r, "exec-privs:fcaps.cannot");
	if (why != NULL)
		sp_skip_environment(tc, "file-capability-unavailable", "%s", why);
	check_exec_gained_nothing(r, "fcaps", declared_keep(tc));
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, effective_set_is_empty);
	ATF_TP_ADD_TC(tp, permitted_set_is_empty);
	ATF_TP_ADD_TC(tp, inheritable_set_is_empty);
	ATF_TP_ADD_TC(tp, ambient_set_is_empty);
	ATF_TP_ADD_TC(tp, bounding_lacks_sys_admin);
	ATF_TP_ADD_TC(tp, bounding_lacks_sys_module);
	ATF_TP_ADD_TC(tp, bounding_lacks_sys_ptrace);
	ATF_TP_ADD_TC(tp, bounding_lacks_dac_read_search);
	ATF_TP_ADD_TC(tp, bounding_lacks_sys_rawio);
	ATF_TP_ADD_TC(tp, bounding_lacks_net_admin);
	ATF_TP_ADD_TC(tp, bounding_lacks_sys_boot);
	ATF_TP_ADD_TC(tp, bounding_lacks_mknod);
	ATF_TP_ADD_TC(tp, bounding_lacks_sys_time);
	ATF_TP_ADD_TC(tp, bounding_lacks_bpf);
	ATF_TP_ADD_TC(tp, bounding_lacks_perfmon);
	ATF_TP_ADD_TC(tp, bounding_lacks_syslog);
	ATF_TP_ADD_TC(tp, setuid_exec_regains_none);
	ATF_TP_ADD_TC(tp, file_caps_exec_regains_none);
	return atf_no_error();
}
