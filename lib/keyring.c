/* SPDX-License-Identifier: BSD-2-Clause */
/* The session keyring: the command gets an empty one of its own. */
#include "internal.h"

#include <linux/keyctl.h>
#include <sys/syscall.h>

/*
 * The session keyring is inherited across fork and execve and is not part of any namespace
 * (keyrings(7)): without a new one, the command could search and read the keys of the process
 * that started the sandbox (runc joins a fresh session keyring for the same reason).
 */
int
sbx_new_session_keyring(const struct sbx_config *cfg, struct sbx_error *err)
{
	if (cfg->testing & SBX_TESTING_KEYRING)
		return sbx_log(cfg, 0, "new session keyring", "skipped (testing)");
	long id = syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL);
	/* ENOSYS: a kernel without CONFIG_KEYS has no keyring to leak. */
	if (id < 0 && errno == ENOSYS)
		return sbx_log(cfg, 0, "new session keyring", "none: the kernel lacks keyrings");
	if (id < 0)
		return sbx_log(cfg,
			       sbx_fail(err, errno, "new session keyring", "", "%s",
					errno == EDQUOT ? "this user's key quota is used up "
							  "(kernel.keys.maxkeys)"
							: ""),
			       "new session keyring", "%s", "");
	return sbx_log(cfg, 0, "new session keyring", "%ld", id);
}
