/* SPDX-License-Identifier: BSD-2-Clause */
/* Namespaces: inode numbers, comparison with the host's, and the safety gate built on it. */
#include "probe.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const ns_types[] = {"user", "mnt", "pid", "uts", "ipc", "net", "cgroup", "time"};

unsigned long
sp_ns_inode(const char *type)
{
	char path[64];
	struct stat st;
	snprintf(path, sizeof path, "/proc/self/ns/%s", type);
	if (stat(path, &st) != 0)
		return 0;
	return (unsigned long)st.st_ino;
}

static unsigned long
host_inode(const char *type)
{
	char name[32];
	snprintf(name, sizeof name, "host.ns.%s", type);
	const char *s = sp_opt(name);
	return s ? strtoul(s, NULL, 10) : 0;
}

/*
 * Namespace inodes are unique per namespace while it lives (nsfs), and the host's are alive while
 * the harness runs, so equal inodes mean the same namespace.  The nsfs device is the same for all
 * namespaces, so the inode alone is compared.
 */
bool
sp_ns_private(const char *type)
{
	unsigned long host = host_inode(type), self = sp_ns_inode(type);
	return host != 0 && self != 0 && host != self;
}

const char *
sp_scratch_dir(void)
{
	static char dir[4096];
	const char *pd = sp_probe_dir();
	if (pd != NULL) {
		snprintf(dir, sizeof dir, "%s/scratch", pd);
		if (access(dir, W_OK) == 0)
			return dir;
	}
	return sp_ns_private("mnt") && access("/tmp", W_OK) == 0 ? "/tmp" : NULL;
}

bool
sp_ns_differs_from_host(const struct sp_verb_call *v, const char *type)
{
	unsigned long host = host_inode(type);
	if (host == 0) {
		sp_kv(v, "refused", "host %s namespace unknown (no host.ns.%s=)", type, type);
		return false;
	}
	unsigned long self = sp_ns_inode(type);
	if (self == 0) {
		sp_kv(v, "refused", "own %s namespace unknown: /proc/self/ns/%s: %s", type, type,
		      sp_errname(errno));
		return false;
	}
	if (self == host) {
		sp_kv(v, "same-as-host", "1");
		sp_kv(v, "refused", "%s namespace is the host's (inode %lu)", type, self);
		return false;
	}
	return true;
}

int
sp_verb_ns(const struct sp_verb_call *v)
{
	int rc = SP_OBSERVED;
	for (size_t i = 0; i < sizeof ns_types / sizeof ns_types[0]; i++) {
		char key[64];
		unsigned long ino = sp_ns_inode(ns_types[i]);
		if (ino == 0) {
			snprintf(key, sizeof key, "%s.errno", ns_types[i]);
			sp_kv(v, key, "%s", sp_errname(errno));
			if (errno != ENOENT || strcmp(ns_types[i], "time") != 0)
				rc = sp_cannot(v, "/proc/self/ns/%s: %s", ns_types[i],
					       sp_errname(errno));
			continue;
		}
		sp_kv(v, ns_types[i], "%lu", ino);
		unsigned long host = host_inode(ns_types[i]);
		snprintf(key, sizeof key, "%s.same-as-host", ns_types[i]);
		if (host != 0)
			sp_kv(v, key, "%d", host == ino);
	}
	return rc;
}
