/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * One probe run through an adapter, from a fresh run directory to a verdict, leaving nothing.
 * The order is the checklist: host view, run directory and probe copy, canaries, the guarded run
 * (outside view and hooks while the probe holds), parse, canary checks, leftovers, removal.
 */
#include "exec.h"
#include "view.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

bool
sp_word_in(const char *list, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = list; p && *p;) {
		p += strspn(p, " \t,");
		size_t len = strcspn(p, " \t,");
		if (len == n && strncmp(p, word, n) == 0)
			return true;
		p += len;
	}
	return false;
}

static void
first_line(const char *text, char *buf, size_t size)
{
	size_t n = strcspn(text, "\n");
	snprintf(buf, size, "%.*s", (int)(n < 200 ? n : 200), text);
}

static void add_reason(struct sp_run *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
add_reason(struct sp_run *r, const char *fmt, ...)
{
	size_t o = strlen(r->reason);
	if (o && o + 3 < sizeof r->reason)
		o += (size_t)snprintf(r->reason + o, sizeof r->reason - o, "; ");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->reason + o, sizeof r->reason - o, fmt, ap);
	va_end(ap);
}

static void broken(struct sp_run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
broken(struct sp_run *r, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	r->verdict = SP_VERDICT_BROKEN;
	add_reason(r, "%s", msg);
}

/* How the adapter process ended, in words. */
static void
describe_end(const struct sp_exec *x, char *buf, size_t size)
{
	if (!x->exited)
		snprintf(buf, size, "was killed");
	else if (WIFEXITED(x->wstatus))
		snprintf(buf, size, "exited %d", WEXITSTATUS(x->wstatus));
	else
		snprintf(buf, size, "was killed by signal %d", WTERMSIG(x->wstatus));
}

/* What every guarded run has to say about the adapter's manners, whatever it was asked. */
static bool
judge_exec(struct sp_run *r, const struct sp_exec *x, const char *what, int timeout_ms)
{
	if (x->exec_errno) {
		broken(r, "cannot execute adapter '%s': %s", x->argv[0], strerror(x->exec_errno));
		return false;
	}
	if (x->timed_out) {
		broken(r, "adapter '%s' timed out after %d s and was killed (%s)", what,
		       timeout_ms / 1000, x->out_len ? "it had written output" : "no output");
		return false;
	}
	if (x->capped) {
		broken(r,
		       "adapter '%s' flooded standard output (more than %d bytes) and was killed",
		       what, (int)x->out_cap);
		return false;
	}
	return true;
}

static int
mkrundir(const char *base, struct sp_run *r)
{
	snprintf(r->rundir, sizeof r->rundir, "%s/sandproof-%s", base, r->nonce);
	snprintf(r->probedir, sizeof r->probedir, "%s/probe", r->rundir);
	snprintf(r->statedir, sizeof r->statedir, "%s/state", r->rundir);
	if (mkdir(r->rundir, 0755) != 0 || chmod(r->rundir, 0755) != 0)
		return -errno;
	if (mkdir(r->statedir, 0700) != 0)
		return -errno;
	if (mkdir(r->probedir, 0755) != 0 || chmod(r->probedir, 0755) != 0)
		return -errno;
	/* empty/ (chroot target) and mnt/ (mount target) spare the probe from creating anything;
	 * scratch/ is writable by whoever the sandbox runs as. */
	static const struct {
		const char *name;
		mode_t mode;
	} dirs[] = {{"empty", 0755}, {"mnt", 0755}, {"scratch", 0777}};
	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		char p[PATH_MAX];
		snprintf(p, sizeof p, "%s/%s", r->probedir, dirs[i].name);
		if (mkdir(p, dirs[i].mode) != 0 || chmod(p, dirs[i].mode) != 0)
			return -errno;
	}
	return 0;
}

int
sp_copy_probe(const char *from, const char *dir)
{
	char to[PATH_MAX];
	snprintf(to, sizeof to, "%s/sp-probe", dir);
	int in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	int out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
	if (out < 0) {
		int e = errno;
		close(in);
		return -e;
	}
	struct stat st;
	int rc = fstat(in, &st) == 0 ? 0 : -errno;
	for (off_t off = 0; rc == 0 && off < st.st_size;) {
		ssize_t n = sendfile(out, in, &off, (size_t)(st.st_size - off));
		if (n <= 0)
			rc = n < 0 ? -errno : -EIO;
	}
	if (fchmod(out, 0755) != 0 && rc == 0)
		rc = -errno;
	close(in);
	if (close(out) != 0 && rc == 0)
		rc = -errno;
	return rc;
}

/* security.capability, version 2: every capability permitted, no effective bit (an execve that
 * cannot grant them all then still succeeds: capabilities(7), "safety checking for
 * capability-dumb binaries"). */
static const struct {
	uint32_t magic_etc;
	struct {
		uint32_t permitted, inheritable;
	} data[2];
} all_caps = {0x02000000u /* VFS_CAP_REVISION_2 */, {{0xffffffffu, 0}, {0xffffffffu, 0}}};

bool
sp_write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	bool ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	return close(fd) == 0 && ok;
}

static bool
write_proc_self(const char *file, const char *text)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/self/%s", file);
	return sp_write_file(path, text);
}

/*
 * As a user: the file capability is set from a user namespace of the caller's own, where the
 * caller is root, so the kernel stores a version 3 xattr whose root is the caller's uid, honoured
 * only in the namespaces that uid owns (capabilities(7), "Namespaced file capabilities").  In a
 * forked child; when it fails the copy is removed, the probe says it is missing and the case
 * skips.
 */
static void
set_fcaps_as_user(const char *f)
{
	char uid_map[64], gid_map[64];
	snprintf(uid_map, sizeof uid_map, "0 %u 1", (unsigned)geteuid());
	snprintf(gid_map, sizeof gid_map, "0 %u 1", (unsigned)getegid());
	pid_t pid = fork();
	if (pid == 0)
		_exit(unshare(CLONE_NEWUSER) == 0 && write_proc_self("setgroups", "deny") &&
			      write_proc_self("uid_map", uid_map) &&
			      write_proc_self("gid_map", gid_map) &&
			      setxattr(f, "security.capability", &all_caps, sizeof all_caps, 0) == 0
			  ? 0
			  : 1);
	int st = 1;
	while (pid > 0 && waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (pid < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		unlink(f);
}

/*
 * PROBEDIR/fcaps/sp-probe with every capability permitted by security.capability, and as root
 * PROBEDIR/setuid/sp-probe, set-user-ID root (a user cannot make one).
 */
static int
make_privileged_copies(const char *from, const char *probedir)
{
	char d[PATH_MAX], f[PATH_MAX + 16];
	int rc = 0;
	snprintf(d, sizeof d, "%s/fcaps", probedir);
	if (mkdir(d, 0755) != 0 || (rc = sp_copy_probe(from, d)) != 0)
		return rc ? rc : -errno;
	snprintf(f, sizeof f, "%s/sp-probe", d);
	if (geteuid() != 0) {
		set_fcaps_as_user(f);
		return 0;
	}
	if (setxattr(f, "security.capability", &all_caps, sizeof all_caps, 0) != 0)
		return -errno;
	snprintf(d, sizeof d, "%s/setuid", probedir);
	if (mkdir(d, 0755) != 0 || (rc = sp_copy_probe(from, d)) != 0)
		return rc ? rc : -errno;
	snprintf(f, sizeof f, "%s/sp-probe", d);
	if (chown(f, 0, 0) != 0 || chmod(f, 04755) != 0)
		return -errno;
	return 0;
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP || flag == FTW_D)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

/*
 * A mount the sandbox leaked into the host (the probe's `sp-NONCE` tmpfs, or anything on the run
 * directory) is ours to remove: detach it, so no mount outlives the case.  Only root can have
 * leaked one into the host's namespace, and only root can detach it.
 */
static unsigned
detach_leaked_mounts(struct sp_run *r)
{
	static char buf[1024 * 1024];
	char source[64];
	unsigned n = 0;
	snprintf(source, sizeof source, "sp-%s", r->nonce);
	for (int pass = 0; pass < 16; pass++) {
		bool found = false;
		if (sp_slurp("/proc/self/mountinfo", buf, sizeof buf) < 0)
			return n;
		for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
			char target[PATH_MAX], src[256];
			const char *dash = strstr(line, " - ");
			if (sscanf(line, "%*d %*d %*s %*s %4095s", target) != 1 || dash == NULL ||
			    sscanf(dash, " - %*s %255s", src) != 1)
				continue;
			size_t n_rd = strlen(r->rundir);
			bool under = strncmp(target, r->rundir, n_rd) == 0 &&
				     (target[n_rd] == '/' || target[n_rd] == '\0');
			if (strcmp(src, source) != 0 && !under)
				continue;
			if (umount2(target, MNT_DETACH | UMOUNT_NOFOLLOW) == 0) {
				found = true;
				n++;
			}
		}
		if (!found)
			break;
	}
	return n;
}

static void
remove_rundir(struct sp_run *r)
{
	struct stat st;
	if (r->rundir[0] == '\0' || lstat(r->rundir, &st) != 0)
		return;
	unsigned leaked = detach_leaked_mounts(r);
	if (leaked)
		broken(r, "the sandbox left %u mount(s) on the host (detached)", leaked);
	nftw(r->rundir, rm_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
	if (lstat(r->rundir, &st) == 0)
		broken(r, "could not remove the run directory '%s'", r->rundir);
}

/* Parse the probe's report in place: header, key=value lines, end. */
static void
parse_report(struct sp_run *r)
{
	if (r->kv != NULL)
		return;
	size_t max = 1;
	for (size_t i = 0; i < r->out_len; i++)
		max += r->out[i] == '\n';
	r->kv = calloc(max, sizeof *r->kv);
	if (r->kv == NULL)
		return;
	char header[128];
	snprintf(header, sizeof header, "sp-probe 1 nonce=%s", r->nonce);
	char *p = r->out, *endp = r->out + r->out_len;
	bool first = true;
	while (p < endp) {
		char *nl = memchr(p, '\n', (size_t)(endp - p));
		if (nl == NULL)
			break; /* an unterminated last line is not part of the report */
		*nl = '\0';
		if (first) {
			r->header_ok = strcmp(p, header) == 0;
			first = false;
			if (!r->header_ok)
				return;
		} else if (strcmp(p, "end") == 0) {
			r->end_seen = true;
			return;
		} else if (strncmp(p, "sync ", 5) != 0) {
			char *eq = strchr(p, '=');
			if (eq) {
				*eq = '\0';
				r->kv[r->n_kv].key = p;
				r->kv[r->n_kv++].value = eq + 1;
			}
		}
		p = nl + 1;
	}
}

static void
refresh_outside(struct sp_run *r)
{
	free(r->outside.mountinfo);
	free(r->outside.host_mountinfo);
	memset(&r->outside, 0, sizeof r->outside);
	const char *pid = sp_get(r, "proc.pid");
	sp_outside_view(&r->outside, r->nonce, pid ? atol(pid) : 0);
}

/* While the probe is alive: at `sync N` and at `end` (then it holds until stdin closes). */
static int
on_probe_line(struct sp_exec *x, const char *line)
{
	struct sp_run *r = x->arg;
	const struct sp_opts *o = r->opts;
	bool end = strcmp(line, "end") == 0;
	int rc;
	r->out_len = x->out_len;
	r->adapter_pid = x->pid;
	if (end)
		parse_report(r);
	else
		r->syncs++;
	refresh_outside(r);
	rc = o->hook ? o->hook(r, end ? 0 : r->syncs, o->hook_arg) : 0;
	if (end)
		sp_exec_release_stdin(x);
	else
		sp_exec_send_line(x);
	return rc;
}

static void
make_nonce(char nonce[33])
{
	unsigned char b[16];
	if (getrandom(b, sizeof b, 0) != sizeof b) {
		/* getrandom cannot fail for 16 bytes once the pool is up; keep a unique fallback */
		snprintf(nonce, 33, "%08x%08x", (unsigned)getpid(), (unsigned)time(NULL));
		return;
	}
	for (int i = 0; i < 16; i++)
		snprintf(nonce + 2 * i, 3, "%02x", b[i]);
}

/* The probe's report against what a report must be; the first misbehaviour found is the reason. */
static void
judge_report(struct sp_run *r, const struct sp_exec *x)
{
	char ended[64], err1[256], out1[256];
	describe_end(x, ended, sizeof ended);
	first_line(x->err, err1, sizeof err1);
	first_line(r->out, out1, sizeof out1);
	r->probe_exit = x->exited && WIFEXITED(x->wstatus) ? WEXITSTATUS(x->wstatus) : -1;
	if (r->probe_exit == 125) {
		r->verdict = SP_VERDICT_SETUP_FAILED;
		add_reason(r, "adapter could not set up the sandbox (exit 125): %s",
			   err1[0] ? err1 : "(nothing on stderr)");
		return;
	}
	if (r->out_len == 0) {
		broken(r, "adapter %s without running the probe: no output%s%s", ended,
		       err1[0] ? "; stderr: " : "", err1);
		return;
	}
	if (!r->header_ok) {
		broken(r, "adapter output is not the probe's: first line '%s' (adapter %s)", out1,
		       ended);
		return;
	}
	if (!r->end_seen) {
		broken(r, "probe report ends without 'end' (adapter %s)%s%s", ended,
		       err1[0] ? "; stderr: " : "", err1);
		return;
	}
	if (r->probe_exit != 0 && r->probe_exit != 77 && !r->opts->any_exit) {
		broken(r, "adapter %s after the probe reported (want the probe's 0 or 77)%s%s",
		       ended, err1[0] ? "; stderr: " : "", err1);
		return;
	}
}

int
sp_run(const struct sp_config *c, const struct sp_opts *o, struct sp_run *r)
{
	memset(r, 0, sizeof *r);
	r->opts = o;
	r->probe_exit = -1;
	make_nonce(r->nonce);
	sp_host_view(&r->host);
	int timeout = o->timeout_ms       ? o->timeout_ms
		      : c->run_timeout_ms ? c->run_timeout_ms
					  : SP_RUN_TIMEOUT_MS;
	r->out = malloc(SP_OUTPUT_CAP + 1);
	if (r->out == NULL) {
		snprintf(r->reason, sizeof r->reason, "out of memory");
		return -1;
	}
	r->out[0] = '\0';

	int rc;
	if (o->join != NULL)
		goto joined;
	rc = mkrundir(c->rundir_base[0] ? c->rundir_base : "/var/tmp", r);
	if (rc == 0)
		rc = sp_copy_probe(c->probe, r->probedir);
	if (rc == 0 && o->privileged_copies)
		rc = make_privileged_copies(c->probe, r->probedir);
	if (rc != 0) {
		snprintf(r->reason, sizeof r->reason,
			 "cannot prepare the probe directory under '%s' "
			 "from '%.1000s': %s",
			 r->rundir, c->probe, strerror(-rc));
		remove_rundir(r);
		return -1;
	}
	sp_canaries_plant(r, o->canaries);
	for (int i = 0; i < SP_CANARY__COUNT; i++)
		if ((o->canaries & (1u << i)) && !r->canary.st[i].planted) {
			snprintf(r->reason, sizeof r->reason, "%s", r->canary.st[i].why_not);
			sp_canaries_check_and_remove(r);
			remove_rundir(r);
			return -1;
		}

joined:
	/* The joining run lives in its first run's directory, and never removes it. */
	if (o->join != NULL) {
		snprintf(r->probedir, sizeof r->probedir, "%s", o->join->probedir);
		snprintf(r->statedir, sizeof r->statedir, "%s", o->join->statedir);
	}
	/* adapter run|join PROBE nonce=N dir=D host.*=... canary.*=... -- VERBS... hold */
	char opt[64][512]; /* 32 KiB of stack: runs nest (a hook may start one) */
	const char *argv[64 + SP_MAX_VERBS + 8];
	char probe[PATH_MAX + 16];
	int n = 0, k = 0;
	snprintf(probe, sizeof probe, "%s/sp-probe", r->probedir);
	argv[n++] = c->adapter;
	argv[n++] = o->join ? "join" : "run";
	argv[n++] = probe;
	snprintf(opt[k], sizeof opt[k], "nonce=%s", r->nonce);
	argv[n++] = opt[k++];
	snprintf(opt[k], sizeof opt[k], "dir=%s", r->probedir);
	argv[n++] = opt[k++];
	for (int i = 0; i < SP_NS__COUNT; i++)
		if (r->host.ns[i]) {
			snprintf(opt[k], sizeof opt[k], "host.ns.%s=%lu", sp_ns_name((enum sp_ns)i),
				 r->host.ns[i]);
			argv[n++] = opt[k++];
		}
	snprintf(opt[k], sizeof opt[k], "host.root=%s", r->host.root_id);
	argv[n++] = opt[k++];
	if (o->stdin_tty)
		argv[n++] = "tty=1";
	/* A joining probe is told of its first run's canaries: they are that sandbox's. */
	int nc = sp_canaries_args(o->join ? o->join : r, opt + k, 64 - k);
	for (int i = 0; i < nc; i++)
		argv[n++] = opt[k++];
	argv[n++] = "--";
	for (int i = 0; i < SP_MAX_VERBS && o->verbs[i]; i++)
		argv[n++] = o->verbs[i];
	argv[n++] = "hold";
	argv[n] = NULL;

	char env_dir[PATH_MAX + 32], env_state[PATH_MAX + 32], env_nonce[64], env_canary[128];
	const char *env[5];
	int ne = 0;
	snprintf(env_dir, sizeof env_dir, "SANDPROOF_PROBE_DIR=%s", r->probedir);
	snprintf(env_state, sizeof env_state, "SANDPROOF_STATE_DIR=%s", r->statedir);
	snprintf(env_nonce, sizeof env_nonce, "SANDPROOF_NONCE=%s", r->nonce);
	env[ne++] = env_dir;
	env[ne++] = env_state;
	env[ne++] = env_nonce;
	if (r->canary.env_name[0]) {
		snprintf(env_canary, sizeof env_canary, "%s=sandproof-canary", r->canary.env_name);
		env[ne++] = env_canary;
	}
	env[ne] = NULL;

	struct sp_exec x = {
	    .argv = argv,
	    .env = env,
	    .timeout_ms = timeout,
	    .nonce = r->nonce,
	    .exclude_pid = r->canary.pid,
	    .on_line = on_probe_line,
	    .arg = r,
	    .out = r->out,
	    .out_cap = SP_OUTPUT_CAP,
	    .stdin_tty = o->stdin_tty,
	};
	rc = sp_exec(&x);
	if (rc != 0) {
		snprintf(r->reason, sizeof r->reason, "cannot run the adapter: %s", strerror(-rc));
		sp_canaries_check_and_remove(r);
		remove_rundir(r);
		return -1;
	}
	r->out_len = x.out_len;
	memcpy(r->err, x.err, sizeof r->err);
	r->err_len = x.err_len;
	memcpy(r->tty_out, x.tty_out, sizeof r->tty_out);
	r->wstatus = x.wstatus;
	r->exited = x.exited;
	r->timed_out = x.timed_out;
	r->output_capped = x.capped;
	memcpy(r->leftovers, x.leftovers, sizeof r->leftovers);
	r->n_leftovers = x.n_leftovers;
	parse_report(r);

	r->verdict = SP_VERDICT_OK;
	if (judge_exec(r, &x, c->adapter_label, timeout))
		judge_report(r, &x);
	if (r->n_leftovers && !r->timed_out && !r->output_capped)
		broken(r, "adapter left %u process(es) running after it exited (killed): %s",
		       r->n_leftovers, r->leftovers);
	sp_canaries_check_and_remove(r);
	remove_rundir(r);
	return 0;
}

void
sp_run_free(struct sp_run *r)
{
	free(r->out);
	free(r->kv);
	free(r->outside.mountinfo);
	free(r->outside.host_mountinfo);
	r->out = NULL;
	r->kv = NULL;
	r->outside.mountinfo = r->outside.host_mountinfo = NULL;
}

const char *
sp_get(const struct sp_run *r, const char *key)
{
	for (size_t i = 0; i < r->n_kv; i++)
		if (strcmp(r->kv[i].key, key) == 0)
			return r->kv[i].value;
	return NULL;
}

bool
sp_is(const struct sp_run *r, const char *key, const char *value)
{
	const char *v = sp_get(r, key);
	return v != NULL && strcmp(v, value) == 0;
}

const char *
sp_show(const struct sp_run *r, const char *key, char *buf, size_t size)
{
	const char *v = sp_get(r, key);
	if (v != NULL)
		return v;
	/* the verb's own word on why it could not observe: VERB[:ARG].cannot */
	char cannot[512];
	const char *dot = strrchr(key, '.');
	snprintf(cannot, sizeof cannot, "%.*s.cannot", dot ? (int)(dot - key) : 0, key);
	const char *why = sp_get(r, cannot);
	if (why == NULL) {
		snprintf(cannot, sizeof cannot, "%.*s.refused", dot ? (int)(dot - key) : 0, key);
		why = sp_get(r, cannot);
	}
	snprintf(buf, size, "(absent%s%s)", why ? ": " : "", why ? why : "");
	return buf;
}

/* The probe's `tiocsti` pushes "spNONCE8" (no newline); the pty echoes it to the master. */
bool
sp_tty_injected(const struct sp_run *r)
{
	char marker[16];
	snprintf(marker, sizeof marker, "sp%.8s", r->nonce);
	return strstr(r->tty_out, marker) != NULL;
}

bool
sp_host_has_probe_mount(const struct sp_run *r)
{
	char needle[64];
	snprintf(needle, sizeof needle, " sp-%s ", r->nonce);
	return r->outside.host_mountinfo && strstr(r->outside.host_mountinfo, needle) != NULL;
}

const char *
sp_outside_status(const struct sp_run *r, const char *field, char *buf, size_t size)
{
	size_t n = strlen(field);
	for (const char *p = r->outside.status; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p) {
		if (strncmp(p, field, n) != 0 || p[n] != ':')
			continue;
		p += n + 1;
		p += strspn(p, " \t");
		snprintf(buf, size, "%.*s", (int)strcspn(p, "\n"), p);
		return buf;
	}
	return NULL;
}

/* `ADAPTER describe`: key=value lines; name and claims are required. */
int
sp_describe(const struct sp_config *c, struct sp_description *d, char *err, size_t errsize)
{
	static char out[65536 + 1];
	const char *argv[] = {c->adapter, "describe", NULL};
	const char *env[] = {NULL};
	char nonce[33];
	make_nonce(nonce);
	struct sp_exec x = {
	    .argv = argv,
	    .env = env,
	    .timeout_ms = c->describe_timeout_ms ? c->describe_timeout_ms : SP_DESCRIBE_TIMEOUT_MS,
	    .nonce = nonce,
	    .out = out,
	    .out_cap = sizeof out - 1,
	};
	memset(d, 0, sizeof *d);
	int rc = sp_exec(&x);
	if (rc != 0) {
		snprintf(err, errsize, "cannot run adapter '%s': %s", c->adapter, strerror(-rc));
		return -1;
	}
	struct sp_run tmp;
	memset(&tmp, 0, sizeof tmp);
	if (!judge_exec(&tmp, &x, c->adapter_label, x.timeout_ms)) {
		snprintf(err, errsize, "describe: %s", tmp.reason);
		return -1;
	}
	char ended[64];
	describe_end(&x, ended, sizeof ended);
	if (!x.exited || !WIFEXITED(x.wstatus) || WEXITSTATUS(x.wstatus) != 0) {
		char err1[256];
		first_line(x.err, err1, sizeof err1);
		snprintf(err, errsize, "adapter '%s' describe %s: %s", c->adapter_label, ended,
			 err1[0] ? err1 : "(nothing on stderr)");
		return -1;
	}
	static const struct {
		const char *key;
		size_t off, size;
	} fields[] = {
	    {"name", offsetof(struct sp_description, name), sizeof d->name},
	    {"version", offsetof(struct sp_description, version), sizeof d->version},
	    {"installed", offsetof(struct sp_description, installed), sizeof d->installed},
	    {"modes", offsetof(struct sp_description, modes), sizeof d->modes},
	    {"claims", offsetof(struct sp_description, claims), sizeof d->claims},
	    {"exposes", offsetof(struct sp_description, exposes), sizeof d->exposes},
	    {"caps-keep", offsetof(struct sp_description, caps_keep), sizeof d->caps_keep},
	};
	unsigned lineno = 0;
	bool have_name = false, have_claims = false;
	for (char *line = out, *nl; line < out + x.out_len; line = nl + 1) {
		nl = strchr(line, '\n');
		if (nl == NULL)
			nl = line + strlen(line);
		*nl = '\0';
		lineno++;
		if (line[0] == '\0' || line[0] == '#')
			continue;
		char *eq = strchr(line, '=');
		size_t klen = eq ? (size_t)(eq - line) : 0;
		bool ok = eq && klen > 0 && strspn(line, "abcdefghijklmnopqrstuvwxyz_-.") == klen;
		if (!ok) {
			snprintf(err, errsize,
				 "adapter '%s' describe is malformed: line %u '%.80s' is not "
				 "key=value",
				 c->adapter_label, lineno, line);
			return -1;
		}
		for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
			if (strlen(fields[i].key) == klen &&
			    strncmp(line, fields[i].key, klen) == 0)
				snprintf((char *)d + fields[i].off, fields[i].size, "%s", eq + 1);
		have_name |= klen == 4 && strncmp(line, "name", 4) == 0;
		have_claims |= klen == 6 && strncmp(line, "claims", 6) == 0;
	}
	if (!have_name || !have_claims) {
		snprintf(err, errsize, "adapter '%s' describe is malformed: no %s line",
			 c->adapter_label, have_name ? "claims=" : "name=");
		return -1;
	}
	return 0;
}
