/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pidns: the sandbox's processes live in a pid namespace of their own.  From outside, the host's
 * /proc says which processes share the probe's pid namespace (/proc/PID/ns/pid) and what they are
 * called in it (the last NSpid field); from inside, the probe lists its /proc and its ancestors.
 *
 * kill(-1, SIGCONT) is sent only by the probe's `kill-all`, which refuses in the host's pid
 * namespace; the canary process counts every signal it gets.
 */
#include "sp.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

SP_CASE(pid_namespace_is_private, "pidns.private", NULL,
	"The sandboxed process is in a pid namespace other than the host's, seen from inside "
	"(/proc/self/ns/pid against the host's inode) and from outside (/proc/PID/ns/pid)")
{
	sp_require_feature(tc, SP_FEAT_PIDNS);
	const struct sp_run *r = sp_probe(tc, 0, "ns");
	sp_require_outside(r);
	SP_CHECK_KEY(r, "ns.pid.same-as-host", "0");
	SP_CHECK_NS_PRIVATE(r, SP_NS_PID);
}

/* The NSpid field of /proc/PID/status: its number of levels and its last (innermost) pid. */
static int
nspid(const char *status_nspid, long *inner)
{
	int levels = 0;
	const char *p = status_nspid;
	*inner = -1;
	while (p && *p) {
		char *end;
		long v = strtol(p, &end, 10);
		if (end == p)
			break;
		*inner = v;
		levels++;
		p = end;
	}
	return levels;
}

SP_CASE(first_is_pid1, "pidns.first-is-pid1", NULL,
	"The sandbox's first process is pid 1 of its namespace, or pid 1 is its init: the probe's "
	"ancestors inside end at pid 1, and the host sees the probe one pid namespace deeper than "
	"itself, under the pid the probe reports (NSpid)")
{
	sp_require_feature(tc, SP_FEAT_PIDNS);
	const struct sp_run *r = sp_probe(tc, 0, "proc", "pid-ancestry");
	sp_require_outside(r);
	char b[512], ns[256];
	ATF_CHECK_MSG(sp_is(r, "pid-ancestry.ends-at-1", "1"),
		      "the probe's ancestors inside do not end at pid 1: %s",
		      sp_show(r, "pid-ancestry.chain", b, sizeof b));
	long inner;
	const char *f = sp_outside_status(r, "NSpid", ns, sizeof ns);
	int levels = f ? nspid(f, &inner) : 0;
	const char *pid = sp_get(r, "proc.pid");
	ATF_CHECK_MSG(levels >= 2 && pid && inner == atol(pid),
		      "seen from the host, NSpid of pid %d is '%s' (want two levels or more, the "
		      "last one the probe's pid %s)",
		      (int)r->outside.pid, f ? f : "?", pid ? pid : "?");
}

/* ---- the processes of the probe's pid namespace, from the host's /proc ------------------- */

struct members {
	bool seen;
	char why[320];
	long inner[256]; /* their pids inside */
	long host[256];  /* their host pids */
	size_t n;
	long init_host;       /* host pid of the namespace's pid 1, or -1 */
	bool init_descendant; /* it descends from this test process (the harness) */
};

static long
status_long(const char *status, const char *field)
{
	const char *p = strstr(status, field);
	return p ? atol(p + strlen(field)) : -1;
}

/* Does host pid PID descend from ANCESTOR (PPid chain in the host's /proc)? */
static bool
descends_from(long pid, long ancestor)
{
	for (int i = 0; i < 256 && pid > 1; i++) {
		char path[64], buf[4096];
		snprintf(path, sizeof path, "/proc/%ld/status", pid);
		if (sp_slurp(path, buf, sizeof buf) <= 0)
			return false;
		pid = status_long(buf, "\nPPid:");
		if (pid == ancestor)
			return true;
	}
	return false;
}

/*
 * The host's processes in the probe's pid namespace: /proc/X/ns/pid is the probe's.  A process
 * whose namespace link this user cannot read (a sandbox helper of another uid) counts when it
 * descends from this test process and sits as deep in the pid namespace tree as the probe.
 */
static int
members_hook(struct sp_run *r, unsigned n, void *arg)
{
	struct members *m = arg;
	if (n != 0)
		return 0;
	m->init_host = -1;
	if (!r->outside.seen) {
		snprintf(m->why, sizeof m->why, "no outside view: %s", r->outside.why_not);
		return 0;
	}
	char nsb[256];
	long dummy;
	const char *pf = sp_outside_status(r, "NSpid", nsb, sizeof nsb);
	int depth = pf ? nspid(pf, &dummy) : 0;
	unsigned long want = r->outside.ns[SP_NS_PID];
	DIR *d = opendir("/proc");
	if (d == NULL) {
		snprintf(m->why, sizeof m->why, "opendir /proc failed");
		return 0;
	}
	for (struct dirent *e; (e = readdir(d)) != NULL && m->n < 256;) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		char path[300], status[8192];
		struct stat st;
		long host = atol(e->d_name);
		snprintf(path, sizeof path, "/proc/%s/ns/pid", e->d_name);
		bool member;
		if (stat(path, &st) == 0)
			member = (unsigned long)st.st_ino == want;
		else
			member = descends_from(host, (long)getpid());
		snprintf(path, sizeof path, "/proc/%s/status", e->d_name);
		if (!member || sp_slurp(path, status, sizeof status) <= 0)
			continue;
		const char *ns = strstr(status, "\nNSpid:");
		long inner;
		if (ns == NULL || nspid(ns + 7, &inner) != depth)
			continue;
		m->inner[m->n] = inner;
		m->host[m->n++] = host;
		if (inner == 1) {
			m->init_host = host;
			m->init_descendant = descends_from(host, (long)getpid());
		}
	}
	closedir(d);
	m->seen = true;
	return 0;
}

/* Field 22 of /proc/PID/stat: start time in clock ticks after boot. */
static bool
starttime(const char *stat, unsigned long long *t)
{
	const char *after = stat ? strrchr(stat, ')') : NULL;
	return after && sscanf(after,
			       ") %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d "
			       "%*d %*d %*d %*d %*d %llu",
			       t) == 1;
}

SP_CASE(init_is_sandbox, "pidns.init-is-sandbox", NULL,
	"Pid 1 of the sandbox's pid namespace is a process of the sandbox, started by its "
	"launcher, not the host's init: from the host, the namespace's pid 1 is a descendant of "
	"the harness; from inside, /proc/1 is not the host's pid 1 (start time)")
{
	sp_require_feature(tc, SP_FEAT_PIDNS);
	static struct members m;
	const struct sp_run *r = sp_probe_opts(
	    tc, &(const struct sp_opts){
		    .verbs = {"proc", "read:/proc/1/stat"}, .hook = members_hook, .hook_arg = &m});
	ATF_REQUIRE_MSG(m.seen, "harness: %s", m.why);
	ATF_CHECK_MSG(m.init_host > 1 && m.init_descendant,
		      "pid 1 of the probe's pid namespace is host pid %ld, %s", m.init_host,
		      m.init_host < 0    ? "not found"
		      : m.init_host == 1 ? "the host's init"
					 : "not a descendant of the harness");
	char host1[1024], b[512];
	unsigned long long in_t = 0, host_t = 0;
	bool in_ok = starttime(sp_get(r, "read:/proc/1/stat.content"), &in_t);
	bool host_ok =
	    sp_slurp("/proc/1/stat", host1, sizeof host1) > 0 && starttime(host1, &host_t);
	ATF_CHECK_MSG(in_ok && host_ok && in_t != host_t,
		      "/proc/1 inside started at tick %llu, the host's pid 1 at %llu (%s)", in_t,
		      host_t, sp_show(r, "read:/proc/1/stat.content", b, sizeof b));
}

SP_CASE(only_own_processes, "pidns.only-own-processes", NULL,
	"The sandbox's /proc lists exactly the processes of its pid namespace, under their pids "
	"there: the host's /proc says which processes share the probe's namespace and what it "
	"calls them, and no host pid shows inside")
{
	sp_require_feature(tc, SP_FEAT_PIDNS);
	static struct members m;
	const struct sp_run *r = sp_probe_opts(
	    tc, &(const struct sp_opts){.verbs = {"pids"}, .hook = members_hook, .hook_arg = &m});
	ATF_REQUIRE_MSG(m.seen, "harness: %s", m.why);
	SP_CHECK_NS_PRIVATE(r, SP_NS_PID);
	const char *list = sp_get(r, "pids.list");
	char extra[1024] = "", missing[1024] = "", b[512];
	ATF_REQUIRE_MSG(list != NULL, "the probe listed no pids: %s",
			sp_show(r, "pids.list", b, sizeof b));
	/* inside, not in the namespace */
	for (const char *p = list; *p;) {
		long pid = strtol(p, NULL, 10);
		bool found = false;
		for (size_t i = 0; i < m.n && !found; i++)
			found = m.inner[i] == pid;
		size_t o = strlen(extra);
		if (!found && o + 24 < sizeof extra)
			snprintf(extra + o, sizeof extra - o, "%s%ld", o ? "," : "", pid);
		p += strcspn(p, ",");
		p += *p == ',';
	}
	/* in the namespace, not inside */
	for (size_t i = 0; i < m.n; i++) {
		char want[32];
		snprintf(want, sizeof want, ",%ld,", m.inner[i]);
		char padded[8200];
		snprintf(padded, sizeof padded, ",%s,", list);
		size_t o = strlen(missing);
		if (strstr(padded, want) == NULL && o + 48 < sizeof missing)
			snprintf(missing + o, sizeof missing - o, "%s%ld (host %ld)", o ? "," : "",
				 m.inner[i], m.host[i]);
	}
	ATF_CHECK_MSG(extra[0] == '\0' && missing[0] == '\0',
		      "/proc inside lists %.300s; not in the probe's pid namespace: %.300s; in it "
		      "but not listed: %.300s",
		      list, extra[0] ? extra : "none", missing[0] ? missing : "none");
}

SP_CASE(canary_invisible, "pidns.canary-invisible", NULL,
	"A host process (the canary) is invisible inside: kill(pid, 0) gives ESRCH and /proc has "
	"no entry for its pid")
{
	sp_require_feature(tc, SP_FEAT_PIDNS);
	const struct sp_run *r = sp_probe(tc, SP_CANARY_PID, "canary:pid", "pid-visible:canary");
	char b[512], k[512];
	SP_CHECK_UNREACHED(r, SP_CANARY_PID);
	ATF_CHECK_MSG(sp_is(r, "pid-visible:canary.visible", "0"),
		      "the canary's pid is visible inside: kill(pid, 0) %s, /proc entry %s",
		      sp_show(r, "pid-visible:canary.kill", k, sizeof k),
		      sp_show(r, "pid-visible:canary.proc", b, sizeof b));
}

SP_CASE(kill_all_contained, "pidns.kill-all-contained", NULL,
	"kill(-1, SIGCONT) from inside reaches only the sandbox's processes: the host's canary "
	"process, which counts the signals it gets, receives none (the probe refuses to send it "
	"in the host's pid namespace)")
{
	sp_require_feature(tc, SP_FEAT_PIDNS);
	const struct sp_run *r = sp_probe(tc, SP_CANARY_PID, "kill-all", "canary:pid");
	SP_CHECK_KEY_NOT(r, "kill-all.result", "refused");
	SP_CHECK_UNREACHED(r, SP_CANARY_PID);
}

SP_CASE(launcher_invisible, "pidns.launcher-invisible", NULL,
	"The processes that started the sandbox are invisible inside: neither the harness's pid "
	"nor its parent's answers kill(pid, 0) or has a /proc entry there")
{
	sp_require_feature(tc, SP_FEAT_PIDNS);
	static char self[48], parent[48], ks[96], kp[96];
	snprintf(self, sizeof self, "pid-visible:%d", (int)getpid());
	snprintf(parent, sizeof parent, "pid-visible:%d", (int)getppid());
	const struct sp_run *r = sp_probe(tc, 0, self, parent);
	snprintf(ks, sizeof ks, "%s.visible", self);
	snprintf(kp, sizeof kp, "%s.visible", parent);
	SP_CHECK_KEY(r, ks, "0");
	SP_CHECK_KEY(r, kp, "0");
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, pid_namespace_is_private);
	ATF_TP_ADD_TC(tp, first_is_pid1);
	ATF_TP_ADD_TC(tp, init_is_sandbox);
	ATF_TP_ADD_TC(tp, only_own_processes);
	ATF_TP_ADD_TC(tp, canary_invisible);
	ATF_TP_ADD_TC(tp, kill_all_contained);
	ATF_TP_ADD_TC(tp, launcher_invisible);
	return atf_no_error();
}
