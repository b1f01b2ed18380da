/* SPDX-License-Identifier: BSD-2-Clause */
/* Devices: creating a device node (only in the probe's scratch directory, never opened). */
#include "probe.h"

#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* mknod of the null device (1:3) in the probe's scratch directory; the node is removed at once,
 * never opened. */
int
sp_verb_mknod(const struct sp_verb_call *v)
{
	const char *dir = sp_scratch_dir(), *nonce = sp_opt("nonce");
	if (dir == NULL || nonce == NULL)
		return sp_cannot(v, "no writable scratch directory of the probe's own");
	char path[4096];
	snprintf(path, sizeof path, "%s/mknod-%s", dir, nonce);
	sp_kv(v, "dir", "%s", dir);
	if (mknod(path, S_IFCHR | 0600, makedev(1, 3)) == 0) {
		sp_kv(v, "result", "ok");
		unlink(path);
	} else {
		sp_kv(v, "result", "%s", sp_errname(errno));
	}
	return SP_OBSERVED;
}
