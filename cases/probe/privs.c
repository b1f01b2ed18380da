/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Privileges: the capability sets through capget(2) and prctl(2) (a second source beside
 * /proc/self/status), and what execve of a set-user-ID or file-capability copy of the probe
 * grants.  The harness makes those copies (root only): DIR/setuid/sp-probe (owned by root, mode
 * 4755) and DIR/fcaps/sp-probe (security.capability: every capability permitted and effective).
 *
 * A copy started with privileges (AT_SECURE: the kernel changed its credentials at execve) runs
 * only the `privs` verb, whatever its arguments, so a set-user-ID probe left readable on the host
 * for the length of a run lends no other user anything but a report of its own credentials.
 */
#include "probe.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_IS_SET 1
#define PR_CAP_AMBIENT_RAISE 2
#endif

/* Capabilities beyond the last one the kernel knows read as EINVAL from prctl: stop there. */
#define SP_CAP_MAX 64

static uint64_t
prctl_set(int option, int arg2)
{
	uint64_t mask = 0;
	for (int c = 0; c < SP_CAP_MAX; c++) {
		int r = arg2 ? prctl(option, arg2, c, 0, 0) : prctl(option, c, 0, 0, 0);
		if (r < 0)
			break;
		if (r == 1)
			mask |= UINT64_C(1) << c;
	}
	return mask;
}

int
sp_verb_capget(const struct sp_verb_call *v)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct d[2];
	memset(d, 0, sizeof d);
	if (syscall(SYS_capget, &h, d) != 0)
		return sp_cannot(v, "capget: %s", sp_errname(errno));
	sp_kv(v, "eff", "%016llx",
	      (unsigned long long)d[0].effective | (unsigned long long)d[1].effective << 32);
	sp_kv(v, "prm", "%016llx",
	      (unsigned long long)d[0].permitted | (unsigned long long)d[1].permitted << 32);
	sp_kv(v, "inh", "%016llx",
	      (unsigned long long)d[0].inheritable | (unsigned long long)d[1].inheritable << 32);
	sp_kv(v, "bnd", "%016llx", (unsigned long long)prctl_set(PR_CAPBSET_READ, 0));
	sp_kv(v, "amb", "%016llx",
	      (unsigned long long)prctl_set(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET));
	return SP_OBSERVED;
}

/* The value of FIELD in /proc/self/status ("CapEff"), or "?" when unreadable. */
static const char *
status_value(const char *field, char *out, size_t size)
{
	char buf[8192];
	snprintf(out, size, "?");
	if (sp_read_text("/proc/self/status", buf, sizeof buf) < 0)
		return out;
	size_t flen = strlen(field);
	for (const char *l = buf; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		if (strncmp(l, field, flen) != 0 || l[flen] != ':')
			continue;
		const char *p = l + flen + 1 + strspn(l + flen + 1, " \t");
		snprintf(out, size, "%.*s", (int)strcspn(p, "\n"), p);
		break;
	}
	return out;
}

/* Credentials of this process; the capability sets from capget, not /proc (it may be absent). */
int
sp_verb_privs(const struct sp_verb_call *v)
{
	uid_t ru, eu, su;
	getresuid(&ru, &eu, &su);
	sp_kv(v, "ruid", "%u", (unsigned)ru);
	sp_kv(v, "euid", "%u", (unsigned)eu);
	sp_kv(v, "suid", "%u", (unsigned)su);
	sp_kv(v, "egid", "%u", (unsigned)getegid());
	sp_kv(v, "secure", "%lu", getauxval(AT_SECURE));
	sp_kv(v, "nnp", "%d", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct d[2];
	memset(d, 0, sizeof d);
	if (syscall(SYS_capget, &h, d) == 0) {
		sp_kv(v, "eff", "%016llx",
		      (unsigned long long)d[0].effective | (unsigned long long)d[1].effective
							       << 32);
		sp_kv(v, "prm", "%016llx",
		      (unsigned long long)d[0].permitted | (unsigned long long)d[1].permitted
							       << 32);
	}
	char val[64];
	sp_kv(v, "status-eff", "%s", status_value("CapEff", val, sizeof val));
	return SP_OBSERVED;
}

int
sp_privs_only(void)
{
	if (getauxval(AT_SECURE) == 0)
		return -1;
	struct sp_verb_call v = {.name = "privs", .arg = NULL, .prefix = "privs"};
	sp_line("sp-probe %d nonce=", SP_PROBE_PROTOCOL);
	sp_verb_privs(&v);
	sp_line("end");
	return SP_OBSERVED;
}

/*
 * The child first gives up what it can (setresgid/setresuid to 65534, as an unprivileged user of
 * the sandbox would be), so a copy that hands root back shows as a change of identity, then
 * execs DIR/NAME/sp-probe with the `privs` verb.  Its `privs.KEY=` lines come back as
 * `exec-privs:NAME.KEY=`, and the child's own credentials just before execve as `before.*`.
 */
int
sp_verb_exec_privs(const struct sp_verb_call *v)
{
	const char *dir = sp_probe_dir();
	if (dir == NULL)
		return sp_cannot(v, "no dir= option");
	if (strcmp(v->arg, "setuid") != 0 && strcmp(v->arg, "fcaps") != 0)
		return sp_cannot(v, "unknown copy '%s' (setuid, fcaps)", v->arg);
	char path[4096];
	snprintf(path, sizeof path, "%s/%s/sp-probe", dir, v->arg);
	if (access(path, F_OK) != 0)
		return sp_cannot(v, "'%s': %s (the harness makes it only as root)", path,
				 sp_errname(errno));
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
		close(p[0]);
		if (dup2(p[1], STDOUT_FILENO) < 0)
			_exit(SP_ERROR);
		gid_t g = 65534;
		uid_t u = 65534;
		int dropped = setresgid(g, g, g) == 0 && setresuid(u, u, u) == 0;
		uid_t ru, eu, su;
		getresuid(&ru, &eu, &su);
		struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
		struct __user_cap_data_struct d[2];
		memset(d, 0, sizeof d);
		syscall(SYS_capget, &h, d);
		dprintf(STDOUT_FILENO, "before.dropped=%d\nbefore.euid=%u\nbefore.eff=%016llx\n",
			dropped, (unsigned)eu,
			(unsigned long long)d[0].effective | (unsigned long long)d[1].effective
								 << 32);
		char *const argv[] = {path, (char *)"--", (char *)"privs", NULL};
		char *const envp[] = {NULL};
		execve(path, argv, envp);
		dprintf(STDOUT_FILENO, "exec-errno=%s\n", sp_errname(errno));
		_exit(SP_ERROR);
	}
	close(p[1]);
	char out[8192];
	size_t n = 0;
	for (;;) {
		ssize_t k = read(p[0], out + n, sizeof out - 1 - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0 || (n += (size_t)k) == sizeof out - 1)
			break;
	}
	out[n] = '\0';
	close(p[0]);
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	for (char *l = out, *next; l && *l; l = next) {
		next = strchr(l, '\n');
		if (next)
			*next++ = '\0';
		char *eq = strchr(l, '=');
		if (eq == NULL)
			continue;
		*eq = '\0';
		const char *key = strncmp(l, "privs.", 6) == 0 ? l + 6 : l;
		if (key != l || strncmp(l, "before.", 7) == 0 || strcmp(l, "exec-errno") == 0)
			sp_kv(v, key, "%s", eq + 1);
	}
	sp_kv(v, "status", "%d", WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	return SP_OBSERVED;
}

/*
 * Can the sets be filled from inside?  In a forked child (the probe keeps its own sets): capset
 * the inheritable set to the permitted set (or to CAP_CHOWN when that is empty), which needs the
 * capabilities in the permitted set (capset(2)); then PR_CAP_AMBIENT_RAISE of the first of them,
 * which needs it permitted and inheritable.  Keys `inheritable` and `ambient`: `ok` or errno.
 */
int
sp_verb_cap_raise(const struct sp_verb_call *v)
{
	pid_t pid = fork();
	if (pid < 0)
		return sp_cannot(v, "fork: %s", sp_errname(errno));
	if (pid == 0) {
		struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
		struct __user_cap_data_struct d[2];
		memset(d, 0, sizeof d);
		if (syscall(SYS_capget, &h, d) != 0)
			_exit(SP_ERROR);
		uint64_t prm = (uint64_t)d[0].permitted | (uint64_t)d[1].permitted << 32;
		uint64_t want = prm ? prm : UINT64_C(1) << CAP_CHOWN;
		d[0].inheritable = (uint32_t)want;
		d[1].inheritable = (uint32_t)(want >> 32);
		int r = (int)syscall(SYS_capset, &h, d);
		sp_kv(v, "inheritable", "%s", r == 0 ? "ok" : sp_errname(errno));
		int first = 0;
		while (first < 63 && !(want & (UINT64_C(1) << first)))
			first++;
		r = prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, first, 0, 0);
		sp_kv(v, "ambient", "%s", r == 0 ? "ok" : sp_errname(errno));
		_exit(0);
	}
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return sp_cannot(v, "child: status %d", st);
	return SP_OBSERVED;
}
