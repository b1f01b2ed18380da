/* SPDX-License-Identifier: BSD-2-Clause */
/* The library never prints: one line per step goes to the caller's callback, if any. */
#include "internal.h"

#include <stdio.h>
#include <string.h>

int
sbx_log(const struct sbx_config *cfg, int rc, const char *step, const char *fmt, ...)
{
	if (!cfg || !cfg->log)
		return rc;
	char line[1200];
	int n = snprintf(line, sizeof(line), "%s", step);
	if (fmt && fmt[0] && n >= 0 && (size_t)n < sizeof(line)) {
		line[n++] = ' ';
		line[n] = '\0';
		va_list ap;
		va_start(ap, fmt);
		int m = vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
		va_end(ap);
		if (m > 0)
			n += m;
	}
	if (n >= 0 && (size_t)n < sizeof(line))
		snprintf(line + n, sizeof(line) - (size_t)n, ": %s", rc < 0 ? strerror(-rc) : "ok");
	cfg->log(cfg->log_userdata, line);
	return rc;
}
