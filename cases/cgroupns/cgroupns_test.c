/* SPDX-License-Identifier: BSD-2-Clause */
/* cgroupns: the sandbox has a cgroup namespace of its own, rooted at its own cgroup, so the
 * host's cgroup tree (and the sandbox's place in it) is hidden. */
#include "sp.h"

#include <string.h>

SP_CASE(cgroup_namespace_is_private, "cgroupns.private", NULL,
	"The sandbox is in a cgroup namespace other than the host's, seen from inside and from the "
	"host (/proc/PID/ns/cgroup)")
{
	sp_require_feature(tc, SP_FEAT_CGROUPNS);
	const struct sp_run *r = sp_probe(tc, 0, "ns");
	sp_require_outside(r);
	SP_CHECK_NS_PRIVATE(r, SP_NS_CGROUP);
	SP_CHECK_KEY(r, "ns.cgroup.same-as-host", "0");
}

/* Does every line of a /proc/self/cgroup text (lines joined by ';') end in ":/"? */
static bool
all_at_root(const char *text)
{
	for (const char *l = text; l && *l; l = strchr(l, ';'), l = l ? l + 1 : NULL) {
		size_t n = strcspn(l, ";");
		if (n < 2 || strncmp(l + n - 2, ":/", 2) != 0)
			return false;
	}
	return text != NULL && *text != '\0';
}

SP_CASE(self_cgroup_shows_namespace_root, "cgroupns.self-at-root", NULL,
	"/proc/self/cgroup shows the namespace root ('0::/', '/' in every hierarchy): the path of "
	"the sandbox's cgroup on the host does not leak")
{
	sp_require_feature(tc, SP_FEAT_CGROUPNS);
	const struct sp_run *r = sp_probe(tc, 0, "read:/proc/self/cgroup");
	const char *c = sp_get(r, "read:/proc/self/cgroup.content");
	ATF_CHECK_MSG(all_at_root(c), "/proc/self/cgroup inside reads '%s'", c);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, cgroup_namespace_is_private);
	ATF_TP_ADD_TC(tp, self_cgroup_shows_namespace_root);
	return atf_no_error();
}
