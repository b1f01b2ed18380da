/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lifecycle: what comes back through the adapter (the program's exit status, the signals sent to
 * it), what happens when the adapter is killed, and what is left on the host afterwards.  The
 * harness counts as BROKEN (a failure) any process or mount of the run still there after the
 * adapter exited.
 */
#include "sp.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The probe exits with CODE after its report; the adapter must exit with CODE too. */
static void
check_exit_status(const atf_tc_t *tc, int code)
{
	char verb[32];
	snprintf(verb, sizeof verb, "exit-at-end:%d", code);
	const struct sp_opts o = {.verbs = {verb}, .any_exit = true};
	const struct sp_run *r = sp_probe_opts(tc, &o);
	ATF_CHECK_MSG(WIFEXITED(r->wstatus) && WEXITSTATUS(r->wstatus) == code,
		      "the program exited %d; the adapter %s %d", code,
		      WIFEXITED(r->wstatus) ? "exited" : "was killed by signal",
		      WIFEXITED(r->wstatus) ? WEXITSTATUS(r->wstatus) : WTERMSIG(r->wstatus));
}

SP_CASE(exit_status_0, "lifecycle.exit-status-0", NULL,
	"The program's exit status 0 comes back as the adapter's exit status")
{
	check_exit_status(tc, 0);
}

SP_CASE(exit_status_1, "lifecycle.exit-status-1", NULL,
	"The program's exit status 1 comes back as the adapter's exit status")
{
	check_exit_status(tc, 1);
}

SP_CASE(exit_status_3, "lifecycle.exit-status-3", NULL,
	"The program's exit status 3 comes back as the adapter's exit status")
{
	check_exit_status(tc, 3);
}

SP_CASE(exit_status_42, "lifecycle.exit-status-42", NULL,
	"The program's exit status 42 comes back as the adapter's exit status")
{
	check_exit_status(tc, 42);
}

/* At the sync point, send the signal in ARG to the adapter. */
static int
signal_adapter(struct sp_run *r, unsigned n, void *arg)
{
	if (n == 1)
		kill(r->adapter_pid, *(const int *)arg);
	return 0;
}

/* SIG sent to the adapter reaches the program once: `signals:3000.NAME` counts 1. */
static void
check_signal_forwarded(const atf_tc_t *tc, int sig, const char *name)
{
	char key[64];
	const struct sp_opts o = {.verbs = {"trap-signals", "sync", "signals:3000"},
				  .hook = signal_adapter,
				  .hook_arg = &sig};
	const struct sp_run *r = sp_probe_opts(tc, &o);
	snprintf(key, sizeof key, "signals:3000.%s", name);
	SP_CHECK_KEY(r, key, "1");
}

SP_CASE(signal_term, "lifecycle.signal-term", NULL,
	"SIGTERM sent to the adapter reaches the sandboxed program")
{
	check_signal_forwarded(tc, SIGTERM, "TERM");
}

SP_CASE(signal_int, "lifecycle.signal-int", NULL,
	"SIGINT sent to the adapter reaches the sandboxed program")
{
	check_signal_forwarded(tc, SIGINT, "INT");
}

SP_CASE(signal_hup, "lifecycle.signal-hup", NULL,
	"SIGHUP sent to the adapter reaches the sandboxed program")
{
	check_signal_forwarded(tc, SIGHUP, "HUP");
}

SP_CASE(signal_usr1, "lifecycle.signal-usr1", NULL,
	"SIGUSR1 sent to the adapter reaches the sandboxed program")
{
	check_signal_forwarded(tc, SIGUSR1, "USR1");
}

/* Whether a process is alive (not gone, not a zombie), from the host. */
static bool
alive(pid_t pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	ssize_t n = sp_slurp(path, buf, sizeof buf);
	const char *p = n > 0 ? strrchr(buf, ')') : NULL;
	return p && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
}

/* At `end`, SIGKILL the adapter, then watch the probe for up to 3 s: `*arg` is set when it
 * still lives then. */
static int
kill_adapter_and_watch(struct sp_run *r, unsigned n, void *arg)
{
	bool *survived = arg;
	if (n != 0 || !r->outside.seen)
		return 0;
	kill(r->adapter_pid, SIGKILL);
	struct timespec ts = {0, 20 * 1000 * 1000};
	for (int waited = 0; waited < 3000 && alive(r->outside.pid); waited += 20)
		nanosleep(&ts, NULL);
	*survived = alive(r->outside.pid);
	return 0;
}

SP_CASE(dies_with_adapter, "lifecycle.die-with-parent", NULL,
	"When the adapter is killed (SIGKILL), the sandboxed program dies with it within 3 s "
	"(seen from the host), and nothing of the sandbox is left running")
{
	bool survived = true;
	const struct sp_opts o = {.verbs = {"proc"},
				  .hook = kill_adapter_and_watch,
				  .hook_arg = &survived,
				  .any_exit = true};
	const struct sp_run *r = sp_probe_opts(tc, &o);
	sp_require_outside(r);
	ATF_CHECK_MSG(!survived, "pid %d still ran 3 s after its adapter was killed",
		      (int)r->outside.pid);
}

SP_CASE(orphans_reaped, "lifecycle.orphans-reaped", NULL,
	"An orphan inside the sandbox (its parent exited first) is reaped when it exits: no "
	"zombie stays behind (and none is left for the host)")
{
	const struct sp_run *r = sp_probe(tc, 0, "orphan");
	SP_CHECK_KEY(r, "orphan.reaped", "1");
	SP_CHECK_KEY_NOT(r, "orphan.state", "Z");
}

SP_CASE(no_process_left, "lifecycle.no-process-left", NULL,
	"A process started inside to outlive the sandbox (own session, double fork) is gone when "
	"the adapter exits: the harness finds no process of the run on the host")
{
	const struct sp_run *r = sp_probe(tc, 0, "leave-process");
	SP_CHECK_KEY(r, "leave-process.result", "started");
	ATF_CHECK_MSG(r->n_leftovers == 0, "left behind: %s", r->leftovers);
}

/* At `end`, SIGKILL the probe itself, so it cannot undo its own mounts. */
static int
kill_probe(struct sp_run *r, unsigned n, void *arg)
{
	(void)arg;
	if (n == 0 && r->outside.seen)
		kill(r->outside.pid, SIGKILL);
	return 0;
}

SP_CASE(no_mount_left, "lifecycle.no-mount-left", NULL,
	"A mount made inside the sandbox (where it may mount at all) by a program that is then "
	"killed, with no cleanup of its own, is in no mount table of the host, during the run or "
	"after it (the harness fails a run whose mounts stay on the host)")
{
	const struct sp_opts o = {.verbs = {"mount-tmpfs"}, .hook = kill_probe, .any_exit = true};
	const struct sp_run *r = sp_probe_opts(tc, &o);
	/* EPERM: the sandbox lets its program mount nothing; `refused`: the probe is in the
	 * host's mount namespace, where a mount would be the host's (not attempted). */
	SP_CHECK_KEY_NOT(r, "mount-tmpfs.result", "refused");
	ATF_CHECK_MSG(!sp_host_has_probe_mount(r), "the host's mount table shows sp-%s", r->nonce);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, exit_status_0);
	ATF_TP_ADD_TC(tp, exit_status_1);
	ATF_TP_ADD_TC(tp, exit_status_3);
	ATF_TP_ADD_TC(tp, exit_status_42);
	ATF_TP_ADD_TC(tp, signal_term);
	ATF_TP_ADD_TC(tp, signal_int);
	ATF_TP_ADD_TC(tp, signal_hup);
	ATF_TP_ADD_TC(tp, signal_usr1);
	ATF_TP_ADD_TC(tp, dies_with_adapter);
	ATF_TP_ADD_TC(tp, orphans_reaped);
	ATF_TP_ADD_TC(tp, no_process_left);
	ATF_TP_ADD_TC(tp, no_mount_left);
	return atf_no_error();
}
