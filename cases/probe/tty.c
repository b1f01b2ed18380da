/* SPDX-License-Identifier: BSD-2-Clause */
/* Terminals: pushing input into the starting session's terminal, or into a virtual console. */
#include "probe.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/tiocl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
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

/* Is FD a virtual console (major 4, minors 0..63)? */
static bool
is_vt(int fd)
{
	struct stat st;
	return fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == 4 &&
	       minor(st.st_rdev) < 64;
}

/* TIOCLINUX's read-only subcode (the keyboard shift state): answered only by a virtual console. */
static int
tioclinux_read(int fd)
{
	char arg[2] = {TIOCL_GETSHIFTSTATE, 0};
	return ioctl(fd, TIOCLINUX, arg) == 0 ? 0 : errno;
}

/*
 * CVE-2023-28100: TIOCLINUX's selection subcodes paste text into a virtual console as typed input.
 * Is a virtual console within reach: standard input, or /dev/tty0 (the foreground console, always
 * allocated; other /dev/ttyN are not opened, since opening allocates them)?  Reach is proven with
 * the read-only TIOCL_GETSHIFTSTATE; the selection subcodes are never used.
 */
int
sp_verb_vt_reach(const struct sp_verb_call *v)
{
	bool reached = false;
	if (is_vt(STDIN_FILENO)) {
		int e = tioclinux_read(STDIN_FILENO);
		sp_kv(v, "stdin", "vt, TIOCLINUX %s", e ? sp_errname(e) : "ok");
		reached = e == 0;
	} else {
		sp_kv(v, "stdin", "not-a-vt");
	}
	int fd = open("/dev/tty0", O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		sp_kv(v, "tty0", "%s", sp_errname(errno));
	} else if (!is_vt(fd)) {
		sp_kv(v, "tty0", "not-a-vt");
	} else {
		int e = tioclinux_read(fd);
		sp_kv(v, "tty0", "vt, TIOCLINUX %s", e ? sp_errname(e) : "ok");
		reached = reached || e == 0;
	}
	if (fd >= 0)
		close(fd);
	sp_kv(v, "reached", "%d", reached);
	return SP_OBSERVED;
}
