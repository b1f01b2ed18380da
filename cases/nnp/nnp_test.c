/* SPDX-License-Identifier: BSD-2-Clause */
/* nnp: no_new_privs, seen from inside (prctl) and outside (NoNewPrivs of /proc/PID/status). */
#include "sp.h"

#include <string.h>
#include <unistd.h>

SP_CASE(no_new_privs_is_set, "nnp.set", NULL,
	"no_new_privs is set for the sandboxed process, so execve can grant it nothing "
	"(PR_GET_NO_NEW_PRIVS inside, NoNewPrivs of /proc/PID/status outside)")
{
	const struct sp_run *r = sp_probe(tc, 0, "nnp");
	sp_require_outside(r);
	char out[32];
	SP_CHECK_KEY(r, "nnp.set", "1");
	const char *o = sp_outside_status(r, "NoNewPrivs", out, sizeof out);
	ATF_CHECK_MSG(o && strcmp(o, "1") == 0, "outside, NoNewPrivs of pid %d is %s",
		      (int)r->outside.pid, o ? o : "(absent)");
}

SP_CASE(setuid_exec_keeps_identity, "nnp.setuid-exec-no-gain", NULL,
	"A set-user-ID root binary run inside the sandbox does not change the caller's identity: "
	"after dropping to uid 65534 where it can, the probe executes a root-owned mode 4755 copy "
	"of itself, which reports the same effective uid and no privileged execution (AT_SECURE)")
{
	if (geteuid() != 0)
		atf_tc_skip("needs-root: only root can make the set-user-ID root copy of the probe "
			    "this case executes");
	const struct sp_run *r = sp_probe_opts(
	    tc, &(const struct sp_opts){.verbs = {"exec-privs:setuid"}, .privileged_copies = true});
	char b1[512], b2[512];
	const char *before = sp_get(r, "exec-privs:setuid.before.euid");
	const char *after = sp_get(r, "exec-privs:setuid.euid");
	ATF_CHECK_MSG(before && after && strcmp(before, after) == 0,
		      "euid %s before execve of the setuid copy, %s after", before ? before : "?",
		      sp_show(r, "exec-privs:setuid.euid", b1, sizeof b1));
	ATF_CHECK_MSG(sp_is(r, "exec-privs:setuid.secure", "0"),
		      "AT_SECURE of the setuid copy is %s (privileges changed at execve)",
		      sp_show(r, "exec-privs:setuid.secure", b2, sizeof b2));
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, no_new_privs_is_set);
	ATF_TP_ADD_TC(tp, setuid_exec_keeps_identity);
	return atf_no_error();
}
