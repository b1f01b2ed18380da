/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mountns: the sandbox's mount table is its own.  Mount tables are compared from outside, where
 * /proc/PID/mountinfo of the probe and the harness's own table are read at the same moment; peer
 * group numbers (shared:N) are global, so a number on both sides is a shared peer group.
 *
 * One case mounts on the host (a mount the host makes after the sandbox started must not show up
 * inside): only as real root, only on a directory inside the run directory the harness made and
 * removes, detached again before the run ends; the core detaches anything left under the run
 * directory as a leak of the run.
 */
#include "sp.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

SP_CASE(mount_inside_invisible_on_host, "mountns.mount-stays-inside", NULL,
	"A mount made inside the sandbox (a read-only tmpfs named after the run) never appears in "
	"the host's mount table")
{
	sp_require_feature(tc, SP_FEAT_MNTNS);
	const struct sp_run *r = sp_probe(tc, 0, "mount-tmpfs");
	sp_require_outside(r);
	SP_CHECK_NS_PRIVATE(r, SP_NS_MNT);
	SP_CHECK_KEY_NOT(r, "mount-tmpfs.result", "refused");
	ATF_CHECK_MSG(!sp_host_has_probe_mount(r),
		      "the host's mount table shows the probe's tmpfs 'sp-%s'", r->nonce);
}

SP_CASE(mount_namespace_is_private, "mountns.private", NULL,
	"The sandboxed process is in a mount namespace other than the host's, seen from inside "
	"(/proc/self/ns/mnt against the host's inode) and from outside (/proc/PID/ns/mnt)")
{
	sp_require_feature(tc, SP_FEAT_MNTNS);
	const struct sp_run *r = sp_probe(tc, 0, "ns");
	sp_require_outside(r);
	SP_CHECK_KEY(r, "ns.mnt.same-as-host", "0");
	SP_CHECK_NS_PRIVATE(r, SP_NS_MNT);
}

/* ---- mountinfo lines ------------------------------------------------------------------------ */

struct mline {
	char dev[32];         /* MAJ:MIN */
	char root[PATH_MAX];  /* field 4 */
	char point[PATH_MAX]; /* field 5 */
	char opts[256];       /* field 6, per-mount options */
	unsigned long shared; /* shared:N, or 0 */
	unsigned long master; /* master:N, or 0 */
	char source[256];     /* after " - TYPE " */
};

/* Parse one mountinfo line; false when it is not one. */
static bool
parse_mline(const char *line, struct mline *m)
{
	memset(m, 0, sizeof *m);
	if (sscanf(line, "%*d %*d %31s %4095s %4095s %255s", m->dev, m->root, m->point, m->opts) !=
	    4)
		return false;
	const char *dash = strstr(line, " - ");
	const char *sh = strstr(line, " shared:");
	if (sh != NULL && (dash == NULL || sh < dash))
		m->shared = strtoul(sh + 8, NULL, 10);
	const char *ms = strstr(line, " master:");
	if (ms != NULL && (dash == NULL || ms < dash))
		m->master = strtoul(ms + 8, NULL, 10);
	if (dash != NULL)
		sscanf(dash, " - %*s %255s", m->source);
	return true;
}

/* Call FN for every line of the mountinfo text TABLE (not modified). */
static void
each_mline(const char *table, void (*fn)(const struct mline *, void *), void *arg)
{
	const char *p = table;
	while (p != NULL && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char line[8192];
		snprintf(line, sizeof line, "%.*s",
			 (int)(len < sizeof line ? len : sizeof line - 1), p);
		struct mline m;
		if (parse_mline(line, &m))
			fn(&m, arg);
		p = nl ? nl + 1 : NULL;
	}
}

/* ---- a host mount made after the sandbox started ------------------------------------------ */

struct host_mount {
	char target[PATH_MAX];
	char source[64];
	bool mounted, seen_on_host, detached;
	char why[PATH_MAX + 256];
};

static void
host_mount_detach(struct host_mount *h)
{
	if (h->mounted && !h->detached && umount2(h->target, MNT_DETACH | UMOUNT_NOFOLLOW) == 0)
		h->detached = true;
}

/* sync 1: mount on the host (inside the run's probe directory); end: look, then detach. */
static int
host_mount_hook(struct sp_run *r, unsigned n, void *arg)
{
	struct host_mount *h = arg;
	if (n == 1) {
		snprintf(h->target, sizeof h->target, "%s/scratch/sp-hostmnt", r->probedir);
		snprintf(h->source, sizeof h->source, "sp-host-%s", r->nonce);
		if (mkdir(h->target, 0755) != 0) {
			snprintf(h->why, sizeof h->why, "mkdir %s: %s", h->target, strerror(errno));
			return 0;
		}
		if (mount(h->source, h->target, "tmpfs",
			  MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4k,mode=0555") != 0) {
			snprintf(h->why, sizeof h->why, "mount tmpfs on %s: %s", h->target,
				 strerror(errno));
			return 0;
		}
		h->mounted = true;
		return 0;
	}
	if (n == 0) {
		char needle[96];
		snprintf(needle, sizeof needle, " %s ", h->source);
		h->seen_on_host = r->outside.host_mountinfo != NULL &&
				  strstr(r->outside.host_mountinfo, needle) != NULL;
		host_mount_detach(h);
	}
	return 0;
}

SP_CASE(host_mount_invisible, "mountns.host-mount-invisible", NULL,
	"A mount the host makes after the sandbox started (a tmpfs in the probe directory the "
	"sandbox shows) does not appear inside: no propagation from the host's mounts into the "
	"sandbox's (real root only: the harness mounts and detaches it in its own run directory)")
{
	/* Only real root can mount on the host: as a user the property cannot be tested here,
	 * which is not an environment fault (must_work does not turn it into a failure). */
	if (geteuid() != 0)
		atf_tc_skip("not applicable: only real root can make the host-side mount (uid %d)",
			    (int)geteuid());
	sp_require_feature(tc, SP_FEAT_MNTNS);
	sp_require_feature(tc, SP_FEAT_HOST_MOUNT);
	static struct host_mount h;
	const struct sp_run *r = sp_probe_opts(
	    tc, &(const struct sp_opts){
		    .verbs = {"sync", "mountinfo", "stat:@/scratch", "stat:@/scratch/sp-hostmnt"},
		    .hook = host_mount_hook,
		    .hook_arg = &h});
	host_mount_detach(&h); /* in case the run ended before its end hook */
	ATF_REQUIRE_MSG(h.mounted, "harness: could not mount on the host: %s", h.why);
	ATF_CHECK_MSG(h.seen_on_host, "harness: its mount '%s' on %s was not in the host's table",
		      h.source, h.target);
	SP_CHECK_NS_PRIVATE(r, SP_NS_MNT);
	bool inside = false;
	char needle[96];
	snprintf(needle, sizeof needle, " %s ", h.source);
	for (size_t i = 0; i < r->n_kv; i++)
		if (strncmp(r->kv[i].key, "mountinfo.", 10) == 0 && strstr(r->kv[i].value, needle))
			inside = true;
	/* the device under the mount point against its parent's: a mount there is another device
	 * (this needs no /proc inside) */
	char d1[64] = "", d2[64] = "", b[512];
	const char *i1 = sp_get(r, "stat:@/scratch.id"),
		   *i2 = sp_get(r, "stat:@/scratch/sp-hostmnt.id");
	if (i1 && strrchr(i1, ':'))
		snprintf(d1, sizeof d1, "%.*s", (int)(strrchr(i1, ':') - i1), i1);
	if (i2 && strrchr(i2, ':'))
		snprintf(d2, sizeof d2, "%.*s", (int)(strrchr(i2, ':') - i2), i2);
	ATF_CHECK_MSG(d1[0] && d2[0], "the probe could not stat the mount point: %s",
		      sp_show(r, "stat:@/scratch/sp-hostmnt.id", b, sizeof b));
	ATF_CHECK_MSG(!inside && strcmp(d1, d2) == 0,
		      "the host's mount '%s' on %s propagated into the sandbox (%s; device %s "
		      "under the mount point, %s above it)",
		      h.source, h.target, inside ? "in its mount table" : "not in its mount table",
		      d2, d1);
}

/* ---- peer groups ---------------------------------------------------------------------------- */

#define MAX_GROUPS 512

struct groups {
	unsigned long id[MAX_GROUPS];
	size_t n;
	char shared_with_host[2048];
	const struct groups *host;
};

static void
collect_group(const struct mline *m, void *arg)
{
	struct groups *g = arg;
	if (m->shared && g->n < MAX_GROUPS)
		g->id[g->n++] = m->shared;
}

static void
match_group(const struct mline *m, void *arg)
{
	struct groups *g = arg;
	if (m->shared == 0)
		return;
	for (size_t i = 0; i < g->host->n; i++)
		if (g->host->id[i] == m->shared) {
			size_t o = strlen(g->shared_with_host);
			snprintf(g->shared_with_host + o, sizeof g->shared_with_host - o,
				 "%s%s (shared:%lu)", o ? ", " : "", m->point, m->shared);
			return;
		}
}

SP_CASE(no_shared_peer_group, "mountns.no-shared-peer", NULL,
	"No mount of the sandbox is in a peer group with a mount of the host (no shared:N tag "
	"in the sandbox's /proc/PID/mountinfo that the host's table also has), so mounts and "
	"unmounts propagate neither way")
{
	sp_require_feature(tc, SP_FEAT_MNTNS);
	const struct sp_run *r = sp_probe(tc, 0, "ns");
	sp_require_outside(r);
	SP_CHECK_NS_PRIVATE(r, SP_NS_MNT);
	static struct groups host, sandbox;
	each_mline(r->outside.host_mountinfo, collect_group, &host);
	sandbox.host = &host;
	each_mline(r->outside.mountinfo, match_group, &sandbox);
	ATF_CHECK_MSG(
	    r->outside.mountinfo && r->outside.mountinfo[0] && sandbox.shared_with_host[0] == '\0',
	    "the sandbox's mounts share peer groups with the host's: %s",
	    sandbox.shared_with_host[0] ? sandbox.shared_with_host
					: "(the sandbox's mountinfo is empty or unreadable)");
}

/* ---- unmounting inside ---------------------------------------------------------------------- */

#define MAX_HOST_MOUNTS 1024

struct host_table {
	unsigned long ids[MAX_HOST_MOUNTS];
	char points[MAX_HOST_MOUNTS][256];
	size_t n;
	bool before, after;
	char lost[2048];
	bool own_groups; /* the sandbox's peer groups have no host mount as peer or slave */
	char shared_with_host[2048];
};

/* The host's peer groups: those its mounts are in (shared:N) or receive from (master:N). */
static void
collect_host_group(const struct mline *m, void *arg)
{
	struct groups *g = arg;
	if (m->shared && g->n < MAX_GROUPS)
		g->id[g->n++] = m->shared;
	if (m->master && g->n < MAX_GROUPS)
		g->id[g->n++] = m->master;
}

/* Mount ids of the host's table, leaving out the run directories of concurrent cases. */
static size_t
host_ids(const char *table, unsigned long *ids, char (*points)[256], size_t max)
{
	size_t n = 0;
	for (const char *p = table; p && *p && n < max;) {
		unsigned long id;
		char point[PATH_MAX];
		if (sscanf(p, "%lu %*d %*s %*s %4095s", &id, point) == 2 &&
		    strstr(point, "/sandproof-") == NULL) {
			ids[n] = id;
			snprintf(points[n], sizeof points[n], "%.255s", point);
			n++;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return n;
}

static int
host_table_hook(struct sp_run *r, unsigned n, void *arg)
{
	struct host_table *t = arg;
	if (n == 1 && r->outside.host_mountinfo) {
		t->n = host_ids(r->outside.host_mountinfo, t->ids, t->points, MAX_HOST_MOUNTS);
		t->before = true;
		static struct groups host, sandbox;
		memset(&host, 0, sizeof host);
		memset(&sandbox, 0, sizeof sandbox);
		each_mline(r->outside.host_mountinfo, collect_host_group, &host);
		sandbox.host = &host;
		if (r->outside.mountinfo && r->outside.mountinfo[0]) {
			each_mline(r->outside.mountinfo, match_group, &sandbox);
			snprintf(t->shared_with_host, sizeof t->shared_with_host, "%s",
				 sandbox.shared_with_host);
			t->own_groups = sandbox.shared_with_host[0] == '\0';
		}
		if (t->own_groups) {
			char path[PATH_MAX];
			snprintf(path, sizeof path, "%s/scratch/sp-umount-shared-ok", r->probedir);
			FILE *f = fopen(path, "we");
			if (f)
				fclose(f);
		}
	} else if (n == 0 && t->before && r->outside.host_mountinfo) {
		static unsigned long now[MAX_HOST_MOUNTS];
		static char points[MAX_HOST_MOUNTS][256];
		size_t m = host_ids(r->outside.host_mountinfo, now, points, MAX_HOST_MOUNTS);
		for (size_t i = 0; i < t->n; i++) {
			bool found = false;
			for (size_t j = 0; j < m && !found; j++)
				found = now[j] == t->ids[i];
			size_t o = strlen(t->lost);
			if (!found && o + 300 < sizeof t->lost)
				snprintf(t->lost + o, sizeof t->lost - o, "%s%lu %s", o ? ", " : "",
					 t->ids[i], t->points[i]);
		}
		t->after = true;
	}
	return 0;
}

SP_CASE(umount_stays_inside, "mountns.umount-stays-inside", NULL,
	"Unmounting inside changes nothing outside: the probe unmounts every mount it sees but "
	"its root (never lazily; shared ones only when the harness saw no host mount in their "
	"peer groups), and the host's mount table keeps every mount it had (outside view, "
	"before and after)")
{
	sp_require_feature(tc, SP_FEAT_MNTNS);
	static struct host_table t;
	const struct sp_run *r = sp_probe_opts(
	    tc, &(const struct sp_opts){
		    .verbs = {"sync", "umount-inside"}, .hook = host_table_hook, .hook_arg = &t});
	printf("harness: the sandbox's peer groups are %s\n",
	       t.own_groups ? "its own: shared mounts may be unmounted"
			    : "shared with the host, or unread: shared mounts are kept");
	SP_CHECK_KEY(r, "umount-inside.result", "tried");
	char b[512], k[512];
	ATF_CHECK_MSG(sp_get(r, "umount-inside.tried") && !sp_is(r, "umount-inside.tried", "0"),
		      "the probe unmounted nothing (umount-inside.tried=%s, kept-shared=%s)",
		      sp_show(r, "umount-inside.tried", b, sizeof b),
		      sp_show(r, "umount-inside.kept-shared", k, sizeof k));
	ATF_CHECK_MSG(t.before && t.after && t.lost[0] == '\0',
		      "the host's mount table lost mounts while the probe unmounted inside: %s",
		      t.lost[0] ? t.lost : "(host table not read)");
}

/* ---- read-only mounts ----------------------------------------------------------------------- */

SP_CASE(ro_binds_stay_ro, "mountns.ro-binds-stay-ro", NULL,
	"Read-only mounts inside stay read-only: remounting each one read-write (MS_REMOUNT | "
	"MS_BIND, other flags kept) fails for the sandboxed process (only outside the host's "
	"mount namespace; one that gives way is made read-only again at once)")
{
	sp_require_feature(tc, SP_FEAT_MNTNS);
	const struct sp_run *r = sp_probe(tc, 0, "remount-ro-mounts");
	char b[512], w[512];
	ATF_CHECK_MSG(sp_get(r, "remount-ro-mounts.count") &&
			  !sp_is(r, "remount-ro-mounts.count", "0"),
		      "no read-only mount inside to try (count %s)",
		      sp_show(r, "remount-ro-mounts.count", b, sizeof b));
	ATF_CHECK_MSG(sp_is(r, "remount-ro-mounts.rw", "0"),
		      "read-only mounts were made read-write: %s (rw=%s)",
		      sp_show(r, "remount-ro-mounts.list", b, sizeof b),
		      sp_show(r, "remount-ro-mounts.rw", w, sizeof w));
}

SP_CASE(ro_binds_locked, "mountns.ro-binds-locked", NULL,
	"Read-only mounts are locked: from a nested user and mount namespace, where the process "
	"holds every capability, remounting them read-write still fails (MNT_LOCK_READONLY, "
	"mount_namespaces(7)); a sandbox that forbids nested namespaces keeps them read-only too")
{
	sp_require_feature(tc, SP_FEAT_MNTNS);
	const struct sp_run *r = sp_probe(tc, 0, "remount-ro-mounts");
	char b[512], l[1024];
	const char *nested = sp_get(r, "remount-ro-mounts.nested");
	ATF_CHECK_MSG(nested != NULL, "the nested attempt was not made: %s",
		      sp_show(r, "remount-ro-mounts.nested", b, sizeof b));
	if (nested != NULL && strcmp(nested, "ok") == 0) {
		ATF_CHECK_MSG(sp_is(r, "remount-ro-mounts.nested.rw", "0"),
			      "from nested namespaces %s read-only mount(s) became read-write: %s",
			      sp_show(r, "remount-ro-mounts.nested.rw", b, sizeof b),
			      sp_show(r, "remount-ro-mounts.nested.list", l, sizeof l));
		ATF_CHECK_MSG(!sp_is(r, "remount-ro-mounts.nested.count", "0"),
			      "no read-only mount to try in the nested namespace");
	} else if (nested != NULL) {
		printf("nested user+mount namespaces not available inside: %s (the mounts stay "
		       "read-only)\n",
		       nested);
	}
}

/* ---- the host's table is not the sandbox's ------------------------------------------------- */

struct table_cmp {
	const char *host;
	const struct sp_description *d;
	char same[2048];
	unsigned n;
};

/* Is POINT a path the adapter exposes on purpose (or below one)?  `/` exposes the whole tree. */
static bool
exposed(const struct sp_description *d, const char *point)
{
	for (const char *p = d->exposes; *p;) {
		p += strspn(p, " \t");
		size_t n = strcspn(p, " \t");
		if (n == 1 && *p == '/')
			return true;
		if (n > 1 && strncmp(point, p, n) == 0 && (point[n] == '/' || point[n] == '\0'))
			return true;
		p += n;
	}
	return false;
}

struct host_find {
	const struct mline *want;
	bool found;
};

static void
find_same(const struct mline *m, void *arg)
{
	struct host_find *f = arg;
	if (strcmp(m->dev, f->want->dev) == 0 && strcmp(m->root, f->want->root) == 0 &&
	    strcmp(m->point, f->want->point) == 0)
		f->found = true;
}

static void
compare_one(const struct mline *m, void *arg)
{
	struct table_cmp *c = arg;
	if (exposed(c->d, m->point))
		return;
	struct host_find f = {.want = m};
	each_mline(c->host, find_same, &f);
	if (!f.found)
		return;
	size_t o = strlen(c->same);
	c->n++;
	if (o + strlen(m->point) + 40 < sizeof c->same)
		snprintf(c->same + o, sizeof c->same - o, "%s%s (%s %s)", o ? ", " : "", m->point,
			 m->dev, m->root);
}

SP_CASE(host_table_hidden, "mountns.host-table-hidden", NULL,
	"None of the host's mounts shows up in the sandbox's table as it is on the host (same "
	"device, root and mount point), except under paths the adapter exposes on purpose (all "
	"of them for an adapter that exposes `/`); outside view: /proc/PID/mountinfo against "
	"the host's")
{
	sp_require_feature(tc, SP_FEAT_MNTNS);
	const struct sp_run *r = sp_probe(tc, 0, "mountinfo");
	sp_require_outside(r);
	static struct table_cmp c;
	c.host = r->outside.host_mountinfo;
	c.d = sp_adapter(tc);
	each_mline(r->outside.mountinfo, compare_one, &c);
	ATF_CHECK_MSG(r->outside.mountinfo && r->outside.mountinfo[0] && c.n == 0,
		      "%u host mount(s) visible inside as on the host: %s", c.n,
		      c.same[0] ? c.same : "(the sandbox's mountinfo is empty or unreadable)");
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, mount_inside_invisible_on_host);
	ATF_TP_ADD_TC(tp, mount_namespace_is_private);
	ATF_TP_ADD_TC(tp, host_mount_invisible);
	ATF_TP_ADD_TC(tp, no_shared_peer_group);
	ATF_TP_ADD_TC(tp, umount_stays_inside);
	ATF_TP_ADD_TC(tp, ro_binds_stay_ro);
	ATF_TP_ADD_TC(tp, ro_binds_locked);
	ATF_TP_ADD_TC(tp, host_table_hidden);
	return atf_no_error();
}
