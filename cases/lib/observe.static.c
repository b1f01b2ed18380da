/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * observe: what the kernel shows this process, as key=value lines, for libsbx's tests.
 * Static and single-threaded, so it runs in any root.  Exit 0 when it observed.
 *
 *   observe [--write PATH]...   also try to create PATH: writable.PATH=1|0 (errno name)
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void
print_file_line(const char *key, const char *path)
{
	char buf[4096];
	FILE *f = fopen(path, "re");
	if (!f) {
		printf("%s=<%s>\n", key, strerror(errno));
		return;
	}
	if (fgets(buf, sizeof(buf), f)) {
		buf[strcspn(buf, "\n")] = '\0';
		/* normalise the columns of uid_map: "0 1000 1" */
		char out[4096];
		size_t n = 0;
		int space = 0;
		for (char *c = buf; *c && n + 1 < sizeof(out); c++) {
			if (*c == ' ' || *c == '\t') {
				space = n > 0;
				continue;
			}
			if (space)
				out[n++] = ' ';
			space = 0;
			out[n++] = *c;
		}
		out[n] = '\0';
		printf("%s=%s\n", key, out);
	} else {
		printf("%s=\n", key);
	}
	fclose(f);
}

static void
print_magic(const char *key, const char *path)
{
	struct statfs s;
	if (statfs(path, &s) < 0)
		printf("%s=<%s>\n", key, strerror(errno));
	else
		printf("%s=0x%lx\n", key, (unsigned long)s.f_type);
}

static void
status_fields(void)
{
	char line[512];
	FILE *f = fopen("/proc/self/status", "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		static const char *const keys[] = {"CapInh", "CapPrm", "CapEff",
						   "CapBnd", "CapAmb", "NoNewPrivs"};
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			size_t k = strlen(keys[i]);
			if (strncmp(line, keys[i], k) == 0 && line[k] == ':') {
				char *v = line + k + 1;
				v += strspn(v, " \t");
				v[strcspn(v, "\n")] = '\0';
				printf("%s=%s\n", keys[i], v);
			}
		}
	}
	fclose(f);
}

static void
proc_pids(void)
{
	DIR *d = opendir("/proc");
	int count = 0, max = 0;
	if (!d) {
		printf("proc_pids=<%s>\n", strerror(errno));
		return;
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		int p = atoi(de->d_name);
		if (p > 0) {
			count++;
			if (p > max)
				max = p;
		}
	}
	closedir(d);
	printf("proc_pids=%d\nproc_maxpid=%d\n", count, max);
}

static void
list_dir(const char *key, const char *path)
{
	DIR *d = opendir(path);
	if (!d) {
		printf("%s=<%s>\n", key, strerror(errno));
		return;
	}
	char names[4096] = "";
	const char *sorted[256];
	size_t n = 0;
	struct dirent *de;
	char store[256][NAME_MAX + 1];
	while ((de = readdir(d)) && n < 256) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(store[n], sizeof(store[n]), "%s", de->d_name);
		sorted[n] = store[n];
		n++;
	}
	closedir(d);
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strcmp(sorted[j - 1], sorted[j]) > 0; j--) {
			const char *t = sorted[j];
			sorted[j] = sorted[j - 1];
			sorted[j - 1] = t;
		}
	for (size_t i = 0; i < n; i++) {
		strncat(names, sorted[i], sizeof(names) - strlen(names) - 2);
		if (i + 1 < n)
			strncat(names, ",", sizeof(names) - strlen(names) - 1);
	}
	printf("%s=%s\n", key, names);
}

static void
fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	if (!d) {
		printf("fds=<%s>\n", strerror(errno));
		return;
	}
	int self = dirfd(d);
	struct dirent *de;
	printf("fds=");
	int first = 1;
	while ((de = readdir(d))) {
		int fd = atoi(de->d_name);
		if (de->d_name[0] == '.' || fd < 3 || fd == self)
			continue;
		printf("%s%d", first ? "" : ",", fd);
		first = 0;
	}
	printf("\n");
	closedir(d);
}

static void
mounts(void)
{
	char line[4096];
	FILE *f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return;
	int n = 0;
	while (fgets(line, sizeof(line), f)) {
		char mp[PATH_MAX], opts[512], fstype[64];
		/* id parent major:minor root mountpoint options [optional...] - fstype ... */
		if (sscanf(line, "%*d %*d %*s %*s %4095s %511s", mp, opts) != 2)
			continue;
		char *dash = strstr(line, " - ");
		if (!dash || sscanf(dash + 3, "%63s", fstype) != 1)
			continue;
		printf("mount=%s %s %s\n", mp, opts, fstype);
		n++;
	}
	fclose(f);
	printf("mounts=%d\n", n);
}

static void
ns_links(void)
{
	static const char *const ns[] = {"user", "mnt", "pid",    "uts",
					 "ipc",  "net", "cgroup", "time"};
	for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		char path[64], target[128];
		snprintf(path, sizeof(path), "/proc/self/ns/%s", ns[i]);
		ssize_t n = readlink(path, target, sizeof(target) - 1);
		if (n < 0) {
			printf("ns.%s=<%s>\n", ns[i], strerror(errno));
			continue;
		}
		target[n] = '\0';
		printf("ns.%s=%s\n", ns[i], target);
	}
}

static void
netdevs(void)
{
	char line[512];
	FILE *f = fopen("/proc/net/dev", "re");
	if (!f) {
		printf("netdevs=<%s>\n", strerror(errno));
		return;
	}
	printf("netdevs=");
	int n = 0;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');
		if (!colon)
			continue;
		*colon = '\0';
		char *name = line + strspn(line, " ");
		printf("%s%s", n++ ? "," : "", name);
	}
	printf("\n");
	fclose(f);
}

int
main(int argc, char **argv)
{
	char buf[PATH_MAX];
	struct utsname u;
	printf("uid=%u\ngid=%u\neuid=%u\n", (unsigned)getuid(), (unsigned)getgid(),
	       (unsigned)geteuid());
	printf("pid=%d\nppid=%d\nsid=%d\npgid=%d\n", (int)getpid(), (int)getppid(), (int)getsid(0),
	       (int)getpgid(0));
	print_file_line("uid_map", "/proc/self/uid_map");
	print_file_line("gid_map", "/proc/self/gid_map");
	print_file_line("setgroups", "/proc/self/setgroups");
	print_magic("root_magic", "/");
	print_magic("tmp_magic", "/tmp");
	print_magic("proc_magic", "/proc");
	status_fields();
	printf("nnp_prctl=%d\n", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	printf("session_keyring=%ld\n",
	       syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0));
	/* In a child, so this process stays where it is. */
	pid_t child = fork();
	if (child == 0)
		_exit(unshare(CLONE_NEWUSER) == 0 ? 0 : errno);
	int wst = 0;
	if (child > 0 && waitpid(child, &wst, 0) == child && WIFEXITED(wst))
		printf("nested_userns=%s\n", WEXITSTATUS(wst) ? strerror(WEXITSTATUS(wst)) : "ok");
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0)
		printf("rlimit_nofile=%llu/%llu\n", (unsigned long long)rl.rlim_cur,
		       (unsigned long long)rl.rlim_max);
	if (uname(&u) == 0)
		printf("hostname=%s\n", u.nodename);
	if (getcwd(buf, sizeof(buf)))
		printf("cwd=%s\n", buf);
	proc_pids();
	fds();
	ns_links();
	netdevs();
	list_dir("root_entries", "/");
	list_dir("dev_entries", "/dev");
	for (char **e = environ; *e; e++)
		printf("env.%s\n", *e);
	for (int i = 1; i + 1 < argc; i++) {
		if (strcmp(argv[i], "--write") != 0)
			continue;
		const char *p = argv[++i];
		int fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		printf("writable.%s=%d%s%s\n", p, fd >= 0, fd >= 0 ? "" : " ",
		       fd >= 0 ? "" : strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	struct stat st;
	if (lstat("/bin", &st) == 0 && S_ISLNK(st.st_mode)) {
		ssize_t n = readlink("/bin", buf, sizeof(buf) - 1);
		if (n >= 0) {
			buf[n] = '\0';
			printf("bin_link=%s\n", buf);
		}
	}
	mounts();
	return fflush(stdout) == 0 ? 0 : 1;
}
