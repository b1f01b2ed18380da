/* SPDX-License-Identifier: BSD-2-Clause */
/* libsbx internals: the config layout and helpers shared by the lib/ files. */
#ifndef SBX_INTERNAL_H
#define SBX_INTERNAL_H

#include "sbx.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <unistd.h>

/* Nothing declared below is part of the ABI of libsbx.so. */
#pragma GCC visibility push(hidden)

#define SBX_MAX_STEPS 128
#define SBX_MAX_ENV 128
#define SBX_MAX_RLIMITS 16
#define SBX_POOL_SIZE (64 * 1024)

enum sbx_step_kind {
	SBX_STEP_BIND,
	SBX_STEP_TMPFS,
	SBX_STEP_PROC,
	SBX_STEP_SYSFS,
	SBX_STEP_DEV,
	SBX_STEP_MQUEUE,
	SBX_STEP_DIR,
	SBX_STEP_SYMLINK,
	SBX_STEP_FILE,
};

struct sbx_step {
	enum sbx_step_kind kind;
	unsigned flags;  /* SBX_BIND_* */
	const char *src; /* bind source, symlink target, file content; points into the pool */
	const char *dst; /* absolute path inside the sandbox; points into the pool */
	uint64_t size;
	mode_t mode;
};

enum sbx_env_op { SBX_ENV_SET, SBX_ENV_UNSET, SBX_ENV_KEEP };

struct sbx_env {
	enum sbx_env_op op;
	const char *name;
	const char *value;
};

struct sbx_rlimit {
	int resource;
	struct rlimit lim;
};

struct sbx_config {
	unsigned ns;
	unsigned testing;
	uid_t uid; /* inside, when uid_set; else 0 with a user namespace, the caller's without */
	gid_t gid;
	bool uid_set;
	bool gid_set;
	bool setgroups_allow;
	bool nested_userns;
	const char *rootfs; /* NULL: fresh tmpfs */
	const char *hostname;
	const char *cwd;
	bool clearenv;
	bool nnp;
	bool new_session;
	bool die_with_parent;
	uint64_t caps_keep; /* bit n: keep capability n */
	size_t nsteps;
	struct sbx_step steps[SBX_MAX_STEPS];
	size_t nenv;
	struct sbx_env env[SBX_MAX_ENV];
	size_t nrlimits;
	struct sbx_rlimit rlimits[SBX_MAX_RLIMITS];
	sbx_log_fn log;
	void *log_userdata;
	struct sbx_error error; /* the first setter error */
	size_t pool_used;
	char pool[SBX_POOL_SIZE];
};

/* error.c */
int sbx_fail(struct sbx_error *err, int errnum, const char *step, const char *path, const char *fmt,
	     ...) __attribute__((format(printf, 5, 6)));
void sbx_error_clear(struct sbx_error *err);
/* Fills err->message with the sysctl or privilege that forbids creating namespaces. */
void sbx_explain_ns_error(struct sbx_error *err, unsigned ns_mask);

/* strerror.c: strerror(3) with glibc's wording under every libc. */
const char *sbx_strerror(int errnum);

/* log.c: one line "STEP ARG: result" to the callback, if any; returns rc unchanged. */
int sbx_log(const struct sbx_config *cfg, int rc, const char *step, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* userns.c */
unsigned long sbx_clone_flags(unsigned ns_mask);
int sbx_write_id_maps(const struct sbx_config *cfg, pid_t pid, uid_t outer_uid, gid_t outer_gid,
		      struct sbx_error *err);
unsigned sbx_effective_ns(const struct sbx_config *cfg);
int sbx_limit_nested_userns(const struct sbx_config *cfg, struct sbx_error *err);
int sbx_ns_fail(struct sbx_error *err, int errnum, unsigned ns_mask);

/* util.c */
int sbx_write_file_at(int dirfd, const char *path, const char *content, size_t len);
ssize_t sbx_read_file(const char *path, char *buf, size_t size);
int sbx_mkdir_p(const char *path, mode_t mode);
int sbx_mkdir_parents(const char *path);
int sbx_path_ok(const char *path, bool absolute);
static inline void
cleanup_close(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}
static inline int
take_fd(int *fd)
{
	int r = *fd;
	*fd = -1;
	return r;
}

/* uts.c */
int sbx_apply_hostname(const struct sbx_config *cfg, struct sbx_error *err);

/* keyring.c */
int sbx_new_session_keyring(const struct sbx_config *cfg, struct sbx_error *err);

/* caps.c */
int sbx_caps_apply(const struct sbx_config *cfg, struct sbx_error *err);
int sbx_cap_from_name(const char *name);

/* mount.c: detached mount trees prepared before the pivot, attached after it. */
#define SBX_BIND_NOATTR (1u << 8) /* internal: no mount_setattr (device node binds) */
struct sbx_prepared {
	int fd[SBX_MAX_STEPS]; /* per step: a detached tree (bind/proc/sysfs), or -1 */
	int dev_fd[8];         /* minimal /dev: binds of the host's device nodes, or -1 */
	int keep_fd;           /* a detached tmpfs still referenced by attached mounts, or -1 */
};
int sbx_prepare_mounts(const struct sbx_config *cfg, struct sbx_prepared *p, struct sbx_error *err);
void sbx_prepared_close(struct sbx_prepared *p);
int sbx_apply_steps(const struct sbx_config *cfg, struct sbx_prepared *p, struct sbx_error *err);
int sbx_attach_tree(int fd, const char *dst, bool is_dir, struct sbx_error *err, const char *step);
int sbx_clone_tree(const char *src, unsigned flags, struct sbx_error *err, const char *step);

/* rootfs.c: sbx_setup_mounts, handing *keep_fd (or -1) to the caller instead of closing it.  The
 * last close of a detached mount dissolves it (dissolve_on_fput(), fs/namespace.c), and every
 * unmount waits for an RCU grace period (namespace_unlock()): about 0.1 ms here.  sbx_spawn's
 * init holds the fd until it exits, after the command's status is sent. */
int sbx_setup_mounts_keep(const struct sbx_config *cfg, struct sbx_error *err, int *keep_fd);

#pragma GCC visibility pop

#endif
