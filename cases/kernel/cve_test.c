/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Kernel bugs that break a sandbox whatever the sandbox does, checked on the running kernel (no
 * adapter runs here).  Where the probe has the attempt (userns-extents, docs/PROBE.md) the case
 * runs it, so the logic is the one the escape cases use and their negative controls cover.
 * Namespace work happens in a forked child that reports through a pipe and never calls ATF.
 */
#include "features.h"
#include "sp.h"

#include <atf-c.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* The outer user namespace: 1000 ids from host uid 100000, as in LTP userns08. */
#define OUTER_BASE 100000u
#define OUTER_MAP "0 100000 1000"

/* A 0600 file owned by UID:GID holding one line. */
static bool
plant(const char *path, uid_t uid, gid_t gid)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return false;
	bool ok = write(fd, "sandproof\n", 10) == 10 && fchown(fd, uid, gid) == 0;
	return close(fd) == 0 && ok;
}

/*
 * Run `sp-probe ... -- userns-extents` as root of a new user namespace mapped OUTER_MAP, with
 * canary.locked=TARGET; its report in OUT.  0, or a step that failed (for the message).
 */
static const char *
probe_in_outer_userns(const char *probe, const char *target, char *out, size_t size)
{
	int ready[2], go[2], rep[2];
	char c = 0, id[64], opt1[512], opt2[128];
	if (pipe2(ready, O_CLOEXEC) != 0 || pipe2(go, O_CLOEXEC) != 0 || pipe2(rep, O_CLOEXEC) != 0)
		return "pipe";
	snprintf(opt1, sizeof opt1, "canary.locked=%s", target);
	snprintf(opt2, sizeof opt2, "canary.locked.id=%s", sp_file_id(target, id, sizeof id));
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return "fork";
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		c = unshare(CLONE_NEWUSER) == 0 ? 'u' : 'x';
		if (write(ready[1], &c, 1) != 1 || c != 'u' || read(go[0], &c, 1) != 1)
			_exit(120);
		/* Root of the new namespace (host uid OUTER_BASE), with every capability there. */
		if (setresgid(0, 0, 0) != 0 || setresuid(0, 0, 0) != 0)
			_exit(121);
		if (dup2(rep[1], STDOUT_FILENO) < 0)
			_exit(122);
		execl(probe, probe, "nonce=kernel-cve", opt1, opt2, "--", "userns-extents",
		      (char *)NULL);
		_exit(123);
	}
	close(ready[1]);
	close(go[0]);
	close(rep[1]);
	const char *failed = NULL;
	char path[64];
	if (read(ready[0], &c, 1) != 1 || c != 'u')
		failed = "unshare(CLONE_NEWUSER) in the child";
	snprintf(path, sizeof path, "/proc/%d/uid_map", (int)pid);
	if (failed == NULL && !sp_write_file(path, OUTER_MAP))
		failed = "writing the outer uid_map";
	snprintf(path, sizeof path, "/proc/%d/gid_map", (int)pid);
	if (failed == NULL && !sp_write_file(path, OUTER_MAP))
		failed = "writing the outer gid_map";
	if (failed == NULL && write(go[1], "g", 1) != 1)
		failed = "starting the child";
	close(go[1]);
	size_t o = 0;
	for (ssize_t n; o + 1 < size && (n = read(rep[0], out + o, size - 1 - o)) != 0;)
		if (n > 0)
			o += (size_t)n;
		else if (errno != EINTR)
			break;
	out[o] = '\0';
	close(ready[0]);
	close(rep[0]);
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (failed == NULL && (!WIFEXITED(st) || WEXITSTATUS(st) != 0))
		failed = "the probe did not exit 0";
	return failed;
}

/* The value of KEY in a probe report (`KEY=VALUE` lines), or "(absent)". */
static const char *
value(const char *report, const char *key, char *buf, size_t size)
{
	size_t k = strlen(key);
	for (const char *l = report; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (strncmp(l, key, k) == 0 && l[k] == '=') {
			snprintf(buf, size, "%.*s", (int)strcspn(l + k + 1, "\n"), l + k + 1);
			return buf;
		}
	return "(absent)";
}

SP_CASE(userns_extents_keep_host_root_files_closed, "kernel.userns-extents", "CVE-2018-18955",
	"CVE-2018-18955 (kernels 4.15 to 4.19.1): inside a user namespace of 1000 ids, a "
	"nested one with a six-extent id map opens a 0600 file of host root neither for "
	"reading nor for writing, while the same steps open a 0600 file of the outer "
	"namespace's root (the control showing the steps work)")
{
	struct sp_feature_status st;
	ATF_REQUIRE(sp_feature_check(SP_FEAT_ROOT, &st) == 0);
	if (!st.available)
		atf_tc_skip("not applicable in this mode: %s: %s (a map of 1000 ids and a file of "
			    "host root need root in the initial user namespace)",
			    st.code, st.why);
	ATF_REQUIRE(sp_feature_check(SP_FEAT_USERNS, &st) == 0);
	/* The outer namespace is made by root; the nested one by its root, which holds no
	 * capability in the initial namespace (Debian's unprivileged_userns_clone=0 refuses it). */
	if (!st.available || sp_nested_userns_refused(&st))
		sp_skip_environment(tc, st.code, "%s", st.why);

	char dir[] = "/var/tmp/sandproof-cve-XXXXXX", probe[128], host[128], own[128];
	char out[2][8192], b[3][256];
	struct sp_config c;
	sp_config_from_tc(tc, &c);
	ATF_REQUIRE(mkdtemp(dir) != NULL && chmod(dir, 0755) == 0);
	snprintf(probe, sizeof probe, "%s/sp-probe", dir);
	snprintf(host, sizeof host, "%s/host-root", dir);
	snprintf(own, sizeof own, "%s/outer-root", dir);
	const char *failed[2] = {"setting up"};
	if (sp_copy_probe(c.probe, dir) == 0 && plant(host, 0, 0) &&
	    plant(own, OUTER_BASE, OUTER_BASE)) {
		failed[0] = probe_in_outer_userns(probe, host, out[0], sizeof out[0]);
		failed[1] = probe_in_outer_userns(probe, own, out[1], sizeof out[1]);
	}
	unlink(probe);
	unlink(host);
	unlink(own);
	rmdir(dir);

	ATF_REQUIRE_MSG(failed[0] == NULL && failed[1] == NULL, "%s",
			failed[0] ? failed[0] : failed[1]);
	printf("file of host root:\n%s\nfile of the outer namespace's root:\n%s\n", out[0], out[1]);
	for (int i = 0; i < 2; i++)
		ATF_REQUIRE_STREQ_MSG(value(out[i], "userns-extents.nested", b[0], sizeof b[0]),
				      "ok", "the nested namespace was not made (%s's run)",
				      i ? "the control" : "the host root file");
	ATF_CHECK_STREQ_MSG(value(out[1], "userns-extents.reached", b[0], sizeof b[0]), "1",
			    "control: the outer root's own file did not open (%s)",
			    value(out[1], "userns-extents.how", b[1], sizeof b[1]));
	ATF_CHECK_STREQ_MSG(value(out[0], "userns-extents.reached", b[0], sizeof b[0]), "0",
			    "the file of host root opened from the nested namespace (%s): the "
			    "kernel has CVE-2018-18955",
			    value(out[0], "userns-extents.how", b[2], sizeof b[2]));
}

/*
 * Dirty Pipe: on kernels 5.8 to 5.16.10 a pipe buffer kept PIPE_BUF_FLAG_CAN_MERGE across
 * splice(2), so a write to the pipe after splicing a file's page into it went into the page
 * cache of the file, whatever the descriptor's mode.  Tried on a file of the test's own (the
 * working directory kyua gave it), opened read-only; a changed file is the proof.
 */
SP_CASE(dirty_pipe_cannot_write_read_only_file, "kernel.dirty-pipe", "CVE-2022-0847",
	"CVE-2022-0847 (Dirty Pipe, kernels 5.8 to 5.16.10): a write into a pipe holding a "
	"page spliced from a read-only descriptor does not change the file, after every "
	"buffer of the pipe has been used once (the flag the bug leaves set)")
{
	(void)tc;
	static const char text[] = "sandproof dirty pipe canary: this line must not change\n";
	char got[sizeof text];
	int fd = open("canary", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
	ATF_REQUIRE(fd >= 0);
	ATF_REQUIRE(write(fd, text, sizeof text - 1) == (ssize_t)(sizeof text - 1));
	ATF_REQUIRE(close(fd) == 0);
	fd = open("canary", O_RDONLY | O_CLOEXEC);
	ATF_REQUIRE(fd >= 0);

	/* Use every buffer of the pipe once (each then carries CAN_MERGE on a buggy kernel). */
	int p[2];
	ATF_REQUIRE(pipe2(p, O_CLOEXEC) == 0);
	int size = fcntl(p[1], F_GETPIPE_SZ);
	ATF_REQUIRE(size > 0);
	static char buf[4096];
	for (int left = size; left > 0; left -= (int)sizeof buf)
		ATF_REQUIRE(write(p[1], buf, sizeof buf) == (ssize_t)sizeof buf);
	for (int left = size; left > 0; left -= (int)sizeof buf)
		ATF_REQUIRE(read(p[0], buf, sizeof buf) == (ssize_t)sizeof buf);

	/* One byte of the file's page into the pipe, then a write that would merge into it. */
	loff_t off = 0;
	ssize_t spliced = splice(fd, &off, p[1], NULL, 1, 0);
	ssize_t wrote = write(p[1], "XXXX", 4);
	close(p[0]);
	close(p[1]);
	ssize_t n = pread(fd, got, sizeof got - 1, 0);
	close(fd);
	ATF_REQUIRE_EQ_MSG(spliced, 1, "splice: %s", strerror(errno));
	ATF_REQUIRE_EQ_MSG(wrote, 4, "the write into the pipe: %s", strerror(errno));
	ATF_REQUIRE_EQ(n, (ssize_t)(sizeof text - 1));
	got[n] = '\0';
	ATF_CHECK_STREQ_MSG(got, text,
			    "the read-only file changed through the pipe: the kernel "
			    "has CVE-2022-0847");
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, userns_extents_keep_host_root_files_closed);
	ATF_TP_ADD_TC(tp, dirty_pipe_cannot_write_read_only_file);
	return atf_no_error();
}
