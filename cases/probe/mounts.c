/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The mount table: mountinfo, flags of a path, a mount made inside (read-only tmpfs), unmounting
 * and remounting inside.  A PATH argument starting with `@` is relative to the probe directory
 * (`umount:@`, `mountflags:@/scratch`).
 */
#include "probe.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

int
sp_verb_mountinfo(const struct sp_verb_call *v)
{
	static char buf[512 * 1024];
	ssize_t n = sp_read_text("/proc/self/mountinfo", buf, sizeof buf);
	if (n < 0)
		return sp_cannot(v, "read /proc/self/mountinfo: %s", sp_errname((int)-n));
	unsigned count = 0;
	for (char *line = buf, *nl; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (nl == NULL)
			nl = line + strlen(line) - 1;
		else
			*nl = '\0';
		char key[32];
		snprintf(key, sizeof key, "%u", count++);
		sp_kv(v, key, "%s", line);
	}
	sp_kv(v, "count", "%u", count);
	return SP_OBSERVED;
}

int
sp_verb_mountflags(const struct sp_verb_call *v)
{
	static const struct {
		unsigned long flag;
		const char *name;
	} flags[] = {
	    {ST_RDONLY, "ro"},       {ST_NOSUID, "nosuid"},         {ST_NODEV, "nodev"},
	    {ST_NOEXEC, "noexec"},   {ST_SYNCHRONOUS, "sync"},      {ST_MANDLOCK, "mand"},
	    {ST_NOATIME, "noatime"}, {ST_NODIRATIME, "nodiratime"}, {ST_RELATIME, "relatime"},
	};
	struct statvfs sv;
	char pbuf[4096];
	const char *path = sp_path_arg(v, pbuf, sizeof pbuf);
	if (path == NULL)
		return sp_cannot(v, "'@' needs the dir= option");
	if (statvfs(path, &sv) != 0) {
		sp_kv(v, "errno", "%s", sp_errname(errno));
		return SP_OBSERVED;
	}
	char list[256] = "";
	size_t o = 0;
	for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
		if (sv.f_flag & flags[i].flag)
			o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", o ? "," : "",
					      flags[i].name);
	sp_kv(v, "flags", "%s", list);
	sp_kv(v, "ro", "%d", (sv.f_flag & ST_RDONLY) != 0);
	return SP_OBSERVED;
}

static char mounted_at[4096];

/* The gate of every verb here that changes mounts: only outside the host's mount namespace.
 * False, with result=refused, when the attempt must not be made. */
static bool
mnt_gate(const struct sp_verb_call *v)
{
	if (sp_ns_differs_from_host(v, "mnt"))
		return true;
	sp_kv(v, "result", "refused");
	return false;
}

/*
 * A mount made inside must never appear in the host's mount table.  The tmpfs is read-only,
 * nosuid, nodev, noexec and named `sp-NONCE`, so the harness can find it in the host's
 * /proc/self/mountinfo while the probe holds.  Never attempted in the host's mount namespace:
 * there the comparison itself is the failure.
 */
int
sp_verb_mount_tmpfs(const struct sp_verb_call *v)
{
	const char *dir = sp_probe_dir(), *nonce = sp_opt("nonce");
	if (dir == NULL || nonce == NULL)
		return sp_cannot(v, "no dir= or nonce= option");
	if (!mnt_gate(v))
		return SP_OBSERVED;
	char target[4096], source[128];
	snprintf(target, sizeof target, "%s/mnt", dir);
	snprintf(source, sizeof source, "sp-%s", nonce);
	sp_kv(v, "target", "%s", target);
	sp_kv(v, "source", "%s", source);
	if (mount(source, target, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  "size=4k,mode=0555") != 0) {
		sp_kv(v, "result", "%s", sp_errname(errno));
		return SP_OBSERVED;
	}
	snprintf(mounted_at, sizeof mounted_at, "%s", target);
	sp_kv(v, "result", "mounted");
	return SP_OBSERVED;
}

void
sp_mounts_cleanup(void)
{
	if (mounted_at[0])
		umount2(mounted_at, MNT_DETACH);
	sp_fs_cleanup();
}

/* Unmount PATH inside (lazily); only outside the host's mount namespace. */
int
sp_verb_umount(const struct sp_verb_call *v)
{
	if (!mnt_gate(v))
		return SP_OBSERVED;
	char pbuf[4096];
	const char *path = sp_path_arg(v, pbuf, sizeof pbuf);
	if (path == NULL)
		return sp_cannot(v, "'@' needs the dir= option");
	sp_kv(v, "result", "%s", umount2(path, MNT_DETACH) == 0 ? "ok" : sp_errname(errno));
	return SP_OBSERVED;
}

/*
 * Remount the bind mount at PATH read-write.  A read-only mount a more privileged namespace made
 * is locked (mount_namespaces(7)): the kernel refuses with EPERM.  Only outside the host's mount
 * namespace.
 */
int
sp_verb_remount_rw(const struct sp_verb_call *v)
{
	if (!mnt_gate(v))
		return SP_OBSERVED;
	char pbuf[4096];
	const char *path = sp_path_arg(v, pbuf, sizeof pbuf);
	if (path == NULL)
		return sp_cannot(v, "'@' needs the dir= option");
	int r = mount(NULL, path, NULL, MS_REMOUNT | MS_BIND, NULL);
	sp_kv(v, "result", "%s", r == 0 ? "ok" : sp_errname(errno));
	return SP_OBSERVED;
}

/* ---- the whole table: parsed /proc/self/mountinfo ----------------------------------------- */

#define MAX_MOUNTS 256

struct mount_entry {
	int id, parent;
	char point[1024]; /* unescaped */
	bool ro;          /* per-mount option "ro" */
	bool shared;      /* optional field shared:N */
};

static struct mount_entry table[MAX_MOUNTS];

/* mountinfo escapes blanks, tabs, newlines and backslashes as \ooo. */
static void
unescape_into(char *dst, size_t size, const char *src, size_t len)
{
	size_t o = 0;
	for (size_t i = 0; i < len && o + 1 < size; i++) {
		if (src[i] == '\\' && i + 3 < len && src[i + 1] >= '0' && src[i + 1] <= '3') {
			dst[o++] = (char)(((src[i + 1] - '0') << 6) | ((src[i + 2] - '0') << 3) |
					  (src[i + 3] - '0'));
			i += 3;
		} else {
			dst[o++] = src[i];
		}
	}
	dst[o] = '\0';
}

/* Parse the own mount table; returns the number of entries, or -errno. */
static int
read_table(void)
{
	static char buf[512 * 1024];
	ssize_t len = sp_read_text("/proc/self/mountinfo", buf, sizeof buf);
	if (len < 0)
		return (int)len;
	int n = 0;
	for (char *line = buf, *nl; *line && n < MAX_MOUNTS; line = nl + 1) {
		nl = strchr(line, '\n');
		if (nl == NULL)
			nl = line + strlen(line) - 1;
		else
			*nl = '\0';
		struct mount_entry *m = &table[n];
		int pos = 0;
		if (sscanf(line, "%d %d %*s %*s %n", &m->id, &m->parent, &pos) != 2 || pos == 0)
			continue;
		const char *point = line + pos;
		size_t plen = strcspn(point, " ");
		unescape_into(m->point, sizeof m->point, point, plen);
		const char *opts = point + plen + (point[plen] == ' ');
		size_t olen = strcspn(opts, " ");
		m->ro = (olen == 2 && strncmp(opts, "ro", 2) == 0) || strncmp(opts, "ro,", 3) == 0;
		const char *dash = strstr(opts, " - ");
		const char *shared = strstr(opts, " shared:");
		m->shared = shared != NULL && (dash == NULL || shared < dash);
		n++;
	}
	return n;
}

static const struct mount_entry *
find_mount(int n, int id)
{
	for (int i = 0; i < n; i++)
		if (table[i].id == id)
			return &table[i];
	return NULL;
}

/* The per-mount flags of PATH other than read-only, so that a remount changes only that one. */
static unsigned long
kept_flags(const char *path)
{
	struct statvfs sv;
	if (statvfs(path, &sv) != 0)
		return 0;
	return sv.f_flag &
	       (ST_NOSUID | ST_NODEV | ST_NOEXEC | ST_NOATIME | ST_NODIRATIME | ST_RELATIME);
}

/* Try to make every read-only mount of the table read-write; restore any that gave way. */
static int
remount_each(int n, char *list, size_t size, unsigned *tried)
{
	int rw = 0;
	size_t o = 0;
	list[0] = '\0';
	*tried = 0;
	for (int i = 0; i < n; i++) {
		if (!table[i].ro)
			continue;
		const char *p = table[i].point;
		unsigned long keep = kept_flags(p);
		int r = mount(NULL, p, NULL, MS_REMOUNT | MS_BIND | keep, NULL);
		int e = errno;
		(*tried)++;
		if (r == 0) {
			rw++;
			mount(NULL, p, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | keep, NULL);
		}
		if (o + strlen(p) + 24 < size)
			o += (size_t)snprintf(list + o, size - o, "%s%s=%s", o ? "," : "", p,
					      r == 0 ? "ok" : sp_errname(e));
	}
	return rw;
}

/* The gate, then the mount table into `table`: -1 to go on with *N entries, or the verb's
 * result (refused, or the table unreadable). */
static int
gated_table(const struct sp_verb_call *v, int *n)
{
	if (!mnt_gate(v))
		return SP_OBSERVED;
	*n = read_table();
	if (*n < 0)
		return sp_cannot(v, "read /proc/self/mountinfo: %s", sp_errname(-*n));
	return -1;
}

/*
 * Read-only mounts stay read-only: every read-only mount of the table is remounted read-write
 * (MS_REMOUNT|MS_BIND, its other flags kept), first as the probe is, then from a nested user and
 * mount namespace where the probe holds every capability: there the mounts are copies the
 * kernel locks (MNT_LOCK_READONLY, mount_namespaces(7)), so the remount must fail with EPERM.
 * A remount that works is undone at once.  Per-mount flags never propagate; still only outside
 * the host's mount namespace.
 */
int
sp_verb_remount_ro_mounts(const struct sp_verb_call *v)
{
	int n, rc = gated_table(v, &n);
	if (rc >= 0)
		return rc;
	static char list[8192];
	unsigned tried;
	int rw = remount_each(n, list, sizeof list, &tried);
	sp_kv(v, "count", "%u", tried);
	sp_kv(v, "rw", "%d", rw);
	sp_kv(v, "list", "%s", list);

	int p[2];
	if (pipe2(p, O_CLOEXEC) != 0)
		return sp_cannot(v, "pipe: %s", sp_errname(errno));
	pid_t pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return sp_cannot(v, "fork: %s", sp_errname(errno));
	}
	if (pid == 0) {
		static char out[8300];
		close(p[0]);
		if (unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0) {
			snprintf(out, sizeof out, "%s", sp_errname(errno));
		} else {
			int nn = read_table();
			if (nn < 0) {
				snprintf(out, sizeof out, "mountinfo-%s", sp_errname(-nn));
			} else {
				unsigned t;
				int k = remount_each(nn, list, sizeof list, &t);
				snprintf(out, sizeof out, "ok %d %u %s", k, t, list);
			}
		}
		ssize_t w = write(p[1], out, strlen(out));
		_exit(w > 0 ? 0 : 1);
	}
	close(p[1]);
	static char got[8300];
	size_t len = 0;
	for (;;) {
		ssize_t r = read(p[0], got + len, sizeof got - 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
		if (len == sizeof got - 1)
			break;
	}
	got[len] = '\0';
	close(p[0]);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	int k;
	unsigned t;
	int pos = 0;
	if (sscanf(got, "ok %d %u %n", &k, &t, &pos) == 2) {
		sp_kv(v, "nested", "ok");
		sp_kv(v, "nested.count", "%u", t);
		sp_kv(v, "nested.rw", "%d", k);
		sp_kv(v, "nested.list", "%s", got + pos);
	} else {
		/* the nested namespaces could not be made: nothing there could be remounted */
		sp_kv(v, "nested", "%s", len ? got : "no-report");
	}
	return SP_OBSERVED;
}

/*
 * Unmount, inside, every mount but the root (children first, never lazily, so a mount with
 * submounts stays): the host's table must not change.  An unmount propagates to the peers of the
 * parent mount, so a mount that is shared, or whose parent is, is kept and counted as
 * `kept-shared`: nothing here can reach a peer group the host may be in.  Unless the harness has
 * put DIR/scratch/sp-umount-shared-ok there: it found, from outside, that no host mount is a peer
 * or a slave of the sandbox's peer groups.  Only outside the host's mount namespace.  Last verb
 * of a run: the sandbox's /proc may be gone after it.
 */
int
sp_verb_umount_inside(const struct sp_verb_call *v)
{
	int n, rc = gated_table(v, &n);
	if (rc >= 0)
		return rc;
	/* The harness says when the sandbox's peer groups are its own (no host mount is their peer
	 * or slave): then an unmount that propagates stays among the sandbox's mounts. */
	char okfile[4200];
	const char *dir = sp_probe_dir();
	snprintf(okfile, sizeof okfile, "%s/scratch/sp-umount-shared-ok",
		 dir ? dir : "/nonexistent");
	bool shared_ok = access(okfile, F_OK) == 0;
	sp_kv(v, "shared-allowed", "%d", shared_ok);
	unsigned tried = 0, ok = 0, kept = 0;
	char errs[1024] = "";
	size_t o = 0;
	for (int i = n - 1; i >= 0; i--) {
		const struct mount_entry *m = &table[i], *parent = find_mount(n, m->parent);
		if (strcmp(m->point, "/") == 0)
			continue;
		if (!shared_ok && (m->shared || (parent != NULL && parent->shared))) {
			kept++;
			continue;
		}
		tried++;
		if (umount2(m->point, UMOUNT_NOFOLLOW) == 0) {
			ok++;
		} else if (o + 64 < sizeof errs) {
			o += (size_t)snprintf(errs + o, sizeof errs - o, "%s%s:%s", o ? "," : "",
					      m->point, sp_errname(errno));
		}
	}
	sp_kv(v, "tried", "%u", tried);
	sp_kv(v, "ok", "%u", ok);
	sp_kv(v, "kept-shared", "%u", kept);
	sp_kv(v, "errors", "%s", errs);
	sp_kv(v, "result", "tried");
	return SP_OBSERVED;
}
