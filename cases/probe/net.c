/* SPDX-License-Identifier: BSD-2-Clause */
/* Network: interfaces, and the sockets /proc/net lists (the network namespace of the reader). */
#include "probe.h"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
sp_verb_net(const struct sp_verb_call *v)
{
	struct if_nameindex *ifs = if_nameindex();
	if (ifs == NULL)
		return sp_cannot(v, "if_nameindex: %s", sp_errname(errno));
	char list[2048] = "";
	size_t o = 0;
	unsigned count = 0;
	for (struct if_nameindex *i = ifs; i->if_index != 0; i++, count++)
		if (o + IF_NAMESIZE + 2 < sizeof list)
			o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", o ? "," : "",
					      i->if_name);
	if_freenameindex(ifs);
	sp_kv(v, "count", "%u", count);
	sp_kv(v, "ifaces", "%s", list);
	return SP_OBSERVED;
}

/*
 * /proc/net/unix: the unix sockets of this network namespace (abstract names written `@NAME`).
 * `canary` says whether the harness's abstract canary is listed: a host socket seen by name.
 */
int
sp_verb_net_unix(const struct sp_verb_call *v)
{
	FILE *f = fopen("/proc/net/unix", "re");
	if (f == NULL) {
		sp_kv(v, "errno", "%s", sp_errname(errno));
		return SP_OBSERVED;
	}
	const char *canary = sp_opt("canary.abstract");
	char want[128] = "", line[1024];
	if (canary)
		snprintf(want, sizeof want, " @%s", canary);
	unsigned count = 0;
	bool listed = false;
	if (fgets(line, sizeof line, f) == NULL) /* header */
		line[0] = '\0';
	while (fgets(line, sizeof line, f) != NULL) {
		count++;
		line[strcspn(line, "\n")] = '\0';
		size_t n = strlen(line), w = strlen(want);
		if (w && n >= w && strcmp(line + n - w, want) == 0)
			listed = true;
	}
	fclose(f);
	sp_kv(v, "count", "%u", count);
	if (canary)
		sp_kv(v, "canary", "%d", listed);
	return SP_OBSERVED;
}

/* /proc/net/tcp: listening IPv4 TCP sockets of this network namespace, and whether the harness's
 * loopback canary port is among them. */
int
sp_verb_net_tcp(const struct sp_verb_call *v)
{
	FILE *f = fopen("/proc/net/tcp", "re");
	if (f == NULL) {
		sp_kv(v, "errno", "%s", sp_errname(errno));
		return SP_OBSERVED;
	}
	const char *canary = sp_opt("canary.tcp");
	unsigned want = canary ? (unsigned)atoi(canary) : 0, listening = 0;
	bool listed = false;
	char line[512];
	if (fgets(line, sizeof line, f) == NULL)
		line[0] = '\0';
	while (fgets(line, sizeof line, f) != NULL) {
		unsigned addr, port, st;
		if (sscanf(line, " %*u: %x:%x %*x:%*x %x", &addr, &port, &st) != 3 || st != 0x0a)
			continue;
		listening++;
		if (want && port == want)
			listed = true;
	}
	fclose(f);
	sp_kv(v, "listening", "%u", listening);
	if (canary)
		sp_kv(v, "canary", "%d", listed);
	return SP_OBSERVED;
}
