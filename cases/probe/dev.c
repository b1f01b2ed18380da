/* SPDX-License-Identifier: BSD-2-Clause */
/* Devices: the nodes of /dev, the few that must work, and creating one (only in the probe's
 * scratch directory, never opened). */
#include "probe.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
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

static const char *
kind_of(mode_t m)
{
	return S_ISCHR(m)    ? "chr"
	       : S_ISBLK(m)  ? "blk"
	       : S_ISREG(m)  ? "file"
	       : S_ISDIR(m)  ? "dir"
	       : S_ISLNK(m)  ? "link"
	       : S_ISFIFO(m) ? "fifo"
	       : S_ISSOCK(m) ? "sock"
			     : "other";
}

/* What sits at PATH (lstat): kind, and the device number of a device node.  Never opened. */
int
sp_verb_devnode(const struct sp_verb_call *v)
{
	struct stat st;
	if (lstat(v->arg, &st) != 0) {
		sp_kv(v, "errno", "%s", sp_errname(errno));
		return SP_OBSERVED;
	}
	sp_kv(v, "kind", "%s", kind_of(st.st_mode));
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
		sp_kv(v, "rdev", "%u:%u", major(st.st_rdev), minor(st.st_rdev));
	return SP_OBSERVED;
}

struct dev_walk {
	unsigned count, blk;
	char chr[4096], blk_list[2048], mem[1024];
	size_t chr_len, blk_len, mem_len;
};

static void
append(char *buf, size_t size, size_t *len, const char *item)
{
	if (*len + strlen(item) + 2 < size)
		*len += (size_t)snprintf(buf + *len, size - *len, "%s%s", *len ? "," : "", item);
}

/* Every device node under PATH (links not followed, 3 levels down): character devices as
 * NAME=MAJ:MIN (those of major 1, mem kmem null port kmsg ..., also apart), block devices
 * counted and listed.  Nothing is opened. */
static void
dev_walk(struct dev_walk *w, const char *path, const char *rel, int depth)
{
	DIR *d = opendir(path);
	if (d == NULL)
		return;
	for (struct dirent *e; (e = readdir(d)) != NULL && w->count < 10000;) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char sub[4096], name[512], item[600];
		struct stat st;
		snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
		snprintf(name, sizeof name, "%s%s%s", rel, *rel ? "/" : "", e->d_name);
		if (lstat(sub, &st) != 0)
			continue;
		w->count++;
		snprintf(item, sizeof item, "%s=%u:%u", name, major(st.st_rdev), minor(st.st_rdev));
		if (S_ISCHR(st.st_mode)) {
			append(w->chr, sizeof w->chr, &w->chr_len, item);
			if (major(st.st_rdev) == 1) /* the memory devices: never cut off by size */
				append(w->mem, sizeof w->mem, &w->mem_len, item);
		} else if (S_ISBLK(st.st_mode)) {
			w->blk++;
			append(w->blk_list, sizeof w->blk_list, &w->blk_len, item);
		} else if (S_ISDIR(st.st_mode) && depth < 3) {
			dev_walk(w, sub, name, depth + 1);
		}
	}
	closedir(d);
}

int
sp_verb_devices(const struct sp_verb_call *v)
{
	static struct dev_walk w;
	memset(&w, 0, sizeof w);
	struct stat st;
	if (stat(v->arg, &st) != 0) {
		sp_kv(v, "errno", "%s", sp_errname(errno));
		return SP_OBSERVED;
	}
	dev_walk(&w, v->arg, "", 0);
	sp_kv(v, "count", "%u", w.count);
	sp_kv(v, "chr", "%s", w.chr);
	sp_kv(v, "mem", "%s", w.mem);
	sp_kv(v, "blk", "%u", w.blk);
	sp_kv(v, "blk-list", "%s", w.blk_list);
	return SP_OBSERVED;
}

/* Open PATH O_RDWR only when it is the character device MAJ:MIN (never a file of the host). */
static int
open_device(const struct sp_verb_call *v, const char *path, unsigned maj, unsigned min, int flags)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		sp_kv(v, "errno", "%s", sp_errname(errno));
		return -1;
	}
	sp_kv(v, "rdev", "%u:%u", major(st.st_rdev), minor(st.st_rdev));
	if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != maj || minor(st.st_rdev) != min) {
		sp_kv(v, "errno", "not-the-device");
		return -1;
	}
	int fd = open(path, flags | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		sp_kv(v, "errno", "%s", sp_errname(errno));
	return fd;
}

/* /dev/null works: a write is swallowed whole, a read is at end of file at once. */
int
sp_verb_dev_null(const struct sp_verb_call *v)
{
	int fd = open_device(v, "/dev/null", 1, 3, O_RDWR);
	if (fd < 0)
		return SP_OBSERVED;
	char buf[8] = "sandprf";
	ssize_t w = write(fd, buf, sizeof buf);
	sp_kv(v, "write", "%zd", w);
	ssize_t r = read(fd, buf, sizeof buf);
	sp_kv(v, "read", "%zd", r);
	close(fd);
	return SP_OBSERVED;
}

/* /dev/urandom works: 32 bytes read, and they are not all the same. */
int
sp_verb_dev_urandom(const struct sp_verb_call *v)
{
	int fd = open_device(v, "/dev/urandom", 1, 9, O_RDONLY);
	if (fd < 0)
		return SP_OBSERVED;
	unsigned char buf[32];
	ssize_t r = read(fd, buf, sizeof buf);
	close(fd);
	sp_kv(v, "read", "%zd", r);
	bool varied = false;
	for (ssize_t i = 1; i < r; i++)
		varied |= buf[i] != buf[0];
	sp_kv(v, "varied", "%d", varied);
	return SP_OBSERVED;
}
