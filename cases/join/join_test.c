/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * join: a program started later in a running sandbox (runc and crun `exec`, firejail `--join`)
 * must be confined exactly as the sandbox's first program.  The probe runs, and while it holds,
 * the adapter joins a second probe into the same sandbox; both are compared from outside
 * (/proc/PID of each) and by what each reports.  CVE-2016-9962: runc exec's setup process held
 * host descriptors where the container's pid 1 could reach them; CVE-2019-12589: firejail's
 * seccomp filters could be rewritten inside, so later joins ran unfiltered.
 */
#include "sp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct sp_run *
joined_pair(const atf_tc_t *tc, const struct sp_run **j)
{
	const struct sp_run *r = sp_probe_join(tc, &(const struct sp_opts){.verbs = {"fds"}}, j);
	sp_require_outside(r);
	sp_require_outside(*j);
	return r;
}

/* FIELD of both probes' /proc/PID/status (seen from outside) is the same. */
static void
check_same_status(const struct sp_run *r, const struct sp_run *j, const char *field)
{
	char a[512], b[512];
	const char *x = sp_outside_status(r, field, a, sizeof a);
	const char *y = sp_outside_status(j, field, b, sizeof b);
	ATF_CHECK_MSG(x != NULL && y != NULL && strcmp(x, y) == 0,
		      "%s: first probe (pid %d) '%s', joined probe (pid %d) '%s'", field,
		      (int)r->outside.pid, x ? x : "(absent)", (int)j->outside.pid,
		      y ? y : "(absent)");
}

SP_CASE(same_namespaces, "join.same-namespaces", NULL,
	"A program joined into the running sandbox is in each of its namespaces: user, mount, "
	"pid, uts, ipc, net, cgroup and time (/proc/PID/ns of both, from outside)")
{
	const struct sp_run *j, *r = joined_pair(tc, &j);
	for (int i = 0; i < SP_NS__COUNT; i++)
		ATF_CHECK_MSG(r->outside.ns[i] != 0 && r->outside.ns[i] == j->outside.ns[i],
			      "%s namespace: first probe %lu, joined probe %lu",
			      sp_ns_name((enum sp_ns)i), r->outside.ns[i], j->outside.ns[i]);
}

SP_CASE(same_root, "join.same-root", NULL,
	"A program joined into the running sandbox has the sandbox's root (dev:ino of "
	"/proc/PID/root of both, from outside)")
{
	const struct sp_run *j, *r = joined_pair(tc, &j);
	ATF_CHECK_MSG(r->outside.root_id[0] && strcmp(r->outside.root_id, j->outside.root_id) == 0,
		      "root: first probe %s, joined probe %s", r->outside.root_id,
		      j->outside.root_id);
}

SP_CASE(same_ids, "join.same-ids", NULL,
	"A program joined into the running sandbox has the first program's uid and gid maps, "
	"setgroups, user, group and supplementary ids (from outside)")
{
	const struct sp_run *j, *r = joined_pair(tc, &j);
	ATF_CHECK_STREQ_MSG(r->outside.uid_map, j->outside.uid_map, "uid_map");
	ATF_CHECK_STREQ_MSG(r->outside.gid_map, j->outside.gid_map, "gid_map");
	ATF_CHECK_STREQ_MSG(r->outside.setgroups, j->outside.setgroups, "setgroups");
	check_same_status(r, j, "Uid");
	check_same_status(r, j, "Gid");
	check_same_status(r, j, "Groups");
}

SP_CASE(same_capabilities, "join.same-capabilities", NULL,
	"A program joined into the running sandbox holds the first program's capabilities: "
	"inheritable, permitted, effective, bounding and ambient sets (from outside)")
{
	const struct sp_run *j, *r = joined_pair(tc, &j);
	static const char *const sets[] = {"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"};
	for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++)
		check_same_status(r, j, sets[i]);
}

SP_CASE(same_seccomp, "join.same-seccomp", "CVE-2019-12589",
	"A program joined into the running sandbox has the first program's no_new_privs, "
	"seccomp mode and number of seccomp filters (from outside)")
{
	const struct sp_run *j, *r = joined_pair(tc, &j);
	check_same_status(r, j, "NoNewPrivs");
	check_same_status(r, j, "Seccomp");
	check_same_status(r, j, "Seccomp_filters");
}

/* The outside view's "N=TARGET;..." names no descriptor above 2. */
static bool
outside_fds_standard(const char *fds)
{
	for (const char *p = fds; *p; p += strcspn(p, ";"), p += *p == ';')
		if (atoi(p) > 2)
			return false;
	return true;
}

SP_CASE(only_standard_descriptors, "join.only-standard-fds", "CVE-2016-9962",
	"A program joined into the running sandbox starts with only descriptors 0, 1 and 2, "
	"none a directory: nothing of the joining runtime leaks in (fstat inside, /proc/PID/fd "
	"outside)")
{
	const struct sp_run *j;
	joined_pair(tc, &j);
	SP_CHECK_KEY(j, "fds.list", "0,1,2");
	SP_CHECK_KEY(j, "fds.dirs", "");
	ATF_CHECK_MSG(outside_fds_standard(j->outside.fds),
		      "outside, the joined probe (pid %d) has more than descriptors 0-2: %s",
		      (int)j->outside.pid, j->outside.fds);
}

SP_CASE(keyring_canary, "join.keyring", NULL,
	"A program joined into the running sandbox cannot find a user key of the session "
	"keyring of the process that started the sandbox (KEYCTL_SEARCH and request_key fail), "
	"as the first program cannot")
{
	sp_require_feature(tc, SP_FEAT_KEYRING);
	const struct sp_run *j,
	    *r = sp_probe_join(
		tc, &(const struct sp_opts){.canaries = SP_CANARY_KEY, .verbs = {"canary:key"}},
		&j);
	SP_CHECK_KEY(j, "canary:key.reached", "0");
	SP_CHECK_UNREACHED(r, SP_CANARY_KEY);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, same_namespaces);
	ATF_TP_ADD_TC(tp, same_root);
	ATF_TP_ADD_TC(tp, same_ids);
	ATF_TP_ADD_TC(tp, same_capabilities);
	ATF_TP_ADD_TC(tp, same_seccomp);
	ATF_TP_ADD_TC(tp, only_standard_descriptors);
	ATF_TP_ADD_TC(tp, keyring_canary);
	return atf_no_error();
}
