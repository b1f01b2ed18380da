/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dev: /dev inside the sandbox holds only the minimal set of harmless devices, the ones programs
 * need work, and no new device node can be made.  Device nodes are listed with lstat and never
 * opened, except /dev/null and /dev/urandom once their device numbers are checked.
 */
#include "sp.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* The minimal set, plus `console` (a pts, checked below), `mqueue` (a mount point) and the
 * link `core`. */
static const char *const minimal[] = {
    "null", "zero", "full",  "random", "urandom", "tty",     "ptmx",   "pts",
    "shm",  "fd",   "stdin", "stdout", "stderr",  "console", "mqueue", NULL,
};

/* The first entry of a readdir list (`NAME:T,...`) not in the minimal set, into BUF; false if
 * there is none. */
static bool
first_extra(const char *entries, char *buf, size_t size)
{
	for (const char *p = entries; p && *p; p = strchr(p, ','), p = p ? p + 1 : NULL) {
		size_t n = strcspn(p, ":,");
		/* /dev/core, a link to /proc/kcore that bwrap and OCI runtimes make: the link is
		 * harmless, what it points to is the proc group's concern (proc.kcore-unreadable)
		 */
		bool known = strncmp(p, "core:l", 6) == 0 && (p[6] == ',' || p[6] == '\0');
		for (const char *const *m = minimal; *m; m++)
			known |= strlen(*m) == n && strncmp(*m, p, n) == 0;
		if (!known) {
			snprintf(buf, size, "%.*s", (int)n, p);
			return true;
		}
	}
	return false;
}

/* Is the memory-class character device MAJ:MIN in the `devices` list (`NAME=MAJ:MIN,...`)? */
static bool
has_chr(const struct sp_run *r, const char *majmin)
{
	char want[32];
	snprintf(want, sizeof want, "=%s", majmin);
	for (const char *p = sp_get(r, "devices:/dev.mem"); p && (p = strstr(p, want)) != NULL; p++)
		if (p[strlen(want)] == ',' || p[strlen(want)] == '\0')
			return true;
	return false;
}

/* The host's own node at PATH is the device MAJ:MIN (so a sandbox could expose it). */
static void
require_host_device(const char *path, unsigned maj, unsigned min)
{
	struct stat st;
	if (stat(path, &st) != 0 || !S_ISCHR(st.st_mode) || major(st.st_rdev) != maj ||
	    minor(st.st_rdev) != min)
		atf_tc_skip(
		    "kernel-lacks-device: the host has no %s (char %u:%u), nothing to expose", path,
		    maj, min);
}

/* The host's PATH as "MAJ:MIN:INO", as the probe's stat reports it. */
static const char *
host_id(const char *path, char *buf, size_t size)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return "";
	snprintf(buf, size, "%u:%u:%lu", major(st.st_dev), minor(st.st_dev),
		 (unsigned long)st.st_ino);
	return buf;
}

/* The probe's /dev seen from the host through /proc/PID/root, taken by a hook while it holds. */
struct outside_dev {
	bool read;
	unsigned blk;
	char entries[4096]; /* top level, `NAME:T,...` as the probe's readdir */
	size_t len;
};

static void
list_dir(struct outside_dev *o, int dirfd, int depth)
{
	DIR *d = fdopendir(dirfd);
	if (d == NULL) {
		close(dirfd);
		return;
	}
	for (struct dirent *e; (e = readdir(d)) != NULL;) {
		struct stat st;
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
		    fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		o->blk += S_ISBLK(st.st_mode);
		char t = S_ISDIR(st.st_mode)   ? 'd'
			 : S_ISCHR(st.st_mode) ? 'c'
			 : S_ISBLK(st.st_mode) ? 'b'
			 : S_ISLNK(st.st_mode) ? 'l'
					       : 'f';
		if (depth == 0 && o->len + strlen(e->d_name) + 4 < sizeof o->entries)
			o->len += (size_t)snprintf(o->entries + o->len, sizeof o->entries - o->len,
						   "%s%s:%c", o->len ? "," : "", e->d_name, t);
		if (S_ISDIR(st.st_mode) && depth < 2) {
			int sub = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (sub >= 0)
				list_dir(o, sub, depth + 1);
		}
	}
	closedir(d);
}

static int
read_outside_dev(struct sp_run *r, unsigned n, void *arg)
{
	struct outside_dev *o = arg;
	char path[64];
	if (n != 0 || !r->outside.seen)
		return 0;
	snprintf(path, sizeof path, "/proc/%d/root/dev", (int)r->outside.pid);
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		o->read = true;
		list_dir(o, fd, 0);
	}
	return 0;
}

SP_CASE(dev_holds_only_minimal_set, "dev.minimal", NULL,
	"/dev holds only the minimal set: null, zero, full, random, urandom, tty, ptmx, pts, shm, "
	"fd and the std* links (console, mqueue and the core link allowed), inside and seen from "
	"the host through /proc/PID/root")
{
	static struct outside_dev o;
	const struct sp_run *r = sp_probe_opts(
	    tc, &(const struct sp_opts){
		    .verbs = {"readdir:/dev"}, .hook = read_outside_dev, .hook_arg = &o});
	const char *e = sp_get(r, "readdir:/dev.entries");
	char extra[256];
	ATF_REQUIRE_MSG(e != NULL, "/dev unreadable: %s", sp_get(r, "readdir:/dev.errno"));
	ATF_CHECK_MSG(!first_extra(e, extra, sizeof extra),
		      "/dev holds '%s', not in the minimal set (%s entries)", extra,
		      sp_get(r, "readdir:/dev.count"));
	ATF_CHECK_MSG(o.read && !first_extra(o.entries, extra, sizeof extra),
		      "seen from the host (/proc/PID/root/dev, read=%d), /dev holds '%s'", o.read,
		      extra);
}

SP_CASE(
    dev_has_no_block_device, "dev.no-block-devices", NULL,
    "No block device node is anywhere under /dev (a disk of the host could be mounted or read), "
    "inside and seen from the host through /proc/PID/root")
{
	static struct outside_dev o;
	const struct sp_run *r = sp_probe_opts(
	    tc, &(const struct sp_opts){
		    .verbs = {"devices:/dev"}, .hook = read_outside_dev, .hook_arg = &o});
	ATF_CHECK_MSG(sp_get(r, "devices:/dev.errno") != NULL || sp_is(r, "devices:/dev.blk", "0"),
		      "%s block device(s) under /dev: %.300s", sp_get(r, "devices:/dev.blk"),
		      sp_get(r, "devices:/dev.blk-list"));
	sp_require_outside(r);
	ATF_CHECK_MSG(o.blk == 0, "seen from the host (/proc/PID/root/dev), %u block device(s)",
		      o.blk);
}

SP_CASE(dev_has_no_memory_device, "dev.no-mem", NULL,
	"No node of /dev/mem or /dev/kmem (char 1:1, 1:2: the host's physical and kernel memory) "
	"is under /dev, whatever its name")
{
	require_host_device("/dev/mem", 1, 1);
	const struct sp_run *r = sp_probe(tc, 0, "devices:/dev");
	ATF_CHECK_MSG(!has_chr(r, "1:1") && !has_chr(r, "1:2"),
		      "/dev holds a memory device: %.300s", sp_get(r, "devices:/dev.mem"));
}

SP_CASE(dev_has_no_port_device, "dev.no-port", NULL,
	"No node of /dev/port (char 1:4: the host's I/O ports) is under /dev, whatever its name")
{
	require_host_device("/dev/port", 1, 4);
	const struct sp_run *r = sp_probe(tc, 0, "devices:/dev");
	ATF_CHECK_MSG(!has_chr(r, "1:4"), "/dev holds the port device: %.300s",
		      sp_get(r, "devices:/dev.mem"));
}

SP_CASE(dev_has_no_kmsg_device, "dev.no-kmsg", NULL,
	"No node of /dev/kmsg (char 1:11: the host kernel's log, readable and writable) is under "
	"/dev, whatever its name")
{
	require_host_device("/dev/kmsg", 1, 11);
	const struct sp_run *r = sp_probe(tc, 0, "devices:/dev");
	ATF_CHECK_MSG(!has_chr(r, "1:11"), "/dev holds the kmsg device: %.300s",
		      sp_get(r, "devices:/dev.mem"));
}

SP_CASE(dev_null_works, "dev.null-works", "CVE-2025-31133",
	"/dev/null is the null device (char 1:3): a write is swallowed whole and a read is at end "
	"of file")
{
	const struct sp_run *r = sp_probe(tc, 0, "dev-null");
	SP_CHECK_KEY(r, "dev-null.rdev", "1:3");
	SP_CHECK_KEY(r, "dev-null.write", "8");
	SP_CHECK_KEY(r, "dev-null.read", "0");
}

SP_CASE(dev_urandom_works, "dev.urandom-works", NULL,
	"/dev/urandom is the random device (char 1:9) and gives random bytes")
{
	const struct sp_run *r = sp_probe(tc, 0, "dev-urandom");
	SP_CHECK_KEY(r, "dev-urandom.rdev", "1:9");
	SP_CHECK_KEY(r, "dev-urandom.read", "32");
	SP_CHECK_KEY(r, "dev-urandom.varied", "1");
}

SP_CASE(mknod_fails, "dev.mknod-fails", NULL,
	"A device node cannot be created (mknod of char 1:3 in the probe's scratch directory "
	"fails)")
{
	const struct sp_run *r = sp_probe(tc, 0, "mknod");
	SP_CHECK_KEY_NOT(r, "mknod.result", "ok");
}

SP_CASE(devpts_is_private, "dev.devpts-private", NULL,
	"/dev/pts is absent or a devpts instance of the sandbox's own, not the host's: the host's "
	"terminals cannot be opened")
{
	char id[64];
	const char *host = host_id("/dev/pts", id, sizeof id);
	const struct sp_run *r = sp_probe(tc, 0, "stat:/dev/pts", "statfs:/dev/pts");
	ATF_CHECK_MSG(
	    sp_get(r, "stat:/dev/pts.errno") != NULL ||
		(sp_is(r, "statfs:/dev/pts.type", "devpts") && !sp_is(r, "stat:/dev/pts.id", host)),
	    "/dev/pts inside is %s (%s); the host's is %s", sp_get(r, "stat:/dev/pts.id"),
	    sp_get(r, "statfs:/dev/pts.type"), host);
}

SP_CASE(dev_shm_is_private, "dev.shm-private", NULL,
	"/dev/shm is absent or a tmpfs of the sandbox's own, not the host's: no POSIX shared "
	"memory of the host is visible")
{
	char id[64];
	const char *host = host_id("/dev/shm", id, sizeof id);
	const struct sp_run *r = sp_probe(tc, 0, "stat:/dev/shm", "statfs:/dev/shm");
	ATF_CHECK_MSG(
	    sp_get(r, "stat:/dev/shm.errno") != NULL ||
		(sp_is(r, "statfs:/dev/shm.type", "tmpfs") && !sp_is(r, "stat:/dev/shm.id", host)),
	    "/dev/shm inside is %s (%s); the host's is %s", sp_get(r, "stat:/dev/shm.id"),
	    sp_get(r, "statfs:/dev/shm.type"), host);
}

SP_CASE(console_is_not_host_console, "dev.console-not-host", "CVE-2025-52565",
	"/dev/console is absent or a pseudo-terminal (major 136), never the host's system console "
	"(char 5:1)")
{
	const struct sp_run *r = sp_probe(tc, 0, "devnode:/dev/console");
	const char *rdev = sp_get(r, "devnode:/dev/console.rdev");
	ATF_CHECK_MSG(sp_get(r, "devnode:/dev/console.errno") != NULL ||
			  (rdev != NULL && strncmp(rdev, "136:", 4) == 0),
		      "/dev/console inside is %s %s", sp_get(r, "devnode:/dev/console.kind"), rdev);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, dev_holds_only_minimal_set);
	ATF_TP_ADD_TC(tp, dev_has_no_block_device);
	ATF_TP_ADD_TC(tp, dev_has_no_memory_device);
	ATF_TP_ADD_TC(tp, dev_has_no_port_device);
	ATF_TP_ADD_TC(tp, dev_has_no_kmsg_device);
	ATF_TP_ADD_TC(tp, dev_null_works);
	ATF_TP_ADD_TC(tp, dev_urandom_works);
	ATF_TP_ADD_TC(tp, mknod_fails);
	ATF_TP_ADD_TC(tp, devpts_is_private);
	ATF_TP_ADD_TC(tp, dev_shm_is_private);
	ATF_TP_ADD_TC(tp, console_is_not_host_console);
	return atf_no_error();
}
