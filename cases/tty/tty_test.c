/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tty: the sandbox and the terminal of the session that started it.  With opts.stdin_tty the
 * harness gives the adapter a new pseudo-terminal as standard input, the controlling terminal of
 * the adapter's own session, as an interactive shell's would be; what the probe pushes into it
 * shows on the master (sp_tty_injected).
 */
#include "sp.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* The live probe's session and controlling terminal as the host sees them (/proc/PID/stat),
 * and the session of the adapter (the process that started the sandbox), taken at `end`. */
struct session_view {
	bool seen;
	int sid, tty_nr, adapter_sid;
};

static int
view_session(struct sp_run *r, unsigned n, void *arg)
{
	struct session_view *s = arg;
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)r->outside.pid);
	ssize_t len = n == 0 && r->outside.seen ? sp_slurp(path, buf, sizeof buf) : -1;
	const char *p = len > 0 ? strrchr(buf, ')') : NULL;
	s->seen = p && sscanf(p, ") %*c %*d %*d %d %d", &s->sid, &s->tty_nr) == 2;
	s->adapter_sid = (int)getsid(r->adapter_pid);
	return 0;
}

static const struct sp_run *
probe_on_tty(const atf_tc_t *tc, struct session_view *s, const char *verb)
{
	sp_require_feature(tc, SP_FEAT_PTY);
	const struct sp_opts o = {
	    .verbs = {"proc", verb}, .stdin_tty = true, .hook = view_session, .hook_arg = s};
	const struct sp_run *r = sp_probe_opts(tc, &o);
	ATF_REQUIRE_MSG(s->seen, "/proc/%d/stat of the live probe was not read from the host",
			(int)r->outside.pid);
	return r;
}

SP_CASE(new_session, "tty.new-session", NULL,
	"The sandboxed process runs in a session of its own, not in the session of the process "
	"that started it (outside view: the session in /proc/PID/stat)")
{
	struct session_view s = {0};
	const struct sp_run *r = probe_on_tty(tc, &s, "proc");
	ATF_CHECK_MSG(s.sid != s.adapter_sid && s.sid != (int)getsid(0),
		      "the probe (pid %d) is in session %d, the adapter's (%d) or the harness's",
		      (int)r->outside.pid, s.sid, s.adapter_sid);
	SP_CHECK_KEY_NOT(r, "proc.sid", "0");
}

SP_CASE(no_controlling_terminal, "tty.no-controlling-terminal", NULL,
	"Given the starting session's terminal as standard input, the sandboxed process does not "
	"have it (or any terminal) as its controlling terminal (tty_nr 0, inside and outside)")
{
	struct session_view s = {0};
	const struct sp_run *r = probe_on_tty(tc, &s, "proc");
	SP_CHECK_KEY(r, "proc.tty_nr", "0");
	ATF_CHECK_MSG(s.tty_nr == 0,
		      "seen from the host, the probe's controlling terminal is %d:%d",
		      (s.tty_nr >> 8) & 0xfff, (s.tty_nr & 0xff) | ((s.tty_nr >> 12) & 0xfff00));
}

SP_CASE(tiocsti_blocked, "tty.tiocsti", "CVE-2017-5226",
	"TIOCSTI on standard input (the terminal of the session that started the sandbox) cannot "
	"push input into that session: refused inside, nothing arrives on the pty master")
{
	struct session_view s = {0};
	/* With dev.tty.legacy_tiocsti=0 only CAP_SYS_ADMIN may push: an unprivileged caller can
	 * then not tell a sandbox that protects from one that does not. */
	if (geteuid() != 0)
		sp_require_feature(tc, SP_FEAT_LEGACY_TIOCSTI);
	const struct sp_run *r = probe_on_tty(tc, &s, "tiocsti");
	SP_CHECK_KEY_NOT(r, "tiocsti.result", "ok");
	ATF_CHECK_MSG(!sp_tty_injected(r), "the pty master received the pushed text: '%s'",
		      r->tty_out);
}

SP_CASE(tioclinux_refused, "tty.tioclinux", "CVE-2023-28100",
	"No virtual console is within reach of TIOCLINUX from inside (standard input or "
	"/dev/tty0), so its selection paste cannot inject input into a console; not applicable "
	"on a host without virtual consoles")
{
	struct stat st;
	if (stat("/dev/tty0", &st) != 0 || !S_ISCHR(st.st_mode) || major(st.st_rdev) != 4)
		atf_tc_skip("not applicable: no virtual console (no /dev/tty0 on this host)");
	const struct sp_run *r = sp_probe(tc, 0, "vt-reach");
	SP_CHECK_KEY(r, "vt-reach.reached", "0");
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, new_session);
	ATF_TP_ADD_TC(tp, no_controlling_terminal);
	ATF_TP_ADD_TC(tp, tiocsti_blocked);
	ATF_TP_ADD_TC(tp, tioclinux_refused);
	return atf_no_error();
}
