/* SPDX-License-Identifier: BSD-2-Clause */
/* Identity: ids, id maps, setgroups. */
#include "probe.h"

#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
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
