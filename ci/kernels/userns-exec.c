/* userns-exec: run a command in a new user namespace whose per-namespace sysctls (the
 * user.max_*_namespaces limits) are set first, so a restriction applies to that command only and
 * never to the host.  Used by ci/kernels.sh for the running kernel's variants (docs/KERNELS.md).
 *
 *   userns-exec [-s user.KEY=VALUE]... [-u UID -g GID] -- COMMAND [ARG...]
 *
 * Must run as root: the parent, still in the initial namespace, writes an identity map of every
 * id into the child's namespace, so root stays uid 0 (with capabilities in the new namespace only)
 * and an unprivileged user keeps its own uid.  The child writes the sysctls while it holds
 * CAP_SYS_RESOURCE in its namespace, then drops to UID/GID when asked, then execs COMMAND.
 * Exit status: COMMAND's, or 125 when the setup fails.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_SYSCTLS 16

static volatile pid_t child;

/* A timeout or ^C sent to this process goes on to the command. */
static void
forward(int sig)
{
	if (child > 0)
		kill(child, sig);
}

static __attribute__((noreturn)) void
fail(const char *what)
{
	fprintf(stderr, "userns-exec: %s: %s\n", what, strerror(errno));
	_exit(125);
}

static int
write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, text, strlen(text));
	int saved = errno;
	close(fd);
	errno = saved;
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* "user.max_user_namespaces=0" -> /proc/sys/user/max_user_namespaces gets "0\n" */
static void
apply_sysctl(const char *setting)
{
	char key[256], path[300], value[64];
	const char *eq = strchr(setting, '=');
	if (!eq || (size_t)(eq - setting) >= sizeof key || strlen(eq + 1) + 2 > sizeof value) {
		errno = EINVAL;
		fail(setting);
	}
	memcpy(key, setting, (size_t)(eq - setting));
	key[eq - setting] = '\0';
	for (char *p = key; *p; p++)
		if (*p == '.')
			*p = '/';
	snprintf(path, sizeof path, "/proc/sys/%s", key);
	snprintf(value, sizeof value, "%s\n", eq + 1);
	if (write_file(path, value) != 0)
		fail(path);
}

int
main(int argc, char **argv)
{
	const char *sysctls[MAX_SYSCTLS];
	int nsysctls = 0, opt;
	long uid = -1, gid = -1;

	while ((opt = getopt(argc, argv, "+s:u:g:")) != -1) {
		switch (opt) {
		case 's':
			if (nsysctls == MAX_SYSCTLS) {
				fprintf(stderr, "userns-exec: too many -s\n");
				return 125;
			}
			sysctls[nsysctls++] = optarg;
			break;
		case 'u':
			uid = strtol(optarg, NULL, 10);
			break;
		case 'g':
			gid = strtol(optarg, NULL, 10);
			break;
		default:
			fprintf(stderr, "usage: userns-exec [-s KEY=VALUE]... [-u UID -g GID] -- "
					"COMMAND [ARG...]\n");
			return 125;
		}
	}
	if (optind >= argc || (uid < 0) != (gid < 0)) {
		fprintf(stderr, "userns-exec: need a command (and -u with -g)\n");
		return 125;
	}

	int ready[2], go[2];
	if (pipe2(ready, O_CLOEXEC) != 0 || pipe2(go, O_CLOEXEC) != 0)
		fail("pipe2");
	pid_t pid = fork();
	if (pid < 0)
		fail("fork");
	if (pid == 0) {
		char c = 0;
		close(ready[0]);
		close(go[1]);
		if (unshare(CLONE_NEWUSER) != 0)
			fail("unshare(CLONE_NEWUSER)");
		if (write(ready[1], &c, 1) != 1)
			fail("write");
		if (read(go[0], &c, 1) != 1 || c != 'y')
			_exit(125); /* the parent could not write the maps; it said why */
		for (int i = 0; i < nsysctls; i++)
			apply_sysctl(sysctls[i]);
		if (uid >= 0) {
			gid_t g = (gid_t)gid;
			if (setgroups(1, &g) != 0 || setresgid(g, g, g) != 0)
				fail("setgid");
			if (setresuid((uid_t)uid, (uid_t)uid, (uid_t)uid) != 0)
				fail("setuid");
		}
		execvp(argv[optind], argv + optind);
		fail(argv[optind]);
	}

	char c, path[64];
	const char *map = "0 0 4294967295\n";
	close(ready[1]);
	close(go[0]);
	if (read(ready[0], &c, 1) != 1) {
		waitpid(pid, NULL, 0);
		return 125;
	}
	snprintf(path, sizeof path, "/proc/%d/uid_map", (int)pid);
	int ok = write_file(path, map) == 0;
	if (!ok)
		perror("userns-exec: uid_map");
	snprintf(path, sizeof path, "/proc/%d/gid_map", (int)pid);
	if (ok && write_file(path, map) != 0) {
		perror("userns-exec: gid_map");
		ok = 0;
	}
	c = ok ? 'y' : 'n';
	if (write(go[1], &c, 1) != 1)
		ok = 0;
	close(go[1]);
	child = pid;
	struct sigaction sa = {.sa_handler = forward};
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			fail("waitpid");
	if (!ok)
		return 125;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}
