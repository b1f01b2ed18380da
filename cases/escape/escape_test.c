/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * escape: classic ways out of a sandbox, each stopped at the proof (a host canary reached with
 * read-only steps).  docs/PROBE.md describes each attempt.
 */
#include "sp.h"

SP_CASE(chroot_classic, "escape.chroot-classic", NULL,
	"The classic chroot escape (chroot into a subdirectory, walk '..' from the working "
	"directory left outside it, chroot '.') does not reach a host file outside the sandbox")
{
	const struct sp_run *r = sp_probe(tc, SP_CANARY_FILE, "canary:file", "escape-chroot");
	SP_CHECK_UNREACHED(r, SP_CANARY_FILE);
	SP_CHECK_KEY(r, "escape-chroot.reached", "0");
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, chroot_classic);
	return atf_no_error();
}
