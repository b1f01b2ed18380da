/* SPDX-License-Identifier: BSD-2-Clause */
/* The strict profile's mount steps, as data added to a config. */
#include "internal.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* A directory becomes a read-only bind (SBX_BIND_TRY: sbx_check need not stat it again, it was
 * just seen), a symlink the same symlink, anything else nothing. */
static int
add_host_entry(struct sbx_config *cfg, int root, const char *name, unsigned char type)
{
	char path[NAME_MAX + 2];
	snprintf(path, sizeof(path), "/%s", name);
	if (type == DT_UNKNOWN) {
		struct stat st;
		if (fstatat(root, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return 0;
		type = S_ISLNK(st.st_mode) ? DT_LNK : S_ISDIR(st.st_mode) ? DT_DIR : DT_REG;
	}
	if (type == DT_LNK) {
		char target[PATH_MAX];
		ssize_t len = readlinkat(root, name, target, sizeof(target) - 1);
		if (len <= 0)
			return 0;
		target[len] = '\0';
		return sbx_config_symlink(cfg, target, path);
	}
	if (type == DT_DIR)
		return sbx_config_bind(cfg, path, path, SBX_BIND_RO | SBX_BIND_TRY);
	return 0;
}

/* One pass over the host's "/": the entry types come with the names (getdents64), so only the
 * symlinks cost a system call more.  /usr /bin /sbin /etc first, then /lib* as listed. */
int
sbx_config_add_host_system(struct sbx_config *cfg)
{
	static const char *const fixed[] = {"usr", "bin", "sbin", "etc"};
	enum { NFIXED = sizeof(fixed) / sizeof(fixed[0]), MAXLIB = 16 };
	unsigned char fixed_type[NFIXED] = {0};
	bool fixed_seen[NFIXED] = {false};
	char lib[MAXLIB][NAME_MAX + 1];
	unsigned char lib_type[MAXLIB];
	size_t nlib = 0;
	DIR *d = opendir("/");
	if (!d)
		return 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		for (size_t i = 0; i < NFIXED; i++) {
			if (strcmp(de->d_name, fixed[i]) == 0) {
				fixed_seen[i] = true;
				fixed_type[i] = de->d_type;
			}
		}
		if (strncmp(de->d_name, "lib", 3) == 0 && nlib < MAXLIB) {
			snprintf(lib[nlib], sizeof(lib[nlib]), "%s", de->d_name);
			lib_type[nlib++] = de->d_type;
		}
	}
	int root = dirfd(d), r = 0;
	for (size_t i = 0; i < NFIXED && r >= 0; i++)
		if (fixed_seen[i])
			r = add_host_entry(cfg, root, fixed[i], fixed_type[i]);
	for (size_t i = 0; i < nlib && r >= 0; i++)
		r = add_host_entry(cfg, root, lib[i], lib_type[i]);
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
