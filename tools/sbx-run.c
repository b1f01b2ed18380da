/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sbx-run: run a command in the reference sandbox (libsbx).  The command line is turned into a
 * struct sbx_config (the strict profile first, then the options in order), checked as a whole,
 * and only then is anything created.  See sbx-run(1).
 */
#include "sbx.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EXIT_SETUP 125

/* For --version.  The Makefile names musl (which defines no macro of its own). */
#define STR_(x) #x
#define STR(x) STR_(x)
#ifndef SBX_LIBC_NAME
#ifdef __GLIBC__
#define SBX_LIBC_NAME "glibc " STR(__GLIBC__) "." STR(__GLIBC_MINOR__)
#else
#define SBX_LIBC_NAME "an unknown libc"
#endif
#endif

static const char usage_text[] =
    "usage: sbx-run [OPTIONS] [--] COMMAND [ARG...]\n"
    "\n"
    "Without options: the strict profile.  New user, mount, pid, uts, ipc, net and cgroup\n"
    "namespaces; a fresh tmpfs root with read-only binds of /usr /bin /sbin /etc /lib*;\n"
    "/proc, a minimal /dev and a fresh /tmp; no /sys; no capabilities; no_new_privs; a new\n"
    "session and session keyring; no nested user namespaces; the sandbox dies with sbx-run;\n"
    "environment cleared but PATH (its absolute entries), TERM, HOME=/.\n"
    "\n"
    "Options (mount options apply in order, after the profile's own mounts):\n"
    "  --rootfs DIR              use DIR as the root instead of a tmpfs with host binds\n"
    "  --bind SRC DST            bind SRC on DST, read-write\n"
    "  --ro-bind SRC DST         bind SRC on DST, read-only with every submount\n"
    "  --dev-bind SRC DST        bind SRC on DST, device nodes usable\n"
    "  --tmpfs DST[:SIZE]        a fresh tmpfs on DST (SIZE in bytes, or with k, m, g)\n"
    "  --dir DST                 create directory DST\n"
    "  --symlink TARGET DST      create symlink DST pointing to TARGET\n"
    "  --mqueue DST              mount a POSIX message queue filesystem on DST\n"
    "  --sys                     mount a read-only /sys\n"
    "  --share NS                keep the caller's namespace NS (user mount pid uts ipc net\n"
    "                            cgroup); also --share-net --share-ipc --share-uts\n"
    "                            --share-cgroup --share-pid --share-user\n"
    "  --unshare-time            also create a time namespace\n"
    "  --allow-nested-userns     let the command create user namespaces (default: refused)\n"
    "  --hostname NAME           hostname inside (needs the uts namespace)\n"
    "  --uid ID, --gid ID        ids inside (default 0); the caller's ids map to them\n"
    "  --cap-keep CAP            keep capability CAP (e.g. CAP_NET_RAW); repeatable\n"
    "  --setenv VAR VALUE        set VAR in the environment\n"
    "  --unsetenv VAR            remove VAR from the environment\n"
    "  --keep-env VAR            keep the caller's VAR\n"
    "  --chdir DIR               working directory inside (default /)\n"
    "  -v, --verbose             log every setup step to stderr\n"
    "  --help, --version\n"
    "\n"
    "TESTING ONLY (a deliberately broken sandbox, the suite's negative control):\n"
    "  --testing-disable=FEATURE[,FEATURE...]  switch one protection off; FEATURE is one of\n"
    "      userns mntns pidns utsns ipcns netns cgroupns setgroups-deny tmp proc dev\n"
    "      pivot-root caps nnp new-session clearenv close-fds die-with-parent keyring\n"
    "      nested-userns\n"
    "\n"
    "Exit status: the command's; 125 when the sandbox could not be set up; 126 when the\n"
    "command cannot run, 127 when it is not found.\n";

__attribute__((noreturn, format(printf, 1, 2))) static void
die(const char *fmt, ...)
{
	char buf[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	dprintf(STDERR_FILENO, "sbx-run: %s\n", buf);
	exit(EXIT_SETUP);
}

static void
die_on_config(const struct sbx_config *cfg)
{
	struct sbx_error e;
	char buf[2048];
	if (sbx_config_error(cfg, &e) < 0)
		die("%s", sbx_error_format(&e, buf, sizeof(buf)));
}

static void
log_line(void *userdata, const char *line)
{
	(void)userdata;
	dprintf(STDERR_FILENO, "sbx-run: %s\n", line);
}

static unsigned
parse_id(const char *what, const char *s)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (!s[0] || *end || errno || s[0] == '-' || v >= 0xffffffffUL)
		die("%s '%s': Invalid argument (not an id from 0 to 4294967294)", what, s);
	return (unsigned)v;
}

static uint64_t
parse_size(const char *s)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	unsigned shift = 0;
	if (*end == 'k' || *end == 'K')
		shift = 10;
	else if (*end == 'm' || *end == 'M')
		shift = 20;
	else if (*end == 'g' || *end == 'G')
		shift = 30;
	if (shift)
		end++;
	if (!s[0] || s[0] == '-' || *end || errno || v == 0 || v > (~0ULL >> shift))
		die("tmpfs size '%s': Invalid argument (a size in bytes, or with k, m, g)", s);
	return (uint64_t)v << shift;
}

static void
add_testing(struct sbx_config *cfg, unsigned *mask, const char *list)
{
	char buf[512];
	if (strlen(list) >= sizeof(buf))
		die("testing-disable '%.64s...': Invalid argument (list too long)", list);
	snprintf(buf, sizeof(buf), "%s", list);
	char *save = NULL;
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int bit = sbx_testing_from_name(t);
		if (bit < 0)
			die("testing-disable '%s': Invalid argument (unknown feature; one of %s)",
			    t, sbx_testing_names());
		*mask |= (unsigned)bit;
	}
	sbx_config_set_testing(cfg, *mask);
}

/* "--name value" or "--name=value". */
static const char *
arg1(int argc, char **argv, int *i, const char *name)
{
	const char *a = argv[*i];
	size_t len = strlen(name);
	if (a[len] == '=')
		return a + len + 1;
	if (*i + 1 >= argc)
		die("option '%s' needs an argument (see --help)", name);
	return argv[++*i];
}

static bool
is(const char *a, const char *name)
{
	size_t len = strlen(name);
	return strncmp(a, name, len) == 0 && (a[len] == '\0' || a[len] == '=');
}

/*
 * The caller's PATH, with only its absolute entries: an empty or relative entry ("." or
 * "bin") would make programs inside run files from whatever directory they are in.  The
 * default when nothing is left.
 */
static const char *
sanitized_path(const char *path, char *buf, size_t size)
{
	size_t n = 0;
	buf[0] = '\0';
	for (const char *p = path ? path : ""; *p;) {
		size_t len = strcspn(p, ":");
		if (p[0] == '/' && n + len + 2 <= size) {
			if (n > 0)
				buf[n++] = ':';
			memcpy(buf + n, p, len);
			n += len;
			buf[n] = '\0';
		}
		p += len;
		p += (*p == ':');
	}
	return n > 0 ? buf : "/usr/local/bin:/usr/bin:/bin";
}

int
main(int argc, char **argv)
{
	struct sbx_config *cfg = sbx_config_new();
	if (!cfg)
		die("config: Cannot allocate memory");

	/* Pass 1 finds the options that change the profile itself. */
	const char *rootfs = NULL;
	bool sys = false, verbose = false;
	unsigned ns = SBX_NS_ALL, testing = 0;
	int cmd = argc;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			cmd = i + 1;
			break;
		}
		if (a[0] != '-') {
			cmd = i;
			break;
		}
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			fputs(usage_text, stdout);
			return 0;
		} else if (strcmp(a, "--version") == 0) {
			printf("sbx-run %s\nbuilt with %s\n", SBX_VERSION, SBX_LIBC_NAME);
			return 0;
		} else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
			verbose = true;
		} else if (is(a, "--rootfs")) {
			rootfs = arg1(argc, argv, &i, "--rootfs");
		} else if (strcmp(a, "--sys") == 0) {
			sys = true;
		} else if (is(a, "--share")) {
			const char *name = arg1(argc, argv, &i, "--share");
			int bit = sbx_ns_from_name(name);
			if (bit < 0 || bit == SBX_NS_TIME)
				die("share '%s': Invalid argument (unknown namespace; one of user "
				    "mount pid uts ipc net cgroup)",
				    name);
			ns &= ~(unsigned)bit;
		} else if (strncmp(a, "--share-", 8) == 0) {
			int bit = sbx_ns_from_name(a + 8);
			if (bit < 0 || bit == SBX_NS_TIME)
				die("unknown option '%s' (see --help)", a);
			ns &= ~(unsigned)bit;
		} else if (strcmp(a, "--unshare-time") == 0) {
			ns |= SBX_NS_TIME;
		} else if (strcmp(a, "--allow-nested-userns") == 0) {
			sbx_config_allow_nested_userns(cfg, true);
		} else if (is(a, "--testing-disable")) {
			add_testing(cfg, &testing, arg1(argc, argv, &i, "--testing-disable"));
		} else if (is(a, "--bind") || is(a, "--ro-bind") || is(a, "--dev-bind") ||
			   is(a, "--symlink") || is(a, "--setenv")) {
			if (i + 2 >= argc)
				die("option '%s' needs two arguments (see --help)", a);
			i += 2;
		} else if (is(a, "--tmpfs") || is(a, "--dir") || is(a, "--mqueue") ||
			   is(a, "--hostname") || is(a, "--uid") || is(a, "--gid") ||
			   is(a, "--cap-keep") || is(a, "--unsetenv") || is(a, "--keep-env") ||
			   is(a, "--chdir")) {
			if (!strchr(a, '=') && ++i >= argc)
				die("option '%s' needs an argument (see --help)", a);
		} else {
			die("unknown option '%s' (see --help)", a);
		}
	}
	if (cmd >= argc)
		die("no command given (see --help)");

	sbx_config_set_namespaces(cfg, ns);
	if (verbose)
		sbx_config_set_log(cfg, log_line, NULL);
	/* Sharing the caller's mount namespace (or, for testing, not having one) means no new
	 * root and no mounts at all: anything mounted would land on the host. */
	bool mounts = (ns & SBX_NS_MOUNT) && !(testing & SBX_TESTING_MNTNS);
	if (rootfs && !mounts)
		die("rootfs '%s': Invalid argument (a new root needs the mount namespace)", rootfs);
	if (rootfs)
		sbx_config_set_rootfs(cfg, rootfs);
	else if (mounts)
		sbx_config_add_host_system(cfg);
	if (mounts) {
		sbx_config_add_standard_mounts(cfg);
		if (sys)
			sbx_config_sysfs(cfg, "/sys");
	}
	sbx_config_clearenv(cfg);
	sbx_config_keepenv(cfg, "TERM");
	char path[4096];
	sbx_config_setenv(cfg, "PATH", sanitized_path(getenv("PATH"), path, sizeof(path)));
	sbx_config_setenv(cfg, "HOME", "/");

	/* Pass 2: the options that add steps, in order, after the profile's. */
	for (int i = 1; i < cmd; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0)
			break;
		if (is(a, "--bind") || is(a, "--ro-bind") || is(a, "--dev-bind")) {
			unsigned fl = is(a, "--ro-bind")    ? SBX_BIND_RO
				      : is(a, "--dev-bind") ? SBX_BIND_DEV
							    : 0;
			sbx_config_bind(cfg, argv[i + 1], argv[i + 2], fl);
			i += 2;
		} else if (is(a, "--symlink")) {
			sbx_config_symlink(cfg, argv[i + 1], argv[i + 2]);
			i += 2;
		} else if (is(a, "--setenv")) {
			sbx_config_setenv(cfg, argv[i + 1], argv[i + 2]);
			i += 2;
		} else if (is(a, "--tmpfs")) {
			const char *v = arg1(argc, argv, &i, "--tmpfs");
			char dst[PATH_MAX + 1];
			uint64_t size = 0;
			const char *colon = strrchr(v, ':');
			if (colon) {
				size = parse_size(colon + 1);
				snprintf(dst, sizeof(dst), "%.*s", (int)(colon - v), v);
			} else {
				snprintf(dst, sizeof(dst), "%s", v);
			}
			sbx_config_tmpfs(cfg, strlen(v) > PATH_MAX ? v : dst, size, 0755);
		} else if (is(a, "--dir")) {
			sbx_config_dir(cfg, arg1(argc, argv, &i, "--dir"), 0755);
		} else if (is(a, "--mqueue")) {
			sbx_config_mqueue(cfg, arg1(argc, argv, &i, "--mqueue"));
		} else if (is(a, "--hostname")) {
			sbx_config_set_hostname(cfg, arg1(argc, argv, &i, "--hostname"));
		} else if (is(a, "--uid")) {
			sbx_config_set_uid(cfg, parse_id("uid", arg1(argc, argv, &i, "--uid")));
		} else if (is(a, "--gid")) {
			sbx_config_set_gid(cfg, parse_id("gid", arg1(argc, argv, &i, "--gid")));
		} else if (is(a, "--cap-keep")) {
			sbx_config_keep_cap(cfg, arg1(argc, argv, &i, "--cap-keep"));
		} else if (is(a, "--unsetenv")) {
			sbx_config_unsetenv(cfg, arg1(argc, argv, &i, "--unsetenv"));
		} else if (is(a, "--keep-env")) {
			sbx_config_keepenv(cfg, arg1(argc, argv, &i, "--keep-env"));
		} else if (is(a, "--chdir")) {
			sbx_config_set_cwd(cfg, arg1(argc, argv, &i, "--chdir"));
		} else if (is(a, "--rootfs") || is(a, "--share") || is(a, "--testing-disable")) {
			if (!strchr(a, '='))
				i++;
		}
	}
	die_on_config(cfg);

	struct sbx_proc proc;
	struct sbx_error err;
	char buf[2048];
	int r = sbx_spawn(cfg, argv + cmd, &proc, &err);
	if (r < 0) {
		dprintf(STDERR_FILENO, "sbx-run: %s\n", sbx_error_format(&err, buf, sizeof(buf)));
		if (proc.pid > 0) {
			int st = sbx_wait_status(&proc);
			sbx_config_free(cfg);
			return st;
		}
		sbx_config_free(cfg);
		return EXIT_SETUP;
	}
	int st = sbx_wait_status(&proc);
	sbx_config_free(cfg);
	return st;
}
