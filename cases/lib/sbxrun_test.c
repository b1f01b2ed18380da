/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sbx-run, checked by what the kernel shows inside the sandbox (the static `observe` helper
 * prints it as key=value lines) and outside (mount table, processes, exit status, stderr).
 * Each strict-profile property has a negative control: the --testing-disable option that
 * switches that one protection off must make the same check fail.
 */
#include "libtest.h"

#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

static struct lt_out O;
static char host_mounts_before[1 << 16], host_mounts_after[1 << 16];

#define CASE(name, text)                                                                           \
	ATF_TC(name);                                                                              \
	ATF_TC_HEAD(name, tc)                                                                      \
	{                                                                                          \
		atf_tc_set_md_var(tc, "descr", text);                                              \
		atf_tc_set_md_var(tc, "timeout", "60");                                            \
	}                                                                                          \
	ATF_TC_BODY(name, tc)

static const struct {
	const char *name;
	unsigned need;
} ns_names[] = {
    {"user", LT_NS_USER}, {"mount", LT_NS_MNT}, {"mnt", LT_NS_MNT}, {"pid", LT_NS_PID},
    {"uts", LT_NS_UTS},   {"ipc", LT_NS_IPC},   {"net", LT_NS_NET}, {"cgroup", LT_NS_CGROUP},
};

static unsigned
ns_need(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(ns_names) / sizeof(ns_names[0]); i++)
		if (strlen(ns_names[i].name) == len && strncmp(ns_names[i].name, name, len) == 0)
			return ns_names[i].need;
	return 0;
}

/*
 * The namespaces sbx-run creates for these arguments: the strict profile's, less those kept
 * with --share NS, --share-NS or switched off with --testing-disable=NSns, plus time with
 * --unshare-time.  None when no command follows "--" (--help, --version) and the caller does
 * not add one (observe).
 */
static unsigned
needs_of(const char *const *args, bool command)
{
	unsigned need = LT_NS_STRICT;
	for (size_t i = 0; args && args[i]; i++) {
		const char *a = args[i];
		if (strcmp(a, "--") == 0)
			return need;
		if (strcmp(a, "--share") == 0 && args[i + 1])
			need &= ~ns_need(args[i + 1], strlen(args[i + 1]));
		else if (strncmp(a, "--share=", 8) == 0 || strncmp(a, "--share-", 8) == 0)
			need &= ~ns_need(a + 8, strlen(a + 8));
		else if (strcmp(a, "--unshare-time") == 0)
			need |= LT_NS_TIME;
		else if (strncmp(a, "--testing-disable=", 18) == 0) {
			for (const char *t = a + 18; *t;) {
				size_t len = strcspn(t, ",");
				if (len > 2 && strncmp(t + len - 2, "ns", 2) == 0)
					need &= ~ns_need(t, len - 2);
				t += len + (t[len] == ',');
			}
		}
	}
	return command ? need : 0;
}

/* Cases that create namespaces without a user namespace need CAP_SYS_ADMIN where they run:
 * root, in the initial user namespace or in one of its own.  Root or not is the run's mode
 * (make check runs both), so this is a not-applicable skip that must_work leaves alone. */
static void
require_root(const atf_tc_t *tc, const char *why)
{
	(void)tc;
	if (geteuid() != 0)
		atf_tc_skip("not applicable in this mode: uid %u: %s", (unsigned)geteuid(), why);
}

/* sbx-run OPTS --ro-bind SRCDIR /sbt -- /sbt/observe ARGS; fails unless it exits 0. */
static const char *
observe(const atf_tc_t *tc, const char *const *opts, const char *const *args)
{
	char *argv[96];
	size_t n = 0;
	lt_require(tc, needs_of(opts, true));
	argv[n++] = LT_UNCONST(lt_sbx_run(tc));
	for (size_t i = 0; opts && opts[i] && n < 80; i++)
		argv[n++] = LT_UNCONST(opts[i]);
	argv[n++] = LT_UNCONST("--ro-bind");
	argv[n++] = LT_UNCONST(lt_srcdir(tc));
	argv[n++] = LT_UNCONST("/sbt");
	argv[n++] = LT_UNCONST("--");
	argv[n++] = LT_UNCONST("/sbt/observe");
	for (size_t i = 0; args && args[i] && n < 94; i++)
		argv[n++] = LT_UNCONST(args[i]);
	argv[n] = NULL;
	lt_exec(argv, &O);
	ATF_REQUIRE_MSG(O.status == 0, "sbx-run exited %d; stderr: %s", O.status,
			lt_oneline(O.err));
	return O.out;
}
#define OBS(tc, ...) observe(tc, (const char *const[]){__VA_ARGS__, NULL}, NULL)
#define OBS0(tc) observe(tc, NULL, NULL)

/* sbx-run ARGS... with its output in O; returns the exit status. */
static int
run(const atf_tc_t *tc, const char *const *args)
{
	char *argv[64];
	size_t n = 0;
	lt_require(tc, needs_of(args, false));
	argv[n++] = LT_UNCONST(lt_sbx_run(tc));
	for (size_t i = 0; args[i] && n < 63; i++)
		argv[n++] = LT_UNCONST(args[i]);
	argv[n] = NULL;
	return lt_exec(argv, &O);
}
#define RUN(tc, ...) run(tc, (const char *const[]){__VA_ARGS__, NULL})

static void
expect_field(const char *out, const char *key, const char *want)
{
	ATF_CHECK_STREQ_MSG(LT_KV(out, key), want, "%s", key);
}

/* ---- strict profile ------------------------------------------------------------------- */

CASE(uid_maps_caller_to_root, "the caller's uid is mapped to uid 0 inside, one id")
{
	char want[64];
	const char *out = OBS0(tc);
	snprintf(want, sizeof(want), "0 %u 1", (unsigned)getuid());
	expect_field(out, "uid", "0");
	expect_field(out, "uid_map", want);
}

CASE(gid_maps_caller_to_root, "the caller's gid is mapped to gid 0 inside, one id")
{
	char want[64];
	const char *out = OBS0(tc);
	snprintf(want, sizeof(want), "0 %u 1", (unsigned)getgid());
	expect_field(out, "gid", "0");
	expect_field(out, "gid_map", want);
}

CASE(setgroups_is_denied, "/proc/self/setgroups is deny")
{
	expect_field(OBS0(tc), "setgroups", "deny");
}

CASE(tmp_is_private_tmpfs, "/tmp is a fresh tmpfs, without the host's files")
{
	const char *out = observe(tc, NULL, (const char *const[]){"--write", "/tmp/x", NULL});
	expect_field(out, "tmp_magic", "0x1021994");
	expect_field(out, "writable./tmp/x", "1");
}

CASE(root_is_tmpfs_and_host_root_is_gone,
     "/ is a tmpfs and no host path outside the binds is reachable")
{
	const char *out = OBS0(tc);
	expect_field(out, "root_magic", "0x1021994");
	ATF_CHECK_MSG(strstr(LT_KV(out, "root_entries"), "work") == NULL, "host /work visible");
	ATF_CHECK_MSG(strstr(out, "mount=/work") == NULL, "host mounts visible");
}

CASE(host_pids_are_invisible, "/proc shows only the sandbox: the init (1) and the command (2)")
{
	const char *out = OBS0(tc);
	expect_field(out, "pid", "2");
	expect_field(out, "ppid", "1");
	expect_field(out, "proc_pids", "2");
	expect_field(out, "proc_magic", "0x9fa0");
}

CASE(proc_sys_is_read_only, "/proc/sys and the other host-wide proc knobs are read-only")
{
	const char *out =
	    observe(tc, NULL, (const char *const[]){"--write", "/proc/sys/kernel/hostname", NULL});
	ATF_CHECK(strstr(out, "mount=/proc/sys ro,") != NULL);
	ATF_CHECK(strncmp(LT_KV(out, "writable./proc/sys/kernel/hostname"), "0 ", 2) == 0);
}

CASE(init_is_not_inspectable, "the init holds no inherited fd and is not dumpable")
{
	/* The init's own descriptors (stdio, the status pipe, what libsbx keeps until it exits)
	 * with and without one the caller leaks: the counts must be equal (both 0 when the
	 * directory cannot even be listed, as for an unprivileged caller). */
	ATF_REQUIRE_EQ(RUN(tc, "--", "/bin/sh", "-c", "ls /proc/1/fd | wc -l"), 0);
	int own = atoi(O.out);
	/* deliberately inheritable */
	int fd = open("/", O_RDONLY | O_DIRECTORY); /* NOLINT(android-cloexec-open) */
	ATF_REQUIRE(fd >= 0);
	int rc = RUN(tc, "--", "/bin/sh", "-c", "ls /proc/1/fd | wc -l; ls -l /proc/1/fd/0");
	close(fd);
	ATF_CHECK(rc != 0);
	ATF_CHECK_MSG(atoi(O.out) == own, "init fds: %d without a leaked fd, %s with one", own,
		      lt_oneline(O.out));
	ATF_CHECK(strstr(O.err, "Permission denied") != NULL);
}

CASE(system_dirs_are_read_only, "/usr and /etc are read-only binds")
{
	const char *out = observe(tc, NULL, (const char *const[]){"--write", "/usr/.sbx", NULL});
	ATF_CHECK(strncmp(LT_KV(out, "writable./usr/.sbx"), "0 ", 2) == 0);
	ATF_CHECK(strstr(out, "mount=/usr ro,") != NULL);
	ATF_CHECK(strstr(out, "mount=/etc ro,") != NULL);
}

CASE(merged_usr_links_are_recreated, "a host /bin symlink is the same symlink inside")
{
	char host[PATH_MAX];
	ssize_t n = readlink("/bin", host, sizeof(host) - 1);
	if (n < 0)
		atf_tc_skip("host /bin is not a symlink (no merged /usr)");
	host[n] = '\0';
	expect_field(OBS0(tc), "bin_link", host);
}

CASE(sys_is_absent, "the strict profile has no /sys")
{
	ATF_CHECK(strstr(LT_KV(OBS0(tc), "root_entries"), "sys") == NULL);
}

CASE(dev_is_minimal, "/dev holds only the harmless nodes, a private devpts, shm and links")
{
	const char *out = OBS0(tc);
	expect_field(out, "dev_entries",
		     "fd,full,null,ptmx,pts,random,shm,stderr,stdin,stdout,tty,urandom,zero");
	ATF_CHECK(strstr(out, "mount=/dev/pts ") != NULL);
}

CASE(capabilities_are_dropped, "every capability set is empty")
{
	const char *out = OBS0(tc);
	static const char *const sets[] = {"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"};
	for (size_t i = 0; i < 5; i++)
		expect_field(out, sets[i], "0000000000000000");
}

CASE(no_new_privs_is_set, "NoNewPrivs is 1")
{
	expect_field(OBS0(tc), "NoNewPrivs", "1");
}

CASE(command_leads_a_new_session, "the command is the leader of its own session")
{
	const char *out = OBS0(tc);
	ATF_CHECK_STREQ(LT_KV(out, "sid"), LT_KV(out, "pid"));
}

CASE(environment_is_clean, "only PATH, TERM and HOME=/ reach the command")
{
	setenv("SBX_SECRET", "leak", 1);
	const char *out = OBS0(tc);
	unsetenv("SBX_SECRET");
	ATF_CHECK(strstr(out, "env.SBX_SECRET") == NULL);
	expect_field(out, "env.HOME", "/");
	ATF_CHECK(lt_kv(out, "env.PATH", (char[16]){0}, 16) != NULL);
}

static long
own_session_keyring(void)
{
	return syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3 /* session */, 0);
}

CASE(session_keyring_is_new, "the command's session keyring is not the caller's")
{
	long own = own_session_keyring();
	if (own < 0)
		sp_skip_environment(tc, "keyring-unavailable", "no session keyring here: %s",
				    strerror(errno));
	ATF_CHECK(atol(LT_KV(OBS0(tc), "session_keyring")) != own);
}

CASE(testing_disable_keyring_keeps_it, "--testing-disable=keyring: the caller's keyring")
{
	long own = own_session_keyring();
	if (own < 0)
		sp_skip_environment(tc, "keyring-unavailable", "no session keyring here: %s",
				    strerror(errno));
	ATF_CHECK_EQ(atol(LT_KV(OBS(tc, "--testing-disable=keyring"), "session_keyring")), own);
}

CASE(nested_userns_is_refused, "the command cannot create a user namespace of its own")
{
	lt_require_nested_userns(tc);
	expect_field(OBS0(tc), "nested_userns", "No space left on device");
}

CASE(allow_nested_userns_allows_it, "--allow-nested-userns lets the command create one")
{
	lt_require_nested_userns(tc);
	expect_field(OBS(tc, "--allow-nested-userns"), "nested_userns", "ok");
}

CASE(testing_disable_nested_userns_allows_it, "--testing-disable=nested-userns: allowed")
{
	lt_require_nested_userns(tc);
	expect_field(OBS(tc, "--testing-disable=nested-userns"), "nested_userns", "ok");
}

CASE(inherited_fds_are_closed, "a descriptor the caller leaks is not open in the command")
{
	/* deliberately inheritable */
	int fd = open("/", O_RDONLY | O_DIRECTORY); /* NOLINT(android-cloexec-open) */
	ATF_REQUIRE(fd >= 0);
	const char *out = OBS0(tc);
	close(fd);
	expect_field(out, "fds", "");
}

CASE(every_namespace_is_new, "user mnt pid uts ipc net cgroup differ from the caller's")
{
	static const char *const ns[] = {"user", "mnt", "pid", "uts", "ipc", "net", "cgroup"};
	const char *out = OBS0(tc);
	for (size_t i = 0; i < 7; i++) {
		char key[32];
		snprintf(key, sizeof(key), "ns.%s", ns[i]);
		ATF_CHECK_MSG(strcmp(LT_KV(out, key), lt_own_ns(ns[i])) != 0, "%s is shared",
			      ns[i]);
	}
}

CASE(network_has_only_loopback, "the network namespace holds only lo")
{
	expect_field(OBS0(tc), "netdevs", "lo");
}

CASE(host_mount_table_is_unchanged, "the host's mountinfo is the same before and after")
{
	lt_read_file("/proc/self/mountinfo", host_mounts_before, sizeof(host_mounts_before));
	OBS(tc, "--tmpfs", "/scratch", "--bind", lt_srcdir(tc), "/tmp/b");
	lt_read_file("/proc/self/mountinfo", host_mounts_after, sizeof(host_mounts_after));
	ATF_CHECK_STREQ(host_mounts_before, host_mounts_after);
}

/* ---- init, exit status, signals ------------------------------------------------------- */

CASE(exit_status_is_the_commands, "sbx-run exits with the command's status")
{
	ATF_CHECK_EQ(RUN(tc, "--", "/bin/sh", "-c", "exit 3"), 3);
}

CASE(signal_death_is_128_plus_n, "a command killed by signal N gives 128+N")
{
	ATF_CHECK_EQ(RUN(tc, "--", "/bin/sh", "-c", "kill -9 $$"), 137);
}

CASE(missing_command_exits_127, "a command that is not found gives 127 and one line")
{
	ATF_CHECK_EQ(RUN(tc, "--", "no-such-command-sbx"), 127);
	ATF_CHECK(strstr(O.err, "sbx-run: exec 'no-such-command-sbx': No such file") == O.err);
}

CASE(non_executable_exits_126, "a command that cannot be executed gives 126")
{
	ATF_CHECK_EQ(RUN(tc, "--", "/etc/passwd"), 126);
	ATF_CHECK(strstr(O.err, "sbx-run: exec '/etc/passwd': Permission denied") == O.err);
}

CASE(init_reaps_orphans, "orphans re-parented to the init are reaped: no zombie remains")
{
	ATF_CHECK_EQ(RUN(tc, "--", "/bin/sh", "-c",
			 "/bin/sh -c '/bin/sleep 0.1 &'; /bin/sleep 0.5; "
			 "grep -l '^State:.*Z' /proc/[0-9]*/status | wc -l"),
		     0);
	ATF_CHECK_STREQ(O.out, "0\n");
}

static pid_t
start_bg(const atf_tc_t *tc, const char *const *args, int *outfd)
{
	int p[2];
	lt_require(tc, needs_of(args, false));
	ATF_REQUIRE(pipe2(p, O_CLOEXEC) == 0);
	char *argv[32];
	size_t n = 0;
	argv[n++] = LT_UNCONST(lt_sbx_run(tc));
	for (size_t i = 0; args[i] && n < 31; i++)
		argv[n++] = LT_UNCONST(args[i]);
	argv[n] = NULL;
	fflush(NULL);
	pid_t pid = fork();
	ATF_REQUIRE(pid >= 0);
	if (pid == 0) {
		dup2(p[1], 1);
		execv(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	*outfd = p[0];
	return pid;
}

static void
read_line(int fd, char *buf, size_t size)
{
	size_t n = 0;
	while (n + 1 < size) {
		ssize_t r = read(fd, buf + n, 1);
		if (r <= 0 || buf[n] == '\n')
			break;
		n++;
	}
	buf[n] = '\0';
}

CASE(sigterm_is_forwarded, "SIGTERM to sbx-run reaches the command through the init")
{
	int fd, st;
	char line[64];
	pid_t pid = start_bg(tc,
			     (const char *const[]){"--", "/bin/sh", "-c",
						   "trap 'exit 42' TERM; echo ready; "
						   "/bin/sleep 30 & wait",
						   NULL},
			     &fd);
	read_line(fd, line, sizeof(line));
	ATF_REQUIRE_STREQ(line, "ready");
	kill(pid, SIGTERM);
	ATF_REQUIRE(waitpid(pid, &st, 0) == pid);
	close(fd);
	ATF_CHECK_EQ(lt_status_code(st), 42);
}

/* Starts `sbx-run OPTS -- sleep 60`, kills sbx-run with SIGKILL, and reports whether the
 * sandbox's processes are still alive 3 s later (they are killed in the negative control). */
static bool
sandbox_survives_launcher(const atf_tc_t *tc, const char *opt)
{
	int fd;
	char line[64];
	pid_t init[4], cmd[4];
	const char *const with[] = {opt, "--", "/bin/sh", "-c", "echo ready; exec /bin/sleep 60",
				    NULL};
	const char *const *args = opt ? with : with + 1;
	pid_t pid = start_bg(tc, args, &fd);
	read_line(fd, line, sizeof(line));
	ATF_REQUIRE_STREQ(line, "ready");
	int ni = lt_children_of(pid, init, 4);
	ATF_REQUIRE_EQ(ni, 1);
	int nc = lt_children_of(init[0], cmd, 4);
	ATF_REQUIRE_EQ(nc, 1);
	kill(pid, SIGKILL);
	ATF_REQUIRE(waitpid(pid, NULL, 0) == pid);
	close(fd);
	for (int i = 0; i < 300 && (lt_alive(init[0]) || lt_alive(cmd[0])); i++)
		usleep(10000);
	bool survived = lt_alive(cmd[0]);
	if (survived) {
		kill(cmd[0], SIGKILL);
		kill(init[0], SIGKILL);
	}
	return survived;
}

CASE(sandbox_dies_with_launcher, "when sbx-run is killed, the init and the command die")
{
	ATF_CHECK(!sandbox_survives_launcher(tc, NULL));
}

/* ---- options --------------------------------------------------------------------------- */

CASE(rootfs_becomes_the_root, "--rootfs DIR is the root: its files are there, the host's not")
{
	const char *dir = lt_scratch("rootfs");
	char marker[2 * PATH_MAX + 16];
	snprintf(marker, sizeof(marker), "%s/marker", dir);
	ATF_REQUIRE(close(open(marker, O_CREAT | O_WRONLY | O_CLOEXEC, 0644)) == 0);
	const char *out = OBS(tc, "--rootfs", dir);
	ATF_CHECK(strstr(LT_KV(out, "root_entries"), "marker") != NULL);
	ATF_CHECK(strstr(LT_KV(out, "root_entries"), "usr") == NULL);
}

/*
 * CVE-2019-19921, CVE-2021-30465: mount destinations inside a rootfs that are symlinks leading
 * out of it.  sbx-run applies every step after pivot_root, with the host's root detached, so a
 * link resolves inside the new root whatever it says: the mount lands there or is refused.
 */
CASE(rootfs_symlink_destinations_stay_inside,
     "--rootfs DIR whose mount destinations are symlinks out of it (/../../HOST and HOST): "
     "each mount lands inside or is refused; HOST gets no mount and no file")
{
	char host[2 * PATH_MAX], root[2 * PATH_MAX], link[2 * PATH_MAX + 8],
	    target[2 * PATH_MAX + 16];
	snprintf(host, sizeof(host), "%s", lt_scratch("host-target"));
	snprintf(root, sizeof(root), "%s", lt_scratch("hostile-root"));
	snprintf(target, sizeof(target), "/../../../..%s", host);
	snprintf(link, sizeof(link), "%s/up", root);
	ATF_REQUIRE(symlink(target, link) == 0);
	snprintf(link, sizeof(link), "%s/abs", root);
	ATF_REQUIRE(symlink(host, link) == 0);
	/* The trap is armed: followed on the host, both links reach HOST. */
	struct stat h, l;
	ATF_REQUIRE(stat(host, &h) == 0);
	for (const char *name = "up"; name; name = strcmp(name, "up") == 0 ? "abs" : NULL) {
		snprintf(link, sizeof(link), "%s/%s", root, name);
		ATF_REQUIRE_MSG(stat(link, &l) == 0 && l.st_ino == h.st_ino, "%s", link);
	}
	const char *const steps[][3] = {
	    {"--tmpfs", "/up", NULL}, {"--dir", "/abs/made", NULL}, {"--bind", "SRC", "/up"}};
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		const char *args[16];
		size_t n = 0;
		args[n++] = "--rootfs";
		args[n++] = root;
		for (size_t k = 0; k < 3 && steps[i][k]; k++)
			args[n++] = strcmp(steps[i][k], "SRC") == 0 ? lt_srcdir(tc) : steps[i][k];
		args[n++] = "--ro-bind";
		args[n++] = lt_srcdir(tc);
		args[n++] = "/sbt";
		args[n++] = "--";
		args[n++] = "/sbt/observe";
		args[n] = NULL;
		lt_read_file("/proc/self/mountinfo", host_mounts_before,
			     sizeof(host_mounts_before));
		int st = run(tc, args);
		lt_read_file("/proc/self/mountinfo", host_mounts_after, sizeof(host_mounts_after));
		ATF_CHECK_MSG(st == 0 || st == 125, "%s %s: exit %d: %s", steps[i][0], steps[i][1],
			      st, lt_oneline(O.err));
		ATF_CHECK_STREQ_MSG(host_mounts_before, host_mounts_after, "%s %s", steps[i][0],
				    steps[i][1]);
		printf("%s %s: exit %d %s\n", steps[i][0], steps[i][1], st, lt_oneline(O.err));
	}
	DIR *d = opendir(host);
	ATF_REQUIRE(d != NULL);
	unsigned entries = 0;
	for (struct dirent *e; (e = readdir(d)) != NULL;)
		entries += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	ATF_CHECK_EQ_MSG(entries, 0, "%u entries appeared in the host directory", entries);
}

CASE(bind_is_writable_and_shared, "--bind SRC DST: writes inside appear in SRC")
{
	const char *dir = lt_scratch("shared");
	char path[2 * PATH_MAX + 16];
	observe(tc, (const char *const[]){"--bind", dir, "/data", NULL},
		(const char *const[]){"--write", "/data/new", NULL});
	snprintf(path, sizeof(path), "%s/new", dir);
	ATF_CHECK(access(path, F_OK) == 0);
}

CASE(ro_bind_covers_submounts, "--ro-bind makes the bind and every submount read-only")
{
	const char *out = OBS(tc, "--ro-bind", "/", "/host");
	int n = 0;
	for (const char *l = strstr(out, "mount=/host"); l; l = strstr(l + 1, "mount=/host")) {
		const char *sp = strchr(l, ' ');
		ATF_CHECK_MSG(sp && strncmp(sp + 1, "ro", 2) == 0, "writable: %.80s", l);
		n++;
	}
	ATF_CHECK_MSG(n > 1, "no submount under /host (%d mounts)", n);
}

CASE(bind_into_tmp_is_not_hidden, "a bind under /tmp is applied after the profile's tmpfs")
{
	const char *dir = lt_scratch("intotmp");
	char marker[2 * PATH_MAX + 16];
	snprintf(marker, sizeof(marker), "%s/seen", dir);
	ATF_REQUIRE(close(open(marker, O_CREAT | O_WRONLY | O_CLOEXEC, 0644)) == 0);
	const char *out = OBS(tc, "--ro-bind", dir, "/tmp/in");
	ATF_CHECK(strstr(out, "mount=/tmp/in ro,") != NULL);
}

CASE(dev_bind_keeps_devices, "--dev-bind leaves device nodes usable, --bind makes them nodev")
{
	const char *out = observe(tc,
				  (const char *const[]){"--dev-bind", "/dev/null", "/dn", "--bind",
							"/dev/null", "/bn", NULL},
				  (const char *const[]){"--write", "/dn", "--write", "/bn", NULL});
	expect_field(out, "writable./dn", "1");
	ATF_CHECK(strncmp(LT_KV(out, "writable./bn"), "0 ", 2) == 0);
}

CASE(tmpfs_has_the_given_size, "--tmpfs DST:SIZE mounts a tmpfs of that size")
{
	ATF_REQUIRE_EQ(RUN(tc, "--tmpfs", "/scratch:1m", "--", "/bin/sh", "-c",
			   "stat -f -c '%t %b %S' /scratch"),
		       0);
	unsigned long blocks = 0, bsize = 0;
	char magic[32];
	ATF_REQUIRE(sscanf(O.out, "%31s %lu %lu", magic, &blocks, &bsize) == 3);
	ATF_CHECK_STREQ(magic, "1021994");
	ATF_CHECK_EQ(blocks * bsize, 1024UL * 1024UL);
}

CASE(sys_option_mounts_read_only_sysfs, "--sys mounts a read-only /sys")
{
	const char *out = OBS(tc, "--sys");
	ATF_CHECK(strstr(out, "mount=/sys ro,") != NULL);
}

CASE(share_net_keeps_host_network, "--share-net keeps the caller's network namespace only")
{
	const char *out = OBS(tc, "--share-net");
	ATF_CHECK_STREQ(LT_KV(out, "ns.net"), lt_own_ns("net"));
	ATF_CHECK(strcmp(LT_KV(out, "ns.uts"), lt_own_ns("uts")) != 0);
}

CASE(share_ns_keeps_that_namespace, "--share ipc|uts|cgroup keeps exactly that namespace")
{
	static const char *const ns[] = {"ipc", "uts", "cgroup"};
	for (size_t i = 0; i < 3; i++) {
		const char *out = OBS(tc, "--share", ns[i]);
		char key[32];
		snprintf(key, sizeof(key), "ns.%s", ns[i]);
		ATF_CHECK_STREQ_MSG(LT_KV(out, key), lt_own_ns(ns[i]), "%s", ns[i]);
		ATF_CHECK(strcmp(LT_KV(out, "ns.net"), lt_own_ns("net")) != 0);
	}
}

CASE(share_pid_shows_host_pids, "--share-pid keeps the caller's pid namespace")
{
	const char *out = OBS(tc, "--share-pid");
	ATF_CHECK_STREQ(LT_KV(out, "ns.pid"), lt_own_ns("pid"));
	ATF_CHECK(strcmp(LT_KV(out, "pid"), "2") != 0);
}

CASE(unshare_time_creates_time_ns, "--unshare-time gives a new time namespace")
{
	const char *out = OBS(tc, "--unshare-time");
	ATF_CHECK(strcmp(LT_KV(out, "ns.time"), lt_own_ns("time")) != 0);
}

CASE(hostname_is_set, "--hostname NAME is what uname(2) shows inside")
{
	expect_field(OBS(tc, "--hostname", "sbx-box"), "hostname", "sbx-box");
}

CASE(uid_and_gid_inside_are_configurable, "--uid/--gid choose the ids the caller maps to")
{
	char want[64];
	const char *out = OBS(tc, "--uid", "1234", "--gid", "4321");
	expect_field(out, "uid", "1234");
	expect_field(out, "gid", "4321");
	snprintf(want, sizeof(want), "1234 %u 1", (unsigned)getuid());
	expect_field(out, "uid_map", want);
}

CASE(cap_keep_keeps_only_that_capability, "--cap-keep CAP_NET_RAW keeps bit 13 alone")
{
	const char *out = OBS(tc, "--cap-keep", "CAP_NET_RAW");
	expect_field(out, "CapEff", "0000000000002000");
	expect_field(out, "CapBnd", "0000000000002000");
	expect_field(out, "CapAmb", "0000000000002000");
}

CASE(env_options_apply, "--setenv, --unsetenv and --keep-env change the environment")
{
	setenv("SBX_KEEP", "kept", 1);
	const char *out =
	    OBS(tc, "--setenv", "A", "1", "--keep-env", "SBX_KEEP", "--unsetenv", "HOME");
	unsetenv("SBX_KEEP");
	expect_field(out, "env.A", "1");
	expect_field(out, "env.SBX_KEEP", "kept");
	ATF_CHECK(strstr(out, "env.HOME=") == NULL);
}

CASE(chdir_sets_working_directory, "--chdir DIR is the command's cwd")
{
	expect_field(OBS(tc, "--chdir", "/usr"), "cwd", "/usr");
}

CASE(dir_symlink_mqueue_are_created, "--dir, --symlink and --mqueue create what they name")
{
	const char *out =
	    OBS(tc, "--dir", "/made", "--symlink", "made", "/link", "--mqueue", "/mq");
	ATF_CHECK(strstr(LT_KV(out, "root_entries"), "link,made,mq") != NULL);
	ATF_CHECK(strstr(out, "mount=/mq rw,nosuid,nodev,noexec,relatime mqueue") != NULL);
}

CASE(share_mount_skips_every_mount, "--share mount keeps the caller's mounts and adds none")
{
	char observe_path[2 * PATH_MAX];
	snprintf(observe_path, sizeof(observe_path), "%s/observe", lt_srcdir(tc));
	lt_read_file("/proc/self/mountinfo", host_mounts_before, sizeof(host_mounts_before));
	ATF_REQUIRE_EQ_MSG(RUN(tc, "--share", "mount", "--", observe_path), 0, "%s",
			   lt_oneline(O.err));
	lt_read_file("/proc/self/mountinfo", host_mounts_after, sizeof(host_mounts_after));
	ATF_CHECK_STREQ(LT_KV(O.out, "ns.mnt"), lt_own_ns("mnt"));
	ATF_CHECK_STREQ(host_mounts_before, host_mounts_after);
}

CASE(share_user_keeps_host_ids, "--share user (root only): no map, ids are the caller's")
{
	require_root(tc, "other namespaces without a user namespace need CAP_SYS_ADMIN");
	const char *out = OBS(tc, "--share", "user");
	ATF_CHECK_STREQ(LT_KV(out, "ns.user"), lt_own_ns("user"));
	ATF_CHECK_STREQ(LT_KV(out, "CapEff"), "0000000000000000");
}

CASE(options_take_the_equals_form, "--opt=value works like --opt value")
{
	const char *out = OBS(tc, "--tmpfs=/x", "--chdir=/x", "--hostname=eq");
	expect_field(out, "cwd", "/x");
	expect_field(out, "hostname", "eq");
}

CASE(verbose_logs_each_step, "-v logs one line per step on stderr")
{
	OBS(tc, "-v");
	ATF_CHECK(strstr(O.err, "sbx-run: write uid_map ") != NULL);
	ATF_CHECK(strstr(O.err, "sbx-run: pivot_root ") != NULL);
	ATF_CHECK(strstr(O.err, "sbx-run: drop capabilities") != NULL);
}

CASE(help_and_version, "--help documents the options, --version the version")
{
	ATF_CHECK_EQ(RUN(tc, "--help"), 0);
	ATF_CHECK(strstr(O.out, "--testing-disable") != NULL);
	ATF_CHECK(strstr(O.out, "--ro-bind") != NULL);
	ATF_CHECK_EQ(RUN(tc, "--version"), 0);
	ATF_CHECK(strncmp(O.out, "sbx-run ", 8) == 0);
}

/* ---- bad input: one line, 125, nothing left behind ------------------------------------ */

/* Runs sbx-run ARGS in an empty scratch dir (also its TMPDIR) and checks the exit status, that
 * stderr is exactly one line starting with `want`, that the host's mounts did not change, and
 * that no process and no file was left. */
static void
bad_input(const atf_tc_t *tc, const char *want, const char *const *args)
{
	const char *dir = lt_scratch("bad");
	char tmpdir[2 * PATH_MAX + 16], leftovers[512];
	char *env[] = {tmpdir, NULL};
	char *argv[64];
	size_t n = 0;
	snprintf(tmpdir, sizeof(tmpdir), "TMPDIR=%s", dir);
	argv[n++] = LT_UNCONST(lt_sbx_run(tc));
	for (size_t i = 0; args[i] && n < 63; i++)
		argv[n++] = LT_UNCONST(args[i]);
	argv[n] = NULL;
	lt_read_file("/proc/self/mountinfo", host_mounts_before, sizeof(host_mounts_before));
	lt_exec_full(argv, dir, env, -1, NULL, NULL, &O);
	lt_read_file("/proc/self/mountinfo", host_mounts_after, sizeof(host_mounts_after));
	ATF_CHECK_EQ_MSG(O.status, 125, "exit %d, stderr: %s", O.status, lt_oneline(O.err));
	ATF_CHECK_MSG(strncmp(O.err, want, strlen(want)) == 0, "stderr '%s' does not start '%s'",
		      lt_oneline(O.err), want);
	ATF_CHECK_MSG(strchr(O.err, '\n') == O.err + strlen(O.err) - 1, "not one line: %s",
		      lt_oneline(O.err));
	ATF_CHECK_STREQ(host_mounts_before, host_mounts_after);
	ATF_CHECK_EQ_MSG(lt_leftover_processes(leftovers, sizeof(leftovers)), 0, "left:%s",
			 leftovers);
	ATF_CHECK_EQ(lt_dir_entries(dir), 0);
}
#define BAD(tc, want, ...) bad_input(tc, want, (const char *const[]){__VA_ARGS__, NULL})

CASE(bad_missing_rootfs, "a missing --rootfs is refused before anything is created")
{
	BAD(tc, "sbx-run: rootfs '/nonexistent-sbx': No such file or directory", "--rootfs",
	    "/nonexistent-sbx", "--", "/bin/true");
}

CASE(bad_missing_bind_source, "a missing bind source is refused")
{
	BAD(tc, "sbx-run: ro-bind '/nonexistent-sbx': No such file or directory", "--ro-bind",
	    "/nonexistent-sbx", "/x", "--", "/bin/true");
}

CASE(bad_relative_destination, "a relative destination is refused")
{
	BAD(tc, "sbx-run: bind 'relative': Invalid argument (destination must be an absolute path)",
	    "--bind", "/usr", "relative", "--", "/bin/true");
}

CASE(bad_dotdot_destination, "'..' in a destination is refused")
{
	BAD(tc, "sbx-run: tmpfs '/a/../etc': Invalid argument ('..' is not allowed", "--tmpfs",
	    "/a/../etc", "--", "/bin/true");
}

CASE(bad_overlong_path, "a destination longer than PATH_MAX is refused")
{
	static char longpath[PATH_MAX + 64];
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	BAD(tc, "sbx-run: bind '/aaa", "--bind", "/usr", longpath, "--", "/bin/true");
	ATF_CHECK(strstr(O.err, "File name too long (path longer than PATH_MAX)") != NULL);
}

CASE(bad_unknown_capability, "an unknown capability name is refused")
{
	BAD(tc, "sbx-run: cap-keep 'CAP_NOPE': Invalid argument (unknown capability)", "--cap-keep",
	    "CAP_NOPE", "--", "/bin/true");
}

CASE(bad_unknown_namespace, "an unknown namespace name is refused")
{
	BAD(tc, "sbx-run: share 'nope': Invalid argument (unknown namespace", "--share", "nope",
	    "--", "/bin/true");
}

CASE(bad_id_outside_the_map, "an inside uid that cannot be mapped is refused")
{
	BAD(tc, "sbx-run: uid: Invalid argument (uid 4242 is outside the map", "--share", "user",
	    "--uid", "4242", "--", "/bin/true");
	BAD(tc, "sbx-run: uid '4294967295': Invalid argument", "--uid", "4294967295", "--",
	    "/bin/true");
}

CASE(bad_unknown_option, "an unknown option is refused")
{
	BAD(tc, "sbx-run: unknown option '--nope'", "--nope", "--", "/bin/true");
}

CASE(bad_unknown_testing_feature, "an unknown --testing-disable feature is refused")
{
	BAD(tc, "sbx-run: testing-disable 'nope': Invalid argument", "--testing-disable=nope", "--",
	    "/bin/true");
}

CASE(bad_userns_cannot_be_created, "a user namespace that cannot be created names the sysctl")
{
	lt_require(tc, LT_NS_USER);
	lt_require_nested_userns(tc);
	char *argv[] = {LT_UNCONST(lt_sbx_run(tc)), LT_UNCONST("--"), LT_UNCONST("/bin/true"),
			NULL};
	lt_read_file("/proc/self/mountinfo", host_mounts_before, sizeof(host_mounts_before));
	lt_exec_full(argv, NULL, NULL, -1, lt_forbid_userns, NULL, &O);
	if (O.status == LT_SKIP)
		atf_tc_skip("cannot set up the restricted user namespace: %s", lt_oneline(O.err));
	ATF_CHECK_EQ(O.status, 125);
	ATF_CHECK_MSG(strstr(O.err,
			     "sbx-run: create namespaces 'user,mount,pid,uts,ipc,net,cgroup'"
			     ": No space left on device (user.max_user_namespaces=0)") == O.err,
		      "stderr: %s", lt_oneline(O.err));
	lt_read_file("/proc/self/mountinfo", host_mounts_after, sizeof(host_mounts_after));
	ATF_CHECK_STREQ(host_mounts_before, host_mounts_after);
	char leftovers[512];
	ATF_CHECK_EQ_MSG(lt_leftover_processes(leftovers, sizeof(leftovers)), 0, "left:%s",
			 leftovers);
}

CASE(bad_rootfs_without_mount_ns, "--rootfs with the caller's mount namespace is refused")
{
	BAD(tc, "sbx-run: rootfs '/': Invalid argument (a new root needs the mount namespace)",
	    "--share", "mount", "--rootfs", "/", "--", "/bin/true");
}

CASE(bad_not_root_without_userns, "without a user namespace, an unprivileged caller is told why")
{
	sp_require_feature(tc, SP_FEAT_UNPRIVILEGED);
	BAD(tc, "sbx-run: create namespaces", "--testing-disable=userns", "--", "/bin/true");
	ATF_CHECK(strstr(O.err, "(not root") != NULL);
}

/* ---- negative controls: --testing-disable switches one protection off ----------------- */

CASE(testing_disable_tmp_shows_host_tmp, "--testing-disable=tmp: /tmp is the host's, not tmpfs")
{
	char inside[8192], host[64];
	snprintf(inside, sizeof(inside), "%s",
		 LT_KV(OBS(tc, "--testing-disable=tmp"), "tmp_magic"));
	lt_exec((char *const[]){"/usr/bin/stat", "-f", "-c", "0x%t", "/tmp", NULL}, &O);
	snprintf(host, sizeof(host), "%.*s", (int)strcspn(O.out, "\n"), O.out);
	ATF_CHECK_STREQ(inside, host);
}

CASE(testing_disable_caps_keeps_capabilities, "--testing-disable=caps: CapEff is not empty")
{
	ATF_CHECK(strcmp(LT_KV(OBS(tc, "--testing-disable=caps"), "CapEff"), "0000000000000000") !=
		  0);
}

CASE(testing_disable_nnp_leaves_it_off, "--testing-disable=nnp: NoNewPrivs is 0")
{
	expect_field(OBS(tc, "--testing-disable=nnp"), "NoNewPrivs", "0");
}

CASE(testing_disable_new_session_keeps_session, "--testing-disable=new-session: sid is not pid")
{
	const char *out = OBS(tc, "--testing-disable=new-session");
	ATF_CHECK(strcmp(LT_KV(out, "sid"), LT_KV(out, "pid")) != 0);
}

CASE(testing_disable_clearenv_passes_env, "--testing-disable=clearenv: the caller's env passes")
{
	setenv("SBX_SECRET", "leak", 1);
	const char *out = OBS(tc, "--testing-disable=clearenv");
	unsetenv("SBX_SECRET");
	expect_field(out, "env.SBX_SECRET", "leak");
}

CASE(testing_disable_close_fds_leaks_host_root, "--testing-disable=close-fds: a host fd leaks")
{
	ATF_CHECK(strcmp(LT_KV(OBS(tc, "--testing-disable=close-fds"), "fds"), "") != 0);
}

CASE(testing_disable_proc_shows_host_pids, "--testing-disable=proc: the host's pids are visible")
{
	const char *out = OBS(tc, "--testing-disable=proc");
	ATF_CHECK(atoi(LT_KV(out, "proc_pids")) > 2);
}

CASE(testing_disable_pidns_shares_pids, "--testing-disable=pidns: the pid namespace is shared")
{
	ATF_CHECK_STREQ(LT_KV(OBS(tc, "--testing-disable=pidns"), "ns.pid"), lt_own_ns("pid"));
}

CASE(testing_disable_netns_shares_network, "--testing-disable=netns: the network is shared")
{
	ATF_CHECK_STREQ(LT_KV(OBS(tc, "--testing-disable=netns"), "ns.net"), lt_own_ns("net"));
}

CASE(testing_disable_utsns_shares_uts, "--testing-disable=utsns: the uts namespace is shared")
{
	ATF_CHECK_STREQ(LT_KV(OBS(tc, "--testing-disable=utsns"), "ns.uts"), lt_own_ns("uts"));
}

CASE(testing_disable_ipcns_shares_ipc, "--testing-disable=ipcns: the ipc namespace is shared")
{
	ATF_CHECK_STREQ(LT_KV(OBS(tc, "--testing-disable=ipcns"), "ns.ipc"), lt_own_ns("ipc"));
}

CASE(testing_disable_cgroupns_shares_cgroup, "--testing-disable=cgroupns: cgroup ns is shared")
{
	ATF_CHECK_STREQ(LT_KV(OBS(tc, "--testing-disable=cgroupns"), "ns.cgroup"),
			lt_own_ns("cgroup"));
}

CASE(testing_disable_dev_shows_host_dev, "--testing-disable=dev: /dev is the host's")
{
	const char *out = OBS(tc, "--testing-disable=dev");
	ATF_CHECK(strcmp(LT_KV(out, "dev_entries"),
			 "fd,full,null,ptmx,pts,random,shm,stderr,stdin,stdout,tty,urandom,zero") !=
		  0);
}

CASE(testing_disable_mntns_shows_host_root, "--testing-disable=mntns: the host's files show")
{
	char observe_path[2 * PATH_MAX];
	snprintf(observe_path, sizeof(observe_path), "%s/observe", lt_srcdir(tc));
	ATF_REQUIRE_EQ(RUN(tc, "--testing-disable=mntns", "--", observe_path), 0);
	ATF_CHECK_STREQ(LT_KV(O.out, "ns.mnt"), lt_own_ns("mnt"));
}

CASE(testing_disable_pivot_root_keeps_old_root, "--testing-disable=pivot-root: old root stays")
{
	const char *out = OBS(tc, "--testing-disable=pivot-root");
	ATF_CHECK(strstr(out, "mount=/work") != NULL || atoi(LT_KV(out, "mounts")) > 20 ||
		  strstr(out, "mount=/ ") != NULL);
}

CASE(testing_disable_userns_keeps_host_ids, "--testing-disable=userns: the caller's uid map (root)")
{
	require_root(tc, "other namespaces without a user namespace need CAP_SYS_ADMIN");
	/* The caller's own user namespace: its map (the identity map in the initial namespace,
	 * the row's map in the restricted matrix), first line, columns squeezed as observe does. */
	char own[4096], want[4096];
	size_t n = 0;
	bool space = false;
	lt_read_file("/proc/self/uid_map", own, sizeof(own));
	for (const char *c = own; *c && *c != '\n' && n + 2 < sizeof(want); c++) {
		if (*c == ' ' || *c == '\t') {
			space = n > 0;
			continue;
		}
		if (space)
			want[n++] = ' ';
		space = false;
		want[n++] = *c;
	}
	want[n] = '\0';
	const char *out = OBS(tc, "--testing-disable=userns");
	expect_field(out, "uid_map", want);
	ATF_CHECK_STREQ(LT_KV(out, "ns.user"), lt_own_ns("user"));
}

CASE(testing_disable_setgroups_deny_allows, "--testing-disable=setgroups-deny: allow (root only)")
{
	char own[16];
	require_root(tc, "only a privileged parent may write gid_map with setgroups allowed");
	/* Inside a user namespace whose setgroups is deny (unshare --map-root-user), no namespace
	 * below it may allow setgroups again (user_namespaces(7), "/proc/[pid]/setgroups"). */
	lt_read_file("/proc/self/setgroups", own, sizeof(own));
	if (strncmp(own, "deny", 4) == 0)
		sp_skip_environment(tc, "root-unavailable",
				    "setgroups is deny in this user namespace, so no namespace "
				    "below it may allow it");
	expect_field(OBS(tc, "--testing-disable=setgroups-deny"), "setgroups", "allow");
}

CASE(testing_disable_die_with_parent_survives, "--testing-disable=die-with-parent: it survives")
{
	ATF_CHECK(sandbox_survives_launcher(tc, "--testing-disable=die-with-parent"));
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, uid_maps_caller_to_root);
	ATF_TP_ADD_TC(tp, gid_maps_caller_to_root);
	ATF_TP_ADD_TC(tp, setgroups_is_denied);
	ATF_TP_ADD_TC(tp, tmp_is_private_tmpfs);
	ATF_TP_ADD_TC(tp, root_is_tmpfs_and_host_root_is_gone);
	ATF_TP_ADD_TC(tp, host_pids_are_invisible);
	ATF_TP_ADD_TC(tp, proc_sys_is_read_only);
	ATF_TP_ADD_TC(tp, init_is_not_inspectable);
	ATF_TP_ADD_TC(tp, system_dirs_are_read_only);
	ATF_TP_ADD_TC(tp, merged_usr_links_are_recreated);
	ATF_TP_ADD_TC(tp, sys_is_absent);
	ATF_TP_ADD_TC(tp, dev_is_minimal);
	ATF_TP_ADD_TC(tp, capabilities_are_dropped);
	ATF_TP_ADD_TC(tp, no_new_privs_is_set);
	ATF_TP_ADD_TC(tp, command_leads_a_new_session);
	ATF_TP_ADD_TC(tp, environment_is_clean);
	ATF_TP_ADD_TC(tp, session_keyring_is_new);
	ATF_TP_ADD_TC(tp, testing_disable_keyring_keeps_it);
	ATF_TP_ADD_TC(tp, nested_userns_is_refused);
	ATF_TP_ADD_TC(tp, allow_nested_userns_allows_it);
	ATF_TP_ADD_TC(tp, testing_disable_nested_userns_allows_it);
	ATF_TP_ADD_TC(tp, inherited_fds_are_closed);
	ATF_TP_ADD_TC(tp, every_namespace_is_new);
	ATF_TP_ADD_TC(tp, network_has_only_loopback);
	ATF_TP_ADD_TC(tp, host_mount_table_is_unchanged);
	ATF_TP_ADD_TC(tp, exit_status_is_the_commands);
	ATF_TP_ADD_TC(tp, signal_death_is_128_plus_n);
	ATF_TP_ADD_TC(tp, missing_command_exits_127);
	ATF_TP_ADD_TC(tp, non_executable_exits_126);
	ATF_TP_ADD_TC(tp, init_reaps_orphans);
	ATF_TP_ADD_TC(tp, sigterm_is_forwarded);
	ATF_TP_ADD_TC(tp, sandbox_dies_with_launcher);
	ATF_TP_ADD_TC(tp, rootfs_becomes_the_root);
	ATF_TP_ADD_TC(tp, rootfs_symlink_destinations_stay_inside);
	ATF_TP_ADD_TC(tp, bind_is_writable_and_shared);
	ATF_TP_ADD_TC(tp, ro_bind_covers_submounts);
	ATF_TP_ADD_TC(tp, bind_into_tmp_is_not_hidden);
	ATF_TP_ADD_TC(tp, dev_bind_keeps_devices);
	ATF_TP_ADD_TC(tp, tmpfs_has_the_given_size);
	ATF_TP_ADD_TC(tp, sys_option_mounts_read_only_sysfs);
	ATF_TP_ADD_TC(tp, share_net_keeps_host_network);
	ATF_TP_ADD_TC(tp, share_ns_keeps_that_namespace);
	ATF_TP_ADD_TC(tp, share_pid_shows_host_pids);
	ATF_TP_ADD_TC(tp, unshare_time_creates_time_ns);
	ATF_TP_ADD_TC(tp, hostname_is_set);
	ATF_TP_ADD_TC(tp, uid_and_gid_inside_are_configurable);
	ATF_TP_ADD_TC(tp, cap_keep_keeps_only_that_capability);
	ATF_TP_ADD_TC(tp, env_options_apply);
	ATF_TP_ADD_TC(tp, chdir_sets_working_directory);
	ATF_TP_ADD_TC(tp, dir_symlink_mqueue_are_created);
	ATF_TP_ADD_TC(tp, share_mount_skips_every_mount);
	ATF_TP_ADD_TC(tp, share_user_keeps_host_ids);
	ATF_TP_ADD_TC(tp, options_take_the_equals_form);
	ATF_TP_ADD_TC(tp, verbose_logs_each_step);
	ATF_TP_ADD_TC(tp, help_and_version);
	ATF_TP_ADD_TC(tp, bad_missing_rootfs);
	ATF_TP_ADD_TC(tp, bad_missing_bind_source);
	ATF_TP_ADD_TC(tp, bad_relative_destination);
	ATF_TP_ADD_TC(tp, bad_dotdot_destination);
	ATF_TP_ADD_TC(tp, bad_overlong_path);
	ATF_TP_ADD_TC(tp, bad_unknown_capability);
	ATF_TP_ADD_TC(tp, bad_unknown_namespace);
	ATF_TP_ADD_TC(tp, bad_id_outside_the_map);
	ATF_TP_ADD_TC(tp, bad_unknown_option);
	ATF_TP_ADD_TC(tp, bad_unknown_testing_feature);
	ATF_TP_ADD_TC(tp, bad_userns_cannot_be_created);
	ATF_TP_ADD_TC(tp, bad_rootfs_without_mount_ns);
	ATF_TP_ADD_TC(tp, bad_not_root_without_userns);
	ATF_TP_ADD_TC(tp, testing_disable_tmp_shows_host_tmp);
	ATF_TP_ADD_TC(tp, testing_disable_caps_keeps_capabilities);
	ATF_TP_ADD_TC(tp, testing_disable_nnp_leaves_it_off);
	ATF_TP_ADD_TC(tp, testing_disable_new_session_keeps_session);
	ATF_TP_ADD_TC(tp, testing_disable_clearenv_passes_env);
	ATF_TP_ADD_TC(tp, testing_disable_close_fds_leaks_host_root);
	ATF_TP_ADD_TC(tp, testing_disable_proc_shows_host_pids);
	ATF_TP_ADD_TC(tp, testing_disable_pidns_shares_pids);
	ATF_TP_ADD_TC(tp, testing_disable_netns_shares_network);
	ATF_TP_ADD_TC(tp, testing_disable_utsns_shares_uts);
	ATF_TP_ADD_TC(tp, testing_disable_ipcns_shares_ipc);
	ATF_TP_ADD_TC(tp, testing_disable_cgroupns_shares_cgroup);
	ATF_TP_ADD_TC(tp, testing_disable_dev_shows_host_dev);
	ATF_TP_ADD_TC(tp, testing_disable_mntns_shows_host_root);
	ATF_TP_ADD_TC(tp, testing_disable_pivot_root_keeps_old_root);
	ATF_TP_ADD_TC(tp, testing_disable_userns_keeps_host_ids);
	ATF_TP_ADD_TC(tp, testing_disable_setgroups_deny_allows);
	ATF_TP_ADD_TC(tp, testing_disable_die_with_parent_survives);
	return atf_no_error();
}
