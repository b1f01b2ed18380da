/* SPDX-License-Identifier: BSD-2-Clause */
/* The strict profile's mount steps, as data added to a config. */
#include "internal.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static int
add_host_entry(struct sbx_config *cfg, const char *path)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return 0;
	if (S_ISLNK(st.st_mode)) {
		char target[PATH_MAX];
		ssize_t len = readlink(path, target, sizeof(target) - 1);
		if (len <= 0)
			return 0;
		target[len] = '\0';
		return sbx_config_symlink(cfg, target, path);
	}
	if (S_ISDIR(st.st_mode))
		return sbx_config_bind(cfg, path, path, SBX_BIND_RO);
	return 0;
}

int
sbx_config_add_host_system(struct sbx_config *cfg)
{
	static const char *const fixed[] = {"/usr", "/bin", "/sbin", "/etc"};
	int r;
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if ((r = add_host_entry(cfg, fixed[i])) < 0)
			return r;
	/* /lib, /lib32, /lib64, /libx32 ...: whatever this distribution has. */
	DIR *d = opendir("/");
	if (!d)
		return 0;
	struct dirent *de;
	r = 0;
	while (r >= 0 && (de = readdir(d))) {
		if (strncmp(de->d_name, "lib", 3) != 0)
			continue;
		char path[NAME_MAX + 2];
		snprintf(path, sizeof(path), "/%s", de->d_name);
		r = add_host_entry(cfg, path);
	}
	closedir(d);
	return r < 0 ? r : 0;
}

int
sbx_config_add_standard_mounts(struct sbx_config *cfg)
{
	int r;
	if ((r = sbx_config_proc(cfg, "/proc")) < 0 || (r = sbx_config_dev(cfg, "/dev")) < 0)
		return r;
	return sbx_config_tmpfs(cfg, "/tmp", 0, 01777);
}
