/* SPDX-License-Identifier: BSD-2-Clause */
/* ipcns: the sandbox has an ipc namespace of its own: no SysV object or POSIX message queue of
 * the host is visible in it. */
#include "sp.h"

SP_CASE(ipc_namespace_is_private, "ipcns.private", NULL,
	"The sandbox is in an ipc namespace other than the host's, seen from inside and from the "
	"host (/proc/PID/ns/ipc)")
{
	sp_require_feature(tc, SP_FEAT_IPCNS);
	const struct sp_run *r = sp_probe(tc, 0, "ns");
	sp_require_outside(r);
	SP_CHECK_NS_PRIVATE(r, SP_NS_IPC);
	SP_CHECK_KEY(r, "ns.ipc.same-as-host", "0");
}

SP_CASE(sysv_canary_is_unreachable, "ipcns.sysv-canary", NULL,
	"The host's SysV message queue cannot be found by its key (msgget) and was not used")
{
	sp_require_feature(tc, SP_FEAT_SYSV_IPC);
	const struct sp_run *r = sp_probe(tc, SP_CANARY_SYSV, "canary:sysv");
	SP_CHECK_UNREACHED(r, SP_CANARY_SYSV);
}

SP_CASE(sysv_canary_is_unlisted, "ipcns.sysv-unlisted", NULL,
	"The host's SysV message queue is not listed in /proc/sysvipc/msg inside the sandbox")
{
	sp_require_feature(tc, SP_FEAT_SYSV_IPC);
	const struct sp_run *r = sp_probe(tc, SP_CANARY_SYSV, "sysv-msg");
	ATF_CHECK_MSG(sp_get(r, "sysv-msg.errno") != NULL || sp_is(r, "sysv-msg.canary", "0"),
		      "/proc/sysvipc/msg lists the host's canary queue (canary=%s, %s queues)",
		      sp_get(r, "sysv-msg.canary"), sp_get(r, "sysv-msg.count"));
}

SP_CASE(posix_mqueue_canary_is_unreachable, "ipcns.mqueue-canary", NULL,
	"The host's POSIX message queue cannot be opened by its name (mq_open) and was not used")
{
	sp_require_feature(tc, SP_FEAT_POSIX_MQUEUE);
	const struct sp_run *r = sp_probe(tc, SP_CANARY_MQUEUE, "canary:mqueue");
	SP_CHECK_UNREACHED(r, SP_CANARY_MQUEUE);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, ipc_namespace_is_private);
	ATF_TP_ADD_TC(tp, sysv_canary_is_unreachable);
	ATF_TP_ADD_TC(tp, sysv_canary_is_unlisted);
	ATF_TP_ADD_TC(tp, posix_mqueue_canary_is_unreachable);
	return atf_no_error();
}
