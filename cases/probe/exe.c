/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * CVE-2019-5736 and its relatives (CVE-2019-12499): the executable of a process that is visible
 * inside, typically the runtime that entered the sandbox, reached through /proc/PID/exe and
 * opened for writing.  Nothing is ever written: each descriptor opened for writing is closed at
 * once.
 */
#include "probe.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Append PID to the comma-separated LIST (of SIZE bytes) while it fits. */
static void
add_pid(char *list, size_t size, const char *pid)
{
	size_t o = strlen(list);
	if (o + 24 < size)
		snprintf(list + o, size - o, "%s%s", o ? "," : "", pid);
}

/*
 * CVE-2019-5736: the runtime's binary reachable as /proc/PID/exe of a visible process, writable
 * from inside.  Opens each one O_WRONLY and closes it at once, never writing; a running binary
 * normally answers ETXTBSY.  Lists the pids whose exe opened.
 */
struct exe_open {
	char opened[1024];
	unsigned tried;
	long self;
};

static bool
try_exe_open_write(const char *pid, void *arg)
{
	struct exe_open *x = arg;
	if (atol(pid) == x->self)
		return true;
	char path[300];
	snprintf(path, sizeof path, "/proc/%s/exe", pid);
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	x->tried++;
	if (fd < 0)
		return true;
	close(fd);
	add_pid(x->opened, sizeof x->opened, pid);
	return true;
}

int
sp_verb_exe_open_write(const struct sp_verb_call *v)
{
	struct exe_open x = {.self = (long)getpid()};
	int r = sp_each_pid(try_exe_open_write, &x);
	if (r < 0)
		return sp_cannot(v, "opendir /proc: %s", sp_errname(-r));
	sp_kv(v, "tried", "%u", x.tried);
	sp_kv(v, "opened", "%s", x.opened);
	sp_kv(v, "reached", "%d", x.opened[0] != '\0');
	return SP_OBSERVED;
}

/*
 * The O_PATH variant: a descriptor kept on /proc/PID/exe (O_PATH needs only the ptrace read
 * check, not write permission) outlives the process, and once the binary no longer runs,
 * reopening /proc/self/fd/N for writing opens the runtime's binary.  For every other visible
 * process: open its exe O_PATH, reopen it O_WRONLY (closed at once); where the reopen answers
 * ETXTBSY (the binary still runs), faccessat(W_OK) on the descriptor says whether the same reopen
 * would succeed after the process exits.  `reopened` and `later` list the pids.
 */
struct exe_reopen {
	char reopened[512], later[512];
	unsigned held;
	long self;
};

static bool
try_exe_reopen(const char *pid, void *arg)
{
	struct exe_reopen *x = arg;
	if (atol(pid) == x->self)
		return true;
	char path[300];
	snprintf(path, sizeof path, "/proc/%s/exe", pid);
	int fd = open(path, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return true;
	x->held++;
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	int w = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	int e = errno;
	if (w >= 0) {
		close(w);
		add_pid(x->reopened, sizeof x->reopened, pid);
	} else if (e == ETXTBSY && faccessat(fd, "", W_OK, AT_EMPTY_PATH | AT_EACCESS) == 0) {
		add_pid(x->later, sizeof x->later, pid);
	}
	close(fd);
	return true;
}

int
sp_verb_exe_reopen(const struct sp_verb_call *v)
{
	struct exe_reopen x = {.self = (long)getpid()};
	int r = sp_each_pid(try_exe_reopen, &x);
	if (r < 0)
		return sp_cannot(v, "opendir /proc: %s", sp_errname(-r));
	sp_kv(v, "held", "%u", x.held);
	sp_kv(v, "reopened", "%s", x.reopened);
	sp_kv(v, "later", "%s", x.later);
	sp_kv(v, "reached", "%d", x.reopened[0] != '\0' || x.later[0] != '\0');
	return SP_OBSERVED;
}

/* The identity of /proc/PID/exe (followed) of every other visible process: `list` is
 * `PID=MAJ:MIN:INO,...` for the ones that could be stat'ed. */
struct exe_ids {
	char list[4096];
	size_t o;
	long self;
};

static bool
add_exe_id(const char *pid, void *arg)
{
	struct exe_ids *x = arg;
	char path[300], idb[64];
	struct stat st;
	if (atol(pid) == x->self)
		return true;
	snprintf(path, sizeof path, "/proc/%s/exe", pid);
	if (stat(path, &st) != 0 || x->o + 96 >= sizeof x->list)
		return true;
	x->o += (size_t)snprintf(x->list + x->o, sizeof x->list - x->o, "%s%s=%s", x->o ? "," : "",
				 pid, sp_id_of(&st, idb, sizeof idb));
	return true;
}

int
sp_verb_exe_ids(const struct sp_verb_call *v)
{
	struct exe_ids x = {.self = (long)getpid()};
	int r = sp_each_pid(add_exe_id, &x);
	if (r < 0)
		return sp_cannot(v, "opendir /proc: %s", sp_errname(-r));
	sp_kv(v, "list", "%s", x.list);
	return SP_OBSERVED;
}
