/* SPDX-License-Identifier: BSD-2-Clause */
/* The ipc namespace: SysV objects listed in /proc/sysvipc, the POSIX message queue canary. */
#include "probe.h"

#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * /proc/sysvipc/msg lists the message queues of the reader's ipc namespace (whatever /proc is
 * mounted from).  `canary` says whether the harness's SysV canary key is among them.
 */
int
sp_verb_sysv_msg(const struct sp_verb_call *v)
{
	FILE *f = fopen("/proc/sysvipc/msg", "re");
	if (f == NULL) {
		sp_kv(v, "errno", "%s", sp_errname(errno));
		return SP_OBSERVED;
	}
	const char *canary = sp_opt("canary.sysv");
	long want = canary ? strtol(canary, NULL, 0) : 0;
	unsigned count = 0;
	bool listed = false;
	char line[512];
	if (fgets(line, sizeof line, f) == NULL)
		line[0] = '\0';
	while (fgets(line, sizeof line, f) != NULL) {
		long key;
		if (sscanf(line, " %ld", &key) != 1)
			continue;
		count++;
		if (canary && key == want)
			listed = true;
	}
	fclose(f);
	sp_kv(v, "count", "%u", count);
	if (canary)
		sp_kv(v, "canary", "%d", listed);
	return SP_OBSERVED;
}

/* `canary:mqueue`: the harness's POSIX message queue, opened read-only by name (mq_open finds it
 * in the ipc namespace's own internal mqueue mount, whatever /dev/mqueue holds). */
int
sp_mqueue_canary(const struct sp_verb_call *v)
{
	const char *name = sp_opt("canary.mqueue");
	if (name == NULL)
		return sp_cannot(v, "the harness planted no canary.mqueue");
	mqd_t q = mq_open(name, O_RDONLY | O_NONBLOCK);
	bool reached = q != (mqd_t)-1;
	int e = errno;
	if (reached)
		mq_close(q);
	sp_kv(v, "reached", "%d", reached);
	sp_kv(v, "how", "%s", reached ? "mq_open" : sp_errname(e));
	return SP_OBSERVED;
}
