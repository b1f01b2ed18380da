/* SPDX-License-Identifier: BSD-2-Clause */
/* The last step in the process that becomes the command: attributes, then execve. */
#include "internal.h"
#include "syscalls.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>

extern char **environ;

static int
apply_env(const struct sbx_config *cfg, struct sbx_error *err)
{
	bool clear = cfg->clearenv && !(cfg->testing & SBX_TESTING_CLEARENV);
	if (clear) {
		/* Values of kept variables survive clearenv(): glibc frees only the array. */
		const char *kept[SBX_MAX_ENV];
		for (size_t i = 0; i < cfg->nenv; i++)
			kept[i] = cfg->env[i].op == SBX_ENV_KEEP ? getenv(cfg->env[i].name) : NULL;
		if (clearenv() != 0)
			return sbx_fail(err, ENOMEM, "environment", "", "clearenv");
		for (size_t i = 0; i < cfg->nenv; i++)
			if (kept[i] && setenv(cfg->env[i].name, kept[i], 1) < 0)
				return sbx_fail(err, errno, "environment", cfg->env[i].name, NULL);
	}
	if (cfg->testing & SBX_TESTING_CLEARENV)
		return 0;
	for (size_t i = 0; i < cfg->nenv; i++) {
		const struct sbx_env *e = &cfg->env[i];
		int r = 0;
		if (e->op == SBX_ENV_SET)
			r = setenv(e->name, e->value, 1);
		else if (e->op == SBX_ENV_UNSET)
			r = unsetenv(e->name);
		if (r < 0)
			return sbx_fail(err, errno, "environment", e->name, NULL);
	}
	return 0;
}

/* Like a shell: a name without '/' is looked up in PATH; ENOENT everywhere means "not found"
 * (127), a file found but not executable gives that error (126). */
static int
exec_search(const char *file, char *const argv[], struct sbx_error *err)
{
	if (strchr(file, '/')) {
		execve(file, argv, environ);
		return sbx_fail(err, errno, "exec", file, NULL);
	}
	const char *path = getenv("PATH");
	if (!path || !path[0])
		path = "/usr/local/bin:/usr/bin:/bin";
	int found = 0;
	char buf[PATH_MAX];
	for (const char *p = path;;) {
		const char *e = strchrnul(p, ':');
		int n = snprintf(buf, sizeof(buf), "%.*s%s%s", (int)(e - p), p, e == p ? "" : "/",
				 file);
		if (n > 0 && (size_t)n < sizeof(buf)) {
			execve(buf, argv, environ);
			switch (errno) {
			case ENOENT:
			case ENOTDIR:
			case ESTALE:
			case ELOOP:
			case ENAMETOOLONG:
				break;
			case EACCES: {
				/* A directory of PATH we may not search is skipped, as sh does;
				 * a file found but not executable is the answer (126). */
				struct stat st;
				if (stat(buf, &st) == 0)
					found = EACCES;
				break;
			}
			default:
				return sbx_fail(err, errno, "exec", buf, NULL);
			}
		}
		if (!*e)
			break;
		p = e + 1;
	}
	return sbx_fail(err, found ? found : ENOENT, "exec", file, "%s",
			found ? "" : "command not found");
}

int
sbx_exec(const struct sbx_config *cfg, char *const argv[], struct sbx_error *err)
{
	sbx_error_clear(err);
	int r = sbx_config_error(cfg, err);
	if (r < 0)
		return r;
	if (!argv || !argv[0])
		return sbx_fail(err, EINVAL, "exec", "", "no command");
	/* A new session: the command loses the controlling terminal, so it cannot push input
	 * into the caller's terminal with TIOCSTI (CVE-2017-5226, bubblewrap). */
	if (cfg->new_session && !(cfg->testing & SBX_TESTING_NEW_SESSION)) {
		if (setsid() < 0)
			return sbx_fail(err, errno, "setsid", "", NULL);
		sbx_log(cfg, 0, "setsid", "%s", "");
	}
	/* PR_SET_PDEATHSIG is cleared by a credential change, so it comes after any. */
	if (cfg->die_with_parent && !(cfg->testing & SBX_TESTING_DIE_WITH_PARENT)) {
		if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
			return sbx_fail(err, errno, "die-with-parent", "", NULL);
	}
	for (size_t i = 0; i < cfg->nrlimits; i++)
		if (setrlimit(cfg->rlimits[i].resource, &cfg->rlimits[i].lim) < 0)
			return sbx_fail(err, errno, "setrlimit", "", "resource %d",
					cfg->rlimits[i].resource);
	if (cfg->cwd && chdir(cfg->cwd) < 0)
		return sbx_log(cfg, sbx_fail(err, errno, "chdir", cfg->cwd, NULL), "chdir", "%s",
			       cfg->cwd);
	if ((r = apply_env(cfg, err)) < 0)
		return r;
	/* No descriptor of the launcher may reach the command: a leaked directory fd of the
	 * host is a way out of any root (CVE-2024-21626, runc).  Marked close-on-exec rather
	 * than closed, so the error pipe keeps working until execve succeeds. */
	if (!(cfg->testing & SBX_TESTING_CLOSE_FDS)) {
		if (sbx_close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
			for (int fd = 3; fd < 65536; fd++)
				fcntl(fd, F_SETFD, FD_CLOEXEC);
		}
	}
	if ((r = sbx_new_session_keyring(cfg, err)) < 0)
		return r;
	if ((r = sbx_caps_apply(cfg, err)) < 0)
		return r;
	/* Last, just before execve: no_new_privs keeps setuid and file capabilities from
	 * granting anything from here on (prctl(2), PR_SET_NO_NEW_PRIVS). */
	if (cfg->nnp && !(cfg->testing & SBX_TESTING_NNP)) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			return sbx_fail(err, errno, "no_new_privs", "", NULL);
	}
	sbx_log(cfg, 0, "exec", "%s", argv[0]);
	return exec_search(argv[0], argv, err);
}
