/* SPDX-License-Identifier: BSD-2-Clause */
/* The pid namespace: is a given host pid visible, and who are this process's ancestors inside. */
#include "probe.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * PID (a number, or `canary` for the harness's canary process): kill(PID, 0) sends nothing, and
 * EPERM still proves the pid names a process here; /proc/PID is the other way to see it.
 */
int
sp_verb_pid_visible(const struct sp_verb_call *v)
{
	const char *arg = strcmp(v->arg, "canary") == 0 ? sp_opt("canary.pid") : v->arg;
	char *end;
	if (arg == NULL)
		return sp_cannot(v, "the harness planted no canary.pid");
	long pid = strtol(arg, &end, 10);
	if (*end != '\0' || pid <= 0)
		return sp_cannot(v, "'%s' is not a pid", arg);
	sp_kv(v, "pid", "%ld", pid);
	int r = kill((pid_t)pid, 0);
	int e = errno;
	sp_kv(v, "kill", "%s", r == 0 ? "ok" : sp_errname(e));
	char path[64];
	struct stat st;
	snprintf(path, sizeof path, "/proc/%ld", pid);
	int s = stat(path, &st);
	int se = errno;
	sp_kv(v, "proc", "%s", s == 0 ? "1" : se == ENOENT ? "0" : sp_errname(se));
	sp_kv(v, "visible", "%d", r == 0 || e == EPERM || s == 0);
	return SP_OBSERVED;
}

/* The parent of PID from /proc/PID/stat (0 for a process whose parent is in no visible pid ns). */
static long
parent_of(long pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	if (sp_read_text(path, buf, sizeof buf) <= 0)
		return -1;
	const char *after = strrchr(buf, ')');
	long ppid;
	if (after == NULL || sscanf(after, ") %*c %ld", &ppid) != 1)
		return -1;
	return ppid;
}

/*
 * This process and its ancestors as its own /proc shows them, up to the first whose parent is 0:
 * in a pid namespace of its own that is pid 1, the namespace's init.
 */
int
sp_verb_pid_ancestry(const struct sp_verb_call *v)
{
	char chain[1024] = "";
	size_t o = 0;
	long pid = (long)getpid(), top = pid;
	for (int i = 0; i < 64 && pid > 0; i++) {
		o += (size_t)snprintf(chain + o, sizeof chain - o, "%s%ld", o ? "," : "", pid);
		top = pid;
		long ppid = parent_of(pid);
		if (ppid < 0)
			return sp_cannot(v, "read /proc/%ld/stat: %s", pid, sp_errname(errno));
		pid = ppid;
		if (o + 24 >= sizeof chain)
			break;
	}
	sp_kv(v, "chain", "%s", chain);
	sp_kv(v, "top", "%ld", top);
	sp_kv(v, "ends-at-1", "%d", top == 1 && pid == 0);
	return SP_OBSERVED;
}
