/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libsbx's calls one by one, each in a forked child (never in the test process), checked by what
 * the kernel then shows: the child prints key=value lines, the parent decides.
 */
#include "libtest.h"
#include "sbx.h"

#include <pthread.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/statfs.h>

static struct lt_out O;

#define CASE(name, text)                                                                           \
	ATF_TC(name);                                                                              \
	ATF_TC_HEAD(name, tc)                                                                      \
	{                                                                                          \
		atf_tc_set_md_var(tc, "descr", text);                                              \
		atf_tc_set_md_var(tc, "timeout", "60");                                            \
	}                                                                                          \
	ATF_TC_BODY(name, tc)

/* In children: print the first line of a file as key=value, columns squeezed. */
static void
print_line(const char *key, const char *path)
{
	char buf[512], out[512];
	size_t n = 0;
	lt_read_file(path, buf, sizeof(buf));
	for (char *c = buf; *c && *c != '\n' && n + 1 < sizeof(out); c++) {
		if (*c == ' ' && (n == 0 || out[n - 1] == ' '))
			continue;
		out[n++] = *c;
	}
	while (n && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
	printf("%s=%s\n", key, out);
}

static void
print_err(int rc, const struct sbx_error *e)
{
	char buf[2048];
	printf("rc=%d\nerr=%d\nstep=%s\npath=%s\nmessage=%s\nformat=%s\n", rc, e->err, e->step,
	       e->path, e->message, sbx_error_format(e, buf, sizeof(buf)));
}

static struct sbx_config *
new_config(unsigned ns)
{
	struct sbx_config *cfg = sbx_config_new();
	if (cfg)
		sbx_config_set_namespaces(cfg, ns);
	return cfg;
}

/* Skip (77) when the namespaces cannot be created here, fail (1) on any other error. */
static int
enter(struct sbx_config *cfg)
{
	struct sbx_error e;
	int r = sbx_enter_namespaces(cfg, &e);
	if (r < 0) {
		char buf[2048];
		dprintf(2, "%s", sbx_error_format(&e, buf, sizeof(buf)));
		return r == -EPERM || r == -EACCES || r == -ENOSPC ? LT_SKIP : 1;
	}
	return 0;
}

/* ---- sbx_enter_namespaces ------------------------------------------------------------- */

static int
enter_and_show_ids(void *arg)
{
	(void)arg;
	struct sbx_config *cfg = new_config(SBX_NS_USER | SBX_NS_UTS);
	int r = enter(cfg);
	if (r)
		return r;
	print_line("uid_map", "/proc/self/uid_map");
	print_line("gid_map", "/proc/self/gid_map");
	print_line("setgroups", "/proc/self/setgroups");
	printf("uid=%u\ngid=%u\n", (unsigned)getuid(), (unsigned)getgid());
	printf("ns.uts=%s\nns.net=%s\n", lt_own_ns("uts"), lt_own_ns("net"));
	sbx_config_free(cfg);
	return 0;
}

CASE(enter_namespaces_maps_caller_to_root, "sbx_enter_namespaces maps the caller to 0, one id")
{
	lt_require(tc, LT_NS_USER | LT_NS_UTS);
	char want[64];
	lt_child("enter namespaces", enter_and_show_ids, NULL, &O);
	snprintf(want, sizeof(want), "0 %u 1", (unsigned)getuid());
	ATF_CHECK_STREQ(LT_KV(O.out, "uid_map"), want);
	snprintf(want, sizeof(want), "0 %u 1", (unsigned)getgid());
	ATF_CHECK_STREQ(LT_KV(O.out, "gid_map"), want);
	ATF_CHECK_STREQ(LT_KV(O.out, "uid"), "0");
}

CASE(enter_namespaces_denies_setgroups, "sbx_enter_namespaces writes deny to setgroups")
{
	lt_require(tc, LT_NS_USER | LT_NS_UTS);
	lt_child("enter namespaces", enter_and_show_ids, NULL, &O);
	ATF_CHECK_STREQ(LT_KV(O.out, "setgroups"), "deny");
}

CASE(enter_namespaces_creates_only_those_asked, "user+uts asked: uts is new, net is shared")
{
	lt_require(tc, LT_NS_USER | LT_NS_UTS);
	lt_child("enter namespaces", enter_and_show_ids, NULL, &O);
	ATF_CHECK(strcmp(LT_KV(O.out, "ns.uts"), lt_own_ns("uts")) != 0);
	ATF_CHECK_STREQ(LT_KV(O.out, "ns.net"), lt_own_ns("net"));
}

static int
enter_forbidden(void *arg)
{
	(void)arg;
	if (lt_forbid_userns(NULL) != 0)
		return LT_SKIP;
	struct sbx_config *cfg = new_config(SBX_NS_ALL);
	struct sbx_error e;
	print_err(sbx_enter_namespaces(cfg, &e), &e);
	sbx_config_free(cfg);
	return 0;
}

CASE(enter_namespaces_names_the_sysctl, "a forbidden user namespace names max_user_namespaces")
{
	lt_require(tc, LT_NS_USER);
	lt_require_nested_userns(tc);
	lt_child("forbidden user namespace", enter_forbidden, NULL, &O);
	ATF_CHECK_STREQ(LT_KV(O.out, "rc"), "-28");
	ATF_CHECK_STREQ(LT_KV(O.out, "step"), "create namespaces");
	ATF_CHECK_STREQ(LT_KV(O.out, "message"), "user.max_user_namespaces=0");
}

static void *
idle_thread(void *arg)
{
	(void)arg;
	pause();
	return NULL;
}

static int
enter_threaded(void *arg)
{
	(void)arg;
	pthread_t t;
	if (pthread_create(&t, NULL, idle_thread, NULL) != 0)
		return 1;
	struct sbx_config *cfg = new_config(SBX_NS_USER);
	struct sbx_error e;
	print_err(sbx_enter_namespaces(cfg, &e), &e);
	fflush(NULL);
	_exit(0); /* the thread is still there */
}

CASE(enter_namespaces_explains_einval, "EINVAL (here: a threaded caller) is explained, not bare")
{
	lt_require(tc, LT_NS_USER); /* a refused user namespace answers EPERM before EINVAL */
	lt_child("threaded caller", enter_threaded, NULL, &O);
	ATF_CHECK_STREQ(LT_KV(O.out, "rc"), "-22");
	ATF_CHECK_STREQ(LT_KV(O.out, "message"),
			"the kernel lacks it, or the process is multithreaded");
}

/* ---- mounts ----------------------------------------------------------------------------- */

/* A user and mount namespace of our own, with / made a slave first. */
static int
private_mounts(void)
{
	struct sbx_config *cfg = new_config(SBX_NS_USER | SBX_NS_MOUNT);
	int r = enter(cfg);
	sbx_config_free(cfg);
	if (r)
		return r;
	if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) != 0)
		return dprintf(2, "make / slave: %s", strerror(errno)), 1;
	return 0;
}

static int
tmpfs_child(void *arg)
{
	(void)arg;
	struct sbx_error e;
	struct statfs s;
	struct stat st;
	int r = private_mounts();
	if (r)
		return r;
	r = sbx_mount_tmpfs("/tmp", 1024 * 1024, 0710, &e);
	if (r < 0 || statfs("/tmp", &s) != 0 || stat("/tmp", &st) != 0)
		return print_err(r, &e), 1;
	printf("magic=0x%lx\nbytes=%llu\nmode=%o\n", (unsigned long)s.f_type,
	       (unsigned long long)s.f_blocks * (unsigned long long)s.f_bsize,
	       (unsigned)(st.st_mode & 07777));
	return 0;
}

CASE(mount_tmpfs_gives_tmpfs_of_size_and_mode, "sbx_mount_tmpfs: tmpfs magic, size and mode")
{
	lt_require(tc, LT_NS_USER | LT_NS_MNT);
	lt_child("tmpfs", tmpfs_child, NULL, &O);
	ATF_CHECK_STREQ(LT_KV(O.out, "magic"), "0x1021994");
	ATF_CHECK_STREQ(LT_KV(O.out, "bytes"), "1048576");
	ATF_CHECK_STREQ(LT_KV(O.out, "mode"), "710");
}

static int
ro_bind_child(void *arg)
{
	(void)arg;
	struct sbx_error e;
	char line[4096], mp[4096], opts[512];
	int r = private_mounts();
	if (r)
		return r;
	if ((r = sbx_mount_tmpfs("/tmp", 0, 0755, &e)) < 0 ||
	    (r = sbx_bind_mount("/", "/tmp/host", SBX_BIND_RO, &e)) < 0)
		return print_err(r, &e), 1;
	FILE *f = fopen("/proc/self/mountinfo", "re");
	int total = 0, writable = 0;
	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*d %*d %*s %*s %4095s %511s", mp, opts) != 2 ||
		    strncmp(mp, "/tmp/host", 9) != 0)
			continue;
		total++;
		if (strncmp(opts, "ro", 2) != 0) {
			writable++;
			printf("writable=%s\n", mp);
		}
	}
	if (f)
		fclose(f);
	int fd = open("/tmp/host/tmp/sbx-probe", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	printf("total=%d\nwritable_count=%d\ncreate_errno=%d\n", total, writable,
	       fd < 0 ? errno : 0);
	return 0;
}

CASE(bind_mount_ro_covers_submounts, "sbx_bind_mount RO: the bind and every submount are ro")
{
	lt_require(tc, LT_NS_USER | LT_NS_MNT);
	lt_child("ro bind", ro_bind_child, NULL, &O);
	ATF_CHECK_MSG(atoi(LT_KV(O.out, "total")) > 1, "no submounts were bound");
	ATF_CHECK_STREQ(LT_KV(O.out, "writable_count"), "0");
	ATF_CHECK_STREQ(LT_KV(O.out, "create_errno"), "30"); /* EROFS */
}

static int
pivot_child(void *arg)
{
	(void)arg;
	struct sbx_error e;
	char buf[1 << 16];
	int r = private_mounts();
	if (r)
		return r;
	if ((r = sbx_mount_tmpfs("/tmp", 0, 0755, &e)) < 0)
		return print_err(r, &e), 1;
	if (mkdir("/tmp/marker", 0755) != 0)
		return 1;
	r = sbx_pivot_root("/tmp", false, &e);
	if (r < 0)
		return print_err(r, &e), 1;
	lt_read_file("/proc/self/mountinfo", buf, sizeof(buf));
	int lines = 0;
	for (char *c = buf; *c; c++)
		lines += *c == '\n';
	printf("rc=%d\nmountinfo_lines=%d\nmarker=%d\nold_work=%d\n", r, lines,
	       access("/marker", F_OK) == 0, access("/work", F_OK) == 0);
	return 0;
}

CASE(pivot_root_detaches_the_old_root, "sbx_pivot_root: one mount left, the old root is gone")
{
	lt_require(tc, LT_NS_USER | LT_NS_MNT);
	lt_child("pivot_root", pivot_child, NULL, &O);
	ATF_CHECK_STREQ(LT_KV(O.out, "rc"), "0");
	ATF_CHECK_STREQ(LT_KV(O.out, "marker"), "1");
	ATF_CHECK_STREQ(LT_KV(O.out, "old_work"), "0");
	/* /proc/self/mountinfo is empty once /proc itself went with the old root. */
	ATF_CHECK(atoi(LT_KV(O.out, "mountinfo_lines")) <= 1);
}

static int
setup_mounts_child(void *arg)
{
	(void)arg;
	struct sbx_config *cfg = new_config(SBX_NS_USER | SBX_NS_MOUNT | SBX_NS_PID);
	int r = enter(cfg);
	if (r)
		return r;
	sbx_config_proc(cfg, "/proc");
	sbx_config_tmpfs(cfg, "/tmp", 0, 01777);
	sbx_config_dir(cfg, "/made/here", 0700);
	sbx_config_symlink(cfg, "made", "/link");
	sbx_config_file(cfg, "/made/file", "hello", 0600);
	/* CLONE_NEWPID applies to the next child (pid_namespaces(7)): fork before /proc. */
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		struct sbx_error e;
		struct statfs s;
		char buf[64], link[64];
		r = sbx_setup_mounts(cfg, &e);
		if (r < 0)
			return print_err(r, &e), 1;
		int pids = 0;
		DIR *d = opendir("/proc");
		struct dirent *de;
		while (d && (de = readdir(d)))
			pids += atoi(de->d_name) > 0;
		ssize_t n = readlink("/link", link, sizeof(link) - 1);
		link[n > 0 ? n : 0] = '\0';
		lt_read_file("/made/file", buf, sizeof(buf));
		printf("pid=%d\nproc_pids=%d\n", (int)getpid(), pids);
		if (statfs("/tmp", &s) == 0)
			printf("tmp_magic=0x%lx\n", (unsigned long)s.f_type);
		printf("link=%s\nfile=%s\ndir=%d\n", link, buf, access("/made/here", F_OK) == 0);
		fflush(NULL);
		_exit(0);
	}
	int st;
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return 1;
	return lt_status_code(st);
}

CASE(setup_mounts_builds_the_root, "sbx_setup_mounts: own /proc, fresh /tmp, dir, symlink, file")
{
	lt_require(tc, LT_NS_USER | LT_NS_MNT | LT_NS_PID);
	lt_child("setup mounts", setup_mounts_child, NULL, &O);
	ATF_CHECK_STREQ(LT_KV(O.out, "pid"), "1");
	ATF_CHECK_STREQ(LT_KV(O.out, "proc_pids"), "1");
	ATF_CHECK_STREQ(LT_KV(O.out, "tmp_magic"), "0x1021994");
	ATF_CHECK_STREQ(LT_KV(O.out, "link"), "made");
	ATF_CHECK_STREQ(LT_KV(O.out, "file"), "hello");
	ATF_CHECK_STREQ(LT_KV(O.out, "dir"), "1");
}

/* ---- sbx_exec, sbx_spawn -------------------------------------------------------------- */

static char observe_path[2 * PATH_MAX];

static int
exec_child(void *arg)
{
	(void)arg;
	struct sbx_config *cfg = new_config(SBX_NS_USER);
	struct sbx_error e;
	int r = enter(cfg);
	if (r)
		return r;
	sbx_config_clearenv(cfg);
	sbx_config_setenv(cfg, "ONLY", "this");
	char *argv[] = {observe_path, NULL};
	r = sbx_exec(cfg, argv, &e);
	print_err(r, &e);
	return 1;
}

CASE(exec_drops_caps_sets_nnp_and_session, "sbx_exec: no caps, NoNewPrivs, a new session, env")
{
	lt_require(tc, LT_NS_USER);
	snprintf(observe_path, sizeof(observe_path), "%s/observe", lt_srcdir(tc));
	lt_child("exec", exec_child, NULL, &O);
	ATF_CHECK_STREQ(LT_KV(O.out, "CapEff"), "0000000000000000");
	ATF_CHECK_STREQ(LT_KV(O.out, "CapBnd"), "0000000000000000");
	ATF_CHECK_STREQ(LT_KV(O.out, "NoNewPrivs"), "1");
	ATF_CHECK_STREQ(LT_KV(O.out, "sid"), LT_KV(O.out, "pid"));
	ATF_CHECK_STREQ(LT_KV(O.out, "env.ONLY"), "this");
	ATF_CHECK(strstr(O.out, "env.PATH") == NULL);
}

static int
exec_missing_child(void *arg)
{
	(void)arg;
	struct sbx_config *cfg = new_config(0);
	struct sbx_error e;
	sbx_config_set_new_session(cfg, false);
	char *argv[] = {LT_UNCONST("no-such-command-sbx"), NULL};
	print_err(sbx_exec(cfg, argv, &e), &e);
	return 0;
}

CASE(exec_reports_a_missing_command, "sbx_exec: -ENOENT with step 'exec' and the name")
{
	lt_child("exec", exec_missing_child, NULL, &O);
	ATF_CHECK_STREQ(LT_KV(O.out, "rc"), "-2");
	ATF_CHECK_STREQ(LT_KV(O.out, "step"), "exec");
	ATF_CHECK_STREQ(LT_KV(O.out, "path"), "no-such-command-sbx");
}

static struct sbx_config *
spawn_config(void)
{
	struct sbx_config *cfg = sbx_config_new();
	char dir[2 * PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", observe_path);
	*strrchr(dir, '/') = '\0';
	sbx_config_proc(cfg, "/proc");
	sbx_config_tmpfs(cfg, "/tmp", 0, 01777);
	sbx_config_bind(cfg, dir, "/sbt", SBX_BIND_RO);
	return cfg;
}

static void
log_to_stderr(void *userdata, const char *line)
{
	(void)userdata;
	dprintf(2, "log: %s\n", line);
}

static int
spawn_child(void *arg)
{
	(void)arg;
	struct sbx_config *cfg = spawn_config();
	struct sbx_error e;
	sbx_config_set_log(cfg, log_to_stderr, NULL);
	char *argv[] = {LT_UNCONST("/sbt/observe"), NULL};
	int r = sbx_run(cfg, argv, &e);
	if (r < 0) {
		char buf[2048];
		dprintf(2, "%s", sbx_error_format(&e, buf, sizeof(buf)));
		return r == -EPERM || r == -ENOSPC ? LT_SKIP : 1;
	}
	printf("status=%d\n", r);
	return 0;
}

CASE(spawn_runs_the_command_under_an_init, "sbx_spawn: the command is pid 2, its parent pid 1")
{
	lt_require(tc, LT_NS_STRICT);
	snprintf(observe_path, sizeof(observe_path), "%s/observe", lt_srcdir(tc));
	lt_child("spawn", spawn_child, NULL, &O);
	ATF_CHECK_STREQ(LT_KV(O.out, "status"), "0");
	ATF_CHECK_STREQ(LT_KV(O.out, "pid"), "2");
	ATF_CHECK_STREQ(LT_KV(O.out, "ppid"), "1");
	ATF_CHECK_STREQ(LT_KV(O.out, "proc_pids"), "2");
}

static int
rlimit_child(void *arg)
{
	(void)arg;
	struct sbx_config *cfg = spawn_config();
	struct sbx_error e;
	sbx_config_set_rlimit(cfg, RLIMIT_NOFILE, 64, 128);
	char *argv[] = {LT_UNCONST("/sbt/observe"), NULL};
	int r = sbx_run(cfg, argv, &e);
	if (r == -EPERM || r == -ENOSPC)
		return LT_SKIP;
	return r == 0 ? 0 : 1;
}

CASE(rlimits_are_applied, "sbx_config_set_rlimit: the command sees the limits")
{
	lt_require(tc, LT_NS_STRICT);
	snprintf(observe_path, sizeof(observe_path), "%s/observe", lt_srcdir(tc));
	lt_child("rlimit", rlimit_child, NULL, &O);
	ATF_CHECK_STREQ(LT_KV(O.out, "rlimit_nofile"), "64/128");
}

CASE(log_callback_gets_one_line_per_step, "the log callback sees each step with its result")
{
	lt_require(tc, LT_NS_STRICT);
	snprintf(observe_path, sizeof(observe_path), "%s/observe", lt_srcdir(tc));
	lt_child("spawn", spawn_child, NULL, &O);
	ATF_CHECK(strstr(O.err, "log: write setgroups deny: ok\n") != NULL);
	ATF_CHECK(strstr(O.err, "log: make / private") != NULL);
	ATF_CHECK(strstr(O.err, "log: pivot_root /tmp: ok\n") != NULL);
	ATF_CHECK(strstr(O.err, "log: mount proc /proc: ok\n") != NULL);
}

static int
spawn_fail_child(void *arg)
{
	(void)arg;
	struct sbx_config *cfg = sbx_config_new();
	struct sbx_error e;
	struct sbx_proc p;
	sbx_config_bind(cfg, "/usr", "/usr", SBX_BIND_RO);
	sbx_config_bind(cfg, "/etc", "/usr/sbx-not-there", 0);
	char *argv[] = {LT_UNCONST("/bin/true"), NULL};
	int r = sbx_spawn(cfg, argv, &p, &e);
	if (r == -EPERM || r == -ENOSPC)
		return LT_SKIP;
	print_err(r, &e);
	printf("pid=%d\n", (int)p.pid);
	return 0;
}

CASE(spawn_reports_the_failing_step_and_path, "sbx_spawn: the child's error record arrives whole")
{
	lt_require(tc, LT_NS_STRICT);
	lt_child("spawn", spawn_fail_child, NULL, &O);
	ATF_CHECK_STREQ(LT_KV(O.out, "rc"), "-30"); /* EROFS */
	ATF_CHECK_STREQ(LT_KV(O.out, "step"), "bind");
	ATF_CHECK_STREQ(LT_KV(O.out, "path"), "/usr/sbx-not-there");
	ATF_CHECK_STREQ(LT_KV(O.out, "pid"), "-1");
}

/* A sandbox that runs /bin/sh: the host's system directories read-only, and a /dev (sh redirects
 * a background job's stdin to /dev/null). */
static struct sbx_config *
shell_config(void)
{
	struct sbx_config *cfg = sbx_config_new();
	sbx_config_add_host_system(cfg);
	sbx_config_dev(cfg, "/dev");
	return cfg;
}

static int
signal_child(void *arg)
{
	(void)arg;
	struct sbx_config *cfg = shell_config();
	struct sbx_error e;
	struct sbx_proc p;
	char dir[PATH_MAX], ready[PATH_MAX + 16];
	if (!getcwd(dir, sizeof(dir) - 8))
		return 1;
	strcat(dir, "/ready");
	if (mkdir(dir, 0777) != 0 && errno != EEXIST)
		return 1;
	snprintf(ready, sizeof(ready), "%s/ready", dir);
	sbx_config_bind(cfg, dir, "/r", 0);
	char *argv[] = {LT_UNCONST("/bin/sh"), LT_UNCONST("-c"),
			LT_UNCONST("trap 'exit 42' TERM; : > /r/ready; /bin/sleep 30 & wait"),
			NULL};
	int r = sbx_spawn(cfg, argv, &p, &e);
	if (r == -EPERM || r == -ENOSPC)
		return LT_SKIP;
	if (r < 0)
		return print_err(r, &e), 1;
	for (int i = 0; i < 1000 && access(ready, F_OK) != 0; i++)
		usleep(10000);
	/* Blocked by sbx_spawn until sbx_wait, which forwards it. */
	kill(getpid(), SIGTERM);
	printf("status=%d\n", sbx_wait(&p));
	return 0;
}

CASE(wait_forwards_sigterm, "sbx_wait forwards SIGTERM; the init exits with the status")
{
	lt_require(tc, LT_NS_STRICT);
	lt_child("signals", signal_child, NULL, &O);
	ATF_CHECK_STREQ_MSG(LT_KV(O.out, "status"), "42", "%s", lt_oneline(O.err));
}

/* The live (not zombie) children of the init, seen from the host. */
static int
live_children(pid_t init)
{
	pid_t kids[64];
	int n = 0, k = lt_children_of(init, kids, 64);
	for (int i = 0; i < k; i++)
		n += lt_alive(kids[i]);
	return n;
}

static int
linger_child(void *arg)
{
	(void)arg;
	struct sbx_config *cfg = shell_config();
	struct sbx_error e;
	struct sbx_proc p;
	/* The background sleep outlives its shell, so it is the init's child when the status is
	 * written. */
	char *argv[] = {LT_UNCONST("/bin/sh"), LT_UNCONST("-c"),
			LT_UNCONST("/bin/sleep 1000 & exit 7"), NULL};
	int r = sbx_spawn(cfg, argv, &p, &e);
	if (r == -EPERM || r == -ENOSPC)
		return LT_SKIP;
	if (r < 0)
		return print_err(r, &e), 1;
	struct pollfd st = {.fd = p.statusfd, .events = POLLIN};
	printf("status_written=%d\n", poll(&st, 1, 30000) == 1);
	/* Until the status is read the init stays (200 ms of watching: it must not exit), and
	 * the rest of the sandbox is killed meanwhile (30 s at most, a bound, not a timing). */
	struct pollfd pf = {.fd = p.pidfd, .events = POLLIN};
	printf("init_stayed=%d\n", p.pidfd >= 0 && poll(&pf, 1, 200) == 0);
	int left = live_children(p.pid);
	for (int i = 0; i < 3000 && left > 0; i++, left = live_children(p.pid))
		usleep(10000);
	printf("rest_left=%d\n", left);
	pid_t init = p.pid;
	int pidfd = dup(p.pidfd);
	printf("status=%d\n", sbx_wait_status(&p));
	pf.fd = pidfd;
	printf("init_exited=%d\n", poll(&pf, 1, 30000) == 1);
	waitpid(init, NULL, WNOHANG);
	return 0;
}

CASE(init_exits_once_the_status_is_read,
     "sbx_spawn's init: after the command, it kills the rest, then exits only once the status is "
     "read")
{
	lt_require(tc, LT_NS_STRICT);
	lt_child("linger", linger_child, NULL, &O);
	ATF_CHECK_STREQ_MSG(LT_KV(O.out, "status_written"), "1", "%s", lt_oneline(O.err));
	ATF_CHECK_STREQ(LT_KV(O.out, "init_stayed"), "1");
	ATF_CHECK_STREQ(LT_KV(O.out, "rest_left"), "0");
	ATF_CHECK_STREQ(LT_KV(O.out, "status"), "7");
	ATF_CHECK_STREQ(LT_KV(O.out, "init_exited"), "1");
}

/* ---- config and errors (pure: run in the test process) -------------------------------- */

CASE(config_rejects_bad_destinations, "relative, '..' and overlong destinations: -errno + record")
{
	static char longpath[PATH_MAX + 16];
	struct sbx_error e;
	struct sbx_config *cfg = sbx_config_new();
	ATF_REQUIRE(cfg);
	ATF_CHECK_EQ(sbx_config_bind(cfg, "/usr", "rel", 0), -EINVAL);
	ATF_CHECK_EQ(sbx_config_error(cfg, &e), -EINVAL);
	ATF_CHECK_STREQ(e.step, "bind");
	ATF_CHECK_STREQ(e.path, "rel");
	ATF_CHECK_EQ(sbx_config_tmpfs(cfg, "/a/../b", 0, 0755), -EINVAL);
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[0] = '/';
	ATF_CHECK_EQ(sbx_config_dir(cfg, longpath, 0755), -ENAMETOOLONG);
	/* The first error is the one kept. */
	ATF_CHECK_EQ(sbx_config_error(cfg, &e), -EINVAL);
	sbx_config_free(cfg);
}

CASE(config_rejects_unknown_names, "unknown capability, namespace and testing names: -EINVAL")
{
	struct sbx_config *cfg = sbx_config_new();
	ATF_CHECK_EQ(sbx_config_keep_cap(cfg, "CAP_NOPE"), -EINVAL);
	ATF_CHECK_EQ(sbx_config_keep_cap(cfg, "12"), -EINVAL);
	ATF_CHECK_EQ(sbx_ns_from_name("nope"), -EINVAL);
	ATF_CHECK_EQ(sbx_ns_from_name("net"), SBX_NS_NET);
	ATF_CHECK_EQ(sbx_testing_from_name("nope"), -EINVAL);
	ATF_CHECK_EQ(sbx_testing_from_name("close-fds"), SBX_TESTING_CLOSE_FDS);
	sbx_config_free(cfg);
	cfg = sbx_config_new();
	ATF_CHECK_EQ(sbx_config_keep_cap(cfg, "net_raw"), 0);
	ATF_CHECK_EQ(sbx_config_keep_cap(cfg, "CAP_SYS_ADMIN"), 0);
	sbx_config_free(cfg);
}

CASE(check_refuses_missing_sources, "sbx_check: a missing rootfs or bind source, nothing made")
{
	struct sbx_error e;
	struct sbx_config *cfg = sbx_config_new();
	sbx_config_set_rootfs(cfg, "/nonexistent-sbx");
	ATF_CHECK_EQ(sbx_check(cfg, &e), -ENOENT);
	ATF_CHECK_STREQ(e.step, "rootfs");
	ATF_CHECK_STREQ(e.path, "/nonexistent-sbx");
	sbx_config_set_rootfs(cfg, NULL);
	sbx_config_bind(cfg, "/nonexistent-sbx", "/x", SBX_BIND_RO);
	ATF_CHECK_EQ(sbx_check(cfg, &e), -ENOENT);
	ATF_CHECK_STREQ(e.step, "ro-bind");
	sbx_config_free(cfg);
	cfg = sbx_config_new();
	sbx_config_bind(cfg, "/nonexistent-sbx", "/x", SBX_BIND_TRY);
	ATF_CHECK_EQ(sbx_check(cfg, &e), 0);
	sbx_config_free(cfg);
}

CASE(error_format_is_one_line, "sbx_error_format: STEP 'PATH': strerror (cause)")
{
	struct sbx_error e = {.err = ENOENT};
	char buf[256];
	snprintf(e.step, sizeof(e.step), "bind");
	snprintf(e.path, sizeof(e.path), "/x");
	snprintf(e.message, sizeof(e.message), "the bind source does not exist");
	ATF_CHECK_STREQ(sbx_error_format(&e, buf, sizeof(buf)),
			"bind '/x': No such file or directory (the bind source does not exist)");
	e.path[0] = e.message[0] = '\0';
	ATF_CHECK_STREQ(sbx_error_format(&e, buf, sizeof(buf)), "bind: No such file or directory");
	ATF_CHECK(sizeof(struct sbx_error) < PIPE_BUF);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, enter_namespaces_maps_caller_to_root);
	ATF_TP_ADD_TC(tp, enter_namespaces_denies_setgroups);
	ATF_TP_ADD_TC(tp, enter_namespaces_creates_only_those_asked);
	ATF_TP_ADD_TC(tp, enter_namespaces_names_the_sysctl);
	ATF_TP_ADD_TC(tp, enter_namespaces_explains_einval);
	ATF_TP_ADD_TC(tp, mount_tmpfs_gives_tmpfs_of_size_and_mode);
	ATF_TP_ADD_TC(tp, bind_mount_ro_covers_submounts);
	ATF_TP_ADD_TC(tp, pivot_root_detaches_the_old_root);
	ATF_TP_ADD_TC(tp, setup_mounts_builds_the_root);
	ATF_TP_ADD_TC(tp, exec_drops_caps_sets_nnp_and_session);
	ATF_TP_ADD_TC(tp, exec_reports_a_missing_command);
	ATF_TP_ADD_TC(tp, spawn_runs_the_command_under_an_init);
	ATF_TP_ADD_TC(tp, rlimits_are_applied);
	ATF_TP_ADD_TC(tp, log_callback_gets_one_line_per_step);
	ATF_TP_ADD_TC(tp, spawn_reports_the_failing_step_and_path);
	ATF_TP_ADD_TC(tp, wait_forwards_sigterm);
	ATF_TP_ADD_TC(tp, init_exits_once_the_status_is_read);
	ATF_TP_ADD_TC(tp, config_rejects_bad_destinations);
	ATF_TP_ADD_TC(tp, config_rejects_unknown_names);
	ATF_TP_ADD_TC(tp, check_refuses_missing_sources);
	ATF_TP_ADD_TC(tp, error_format_is_one_line);
	return atf_no_error();
}
