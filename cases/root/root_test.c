/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * root: the sandbox's root directory is its own.  Identities are `MAJ:MIN:INO`: the probe's view
 * of a path inside against the harness's view of the host path, or of /proc/PID/root (what the
 * kernel, not a path-translating tracer, says the process's root is).
 */
#include "sp.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* Host paths a sandbox has no business showing unless it exposes them. */
static const char *const host_dirs[] = {"/",     "/usr",     "/etc",     "/var",      "/home",
					"/root", "/opt",     "/srv",     "/run",      "/boot",
					"/mnt",  "/media",   "/lib",     "/lib64",    "/bin",
					"/sbin", "/var/lib", "/var/log", "/var/cache"};
#define N_HOST_DIRS (sizeof host_dirs / sizeof host_dirs[0])

/* Is PATH (or a directory above it) in the adapter's `exposes`? */
static bool
exposed(const struct sp_description *d, const char *path)
{
	for (const char *p = d->exposes; *p;) {
		p += strspn(p, " \t");
		size_t n = strcspn(p, " \t");
		if (n == 1 && *p == '/' && strcmp(path, "/") == 0)
			return true;
		if (n > 1 && strncmp(path, p, n) == 0 && (path[n] == '/' || path[n] == '\0'))
			return true;
		p += n;
	}
	return false;
}

/* lstat identity of a host path, as the probe's `stat:` gives it; "" when absent. */
static const char *
host_lid(const char *path, char *buf, size_t size)
{
	struct stat st;
	if (lstat(path, &st) != 0) {
		buf[0] = '\0';
		return buf;
	}
	snprintf(buf, size, "%u:%u:%llu", major(st.st_dev), minor(st.st_dev),
		 (unsigned long long)st.st_ino);
	return buf;
}

SP_CASE(root_not_host_root, "root.not-host-root", NULL,
	"The sandbox's root is not the host's: / inside differs from the host's / (device and "
	"inode), and so does /proc/PID/root seen from the host, which also agrees with what the "
	"probe sees as / (a root faked by path translation shows there)")
{
	const struct sp_run *r = sp_probe(tc, 0, "root");
	sp_require_outside(r);
	char b[512];
	SP_CHECK_KEY(r, "root.same-as-host", "0");
	ATF_CHECK_MSG(r->outside.root_id[0] && strcmp(r->outside.root_id, r->host.root_id) != 0,
		      "/proc/%d/root seen from the host is the host's root (%s)",
		      (int)r->outside.pid, r->host.root_id);
	ATF_CHECK_MSG(sp_is(r, "root.id", r->outside.root_id),
		      "the probe sees / as %s, the kernel shows /proc/%d/root as %s",
		      sp_show(r, "root.id", b, sizeof b), (int)r->outside.pid, r->outside.root_id);
}

SP_CASE(dotdot_is_root, "root.dotdot-is-root", NULL,
	"`/..` is `/`, and climbing `..` from the probe directory ends at / itself: nothing lies "
	"above the sandbox's root, which is not the host's")
{
	const struct sp_run *r = sp_probe(tc, 0, "root", "dotdot-walk");
	SP_CHECK_KEY(r, "root.dotdot-is-root", "1");
	SP_CHECK_KEY(r, "dotdot-walk.dir.top-is-root", "1");
	SP_CHECK_KEY(r, "root.same-as-host", "0");
}

SP_CASE(cwd_inside_root, "root.cwd-inside", "CVE-2024-21626",
	"The working directory the sandbox starts the process in is inside its root: getcwd() "
	"gives a reachable path and climbing `..` from it ends at / (CVE-2024-21626 left it "
	"outside), and that root is not the host's")
{
	const struct sp_run *r = sp_probe(tc, 0, "root", "cwd", "dotdot-walk");
	SP_CHECK_KEY(r, "cwd.unreachable", "0");
	SP_CHECK_KEY(r, "dotdot-walk.cwd.top-is-root", "1");
	SP_CHECK_KEY(r, "root.same-as-host", "0");
}

SP_CASE(canary_unreachable, "root.canary-unreachable", NULL,
	"The host's canary file, a sibling of the probe directory that no adapter exposes, cannot "
	"be reached by any path: its own, `..` from the probe directory, the working directory "
	"and every directory descriptor, and /proc/PID/root and cwd of every visible process")
{
	const struct sp_run *r =
	    sp_probe(tc, SP_CANARY_FILE, "canary:file", "canary-paths", "escape-proc-roots");
	char b[512];
	SP_CHECK_UNREACHED(r, SP_CANARY_FILE);
	ATF_CHECK_MSG(sp_is(r, "canary-paths.reached", "0"), "the canary was reached via %s",
		      sp_show(r, "canary-paths.how", b, sizeof b));
	/* a sandbox without /proc has no /proc/PID/root to walk: that is unreached too */
	const char *none = sp_get(r, "escape-proc-roots.cannot");
	ATF_CHECK_MSG(sp_is(r, "escape-proc-roots.reached", "0") ||
			  (none && strncmp(none, "opendir /proc:", 14) == 0),
		      "the canary was reached through /proc: %s",
		      sp_show(r, "escape-proc-roots.how", b, sizeof b));
}

/* ---- the old root -----------------------------------------------------------------------------
 */

/* Device and root field of the mount on "/" in a mountinfo text (the last one, on top). */
static bool
root_mount(const char *table, char *dev, size_t dsize, char *root, size_t rsize)
{
	bool found = false;
	for (const char *p = table; p && *p;) {
		char d[32], rt[PATH_MAX], mp[PATH_MAX];
		if (sscanf(p, "%*d %*d %31s %4095s %4095s", d, rt, mp) == 3 &&
		    strcmp(mp, "/") == 0) {
			snprintf(dev, dsize, "%s", d);
			snprintf(root, rsize, "%s", rt);
			found = true;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return found;
}

/* Mounts of LINE-list TABLE with device DEV and root field ROOT, listed into OUT. */
static unsigned
find_host_root(const char *table, const char *dev, const char *root, char *out, size_t size)
{
	unsigned n = 0;
	for (const char *p = table; p && *p;) {
		char d[32], rt[PATH_MAX], mp[PATH_MAX];
		if (sscanf(p, "%*d %*d %31s %4095s %4095s", d, rt, mp) == 3 &&
		    strcmp(d, dev) == 0 && strcmp(rt, root) == 0) {
			size_t o = strlen(out);
			if (o + strlen(mp) + 4 < size)
				snprintf(out + o, size - o, "%s%s", o ? ", " : "", mp);
			n++;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return n;
}

/* readlink of /proc/PID/root from the host, while the probe holds. */
static int
root_link_hook(struct sp_run *r, unsigned n, void *arg)
{
	char *link = arg, path[64];
	if (n != 0 || !r->outside.seen)
		return 0;
	snprintf(path, sizeof path, "/proc/%d/root", (int)r->outside.pid);
	ssize_t len = readlink(path, link, PATH_MAX - 1);
	link[len > 0 ? len : 0] = '\0';
	return 0;
}

SP_CASE(old_root_gone, "root.old-root-gone", NULL,
	"The host's root is gone from the sandbox's mount namespace: no mount in its table, "
	"inside (/proc/self/mountinfo) or seen from outside (/proc/PID/mountinfo), has the "
	"device and root of the host's /, and /proc/PID/root reads `/` from the host (a chroot "
	"into a tree whose old root stays attached above it reads as the path below that root)")
{
	static char link[PATH_MAX];
	const struct sp_run *r = sp_probe_opts(tc, &(const struct sp_opts){.verbs = {"mountinfo"},
									   .hook = root_link_hook,
									   .hook_arg = link});
	sp_require_outside(r);
	ATF_CHECK_MSG(strcmp(link, "/") == 0,
		      "/proc/%d/root reads '%s' from the host: the process's root is a directory "
		      "of a mount tree that goes on above it",
		      (int)r->outside.pid, link);
	char dev[32], root[PATH_MAX];
	ATF_REQUIRE_MSG(root_mount(r->outside.host_mountinfo, dev, sizeof dev, root, sizeof root),
			"harness: no / in the host's mount table");
	static char inside[8192], outside[8192], joined[256 * 1024];
	size_t o = 0;
	for (size_t i = 0; i < r->n_kv; i++)
		if (strncmp(r->kv[i].key, "mountinfo.", 10) == 0 &&
		    strcmp(r->kv[i].key, "mountinfo.count") != 0 &&
		    o + strlen(r->kv[i].value) + 2 < sizeof joined)
			o +=
			    (size_t)snprintf(joined + o, sizeof joined - o, "%s\n", r->kv[i].value);
	/* without /proc inside, the outside view alone says */
	if (sp_get(r, "mountinfo.count") == NULL)
		printf("the probe could not read its mount table; the outside view decides\n");
	ATF_CHECK_MSG(find_host_root(joined, dev, root, inside, sizeof inside) == 0,
		      "the host's root (%s %s) is mounted inside at: %s", dev, root, inside);
	ATF_CHECK_MSG(
	    find_host_root(r->outside.mountinfo, dev, root, outside, sizeof outside) == 0,
	    "seen from the host, the host's root (%s %s) is mounted in the sandbox at: %s", dev,
	    root, outside);
}

/* ---- the host's tree --------------------------------------------------------------------------
 */

struct tree {
	char verbs[N_HOST_DIRS][64];
	char host_id[N_HOST_DIRS][64];
	const char *path[N_HOST_DIRS];
	size_t n;
};

/* The host directories that exist and are not exposed: one `stat:P` verb each. */
static void
tree_verbs(const atf_tc_t *tc, struct tree *t, struct sp_opts *o)
{
	const struct sp_description *d = sp_adapter(tc);
	size_t v = 0;
	while (o->verbs[v])
		v++;
	for (size_t i = 0; i < N_HOST_DIRS && v + 2 <= SP_MAX_VERBS; i++) {
		char id[64];
		if (exposed(d, host_dirs[i]) || host_lid(host_dirs[i], id, sizeof id)[0] == '\0')
			continue;
		snprintf(t->host_id[t->n], sizeof t->host_id[t->n], "%s", id);
		snprintf(t->verbs[t->n], sizeof t->verbs[t->n], "stat:%s", host_dirs[i]);
		t->path[t->n] = host_dirs[i];
		o->verbs[v++] = t->verbs[t->n];
		t->n++;
	}
}

SP_CASE(host_tree_hidden, "root.host-tree-hidden", NULL,
	"No directory of the host's tree that the adapter does not expose is visible inside: "
	"/, /home, /root, /var, /run, /boot, /opt, /srv, /mnt, /media, /usr, /etc and the like, "
	"compared by device and inode with the host's")
{
	static struct tree t;
	static struct sp_opts o;
	tree_verbs(tc, &t, &o);
	const struct sp_run *r = sp_probe_opts(tc, &o);
	unsigned visible = 0;
	char list[2048] = "";
	for (size_t i = 0; i < t.n; i++) {
		char key[96];
		snprintf(key, sizeof key, "stat:%s.id", t.path[i]);
		if (!sp_is(r, key, t.host_id[i]))
			continue;
		size_t l = strlen(list);
		snprintf(list + l, sizeof list - l, "%s%s", l ? ", " : "", t.path[i]);
		visible++;
	}
	printf("compared %zu host directories not exposed by %s\n", t.n, sp_adapter(tc)->name);
	ATF_CHECK_MSG(visible == 0, "%u host director%s visible inside: %s", visible,
		      visible == 1 ? "y is" : "ies are", list);
}

struct parents {
	bool seen;
	char rundir_id[64], base_id[64];
};

static int
parents_hook(struct sp_run *r, unsigned n, void *arg)
{
	struct parents *p = arg;
	if (n != 0)
		return 0;
	char base[sizeof r->rundir];
	snprintf(base, sizeof base, "%s", r->rundir);
	char *slash = strrchr(base, '/');
	if (slash && slash > base)
		*slash = '\0';
	host_lid(r->rundir, p->rundir_id, sizeof p->rundir_id);
	host_lid(base, p->base_id, sizeof p->base_id);
	p->seen = true;
	return 0;
}

SP_CASE(parents_not_host, "root.parents-not-host", NULL,
	"The directories above the probe directory inside are the sandbox's, not the host's run "
	"directory and its parent (which hold the canary file next to the probe directory)")
{
	static struct parents p;
	const struct sp_run *r = sp_probe_opts(
	    tc, &(const struct sp_opts){
		    .verbs = {"stat:@/..", "stat:@/../.."}, .hook = parents_hook, .hook_arg = &p});
	char b[512];
	ATF_REQUIRE_MSG(p.seen, "the hook did not run");
	ATF_CHECK_MSG(sp_get(r, "stat:@/...id") && !sp_is(r, "stat:@/...id", p.rundir_id),
		      "the probe directory's parent inside is the host's run directory (%s)",
		      sp_show(r, "stat:@/...id", b, sizeof b));
	ATF_CHECK_MSG(sp_get(r, "stat:@/../...id") && !sp_is(r, "stat:@/../...id", p.base_id),
		      "the directory two levels above the probe directory is the host's (%s)",
		      sp_show(r, "stat:@/../...id", b, sizeof b));
}

SP_CASE(exposed_read_only, "root.exposed-read-only", NULL,
	"Every host directory the sandbox shows (/, /usr, /etc, /bin, /lib, /var, /home, ... "
	"found by device and inode) is on a read-only mount inside: the host's files are never "
	"writable through the sandbox")
{
	static struct tree t;
	static struct sp_opts o;
	/* here exposed paths are the point: every host directory, exposed or not */
	for (size_t i = 0; i < N_HOST_DIRS && 2 * t.n + 2 <= SP_MAX_VERBS; i++) {
		char id[64];
		if (host_lid(host_dirs[i], id, sizeof id)[0] == '\0')
			continue;
		static char flags[N_HOST_DIRS][64];
		snprintf(t.host_id[t.n], sizeof t.host_id[t.n], "%s", id);
		snprintf(t.verbs[t.n], sizeof t.verbs[t.n], "stat:%s", host_dirs[i]);
		snprintf(flags[t.n], sizeof flags[t.n], "mountflags:%s", host_dirs[i]);
		t.path[t.n] = host_dirs[i];
		o.verbs[2 * t.n] = t.verbs[t.n];
		o.verbs[2 * t.n + 1] = flags[t.n];
		t.n++;
	}
	const struct sp_run *r = sp_probe_opts(tc, &o);
	unsigned shown = 0, writable = 0;
	char list[2048] = "";
	for (size_t i = 0; i < t.n; i++) {
		char key[96];
		snprintf(key, sizeof key, "stat:%s.id", t.path[i]);
		if (!sp_is(r, key, t.host_id[i]))
			continue;
		shown++;
		snprintf(key, sizeof key, "mountflags:%s.ro", t.path[i]);
		if (sp_is(r, key, "1"))
			continue;
		size_t l = strlen(list);
		snprintf(list + l, sizeof list - l, "%s%s", l ? ", " : "", t.path[i]);
		writable++;
	}
	printf("%u host directories shown inside\n", shown);
	ATF_CHECK_MSG(writable == 0, "host director%s on a writable mount inside: %s",
		      writable == 1 ? "y" : "ies", list);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, root_not_host_root);
	ATF_TP_ADD_TC(tp, dotdot_is_root);
	ATF_TP_ADD_TC(tp, cwd_inside_root);
	ATF_TP_ADD_TC(tp, canary_unreachable);
	ATF_TP_ADD_TC(tp, old_root_gone);
	ATF_TP_ADD_TC(tp, host_tree_hidden);
	ATF_TP_ADD_TC(tp, parents_not_host);
	ATF_TP_ADD_TC(tp, exposed_read_only);
	return atf_no_error();
}
