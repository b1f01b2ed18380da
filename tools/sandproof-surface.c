/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sandproof-surface: the attack-surface inventory of one adapter, as information for the report
 * (`sandproof run`), not as verdicts.  Runs the probe once through the adapter, with the harness
 * core (the same guards as a case), and prints one `NAME=reachable|blocked (ERRNO)` line per item:
 * what the sandboxed process can still reach (nested namespaces, io_uring, bpf, perf_event_open,
 * userfaultfd, keyrings, the new mount API, ...).
 *
 *   sandproof-surface ADAPTER PROBE [RUNDIR_BASE]
 *
 * A bad-argument call that the kernel reached fails with EFAULT, EBADF, EINVAL or EOPNOTSUPP:
 * reachable.  EPERM, EACCES or ENOSYS: blocked (by a filter, a missing capability, or the kernel).
 */
#include "sp_core.h"

#include <stdio.h>
#include <string.h>

static const struct {
	const char *item; /* inventory name */
	const char *verb; /* probe verb */
	const char *key;  /* its result key */
} items[] = {
    {"userns", "try-unshare:user", "try-unshare:user.result"},
    {"userns+netns", "try-unshare:user+net", "try-unshare:user+net.result"},
    {"userns+mntns", "try-unshare:user+mnt", "try-unshare:user+mnt.result"},
    {"io_uring", "syscall:io_uring_setup", "syscall:io_uring_setup.errno"},
    {"bpf", "syscall:bpf", "syscall:bpf.errno"},
    {"perf_event_open", "syscall:perf_event_open", "syscall:perf_event_open.errno"},
    {"userfaultfd", "syscall:userfaultfd", "syscall:userfaultfd.errno"},
    {"keyctl", "syscall:keyctl", "syscall:keyctl.errno"},
    {"add_key", "syscall:add_key", "syscall:add_key.errno"},
    {"fsopen", "syscall:fsopen", "syscall:fsopen.errno"},
    {"open_tree", "syscall:open_tree", "syscall:open_tree.errno"},
    {"mount_setattr", "syscall:mount_setattr", "syscall:mount_setattr.errno"},
    {"open_by_handle_at", "syscall:open_by_handle_at", "syscall:open_by_handle_at.errno"},
    {"ptrace", "syscall:ptrace", "syscall:ptrace.errno"},
    {"clone3", "syscall:clone3", "syscall:clone3.errno"},
};
#define N_ITEMS (sizeof items / sizeof items[0])

static const char *
classify(const char *v)
{
	if (v == NULL)
		return "unknown";
	if (strcmp(v, "ok") == 0 || strcmp(v, "OK") == 0 || strcmp(v, "EFAULT") == 0 ||
	    strcmp(v, "EBADF") == 0 || strcmp(v, "EINVAL") == 0 || strcmp(v, "EOPNOTSUPP") == 0 ||
	    strcmp(v, "E2BIG") == 0 || strcmp(v, "ESRCH") == 0 || strcmp(v, "ENOENT") == 0)
		return "reachable";
	return "blocked";
}

int
main(int argc, char **argv)
{
	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: sandproof-surface ADAPTER PROBE [RUNDIR_BASE]\n");
		return 2;
	}
	struct sp_config c;
	memset(&c, 0, sizeof c);
	snprintf(c.adapter, sizeof c.adapter, "%s", argv[1]);
	snprintf(c.adapter_label, sizeof c.adapter_label, "%s", argv[1]);
	snprintf(c.probe, sizeof c.probe, "%s", argv[2]);
	snprintf(c.rundir_base, sizeof c.rundir_base, "%s", argc > 3 ? argv[3] : "/var/tmp");

	struct sp_opts o;
	memset(&o, 0, sizeof o);
	for (size_t i = 0; i < N_ITEMS; i++)
		o.verbs[i] = items[i].verb;

	static struct sp_run r;
	if (sp_run(&c, &o, &r) != 0) {
		fprintf(stderr, "sandproof-surface: %s\n", r.reason);
		sp_run_free(&r);
		return 1;
	}
	int rc = 0;
	if (r.verdict != SP_VERDICT_OK) {
		fprintf(stderr, "sandproof-surface: %s\n", r.reason);
		rc = 1;
	} else {
		for (size_t i = 0; i < N_ITEMS; i++) {
			const char *v = sp_get(&r, items[i].key);
			printf("%s=%s (%s)\n", items[i].item, classify(v), v ? v : "not reported");
		}
	}
	sp_run_free(&r);
	return rc;
}
