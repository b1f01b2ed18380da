/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sbx_spawn: one clone() with every namespace; the child becomes the sandbox's init (pid 1 of the
 * new pid namespace), sets up the sandbox and forks once more for the command.  Errors travel
 * back as a struct sbx_error over a close-on-exec pipe: 0 bytes read means the command was
 * executed (the pipe closed on execve), as libcap's cap_launch reports exec failures.
 */
#include "internal.h"
#include "syscalls.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static const int fwd_signals[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};

static void
fwd_set(sigset_t *set)
{
	sigemptyset(set);
	for (size_t i = 0; i < sizeof(fwd_signals) / sizeof(fwd_signals[0]); i++)
		sigaddset(set, fwd_signals[i]);
	sigaddset(set, SIGCHLD);
}

/* struct clone_args of clone3(2), first version. */
struct sbx_clone_args {
	uint64_t flags;
	uint64_t pidfd;
	uint64_t child_tid;
	uint64_t parent_tid;
	uint64_t exit_signal;
	uint64_t stack;
	uint64_t stack_size;
	uint64_t tls;
};

struct child {
	const struct sbx_config *cfg;
	char *const *argv;
	int errfd;    /* write end of the error pipe */
	int statusfd; /* write end of the status pipe */
	int syncfd;   /* read end: the parent has written the id maps; -1 without a user ns */
	int parentfd; /* pidfd of the launcher, for die-with-parent; -1 */
	const sigset_t *saved;
};

static void
send_error(int fd, const struct sbx_error *e)
{
	/* Smaller than PIPE_BUF: one write(2) is atomic (pipe(7)). */
	ssize_t n;
	do
		n = write(fd, e, sizeof(*e));
	while (n < 0 && errno == EINTR);
}

static int
status_code(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return 255;
}

static bool
die_with_parent(const struct sbx_config *cfg)
{
	return cfg->die_with_parent && !(cfg->testing & SBX_TESTING_DIE_WITH_PARENT);
}

__attribute__((noreturn)) static void
child_fail(struct child *c, const struct sbx_error *e, int code)
{
	send_error(c->errfd, e);
	_exit(code);
}

/* Closes every descriptor from 3 up except a and b (either may be -1). */
static void
close_all_but(int a, int b)
{
	int lo = a < b ? a : b, hi = a < b ? b : a;
	unsigned from = 3;
	int keep[2] = {lo, hi};
	for (size_t i = 0; i < 2; i++) {
		if (keep[i] < (int)from)
			continue;
		if ((unsigned)keep[i] > from)
			sbx_close_range(from, (unsigned)keep[i] - 1, 0);
		from = (unsigned)keep[i] + 1;
	}
	sbx_close_range(from, ~0U, 0);
}

/*
 * After the status is written.  The rest of the sandbox is killed now, as our exit would do it
 * (a pid 1 takes its namespace's processes with it, pid_namespaces(7); without a pid namespace
 * there is none to kill).  The exit itself, which tears the mount, network and other namespaces
 * down (0.2 ms or more, synchronous in the exiting task, with RCU waits), waits until the
 * launcher has read the status and closed its end: POLLERR on our write end, also when the
 * launcher dies.  Otherwise that teardown runs beside the launcher's last steps, on the CPU they
 * want, and delays its return.
 */
static void
linger(int statusfd, bool pid1)
{
	/* Only as pid 1 of our own namespace: anywhere else kill(-1) reaches the host's. */
	if (pid1)
		kill(-1, SIGKILL);
	struct pollfd p = {.fd = statusfd, .events = 0};
	while (poll(&p, 1, -1) < 0 && errno == EINTR)
		;
}

__attribute__((noreturn)) static void
run_init(struct child *c)
{
	const struct sbx_config *cfg = c->cfg;
	unsigned ns = sbx_effective_ns(cfg);
	struct sbx_error e;
	sbx_error_clear(&e);
	/* An ignored SIGCHLD (inherited from the launcher) would make the kernel reap the command
	 * itself, and its status would be lost (waitpid(2), NOTES). */
	signal(SIGCHLD, SIG_DFL);

	if (die_with_parent(cfg)) {
		/* The init dies with the launcher; as pid 1 its death makes the kernel kill
		 * every other process of the namespace (pid_namespaces(7)). */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0) {
			sbx_fail(&e, errno, "die-with-parent", "", NULL);
			child_fail(c, &e, 125);
		}
		/* The launcher may have died before the prctl: its pidfd is readable then. */
		if (c->parentfd >= 0) {
			struct pollfd pfd = {.fd = c->parentfd, .events = POLLIN};
			if (poll(&pfd, 1, 0) > 0)
				_exit(125);
		}
	}
	cleanup_close(&c->parentfd);

	/* Neither step needs a mapped id, only the capabilities this process holds in its new user
	 * namespace (CAP_SYS_RESOURCE for /proc/sys/user, CAP_SYS_ADMIN for sethostname), so they
	 * run while the launcher writes the id maps. */
	if (sbx_limit_nested_userns(cfg, &e) < 0 || sbx_apply_hostname(cfg, &e) < 0)
		child_fail(c, &e, 125);
	if (c->syncfd >= 0) {
		/* One byte: the maps are written.  End of file: the launcher could not write them
		 * and reports why. */
		char b;
		ssize_t n;
		while ((n = read(c->syncfd, &b, 1)) < 0 && errno == EINTR)
			;
		if (n != 1)
			_exit(125);
		cleanup_close(&c->syncfd);
	}
	/* The child of clone(CLONE_NEWPID) is already pid 1 of the new namespace, so the proc
	 * mounted below shows that namespace (with unshare(CLONE_NEWPID) only the next fork
	 * would be, pid_namespaces(7)). */
	int keep = -1;
	if (sbx_setup_mounts_keep(cfg, &e, &keep) < 0)
		child_fail(c, &e, 125);
	if (!(ns & SBX_NS_PID))
		prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);

	pid_t w = fork();
	if (w < 0) {
		sbx_fail(&e, errno, "fork", "", "forking the command from the init");
		child_fail(c, &e, 125);
	}
	if (w == 0) {
		close(c->statusfd);
		sigprocmask(SIG_SETMASK, c->saved, NULL);
		sbx_exec(cfg, c->argv, &e);
		bool exec_step = strcmp(e.step, "exec") == 0;
		child_fail(c, &e, exec_step ? (e.err == ENOENT ? 127 : 126) : 125);
	}
	close(c->errfd);
	/* Nothing of the launcher stays open in the init, and the command (same uid, no
	 * capabilities) may not ptrace it or open its /proc entries (PR_SET_DUMPABLE, prctl(2)).
	 * The init keeps only the status pipe and the mount kept for its exit (keep). */
	close_all_but(c->statusfd, keep);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);

	/* The init: reap every zombie, forward the signals, exit with the command's status.
	 * The signals are blocked, so none is lost between two waits (sigwaitinfo(2)); a pid 1
	 * ignores unhandled signals from its own namespace, but blocked ones are queued. */
	sigset_t set;
	fwd_set(&set);
	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(&set, &si);
		if (sig < 0)
			continue;
		if (sig != SIGCHLD) {
			kill(w, sig);
			continue;
		}
		int st;
		pid_t p;
		while ((p = waitpid(-1, &st, WNOHANG)) > 0) {
			if (p != w)
				continue;
			/* Reported before exiting: the launcher need not wait for the
			 * namespaces to be torn down, which happens in our exit. */
			int code = status_code(st);
			ssize_t n;
			do
				n = write(c->statusfd, &code, sizeof(code));
			while (n < 0 && errno == EINTR);
			linger(c->statusfd, ns & SBX_NS_PID);
			_exit(code);
		}
	}
}

static void
reap(pid_t pid)
{
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

int
sbx_spawn(const struct sbx_config *cfg, char *const argv[], struct sbx_proc *proc,
	  struct sbx_error *err)
{
	proc->pid = -1;
	proc->pidfd = -1;
	proc->statusfd = -1;
	sigemptyset(&proc->saved);
	int r = sbx_check(cfg, err);
	if (r < 0)
		return r;
	if (!argv || !argv[0])
		return sbx_fail(err, EINVAL, "exec", "", "no command");
	unsigned ns = sbx_effective_ns(cfg);
	/*
	 * The launcher writes the id maps of the new user namespace from outside (setgroups "allow"
	 * can only be written from there, sbx_write_id_maps), on the CPU it already runs on, while
	 * the child is scheduled and makes its first steps; the child waits for them on the sync
	 * pipe only before its first step that needs them (mounting, with ids mapped).
	 */
	bool parent_maps = (ns & SBX_NS_USER) != 0;

	int errp[2], syncp[2] = {-1, -1}, statp[2];
	if (pipe2(statp, O_CLOEXEC) < 0)
		return sbx_fail(err, errno, "pipe", "", NULL);
	if (pipe2(errp, O_CLOEXEC) < 0) {
		r = sbx_fail(err, errno, "pipe", "", NULL);
		close(statp[0]);
		close(statp[1]);
		return r;
	}
	if (parent_maps && pipe2(syncp, O_CLOEXEC) < 0) {
		r = sbx_fail(err, errno, "pipe", "", NULL);
		close(errp[0]);
		close(errp[1]);
		close(statp[0]);
		close(statp[1]);
		return r;
	}
	int parentfd = die_with_parent(cfg) ? sbx_pidfd_open(getpid(), 0) : -1;
	/* Testing only: a directory fd of the host's root, deliberately inheritable. */
	int leakfd = (cfg->testing & SBX_TESTING_CLOSE_FDS)
			 ? open("/", O_PATH | O_DIRECTORY) /* NOLINT(android-cloexec-open) */
			 : -1;

	sigset_t set;
	fwd_set(&set);
	sigprocmask(SIG_BLOCK, &set, &proc->saved);

	int pidfd = -1;
	struct sbx_clone_args ca = {
	    .flags = sbx_clone_flags(ns) | CLONE_PIDFD,
	    .pidfd = (uint64_t)(uintptr_t)&pidfd,
	    .exit_signal = SIGCHLD,
	};
	uid_t uid = geteuid();
	gid_t gid = getegid();
	pid_t pid = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid < 0 && errno == ENOSYS && !(ns & SBX_NS_TIME))
		pid = (pid_t)syscall(SYS_clone, (unsigned long)sbx_clone_flags(ns) | SIGCHLD, 0, 0,
				     0, 0);
	if (pid == 0) {
		close(errp[0]);
		close(statp[0]);
		cleanup_close(&syncp[1]);
		struct child c = {
		    .cfg = cfg,
		    .argv = argv,
		    .errfd = errp[1],
		    .statusfd = statp[1],
		    .syncfd = syncp[0],
		    .parentfd = parentfd,
		    .saved = &proc->saved,
		};
		run_init(&c);
	}
	int clone_errno = errno;
	close(errp[1]);
	close(statp[1]);
	cleanup_close(&parentfd);
	cleanup_close(&leakfd);
	if (pid < 0) {
		sigprocmask(SIG_SETMASK, &proc->saved, NULL);
		close(statp[0]);
		close(errp[0]);
		cleanup_close(&syncp[0]);
		cleanup_close(&syncp[1]);
		r = sbx_ns_fail(err, clone_errno, ns);
		return sbx_log(cfg, r, "clone", "%#lx", sbx_clone_flags(ns));
	}
	sbx_log(cfg, 0, "clone", "%#lx pid %d", sbx_clone_flags(ns), (int)pid);
	/* On failure the sync pipe closes unwritten and the child exits; an error it reported
	 * first (it may have failed before the maps, and then they fail) is the one returned.
	 * Our read end stays open until the byte is written, so a child that has already exited
	 * cannot make the write raise SIGPIPE. */
	int maps_r = parent_maps ? sbx_write_id_maps(cfg, pid, uid, gid, err) : 0;
	if (maps_r == 0 && parent_maps && write(syncp[1], "", 1) != 1)
		maps_r = sbx_fail(err, errno, "write id maps", "", "signalling the child");
	cleanup_close(&syncp[1]);
	cleanup_close(&syncp[0]);

	struct sbx_error rec;
	ssize_t n;
	do
		n = read(errp[0], &rec, sizeof(rec));
	while (n < 0 && errno == EINTR);
	close(errp[0]);
	if (maps_r < 0 && !(n == (ssize_t)sizeof(rec) && rec.err != 0)) {
		close(statp[0]);
		reap(pid);
		cleanup_close(&pidfd);
		sigprocmask(SIG_SETMASK, &proc->saved, NULL);
		return maps_r;
	}
	if (n == (ssize_t)sizeof(rec) && rec.err != 0) {
		/* The child reported a failure and exits; 126/127 still need its status. */
		if (err)
			*err = rec;
		if (strcmp(rec.step, "exec") == 0) {
			proc->pid = pid;
			proc->pidfd = pidfd;
			proc->statusfd = statp[0];
			return -rec.err;
		}
		close(statp[0]);
		reap(pid);
		cleanup_close(&pidfd);
		sigprocmask(SIG_SETMASK, &proc->saved, NULL);
		return -rec.err;
	}
	proc->pid = pid;
	proc->pidfd = pidfd;
	proc->statusfd = statp[0];
	return 0;
}

static int
wait_common(struct sbx_proc *proc, bool reap_init)
{
	if (!proc || proc->pid <= 0)
		return -EINVAL;
	sigset_t set;
	fwd_set(&set);
	sigdelset(&set, SIGCHLD);
	int sfd __attribute__((cleanup(cleanup_close))) =
	    signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	int code = -1;
	while (proc->statusfd >= 0) {
		struct pollfd p[2] = {{.fd = proc->statusfd, .events = POLLIN},
				      {.fd = sfd, .events = POLLIN}};
		if (poll(p, sfd >= 0 ? 2 : 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		struct signalfd_siginfo si;
		/* A terminal's signals (SI_KERNEL) reach the init directly: it is in our
		 * process group.  Forward only what was sent to us alone. */
		while (sfd >= 0 && read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
			if (si.ssi_code != SI_KERNEL)
				kill(proc->pid, (int)si.ssi_signo);
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			int c;
			ssize_t n;
			do
				n = read(proc->statusfd, &c, sizeof(c));
			while (n < 0 && errno == EINTR);
			if (n == (ssize_t)sizeof(c))
				code = c;
			break;
		}
	}
	cleanup_close(&proc->statusfd);
	proc->statusfd = -1;
	int st = 0;
	if (code < 0 || reap_init) {
		pid_t p;
		while ((p = waitpid(proc->pid, &st, 0)) < 0 && errno == EINTR)
			;
		if (code < 0)
			code = p == proc->pid ? status_code(st) : 255;
		proc->pid = -1;
	} else if (waitpid(proc->pid, &st, WNOHANG) == proc->pid) {
		proc->pid = -1;
	}
	sigprocmask(SIG_SETMASK, &proc->saved, NULL);
	cleanup_close(&proc->pidfd);
	proc->pidfd = -1;
	return code;
}

int
sbx_wait(struct sbx_proc *proc)
{
	return wait_common(proc, true);
}

int
sbx_wait_status(struct sbx_proc *proc)
{
	return wait_common(proc, false);
}

int
sbx_run(const struct sbx_config *cfg, char *const argv[], struct sbx_error *err)
{
	struct sbx_proc proc;
	int r = sbx_spawn(cfg, argv, &proc, err);
	if (r < 0 && proc.pid <= 0)
		return r;
	int status = sbx_wait(&proc);
	return r < 0 ? r : status;
}
