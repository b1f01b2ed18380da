/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Files and file systems: statfs, stat, /, working directory, opening for writing, a file made
 * inside, the climb up `..`.  A PATH argument starting with `@` is relative to the probe
 * directory (`stat:@/..` is the directory above it).
 */
#include "probe.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

const char *
sp_path_arg(const struct sp_verb_call *v, char *buf, size_t size)
{
	const char *a = v->arg;
	if (a == NULL || a[0] != '@')
		return a;
	const char *dir = sp_probe_dir();
	if (dir == NULL)
		return NULL;
	snprintf(buf, size, "%s%s", dir, a + 1);
	return buf;
}

/* Every verb below that takes a PATH resolves `@` first, or says it cannot. */
#define PATH_ARG(v, var)                                                                           \
	char var##_buf[4096];                                                                      \
	const char *var = sp_path_arg((v), var##_buf, sizeof var##_buf);                           \
	if (var == NULL)                                                                           \
	return sp_cannot((v), "'@' needs the dir= option")

static const char *
fs_name(unsigned long magic)
{
	static const struct {
		unsigned long magic;
		const char *name;
	} names[] = {
	    {TMPFS_MAGIC, "tmpfs"},           {PROC_SUPER_MAGIC, "proc"},
	    {SYSFS_MAGIC, "sysfs"},           {DEVPTS_SUPER_MAGIC, "devpts"},
	    {EXT4_SUPER_MAGIC, "ext4"},       {BTRFS_SUPER_MAGIC, "btrfs"},
	    {XFS_SUPER_MAGIC, "xfs"},         {OVERLAYFS_SUPER_MAGIC, "overlay"},
	    {SQUASHFS_MAGIC, "squashfs"},     {CGROUP_SUPER_MAGIC, "cgroup"},
	    {CGROUP2_SUPER_MAGIC, "cgroup2"}, {NSFS_MAGIC, "nsfs"},
	    {RAMFS_MAGIC, "ramfs"},           {0x65735546, "fuse"},
	    {NFS_SUPER_MAGIC, "nfs"},         {0x01021997, "9p"},
	    {DEBUGFS_MAGIC, "debugfs"},       {SECURITYFS_MAGIC, "securityfs"},
	    {0x19800202, "mqueue"},           {BPF_FS_MAGIC, "bpf"},
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].magic == magic)
			return names[i].name;
	return "other";
}

int
sp_verb_statfs(const struct sp_verb_call *v)
{
	struct statfs sf;
	PATH_ARG(v, path);
	if (statfs(path, &sf) != 0) {
		sp_kv(v, "errno", "%s", sp_errname(errno));
		return SP_OBSERVED;
	}
	sp_kv(v, "type", "%s", fs_name((unsigned long)sf.f_type));
	sp_kv(v, "magic", "0x%lx", (unsigned long)sf.f_type);
	return SP_OBSERVED;
}

static void
kv_stat(const struct sp_verb_call *v, const char *pfx, const struct stat *st)
{
	char key[64], id[64];
	snprintf(key, sizeof key, "%sid", pfx);
	sp_kv(v, key, "%s", sp_id_of(st, id, sizeof id));
	snprintf(key, sizeof key, "%smode", pfx);
	sp_kv(v, key, "0%o", (unsigned)st->st_mode);
	snprintf(key, sizeof key, "%suid", pfx);
	sp_kv(v, key, "%u", (unsigned)st->st_uid);
	snprintf(key, sizeof key, "%sgid", pfx);
	sp_kv(v, key, "%u", (unsigned)st->st_gid);
}

int
sp_verb_stat(const struct sp_verb_call *v)
{
	struct stat st;
	PATH_ARG(v, path);
	if (lstat(path, &st) != 0) {
		sp_kv(v, "errno", "%s", sp_errname(errno));
		return SP_OBSERVED;
	}
	kv_stat(v, "", &st);
	return SP_OBSERVED;
}

int
sp_verb_root(const struct sp_verb_call *v)
{
	struct stat root, up;
	if (stat("/", &root) != 0 || stat("/..", &up) != 0)
		return sp_cannot(v, "stat /: %s", sp_errname(errno));
	kv_stat(v, "", &root);
	sp_kv(v, "dotdot-is-root", "%d", root.st_dev == up.st_dev && root.st_ino == up.st_ino);
	const char *host = sp_opt("host.root");
	if (host)
		sp_kv(v, "same-as-host", "%d", sp_id_matches(host, &root));
	return SP_OBSERVED;
}

int
sp_verb_cwd(const struct sp_verb_call *v)
{
	char buf[4096];
	struct stat st;
	if (getcwd(buf, sizeof buf) == NULL) {
		sp_kv(v, "errno", "%s", sp_errname(errno));
	} else {
		sp_kv(v, "path", "%s", buf);
		/* CVE-2024-21626: a cwd outside the root reads "(unreachable)/..." */
		sp_kv(v, "unreachable", "%d", buf[0] != '/');
	}
	if (stat(".", &st) == 0)
		kv_stat(v, "", &st);
	return SP_OBSERVED;
}

/*
 * Writability without writing: open O_WRONLY (no O_CREAT, no O_TRUNC) and close at once.  Under a
 * negative control run as root this succeeds on a host file for real, so nothing is ever written.
 */
int
sp_verb_open_write(const struct sp_verb_call *v)
{
	struct stat st;
	PATH_ARG(v, path);
	if (stat(path, &st) == 0 && S_ISBLK(st.st_mode)) {
		sp_kv(v, "result", "block-device-not-opened");
		return SP_OBSERVED;
	}
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd >= 0) {
		close(fd);
		sp_kv(v, "result", "ok");
	} else {
		sp_kv(v, "result", "%s", sp_errname(errno));
	}
	return SP_OBSERVED;
}

/* A small file's content (first 4 KiB), lines joined by ';'. */
int
sp_verb_read(const struct sp_verb_call *v)
{
	char buf[4096];
	PATH_ARG(v, path);
	ssize_t n = sp_read_text(path, buf, sizeof buf);
	if (n < 0) {
		sp_kv(v, "errno", "%s", sp_errname((int)-n));
		return SP_OBSERVED;
	}
	for (char *p = buf; *p; p++)
		if (*p == '\n')
			*p = p[1] ? ';' : '\0';
	sp_kv(v, "content", "%s", buf);
	return SP_OBSERVED;
}

/* Directory entries as NAME:TYPE (d dir, f file, c chr, b blk, l link, p fifo, s sock, ? other). */
int
sp_verb_readdir(const struct sp_verb_call *v)
{
	PATH_ARG(v, path);
	DIR *d = opendir(path);
	if (d == NULL) {
		sp_kv(v, "errno", "%s", sp_errname(errno));
		return SP_OBSERVED;
	}
	char list[8192] = "";
	size_t o = 0;
	unsigned count = 0;
	for (struct dirent *e; (e = readdir(d)) != NULL;) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char t = e->d_type == DT_DIR    ? 'd'
			 : e->d_type == DT_REG  ? 'f'
			 : e->d_type == DT_CHR  ? 'c'
			 : e->d_type == DT_BLK  ? 'b'
			 : e->d_type == DT_LNK  ? 'l'
			 : e->d_type == DT_FIFO ? 'p'
			 : e->d_type == DT_SOCK ? 's'
						: '?';
		count++;
		if (o + strlen(e->d_name) + 4 < sizeof list)
			o += (size_t)snprintf(list + o, sizeof list - o, "%s%s:%c", o ? "," : "",
					      e->d_name, t);
	}
	closedir(d);
	sp_kv(v, "count", "%u", count);
	sp_kv(v, "entries", "%s", list);
	return SP_OBSERVED;
}

static char made_file[4096 + 128];

void
sp_fs_cleanup(void)
{
	if (made_file[0])
		unlink(made_file);
	made_file[0] = '\0';
}

/* Is PATH inside the harness's scratch directory (DIR/scratch)? */
static bool
in_scratch(const char *path)
{
	const char *dir = sp_probe_dir();
	char scratch[4096];
	if (dir == NULL)
		return false;
	int n = snprintf(scratch, sizeof scratch, "%s/scratch", dir);
	return n > 0 && strncmp(path, scratch, (size_t)n) == 0 &&
	       (path[n] == '/' || path[n] == '\0');
}

/*
 * Create `sandproof-inside-NONCE` in the directory PATH, write a line, read it back, and keep it
 * until the probe exits (the harness looks for it on the host meanwhile; the probe removes it at
 * exit).  Outside the harness's scratch directory only when the mount namespace is not the host's:
 * a file written there would be written on the host.
 */
int
sp_verb_mkfile(const struct sp_verb_call *v)
{
	PATH_ARG(v, dir);
	const char *nonce = sp_opt("nonce");
	if (nonce == NULL)
		return sp_cannot(v, "no nonce= option");
	if (made_file[0])
		return sp_cannot(v, "one mkfile per run");
	if (!in_scratch(dir) && !sp_ns_differs_from_host(v, "mnt")) {
		sp_kv(v, "result", "refused");
		return SP_OBSERVED;
	}
	char path[4096 + 128], line[128], back[128];
	snprintf(path, sizeof path, "%s/sandproof-inside-%.64s", dir, nonce);
	sp_kv(v, "path", "%s", path);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0644);
	if (fd < 0) {
		sp_kv(v, "result", "%s", sp_errname(errno));
		return SP_OBSERVED;
	}
	snprintf(made_file, sizeof made_file, "%s", path);
	int n = snprintf(line, sizeof line, "sandproof %s\n", nonce);
	ssize_t w = write(fd, line, (size_t)n);
	int e = errno;
	struct stat st;
	char id[64];
	if (fstat(fd, &st) == 0)
		sp_kv(v, "id", "%s", sp_id_of(&st, id, sizeof id));
	close(fd);
	if (w != n) {
		sp_kv(v, "result", "write-%s", w < 0 ? sp_errname(e) : "short");
		return SP_OBSERVED;
	}
	sp_kv(v, "result", "ok");
	ssize_t r = sp_read_text(path, back, sizeof back);
	sp_kv(v, "readback", "%s",
	      r < 0                     ? sp_errname((int)-r)
	      : strcmp(back, line) == 0 ? "ok"
					: "differs");
	return SP_OBSERVED;
}

/* Climb `..` from FD until it stops moving; report where it stopped against `/`. */
static void
climb(const struct sp_verb_call *v, const char *from, int fd, const struct stat *root)
{
	char key[64], id[64];
	struct stat cur, up;
	unsigned steps = 0;
	if (fstat(fd, &cur) != 0) {
		snprintf(key, sizeof key, "%s.errno", from);
		sp_kv(v, key, "%s", sp_errname(errno));
		close(fd);
		return;
	}
	for (; steps < 256; steps++) {
		int next = openat(fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (next < 0 || fstat(next, &up) != 0) {
			if (next >= 0)
				close(next);
			break;
		}
		close(fd);
		fd = next;
		if (up.st_dev == cur.st_dev && up.st_ino == cur.st_ino)
			break;
		cur = up;
	}
	close(fd);
	snprintf(key, sizeof key, "%s.steps", from);
	sp_kv(v, key, "%u", steps);
	snprintf(key, sizeof key, "%s.top", from);
	sp_kv(v, key, "%s", sp_id_of(&cur, id, sizeof id));
	snprintf(key, sizeof key, "%s.top-is-root", from);
	sp_kv(v, key, "%d", cur.st_dev == root->st_dev && cur.st_ino == root->st_ino);
}

/*
 * `..` stops at the process's root: climbing from the working directory and from the probe
 * directory must end at `/` itself, never above it (a working directory left outside the root,
 * or a root that is a mere subdirectory of another tree, climbs past it).
 */
int
sp_verb_dotdot_walk(const struct sp_verb_call *v)
{
	struct stat root;
	if (stat("/", &root) != 0)
		return sp_cannot(v, "stat /: %s", sp_errname(errno));
	char id[64];
	sp_kv(v, "root", "%s", sp_id_of(&root, id, sizeof id));
	int fd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		sp_kv(v, "cwd.errno", "%s", sp_errname(errno));
	else
		climb(v, "cwd", fd, &root);
	const char *dir = sp_probe_dir();
	if (dir != NULL) {
		fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			sp_kv(v, "dir.errno", "%s", sp_errname(errno));
		else
			climb(v, "dir", fd, &root);
	}
	return SP_OBSERVED;
}
