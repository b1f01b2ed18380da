/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The kernel probes (cases/harness/features.c) against ground truth taken independently: the
 * entries of /proc/self/ns, util-linux unshare(1), /proc/self/mountinfo, uname(2), and limits set
 * to 0 inside a child user namespace (the per-namespace user.max_*_namespaces sysctls are
 * writable by the namespace's owner, so no host setting changes).  Everything that enters a
 * namespace happens in a forked child that reports through a pipe and never calls ATF.
 */
#include "features.h"
#include "sp.h"

#include <atf-c.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- helpers (parent side: may use ATF) -------------------------------------------------------
 */

static void
require_nested_userns(const atf_tc_t *tc)
{
	struct sp_feature_status st;
	if (sp_nested_userns_refused(&st))
		sp_skip_environment(tc, st.code, "%s", st.why);
}

/* The whole report in one format, NUL-terminated (heap). */
static char *
report(enum sp_report_format fmt)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ATF_REQUIRE(f != NULL);
	ATF_REQUIRE_EQ(sp_kernel_report(f, fmt), 0);
	ATF_REQUIRE(fclose(f) == 0);
	return buf;
}

/* The value of KEY in a kv report, copied into val; false when the key is absent. */
static bool
kv_get(const char *kv, const char *key, char *val, size_t n)
{
	size_t klen = strlen(key);

	for (const char *line = kv; *line;) {
		const char *nl = strchr(line, '\n');
		size_t llen = nl ? (size_t)(nl - line) : strlen(line);
		if (llen > klen && strncmp(line, key, klen) == 0 && line[klen] == '=') {
			snprintf(val, n, "%.*s", (int)(llen - klen - 1), line + klen + 1);
			return true;
		}
		line += llen + (nl ? 1 : 0);
	}
	return false;
}

/* Run ARGV with stdio on /dev/null; its exit status, or -1. */
static int
run_quiet(char *const argv[])
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	ATF_REQUIRE(pid != -1);
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	ATF_REQUIRE(waitpid(pid, &status, 0) == pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static const struct {
	enum sp_feature feat;
	const char *type; /* /proc/self/ns entry, user.max_<type>_namespaces */
	const char *flag; /* unshare(1) option */
	const char *code; /* reason code when this type is refused */
} ns_table[] = {
    {SP_FEAT_USERNS, "user", "--user", "userns-unavailable"},
    {SP_FEAT_MNTNS, "mnt", "--mount", "mntns-unavailable"},
    {SP_FEAT_PIDNS, "pid", "--pid", "pidns-unavailable"},
    {SP_FEAT_NETNS, "net", "--net", "netns-unavailable"},
    {SP_FEAT_UTSNS, "uts", "--uts", "utsns-unavailable"},
    {SP_FEAT_IPCNS, "ipc", "--ipc", "ipcns-unavailable"},
    {SP_FEAT_CGROUPNS, "cgroup", "--cgroup", "cgroupns-unavailable"},
    {SP_FEAT_TIMENS, "time", "--time", "timens-unavailable"},
};
#define N_NS (sizeof(ns_table) / sizeof(ns_table[0]))

/* ---- the child that lowers a limit (no ATF)
 * ------------------------------------------------------ */

struct limited_result {
	int stage; /* 0 done; otherwise which step failed */
	int err;
	int rc;
	bool forbids;
	struct sp_feature_status st;
};

enum { LIM_USERNS = 1, LIM_UID_MAP, LIM_SETGROUPS, LIM_GID_MAP, LIM_SYSCTL, LIM_CAPS };

static int
write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd == -1)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/*
 * In a forked child: a new user namespace owned by this user, user.max_<type>_namespaces=0 in it,
 * optionally every capability dropped, then probe `probe` (and, when asked, ask whether the
 * environment forbids a sandbox).  Returns what the child saw.
 */
static struct limited_result
probe_with_limit(const char *type, enum sp_feature probe, bool drop_caps, bool ask_forbids)
{
	struct limited_result res;
	int p[2], status;
	pid_t pid;

	memset(&res, 0, sizeof(res));
	ATF_REQUIRE(pipe2(p, O_CLOEXEC) == 0);
	fflush(NULL);
	pid = fork();
	ATF_REQUIRE(pid != -1);
	if (pid == 0) {
		char map[64], path[96];
		uid_t uid = geteuid();
		gid_t gid = getegid();

		close(p[0]);
		if (unshare(CLONE_NEWUSER) == -1) {
			res.stage = LIM_USERNS;
		} else if (snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)uid) < 0 ||
			   write_file("/proc/self/uid_map", map) == -1) {
			res.stage = LIM_UID_MAP;
		} else if (write_file("/proc/self/setgroups", "deny") == -1) {
			res.stage = LIM_SETGROUPS;
		} else if (snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)gid) < 0 ||
			   write_file("/proc/self/gid_map", map) == -1) {
			res.stage = LIM_GID_MAP;
		} else if (snprintf(path, sizeof(path), "/proc/sys/user/max_%s_namespaces", type) <
			       0 ||
			   write_file(path, "0") == -1) {
			res.stage = LIM_SYSCTL;
		}
		if (res.stage == 0 && drop_caps) {
			struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
			struct __user_cap_data_struct data[2];
			memset(data, 0, sizeof(data));
			if (syscall(SYS_capset, &hdr, data) == -1)
				res.stage = LIM_CAPS;
		}
		res.err = res.stage ? errno : 0;
		if (res.stage == 0) {
			res.rc = sp_feature_check(probe, &res.st);
			if (ask_forbids) {
				struct sp_feature_status fst;
				res.forbids = sp_environment_forbids_sandbox(&fst);
				if (res.forbids)
					res.st = fst;
			}
		}
		_exit(write(p[1], &res, sizeof(res)) == (ssize_t)sizeof(res) ? 0 : 1);
	}
	close(p[1]);
	ATF_REQUIRE_EQ(read(p[0], &res, sizeof(res)), (ssize_t)sizeof(res));
	close(p[0]);
	ATF_REQUIRE(waitpid(pid, &status, 0) == pid);
	ATF_REQUIRE_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %#x",
			(unsigned)status);
	ATF_REQUIRE_MSG(res.stage == 0, "setting up the limited user namespace: step %d: %s",
			res.stage, strerror(res.err));
	return res;
}

/* A limit of 0 on one type: the probe for that type names the code and the sysctl. */
static void
check_limit_zero(const atf_tc_t *tc, size_t i)
{
	char want[64];
	struct limited_result res;

	sp_require_feature(tc, SP_FEAT_USERNS);
	res = probe_with_limit(ns_table[i].type, ns_table[i].feat, false, false);
	snprintf(want, sizeof(want), "user.max_%s_namespaces=0", ns_table[i].type);
	ATF_REQUIRE_EQ(res.rc, 0);
	ATF_CHECK_MSG(!res.st.available, "%s still reported creatable", ns_table[i].type);
	ATF_CHECK_STREQ(res.st.code, ns_table[i].code);
	ATF_CHECK_MSG(strstr(res.st.why, want) != NULL, "'%s' does not name '%s'", res.st.why,
		      want);
}

#define LIMIT_CASE(name, idx)                                                                      \
	ATF_TC(name##_limit_zero_is_named);                                                        \
	ATF_TC_HEAD(name##_limit_zero_is_named, tc)                                                \
	{                                                                                          \
		atf_tc_set_md_var(tc, "descr",                                                     \
				  "With user.max_%s_namespaces=0 in a child user namespace, the "  \
				  "%s probe reports %s and names the limit",                       \
				  ns_table[idx].type, sp_feature_name(ns_table[idx].feat),         \
				  ns_table[idx].code);                                             \
		atf_tc_set_md_var(tc, "X-property", "kernel.%s_limit_zero_is_named", #name);       \
		atf_tc_set_md_var(tc, "timeout", "60");                                            \
	}                                                                                          \
	ATF_TC_BODY(name##_limit_zero_is_named, tc)                                                \
	{                                                                                          \
		if (idx == 0)                                                                      \
			require_nested_userns(tc);                                                 \
		check_limit_zero(tc, idx);                                                         \
	}

LIMIT_CASE(userns, 0)
LIMIT_CASE(mntns, 1)
LIMIT_CASE(pidns, 2)
LIMIT_CASE(netns, 3)
LIMIT_CASE(utsns, 4)
LIMIT_CASE(ipcns, 5)
LIMIT_CASE(cgroupns, 6)
LIMIT_CASE(timens, 7)

/* ---- cases -------------------------------------------------------------------------------------
 */

ATF_TC(ns_presence_matches_proc);
ATF_TC_HEAD(ns_presence_matches_proc, tc)
{
	atf_tc_set_md_var(tc, "descr",
			  "The report's ns.TYPE.present agrees with the entries of /proc/self/ns");
	atf_tc_set_md_var(tc, "X-property", "kernel.ns_presence_matches_proc");
	atf_tc_set_md_var(tc, "timeout", "60");
}
ATF_TC_BODY(ns_presence_matches_proc, tc)
{
	char *kv = report(SP_REPORT_KV);
	char key[64], val[16], path[64];

	for (size_t i = 0; i < N_NS; i++) {
		snprintf(key, sizeof(key), "ns.%s.present", ns_table[i].type);
		snprintf(path, sizeof(path), "/proc/self/ns/%s", ns_table[i].type);
		ATF_REQUIRE_MSG(kv_get(kv, key, val, sizeof(val)), "no %s in the report", key);
		ATF_CHECK_STREQ_MSG(val, access(path, F_OK) == 0 ? "yes" : "no", "%s", key);
	}
	free(kv);
}

ATF_TC(ns_creatable_matches_unshare);
ATF_TC_HEAD(ns_creatable_matches_unshare, tc)
{
	atf_tc_set_md_var(tc, "descr",
			  "Each namespace type is reported creatable exactly when util-linux "
			  "unshare(1) can create it as this user, and a refusal carries the type's "
			  "code or userns-unavailable");
	atf_tc_set_md_var(tc, "X-property", "kernel.ns_creatable_matches_unshare");
	atf_tc_set_md_var(tc, "require.progs", "unshare");
	atf_tc_set_md_var(tc, "timeout", "60");
}
ATF_TC_BODY(ns_creatable_matches_unshare, tc)
{
	bool privileged = geteuid() == 0;

	for (size_t i = 0; i < N_NS; i++) {
		struct sp_feature_status st;
		char *direct[] = {"unshare", (char *)(uintptr_t)ns_table[i].flag, "true", NULL};
		char *via[] = {
		    "unshare", "--user", "--map-root-user", (char *)(uintptr_t)ns_table[i].flag,
		    "true",    NULL};
		bool truth = run_quiet(privileged || i == 0 ? direct : via) == 0;
		if (i == 0)
			truth = run_quiet(via) == 0;

		ATF_REQUIRE_EQ(sp_feature_check(ns_table[i].feat, &st), 0);
		ATF_CHECK_MSG(st.available == truth, "%s: probe says %s (%s: %s), unshare(1) %s",
			      ns_table[i].type, st.available ? "yes" : "no", st.code, st.why,
			      truth ? "succeeded" : "failed");
		if (!st.available)
			ATF_CHECK_MSG(strcmp(st.code, ns_table[i].code) == 0 ||
					  strcmp(st.code, "userns-unavailable") == 0,
				      "%s: unexpected code '%s'", ns_table[i].type, st.code);
	}
}

ATF_TC(mntns_refusal_blames_userns_without_caps);
ATF_TC_HEAD(mntns_refusal_blames_userns_without_caps, tc)
{
	atf_tc_set_md_var(tc, "descr",
			  "Without CAP_SYS_ADMIN and with user.max_user_namespaces=0, a mount "
			  "namespace is reported unavailable with the cause's code, "
			  "userns-unavailable, not mntns-unavailable");
	atf_tc_set_md_var(tc, "X-property", "kernel.mntns_refusal_blames_userns_without_caps");
	atf_tc_set_md_var(tc, "timeout", "60");
}
ATF_TC_BODY(mntns_refusal_blames_userns_without_caps, tc)
{
	struct limited_result res;

	sp_require_feature(tc, SP_FEAT_USERNS);
	require_nested_userns(tc);
	res = probe_with_limit("user", SP_FEAT_MNTNS, true, false);
	ATF_REQUIRE_EQ(res.rc, 0);
	ATF_CHECK(!res.st.available);
	ATF_CHECK_STREQ(res.st.code, "userns-unavailable");
	ATF_CHECK_MSG(strstr(res.st.why, "user.max_user_namespaces=0") != NULL, "why: %s",
		      res.st.why);
}

ATF_TC(forbids_sandbox_names_the_limit);
ATF_TC_HEAD(forbids_sandbox_names_the_limit, tc)
{
	atf_tc_set_md_var(tc, "descr",
			  "With user.max_mnt_namespaces=0, sp_environment_forbids_sandbox says the "
			  "environment forbids a sandbox and gives mntns-unavailable");
	atf_tc_set_md_var(tc, "X-property", "kernel.forbids_sandbox_names_the_limit");
	atf_tc_set_md_var(tc, "timeout", "60");
}
ATF_TC_BODY(forbids_sandbox_names_the_limit, tc)
{
	struct limited_result res;

	sp_require_feature(tc, SP_FEAT_USERNS);
	require_nested_userns(tc);
	res = probe_with_limit("mnt", SP_FEAT_MNTNS, false, true);
	ATF_CHECK(res.forbids);
	ATF_CHECK_STREQ(res.st.code, "mntns-unavailable");
	ATF_CHECK_MSG(strstr(res.st.why, "user.max_mnt_namespaces=0") != NULL, "why: %s",
		      res.st.why);
}

ATF_TC(report_kv_is_well_formed);
ATF_TC_HEAD(report_kv_is_well_formed, tc)
{
	atf_tc_set_md_var(tc, "descr",
			  "The kv report is key=value lines with unique keys, including the "
			  "documented ones, and kernel.release equals uname(2)'s release");
	atf_tc_set_md_var(tc, "X-property", "kernel.report_kv_is_well_formed");
	atf_tc_set_md_var(tc, "timeout", "60");
}
ATF_TC_BODY(report_kv_is_well_formed, tc)
{
	static const char *const keys[] = {
	    "report.version",  "kernel.release",       "kernel.version",
	    "process.euid",    "ns.user.present",      "ns.user.creatable",
	    "ns.user.code",    "ns.time.why",          "sysctl.user.max_user_namespaces",
	    "lsm.list",        "feature.pivot-root",   "feature.idmapped-mounts.code",
	    "feature.seccomp", "landlock.abi",         "cgroup.layout",
	    "config.source",   "config.CONFIG_USER_NS"};
	char *kv = report(SP_REPORT_KV), val[256];
	struct utsname uts;
	size_t lines = 0;

	for (char *line = kv; *line; lines++) {
		char *nl = strchr(line, '\n'), *eq = strchr(line, '=');
		ATF_REQUIRE_MSG(nl != NULL, "unterminated last line");
		ATF_REQUIRE_MSG(eq && eq < nl && eq > line, "not key=value: %.*s", (int)(nl - line),
				line);
		*eq = '\0';
		for (char *other = nl + 1; *other; other = strchr(other, '\n') + 1) {
			ATF_REQUIRE_MSG(strchr(other, '\n') != NULL, "unterminated last line");
			ATF_CHECK_MSG(strncmp(other, line, strlen(line)) != 0 ||
					  other[strlen(line)] != '=',
				      "duplicate key %s", line);
		}
		*eq = '=';
		line = nl + 1;
	}
	ATF_CHECK(lines > 50);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		ATF_CHECK_MSG(kv_get(kv, keys[i], val, sizeof(val)), "no key %s", keys[i]);
	ATF_REQUIRE(uname(&uts) == 0);
	ATF_REQUIRE(kv_get(kv, "kernel.release", val, sizeof(val)));
	ATF_CHECK_STREQ(val, uts.release);
	free(kv);
}

ATF_TC(report_json_is_valid);
ATF_TC_HEAD(report_json_is_valid, tc)
{
	atf_tc_set_md_var(tc, "descr",
			  "The json report is one valid JSON object (python3 -m json) with exactly "
			  "the kv report's keys");
	atf_tc_set_md_var(tc, "X-property", "kernel.report_json_is_valid");
	atf_tc_set_md_var(tc, "timeout", "60");
}
ATF_TC_BODY(report_json_is_valid, tc)
{
	static const char *const py = "import json,sys\n"
				      "d=json.load(open(sys.argv[1]))\n"
				      "assert isinstance(d,dict)\n"
				      "print('\\n'.join('%s=' % k for k in d))\n";
	char *json, *kv, *keys;
	char *argv[] = {"/usr/bin/python3", "-c", (char *)(uintptr_t)py, "report.json", NULL};
	FILE *f;

	if (access("/usr/bin/python3", X_OK) != 0)
		atf_tc_skip("python3-unavailable: /usr/bin/python3 not found, cannot parse JSON");
	json = report(SP_REPORT_JSON);
	kv = report(SP_REPORT_KV);
	ATF_REQUIRE(json[0] == '{' && json[strlen(json) - 2] == '}');
	f = fopen("report.json", "we");
	ATF_REQUIRE(f != NULL);
	fputs(json, f);
	ATF_REQUIRE(fclose(f) == 0);
	fflush(NULL);
	{
		int p[2], status;
		size_t cap = 1 << 16, len = 0;
		ssize_t n;
		pid_t pid;

		keys = malloc(cap);
		ATF_REQUIRE(keys != NULL && pipe2(p, O_CLOEXEC) == 0);
		pid = fork();
		ATF_REQUIRE(pid != -1);
		if (pid == 0) {
			dup2(p[1], 1);
			close(p[0]);
			close(p[1]);
			execv(argv[0], argv);
			_exit(127);
		}
		close(p[1]);
		while ((n = read(p[0], keys + len, cap - 1 - len)) > 0)
			len += (size_t)n;
		keys[len] = '\0';
		close(p[0]);
		ATF_REQUIRE(waitpid(pid, &status, 0) == pid);
		ATF_REQUIRE_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0,
				"python3 rejected the JSON report (status %#x)", (unsigned)status);
	}
	/* Every kv key is a JSON key, in the same order. */
	for (char *line = kv, *k = keys; *line; line = strchr(line, '\n') + 1) {
		size_t klen = (size_t)(strchr(line, '=') - line) + 1;
		ATF_REQUIRE_MSG(strncmp(line, k, klen) == 0, "kv key %.*s, json key %.*s",
				(int)klen - 1, line, (int)strcspn(k, "="), k);
		k = strchr(k, '\n') + 1;
	}
	free(json);
	free(kv);
	free(keys);
}

ATF_TC(cgroup_layout_matches_mountinfo);
ATF_TC_HEAD(cgroup_layout_matches_mountinfo, tc)
{
	atf_tc_set_md_var(tc, "descr",
			  "The cgroup layout and the cgroup-v1/cgroup-v2 features agree with the "
			  "file systems in /proc/self/mountinfo");
	atf_tc_set_md_var(tc, "X-property", "kernel.cgroup_layout_matches_mountinfo");
}
ATF_TC_BODY(cgroup_layout_matches_mountinfo, tc)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	bool v1 = false, v2_root = false, v2_unified = false, v2 = false;
	struct sp_feature_status s1, s2;
	char line[4096], mnt[1024], fstype[64];
	const char *want;

	ATF_REQUIRE(f != NULL);
	while (fgets(line, sizeof(line), f)) {
		const char *sep = strstr(line, " - ");
		if (!sep || sscanf(line, "%*s %*s %*s %*s %1023s", mnt) != 1 ||
		    sscanf(sep + 3, "%63s", fstype) != 1)
			continue;
		v1 |= strcmp(fstype, "cgroup") == 0;
		v2 |= strcmp(fstype, "cgroup2") == 0;
		v2_root |= strcmp(fstype, "cgroup2") == 0 && strcmp(mnt, "/sys/fs/cgroup") == 0;
		v2_unified |=
		    strcmp(fstype, "cgroup2") == 0 && strcmp(mnt, "/sys/fs/cgroup/unified") == 0;
	}
	fclose(f);
	want = v2_root ? "v2" : v2_unified ? "hybrid" : v1 ? "v1" : "none";
	ATF_CHECK_STREQ(sp_cgroup_layout(), want);
	ATF_REQUIRE_EQ(sp_feature_check(SP_FEAT_CGROUP_V1, &s1), 0);
	ATF_REQUIRE_EQ(sp_feature_check(SP_FEAT_CGROUP_V2, &s2), 0);
	ATF_CHECK_EQ(s1.available, v1);
	ATF_CHECK_EQ(s2.available, v2);
}

/*
 * In a forked child: a user and mount namespace of its own, the host's /proc bound into a scratch
 * directory of the work directory, chroot into it, and probe user namespaces there.
 */
static struct limited_result
probe_in_chroot(void)
{
	struct limited_result res;
	int p[2], status;
	pid_t pid;

	memset(&res, 0, sizeof(res));
	ATF_REQUIRE(mkdir("root", 0755) == 0 && mkdir("root/proc", 0755) == 0);
	ATF_REQUIRE(pipe2(p, O_CLOEXEC) == 0);
	fflush(NULL);
	pid = fork();
	ATF_REQUIRE(pid != -1);
	if (pid == 0) {
		char map[64];
		uid_t uid = geteuid();
		gid_t gid = getegid();

		close(p[0]);
		if (unshare(CLONE_NEWUSER | CLONE_NEWNS) == -1)
			res.stage = LIM_USERNS;
		else if (snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)uid) < 0 ||
			 write_file("/proc/self/uid_map", map) == -1)
			res.stage = LIM_UID_MAP;
		else if (write_file("/proc/self/setgroups", "deny") == -1)
			res.stage = LIM_SETGROUPS;
		else if (snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)gid) < 0 ||
			 write_file("/proc/self/gid_map", map) == -1)
			res.stage = LIM_GID_MAP;
		/* Private first: nothing below may propagate to the host. */
		else if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1 ||
			 mount("/proc", "root/proc", NULL, MS_BIND | MS_REC, NULL) == -1)
			res.stage = LIM_SYSCTL;
		else if (chroot("root") == -1 || chdir("/") == -1)
			res.stage = LIM_CAPS;
		res.err = res.stage ? errno : 0;
		if (res.stage == 0)
			res.rc = sp_feature_check(SP_FEAT_USERNS, &res.st);
		_exit(write(p[1], &res, sizeof(res)) == (ssize_t)sizeof(res) ? 0 : 1);
	}
	close(p[1]);
	ATF_REQUIRE_EQ(read(p[0], &res, sizeof(res)), (ssize_t)sizeof(res));
	close(p[0]);
	ATF_REQUIRE(waitpid(pid, &status, 0) == pid);
	ATF_REQUIRE_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %#x",
			(unsigned)status);
	ATF_REQUIRE_MSG(res.stage == 0, "setting up the chroot: step %d: %s", res.stage,
			strerror(res.err));
	return res;
}

ATF_TC(chrooted_userns_refusal_is_named);
ATF_TC_HEAD(chrooted_userns_refusal_is_named, tc)
{
	atf_tc_set_md_var(
	    tc, "descr",
	    "In a chroot the kernel refuses new user namespaces (EPERM), and the probe "
	    "says userns-unavailable because the process is chrooted");
	atf_tc_set_md_var(tc, "X-property", "kernel.chrooted_userns_refusal_is_named");
	atf_tc_set_md_var(tc, "timeout", "60");
}
ATF_TC_BODY(chrooted_userns_refusal_is_named, tc)
{
	struct limited_result res;

	sp_require_feature(tc, SP_FEAT_USERNS);
	sp_require_feature(tc, SP_FEAT_MNTNS);
	res = probe_in_chroot();
	ATF_REQUIRE_EQ(res.rc, 0);
	ATF_CHECK(!res.st.available);
	ATF_CHECK_STREQ(res.st.code, "userns-unavailable");
	ATF_CHECK_MSG(strstr(res.st.why, "chrooted") != NULL, "why: %s", res.st.why);
}

/* What the caller owns that a careless probe would change. */
struct caller_state {
	char ns[N_NS][64];
	char cwd[4096];
	uid_t uid;
	gid_t gid;
	long keyring;
};

static void
caller_state(struct caller_state *cs)
{
	char path[64];

	memset(cs, 0, sizeof(*cs));
	for (size_t i = 0; i < N_NS; i++) {
		snprintf(path, sizeof(path), "/proc/self/ns/%s", ns_table[i].type);
		if (readlink(path, cs->ns[i], sizeof(cs->ns[i]) - 1) == -1)
			snprintf(cs->ns[i], sizeof(cs->ns[i]), "absent");
	}
	ATF_REQUIRE(getcwd(cs->cwd, sizeof(cs->cwd)) != NULL);
	cs->uid = geteuid();
	cs->gid = getegid();
	/* KEYCTL_GET_KEYRING_ID (0) of KEY_SPEC_SESSION_KEYRING (-3), without creating one. */
	cs->keyring = syscall(SYS_keyctl, 0, -3, 0);
}

ATF_TC(probes_leave_caller_unchanged);
ATF_TC_HEAD(probes_leave_caller_unchanged, tc)
{
	atf_tc_set_md_var(
	    tc, "descr",
	    "Running every probe leaves the caller in the same namespaces, directory, "
	    "credentials and session keyring, with no child left behind");
	atf_tc_set_md_var(tc, "X-property", "kernel.probes_leave_caller_unchanged");
	atf_tc_set_md_var(tc, "timeout", "60");
}
ATF_TC_BODY(probes_leave_caller_unchanged, tc)
{
	struct caller_state before, after;
	struct sp_feature_status st;

	caller_state(&before);
	for (int f = 0; f < SP_FEAT__COUNT; f++)
		ATF_CHECK_EQ(sp_feature_check((enum sp_feature)f, &st), 0);
	(void)sp_environment_forbids_sandbox(&st);
	free(report(SP_REPORT_KV));
	caller_state(&after);
	for (size_t i = 0; i < N_NS; i++)
		ATF_CHECK_STREQ_MSG(before.ns[i], after.ns[i], "%s namespace changed",
				    ns_table[i].type);
	ATF_CHECK_STREQ(before.cwd, after.cwd);
	ATF_CHECK_EQ(before.uid, after.uid);
	ATF_CHECK_EQ(before.gid, after.gid);
	ATF_CHECK_EQ(before.keyring, after.keyring);
	ATF_CHECK_MSG(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD,
		      "a probe left a child behind");
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, ns_presence_matches_proc);
	ATF_TP_ADD_TC(tp, ns_creatable_matches_unshare);
	ATF_TP_ADD_TC(tp, userns_limit_zero_is_named);
	ATF_TP_ADD_TC(tp, mntns_limit_zero_is_named);
	ATF_TP_ADD_TC(tp, pidns_limit_zero_is_named);
	ATF_TP_ADD_TC(tp, netns_limit_zero_is_named);
	ATF_TP_ADD_TC(tp, utsns_limit_zero_is_named);
	ATF_TP_ADD_TC(tp, ipcns_limit_zero_is_named);
	ATF_TP_ADD_TC(tp, cgroupns_limit_zero_is_named);
	ATF_TP_ADD_TC(tp, timens_limit_zero_is_named);
	ATF_TP_ADD_TC(tp, mntns_refusal_blames_userns_without_caps);
	ATF_TP_ADD_TC(tp, forbids_sandbox_names_the_limit);
	ATF_TP_ADD_TC(tp, chrooted_userns_refusal_is_named);
	ATF_TP_ADD_TC(tp, report_kv_is_well_formed);
	ATF_TP_ADD_TC(tp, report_json_is_valid);
	ATF_TP_ADD_TC(tp, cgroup_layout_matches_mountinfo);
	ATF_TP_ADD_TC(tp, probes_leave_caller_unchanged);
	return atf_no_error();
}
