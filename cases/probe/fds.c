/* SPDX-License-Identifier: BSD-2-Clause */
/* Open file descriptors and where they point. */
#include "probe.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *
kind_of(mode_t m)
{
	return S_ISDIR(m)    ? "dir"
	       : S_ISREG(m)  ? "file"
	       : S_ISCHR(m)  ? "chr"
	       : S_ISBLK(m)  ? "blk"
	       : S_ISFIFO(m) ? "fifo"
	       : S_ISSOCK(m) ? "sock"
	       : S_ISLNK(m)  ? "lnk"
			     : "other";
}

/*
 * The descriptor list comes from fstat over a range, not from /proc/self/fd, so it works without
 * /proc; where /proc exists each descriptor's target is added.  The probe's own descriptors are
 * only 0-2 (it opens none at start), so anything else was inherited from the sandbox.
 */
int
sp_verb_fds(const struct sp_verb_call *v)
{
	char list[4096] = "";
	size_t o = 0;
	unsigned count = 0;
	for (int fd = 0; fd < 1024; fd++) {
		struct stat st;
		if (fstat(fd, &st) != 0)
			continue;
		count++;
		o += (size_t)snprintf(list + o, sizeof list - o, "%s%d", o ? "," : "", fd);
		char key[32], link[64], target[4096];
		snprintf(key, sizeof key, "%d.kind", fd);
		sp_kv(v, key, "%s", kind_of(st.st_mode));
		snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
		ssize_t n = readlink(link, target, sizeof target - 1);
		if (n >= 0) {
			target[n] = '\0';
			snprintf(key, sizeof key, "%d.target", fd);
			sp_kv(v, key, "%s", target);
		}
		if (o + 16 >= sizeof list)
			break;
	}
	sp_kv(v, "count", "%u", count);
	sp_kv(v, "list", "%s", list);
	return SP_OBSERVED;
}
