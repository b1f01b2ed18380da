/* SPDX-License-Identifier: BSD-2-Clause */
/* Network: interfaces. */
#include "probe.h"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>

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
