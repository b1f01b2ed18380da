/* SPDX-License-Identifier: BSD-2-Clause */
/* Everything that can be checked before anything is created, so bad input leaves nothing. */
#include "internal.h"

#include <string.h>
#include <sys/stat.h>

int
sbx_check(const struct sbx_config *cfg, struct sbx_error *err)
{
	sbx_error_clear(err);
	int r = sbx_config_error(cfg, err);
	if (r < 0)
		return r;
	unsigned ns = sbx_effective_ns(cfg);
	struct stat st;
	if (cfg->rootfs) {
		if (stat(cfg->rootfs, &st) < 0)
			return sbx_fail(err, errno, "rootfs", cfg->rootfs, "%s",
					errno == ENOENT ? "the root directory does not exist" : "");
		if (!S_ISDIR(st.st_mode))
			return sbx_fail(err, ENOTDIR, "rootfs", cfg->rootfs, "not a directory");
	}
	for (size_t i = 0; i < cfg->nsteps; i++) {
		const struct sbx_step *s = &cfg->steps[i];
		if (s->kind != SBX_STEP_BIND || (s->flags & SBX_BIND_TRY))
			continue;
		if (stat(s->src, &st) < 0)
			return sbx_fail(err, errno,
					(s->flags & SBX_BIND_DEV)  ? "dev-bind"
					: (s->flags & SBX_BIND_RO) ? "ro-bind"
								   : "bind",
					s->src, "%s",
					errno == ENOENT ? "the bind source does not exist" : "");
	}
	if (cfg->nsteps && !(ns & SBX_NS_MOUNT) && !(cfg->testing & SBX_TESTING_MNTNS))
		return sbx_fail(err, EINVAL, "mounts", "", "mount steps need a mount namespace");
	if (!(ns & SBX_NS_USER)) {
		/* Without a user namespace there is no map: the ids are the caller's. */
		if (cfg->uid_set && cfg->uid != geteuid())
			return sbx_fail(err, EINVAL, "uid", "",
					"uid %u is outside the map: without a "
					"user namespace the uid stays %u",
					(unsigned)cfg->uid, (unsigned)geteuid());
		if (cfg->gid_set && cfg->gid != getegid())
			return sbx_fail(err, EINVAL, "gid", "",
					"gid %u is outside the map: without a "
					"user namespace the gid stays %u",
					(unsigned)cfg->gid, (unsigned)getegid());
	} else if ((cfg->setgroups_allow || (cfg->testing & SBX_TESTING_SETGROUPS)) &&
		   geteuid() != 0) {
		return sbx_fail(
		    err, EPERM, "write setgroups", "/proc/self/setgroups",
		    "not root: setgroups 'allow' needs CAP_SETGID in the parent namespace");
	}
	if (cfg->hostname && !(ns & SBX_NS_UTS))
		return sbx_fail(err, EINVAL, "hostname", cfg->hostname,
				"a hostname needs a uts namespace");
	return 0;
}
