/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The harness's canaries, seen from inside: can the probe reach each one?  The harness passes the
 * coordinates as options (canary.KIND=...); `canary:KIND` prints `canary:KIND.reached=0|1` and
 * `canary:KIND.how=` (errno name of the refusal, or what was reached).  Reaching is proven with
 * read-only steps: stat and open O_RDONLY, connect, msgget, a keyring search, kill(pid, 0).
 */
#include "probe.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/keyctl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

static int
result(const struct sp_verb_call *v, bool reached, const char *how)
{
	sp_kv(v, "reached", "%d", reached);
	sp_kv(v, "how", "%s", how);
	return SP_OBSERVED;
}

static const char *
need(const struct sp_verb_call *v, const char *opt)
{
	const char *s = sp_opt(opt);
	if (s == NULL)
		sp_cannot(v, "the harness planted no %s", opt);
	return s;
}

/* A file canary is reached when a path resolves to it here: same device and inode as planted. */
int
sp_probe_file_canary(const struct sp_verb_call *v, const char *path, const char *id)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return result(v, false, sp_errname(errno));
	if (!sp_id_matches(id, &st))
		return result(v, false, "other-file");
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd >= 0)
		close(fd);
	return result(v, true, fd >= 0 ? "opened" : "stat");
}

static int
file_canary(const struct sp_verb_call *v, const char *kind)
{
	char opt[64], idopt[64];
	snprintf(opt, sizeof opt, "canary.%s", kind);
	snprintf(idopt, sizeof idopt, "canary.%s.id", kind);
	const char *path = need(v, opt), *id = sp_opt(idopt);
	if (path == NULL)
		return SP_CANNOT;
	return sp_probe_file_canary(v, path, id);
}

static int
connect_to(const struct sp_verb_call *v, int family, const struct sockaddr *sa, socklen_t len)
{
	int s = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return result(v, false, sp_errname(errno));
	int r = connect(s, sa, len);
	int e = errno;
	close(s);
	return result(v, r == 0, r == 0 ? "connected" : sp_errname(e));
}

static int
abstract_canary(const struct sp_verb_call *v)
{
	const char *name = need(v, "canary.abstract");
	if (name == NULL)
		return SP_CANNOT;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	size_t n = strlen(name);
	if (n + 1 > sizeof sa.sun_path)
		return sp_cannot(v, "abstract name too long");
	memcpy(sa.sun_path + 1, name, n);
	return connect_to(v, AF_UNIX, (struct sockaddr *)&sa,
			  (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n));
}

static int
tcp_canary(const struct sp_verb_call *v)
{
	const char *port = need(v, "canary.tcp");
	if (port == NULL)
		return SP_CANNOT;
	struct sockaddr_in sa = {.sin_family = AF_INET,
				 .sin_port = htons((unsigned short)atoi(port)),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	return connect_to(v, AF_INET, (struct sockaddr *)&sa, sizeof sa);
}

static int
sysv_canary(const struct sp_verb_call *v)
{
	const char *key = need(v, "canary.sysv");
	if (key == NULL)
		return SP_CANNOT;
	int id = msgget((key_t)strtol(key, NULL, 0), 0);
	return result(v, id >= 0, id >= 0 ? "msgget" : sp_errname(errno));
}

/* Searched without an upcall (no callout): request_key then KEYCTL_SEARCH of the user keyring. */
static int
key_canary(const struct sp_verb_call *v)
{
	const char *desc = need(v, "canary.key");
	if (desc == NULL)
		return SP_CANNOT;
	long id = syscall(SYS_request_key, "user", desc, NULL, 0);
	if (id >= 0)
		return result(v, true, "request_key");
	int e = errno;
	id = syscall(SYS_keyctl, KEYCTL_SEARCH, KEY_SPEC_USER_KEYRING, "user", desc, 0);
	if (id >= 0)
		return result(v, true, "keyctl-search-user");
	return result(v, false, sp_errname(e));
}

static int
env_canary(const struct sp_verb_call *v)
{
	const char *name = need(v, "canary.env");
	if (name == NULL)
		return SP_CANNOT;
	return result(v, getenv(name) != NULL, getenv(name) ? "present" : "absent");
}

/* kill(pid, 0) sends nothing; EPERM still proves the pid is visible in this pid namespace. */
static int
pid_canary(const struct sp_verb_call *v)
{
	const char *pid = need(v, "canary.pid");
	if (pid == NULL)
		return SP_CANNOT;
	int r = kill((pid_t)atoi(pid), 0);
	int e = errno;
	return result(v, r == 0 || e == EPERM, r == 0 ? "kill-0" : sp_errname(e));
}

int
sp_verb_canary(const struct sp_verb_call *v)
{
	const char *k = v->arg;
	if (strcmp(k, "file") == 0 || strcmp(k, "tmp") == 0)
		return file_canary(v, k);
	if (strcmp(k, "abstract") == 0)
		return abstract_canary(v);
	if (strcmp(k, "tcp") == 0)
		return tcp_canary(v);
	if (strcmp(k, "sysv") == 0)
		return sysv_canary(v);
	if (strcmp(k, "key") == 0)
		return key_canary(v);
	if (strcmp(k, "env") == 0)
		return env_canary(v);
	if (strcmp(k, "pid") == 0)
		return pid_canary(v);
	if (strcmp(k, "mqueue") == 0)
		return sp_mqueue_canary(v);
	return sp_cannot(v, "unknown canary kind '%s'", k);
}
