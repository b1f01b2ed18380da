/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Lifecycle: the probe's exit status, orphans and processes meant to outlive the sandbox.  The
 * harness judges from outside what comes back through the adapter and what is left on the host.
 */
#include "probe.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int exit_code;

static void
exit_with_code(void)
{
	_exit(exit_code);
}

/* Exit with status N once everything else is done (after `end` and `hold`). */
int
sp_verb_exit_at_end(const struct sp_verb_call *v)
{
	char *endp;
	long n = strtol(v->arg, &endp, 10);
	if (*v->arg == '\0' || *endp != '\0' || n < 0 || n > 255)
		return sp_cannot(v, "exit status '%s' is not 0..255", v->arg);
	exit_code = (int)n;
	if (atexit(exit_with_code) != 0)
		return sp_cannot(v, "atexit failed");
	sp_kv(v, "result", "set");
	return SP_OBSERVED;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/*
 * State letter and parent of PID from /proc/PID/stat; 0 when it does not exist.  Without a
 * procfs, kill(PID, 0) tells only whether it exists: '?' (a zombie counts as existing).
 */
static char
proc_state(pid_t pid, int *ppid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "re");
	if (f == NULL && access("/proc/self/stat", R_OK) != 0)
		return kill(pid, 0) == 0 || errno == EPERM ? '?' : 0;
	if (f == NULL)
		return 0;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	char *p = strrchr(buf, ')'), state = 0;
	if (p == NULL || sscanf(p, ") %c %d", &state, ppid) != 2)
		return '?';
	return state;
}

/*
 * Make an orphan: a child forks a grandchild and exits at once; the grandchild exits 200 ms
 * later.  Whoever adopted it (pid 1 of a pid namespace, a subreaper) must collect it: `reaped=1`
 * when it is gone from /proc within 3 s, else `state` is what it still shows (Z: a zombie).
 */
int
sp_verb_orphan(const struct sp_verb_call *v)
{
	int p[2];
	if (pipe(p) != 0)
		return sp_cannot(v, "pipe: %s", sp_errname(errno));
	pid_t child = fork();
	if (child < 0)
		return sp_cannot(v, "fork: %s", sp_errname(errno));
	if (child == 0) {
		close(p[0]);
		pid_t g = fork();
		if (g == 0) {
			close(p[1]);
			sleep_ms(200);
			_exit(0);
		}
		if (write(p[1], &g, sizeof g) != (ssize_t)sizeof g)
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	pid_t g = -1;
	ssize_t n = read(p[0], &g, sizeof g);
	close(p[0]);
	waitpid(child, NULL, 0);
	if (n != (ssize_t)sizeof g || g <= 0)
		return sp_cannot(v, "the child could not fork the orphan");
	int ppid = 0, adopter = 0;
	char state = proc_state(g, &adopter);
	for (int waited = 0; waited < 3000 && state != 0; waited += 20) {
		sleep_ms(20);
		state = proc_state(g, &ppid);
	}
	sp_kv(v, "pid", "%d", (int)g);
	sp_kv(v, "adopter", "%s%d", adopter == getpid() ? "self:" : "", adopter);
	sp_kv(v, "reaped", "%d", state == 0);
	sp_kv(v, "state", "%c", state ? state : '-');
	return SP_OBSERVED;
}

/*
 * Start a process meant to outlive the sandbox: a grandchild in a session of its own, with no
 * standard descriptors, sleeping 15 s.  It keeps the probe's argv (with the nonce), so the harness
 * finds it if it is still there after the adapter exits.
 */
int
sp_verb_leave_process(const struct sp_verb_call *v)
{
	pid_t child = fork();
	if (child < 0)
		return sp_cannot(v, "fork: %s", sp_errname(errno));
	if (child == 0) {
		setsid();
		if (fork() == 0) {
			close(STDIN_FILENO);
			close(STDOUT_FILENO);
			close(STDERR_FILENO);
			sleep_ms(15000);
			_exit(0);
		}
		_exit(0);
	}
	int st;
	if (waitpid(child, &st, 0) != child || !WIFEXITED(st))
		return sp_cannot(v, "child did not exit");
	sp_kv(v, "result", "started");
	return SP_OBSERVED;
}
