/* SPDX-License-Identifier: BSD-2-Clause */
/* The strict profile's mount steps, as data added to a config. */
#include "internal.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* The host's system directories, in this order: each one that is a directory becomes a read-only
 * bind (SBX_BIND_TRY: sbx_check need not stat it again, it was just seen), a symlink (merged
 * /usr: /bin -> usr/bin) the same symlink, anything else or nothing nothing.  The /lib* names are
 * the ABI directories of glibc's multilib layouts; a fixed list costs one fstatat each (a
 * readdir of an ext4 "/" costs more than all of them, docs/PERFORMANCE.md). */
static const char *const host_system[] = {"usr", "bin",   "sbin",  "etc",
					  "lib", "lib32", "lib64", "libx32"};

int
sbx_config_add_host_system(struct sbx_config *cfg)
{
	for (size_t i = 0; i < sizeof(host_system) / sizeof(host_system[0]); i++) {
		char path[16], target[PATH_MAX];
		snprintf(path, sizeof(path), "/%s", host_system[i]);
		struct stat st;
		int r = 0;
		if (fstatat(AT_FDCWD, path, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			r = sbx_config_bind(cfg, path, path, SBX_BIND_RO | SBX_BIND_TRY);
		} else if (S_ISLNK(st.st_mode)) {
			ssize_t len = readlink(path, target, sizeof(target) - 1);
			if (len <= 0)
				continue;
			target[len] = '\0';
			r = sbx_config_symlink(cfg, target, path);
		}
		if (r < 0)
			return r;
	}
	return 0;
}

int
sbx_config_add_standard_mounts(struct sbx_config *cfg)
{
	int r;
	if ((r = sbx_config_proc(cfg, "/proc")) < 0 || (r = sbx_config_dev(cfg, "/dev")) < 0)
		return r;
	return sbx_config_tmpfs(cfg, "/tmp", 0, 01777);
}
