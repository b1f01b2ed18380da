/* SPDX-License-Identifier: BSD-2-Clause */
/* The environment (names only: values may be secrets of the launcher). */
#include "probe.h"

#include <stdio.h>
#include <string.h>

extern char **environ;

int
sp_verb_env(const struct sp_verb_call *v)
{
	char names[8192] = "";
	size_t o = 0;
	unsigned count = 0;
	for (char **e = environ; e && *e; e++) {
		size_t n = strcspn(*e, "=");
		count++;
		if (o + n + 2 < sizeof names)
			o += (size_t)snprintf(names + o, sizeof names - o, "%s%.*s", o ? "," : "",
					      (int)n, *e);
	}
	sp_kv(v, "count", "%u", count);
	sp_kv(v, "names", "%s", names);
	return SP_OBSERVED;
}
