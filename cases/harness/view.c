/* SPDX-License-Identifier: BSD-2-Clause */
/* The host's reference values and the outside view of the live probe (/proc/PID/...). */
#include "view.h"

#include "../probe/text.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

const char *
sp_ns_name(enum sp_ns ns)
{
	static const char *const names[SP_NS__COUNT] = {
	    [SP_NS_USER] = "user",     [SP_NS_MNT] = "mnt",   [SP_NS_PID] = "pid",
	    [SP_NS_UTS] = "uts",       [SP_NS_IPC] = "ipc",   [SP_NS_NET] = "net",
	    [SP_NS_CGROUP] = "cgroup", [SP_NS_TIME] = "time",
	};
	return (unsigned)ns < SP_NS__COUNT ? names[ns] : "?";
}

int
sp_ns_from_name(const char *name)
{
	for (int i = 0; i < SP_NS__COUNT; i++)
		if (strcmp(sp_ns_name((enum sp_ns)i), name) == 0)
			return i;
	return -1;
}

ssize_t
sp_slurp(const char *path, char *buf, size_t size)
{
	return sp_read_text(path, buf, size);
}

const char *
sp_file_id(const char *path, char *buf, size_t size)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		buf[0] = '\0';
		return buf;
	}
	snprintf(buf, size, "%u:%u:%llu", major(st.st_dev), minor(st.st_dev),
		 (unsigned long long)st.st_ino);
	return buf;
}

static unsigned long
ns_inode(const char *pid, enum sp_ns ns)
{
	char path[64];
	struct stat st;
	snprintf(path, sizeof path, "/proc/%s/ns/%s", pid, sp_ns_name(ns));
	return stat(path, &st) == 0 ? (unsigned long)st.st_ino : 0;
}

void
sp_host_view(struct sp_host *h)
{
	for (int i = 0; i < SP_NS__COUNT; i++)
		h->ns[i] = ns_inode("self", (enum sp_ns)i);
	sp_file_id("/", h->root_id, sizeof h->root_id);
	if (gethostname(h->hostname, sizeof h->hostname) != 0)
		h->hostname[0] = '\0';
}

static char *
slurp_heap(const char *path)
{
	size_t cap = 1024 * 1024;
	char *buf = malloc(cap);
	if (buf && sp_slurp(path, buf, cap) < 0)
		buf[0] = '\0';
	return buf;
}

/*
 * The probe's host pid: the process whose argv is `.../sp-probe nonce=NONCE ...`.  Wrappers
 * (bwrap, proot, unshare) carry the same words later in their argv, never as argv[1]; with several
 * candidates, the one whose innermost NSpid is the pid the probe reported wins.
 */
pid_t
sp_find_probe(const char *nonce, long inner_pid)
{
	char want[64];
	snprintf(want, sizeof want, "nonce=%s", nonce);
	DIR *d = opendir("/proc");
	pid_t found = 0;
	if (d == NULL)
		return 0;
	for (struct dirent *e; (e = readdir(d)) != NULL;) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		char path[300], buf[4096];
		snprintf(path, sizeof path, "/proc/%s/cmdline", e->d_name);
		ssize_t n = sp_slurp(path, buf, sizeof buf);
		if (n <= 0)
			continue;
		size_t a0 = strlen(buf);
		if ((ssize_t)a0 + 1 >= n || strcmp(buf + a0 + 1, want) != 0)
			continue;
		const char *base = strrchr(buf, '/');
		if (strcmp(base ? base + 1 : buf, "sp-probe") != 0)
			continue;
		pid_t pid = (pid_t)atoi(e->d_name);
		if (found == 0)
			found = pid;
		if (inner_pid > 0) {
			snprintf(path, sizeof path, "/proc/%s/status", e->d_name);
			if (sp_slurp(path, buf, sizeof buf) <= 0)
				continue;
			char *ns = strstr(buf, "\nNSpid:");
			if (ns == NULL)
				continue;
			char *eol = strchr(ns + 1, '\n'), *last = eol;
			while (last > ns && last[-1] != '\t' && last[-1] != ' ')
				last--;
			if (eol && atol(last) == inner_pid) {
				found = pid;
				break;
			}
		}
	}
	closedir(d);
	return found;
}

void
sp_outside_view(struct sp_outside *o, const char *nonce, long inner_pid)
{
	o->pid = sp_find_probe(nonce, inner_pid);
	if (o->pid <= 0) {
		snprintf(o->why_not, sizeof o->why_not,
			 "no process with argv '.../sp-probe nonce=%s' on the host", nonce);
		return;
	}
	char pid[16], path[96];
	snprintf(pid, sizeof pid, "%d", (int)o->pid);
	snprintf(path, sizeof path, "/proc/%s/status", pid);
	if (sp_slurp(path, o->status, sizeof o->status) < 0) {
		snprintf(o->why_not, sizeof o->why_not, "read %s: %s", path, strerror(errno));
		return;
	}
	for (int i = 0; i < SP_NS__COUNT; i++)
		o->ns[i] = ns_inode(pid, (enum sp_ns)i);
	static const struct {
		const char *file;
		size_t off, size;
	} maps[] = {
	    {"uid_map", offsetof(struct sp_outside, uid_map), sizeof o->uid_map},
	    {"gid_map", offsetof(struct sp_outside, gid_map), sizeof o->gid_map},
	    {"setgroups", offsetof(struct sp_outside, setgroups), sizeof o->setgroups},
	};
	for (size_t i = 0; i < sizeof maps / sizeof maps[0]; i++) {
		char *dst = (char *)o + maps[i].off;
		snprintf(path, sizeof path, "/proc/%s/%s", pid, maps[i].file);
		if (sp_slurp(path, dst, maps[i].size) < 0)
			dst[0] = '\0';
		sp_squeeze_lines(dst);
	}
	snprintf(path, sizeof path, "/proc/%s/root/", pid);
	sp_file_id(path, o->root_id, sizeof o->root_id);
	snprintf(path, sizeof path, "/proc/%s/cwd", pid);
	ssize_t n = readlink(path, o->cwd, sizeof o->cwd - 1);
	o->cwd[n > 0 ? n : 0] = '\0';
	snprintf(path, sizeof path, "/proc/%s/fd", pid);
	DIR *d = opendir(path);
	size_t off = 0;
	o->fds[0] = '\0';
	for (struct dirent *e; d && (e = readdir(d)) != NULL;) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		char link[512], target[512];
		snprintf(link, sizeof link, "%s/%s", path, e->d_name);
		ssize_t t = readlink(link, target, sizeof target - 1);
		target[t > 0 ? t : 0] = '\0';
		if (off + strlen(target) + 16 < sizeof o->fds)
			off += (size_t)snprintf(o->fds + off, sizeof o->fds - off, "%s%s=%s",
						off ? ";" : "", e->d_name, target);
	}
	if (d)
		closedir(d);
	snprintf(path, sizeof path, "/proc/%s/mountinfo", pid);
	o->mountinfo = slurp_heap(path);
	o->host_mountinfo = slurp_heap("/proc/self/mountinfo");
	o->seen = true;
}
