/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tmp: the sandbox's /tmp is a tmpfs of its own.  Each case about an attribute of /tmp (empty,
 * 1777, nosuid and nodev, writable) also checks that the /tmp it looked at is not the host's (its
 * device differs from that of the host's /tmp), so that a sandbox showing the host's /tmp, whose
 * attributes may well be the same, does not pass.
 *
 * Writing happens only through the probe's `mkfile`, which writes outside its scratch directory
 * only when its mount namespace is not the host's.  A sandbox that still lands the file on the
 * host's /tmp (a private namespace with the host's /tmp bound) is caught and the file removed.
 */
#include "sp.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

SP_CASE(tmp_is_private_tmpfs, "tmp.private-tmpfs", NULL,
	"/tmp inside the sandbox is a tmpfs of its own: a file in the host's /tmp is invisible")
{
	const struct sp_run *r = sp_probe(tc, SP_CANARY_TMP, "statfs:/tmp", "canary:tmp");
	SP_CHECK_KEY(r, "statfs:/tmp.type", "tmpfs");
	SP_CHECK_UNREACHED(r, SP_CANARY_TMP);
}

/* "MAJ:MIN" of an identity "MAJ:MIN:INO" into DEV. */
static void
dev_of(const char *id, char *dev, size_t size)
{
	const char *last = id ? strrchr(id, ':') : NULL;
	snprintf(dev, size, "%.*s", last ? (int)(last - id) : 0, last ? id : "");
}

/*
 * The /tmp the probe stat'ed (`stat:/tmp`, or KEY) is not the host's: its device differs from
 * the device of the host's /tmp.  Compared by device, not inode: a tmpfs of the sandbox's own is a
 * device of its own.
 */
static void
check_own_tmp(const struct sp_run *r, const char *key)
{
	char host[64], hdev[64], sdev[64], b[512];
	sp_file_id("/tmp", host, sizeof host);
	dev_of(host, hdev, sizeof hdev);
	dev_of(sp_get(r, key), sdev, sizeof sdev);
	ATF_CHECK_MSG(sdev[0] != '\0' && strcmp(sdev, hdev) != 0,
		      "/tmp inside (%s = %s) is on the device of the host's /tmp (%s)", key,
		      sp_show(r, key, b, sizeof b), host);
}

SP_CASE(tmp_empty_at_start, "tmp.empty-at-start", NULL,
	"/tmp is empty when the sandbox starts (the harness has a file in the host's /tmp), and "
	"is not the host's /tmp")
{
	const struct sp_run *r = sp_probe(tc, SP_CANARY_TMP, "stat:/tmp", "readdir:/tmp");
	check_own_tmp(r, "stat:/tmp.id");
	char b[512], e[1024];
	ATF_CHECK_MSG(sp_is(r, "readdir:/tmp.count", "0"), "/tmp holds %s entries at start: %.300s",
		      sp_show(r, "readdir:/tmp.count", b, sizeof b),
		      sp_show(r, "readdir:/tmp.entries", e, sizeof e));
}

SP_CASE(tmp_mode_1777, "tmp.mode-1777", NULL,
	"/tmp is a directory of mode 1777 (world-writable and sticky, so no process deletes "
	"another's files), and is not the host's /tmp")
{
	const struct sp_run *r = sp_probe(tc, 0, "stat:/tmp");
	check_own_tmp(r, "stat:/tmp.id");
	SP_CHECK_KEY(r, "stat:/tmp.mode", "041777");
}

/*
 * The probe removes its file when it exits; should a sandbox have put it in the host's /tmp and
 * been killed first, the harness removes it (the name carries this run's nonce: it is ours).
 */
static void
remove_leaked_file(const struct sp_run *r)
{
	char path[128];
	snprintf(path, sizeof path, "/tmp/sandproof-inside-%s", r->nonce);
	unlink(path);
}

SP_CASE(tmp_writable, "tmp.writable", NULL,
	"/tmp is writable: the probe creates a file there, writes to it and reads back what it "
	"wrote (only outside the host's mount namespace), and it is not the host's /tmp")
{
	const struct sp_run *r = sp_probe(tc, 0, "stat:/tmp", "mkfile:/tmp");
	remove_leaked_file(r);
	check_own_tmp(r, "stat:/tmp.id");
	SP_CHECK_KEY(r, "mkfile:/tmp.result", "ok");
	SP_CHECK_KEY(r, "mkfile:/tmp.readback", "ok");
}

/* Per-mount options of the mount at POINT in a mountinfo text, or NULL. */
static const char *
mount_opts(const char *table, const char *point, char *buf, size_t size)
{
	const char *found = NULL;
	for (const char *p = table; p && *p;) {
		char mp[PATH_MAX], opts[256];
		if (sscanf(p, "%*d %*d %*s %*s %4095s %255s", mp, opts) == 2 &&
		    strcmp(mp, point) == 0) {
			snprintf(buf, size, "%s", opts);
			found = buf; /* the last one is on top */
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return found;
}

static bool
has_word(const char *list, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = list; p && *p;) {
		size_t len = strcspn(p, ",");
		if (len == n && strncmp(p, word, n) == 0)
			return true;
		p += len + (p[len] == ',');
	}
	return false;
}

SP_CASE(tmp_nosuid_nodev, "tmp.nosuid-nodev", NULL,
	"/tmp is mounted nosuid and nodev, inside (statvfs) and seen from outside "
	"(/proc/PID/mountinfo), so nothing placed there gains privileges or reaches a device; "
	"and it is not the host's /tmp")
{
	const struct sp_run *r = sp_probe(tc, 0, "stat:/tmp", "mountflags:/tmp");
	sp_require_outside(r);
	check_own_tmp(r, "stat:/tmp.id");
	char b[512], o[256];
	const char *flags = sp_get(r, "mountflags:/tmp.flags");
	ATF_CHECK_MSG(flags && has_word(flags, "nosuid") && has_word(flags, "nodev"),
		      "/tmp's flags inside are '%s' (want nosuid and nodev)",
		      sp_show(r, "mountflags:/tmp.flags", b, sizeof b));
	const char *opts = mount_opts(r->outside.mountinfo, "/tmp", o, sizeof o);
	ATF_CHECK_MSG(opts && has_word(opts, "nosuid") && has_word(opts, "nodev"),
		      "seen from the host, the sandbox's /tmp mount has options '%s'",
		      opts ? opts : "(no /tmp mount in /proc/PID/mountinfo)");
}

/* ---- what is written inside stays inside ---------------------------------------------------- */

struct host_tmp {
	char path[PATH_MAX];
	bool looked, on_host, via_root;
};

/* At the end, while the probe still holds its file: the host's /tmp, and the sandbox's. */
static int
host_tmp_hook(struct sp_run *r, unsigned n, void *arg)
{
	struct host_tmp *h = arg;
	struct stat st;
	char path[PATH_MAX + 64];
	if (n != 0)
		return 0;
	snprintf(h->path, sizeof h->path, "/tmp/sandproof-inside-%s", r->nonce);
	h->looked = true;
	h->on_host = lstat(h->path, &st) == 0;
	snprintf(path, sizeof path, "/proc/%d/root%s", (int)r->outside.pid, h->path);
	h->via_root = r->outside.seen && lstat(path, &st) == 0;
	return 0;
}

SP_CASE(tmp_stays_inside, "tmp.stays-inside", NULL,
	"A file written in /tmp inside never appears in the host's /tmp: the harness looks for "
	"it while the probe still holds it (and finds it through /proc/PID/root, in the "
	"sandbox's own /tmp)")
{
	static struct host_tmp h;
	const struct sp_run *r = sp_probe_opts(
	    tc, &(const struct sp_opts){
		    .verbs = {"stat:/tmp", "mkfile:/tmp"}, .hook = host_tmp_hook, .hook_arg = &h});
	if (h.looked && h.on_host)
		unlink(h.path); /* the sandbox wrote on the host: remove it, then fail */
	SP_CHECK_KEY(r, "mkfile:/tmp.result", "ok");
	ATF_CHECK_MSG(h.looked && !h.on_host, "the file written in /tmp inside is on the host: %s",
		      h.looked ? h.path : "(the harness could not look)");
	ATF_CHECK_MSG(!h.looked || !r->outside.seen || h.via_root || h.on_host,
		      "the file was not found through /proc/%d/root either", (int)r->outside.pid);
}

/* ---- two sandboxes side by side ------------------------------------------------------------- */

struct second {
	const atf_tc_t *tc;
	bool ran;
	char why[2200];
	char tmp_id[64];
	char first_file[160]; /* the stat key of the first run's file, as the second saw it */
	char first_errno[32]; /* its errno, or "" when the second saw it */
	char count[16], entries[1024];
};

static void
copy_key(const struct sp_run *r, const char *key, char *dst, size_t size)
{
	const char *v = sp_get(r, key);
	snprintf(dst, size, "%s", v ? v : "");
}

/* At sync 1 of the first run (its file is in its /tmp): a second run, side by side. */
static int
second_hook(struct sp_run *r, unsigned n, void *arg)
{
	struct second *s = arg;
	if (n != 1)
		return 0;
	static char stat_first[160], keyc[200];
	snprintf(stat_first, sizeof stat_first, "stat:/tmp/sandproof-inside-%s", r->nonce);
	snprintf(s->first_file, sizeof s->first_file, "%s", stat_first + 5);
	struct sp_config c;
	sp_config_from_tc(s->tc, &c);
	struct sp_opts o = {.verbs = {"stat:/tmp", "readdir:/tmp", stat_first}};
	static struct sp_run second;
	memset(&second, 0, sizeof second);
	if (sp_run(&c, &o, &second) != 0 || second.verdict != SP_VERDICT_OK) {
		snprintf(s->why, sizeof s->why, "the second run failed: %s", second.reason);
		sp_run_free(&second);
		return 0;
	}
	s->ran = true;
	copy_key(&second, "stat:/tmp.id", s->tmp_id, sizeof s->tmp_id);
	snprintf(keyc, sizeof keyc, "%s.errno", stat_first);
	copy_key(&second, keyc, s->first_errno, sizeof s->first_errno);
	snprintf(keyc, sizeof keyc, "%s.id", stat_first);
	if (sp_get(&second, keyc) == NULL && s->first_errno[0] == '\0')
		snprintf(s->first_errno, sizeof s->first_errno, "(not reported)");
	copy_key(&second, "readdir:/tmp.count", s->count, sizeof s->count);
	copy_key(&second, "readdir:/tmp.entries", s->entries, sizeof s->entries);
	sp_run_free(&second);
	return 0;
}

SP_CASE(tmp_not_shared, "tmp.not-shared", NULL,
	"Two sandboxes started side by side do not share /tmp: while the first holds a file in "
	"its /tmp, a second one finds its own /tmp empty, without that file, and on another "
	"device")
{
	static struct second s;
	s.tc = tc;
	const struct sp_run *r =
	    sp_probe_opts(tc, &(const struct sp_opts){.verbs = {"stat:/tmp", "mkfile:/tmp", "sync"},
						      .hook = second_hook,
						      .hook_arg = &s});
	remove_leaked_file(r);
	ATF_REQUIRE_MSG(s.ran, "%s", s.why[0] ? s.why : "the hook did not run");
	SP_CHECK_KEY(r, "mkfile:/tmp.result", "ok");
	ATF_CHECK_MSG(strcmp(s.first_errno, "ENOENT") == 0,
		      "the second sandbox sees the first one's %s (stat: %s)", s.first_file,
		      s.first_errno[0] ? s.first_errno : "found");
	ATF_CHECK_MSG(strcmp(s.count, "0") == 0,
		      "the second sandbox's /tmp holds %s entries: %.300s",
		      s.count[0] ? s.count : "(unread)", s.entries);
	char d1[64], d2[64];
	dev_of(sp_get(r, "stat:/tmp.id"), d1, sizeof d1);
	dev_of(s.tmp_id, d2, sizeof d2);
	ATF_CHECK_MSG(d1[0] && d2[0] && strcmp(d1, d2) != 0,
		      "both sandboxes' /tmp are on device '%s' and '%s'", d1, d2);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, tmp_is_private_tmpfs);
	ATF_TP_ADD_TC(tp, tmp_empty_at_start);
	ATF_TP_ADD_TC(tp, tmp_mode_1777);
	ATF_TP_ADD_TC(tp, tmp_writable);
	ATF_TP_ADD_TC(tp, tmp_nosuid_nodev);
	ATF_TP_ADD_TC(tp, tmp_stays_inside);
	ATF_TP_ADD_TC(tp, tmp_not_shared);
	return atf_no_error();
}
