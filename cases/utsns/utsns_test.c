/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * utsns: the sandbox has a uts namespace of its own, so its host name is its own.  The probe sets
 * the host name only when its uts namespace is not the host's (docs/PROBE.md, Safety).
 */
#include "sp.h"

#include <string.h>
#include <unistd.h>

SP_CASE(uts_namespace_is_private, "utsns.private", NULL,
	"The sandbox is in a uts namespace other than the host's, seen from inside and from the "
	"host (/proc/PID/ns/uts)")
{
	sp_require_feature(tc, SP_FEAT_UTSNS);
	const struct sp_run *r = sp_probe(tc, 0, "ns");
	sp_require_outside(r);
	SP_CHECK_NS_PRIVATE(r, SP_NS_UTS);
	SP_CHECK_KEY(r, "ns.uts.same-as-host", "0");
}

SP_CASE(sethostname_stays_inside, "utsns.sethostname-stays-inside", NULL,
	"Setting the host name inside the sandbox never changes the host's: the attempt is made "
	"in a uts namespace known not to be the host's, and the host's name is the same afterwards")
{
	sp_require_feature(tc, SP_FEAT_UTSNS);
	const struct sp_run *r = sp_probe(tc, 0, "sethostname", "hostname");
	char now[256] = "";
	gethostname(now, sizeof now - 1);
	ATF_CHECK_MSG(!sp_is(r, "sethostname.result", "refused"), "sethostname was not tried: %s",
		      sp_get(r, "sethostname.refused"));
	ATF_CHECK_MSG(strcmp(now, r->host.hostname) == 0, "the host's name changed: '%s' -> '%s'",
		      r->host.hostname, now);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, uts_namespace_is_private);
	ATF_TP_ADD_TC(tp, sethostname_stays_inside);
	return atf_no_error();
}
