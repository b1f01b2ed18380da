/* SPDX-License-Identifier: BSD-2-Clause */
/* mountns: the sandbox's mount table is its own. */
#include "sp.h"

SP_CASE(mount_inside_invisible_on_host, "mountns.mount-stays-inside", NULL,
	"A mount made inside the sandbox (a read-only tmpfs named after the run) never appears in "
	"the host's mount table")
{
	sp_require_feature(tc, SP_FEAT_MNTNS);
	const struct sp_run *r = sp_probe(tc, 0, "mount-tmpfs");
	sp_require_outside(r);
	SP_CHECK_NS_PRIVATE(r, SP_NS_MNT);
	SP_CHECK_KEY_NOT(r, "mount-tmpfs.result", "refused");
	ATF_CHECK_MSG(!sp_host_has_probe_mount(r),
		      "the host's mount table shows the probe's tmpfs 'sp-%s'", r->nonce);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, mount_inside_invisible_on_host);
	return atf_no_error();
}
