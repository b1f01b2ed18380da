/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * netns: the sandbox has a network namespace of its own: a loopback interface only, and no
 * socket of the host (abstract unix or loopback TCP) is reachable or even listed.
 */
#include "sp.h"

#include <stdio.h>
#include <string.h>

/* Hook: at `end`, the probe's /proc/PID/net/dev read from the host (its network namespace). */
static int
read_outside_net_dev(struct sp_run *r, unsigned n, void *arg)
{
	char path[64];
	if (n == 0 && r->outside.seen) {
		snprintf(path, sizeof path, "/proc/%d/net/dev", (int)r->outside.pid);
		sp_slurp(path, arg, 4096);
	}
	return 0;
}

/* The interfaces of a /proc/net/dev text, comma-separated, into BUF. */
static const char *
net_dev_names(const char *text, char *buf, size_t size)
{
	size_t o = 0;
	buf[0] = '\0';
	for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		char name[64];
		int end = 0;
		if (sscanf(l, " %63[^:|\n ]%n", name, &end) == 1 && l[end] == ':' && o + 66 < size)
			o += (size_t)snprintf(buf + o, size - o, "%s%s", o ? "," : "", name);
	}
	return buf;
}

SP_CASE(net_namespace_is_private, "netns.private", NULL,
	"The sandbox is in a network namespace other than the host's, seen from inside and from "
	"the host (/proc/PID/ns/net)")
{
	sp_require_feature(tc, SP_FEAT_NETNS);
	const struct sp_run *r = sp_probe(tc, 0, "ns");
	sp_require_outside(r);
	SP_CHECK_NS_PRIVATE(r, SP_NS_NET);
	SP_CHECK_KEY(r, "ns.net.same-as-host", "0");
}

SP_CASE(only_loopback_interface, "netns.loopback-only", NULL,
	"The only network interface is a loopback, inside (if_nameindex) and in the probe's "
	"/proc/PID/net/dev read from the host")
{
	static char dev[4096];
	const struct sp_run *r =
	    sp_probe_opts(tc, &(const struct sp_opts){
				  .verbs = {"net"}, .hook = read_outside_net_dev, .hook_arg = dev});
	sp_require_outside(r);
	SP_CHECK_KEY(r, "net.ifaces", "lo");
	char names[512];
	ATF_CHECK_MSG(strcmp(net_dev_names(dev, names, sizeof names), "lo") == 0,
		      "seen from the host, the probe's network namespace has '%s'", names);
}

SP_CASE(abstract_canary_is_unreachable, "netns.abstract-canary", "CVE-2020-15257",
	"The host's abstract unix socket cannot be connected to (abstract names belong to the "
	"network namespace)")
{
	const struct sp_run *r = sp_probe(tc, SP_CANARY_ABSTRACT, "canary:abstract");
	SP_CHECK_UNREACHED(r, SP_CANARY_ABSTRACT);
}

SP_CASE(abstract_canary_is_unlisted, "netns.abstract-unlisted", "CVE-2020-15257",
	"The host's abstract unix socket is not listed in /proc/net/unix inside the sandbox")
{
	const struct sp_run *r = sp_probe(tc, SP_CANARY_ABSTRACT, "net-unix");
	ATF_CHECK_MSG(sp_get(r, "net-unix.errno") != NULL || sp_is(r, "net-unix.canary", "0"),
		      "/proc/net/unix lists the host's canary socket (canary=%s, %s sockets)",
		      sp_get(r, "net-unix.canary"), sp_get(r, "net-unix.count"));
}

SP_CASE(tcp_canary_is_unreachable, "netns.tcp-canary", NULL,
	"The host's TCP port listening on 127.0.0.1 cannot be connected to")
{
	const struct sp_run *r = sp_probe(tc, SP_CANARY_TCP, "canary:tcp");
	SP_CHECK_UNREACHED(r, SP_CANARY_TCP);
}

SP_CASE(tcp_canary_is_unlisted, "netns.tcp-unlisted", NULL,
	"The host's listening TCP port is not listed in /proc/net/tcp inside the sandbox")
{
	const struct sp_run *r = sp_probe(tc, SP_CANARY_TCP, "net-tcp");
	ATF_CHECK_MSG(sp_get(r, "net-tcp.errno") != NULL || sp_is(r, "net-tcp.canary", "0"),
		      "/proc/net/tcp lists the host's canary port (canary=%s, %s listening)",
		      sp_get(r, "net-tcp.canary"), sp_get(r, "net-tcp.listening"));
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, net_namespace_is_private);
	ATF_TP_ADD_TC(tp, only_loopback_interface);
	ATF_TP_ADD_TC(tp, abstract_canary_is_unreachable);
	ATF_TP_ADD_TC(tp, abstract_canary_is_unlisted);
	ATF_TP_ADD_TC(tp, tcp_canary_is_unreachable);
	ATF_TP_ADD_TC(tp, tcp_canary_is_unlisted);
	return atf_no_error();
}
