/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sp-probe: argument parsing, the verb table, output and the `sync`/`hold` handshakes.
 * See probe.h for the protocol and docs/PROBE.md for the verbs and their keys.
 */
#include "probe.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int verb_sync(const struct sp_verb_call *v);
static int verb_help(const struct sp_verb_call *v);

/* Keep sorted by concern; a new verb is one line here plus its function in its group's file. */
const struct sp_verb sp_verbs[] = {
    {"ids", false, sp_verb_ids, "real/effective/saved uid and gid, supplementary groups"},
    {"maps", false, sp_verb_maps, "uid_map, gid_map and setgroups of this process"},
    {"setgroups", false, sp_verb_setgroups, "try setgroups(0, NULL) (changes only the probe)"},
    {"ns", false, sp_verb_ns, "namespace inodes and whether each is the host's"},
    {"mountinfo", false, sp_verb_mountinfo, "the mount table as this process sees it"},
    {"mountflags", true, sp_verb_mountflags, "statvfs flags of PATH"},
    {"mount-tmpfs", false, sp_verb_mount_tmpfs,
     "mount a read-only tmpfs on DIR/mnt, only outside the host's mount namespace"},
    {"statfs", true, sp_verb_statfs, "file system type of PATH"},
    {"stat", true, sp_verb_stat, "device, inode, mode and owner of PATH (lstat)"},
    {"open-write", true, sp_verb_open_write, "open PATH O_WRONLY (never writes), report errno"},
    {"root", false, sp_verb_root, "identity of / and /.."},
    {"cwd", false, sp_verb_cwd, "working directory, and whether it is reachable"},
    {"proc", false, sp_verb_proc, "pid, ppid, session, process group, controlling tty"},
    {"pids", false, sp_verb_pids, "pids visible in /proc"},
    {"caps", false, sp_verb_caps, "capability sets"},
    {"nnp", false, sp_verb_nnp, "no_new_privs"},
    {"seccomp", false, sp_verb_seccomp, "seccomp mode and filter count"},
    {"capget", false, sp_verb_capget, "capability sets from capget(2) and prctl(2)"},
    {"privs", false, sp_verb_privs, "credentials: uids, AT_SECURE, no_new_privs, capabilities"},
    {"exec-privs", true, sp_verb_exec_privs,
     "drop to 65534 where possible, exec the harness's NAME copy (setuid fcaps), its privs"},
    {"cap-raise", false, sp_verb_cap_raise,
     "in a child: fill the inheritable set from the permitted one, raise an ambient capability"},
    {"fds", false, sp_verb_fds, "open descriptors and where they point"},
    {"cwd-scope", false, sp_verb_cwd_scope,
     "whether the working directory is inside the root (CVE-2024-21626)"},
    {"hostname", false, sp_verb_hostname, "host and domain name"},
    {"sethostname", false, sp_verb_sethostname,
     "set the hostname, only outside the host's uts namespace"},
    {"env", false, sp_verb_env, "environment variable names"},
    {"getenv", true, sp_verb_getenv, "whether NAME is set, and its value"},
    {"net", false, sp_verb_net, "network interfaces"},
    {"canary", true, sp_verb_canary,
     "reach the harness's canary KIND (file tmp abstract tcp sysv key env pid)"},
    {"kill-all", false, sp_verb_kill_all,
     "kill(-1, SIGCONT), only outside the host's pid namespace"},
    {"escape-chroot", false, sp_verb_escape_chroot,
     "classic chroot escape, then try to reach the file canary"},
    {"escape-chroot-fd", false, sp_verb_escape_chroot_fd,
     "chroot escape through a directory fd saved before the chroot"},
    {"escape-proc-roots", false, sp_verb_escape_proc_roots,
     "reach the file canary through /proc/PID/root of every visible process"},
    {"userns-nest", false, sp_verb_userns_nest, "create a nested user namespace (in a child)"},
    {"try-unshare", true, sp_verb_try_unshare, "unshare TYPE+TYPE... in a child (surface.c)"},
    {"ptrace-canary", false, sp_verb_ptrace_canary, "PTRACE_SEIZE the canary process"},
    {"vmread-canary", false, sp_verb_vmread_canary, "process_vm_readv the canary process"},
    {"syscall", true, sp_verb_syscall,
     "call NAME with bad arguments (keyctl bpf fsopen tiocsti-high ...), report errno"},
    {"syscall-i386", true, sp_verb_syscall_i386,
     "the same through the i386 ABI (int 0x80; keyctl unshare mount), in a child"},
    {"mknod", false, sp_verb_mknod, "mknod a char device in the probe's scratch directory"},
    {"read", true, sp_verb_read, "content of the small file PATH"},
    {"readdir", true, sp_verb_readdir, "entries of the directory PATH"},
    {"umount", true, sp_verb_umount, "lazily unmount PATH, only outside the host's mount ns"},
    {"remount-rw", true, sp_verb_remount_rw,
     "remount the bind at PATH read-write, only outside the host's mount ns"},
    {"escape-fresh-proc", false, sp_verb_escape_fresh_proc,
     "mount a new procfs (private mount ns only) and walk PID/root to the file canary"},
    {"escape-umount-root", false, sp_verb_escape_umount_root,
     "umount / (private mount ns only), then try the file canary"},
    {"escape-handle", false, sp_verb_escape_handle,
     "open_by_handle_at with the file canary's handle (shocker)"},
    {"setns-canary", true, sp_verb_setns_canary,
     "open (and setns into, when not the host's) the canary process's namespace TYPE"},
    {"escape-release-agent", false, sp_verb_escape_release_agent,
     "cgroup v1 release_agent opened for writing from new user+mount+cgroup namespaces"},
    {"exe-open-write", false, sp_verb_exe_open_write,
     "open /proc/PID/exe of every other visible process O_WRONLY (never writes)"},
    {"tiocsti", false, sp_verb_tiocsti,
     "push text into stdin's terminal with TIOCSTI (only the harness's pty: tty=1)"},
    {"trap-signals", false, sp_verb_trap_signals,
     "count HUP INT QUIT TERM USR1 USR2 CONT from now on"},
    {"signals", true, sp_verb_signals, "wait up to MS ms for a trapped signal, report counts"},
    {"procfs", false, sp_verb_procfs, "whose pid namespace /proc shows (/proc/self, getpid)"},
    {"open-read", true, sp_verb_open_read, "open PATH O_RDONLY (never reads), report errno"},
    {"writable", true, sp_verb_writable, "count what under PATH could be written (faccessat)"},
    {"devnode", true, sp_verb_devnode, "kind and device number of PATH (lstat, never opened)"},
    {"devices", true, sp_verb_devices, "device nodes under PATH (never opened)"},
    {"dev-null", false, sp_verb_dev_null, "write to and read from /dev/null (char 1:3 only)"},
    {"dev-urandom", false, sp_verb_dev_urandom, "read 32 bytes from /dev/urandom (char 1:9 only)"},
    {"net-unix", false, sp_verb_net_unix, "unix sockets in /proc/net/unix; the abstract canary?"},
    {"net-tcp", false, sp_verb_net_tcp, "listening TCP sockets in /proc/net/tcp; the canary port?"},
    {"sysv-msg", false, sp_verb_sysv_msg, "SysV queues in /proc/sysvipc/msg; the canary key?"},
    {"escape-chroot-pass-fd", false, sp_verb_escape_chroot_pass_fd,
     "chw00t #2: a dir fd passed over a socketpair into a nested chroot, then `..`"},
    {"escape-chroot-move", false, sp_verb_escape_chroot_move,
     "chw00t #5: the chrooted child's cwd renamed above its root, then `..`"},
    {"escape-blockdev", false, sp_verb_escape_blockdev,
     "chw00t #4: mknod the canary's block device, mount it read-only (mnt ns gate)"},
    {"escape-pivot-root", false, sp_verb_escape_pivot_root,
     "pivot_root in a child's own user+mount ns, then the file canary"},
    {"userns-after-chroot", false, sp_verb_userns_after_chroot,
     "a child chroots, then tries unshare(CLONE_NEWUSER)"},
    {"pidfd-canary", false, sp_verb_pidfd_canary, "pidfd_open the canary process"},
    {"exe-ids", false, sp_verb_exe_ids, "identity of /proc/PID/exe of every other process"},
    {"exe-reopen", false, sp_verb_exe_reopen,
     "keep /proc/PID/exe O_PATH, reopen it O_WRONLY via /proc/self/fd (never writes)"},
    {"userns-extents", false, sp_verb_userns_extents,
     "a nested user ns with a six-extent map (CVE-2018-18955) opens canary.locked?"},
    {"exit-at-end", true, sp_verb_exit_at_end, "exit with status ARG after end and hold"},
    {"orphan", false, sp_verb_orphan, "make an orphan and see whether it is reaped"},
    {"leave-process", false, sp_verb_leave_process,
     "start a detached process meant to outlive the sandbox (15 s)"},
    {"map-rewrite", false, sp_verb_map_rewrite,
     "write uid_map and gid_map again, setgroups allow (own user namespace only)"},
    {"setid-unmapped", false, sp_verb_setid_unmapped,
     "setgid/setuid to ids the maps do not hold (in a child)"},
    {"remount-ro-mounts", false, sp_verb_remount_ro_mounts,
     "remount every read-only mount read-write, as is and from nested user+mount namespaces"},
    {"umount-inside", false, sp_verb_umount_inside,
     "unmount every mount but / and shared ones, only outside the host's mount ns"},
    {"mkfile", true, sp_verb_mkfile,
     "create sandproof-inside-NONCE in directory PATH (kept until exit; own mount ns)"},
    {"dotdot-walk", false, sp_verb_dotdot_walk,
     "climb .. from the cwd and the probe directory; where it stops against /"},
    {"canary-paths", false, sp_verb_canary_paths,
     "seek the file canary by every path: .., cwd, dir fds, /proc/{self,1}/{root,cwd}"},
    {"pid-visible", true, sp_verb_pid_visible, "kill(PID, 0) and /proc/PID (PID or canary)"},
    {"pid-ancestry", false, sp_verb_pid_ancestry, "this process's ancestors inside up to ppid 0"},
    {"vt-reach", false, sp_verb_vt_reach,
     "is a virtual console reachable (stdin, /dev/tty0)? read-only TIOCLINUX"},
    {"sync", false, verb_sync, "print `sync N` and wait for a line on stdin"},
    {"help", false, verb_help, "list the verbs"},
    {NULL, false, NULL, NULL},
};

#define MAX_OPTS 64
static const char *opt_names[MAX_OPTS];
static const char *opt_values[MAX_OPTS];
static size_t n_opts;
static char opt_storage[MAX_OPTS][128];

const char *
sp_opt(const char *name)
{
	for (size_t i = 0; i < n_opts; i++)
		if (strcmp(opt_names[i], name) == 0)
			return opt_values[i];
	return NULL;
}

const char *
sp_probe_dir(void)
{
	return sp_opt("dir");
}

static void
write_all(const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(STDOUT_FILENO, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(SP_ERROR);
		buf += n;
		len -= (size_t)n;
	}
}

void
sp_line(const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	size_t len = (size_t)n < sizeof buf - 1 ? (size_t)n : sizeof buf - 2;
	buf[len++] = '\n';
	write_all(buf, len);
}

/* One line per key: control characters, backslash and non-ASCII are written as \xHH. */
static size_t
escape_into(char *dst, size_t size, const char *src)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)src; *p && o + 5 < size; p++) {
		if (*p < 0x20 || *p > 0x7e || *p == '\\') {
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[*p >> 4];
			dst[o++] = hex[*p & 15];
		} else {
			dst[o++] = (char)*p;
		}
	}
	dst[o] = '\0';
	return o;
}

void
sp_kv(const struct sp_verb_call *v, const char *key, const char *fmt, ...)
{
	char val[8192], k[1024], line[16384];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(val, sizeof val, fmt, ap);
	va_end(ap);
	snprintf(k, sizeof k, "%s.%s", v->prefix, key);
	size_t o = escape_into(line, sizeof line / 2, k);
	line[o++] = '=';
	o += escape_into(line + o, sizeof line - o - 1, val);
	line[o++] = '\n';
	write_all(line, o);
}

int
sp_cannot(const struct sp_verb_call *v, const char *fmt, ...)
{
	char why[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	sp_kv(v, "cannot", "%s", why);
	return SP_CANNOT;
}

static unsigned sync_count;

static bool
wait_stdin_line(void)
{
	char c;
	for (;;) {
		ssize_t n = read(STDIN_FILENO, &c, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		if (c == '\n')
			return true;
	}
}

static int
verb_sync(const struct sp_verb_call *v)
{
	(void)v;
	sp_line("sync %u", ++sync_count);
	wait_stdin_line();
	return SP_OBSERVED;
}

static int
verb_help(const struct sp_verb_call *v)
{
	for (const struct sp_verb *e = sp_verbs; e->name; e++)
		sp_kv(v, e->name, "%s%s", e->needs_arg ? "(ARG) " : "", e->help);
	return SP_OBSERVED;
}

static const struct sp_verb *
find_verb(const char *name, size_t len)
{
	for (const struct sp_verb *e = sp_verbs; e->name; e++)
		if (strlen(e->name) == len && strncmp(e->name, name, len) == 0)
			return e;
	return NULL;
}

static void usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void
usage_error(const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	sp_line("probe.usage-error=%s", msg);
	sp_line("end");
	dprintf(STDERR_FILENO, "sp-probe: %s\n", msg);
	_exit(SP_USAGE);
}

int
main(int argc, char **argv)
{
	int i = 1;
	bool hold = false;
	/* Started with privileges (a setuid or file-capability copy): report them, nothing else. */
	if (sp_privs_only() >= 0)
		return SP_OBSERVED;
	for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
		const char *eq = strchr(argv[i], '=');
		if (eq == NULL || n_opts == MAX_OPTS || (size_t)(eq - argv[i]) >= 128)
			usage_error("bad option '%s' (want NAME=VALUE before --)", argv[i]);
		memcpy(opt_storage[n_opts], argv[i], (size_t)(eq - argv[i]));
		opt_storage[n_opts][eq - argv[i]] = '\0';
		opt_names[n_opts] = opt_storage[n_opts];
		opt_values[n_opts++] = eq + 1;
	}
	const char *nonce = sp_opt("nonce");
	sp_line("sp-probe %d nonce=%s", SP_PROBE_PROTOCOL, nonce ? nonce : "");

	/* Check every verb before running any, so a typo never leaves half an observation. */
	for (int j = i + 1; j < argc; j++) {
		const char *colon = strchr(argv[j], ':');
		size_t len = colon ? (size_t)(colon - argv[j]) : strlen(argv[j]);
		const struct sp_verb *e = find_verb(argv[j], len);
		if (strcmp(argv[j], "hold") == 0)
			continue;
		if (e == NULL)
			usage_error("unknown verb '%s'", argv[j]);
		if (e->needs_arg && colon == NULL)
			usage_error("verb '%s' needs :ARG", argv[j]);
		if (!e->needs_arg && colon != NULL)
			usage_error("verb '%s' takes no :ARG", argv[j]);
	}

	int status = SP_OBSERVED;
	for (int j = i + 1; j < argc; j++) {
		if (strcmp(argv[j], "hold") == 0) {
			hold = true;
			continue;
		}
		struct sp_verb_call call;
		const char *colon = strchr(argv[j], ':');
		size_t len = colon ? (size_t)(colon - argv[j]) : strlen(argv[j]);
		const struct sp_verb *e = find_verb(argv[j], len);
		if (e == NULL)
			continue;
		call.name = e->name;
		call.arg = colon ? colon + 1 : NULL;
		snprintf(call.prefix, sizeof call.prefix, "%s", argv[j]);
		int rc = e->fn(&call);
		if (rc == SP_CANNOT && status == SP_OBSERVED)
			status = SP_CANNOT;
		else if (rc != SP_OBSERVED && rc != SP_CANNOT)
			status = SP_ERROR;
	}
	sp_line("end");
	/* hold: stay alive, so the harness can look at /proc/<pid>/ from outside, until it closes
	 * our standard input (EOF) or the terminal goes away (EIO). */
	if (hold)
		while (wait_stdin_line())
			;
	sp_mounts_cleanup();
	return status;
}
