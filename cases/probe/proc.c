/* SPDX-License-Identifier: BSD-2-Clause */
/* The process: pid, session, visible pids, capabilities, no_new_privs, seccomp, kill(-1). */
#include "probe.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

/* The value of FIELD ("CapEff", "Seccomp", ...) in /proc/self/status, or NULL. */
static const char *
status_field(const char *field, char *out, size_t size)
{
	static char buf[8192];
	if (sp_read_text("/proc/self/status", buf, sizeof buf) < 0)
		return NULL;
	size_t flen = strlen(field);
	for (char *line = buf; line && *line;
	     line = strchr(line, '\n'), line = line ? line + 1 : 0) {
		if (strncmp(line, field, flen) != 0 || line[flen] != ':')
			continue;
		const char *p = line + flen + 1;
		while (*p == ' ' || *p == '\t')
			p++;
		size_t n = strcspn(p, "\n");
		snprintf(out, size, "%.*s", (int)n, p);
		return out;
	}
	return NULL;
}

int
sp_verb_proc(const struct sp_verb_call *v)
{
	sp_kv(v, "pid", "%d", (int)getpid());
	sp_kv(v, "ppid", "%d", (int)getppid());
	sp_kv(v, "sid", "%d", (int)getsid(0));
	sp_kv(v, "pgid", "%d", (int)getpgid(0));
	char buf[1024];
	ssize_t n = sp_read_text("/proc/self/stat", buf, sizeof buf);
	const char *after = n > 0 ? strrchr(buf, ')') : NULL;
	int tty_nr = 0;
	if (after && sscanf(after, ") %*c %*d %*d %*d %d", &tty_nr) == 1)
		sp_kv(v, "tty_nr", "%d", tty_nr);
	char nspid[256];
	if (status_field("NSpid", nspid, sizeof nspid))
		sp_kv(v, "nspid", "%s", nspid);
	return SP_OBSERVED;
}

struct pid_list {
	char list[8192];
	size_t o;
	unsigned count;
};

static bool
add_pid(const char *pid, void *arg)
{
	struct pid_list *l = arg;
	l->count++;
	if (l->o + 16 < sizeof l->list)
		l->o += (size_t)snprintf(l->list + l->o, sizeof l->list - l->o, "%s%s",
					 l->o ? "," : "", pid);
	return true;
}

int
sp_verb_pids(const struct sp_verb_call *v)
{
	struct pid_list l = {.o = 0};
	int r = sp_each_pid(add_pid, &l);
	if (r < 0)
		return sp_cannot(v, "opendir /proc: %s", sp_errname(-r));
	sp_kv(v, "count", "%u", l.count);
	sp_kv(v, "list", "%s", l.list);
	return SP_OBSERVED;
}

int
sp_verb_caps(const struct sp_verb_call *v)
{
	static const char *const sets[][2] = {
	    {"CapInh", "inh"}, {"CapPrm", "prm"}, {"CapEff", "eff"},
	    {"CapBnd", "bnd"}, {"CapAmb", "amb"},
	};
	char val[64];
	for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
		if (status_field(sets[i][0], val, sizeof val) == NULL)
			return sp_cannot(v, "no %s in /proc/self/status", sets[i][0]);
		sp_kv(v, sets[i][1], "%s", val);
	}
	return SP_OBSERVED;
}

int
sp_verb_nnp(const struct sp_verb_call *v)
{
	int r = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
	if (r < 0)
		return sp_cannot(v, "PR_GET_NO_NEW_PRIVS: %s", sp_errname(errno));
	sp_kv(v, "set", "%d", r);
	return SP_OBSERVED;
}

int
sp_verb_seccomp(const struct sp_verb_call *v)
{
	int r = prctl(PR_GET_SECCOMP, 0, 0, 0, 0);
	/* In strict mode PR_GET_SECCOMP kills; a filter may make it fail: then /proc says. */
	if (r >= 0)
		sp_kv(v, "mode", "%d", r);
	else
		sp_kv(v, "prctl", "%s", sp_errname(errno));
	char val[64];
	if (status_field("Seccomp", val, sizeof val))
		sp_kv(v, "status", "%s", val);
	if (status_field("Seccomp_filters", val, sizeof val))
		sp_kv(v, "filters", "%s", val);
	return SP_OBSERVED;
}

/*
 * kill(-1, SIGCONT) reaches every process the caller may signal in its pid namespace.  In the
 * host's pid namespace that would be every process of the user on the machine: never attempted
 * there.  SIGCONT is harmless to a running process; the harness's canary counts it.
 */
int
sp_verb_kill_all(const struct sp_verb_call *v)
{
	if (!sp_ns_differs_from_host(v, "pid")) {
		sp_kv(v, "result", "refused");
		return SP_OBSERVED;
	}
	if (kill(-1, SIGCONT) == 0)
		sp_kv(v, "result", "ok");
	else
		sp_kv(v, "result", "%s", sp_errname(errno));
	return SP_OBSERVED;
}
