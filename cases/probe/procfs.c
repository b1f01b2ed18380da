/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * procfs and sysfs as the sandbox sees them: whose pid namespace /proc shows, which kernel files
 * can be opened, and what under a tree could be written.  Nothing here writes or reads a kernel
 * knob: files are opened and closed, or their permission is asked (faccessat).
 */
#include "probe.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#define PROC_SUPER_MAGIC_ 0x9fa0

/*
 * /proc/self is a link named after the reader's pid in the pid namespace of that procfs.  When
 * /proc is a procfs of the sandbox's own pid namespace it names getpid(); a procfs of another
 * (the host's) names the probe's pid there.
 */

struct canary_seen {
	const char *canary;
	unsigned count;
	bool listed;
};

static bool
count_and_find(const char *pid, void *arg)
{
	struct canary_seen *c = arg;
	c->count++;
	c->listed |= strcmp(pid, c->canary) == 0;
	return true;
}

int
sp_verb_procfs(const struct sp_verb_call *v)
{
	struct statfs sf;
	if (statfs("/proc", &sf) != 0) {
		sp_kv(v, "errno", "%s", sp_errname(errno));
		return SP_OBSERVED;
	}
	sp_kv(v, "is-proc", "%d", (unsigned long)sf.f_type == PROC_SUPER_MAGIC_);
	char self[64];
	ssize_t n = readlink("/proc/self", self, sizeof self - 1);
	if (n < 0) {
		sp_kv(v, "self-errno", "%s", sp_errname(errno));
		return SP_OBSERVED;
	}
	self[n] = '\0';
	sp_kv(v, "self", "%s", self);
	sp_kv(v, "pid", "%d", (int)getpid());
	sp_kv(v, "self-is-pid", "%d", atoi(self) == (int)getpid());
	const char *canary = sp_opt("canary.pid");
	if (canary == NULL)
		return SP_OBSERVED;
	/* The harness's canary process by its host pid, as an entry of /proc (a listing, not a
	 * lookup: a procfs of another pid namespace shows it by that number). */
	struct canary_seen c = {.canary = canary};
	int r = sp_each_pid(count_and_find, &c);
	if (r < 0)
		return sp_cannot(v, "opendir /proc: %s", sp_errname(-r));
	sp_kv(v, "pids", "%u", c.count);
	sp_kv(v, "canary-listed", "%d", c.listed);
	return SP_OBSERVED;
}

/*
 * Readability without reading: open O_RDONLY and close at once.  Reading some kernel files
 * consumes (/proc/kmsg) or touches hardware (/dev/port), so they are never read.  Block devices
 * are never opened.
 */
int
sp_verb_open_read(const struct sp_verb_call *v)
{
	struct stat st;
	if (stat(v->arg, &st) == 0 && S_ISBLK(st.st_mode)) {
		sp_kv(v, "result", "block-device-not-opened");
		return SP_OBSERVED;
	}
	int fd = open(v->arg, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd >= 0) {
		/* What was opened: a masked /proc file is another file bound over it (a /dev/null,
		 * an empty file, a fifo), so it is not on a procfs. */
		struct statfs sf;
		sp_kv(v, "result", "ok");
		if (fstat(fd, &st) == 0)
			sp_kv(v, "kind", "%s",
			      S_ISREG(st.st_mode)    ? "file"
			      : S_ISCHR(st.st_mode)  ? "chr"
			      : S_ISDIR(st.st_mode)  ? "dir"
			      : S_ISFIFO(st.st_mode) ? "fifo"
						     : "other");
		if (fstatfs(fd, &sf) == 0)
			sp_kv(v, "on-proc", "%d", (unsigned long)sf.f_type == PROC_SUPER_MAGIC_);
		close(fd);
	} else {
		sp_kv(v, "result", "%s", sp_errname(errno));
	}
	return SP_OBSERVED;
}

struct walk {
	unsigned checked, writable;
	char first[PATH_MAX];
};

#define WALK_MAX_DEPTH 4
#define WALK_MAX_ENTRIES 20000

/*
 * Asked as open() would judge the probe's effective ids and capabilities (AT_EACCESS; a read-only
 * mount gives EROFS).  A writable directory of a cgroup file system is enough to create a cgroup.
 */
static void
check(struct walk *w, const char *path)
{
	w->checked++;
	if (faccessat(AT_FDCWD, path, W_OK, AT_EACCESS | AT_SYMLINK_NOFOLLOW) == 0 &&
	    w->writable++ == 0)
		snprintf(w->first, sizeof w->first, "%s", path);
}

/* Every file and directory (not links) down to WALK_MAX_DEPTH. */
static void
walk(struct walk *w, const char *path, int depth)
{
	check(w, path);
	if (depth >= WALK_MAX_DEPTH)
		return;
	DIR *d = opendir(path);
	if (d == NULL)
		return;
	for (struct dirent *e; (e = readdir(d)) != NULL && w->checked < WALK_MAX_ENTRIES;) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
		    e->d_type == DT_LNK)
			continue;
		char sub[PATH_MAX];
		if ((size_t)snprintf(sub, sizeof sub, "%s/%s", path, e->d_name) >= sizeof sub)
			continue;
		if (e->d_type == DT_DIR)
			walk(w, sub, depth + 1);
		else
			check(w, sub);
	}
	closedir(d);
}

int
sp_verb_writable(const struct sp_verb_call *v)
{
	struct stat st;
	if (lstat(v->arg, &st) != 0) {
		sp_kv(v, "errno", "%s", sp_errname(errno));
		return SP_OBSERVED;
	}
	static struct walk w;
	memset(&w, 0, sizeof w);
	walk(&w, v->arg, 0);
	sp_kv(v, "checked", "%u", w.checked);
	sp_kv(v, "writable", "%u", w.writable);
	if (w.writable)
		sp_kv(v, "first", "%s", w.first);
	return SP_OBSERVED;
}
