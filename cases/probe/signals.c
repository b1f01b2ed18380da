/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Lifecycle: which signals reach the sandboxed program.  `trap-signals` installs counting
 * handlers; the harness then signals the adapter (from a hook at a `sync`); `signals:MS` waits up
 * to MS milliseconds for the first one and reports the counts.
 */
#include "probe.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const struct {
	int sig;
	const char *name;
} trapped[] = {
    {SIGHUP, "HUP"},   {SIGINT, "INT"},   {SIGQUIT, "QUIT"}, {SIGTERM, "TERM"},
    {SIGUSR1, "USR1"}, {SIGUSR2, "USR2"}, {SIGCONT, "CONT"},
};
static volatile sig_atomic_t counts[sizeof trapped / sizeof trapped[0]];

static void
count(int sig)
{
	for (size_t i = 0; i < sizeof trapped / sizeof trapped[0]; i++)
		if (trapped[i].sig == sig)
			counts[i]++;
}

int
sp_verb_trap_signals(const struct sp_verb_call *v)
{
	struct sigaction sa = {.sa_handler = count};
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	for (size_t i = 0; i < sizeof trapped / sizeof trapped[0]; i++)
		if (sigaction(trapped[i].sig, &sa, NULL) != 0)
			return sp_cannot(v, "sigaction %s", trapped[i].name);
	sp_kv(v, "result", "ok");
	return SP_OBSERVED;
}

int
sp_verb_signals(const struct sp_verb_call *v)
{
	long wait_ms = strtol(v->arg, NULL, 10);
	unsigned total = 0;
	for (long waited = 0;; waited += 10) {
		total = 0;
		for (size_t i = 0; i < sizeof trapped / sizeof trapped[0]; i++)
			total += (unsigned)counts[i];
		if (total > 0 || waited >= wait_ms)
			break;
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	for (size_t i = 0; i < sizeof trapped / sizeof trapped[0]; i++)
		sp_kv(v, trapped[i].name, "%d", (int)counts[i]);
	sp_kv(v, "total", "%u", total);
	return SP_OBSERVED;
}
