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

/* A unix socket; the canary when its path is the harness's abstract name (`@NAME`). */
static bool
unix_row(const char *line, const char *canary, bool *is_canary)
{
	const char *at = strrchr(line, ' ');
	*is_canary = canary != NULL && at != NULL && at[1] == '@' && strcmp(at + 2, canary) == 0;
	return true;
}

/*
 * /proc/net/unix: the unix sockets of this network namespace (abstract names written `@NAME`).
 * `canary` says whether the harness's abstract canary is listed: a host socket seen by name.
 */
int
sp_verb_net_unix(const struct sp_verb_call *v)
{
	return sp_proc_table(v, "/proc/net/unix", "count", "canary.abstract", unix_row);
}

/* A listening socket (state 0A); the canary when its local port is the harness's. */
static bool
tcp_row(const char *line, const char *canary, bool *is_canary)
{
	unsigned addr, port, st;
	if (sscanf(line, " %*u: %x:%x %*x:%*x %x", &addr, &port, &st) != 3 || st != 0x0a)
		return false;
	*is_canary = canary != NULL && port == (unsigned)atoi(canary);
	return true;
}

/* /proc/net/tcp: listening IPv4 TCP sockets of this network namespace, and whether the harness's
 * loopback canary port is among them. */
int
sp_verb_net_tcp(const struct sp_verb_call *v)
{
	return sp_proc_table(v, "/proc/net/tcp", "listening", "canary.tcp", tcp_row);
}
