/* SPDX-License-Identifier: BSD-2-Clause */
/* userns: the sandbox's user namespace, seen from inside (the probe) and outside (/proc/PID). */
#include "sp.h"

#include <string.h>

/* The identity map "0 0 4294967295" is the initial user namespace's: ids mean the host's ids. */
static bool
is_identity_map(const char *map)
{
	return strcmp(map, "0 0 4294967295") == 0;
}

SP_CASE(user_namespace_is_private, "userns.private", NULL,
	"The sandboxed process runs in a user namespace other than the host's, with an id "
	"mapping of its own rather than the host's identity map (outside view: "
	"/proc/PID/ns/user and uid_map)")
{
	sp_require_feature(tc, SP_FEAT_USERNS);
	const struct sp_run *r = sp_probe(tc, 0, "ids", "maps");
	sp_require_outside(r);
	SP_CHECK_NS_PRIVATE(r, SP_NS_USER);
	ATF_CHECK_MSG(!is_identity_map(r->outside.uid_map),
		      "uid_map of pid %d seen from the host is the identity '%s'",
		      (int)r->outside.pid, r->outside.uid_map);
}

SP_CASE(setgroups_denied, "userns.setgroups-denied", "CVE-2014-8989",
	"In the sandbox's user namespace /proc/self/setgroups reads 'deny' and setgroups() fails "
	"with EPERM, so supplementary groups cannot be dropped to bypass group-deny permissions")
{
	sp_require_feature(tc, SP_FEAT_USERNS);
	const struct sp_run *r = sp_probe(tc, 0, "maps", "setgroups");
	SP_CHECK_KEY(r, "maps.setgroups", "deny");
	SP_CHECK_KEY(r, "setgroups.result", "EPERM");
	ATF_CHECK_MSG(strcmp(r->outside.setgroups, "deny") == 0,
		      "/proc/%d/setgroups seen from the host reads '%s'", (int)r->outside.pid,
		      r->outside.setgroups);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, user_namespace_is_private);
	ATF_TP_ADD_TC(tp, setgroups_denied);
	return atf_no_error();
}
