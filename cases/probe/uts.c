/* SPDX-License-Identifier: BSD-2-Clause */
/* The uts namespace: host name. */
#include "probe.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

int
sp_verb_hostname(const struct sp_verb_call *v)
{
	struct utsname u;
	if (uname(&u) != 0)
		return sp_cannot(v, "uname: %s", sp_errname(errno));
	sp_kv(v, "name", "%s", u.nodename);
	sp_kv(v, "domain", "%s", u.domainname);
	return SP_OBSERVED;
}

/* Renaming the host is the defect this guards against: never attempted in the host's uts ns. */
int
sp_verb_sethostname(const struct sp_verb_call *v)
{
	const char *nonce = sp_opt("nonce");
	if (nonce == NULL)
		return sp_cannot(v, "no nonce= option");
	if (!sp_ns_differs_from_host(v, "uts")) {
		sp_kv(v, "result", "refused");
		return SP_OBSERVED;
	}
	char name[64];
	snprintf(name, sizeof name, "sp-%.16s", nonce);
	if (sethostname(name, strlen(name)) == 0) {
		sp_kv(v, "result", "ok");
		sp_kv(v, "name", "%s", name);
	} else {
		sp_kv(v, "result", "%s", sp_errname(errno));
	}
	return SP_OBSERVED;
}
