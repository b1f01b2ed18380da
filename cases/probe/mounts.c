/* SPDX-License-Identifier: BSD-2-Clause */
/* The mount table: mountinfo, flags of a path, and a mount made inside (read-only tmpfs). */
#include "probe.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statvfs.h>

int
sp_verb_mountinfo(const struct sp_verb_call *v)
{
	static char buf[512 * 1024];
	ssize_t n = sp_read_text("/proc/self/mountinfo", buf, sizeof buf);
	if (n < 0)
		return sp_cannot(v, "read /proc/self/mountinfo: %s", sp_errname((int)-n));
	unsigned count = 0;
	for (char *line = buf, *nl; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (nl == NULL)
			nl = line + strlen(line) - 1;
		else
			*nl = '\0';
		char key[32];
		snprintf(key, sizeof key, "%u", count++);
		sp_kv(v, key, "%s", line);
	}
	sp_kv(v, "count", "%u", count);
	return SP_OBSERVED;
}

int
sp_verb_mountflags(const struct sp_verb_call *v)
{
	static const struct {
		unsigned long flag;
		const char *name;
	} flags[] = {
	    {ST_RDONLY, "ro"},       {ST_NOSUID, "nosuid"},         {ST_NODEV, "nodev"},
	    {ST_NOEXEC, "noexec"},   {ST_SYNCHRONOUS, "sync"},      {ST_MANDLOCK, "mand"},
	    {ST_NOATIME, "noatime"}, {ST_NODIRATIME, "nodiratime"}, {ST_RELATIME, "relatime"},
	};
	struct statvfs sv;
	if (statvfs(v->arg, &sv) != 0) {
		sp_kv(v, "errno", "%s", sp_errname(errno));
		return SP_OBSERVED;
	}
	char list[256] = "";
	size_t o = 0;
	for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
		if (sv.f_flag & flags[i].flag)
			o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", o ? "," : "",
					      flags[i].name);
	sp_kv(v, "flags", "%s", list);
	sp_kv(v, "ro", "%d", (sv.f_flag & ST_RDONLY) != 0);
	return SP_OBSERVED;
}

static char mounted_at[4096];

/*
 * A mount made inside must never appear in the host's mount table.  The tmpfs is read-only,
 * nosuid, nodev, noexec and named `sp-NONCE`, so the harness can find it in the host's
 * /proc/self/mountinfo while the probe holds.  Never attempted in the host's mount namespace:
 * there the comparison itself is the failure.
 */
int
sp_verb_mount_tmpfs(const struct sp_verb_call *v)
{
	const char *dir = sp_probe_dir(), *nonce = sp_opt("nonce");
	if (dir == NULL || nonce == NULL)
		return sp_cannot(v, "no dir= or nonce= option");
	if (!sp_ns_differs_from_host(v, "mnt")) {
		sp_kv(v, "result", "refused");
		return SP_OBSERVED;
	}
	char target[4096], source[128];
	snprintf(target, sizeof target, "%s/mnt", dir);
	snprintf(source, sizeof source, "sp-%s", nonce);
	sp_kv(v, "target", "%s", target);
	sp_kv(v, "source", "%s", source);
	if (mount(source, target, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  "size=4k,mode=0555") != 0) {
		sp_kv(v, "result", "%s", sp_errname(errno));
		return SP_OBSERVED;
	}
	snprintf(mounted_at, sizeof mounted_at, "%s", target);
	sp_kv(v, "result", "mounted");
	return SP_OBSERVED;
}

void
sp_mounts_cleanup(void)
{
	if (mounted_at[0])
		umount2(mounted_at, MNT_DETACH);
}

/* Unmount PATH inside (lazily); only outside the host's mount namespace. */
int
sp_verb_umount(const struct sp_verb_call *v)
{
	if (!sp_ns_differs_from_host(v, "mnt")) {
		sp_kv(v, "result", "refused");
		return SP_OBSERVED;
	}
	sp_kv(v, "result", "%s", umount2(v->arg, MNT_DETACH) == 0 ? "ok" : sp_errname(errno));
	return SP_OBSERVED;
}

/*
 * Remount the bind mount at PATH read-write.  A read-only mount a more privileged namespace made
 * is locked (mount_namespaces(7)): the kernel refuses with EPERM.  Only outside the host's mount
 * namespace.
 */
int
sp_verb_remount_rw(const struct sp_verb_call *v)
{
	if (!sp_ns_differs_from_host(v, "mnt")) {
		sp_kv(v, "result", "refused");
		return SP_OBSERVED;
	}
	int r = mount(NULL, v->arg, NULL, MS_REMOUNT | MS_BIND, NULL);
	sp_kv(v, "result", "%s", r == 0 ? "ok" : sp_errname(errno));
	return SP_OBSERVED;
}
