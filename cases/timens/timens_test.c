/* SPDX-License-Identifier: BSD-2-Clause */
/* timens: where the adapter claims it, the sandbox has a time namespace of its own, so clock
 * offsets set inside never reach the host. */
#include "sp.h"

SP_CASE(time_namespace_is_private, "timens.private", NULL,
	"The sandbox is in a time namespace other than the host's, seen from inside and from the "
	"host (/proc/PID/ns/time)")
{
	sp_require_feature(tc, SP_FEAT_TIMENS);
	const struct sp_run *r = sp_probe(tc, 0, "ns");
	sp_require_outside(r);
	SP_CHECK_NS_PRIVATE(r, SP_NS_TIME);
	SP_CHECK_KEY(r, "ns.time.same-as-host", "0");
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, time_namespace_is_private);
	return atf_no_error();
}
