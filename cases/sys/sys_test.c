/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sys: /sys inside the sandbox is absent or read-only, so nothing of the host's kernel objects,
 * cgroups or devices can be changed through it.  Writability is asked (faccessat) or tried by
 * opening for writing; nothing is ever written.
 */
#include "sp.h"

#include <stdio.h>
#include <string.h>

/* The per-mount options of the mount whose mount point is exactly PATH in a mountinfo table (the
 * last one, which is the visible one), or NULL when nothing is mounted there. */
static const char *
mount_opts_at(const char *mountinfo, const char *path, char *buf, size_t size)
{
	const char *found = NULL;
	for (const char *l = mountinfo; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		char mnt[1024], opts[512];
		if (sscanf(l, "%*s %*s %*s %*s %1023s %511s", mnt, opts) == 2 &&
		    strcmp(mnt, path) == 0) {
			snprintf(buf, size, "%s", opts);
			found = buf;
		}
	}
	return found;
}

SP_CASE(sys_is_absent_or_read_only, "sys.readonly", NULL,
	"/sys is absent or mounted read-only, inside and in the probe's mount table seen from the "
	"host")
{
	const struct sp_run *r = sp_probe(tc, 0, "mountflags:/sys");
	sp_require_outside(r);
	ATF_CHECK_MSG(sp_is(r, "mountflags:/sys.errno", "ENOENT") ||
			  sp_is(r, "mountflags:/sys.ro", "1"),
		      "/sys inside: ro=%s errno=%s", sp_get(r, "mountflags:/sys.ro"),
		      sp_get(r, "mountflags:/sys.errno"));
	char opts[512];
	const char *o = mount_opts_at(r->outside.mountinfo, "/sys", opts, sizeof opts);
	ATF_CHECK_MSG(o == NULL || strncmp(o, "ro", 2) == 0,
		      "seen from the host, /sys is mounted '%s'", o);
}

SP_CASE(sys_is_not_writable, "sys.unwritable", NULL,
	"Nothing under /sys can be written, whatever its mount flags: no device attribute, driver "
	"bind, module parameter or power knob (20000 entries, 4 levels)")
{
	const struct sp_run *r = sp_probe(tc, 0, "writable:/sys");
	ATF_CHECK_MSG(sp_get(r, "writable:/sys.errno") != NULL ||
			  sp_is(r, "writable:/sys.writable", "0"),
		      "%s of %s entries under /sys are writable, first '%s'",
		      sp_get(r, "writable:/sys.writable"), sp_get(r, "writable:/sys.checked"),
		      sp_get(r, "writable:/sys.first"));
}

SP_CASE(cgroup_tree_is_not_writable, "sys.cgroup-unwritable", NULL,
	"Nothing under /sys/fs/cgroup can be written: no file and no directory (where a new cgroup "
	"could be made)")
{
	const struct sp_run *r = sp_probe(tc, 0, "writable:/sys/fs/cgroup");
	ATF_CHECK_MSG(sp_get(r, "writable:/sys/fs/cgroup.errno") != NULL ||
			  sp_is(r, "writable:/sys/fs/cgroup.writable", "0"),
		      "%s of %s entries under /sys/fs/cgroup are writable, first '%s'",
		      sp_get(r, "writable:/sys/fs/cgroup.writable"),
		      sp_get(r, "writable:/sys/fs/cgroup.checked"),
		      sp_get(r, "writable:/sys/fs/cgroup.first"));
}

SP_CASE(
    sys_kernel_is_not_writable, "sys.kernel-unwritable", NULL,
    "Nothing under /sys/kernel (the host kernel's tunables: mm, debug, security, uevent helper) "
    "can be written")
{
	const struct sp_run *r = sp_probe(tc, 0, "writable:/sys/kernel");
	ATF_CHECK_MSG(sp_get(r, "writable:/sys/kernel.errno") != NULL ||
			  sp_is(r, "writable:/sys/kernel.writable", "0"),
		      "%s of %s entries under /sys/kernel are writable, first '%s'",
		      sp_get(r, "writable:/sys/kernel.writable"),
		      sp_get(r, "writable:/sys/kernel.checked"),
		      sp_get(r, "writable:/sys/kernel.first"));
}

SP_CASE(sys_lists_no_host_network_device, "sys.no-host-netdevs", NULL,
	"/sys/class/net, where present, shows the sandbox's own network namespace: no network "
	"device of the host beyond a loopback")
{
	const struct sp_run *r = sp_probe(tc, 0, "readdir:/sys/class/net");
	const char *e = sp_get(r, "readdir:/sys/class/net.entries");
	ATF_CHECK_MSG(e == NULL || strcmp(e, "") == 0 || strcmp(e, "lo:l") == 0,
		      "/sys/class/net inside lists '%s'", e);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, sys_is_absent_or_read_only);
	ATF_TP_ADD_TC(tp, sys_is_not_writable);
	ATF_TP_ADD_TC(tp, cgroup_tree_is_not_writable);
	ATF_TP_ADD_TC(tp, sys_kernel_is_not_writable);
	ATF_TP_ADD_TC(tp, sys_lists_no_host_network_device);
	return atf_no_error();
}
