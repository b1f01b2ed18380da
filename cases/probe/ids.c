/* SPDX-License-Identifier: BSD-2-Clause */
/* Identity: ids, id maps, setgroups, and what the maps forbid. */
#include "probe.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int
sp_verb_ids(const struct sp_verb_call *v)
{
	uid_t r, e, s;
	gid_t gr, ge, gs;
	gid_t groups[256];
	char list[4096] = "";
	size_t o = 0;

	getresuid(&r, &e, &s);
	getresgid(&gr, &ge, &gs);
	sp_kv(v, "uid", "%u", (unsigned)r);
	sp_kv(v, "euid", "%u", (unsigned)e);
	sp_kv(v, "suid", "%u", (unsigned)s);
	sp_kv(v, "gid", "%u", (unsigned)gr);
	sp_kv(v, "egid", "%u", (unsigned)ge);
	sp_kv(v, "sgid", "%u", (unsigned)gs);
	int n = getgroups(256, groups);
	if (n < 0)
		return sp_cannot(v, "getgroups: %s", sp_errname(errno));
	for (int i = 0; i < n && o + 16 < sizeof list; i++)
		o += (size_t)snprintf(list + o, sizeof list - o, "%s%u", i ? "," : "",
				      (unsigned)groups[i]);
	sp_kv(v, "ngroups", "%d", n);
	sp_kv(v, "groups", "%s", list);
	return SP_OBSERVED;
}

int
sp_verb_maps(const struct sp_verb_call *v)
{
	static const char *const files[] = {"uid_map", "gid_map", "setgroups"};
	int rc = SP_OBSERVED;
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		char path[64], buf[4096];
		snprintf(path, sizeof path, "/proc/self/%s", files[i]);
		ssize_t n = sp_read_text(path, buf, sizeof buf);
		if (n < 0) {
			char key[32];
			snprintf(key, sizeof key, "%s.errno", files[i]);
			sp_kv(v, key, "%s", sp_errname((int)-n));
			rc = sp_cannot(v, "read %s: %s", path, sp_errname((int)-n));
			continue;
		}
		sp_squeeze_lines(buf);
		sp_kv(v, files[i], "%s", buf);
	}
	return rc;
}

/*
 * setgroups(0, NULL) changes only this process's supplementary groups, so it is safe to try even
 * in the host's user namespace.  In a user namespace whose /proc/self/setgroups reads "deny" the
 * kernel refuses it with EPERM (CVE-2014-8989: dropping groups bypassed "deny-group" permissions).
 */
int
sp_verb_setgroups(const struct sp_verb_call *v)
{
	if (setgroups(0, NULL) == 0)
		sp_kv(v, "result", "ok");
	else
		sp_kv(v, "result", "%s", sp_errname(errno));
	return SP_OBSERVED;
}

/*
 * The id maps of a user namespace can be written once: every later write fails with EPERM, and so
 * does turning setgroups back to "allow" once gid_map is set (user_namespaces(7)).  The current
 * content is written back as it reads, so even a kernel that took it would change nothing.  Only
 * outside the host's user namespace.
 */
static void
rewrite_one(const struct sp_verb_call *v, const char *file, const char *content)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/self/%s", file);
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		sp_kv(v, file, "%s", sp_errname(errno));
		return;
	}
	ssize_t n = write(fd, content, strlen(content));
	int e = errno;
	close(fd);
	sp_kv(v, file, "%s", n >= 0 ? "ok" : sp_errname(e));
}

int
sp_verb_map_rewrite(const struct sp_verb_call *v)
{
	if (!sp_ns_differs_from_host(v, "user")) {
		sp_kv(v, "result", "refused");
		return SP_OBSERVED;
	}
	static const char *const maps[] = {"uid_map", "gid_map"};
	for (size_t i = 0; i < sizeof maps / sizeof maps[0]; i++) {
		char path[64], buf[4096];
		snprintf(path, sizeof path, "/proc/self/%s", maps[i]);
		ssize_t n = sp_read_text(path, buf, sizeof buf);
		if (n < 0)
			return sp_cannot(v, "read %s: %s", path, sp_errname((int)-n));
		if (n == 0) {
			/* never written: writing it from inside is another matter; say so */
			sp_kv(v, maps[i], "unset");
			continue;
		}
		rewrite_one(v, maps[i], buf);
	}
	rewrite_one(v, "setgroups", "allow\n");
	sp_kv(v, "result", "tried");
	return SP_OBSERVED;
}

/* An id (inside view) that /proc/self/FILE does not map, or -1 when every candidate is mapped. */
static long
unmapped_id(const char *file)
{
	static const unsigned long candidates[] = {1,     2,      100,     1000,      4242,
						   65533, 100000, 1000000, 2000000000};
	char path[64], buf[4096];
	snprintf(path, sizeof path, "/proc/self/%s", file);
	if (sp_read_text(path, buf, sizeof buf) < 0)
		return -1;
	for (size_t c = 0; c < sizeof candidates / sizeof candidates[0]; c++) {
		unsigned long id = candidates[c];
		bool mapped = false;
		for (char *line = buf; line && *line && !mapped;) {
			unsigned long first, lower, count;
			if (sscanf(line, "%lu %lu %lu", &first, &lower, &count) == 3 &&
			    id >= first && id - first < count)
				mapped = true;
			line = strchr(line, '\n');
			if (line)
				line++;
		}
		if (!mapped)
			return (long)id;
	}
	return -1;
}

/*
 * setgid() and setuid() to ids the namespace does not map must fail (the kernel cannot name them
 * on the host: EINVAL), whatever capabilities the process has.  Tried in a forked child, so the
 * probe keeps its ids; a child in the host's namespaces can only change its own ids, so no gate.
 */
int
sp_verb_setid_unmapped(const struct sp_verb_call *v)
{
	long uid = unmapped_id("uid_map"), gid = unmapped_id("gid_map");
	char u[24] = "none", g[24] = "none";
	if (uid >= 0)
		snprintf(u, sizeof u, "%ld", uid);
	if (gid >= 0)
		snprintf(g, sizeof g, "%ld", gid);
	sp_kv(v, "uid", "%s", u);
	sp_kv(v, "gid", "%s", g);
	if (uid < 0 && gid < 0)
		return SP_OBSERVED; /* every candidate mapped: nothing to try (the case says why) */
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
		int res[2] = {-1, -1};
		close(p[0]);
		if (gid >= 0)
			res[1] = syscall(SYS_setgid, (gid_t)gid) == 0 ? 0 : errno;
		if (uid >= 0)
			res[0] = syscall(SYS_setuid, (uid_t)uid) == 0 ? 0 : errno;
		ssize_t w = write(p[1], res, sizeof res);
		_exit(w == (ssize_t)sizeof res ? 0 : 1);
	}
	close(p[1]);
	int res[2] = {-1, -1};
	ssize_t n;
	do
		n = read(p[0], res, sizeof res);
	while (n < 0 && errno == EINTR);
	close(p[0]);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	if (n != (ssize_t)sizeof res)
		return sp_cannot(v, "the child reported nothing");
	if (uid >= 0)
		sp_kv(v, "uid.result", "%s", res[0] == 0 ? "ok" : sp_errname(res[0]));
	if (gid >= 0)
		sp_kv(v, "gid.result", "%s", res[1] == 0 ? "ok" : sp_errname(res[1]));
	return SP_OBSERVED;
}
