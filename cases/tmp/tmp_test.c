/* SPDX-License-Identifier: BSD-2-Clause */
/* tmp: the sandbox's /tmp is a tmpfs of its own. */
#include "sp.h"

SP_CASE(tmp_is_private_tmpfs, "tmp.private-tmpfs", NULL,
	"/tmp inside the sandbox is a tmpfs of its own: a file in the host's /tmp is invisible")
{
	const struct sp_run *r = sp_probe(tc, SP_CANARY_TMP, "statfs:/tmp", "canary:tmp");
	SP_CHECK_KEY(r, "statfs:/tmp.type", "tmpfs");
	SP_CHECK_UNREACHED(r, SP_CANARY_TMP);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, tmp_is_private_tmpfs);
	return atf_no_error();
}
