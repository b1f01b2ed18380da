/* SPDX-License-Identifier: BSD-2-Clause */
/* The uts namespace: the hostname the sandbox sees. */
#include "internal.h"

#include <string.h>

int
sbx_apply_hostname(const struct sbx_config *cfg, struct sbx_error *err)
{
	if (!cfg->hostname)
		return 0;
	/* sethostname() changes the uts namespace the caller is in: without one of our own,
	 * that is the host's. */
	if (!(sbx_effective_ns(cfg) & SBX_NS_UTS))
		return sbx_fail(err, EINVAL, "hostname", cfg->hostname,
				"a hostname needs a uts namespace");
	int r = sethostname(cfg->hostname, strlen(cfg->hostname)) < 0 ? -errno : 0;
	sbx_log(cfg, r, "hostname", "%s", cfg->hostname);
	return r < 0 ? sbx_fail(err, -r, "hostname", cfg->hostname, NULL) : 0;
}
