/* SPDX-License-Identifier: BSD-2-Clause */
/* The library never prints: one line per step goes to the caller's callback, if any. */
#include "internal.h"

#include <stdio.h>

int
sbx_log(const struct sbx_config *cfg, int rc, const char *step, const char *fmt, ...)
{
	if (!cfg || !cfg->log)
		return rc;
	char args[1024] = "", line[1200];
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(args, sizeof(args), fmt, ap);
		va_end(ap);
	}
	snprintf(line, sizeof(line), "%s%s%s: %s", step, args[0] ? " " : "", args,
		 rc < 0 ? sbx_strerror(-rc) : "ok");
	cfg->log(cfg->log_userdata, line);
	return rc;
}
