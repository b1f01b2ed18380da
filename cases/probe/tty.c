/* SPDX-License-Identifier: BSD-2-Clause */
/* Terminals: pushing input into the terminal of the session that started the sandbox. */
#include "probe.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/*
 * CVE-2017-5226: a sandboxed process that shares the controlling terminal of its launcher's
 * session can push input into it with TIOCSTI, which the launcher's shell would then read as
 * typed.  Only attempted on the pseudo-terminal the harness made for this run (option tty=1); the
 * pushed text is "spNONCE8" without a newline, so even a shell that received it would run nothing.
 * The harness sees the echo on the pty's master.
 */
int
sp_verb_tiocsti(const struct sp_verb_call *v)
{
	const char *tty = sp_opt("tty"), *nonce = sp_opt("nonce");
	if (tty == NULL || strcmp(tty, "1") != 0 || nonce == NULL)
		return sp_cannot(v, "standard input is not the harness's terminal (no tty=1)");
	if (!isatty(STDIN_FILENO)) {
		sp_kv(v, "result", "not-a-tty");
		return SP_OBSERVED;
	}
	char text[16];
	snprintf(text, sizeof text, "sp%.8s", nonce);
	for (const char *p = text; *p; p++)
		if (ioctl(STDIN_FILENO, TIOCSTI, p) != 0) {
			sp_kv(v, "result", "%s", sp_errname(errno));
			return SP_OBSERVED;
		}
	sp_kv(v, "result", "ok");
	return SP_OBSERVED;
}
