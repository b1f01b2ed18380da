/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Running an adapter under guard: a forked child in its own process group, pipes for its standard
 * streams, a deadline, an output cap, and afterwards no process left behind.  Used for both
 * `describe` and `run`.
 */
#include "exec.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Pids of adapters being run right now (a hook may start a second run), never leftovers. */
#define MAX_ACTIVE 8
static pid_t active[MAX_ACTIVE];

static void
set_active(pid_t pid, bool on)
{
	for (int i = 0; i < MAX_ACTIVE; i++)
		if (on ? active[i] == 0 : active[i] == pid) {
			active[i] = on ? pid : 0;
			return;
		}
}

/* Our own processes that are never leftovers: canary processes of runs in progress. */
#define MAX_PROTECTED 16
static pid_t protected_pids[MAX_PROTECTED];

void
sp_exec_protect(pid_t pid, bool on)
{
	for (int i = 0; i < MAX_PROTECTED; i++)
		if (on ? protected_pids[i] == 0 : protected_pids[i] == pid) {
			protected_pids[i] = on ? pid : 0;
			return;
		}
}

static bool
is_active(pid_t pid)
{
	for (int i = 0; i < MAX_ACTIVE; i++)
		if (active[i] == pid)
			return true;
	for (int i = 0; i < MAX_PROTECTED; i++)
		if (protected_pids[i] == pid)
			return true;
	return false;
}

struct proc_entry {
	pid_t pid, ppid;
	char state;
	char comm[32];
	bool mark;
};

static bool
file_has_token(const char *path, const char *token)
{
	static char buf[65536];
	ssize_t n = sp_slurp(path, buf, sizeof buf);
	if (n <= 0)
		return false;
	for (ssize_t i = 0; i < n;) {
		if (strcmp(buf + i, token) == 0)
			return true;
		i += (ssize_t)strlen(buf + i) + 1;
	}
	return false;
}

static size_t
scan_procs(struct proc_entry *t, size_t max)
{
	DIR *d = opendir("/proc");
	size_t n = 0;
	if (d == NULL)
		return 0;
	for (struct dirent *e; (e = readdir(d)) != NULL && n < max;) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		char path[300], buf[1024];
		snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
		if (sp_slurp(path, buf, sizeof buf) <= 0)
			continue;
		char *open = strchr(buf, '('), *close = strrchr(buf, ')');
		if (open == NULL || close == NULL)
			continue;
		struct proc_entry *p = &t[n];
		p->pid = (pid_t)atoi(buf);
		snprintf(p->comm, sizeof p->comm, "%.*s", (int)(close - open - 1), open + 1);
		if (sscanf(close + 1, " %c %d", &p->state, &p->ppid) != 2)
			continue;
		p->mark = false;
		n++;
	}
	closedir(d);
	return n;
}

/*
 * One pass: mark the descendants of this process (minus EXCLUDE and active adapters) and the
 * processes that carry NONCE; reap our zombies; count the live ones.  With KILL, SIGKILL them.
 */
static unsigned
leftover_pass(const char *nonce, pid_t exclude, bool kill_them, char *report, size_t size)
{
	static struct proc_entry t[32768];
	size_t n = scan_procs(t, sizeof t / sizeof t[0]);
	pid_t self = getpid();
	char arg[64], env[64];
	snprintf(arg, sizeof arg, "nonce=%s", nonce ? nonce : "");
	snprintf(env, sizeof env, "SANDPROOF_NONCE=%s", nonce ? nonce : "");

	for (size_t i = 0; i < n; i++) {
		struct proc_entry *p = &t[i];
		if (p->pid == self || p->pid == exclude || is_active(p->pid))
			continue;
		if (p->ppid == self) {
			p->mark = true;
		} else if (nonce && nonce[0]) {
			char path[64];
			snprintf(path, sizeof path, "/proc/%d/cmdline", p->pid);
			p->mark = file_has_token(path, arg);
			snprintf(path, sizeof path, "/proc/%d/environ", p->pid);
			if (!p->mark)
				p->mark = file_has_token(path, env);
		}
	}
	/* descendants of marked processes (a few rounds cover any realistic depth) */
	for (int round = 0; round < 16; round++) {
		bool changed = false;
		for (size_t i = 0; i < n; i++) {
			if (t[i].mark || t[i].pid == exclude || t[i].pid == self)
				continue;
			for (size_t j = 0; j < n; j++)
				if (t[j].mark && t[j].pid == t[i].ppid) {
					t[i].mark = changed = true;
					break;
				}
		}
		if (!changed)
			break;
	}
	unsigned live = 0;
	size_t o = report ? strlen(report) : 0;
	for (size_t i = 0; i < n; i++) {
		struct proc_entry *p = &t[i];
		if (!p->mark)
			continue;
		if (p->state == 'Z' || p->state == 'X') {
			if (p->ppid == self)
				waitpid(p->pid, NULL, WNOHANG);
			continue;
		}
		live++;
		if (!kill_them)
			continue;
		kill(p->pid, SIGKILL);
		if (report && o + 64 < size)
			o += (size_t)snprintf(report + o, size - o, "%spid %d (%s)", o ? ", " : "",
					      (int)p->pid, p->comm);
		if (p->ppid == self)
			waitpid(p->pid, NULL, 0);
	}
	return live;
}

unsigned
sp_kill_leftovers(const char *nonce, pid_t exclude, int grace_ms, char *report, size_t size)
{
	if (report && size)
		report[0] = '\0';
	long long deadline = now_ms() + grace_ms;
	while (grace_ms > 0 && leftover_pass(nonce, exclude, false, NULL, 0) > 0 &&
	       now_ms() < deadline)
		usleep(10000);
	unsigned killed = 0;
	/* Killing a parent may let a fork bomb's children through once; repeat until empty. */
	for (int pass = 0; pass < 50; pass++) {
		unsigned k = leftover_pass(nonce, exclude, true, pass == 0 ? report : NULL, size);
		if (k == 0)
			break;
		killed += k;
		usleep(5000);
	}
	return killed;
}

/* Lines complete in OUT[from, len): call on_line for "end" and "sync N". */
static int
scan_lines(struct sp_exec *x, size_t *scanned)
{
	while (*scanned < x->out_len) {
		char *start = x->out + *scanned;
		char *nl = memchr(start, '\n', x->out_len - *scanned);
		if (nl == NULL)
			return 0;
		*scanned = (size_t)(nl - x->out) + 1;
		size_t len = (size_t)(nl - start);
		if (x->on_line == NULL)
			continue;
		if ((len == 3 && memcmp(start, "end", 3) == 0) ||
		    (len > 5 && memcmp(start, "sync ", 5) == 0)) {
			char line[32];
			snprintf(line, sizeof line, "%.*s", (int)(len < 31 ? len : 31), start);
			int rc = x->on_line(x, line);
			if (rc != 0)
				return rc;
		}
	}
	return 0;
}

static void
read_into(int *fd, char *buf, size_t cap, size_t *len, bool *capped)
{
	char scratch[65536];
	ssize_t n = read(*fd, scratch, sizeof scratch);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		close(*fd);
		*fd = -1;
		return;
	}
	size_t room = cap - *len;
	size_t take = (size_t)n < room ? (size_t)n : room;
	memcpy(buf + *len, scratch, take);
	*len += take;
	buf[*len] = '\0';
	if ((size_t)n > room && capped)
		*capped = true;
}

static void
close_stdin(struct sp_exec *x)
{
	if (x->stdin_fd >= 0) {
		close(x->stdin_fd);
		x->stdin_fd = -1;
	}
}

/* What the terminal showed (echo of injected input included), read from the master. */
static void
drain_tty(struct sp_exec *x)
{
	fcntl(x->stdin_fd, F_SETFL, O_NONBLOCK);
	for (;;) {
		ssize_t n =
		    read(x->stdin_fd, x->tty_out + x->tty_len, sizeof x->tty_out - 1 - x->tty_len);
		if (n <= 0)
			break;
		x->tty_len += (size_t)n;
		x->tty_out[x->tty_len] = '\0';
	}
}

/*
 * End the probe's hold.  A pipe is closed (EOF).  A terminal gets two VEOF (^D) characters
 * instead: the first ends a partial line TIOCSTI may have left, the second reads as EOF.  Closing
 * the master would hang the session up and kill its leader with SIGHUP.
 */
void
sp_exec_release_stdin(struct sp_exec *x)
{
	if (x->stdin_fd < 0)
		return;
	if (x->stdin_tty) {
		if (!x->tty_released && write(x->stdin_fd, "\x04\x04", 2) != 2)
			close_stdin(x);
		x->tty_released = true;
		return;
	}
	close_stdin(x);
}

void
sp_exec_send_line(struct sp_exec *x)
{
	if (x->stdin_fd >= 0 && write(x->stdin_fd, "\n", 1) != 1)
		sp_exec_release_stdin(x);
}

static void
child(struct sp_exec *x, int in_r, int out_w, int err_w, int errpipe)
{
	sigset_t all;
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	for (int s = 1; s < NSIG; s++)
		signal(s, SIG_DFL);
	if (x->stdin_tty) {
		/* A session of its own whose controlling terminal is the pty, as a login shell has:
		 * the sandbox must start a new session to keep TIOCSTI out (CVE-2017-5226). */
		setsid();
		int t = open(x->tty_path, O_RDWR);
		if (t < 0 || ioctl(t, TIOCSCTTY, 0) != 0 || dup2(t, 0) < 0)
			goto fail;
	} else {
		setpgid(0, 0);
		if (dup2(in_r, 0) < 0)
			goto fail;
	}
	/* If the test process dies (kyua's timeout), the adapter goes with it. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (dup2(out_w, 1) < 0 || dup2(err_w, 2) < 0)
		goto fail;
	/* Only the standard descriptors reach the adapter: kyua leaks some into tests. */
	close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
	if (chdir("/") != 0)
		goto fail;
	for (size_t i = 0; x->env[i]; i++)
		putenv((char *)(uintptr_t)x->env[i]);
	execv(x->path, (char *const *)(uintptr_t)x->argv);
fail:;
	int e = errno;
	if (write(errpipe, &e, sizeof e) != sizeof e)
		_exit(127);
	_exit(127);
}

static void
close_pair(int p[2])
{
	for (int i = 0; i < 2; i++)
		if (p[i] >= 0) {
			close(p[i]);
			p[i] = -1;
		}
}

int
sp_exec(struct sp_exec *x)
{
	int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1}, ep[2] = {-1, -1};
	x->stdin_fd = -1;
	x->out_len = x->err_len = 0;
	x->out[0] = x->err[0] = '\0';
	x->exited = x->timed_out = x->capped = false;
	x->exec_errno = 0;
	x->wstatus = 0;
	x->leftovers[0] = '\0';
	x->n_leftovers = 0;
	x->tty_len = 0;
	x->tty_released = false;
	x->tty_out[0] = '\0';
	int master = -1;
	if (x->stdin_tty) {
		master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0 ||
		    ptsname_r(master, x->tty_path, sizeof x->tty_path) != 0) {
			int e = errno;
			if (master >= 0)
				close(master);
			return -e;
		}
	}

	/* The child runs in /, so a relative adapter path is resolved here. */
	snprintf(x->path, sizeof x->path, "%s", x->argv[0]);
	if (x->argv[0][0] != '/' && realpath(x->argv[0], x->path) == NULL)
		snprintf(x->path, sizeof x->path, "%s", x->argv[0]);
	/* Orphans of the adapter (setsid daemons) are re-parented to us, so none escapes. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC) ||
	    pipe2(ep, O_CLOEXEC)) {
		int e = errno;
		close_pair(in), close_pair(out), close_pair(err), close_pair(ep);
		if (master >= 0)
			close(master);
		return -e;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close_pair(in), close_pair(out), close_pair(err), close_pair(ep);
		return -e;
	}
	if (pid == 0)
		child(x, in[0], out[1], err[1], ep[1]);
	x->pid = pid;
	set_active(pid, true);
	close(in[0]), close(out[1]), close(err[1]), close(ep[1]);
	x->stdin_fd = in[1];
	if (master >= 0) {
		close(in[1]);
		x->stdin_fd = master;
	}
	/* A write to a probe that died must not kill the test with SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);

	int e = 0;
	if (read(ep[0], &e, sizeof e) == (ssize_t)sizeof e)
		x->exec_errno = e;
	close(ep[0]);

	int pfd = pidfd_open(pid, 0);
	int ofd = out[0], efd = err[0];
	fcntl(ofd, F_SETFL, O_NONBLOCK);
	fcntl(efd, F_SETFL, O_NONBLOCK);
	long long deadline = now_ms() + x->timeout_ms, drain_until = 0;
	size_t scanned = 0;
	bool stop = false;
	while (!stop) {
		long long now = now_ms();
		if (!x->exited && now >= deadline) {
			x->timed_out = true;
			break;
		}
		if (x->exited && (now >= drain_until || (ofd < 0 && efd < 0)))
			break;
		struct pollfd p[3] = {{ofd, POLLIN, 0}, {efd, POLLIN, 0}, {pfd, POLLIN, 0}};
		long long until = x->exited ? drain_until : deadline;
		/* without a pidfd, the exit is noticed by polling waitpid every 50 ms */
		if (pfd < 0 && !x->exited && until - now > 50)
			until = now + 50;
		int r = poll(p, 3, (int)(until - now > 0 ? until - now : 0));
		if (r < 0 && errno != EINTR)
			break;
		if (ofd >= 0 && (p[0].revents & (POLLIN | POLLHUP | POLLERR))) {
			read_into(&ofd, x->out, x->out_cap, &x->out_len, &x->capped);
			if (x->capped)
				break;
			if (scan_lines(x, &scanned) != 0)
				stop = true;
		}
		if (efd >= 0 && (p[1].revents & (POLLIN | POLLHUP | POLLERR)))
			read_into(&efd, x->err, sizeof x->err - 1, &x->err_len, NULL);
		if (!x->exited && pfd >= 0 && (p[2].revents & POLLIN)) {
			if (waitpid(pid, &x->wstatus, WNOHANG) == pid) {
				x->exited = true;
				/* A setsid child may hold the pipes open: drain briefly, then move
				 * on. */
				drain_until = now_ms() + 500;
			}
		}
		if (pfd < 0 && !x->exited && waitpid(pid, &x->wstatus, WNOHANG) == pid) {
			x->exited = true;
			drain_until = now_ms() + 500;
		}
	}
	if (!x->stdin_tty)
		sp_exec_release_stdin(x);
	if (!x->exited) {
		/* Timed out, over the cap, or told to stop: the whole group goes, then the rest. */
		killpg(pid, SIGKILL);
		kill(pid, SIGKILL);
		waitpid(pid, &x->wstatus, 0);
	}
	set_active(pid, false);
	if (x->stdin_tty && x->stdin_fd >= 0) {
		drain_tty(x);
		close_stdin(x);
	}
	if (ofd >= 0)
		close(ofd);
	if (efd >= 0)
		close(efd);
	if (pfd >= 0)
		close(pfd);
	/* After a clean exit, give the sandbox's own processes a moment to go away by themselves.
	 */
	bool clean = x->exited && !x->timed_out && !x->capped;
	x->n_leftovers = sp_kill_leftovers(x->nonce, x->exclude_pid, clean ? 1000 : 0, x->leftovers,
					   sizeof x->leftovers);
	return 0;
}
