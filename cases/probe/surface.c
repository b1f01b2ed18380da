/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Attack surface: which namespaces the sandboxed process can still create.  Nested namespaces
 * are how kernel bugs reachable only with CAP_SYS_ADMIN over a namespace (CVE-2022-0185,
 * CVE-2021-22555, CVE-2023-0386) come within an unprivileged process's reach.  Information for
 * the report (`sandproof run`), not a verdict.  Tried in a forked child that exits at once, so
 * nothing changes for the probe or, under a negative control, for the host.
 */
#include "probe.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const struct {
	const char *name;
	int flag;
} ns_flags[] = {
    {"user", CLONE_NEWUSER},     {"mnt", CLONE_NEWNS},    {"pid", CLONE_NEWPID},
    {"net", CLONE_NEWNET},       {"uts", CLONE_NEWUTS},   {"ipc", CLONE_NEWIPC},
    {"cgroup", CLONE_NEWCGROUP}, {"time", CLONE_NEWTIME},
};

/* try-unshare:user+net: unshare(CLONE_NEWUSER | CLONE_NEWNET) in a child; `result` ok or errno. */
int
sp_verb_try_unshare(const struct sp_verb_call *v)
{
	int flags = 0;
	char list[128];
	snprintf(list, sizeof list, "%s", v->arg);
	char *save = NULL;
	for (char *t = strtok_r(list, "+", &save); t != NULL; t = strtok_r(NULL, "+", &save)) {
		size_t i;
		for (i = 0; i < sizeof ns_flags / sizeof ns_flags[0]; i++)
			if (strcmp(t, ns_flags[i].name) == 0)
				break;
		if (i == sizeof ns_flags / sizeof ns_flags[0])
			return sp_cannot(v, "unknown namespace type '%s'", t);
		flags |= ns_flags[i].flag;
	}
	pid_t pid = fork();
	if (pid < 0)
		return sp_cannot(v, "fork: %s", sp_errname(errno));
	if (pid == 0)
		_exit(unshare(flags) == 0 ? 0 : (errno & 0xff));
	int st;
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return sp_cannot(v, "child did not exit");
	sp_kv(v, "result", "%s", WEXITSTATUS(st) == 0 ? "ok" : sp_errname(WEXITSTATUS(st)));
	return SP_OBSERVED;
}
