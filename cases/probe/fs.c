/* SPDX-License-Identifier: BSD-2-Clause */
/* Files and file systems: statfs, stat, /, working directory, opening for writing. */
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
	if (statfs(v->arg, &sf) != 0) {
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
	if (lstat(v->arg, &st) != 0) {
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
	if (stat(v->arg, &st) == 0 && S_ISBLK(st.st_mode)) {
		sp_kv(v, "result", "block-device-not-opened");
		return SP_OBSERVED;
	}
	int fd = open(v->arg, O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
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
	ssize_t n = sp_read_text(v->arg, buf, sizeof buf);
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
	DIR *d = opendir(v->arg);
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
