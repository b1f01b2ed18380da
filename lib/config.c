/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The sandbox as data: setters validate their input and append to fixed arrays.  Strings are
 * copied into a fixed pool inside the config, so the whole config is one allocation.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sbx_config *
sbx_config_new(void)
{
	struct sbx_config *cfg = calloc(1, sizeof(*cfg));
	if (!cfg)
		return NULL;
	cfg->ns = SBX_NS_ALL;
	cfg->uid = 0;
	cfg->gid = 0;
	cfg->nnp = true;
	cfg->new_session = true;
	cfg->die_with_parent = true;
	return cfg;
}

void
sbx_config_free(struct sbx_config *cfg)
{
	free(cfg);
}

/* Keeps the first error only: later ones are usually consequences. */
static int
config_fail(struct sbx_config *cfg, int errnum, const char *step, const char *path,
	    const char *message)
{
	if (cfg->error.err == 0)
		sbx_fail(&cfg->error, errnum, step, path, "%s", message ? message : "");
	return -errnum;
}

int
sbx_config_error(const struct sbx_config *cfg, struct sbx_error *err)
{
	if (!cfg)
		return sbx_fail(err, EINVAL, "config", "", "no config");
	if (cfg->error.err == 0) {
		sbx_error_clear(err);
		return 0;
	}
	if (err)
		*err = cfg->error;
	return -cfg->error.err;
}

static const char *
pool_dup(struct sbx_config *cfg, const char *s)
{
	size_t len = strlen(s) + 1;
	if (len > sizeof(cfg->pool) - cfg->pool_used)
		return NULL;
	char *p = cfg->pool + cfg->pool_used;
	memcpy(p, s, len);
	cfg->pool_used += len;
	return p;
}

static int
check_path(struct sbx_config *cfg, const char *path, const char *step, bool absolute)
{
	int r = sbx_path_ok(path, absolute);
	if (r == 0)
		return 0;
	const char *why = "empty path";
	if (r == -ENAMETOOLONG)
		why = "path longer than PATH_MAX";
	else if (path && path[0] && absolute && path[0] != '/')
		why = "destination must be an absolute path";
	else if (path && path[0])
		why = "'..' is not allowed in a path";
	char shown[256];
	snprintf(shown, sizeof(shown), "%s", path ? path : "");
	return config_fail(cfg, -r, step, shown, why);
}

static int
add_step(struct sbx_config *cfg, enum sbx_step_kind kind, const char *src, const char *dst,
	 unsigned flags, uint64_t size, mode_t mode, const char *step)
{
	int r = check_path(cfg, dst, step, true);
	if (r < 0)
		return r;
	if (cfg->nsteps >= SBX_MAX_STEPS)
		return config_fail(cfg, E2BIG, step, dst, "too many mount steps");
	struct sbx_step *s = &cfg->steps[cfg->nsteps];
	s->kind = kind;
	s->flags = flags;
	s->size = size;
	s->mode = mode;
	s->dst = pool_dup(cfg, dst);
	s->src = src ? pool_dup(cfg, src) : NULL;
	if (!s->dst || (src && !s->src))
		return config_fail(cfg, E2BIG, step, dst, "config string pool is full");
	cfg->nsteps++;
	return 0;
}

int
sbx_config_set_namespaces(struct sbx_config *cfg, unsigned ns_mask)
{
	if (ns_mask & ~(SBX_NS_ALL | SBX_NS_TIME))
		return config_fail(cfg, EINVAL, "namespaces", "", "unknown namespace bit");
	cfg->ns = ns_mask;
	return 0;
}

unsigned
sbx_config_namespaces(const struct sbx_config *cfg)
{
	return cfg->ns;
}

static const struct {
	const char *name;
	unsigned ns;
} ns_names[] = {
    {"user", SBX_NS_USER}, {"mount", SBX_NS_MOUNT},   {"mnt", SBX_NS_MOUNT},
    {"pid", SBX_NS_PID},   {"uts", SBX_NS_UTS},       {"ipc", SBX_NS_IPC},
    {"net", SBX_NS_NET},   {"cgroup", SBX_NS_CGROUP}, {"time", SBX_NS_TIME},
};

int
sbx_ns_from_name(const char *name)
{
	for (size_t i = 0; name && i < sizeof(ns_names) / sizeof(ns_names[0]); i++)
		if (strcmp(name, ns_names[i].name) == 0)
			return (int)ns_names[i].ns;
	return -EINVAL;
}

int
sbx_config_set_uid(struct sbx_config *cfg, uid_t inside)
{
	if (inside == (uid_t)-1)
		return config_fail(cfg, EINVAL, "uid", "4294967295", "not a valid user id");
	cfg->uid = inside;
	cfg->uid_set = true;
	return 0;
}

int
sbx_config_set_gid(struct sbx_config *cfg, gid_t inside)
{
	if (inside == (gid_t)-1)
		return config_fail(cfg, EINVAL, "gid", "4294967295", "not a valid group id");
	cfg->gid = inside;
	cfg->gid_set = true;
	return 0;
}

int
sbx_config_allow_setgroups(struct sbx_config *cfg, bool allow)
{
	cfg->setgroups_allow = allow;
	return 0;
}

int
sbx_config_allow_nested_userns(struct sbx_config *cfg, bool allow)
{
	cfg->nested_userns = allow;
	return 0;
}

int
sbx_config_set_rootfs(struct sbx_config *cfg, const char *dir)
{
	if (!dir) {
		cfg->rootfs = NULL;
		return 0;
	}
	int r = check_path(cfg, dir, "rootfs", false);
	if (r < 0)
		return r;
	cfg->rootfs = pool_dup(cfg, dir);
	return cfg->rootfs ? 0 : config_fail(cfg, E2BIG, "rootfs", dir, "config pool is full");
}

int
sbx_config_bind(struct sbx_config *cfg, const char *src, const char *dst, unsigned flags)
{
	const char *step = (flags & SBX_BIND_DEV)  ? "dev-bind"
			   : (flags & SBX_BIND_RO) ? "ro-bind"
						   : "bind";
	if (flags & ~(SBX_BIND_RO | SBX_BIND_DEV | SBX_BIND_TRY))
		return config_fail(cfg, EINVAL, step, dst, "unknown bind flag");
	int r = check_path(cfg, src, step, false);
	if (r < 0)
		return r;
	return add_step(cfg, SBX_STEP_BIND, src, dst, flags, 0, 0, step);
}

int
sbx_config_tmpfs(struct sbx_config *cfg, const char *dst, uint64_t size_bytes, mode_t mode)
{
	return add_step(cfg, SBX_STEP_TMPFS, NULL, dst, 0, size_bytes, mode & 07777, "tmpfs");
}

int
sbx_config_proc(struct sbx_config *cfg, const char *dst)
{
	return add_step(cfg, SBX_STEP_PROC, NULL, dst, 0, 0, 0, "proc");
}

int
sbx_config_sysfs(struct sbx_config *cfg, const char *dst)
{
	return add_step(cfg, SBX_STEP_SYSFS, NULL, dst, 0, 0, 0, "sysfs");
}

int
sbx_config_dev(struct sbx_config *cfg, const char *dst)
{
	return add_step(cfg, SBX_STEP_DEV, NULL, dst, 0, 0, 0, "dev");
}

int
sbx_config_mqueue(struct sbx_config *cfg, const char *dst)
{
	return add_step(cfg, SBX_STEP_MQUEUE, NULL, dst, 0, 0, 0, "mqueue");
}

int
sbx_config_dir(struct sbx_config *cfg, const char *dst, mode_t mode)
{
	return add_step(cfg, SBX_STEP_DIR, NULL, dst, 0, 0, mode & 07777, "dir");
}

int
sbx_config_symlink(struct sbx_config *cfg, const char *target, const char *dst)
{
	if (!target || !target[0] || strnlen(target, PATH_MAX) >= PATH_MAX)
		return config_fail(cfg, EINVAL, "symlink", dst, "bad symlink target");
	return add_step(cfg, SBX_STEP_SYMLINK, target, dst, 0, 0, 0, "symlink");
}

int
sbx_config_file(struct sbx_config *cfg, const char *dst, const char *content, mode_t mode)
{
	return add_step(cfg, SBX_STEP_FILE, content ? content : "", dst, 0, 0, mode & 07777,
			"file");
}

int
sbx_config_set_hostname(struct sbx_config *cfg, const char *name)
{
	if (!name || !name[0] || strlen(name) > 64)
		return config_fail(cfg, EINVAL, "hostname", name ? name : "",
				   "a hostname has 1 to 64 characters");
	cfg->hostname = pool_dup(cfg, name);
	return cfg->hostname ? 0 : config_fail(cfg, E2BIG, "hostname", name, "config pool is full");
}

int
sbx_config_set_cwd(struct sbx_config *cfg, const char *dir)
{
	int r = check_path(cfg, dir, "chdir", true);
	if (r < 0)
		return r;
	cfg->cwd = pool_dup(cfg, dir);
	return cfg->cwd ? 0 : config_fail(cfg, E2BIG, "chdir", dir, "config pool is full");
}

int
sbx_config_clearenv(struct sbx_config *cfg)
{
	cfg->clearenv = true;
	return 0;
}

static int
add_env(struct sbx_config *cfg, enum sbx_env_op op, const char *name, const char *value,
	const char *step)
{
	if (!name || !name[0] || strchr(name, '=') || strlen(name) > 1024)
		return config_fail(cfg, EINVAL, step, name ? name : "", "bad variable name");
	if (cfg->nenv >= SBX_MAX_ENV)
		return config_fail(cfg, E2BIG, step, name, "too many environment changes");
	struct sbx_env *e = &cfg->env[cfg->nenv];
	e->op = op;
	e->name = pool_dup(cfg, name);
	e->value = value ? pool_dup(cfg, value) : NULL;
	if (!e->name || (value && !e->value))
		return config_fail(cfg, E2BIG, step, name, "config pool is full");
	cfg->nenv++;
	return 0;
}

int
sbx_config_setenv(struct sbx_config *cfg, const char *name, const char *value)
{
	return add_env(cfg, SBX_ENV_SET, name, value ? value : "", "setenv");
}

int
sbx_config_unsetenv(struct sbx_config *cfg, const char *name)
{
	return add_env(cfg, SBX_ENV_UNSET, name, NULL, "unsetenv");
}

int
sbx_config_keepenv(struct sbx_config *cfg, const char *name)
{
	return add_env(cfg, SBX_ENV_KEEP, name, NULL, "keep-env");
}

int
sbx_config_keep_cap(struct sbx_config *cfg, const char *name)
{
	int cap = sbx_cap_from_name(name);
	if (cap < 0 || cap >= 64)
		return config_fail(cfg, EINVAL, "cap-keep", name ? name : "", "unknown capability");
	cfg->caps_keep |= UINT64_C(1) << cap;
	return 0;
}

int
sbx_config_set_no_new_privs(struct sbx_config *cfg, bool on)
{
	cfg->nnp = on;
	return 0;
}

int
sbx_config_set_new_session(struct sbx_config *cfg, bool on)
{
	cfg->new_session = on;
	return 0;
}

int
sbx_config_set_die_with_parent(struct sbx_config *cfg, bool on)
{
	cfg->die_with_parent = on;
	return 0;
}

int
sbx_config_set_rlimit(struct sbx_config *cfg, int resource, rlim_t soft, rlim_t hard)
{
	if (resource < 0 || resource >= RLIM_NLIMITS || soft > hard)
		return config_fail(cfg, EINVAL, "rlimit", "", "bad resource or soft above hard");
	for (size_t i = 0; i < cfg->nrlimits; i++) {
		if (cfg->rlimits[i].resource == resource) {
			cfg->rlimits[i].lim.rlim_cur = soft;
			cfg->rlimits[i].lim.rlim_max = hard;
			return 0;
		}
	}
	if (cfg->nrlimits >= SBX_MAX_RLIMITS)
		return config_fail(cfg, E2BIG, "rlimit", "", "too many rlimits");
	cfg->rlimits[cfg->nrlimits].resource = resource;
	cfg->rlimits[cfg->nrlimits].lim.rlim_cur = soft;
	cfg->rlimits[cfg->nrlimits].lim.rlim_max = hard;
	cfg->nrlimits++;
	return 0;
}

int
sbx_config_set_log(struct sbx_config *cfg, sbx_log_fn fn, void *userdata)
{
	cfg->log = fn;
	cfg->log_userdata = userdata;
	return 0;
}

static const char *const testing_names[] = {
    "userns",      "mntns",
    "pidns",       "utsns",
    "ipcns",       "netns",
    "cgroupns",    "setgroups-deny",
    "tmp",         "proc",
    "dev",         "pivot-root",
    "caps",        "nnp",
    "new-session", "clearenv",
    "close-fds",   "die-with-parent",
    "keyring",     "nested-userns",
};

int
sbx_config_set_testing(struct sbx_config *cfg, unsigned testing_mask)
{
	if (testing_mask >> (sizeof(testing_names) / sizeof(testing_names[0])))
		return config_fail(cfg, EINVAL, "testing-disable", "", "unknown testing flag");
	cfg->testing = testing_mask;
	return 0;
}

int
sbx_testing_from_name(const char *name)
{
	for (size_t i = 0; name && i < sizeof(testing_names) / sizeof(testing_names[0]); i++)
		if (strcmp(name, testing_names[i]) == 0)
			return (int)(1u << i);
	return -EINVAL;
}

const char *
sbx_testing_names(void)
{
	return "userns,mntns,pidns,utsns,ipcns,netns,cgroupns,setgroups-deny,tmp,proc,dev,"
	       "pivot-root,caps,nnp,new-session,clearenv,close-fds,die-with-parent,keyring,"
	       "nested-userns";
}
