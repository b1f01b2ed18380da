/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What this kernel and this user can do: the probes shared by the harness (to skip a case with a
 * named reason) and by `sandproof kernel` (to report).  No ATF in here: this file is also linked
 * into tools.  Every probe that has to create something (a namespace, a mount) does so in a forked
 * child, so the caller's state never changes.
 */
#ifndef SP_FEATURES_H
#define SP_FEATURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum sp_feature {
	SP_FEAT_USERNS,   /* create a user namespace (and write a one-line uid_map) */
	SP_FEAT_MNTNS,    /* create a mount namespace (inside a user namespace when not root) */
	SP_FEAT_PIDNS,    /* create a pid namespace */
	SP_FEAT_UTSNS,    /* create a uts namespace */
	SP_FEAT_IPCNS,    /* create an ipc namespace */
	SP_FEAT_NETNS,    /* create a network namespace */
	SP_FEAT_CGROUPNS, /* create a cgroup namespace */
	SP_FEAT_TIMENS,   /* create a time namespace */
	SP_FEAT_PIVOT_ROOT,
	SP_FEAT_NEW_MOUNT_API, /* fsopen/fsmount/move_mount/open_tree */
	SP_FEAT_MOUNT_SETATTR,
	SP_FEAT_IDMAPPED_MOUNTS,
	SP_FEAT_SECCOMP,
	SP_FEAT_LANDLOCK,
	SP_FEAT_HOST_MOUNT,   /* this process can mount in the host's mount namespace (real root) */
	SP_FEAT_ROOT,         /* euid 0 in the initial user namespace */
	SP_FEAT_UNPRIVILEGED, /* not root */
	SP_FEAT_PTY,          /* /dev/ptmx gives a pseudo-terminal */
	SP_FEAT_LEGACY_TIOCSTI, /* dev.tty.legacy_tiocsti allows TIOCSTI (no sysctl before 6.2) */
	SP_FEAT_SYSV_IPC,       /* SysV message queues/shm usable */
	SP_FEAT_POSIX_MQUEUE,   /* mq_open works */
	SP_FEAT_KEYRING,        /* add_key into the session keyring works */
	SP_FEAT_CGROUP_V1,      /* a cgroup v1 hierarchy is mounted */
	SP_FEAT_CGROUP_V2,      /* a cgroup2 hierarchy is mounted */
	SP_FEAT__COUNT
};

struct sp_feature_status {
	bool available;
	char code[48]; /* when unavailable: reason code, e.g. "userns-unavailable" */
	char why[256]; /* when unavailable: the cause in words, e.g. "user.max_user_namespaces=0" */
};

/* Stable short name of a feature ("userns", "pivot-root", ...). */
const char *sp_feature_name(enum sp_feature f);

/* Probe one feature; always fills *st.  Returns 0, or -errno when the probe itself failed. */
int sp_feature_check(enum sp_feature f, struct sp_feature_status *st);

/*
 * After a sandbox failed to start (an adapter exited 125): does this environment forbid what
 * sandboxes need (user, mount or pid namespaces for this user)?  Returns true and fills *st with
 * the reason when it does; false when the environment allows it, so the failure is the sandbox's.
 */
bool sp_environment_forbids_sandbox(struct sp_feature_status *st);

/*
 * Debian's kernel.unprivileged_userns_clone=0 refuses a user namespace inside a child user
 * namespace (EPERM) before any user.max_user_namespaces limit is consulted, so a limit lowered
 * in a child namespace cannot be observed there.  True, with the reason in *st, when so.
 */
bool sp_nested_userns_refused(struct sp_feature_status *st);

enum sp_report_format { SP_REPORT_TABLE, SP_REPORT_KV, SP_REPORT_JSON };

/*
 * Like sp_environment_forbids_sandbox, for exactly the features a sandbox needs (for example the
 * namespaces of the groups an adapter claims): true, with *st, for the first one unavailable.
 */
bool sp_environment_forbids(const enum sp_feature *needs, size_t n, struct sp_feature_status *st);

/* The highest Landlock ABI version (>= 1), or -errno (-ENOSYS absent, -EOPNOTSUPP disabled). */
int sp_landlock_abi(void);

/* The cgroup layout: "v2", "v1", "hybrid" (v1 plus cgroup2 at /sys/fs/cgroup/unified), "none". */
const char *sp_cgroup_layout(void);

/* The whole kernel and environment report of `sandproof kernel`. */
int sp_kernel_report(FILE *out, enum sp_report_format fmt);

#endif
