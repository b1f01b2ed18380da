/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * userns: the sandbox's user namespace, seen from inside (the probe) and outside (/proc/PID).
 *
 * Root mode, honestly: a sandbox started by root that maps its caller maps host uid 0 to an id
 * inside (sbx-run, bubblewrap and unshare --map-root-user all map 0 to 0, one id).  That process
 * is host uid 0 for the file permission checks of files it can see, though without any capability
 * in the host's user namespace.  The cases allow host id 0 in a map only in exactly that shape:
 * the launcher is root and the map holds one id, the caller's own.  Any wider map of host root
 * (the identity map of the host's namespace, a range starting at 0) fails.
 */
#include "sp.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/nsfs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_EXTENTS 340 /* the kernel's limit per map */

struct extent {
	unsigned long inside, host, count;
};

/* A map as the harness and the probe print it ("0 1000 1;1 100000 65536"); -1 when malformed. */
static int
parse_map(const char *map, struct extent *e, int max)
{
	int n = 0;
	for (const char *p = map; p && *p && n < max;) {
		if (sscanf(p, "%lu %lu %lu", &e[n].inside, &e[n].host, &e[n].count) != 3)
			return -1;
		n++;
		p = strchr(p, ';');
		if (p)
			p++;
	}
	return n;
}

/* The extent holding host id ID, or NULL when ID is not mapped. */
static const struct extent *
host_extent(const struct extent *e, int n, unsigned long id)
{
	for (int i = 0; i < n; i++)
		if (id >= e[i].host && id - e[i].host < e[i].count)
			return &e[i];
	return NULL;
}

static bool
inside_mapped(const struct extent *e, int n, unsigned long id)
{
	for (int i = 0; i < n; i++)
		if (id >= e[i].inside && id - e[i].inside < e[i].count)
			return true;
	return false;
}

/* Host id 0 in MAP is acceptable only as the root launcher's own single mapped id. */
static bool
host_root_ok(const char *map, uid_t launcher, char *why, size_t size)
{
	struct extent e[MAX_EXTENTS];
	int n = parse_map(map, e, MAX_EXTENTS);
	if (n <= 0) {
		snprintf(why, size, "map '%s' unreadable or empty", map);
		return false;
	}
	const struct extent *z = host_extent(e, n, 0);
	if (z == NULL)
		return true;
	if (launcher == 0 && z->host == 0 && z->count == 1)
		return true;
	snprintf(why, size,
		 "host id 0 is mapped by '%lu %lu %lu' of '%s' (launcher id %u): only a root "
		 "launcher's own single id may be",
		 z->inside, z->host, z->count, map, (unsigned)launcher);
	return false;
}

/* Field N (0-based) of a /proc/PID/status line such as "Uid:\t1000\t1000\t1000\t1000". */
static long
status_id(const struct sp_run *r, const char *field, int n)
{
	char buf[256];
	const char *v = sp_outside_status(r, field, buf, sizeof buf);
	if (v == NULL)
		return -1;
	char *end;
	long x = -1;
	for (int i = 0; i <= n; i++) {
		x = strtol(v, &end, 10);
		if (end == v)
			return -1;
		v = end;
	}
	return x;
}

static long
key_long(const struct sp_run *r, const char *key)
{
	const char *v = sp_get(r, key);
	char *end;
	if (v == NULL || *v == '\0')
		return -1;
	long x = strtol(v, &end, 10);
	return *end == '\0' ? x : -1;
}

SP_CASE(user_namespace_is_private, "userns.private", NULL,
	"The sandboxed process runs in a user namespace other than the host's, with an id "
	"mapping of its own rather than the host's identity map (outside view: "
	"/proc/PID/ns/user and uid_map)")
{
	sp_require_feature(tc, SP_FEAT_USERNS);
	const struct sp_run *r = sp_probe(tc, 0, "ids", "maps");
	sp_require_outside(r);
	SP_CHECK_NS_PRIVATE(r, SP_NS_USER);
	ATF_CHECK_MSG(strcmp(r->outside.uid_map, "0 0 4294967295") != 0,
		      "uid_map of pid %d seen from the host is the identity '%s'",
		      (int)r->outside.pid, r->outside.uid_map);
}

SP_CASE(setgroups_denied, "userns.setgroups-denied", "CVE-2014-8989",
	"In the sandbox's user namespace /proc/self/setgroups reads 'deny' and setgroups() fails "
	"with EPERM, so supplementary groups cannot be dropped to bypass group-deny permissions")
{
	sp_require_feature(tc, SP_FEAT_USERNS);
	const struct sp_run *r = sp_probe(tc, 0, "maps", "setgroups");
	SP_CHECK_KEY(r, "maps.setgroups", "deny");
	SP_CHECK_KEY(r, "setgroups.result", "EPERM");
	ATF_CHECK_MSG(strcmp(r->outside.setgroups, "deny") == 0,
		      "/proc/%d/setgroups seen from the host reads '%s'", (int)r->outside.pid,
		      r->outside.setgroups);
}

/* Inside id against host id: translated, or the root launcher's single 0-to-0 caller map. */
static void
check_translated(const struct sp_run *r, const char *what, const char *key, const char *field,
		 const char *map, long launcher_id)
{
	long in = key_long(r, key), out = status_id(r, field, 1);
	struct extent e[MAX_EXTENTS];
	int n = parse_map(map, e, MAX_EXTENTS);
	bool caller_root = geteuid() == 0 && out == launcher_id && n == 1 &&
			   e[0].host == (unsigned long)out && e[0].count == 1;
	ATF_CHECK_MSG(in >= 0 && out >= 0 && (in != out || caller_root),
		      "effective %s %ld inside is %s %ld on the host (/proc/%d/status), with the "
		      "map '%s': not a root launcher's single own id",
		      what, in, what, out, (int)r->outside.pid, map);
}

SP_CASE(ids_translated, "userns.ids-translated", NULL,
	"The uid and gid the sandboxed process has inside are not the ids the host knows it by "
	"(outside view: /proc/PID/status), except when the launcher is root and the sandbox maps "
	"just the caller (one id, 0 to 0)")
{
	sp_require_feature(tc, SP_FEAT_USERNS);
	const struct sp_run *r = sp_probe(tc, 0, "ids", "maps");
	sp_require_outside(r);
	check_translated(r, "uid", "ids.euid", "Uid", r->outside.uid_map, (long)geteuid());
	check_translated(r, "gid", "ids.egid", "Gid", r->outside.gid_map, (long)getegid());
}

SP_CASE(root_not_host_root, "userns.root-not-host-root", NULL,
	"Root inside is not root on the host: neither map holds host id 0 and the process's host "
	"uids and gids are not 0, unless the launcher is root and the map is its single own id "
	"(outside view: uid_map, gid_map and /proc/PID/status)")
{
	sp_require_feature(tc, SP_FEAT_USERNS);
	const struct sp_run *r = sp_probe(tc, 0, "ids", "maps");
	sp_require_outside(r);
	char why[512];
	uid_t launcher = geteuid();
	ATF_CHECK_MSG(host_root_ok(r->outside.uid_map, launcher, why, sizeof why), "uid_map: %s",
		      why);
	ATF_CHECK_MSG(host_root_ok(r->outside.gid_map, launcher, why, sizeof why), "gid_map: %s",
		      why);
	bool zero = false;
	for (int i = 0; i < 4; i++)
		zero = zero || status_id(r, "Uid", i) == 0 || status_id(r, "Gid", i) == 0;
	char u[128], g[128];
	ATF_CHECK_MSG(!zero ||
			  (launcher == 0 && host_root_ok(r->outside.uid_map, 0, why, sizeof why)),
		      "the process is host id 0 (Uid %s, Gid %s) under a launcher of uid %u",
		      sp_outside_status(r, "Uid", u, sizeof u) ? u : "?",
		      sp_outside_status(r, "Gid", g, sizeof g) ? g : "?", (unsigned)launcher);
}

/* One extent of at most 65536 ids: a map the size of what one sandbox needs. */
static void
check_minimal(const char *name, const char *map)
{
	struct extent e[MAX_EXTENTS];
	int n = parse_map(map, e, MAX_EXTENTS);
	unsigned long long total = 0;
	for (int i = 0; i < n; i++)
		total += e[i].count;
	ATF_CHECK_MSG(n == 1 && total <= 65536,
		      "%s '%s' seen from the host: %d extent(s), %llu ids (want one extent of at "
		      "most 65536)",
		      name, map, n, total);
}

SP_CASE(maps_minimal, "userns.maps-minimal", NULL,
	"The uid and gid maps are minimal: one extent of at most 65536 ids each, never the "
	"host's whole id space (outside view: /proc/PID/uid_map and gid_map)")
{
	sp_require_feature(tc, SP_FEAT_USERNS);
	const struct sp_run *r = sp_probe(tc, 0, "maps");
	sp_require_outside(r);
	check_minimal("uid_map", r->outside.uid_map);
	check_minimal("gid_map", r->outside.gid_map);
}

SP_CASE(maps_locked, "userns.maps-locked", NULL,
	"The id maps cannot be written again from inside: writing uid_map or gid_map a second "
	"time and turning setgroups back to 'allow' all fail (the probe writes back what it "
	"reads; only outside the host's user namespace)")
{
	sp_require_feature(tc, SP_FEAT_USERNS);
	const struct sp_run *r = sp_probe(tc, 0, "maps", "map-rewrite", "maps");
	SP_CHECK_KEY(r, "map-rewrite.result", "tried");
	SP_CHECK_KEY_NOT(r, "map-rewrite.uid_map", "ok");
	SP_CHECK_KEY_NOT(r, "map-rewrite.gid_map", "ok");
	SP_CHECK_KEY_NOT(r, "map-rewrite.setgroups", "ok");
}

/* ---- files owned by unmapped ids ---------------------------------------------------------- */

static const char *const owner_paths[] = {
    "/", "/usr", "/etc", "/dev/null", "/proc", "@", "@/scratch/unmapped"};
#define N_OWNER_PATHS (sizeof owner_paths / sizeof owner_paths[0])

struct owners {
	bool planted;
	char plant[PATH_MAX + 256]; /* what the harness did or why it could not */
	long host_uid[N_OWNER_PATHS], host_gid[N_OWNER_PATHS];
};

/* A host id the map does not hold (not the overflow id itself), or -1. */
static long
unmapped_host_id(const char *map)
{
	static const unsigned long candidates[] = {4242, 54321, 123457, 1000003, 2000000011};
	struct extent e[MAX_EXTENTS];
	int n = parse_map(map, e, MAX_EXTENTS);
	if (n < 0)
		return -1;
	for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++)
		if (host_extent(e, n, candidates[i]) == NULL)
			return (long)candidates[i];
	return -1;
}

/*
 * At sync 1 (root only): a file in the probe's scratch directory owned by ids the sandbox does not
 * map.  At the end: the host's owner of every path the probe stat'ed, through /proc/PID/root.
 */
static int
owners_hook(struct sp_run *r, unsigned n, void *arg)
{
	struct owners *o = arg;
	if (n == 1) {
		if (geteuid() != 0) {
			snprintf(o->plant, sizeof o->plant, "not root: no file planted");
			return 0;
		}
		long u = unmapped_host_id(r->outside.uid_map),
		     g = unmapped_host_id(r->outside.gid_map);
		char path[PATH_MAX];
		snprintf(path, sizeof path, "%s/scratch/unmapped", r->probedir);
		if (u < 0 || g < 0) {
			snprintf(o->plant, sizeof o->plant,
				 "no file planted: the maps hold every "
				 "candidate id");
			return 0;
		}
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
		if (fd < 0 || fchown(fd, (uid_t)u, (gid_t)g) != 0)
			snprintf(o->plant, sizeof o->plant,
				 "could not plant %s owned by %ld:%ld: %s", path, u, g,
				 strerror(errno));
		else {
			o->planted = true;
			snprintf(o->plant, sizeof o->plant, "planted %s owned by %ld:%ld", path, u,
				 g);
		}
		if (fd >= 0)
			close(fd);
		return 0;
	}
	for (size_t i = 0; i < N_OWNER_PATHS; i++) {
		char path[PATH_MAX];
		struct stat st;
		if (owner_paths[i][0] == '@')
			snprintf(path, sizeof path, "%s%s", r->probedir, owner_paths[i] + 1);
		else
			snprintf(path, sizeof path, "/proc/%d/root%s", (int)r->outside.pid,
				 owner_paths[i]);
		o->host_uid[i] = o->host_gid[i] = -1;
		if (r->outside.seen && lstat(path, &st) == 0) {
			o->host_uid[i] = (long)st.st_uid;
			o->host_gid[i] = (long)st.st_gid;
		}
	}
	return 0;
}

static long
read_overflow(const char *name)
{
	char path[64], buf[32];
	snprintf(path, sizeof path, "/proc/sys/kernel/%s", name);
	return sp_slurp(path, buf, sizeof buf) > 0 ? atol(buf) : 65534;
}

SP_CASE(unmapped_owner_overflow, "userns.unmapped-owner-overflow", NULL,
	"Files owned by ids the sandbox does not map show inside as the overflow uid and gid "
	"(65534): the host's owner of each path, read through /proc/PID/root, against what the "
	"probe sees; as root the harness also plants a file owned by unmapped ids")
{
	sp_require_feature(tc, SP_FEAT_USERNS);
	static struct owners o;
	struct sp_opts opts = {.hook = owners_hook, .hook_arg = &o, .verbs = {"sync"}};
	for (size_t i = 0; i < N_OWNER_PATHS; i++) {
		static char verbs[N_OWNER_PATHS][64];
		snprintf(verbs[i], sizeof verbs[i], "stat:%s", owner_paths[i]);
		opts.verbs[1 + i] = verbs[i];
	}
	const struct sp_run *r = sp_probe_opts(tc, &opts);
	sp_require_outside(r);
	printf("harness: %s\n", o.plant);
	struct extent ue[MAX_EXTENTS], ge[MAX_EXTENTS];
	int nu = parse_map(r->outside.uid_map, ue, MAX_EXTENTS);
	int ng = parse_map(r->outside.gid_map, ge, MAX_EXTENTS);
	long ovu = read_overflow("overflowuid"), ovg = read_overflow("overflowgid");
	unsigned considered = 0;
	for (size_t i = 0; i < N_OWNER_PATHS; i++) {
		char ku[96], kg[96];
		snprintf(ku, sizeof ku, "stat:%s.uid", owner_paths[i]);
		snprintf(kg, sizeof kg, "stat:%s.gid", owner_paths[i]);
		long in_u = key_long(r, ku), in_g = key_long(r, kg);
		if (in_u >= 0 && o.host_uid[i] >= 0 &&
		    host_extent(ue, nu, (unsigned long)o.host_uid[i]) == NULL) {
			considered++;
			ATF_CHECK_MSG(
			    in_u == ovu,
			    "%s is owned by host uid %ld, which the map '%s' does not hold, "
			    "yet shows inside as uid %ld (want the overflow uid %ld)",
			    owner_paths[i], o.host_uid[i], r->outside.uid_map, in_u, ovu);
		}
		if (in_g >= 0 && o.host_gid[i] >= 0 &&
		    host_extent(ge, ng, (unsigned long)o.host_gid[i]) == NULL) {
			considered++;
			ATF_CHECK_MSG(
			    in_g == ovg,
			    "%s is owned by host gid %ld, which the map '%s' does not hold, "
			    "yet shows inside as gid %ld (want the overflow gid %ld)",
			    owner_paths[i], o.host_gid[i], r->outside.gid_map, in_g, ovg);
		}
	}
	ATF_CHECK_MSG(considered > 0,
		      "no path inside has an owner the maps leave unmapped (uid_map '%s', gid_map "
		      "'%s'; %s): the maps hold every id seen",
		      r->outside.uid_map, r->outside.gid_map, o.plant);
}

SP_CASE(setuid_unmapped_fails, "userns.setuid-unmapped-fails", NULL,
	"setuid() and setgid() to ids the sandbox's maps do not hold fail, whatever capabilities "
	"the process has inside (tried in a child of the probe; the id is checked against the "
	"map seen from the host)")
{
	sp_require_feature(tc, SP_FEAT_USERNS);
	const struct sp_run *r = sp_probe(tc, 0, "setid-unmapped");
	sp_require_outside(r);
	struct extent ue[MAX_EXTENTS], ge[MAX_EXTENTS];
	int nu = parse_map(r->outside.uid_map, ue, MAX_EXTENTS);
	int ng = parse_map(r->outside.gid_map, ge, MAX_EXTENTS);
	long u = key_long(r, "setid-unmapped.uid"), g = key_long(r, "setid-unmapped.gid");
	ATF_CHECK_MSG(u >= 0 && g >= 0 && !inside_mapped(ue, nu, (unsigned long)u) &&
			  !inside_mapped(ge, ng, (unsigned long)g),
		      "no unmapped id to try: the probe found uid %s, gid %s with uid_map '%s', "
		      "gid_map '%s'",
		      sp_get(r, "setid-unmapped.uid"), sp_get(r, "setid-unmapped.gid"),
		      r->outside.uid_map, r->outside.gid_map);
	SP_CHECK_KEY_NOT(r, "setid-unmapped.uid.result", "ok");
	SP_CHECK_KEY_NOT(r, "setid-unmapped.gid.result", "ok");
}

/* ---- the namespace's place in the host's tree --------------------------------------------- */

struct lineage {
	bool done;
	long owner;    /* NS_GET_OWNER_UID, as the host names it */
	int depth;     /* parents climbed to reach the host's user namespace; -1 never reached */
	char why[256]; /* when something could not be read */
};

static int
lineage_hook(struct sp_run *r, unsigned n, void *arg)
{
	struct lineage *l = arg;
	if (n != 0 || !r->outside.seen)
		return 0;
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/ns/user", (int)r->outside.pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	l->done = true;
	l->depth = -1;
	l->owner = -1;
	if (fd < 0) {
		snprintf(l->why, sizeof l->why, "open %s: %s", path, strerror(errno));
		return 0;
	}
	uid_t owner;
	if (ioctl(fd, NS_GET_OWNER_UID, &owner) == 0)
		l->owner = (long)owner;
	else
		snprintf(l->why, sizeof l->why, "NS_GET_OWNER_UID: %s", strerror(errno));
	for (int d = 0; d <= 32; d++) {
		struct stat st;
		if (fstat(fd, &st) == 0 && (unsigned long)st.st_ino == r->host.ns[SP_NS_USER]) {
			l->depth = d;
			break;
		}
		int parent = ioctl(fd, NS_GET_PARENT);
		if (parent < 0) {
			snprintf(l->why, sizeof l->why, "NS_GET_PARENT at depth %d: %s", d,
				 strerror(errno));
			break;
		}
		close(fd);
		fd = parent;
	}
	close(fd);
	return 0;
}

SP_CASE(owned_by_launcher, "userns.owned-by-launcher", NULL,
	"The sandbox's user namespace descends from the host's (NS_GET_PARENT reaches it) and is "
	"owned by the launcher's uid (NS_GET_OWNER_UID), so the host grants it nothing the "
	"launcher does not have (outside view: /proc/PID/ns/user)")
{
	sp_require_feature(tc, SP_FEAT_USERNS);
	static struct lineage l;
	const struct sp_run *r = sp_probe_opts(
	    tc, &(const struct sp_opts){.verbs = {"ns"}, .hook = lineage_hook, .hook_arg = &l});
	sp_require_outside(r);
	ATF_CHECK_MSG(l.done && l.depth >= 1, "the user namespace of pid %d %s the host's (%s)",
		      (int)r->outside.pid, l.depth == 0 ? "is" : "does not descend from",
		      l.why[0] ? l.why : "no parent");
	ATF_CHECK_MSG(l.done && l.owner == (long)geteuid(),
		      "the user namespace is owned by uid %ld, the launcher is uid %u%s%s", l.owner,
		      (unsigned)geteuid(), l.why[0] ? ": " : "", l.why);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, user_namespace_is_private);
	ATF_TP_ADD_TC(tp, setgroups_denied);
	ATF_TP_ADD_TC(tp, ids_translated);
	ATF_TP_ADD_TC(tp, root_not_host_root);
	ATF_TP_ADD_TC(tp, maps_minimal);
	ATF_TP_ADD_TC(tp, maps_locked);
	ATF_TP_ADD_TC(tp, unmapped_owner_overflow);
	ATF_TP_ADD_TC(tp, setuid_unmapped_fails);
	ATF_TP_ADD_TC(tp, owned_by_launcher);
	return atf_no_error();
}
