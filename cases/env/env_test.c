/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * env: the environment the sandboxed program starts with, where the adapter claims a clean one.
 * Each case puts a variable in the environment the adapter starts with (the harness's canary, or
 * one the case sets in its own process, which the harness passes on) and looks for it inside (the
 * probe's `getenv`) and outside (/proc/PID/environ of the live probe).  The dynamic loader's
 * variables are set to ":", a list of no objects, so that the adapter's own programs, which see
 * them too, run unchanged and quietly.
 */
#include "sp.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct env_view {
	const char *name; /* the variable looked for; NULL: the harness's canary */
	char looked[128];
	int seen; /* in /proc/PID/environ: 1, 0, or -1 when unreadable */
};

static int
environ_hook(struct sp_run *r, unsigned n, void *arg)
{
	struct env_view *v = arg;
	if (n != 0 || !r->outside.seen)
		return 0;
	snprintf(v->looked, sizeof v->looked, "%s", v->name ? v->name : r->canary.env_name);
	char path[64], buf[65536];
	snprintf(path, sizeof path, "/proc/%d/environ", (int)r->outside.pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t len = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
	if (fd >= 0)
		close(fd);
	v->seen = len < 0 ? -1 : 0;
	size_t nl = strlen(v->looked);
	for (ssize_t i = 0; len > 0 && i < len;
	     i += (ssize_t)strnlen(buf + i, (size_t)(len - i)) + 1)
		if (strncmp(buf + i, v->looked, nl) == 0 && buf[i + (ssize_t)nl] == '=')
			v->seen = 1;
	return 0;
}

/* Run VERB with /proc/PID/environ of the live probe searched from outside for V's variable. */
static const struct sp_run *
probe_env(const atf_tc_t *tc, struct env_view *v, unsigned canaries, const char *verb)
{
	v->seen = -1;
	const struct sp_run *r = sp_probe_opts(
	    tc, &(const struct sp_opts){
		    .verbs = {verb}, .canaries = canaries, .hook = environ_hook, .hook_arg = v});
	sp_require_outside(r);
	return r;
}

static void
check_outside_absent(const struct sp_run *r, const struct env_view *v)
{
	ATF_CHECK_MSG(v->seen == 0, "outside, /proc/%d/environ %s %s", (int)r->outside.pid,
		      v->seen < 0 ? "could not be read to look for" : "holds", v->looked);
}

SP_CASE(canary_variable_unreached, "env.canary-unreached", NULL,
	"A variable in the environment the adapter was started with (the harness's canary) does "
	"not reach the sandboxed program (inside: the probe; outside: /proc/PID/environ)")
{
	struct env_view v = {.name = NULL};
	const struct sp_run *r = probe_env(tc, &v, SP_CANARY_ENV, "canary:env");
	SP_CHECK_UNREACHED(r, SP_CANARY_ENV);
	check_outside_absent(r, &v);
}

#define ABSENT_CASE(fn, id, var, value, why)                                                       \
	SP_CASE(fn, "env." id, NULL,                                                               \
		"The launcher's " var " does not reach the sandboxed program (" why "; inside: "   \
		"the probe, outside: /proc/PID/environ)")                                          \
	{                                                                                          \
		struct env_view v = {.name = var};                                                 \
		ATF_REQUIRE(setenv(var, value, 1) == 0);                                           \
		const struct sp_run *r = probe_env(tc, &v, 0, "getenv:" var);                      \
		SP_CHECK_KEY(r, "getenv:" var ".set", "0");                                        \
		check_outside_absent(r, &v);                                                       \
	}

ABSENT_CASE(no_ld_preload, "no-ld-preload", "LD_PRELOAD", ":",
	    "it would load a library of the launcher's choosing into every program inside")
ABSENT_CASE(no_ld_library_path, "no-ld-library-path", "LD_LIBRARY_PATH",
	    "/nonexistent/sandproof-lib", "it redirects the dynamic loader's search")
ABSENT_CASE(no_ld_audit, "no-ld-audit", "LD_AUDIT", ":",
	    "it loads an auditing library into every program inside")
ABSENT_CASE(no_session_bus, "no-session-bus-address", "DBUS_SESSION_BUS_ADDRESS",
	    "unix:path=/nonexistent/sandproof-bus", "it points at the user's session bus")
ABSENT_CASE(no_ssh_agent, "no-ssh-auth-sock", "SSH_AUTH_SOCK", "/nonexistent/sandproof-agent",
	    "it points at the user's SSH agent")
ABSENT_CASE(no_xdg_runtime_dir, "no-xdg-runtime-dir", "XDG_RUNTIME_DIR", "/tmp",
	    "it points at the user's runtime directory of sockets: session bus, display, sound")
ABSENT_CASE(no_display, "no-display", "DISPLAY", ":99",
	    "it points at an X server, which lets any client read and inject keystrokes")

SP_CASE(home_is_not_the_callers, "env.home-not-callers", NULL,
	"HOME inside the sandbox is not the launcher's home directory, so programs do not go "
	"looking for the user's files there")
{
	const char *home = "/nonexistent/sandproof-home";
	ATF_REQUIRE(setenv("HOME", home, 1) == 0);
	const struct sp_run *r = sp_probe(tc, 0, "getenv:HOME");
	char b[512];
	ATF_CHECK_MSG(!sp_is(r, "getenv:HOME.value", home), "HOME inside is the launcher's '%s'",
		      sp_show(r, "getenv:HOME.value", b, sizeof b));
}

/* Every entry of the PATH list VALUE is an absolute directory (none empty, none relative). */
static bool
path_is_absolute_list(const char *value)
{
	for (const char *p = value; p;) {
		if (*p != '/')
			return false;
		p = strchr(p, ':');
		p = p ? p + 1 : NULL;
	}
	return true;
}

SP_CASE(path_is_sane, "env.path-sane", NULL,
	"PATH inside the sandbox, where set, lists absolute directories only: no empty or "
	"relative entry of the launcher's (such as '.') makes programs run files from their "
	"working directory")
{
	char path[8192];
	snprintf(path, sizeof path, "%s:.:sandproof-relative",
		 getenv("PATH") ? getenv("PATH") : "");
	ATF_REQUIRE(setenv("PATH", path, 1) == 0);
	const struct sp_run *r = sp_probe(tc, 0, "getenv:PATH");
	const char *v = sp_get(r, "getenv:PATH.value");
	ATF_CHECK_MSG(v == NULL || path_is_absolute_list(v), "PATH inside is '%s'", v);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, canary_variable_unreached);
	ATF_TP_ADD_TC(tp, no_ld_preload);
	ATF_TP_ADD_TC(tp, no_ld_library_path);
	ATF_TP_ADD_TC(tp, no_ld_audit);
	ATF_TP_ADD_TC(tp, no_session_bus);
	ATF_TP_ADD_TC(tp, no_ssh_agent);
	ATF_TP_ADD_TC(tp, no_xdg_runtime_dir);
	ATF_TP_ADD_TC(tp, no_display);
	ATF_TP_ADD_TC(tp, home_is_not_the_callers);
	ATF_TP_ADD_TC(tp, path_is_sane);
	return atf_no_error();
}
