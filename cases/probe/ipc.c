/* SPDX-License-Identifier: BSD-2-Clause */
/* The ipc namespace: SysV objects listed in /proc/sysvipc, the POSIX message queue canary. */
#include "probe.h"

#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>

/* A message queue: the key in the first column; the canary when it is the harness's key. */
static bool
msg_row(const char *line, const char *canary, bool *is_canary)
{
	long key;
	if (sscanf(line, " %ld", &key) != 1)
		return false;
	*is_canary = canary != NULL && key == strtol(canary, NULL, 0);
	return true;
}

/*
 * /proc/sysvipc/msg lists the message queues of the reader's ipc namespace (whatever /proc is
 * mounted from).  `canary` says whether the harness's SysV canary key is among them.
 */
int
sp_verb_sysv_msg(const struct sp_verb_call *v)
{
	return sp_proc_table(v, "/proc/sysvipc/msg", "count", "canary.sysv", msg_row);
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
