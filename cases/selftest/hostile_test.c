/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The harness against hostile adapters (fixtures/hostile/): each misbehaviour must end in a
 * BROKEN verdict whose reason says what happened, and leave no process, mount, run directory or
 * canary behind.  These cases call the harness core directly and pass when it detects the
 * hostility; a positive control (the null adapter) shows the same path gives an OK verdict.
 */
#include "sp.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define HOSTILE_TIMEOUT_MS 3000

static void
config(const atf_tc_t *tc, const char *dir, const char *name, struct sp_config *c)
{
	const char *srcdir = atf_tc_get_config_var_wd(tc, "srcdir", ".");
	memset(c, 0, sizeof *c);
	snprintf(c->adapter, sizeof c->adapter, "%.2000s/../../fixtures/%s/%s", srcdir, dir, name);
	snprintf(c->adapter_label, sizeof c->adapter_label, "%s", name);
	snprintf(c->probe, sizeof c->probe, "%.2000s/../probe/sp-probe", srcdir);
	snprintf(c->rundir_base, sizeof c->rundir_base, "/var/tmp");
	c->run_timeout_ms = HOSTILE_TIMEOUT_MS;
	c->describe_timeout_ms = HOSTILE_TIMEOUT_MS;
	ATF_REQUIRE_MSG(access(c->adapter, X_OK) == 0, "%s: %s", c->adapter, strerror(errno));
}

/* Everything a run may create is gone: processes, mounts, run directory, canaries. */
static void
check_nothing_left(struct sp_run *r)
{
	char report[1024], needle[64];
	struct stat st;
	unsigned n = sp_kill_leftovers(r->nonce, 0, 0, report, sizeof report);
	ATF_CHECK_MSG(n == 0, "%u process(es) survived the run: %s", n, report);
	ATF_CHECK_MSG(lstat(r->rundir, &st) != 0 && errno == ENOENT, "run directory '%s' is left",
		      r->rundir);
	ATF_CHECK_MSG(lstat(r->canary.tmp, &st) != 0 && errno == ENOENT, "tmp canary '%s' is left",
		      r->canary.tmp);
	ATF_CHECK_MSG(r->canary.pid == 0, "canary process %d was not reaped", (int)r->canary.pid);
	static char mi[1024 * 1024];
	snprintf(needle, sizeof needle, "sandproof-%s", r->nonce);
	ATF_CHECK(sp_slurp("/proc/self/mountinfo", mi, sizeof mi) > 0);
	ATF_CHECK_MSG(strstr(mi, needle) == NULL, "a mount of the run is left on the host");
}

/* Run the probe through fixtures/DIR/NAME with a tmp and a process canary planted. */
static struct sp_run *
run(const atf_tc_t *tc, const char *dir, const char *name)
{
	struct sp_config c;
	static struct sp_run r;
	const struct sp_opts o = {.verbs = {"ids", "ns"},
				  .canaries = SP_CANARY_TMP | SP_CANARY_PID};
	config(tc, dir, name, &c);
	ATF_REQUIRE_MSG(sp_run(&c, &o, &r) == 0, "harness: %s", r.reason);
	printf("%s: verdict %d: %s\n", name, (int)r.verdict, r.reason);
	return &r;
}

static void
head(atf_tc_t *tc, const char *descr)
{
	atf_tc_set_md_var(tc, "descr", "%s", descr);
	atf_tc_set_md_var(tc, "timeout", "%d", 60);
}

#define CHECK_BROKEN(r, regex)                                                                     \
	do {                                                                                       \
		ATF_CHECK_MSG((r)->verdict == SP_VERDICT_BROKEN, "verdict %d, want BROKEN: %s",    \
			      (int)(r)->verdict, (r)->reason);                                     \
		ATF_CHECK_MSG(atf_utils_grep_string("%s", (r)->reason, regex),                     \
			      "reason '%s' lacks '%s'", (r)->reason, regex);                       \
	} while (0)

ATF_TC(null_control_is_ok);
ATF_TC_HEAD(null_control_is_ok, tc)
{
	head(tc, "Positive control: through the null adapter the probe reports, is seen from "
		 "outside, and nothing is left");
}
ATF_TC_BODY(null_control_is_ok, tc)
{
	struct sp_run *r = run(tc, "adapters", "null");
	ATF_CHECK_MSG(r->verdict == SP_VERDICT_OK, "verdict %d: %s", (int)r->verdict, r->reason);
	ATF_CHECK(sp_get(r, "ids.uid") != NULL);
	ATF_CHECK_MSG(r->outside.seen, "outside view: %s", r->outside.why_not);
	check_nothing_left(r);
}

ATF_TC(canaries_reached_under_null);
ATF_TC_HEAD(canaries_reached_under_null, tc)
{
	head(tc, "Every canary is planted, reached by the probe through the null adapter (which "
		 "isolates nothing), seen touched where touching shows, and removed afterwards");
}
ATF_TC_BODY(canaries_reached_under_null, tc)
{
	struct sp_config c;
	static struct sp_run r;
	const unsigned all = SP_CANARY_FILE | SP_CANARY_TMP | SP_CANARY_ABSTRACT | SP_CANARY_TCP |
			     SP_CANARY_SYSV | SP_CANARY_KEY | SP_CANARY_ENV | SP_CANARY_PID;
	const struct sp_opts o = {
	    .verbs = {"canary:file", "canary:tmp", "canary:abstract", "canary:tcp", "canary:sysv",
		      "canary:key", "canary:env", "canary:pid"},
	    .canaries = all,
	};
	config(tc, "adapters", "null", &c);
	ATF_REQUIRE_MSG(sp_run(&c, &o, &r) == 0, "harness: %s", r.reason);
	ATF_REQUIRE_MSG(r.verdict == SP_VERDICT_OK, "verdict %d: %s", (int)r.verdict, r.reason);
	for (unsigned bit = 1; bit & all; bit <<= 1) {
		char key[64], m[512];
		snprintf(key, sizeof key, "canary:%s.reached", sp_canary_name(bit));
		ATF_CHECK_MSG(sp_is(&r, key, "1"), "%s is %s", key, sp_show(&r, key, m, sizeof m));
		ATF_CHECK(!sp_canary_unreached(&r, bit, m, sizeof m));
	}
	ATF_CHECK_MSG(sp_canary_state(&r, SP_CANARY_ABSTRACT)->touched, "abstract not touched");
	ATF_CHECK_MSG(sp_canary_state(&r, SP_CANARY_TCP)->touched, "tcp not touched");
	check_nothing_left(&r);
}

struct hook_log {
	const struct sp_config *c;
	unsigned calls[2]; /* [0] at end, [1] at sync */
	bool seen_at_sync;
	enum sp_verdict nested;
	bool nested_seen;
};

/* At the sync point: the probe is alive and seen; at the end: run a second sandbox meanwhile. */
static int
hook(struct sp_run *r, unsigned n, void *arg)
{
	struct hook_log *log = arg;
	log->calls[n ? 1 : 0]++;
	if (n == 1)
		log->seen_at_sync = r->outside.seen && r->outside.pid > 0;
	if (n == 0) {
		static struct sp_run inner;
		const struct sp_opts o = {.verbs = {"ids"}};
		if (sp_run(log->c, &o, &inner) == 0) {
			log->nested = inner.verdict;
			log->nested_seen = inner.outside.seen;
		}
		sp_run_free(&inner);
	}
	return 0;
}

ATF_TC(hooks_and_nested_runs);
ATF_TC_HEAD(hooks_and_nested_runs, tc)
{
	head(tc, "The hook runs at each sync point and at the end while the probe is alive and "
		 "seen from outside, and a second run can be made from it");
}
ATF_TC_BODY(hooks_and_nested_runs, tc)
{
	struct sp_config c;
	static struct sp_run r;
	struct hook_log log = {.c = &c, .nested = SP_VERDICT_BROKEN};
	const struct sp_opts o = {.verbs = {"ids", "sync", "ns"},
				  .canaries = SP_CANARY_PID,
				  .hook = hook,
				  .hook_arg = &log};
	config(tc, "adapters", "null", &c);
	ATF_REQUIRE_MSG(sp_run(&c, &o, &r) == 0, "harness: %s", r.reason);
	ATF_CHECK_MSG(r.verdict == SP_VERDICT_OK, "verdict %d: %s", (int)r.verdict, r.reason);
	ATF_CHECK_MSG(log.calls[1] == 1 && log.calls[0] == 1, "hook calls: %u at sync, %u at end",
		      log.calls[1], log.calls[0]);
	ATF_CHECK_MSG(log.seen_at_sync, "the probe was not seen from outside at the sync point");
	ATF_CHECK_MSG(log.nested == SP_VERDICT_OK && log.nested_seen, "the nested run: verdict %d",
		      (int)log.nested);
	ATF_CHECK(sp_get(&r, "ns.user") != NULL);
	ATF_CHECK_MSG(!sp_canary_state(&r, SP_CANARY_PID)->touched,
		      "the nested run disturbed the outer run's canary: %s",
		      sp_canary_state(&r, SP_CANARY_PID)->detail);
	check_nothing_left(&r);
}

static int
signal_adapter(struct sp_run *r, unsigned n, void *arg)
{
	kill(r->adapter_pid, *(int *)arg);
	(void)n;
	return 0;
}

ATF_TC(lifecycle_signals_and_kills);
ATF_TC_HEAD(lifecycle_signals_and_kills, tc)
{
	head(tc, "Lifecycle mechanics: a signal sent to the adapter from a hook is counted by the "
		 "probe; an adapter killed from a hook is accepted with any_exit");
}
ATF_TC_BODY(lifecycle_signals_and_kills, tc)
{
	struct sp_config c;
	static struct sp_run r;
	int sig = SIGUSR1;
	const struct sp_opts o = {.verbs = {"trap-signals", "sync", "signals:2000"},
				  .hook = signal_adapter,
				  .hook_arg = &sig};
	config(tc, "adapters", "null", &c);
	ATF_REQUIRE_MSG(sp_run(&c, &o, &r) == 0, "harness: %s", r.reason);
	ATF_CHECK_MSG(r.verdict == SP_VERDICT_OK, "verdict %d: %s", (int)r.verdict, r.reason);
	ATF_CHECK_MSG(sp_is(&r, "signals:2000.USR1", "1"), "USR1 count %s",
		      sp_get(&r, "signals:2000.USR1"));
	check_nothing_left(&r);
	sp_run_free(&r);

	sig = SIGKILL;
	struct sp_opts k = {.verbs = {"ids"}, .hook = signal_adapter, .hook_arg = &sig};
	ATF_REQUIRE_MSG(sp_run(&c, &k, &r) == 0, "harness: %s", r.reason);
	ATF_CHECK_MSG(r.verdict == SP_VERDICT_BROKEN, "without any_exit: verdict %d",
		      (int)r.verdict);
	sp_run_free(&r);
	k.any_exit = true;
	ATF_REQUIRE_MSG(sp_run(&c, &k, &r) == 0, "harness: %s", r.reason);
	ATF_CHECK_MSG(r.verdict == SP_VERDICT_OK, "with any_exit: verdict %d: %s", (int)r.verdict,
		      r.reason);
	ATF_CHECK(WIFSIGNALED(r.wstatus) && WTERMSIG(r.wstatus) == SIGKILL);
	check_nothing_left(&r);
}

ATF_TC(tty_injection_is_seen);
ATF_TC_HEAD(tty_injection_is_seen, tc)
{
	head(tc, "With stdin_tty, input the probe pushes with TIOCSTI through the null adapter "
		 "(same session) shows on the terminal's master, and the run ends cleanly");
}
ATF_TC_BODY(tty_injection_is_seen, tc)
{
	struct sp_config c;
	static struct sp_run r;
	const struct sp_opts o = {.verbs = {"proc", "tiocsti"}, .stdin_tty = true};
	sp_require_feature(tc, SP_FEAT_PTY);
	if (geteuid() != 0)
		sp_require_feature(tc, SP_FEAT_LEGACY_TIOCSTI);
	config(tc, "adapters", "null", &c);
	ATF_REQUIRE_MSG(sp_run(&c, &o, &r) == 0, "harness: %s", r.reason);
	ATF_CHECK_MSG(r.verdict == SP_VERDICT_OK, "verdict %d: %s", (int)r.verdict, r.reason);
	ATF_CHECK_MSG(sp_is(&r, "tiocsti.result", "ok"), "tiocsti.result=%s",
		      sp_get(&r, "tiocsti.result"));
	ATF_CHECK_MSG(sp_tty_injected(&r), "the terminal showed '%s'", r.tty_out);
	check_nothing_left(&r);
}

ATF_TC(safety_gates_hold_in_host_namespaces);
ATF_TC_HEAD(safety_gates_hold_in_host_namespaces, tc)
{
	head(tc, "Through the null adapter (the host's namespaces, as root in CI) every "
		 "host-changing verb reports same-as-host and makes no attempt: the host keeps its "
		 "name and mount table");
}
ATF_TC_BODY(safety_gates_hold_in_host_namespaces, tc)
{
	/* umount-inside stays last: it is the probe's last verb when a case uses it */
	static const char *const gated[] = {
	    "mount-tmpfs",       "sethostname",       "kill-all",           "umount:/tmp",
	    "remount-rw:/",      "escape-fresh-proc", "escape-umount-root", "map-rewrite",
	    "remount-ro-mounts", "mkfile:/tmp",       "umount-inside",      NULL};
	struct sp_config c;
	static struct sp_run r;
	struct sp_opts o = {.canaries = SP_CANARY_FILE | SP_CANARY_PID};
	for (int i = 0; gated[i]; i++)
		o.verbs[i] = gated[i];
	char before[256] = "", after[256] = "";
	gethostname(before, sizeof before - 1);
	config(tc, "adapters", "null", &c);
	ATF_REQUIRE_MSG(sp_run(&c, &o, &r) == 0, "harness: %s", r.reason);
	ATF_CHECK_MSG(r.verdict == SP_VERDICT_OK, "verdict %d: %s", (int)r.verdict, r.reason);
	for (int i = 0; gated[i]; i++) {
		char key[128];
		snprintf(key, sizeof key, "%s.same-as-host", gated[i]);
		ATF_CHECK_MSG(sp_is(&r, key, "1"), "%s is not 1: the gate did not hold", key);
	}
	gethostname(after, sizeof after - 1);
	ATF_CHECK_STREQ(before, after);
	ATF_CHECK(!sp_host_has_probe_mount(&r));
	ATF_CHECK_MSG(!sp_canary_state(&r, SP_CANARY_PID)->touched, "kill-all reached the canary");
	check_nothing_left(&r);
}

ATF_TC(hang_is_timed_out);
ATF_TC_HEAD(hang_is_timed_out, tc)
{
	head(tc,
	     "An adapter that never returns is killed at the run timeout, reported as timed out");
}
ATF_TC_BODY(hang_is_timed_out, tc)
{
	struct sp_run *r = run(tc, "hostile", "hang");
	CHECK_BROKEN(r, "timed out after [0-9]+ s and was killed");
	check_nothing_left(r);
}

ATF_TC(flood_is_capped);
ATF_TC_HEAD(flood_is_capped, tc)
{
	head(tc, "An adapter that floods standard output is cut at 1 MiB and killed");
}
ATF_TC_BODY(flood_is_capped, tc)
{
	struct sp_run *r = run(tc, "hostile", "flood");
	CHECK_BROKEN(r, "flooded standard output");
	ATF_CHECK(r->out_len <= SP_OUTPUT_CAP);
	check_nothing_left(r);
}

ATF_TC(setsid_survivor_is_killed);
ATF_TC_HEAD(setsid_survivor_is_killed, tc)
{
	head(tc, "A setsid() child the adapter leaves running is found, killed and reported");
}
ATF_TC_BODY(setsid_survivor_is_killed, tc)
{
	struct sp_run *r = run(tc, "hostile", "setsid");
	CHECK_BROKEN(r, "left 1 process\\(es\\) running after it exited \\(killed\\): pid [0-9]+ "
			"\\(sleep\\)");
	check_nothing_left(r);
}

ATF_TC(exit0_without_probe_is_broken);
ATF_TC_HEAD(exit0_without_probe_is_broken, tc)
{
	head(tc, "An adapter that exits 0 without running the probe is not a pass");
}
ATF_TC_BODY(exit0_without_probe_is_broken, tc)
{
	struct sp_run *r = run(tc, "hostile", "exit0");
	CHECK_BROKEN(r, "exited 0 without running the probe: no output");
	check_nothing_left(r);
}

ATF_TC(garbage_is_rejected);
ATF_TC_HEAD(garbage_is_rejected, tc)
{
	head(tc, "Output that is not the probe's report (no header with this run's nonce) is "
		 "rejected, even when it ends in 'end'");
}
ATF_TC_BODY(garbage_is_rejected, tc)
{
	struct sp_run *r = run(tc, "hostile", "garbage");
	CHECK_BROKEN(r, "not the probe's: first line 'Hello from a sandbox");
	ATF_CHECK(sp_get(r, "ids.uid") == NULL);
	check_nothing_left(r);
}

ATF_TC(bad_describe_is_refused);
ATF_TC_HEAD(bad_describe_is_refused, tc)
{
	head(tc, "An adapter whose describe is not key=value lines is refused with the line "
		 "quoted, although its run works");
}
ATF_TC_BODY(bad_describe_is_refused, tc)
{
	struct sp_config c;
	struct sp_description d;
	char err[1024];
	config(tc, "hostile", "bad-describe", &c);
	ATF_CHECK(sp_describe(&c, &d, err, sizeof err) != 0);
	ATF_CHECK_MSG(atf_utils_grep_string("describe is malformed: line 1 'This adapter", err),
		      "reason: %s", err);
	struct sp_run *r = run(tc, "hostile", "bad-describe");
	ATF_CHECK_MSG(r->verdict == SP_VERDICT_OK, "run verdict %d: %s", (int)r->verdict,
		      r->reason);
	check_nothing_left(r);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, null_control_is_ok);
	ATF_TP_ADD_TC(tp, canaries_reached_under_null);
	ATF_TP_ADD_TC(tp, hooks_and_nested_runs);
	ATF_TP_ADD_TC(tp, lifecycle_signals_and_kills);
	ATF_TP_ADD_TC(tp, tty_injection_is_seen);
	ATF_TP_ADD_TC(tp, safety_gates_hold_in_host_namespaces);
	ATF_TP_ADD_TC(tp, hang_is_timed_out);
	ATF_TP_ADD_TC(tp, flood_is_capped);
	ATF_TP_ADD_TC(tp, setsid_survivor_is_killed);
	ATF_TP_ADD_TC(tp, exit0_without_probe_is_broken);
	ATF_TP_ADD_TC(tp, garbage_is_rejected);
	ATF_TP_ADD_TC(tp, bad_describe_is_refused);
	return atf_no_error();
}
