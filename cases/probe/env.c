/* SPDX-License-Identifier: BSD-2-Clause */
/* The environment (names only: values may be secrets of the launcher). */
#include "probe.h"

#include <stdio.h>
#include <stdlib.h>
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

/*
 * One variable's value, for names whose value the case judges (HOME, PATH): `set` (0/1) and
 * `value`.  Only what the harness asks for by name is printed.
 */
int
sp_verb_getenv(const struct sp_verb_call *v)
{
	const char *val = getenv(v->arg);
	sp_kv(v, "set", "%d", val != NULL);
	if (val != NULL)
		sp_kv(v, "value", "%s", val);
	return SP_OBSERVED;
}
