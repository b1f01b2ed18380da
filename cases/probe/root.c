/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The root: the host's file canary sought along every path a process could take to leave its
 * root without privileges: the path itself, `..` past the probe directory, the working directory
 * and every directory descriptor the process holds, and the /proc links to its own and to pid 1's
 * root and working directory.  Read-only: stat, and open O_RDONLY of what is found.
 */
#include "probe.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* `../` repeated far more often than any tree is deep: a climb that is not stopped by a root. */
static const char *
ups(void)
{
	static char up[3 * 64 + 1];
	if (up[0] == '\0')
		for (int i = 0; i < 64; i++)
			strcat(up, "../");
	return up;
}

struct seek {
	const char *id;
	unsigned tried;
	char how[256];
};

static void
try_at(struct seek *s, int dirfd, const char *path, const char *label)
{
	struct stat st;
	if (s->how[0])
		return;
	s->tried++;
	if (fstatat(dirfd, path, &st, 0) == 0 && sp_id_matches(s->id, &st))
		snprintf(s->how, sizeof s->how, "%s", label);
}

int
sp_verb_canary_paths(const struct sp_verb_call *v)
{
	const char *canary = sp_opt("canary.file"), *dir = sp_probe_dir();
	struct seek s = {.id = sp_opt("canary.file.id")};
	if (canary == NULL || s.id == NULL || canary[0] != '/')
		return sp_cannot(v, "needs the file canary (canary.file= and canary.file.id=)");
	char path[8192];

	try_at(&s, AT_FDCWD, canary, "path");
	/* the canary's directory is a sibling of the probe directory: DIR/../canary/... */
	if (dir != NULL) {
		const char *slash = strrchr(dir, '/');
		size_t plen = slash ? (size_t)(slash - dir) : 0;
		if (plen > 0 && strncmp(canary, dir, plen) == 0 && canary[plen] == '/') {
			snprintf(path, sizeof path, "%s/..%s", dir, canary + plen);
			try_at(&s, AT_FDCWD, path, "probe-dir-dotdot");
		}
		snprintf(path, sizeof path, "%s/%s%s", dir, ups(), canary + 1);
		try_at(&s, AT_FDCWD, path, "probe-dir-climb");
	}
	snprintf(path, sizeof path, "%s%s", ups(), canary + 1);
	try_at(&s, AT_FDCWD, path, "cwd-climb");
	static const char *const links[] = {"/proc/self/root", "/proc/self/cwd", "/proc/1/root",
					    "/proc/1/cwd"};
	for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
		snprintf(path, sizeof path, "%s%s", links[i], canary);
		try_at(&s, AT_FDCWD, path, links[i]);
		snprintf(path, sizeof path, "%s/%s%s", links[i], ups(), canary + 1);
		try_at(&s, AT_FDCWD, path, links[i]);
	}
	/* every directory descriptor this process holds (CVE-2024-21626 leaked one) */
	DIR *d = opendir("/proc/self/fd");
	int own = d ? dirfd(d) : -1;
	for (struct dirent *e; d && (e = readdir(d)) != NULL;) {
		int fd = atoi(e->d_name);
		struct stat st;
		if (e->d_name[0] < '0' || e->d_name[0] > '9' || fd == own || fstat(fd, &st) != 0 ||
		    !S_ISDIR(st.st_mode))
			continue;
		char label[32];
		snprintf(label, sizeof label, "fd-%d", fd);
		snprintf(path, sizeof path, "%s%s", ups(), canary + 1);
		try_at(&s, fd, path, label);
	}
	if (d)
		closedir(d);
	else
		for (int fd = 3; fd < 1024; fd++) {
			struct stat st;
			char label[32];
			if (fstat(fd, &st) != 0 || !S_ISDIR(st.st_mode))
				continue;
			snprintf(label, sizeof label, "fd-%d", fd);
			snprintf(path, sizeof path, "%s%s", ups(), canary + 1);
			try_at(&s, fd, path, label);
		}
	sp_kv(v, "tried", "%u", s.tried);
	sp_kv(v, "reached", "%d", s.how[0] != '\0');
	sp_kv(v, "how", "%s", s.how[0] ? s.how : "none");
	return SP_OBSERVED;
}
