/* SPDX-License-Identifier: BSD-2-Clause */
/* User namespace and friends: which namespaces, their clone flags, the id maps. */
#include "internal.h"

#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

static const struct {
	unsigned ns;
	unsigned long flag;
	unsigned testing;
	const char *name;
} ns_table[] = {
    {SBX_NS_USER, CLONE_NEWUSER, SBX_TESTING_USERNS, "user"},
    {SBX_NS_MOUNT, CLONE_NEWNS, SBX_TESTING_MNTNS, "mount"},
    {SBX_NS_PID, CLONE_NEWPID, SBX_TESTING_PIDNS, "pid"},
    {SBX_NS_UTS, CLONE_NEWUTS, SBX_TESTING_UTSNS, "uts"},
    {SBX_NS_IPC, CLONE_NEWIPC, SBX_TESTING_IPCNS, "ipc"},
    {SBX_NS_NET, CLONE_NEWNET, SBX_TESTING_NETNS, "net"},
    {SBX_NS_CGROUP, CLONE_NEWCGROUP, SBX_TESTING_CGROUPNS, "cgroup"},
    {SBX_NS_TIME, CLONE_NEWTIME, 0, "time"},
};
#define NS_COUNT (sizeof(ns_table) / sizeof(ns_table[0]))

unsigned
sbx_effective_ns(const struct sbx_config *cfg)
{
	unsigned ns = cfg->ns;
	for (size_t i = 0; i < NS_COUNT; i++)
		if (cfg->testing & ns_table[i].testing)
			ns &= ~ns_table[i].ns;
	return ns;
}

unsigned long
sbx_clone_flags(unsigned ns_mask)
{
	unsigned long flags = 0;
	for (size_t i = 0; i < NS_COUNT; i++)
		if (ns_mask & ns_table[i].ns)
			flags |= ns_table[i].flag;
	return flags;
}

static void
ns_names(unsigned ns_mask, char *buf, size_t size)
{
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < NS_COUNT && n < size; i++) {
		if (!(ns_mask & ns_table[i].ns))
			continue;
		int m = snprintf(buf + n, size - n, "%s%s", n ? "," : "", ns_table[i].name);
		if (m < 0)
			break;
		n += (size_t)m;
	}
}

/*
 * The kernel lets the creator of a user namespace write a map of one line holding its own
 * effective id (user_namespaces(7), "Defining user and group ID mappings"), from inside the
 * namespace (PID 0: /proc/self) or from its parent namespace (/proc/PID).  setgroups is written
 * first: since Linux 3.19 an unprivileged gid_map write is refused until setgroups is "deny",
 * because dropping supplementary groups with setgroups(2) would defeat permissions that deny
 * access to a group (CVE-2014-8989).  "allow" needs CAP_SETGID in the parent namespace, so only
 * a privileged parent can write it.
 */
int
sbx_write_id_maps(const struct sbx_config *cfg, pid_t pid, uid_t outer_uid, gid_t outer_gid,
		  struct sbx_error *err)
{
	char line[64], path[64];
	char dir[32] = "/proc/self";
	int r;
	if (pid > 0)
		snprintf(dir, sizeof(dir), "/proc/%d", (int)pid);
	bool allow = cfg->setgroups_allow || (cfg->testing & SBX_TESTING_SETGROUPS);
	const char *sg = allow ? "allow" : "deny";
	snprintf(path, sizeof(path), "%s/setgroups", dir);
	r = sbx_write_file_at(AT_FDCWD, path, sg, strlen(sg));
	/* ENOENT: a kernel before 3.19 has no setgroups file and no such attack to prevent. */
	if (r < 0 && r != -ENOENT)
		return sbx_log(cfg, sbx_fail(err, -r, "write setgroups", path, "writing '%s'", sg),
			       "write setgroups", "%s", sg);
	sbx_log(cfg, 0, "write setgroups", "%s", sg);

	int n = snprintf(line, sizeof(line), "%u %u 1\n", (unsigned)cfg->uid, (unsigned)outer_uid);
	snprintf(path, sizeof(path), "%s/uid_map", dir);
	r = sbx_write_file_at(AT_FDCWD, path, line, (size_t)n);
	sbx_log(cfg, r, "write uid_map", "%u %u 1", (unsigned)cfg->uid, (unsigned)outer_uid);
	/* Since Linux 5.12 a map that includes the parent namespace's uid 0 needs CAP_SETFCAP in
	 * the parent at creation time (verify_root_map(), kernel/user_namespace.c): a process
	 * that is uid 0 without capabilities, e.g. inside another sandbox, cannot map itself. */
	if (r == -EPERM && outer_uid == 0)
		return sbx_fail(err, EPERM, "write uid_map", path,
				"mapping uid 0 of the parent namespace needs CAP_SETFCAP there");
	if (r < 0)
		return sbx_fail(err, -r, "write uid_map", path, "mapping %u to %u",
				(unsigned)cfg->uid, (unsigned)outer_uid);
	n = snprintf(line, sizeof(line), "%u %u 1\n", (unsigned)cfg->gid, (unsigned)outer_gid);
	snprintf(path, sizeof(path), "%s/gid_map", dir);
	r = sbx_write_file_at(AT_FDCWD, path, line, (size_t)n);
	sbx_log(cfg, r, "write gid_map", "%u %u 1", (unsigned)cfg->gid, (unsigned)outer_gid);
	if (r < 0)
		return sbx_fail(err, -r, "write gid_map", path, "%s",
				allow ? "setgroups 'allow' needs CAP_SETGID in the parent namespace"
				      : "");
	return 0;
}

/*
 * user.max_user_namespaces is a limit per user namespace, writable by that namespace's owner
 * (user_namespaces(7), "/proc/sys/user"): 0 in the sandbox's own namespace stops the command
 * from creating nested ones, where it would hold every capability again (bubblewrap's
 * --disable-userns does the same).  Only ever written in a user namespace we created: the
 * file shows the limits of the writer's current user namespace.
 */
int
sbx_limit_nested_userns(const struct sbx_config *cfg, struct sbx_error *err)
{
	if (cfg->nested_userns || (cfg->testing & SBX_TESTING_NESTED_USERNS) ||
	    !(sbx_effective_ns(cfg) & SBX_NS_USER))
		return 0;
	int r = sbx_write_file_at(AT_FDCWD, "/proc/sys/user/max_user_namespaces", "0", 1);
	sbx_log(cfg, r, "write user.max_user_namespaces", "0");
	/* ENOENT: no such limit (kernel before 4.9); EROFS: /proc/sys is read-only here, as in
	 * many containers.  Either way the kernel cannot be told; go on without it. */
	if (r == -ENOENT || r == -EROFS)
		return 0;
	if (r < 0)
		return sbx_fail(err, -r, "limit user namespaces",
				"/proc/sys/user/max_user_namespaces", "writing 0");
	return 0;
}

/* Fills err for a failed clone/unshare of ns_mask, naming the cause. */
int
sbx_ns_fail(struct sbx_error *err, int errnum, unsigned ns_mask)
{
	char names[128];
	ns_names(ns_mask, names, sizeof(names));
	sbx_fail(err, errnum, "create namespaces", names, NULL);
	sbx_explain_ns_error(err, ns_mask);
	return -errnum;
}

int
sbx_enter_namespaces(const struct sbx_config *cfg, struct sbx_error *err)
{
	sbx_error_clear(err);
	int r = sbx_config_error(cfg, err);
	if (r < 0)
		return r;
	unsigned ns = sbx_effective_ns(cfg);
	uid_t uid = geteuid();
	gid_t gid = getegid();
	if (cfg->setgroups_allow && (ns & SBX_NS_USER))
		return sbx_fail(
		    err, EPERM, "write setgroups", "/proc/self/setgroups",
		    "setgroups 'allow' needs a privileged parent: use sbx_spawn as root");
	/* One unshare with every flag: the kernel creates the user namespace first and makes it
	 * the owner of the others (unshare(2)), so no privilege is needed for them. */
	if (unshare((int)sbx_clone_flags(ns)) < 0)
		return sbx_log(cfg, sbx_ns_fail(err, errno, ns), "unshare", "%#lx",
			       sbx_clone_flags(ns));
	sbx_log(cfg, 0, "unshare", "%#lx", sbx_clone_flags(ns));
	if ((ns & SBX_NS_USER) && (r = sbx_write_id_maps(cfg, 0, uid, gid, err)) < 0)
		return r;
	if ((r = sbx_limit_nested_userns(cfg, err)) < 0)
		return r;
	return sbx_apply_hostname(cfg, err);
}
