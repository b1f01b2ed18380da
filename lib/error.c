/* SPDX-License-Identifier: BSD-2-Clause */
/* The fixed-size error record, and the words for "namespaces are not permitted here". */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
copy(char *dst, size_t size, const char *src)
{
	if (!src)
		src = "";
	snprintf(dst, size, "%s", src);
}

void
sbx_error_clear(struct sbx_error *err)
{
	if (!err)
		return;
	err->err = 0;
	err->step[0] = err->path[0] = err->message[0] = '\0';
}

int
sbx_fail(struct sbx_error *err, int errnum, const char *step, const char *path, const char *fmt,
	 ...)
{
	if (errnum <= 0)
		errnum = EIO;
	if (err) {
		err->err = errnum;
		copy(err->step, sizeof(err->step), step);
		copy(err->path, sizeof(err->path), path);
		err->message[0] = '\0';
		if (fmt) {
			va_list ap;
			va_start(ap, fmt);
			vsnprintf(err->message, sizeof(err->message), fmt, ap);
			va_end(ap);
		}
	}
	return -errnum;
}

char *
sbx_error_format(const struct sbx_error *e, char *buf, size_t size)
{
	if (!buf || size == 0)
		return buf;
	if (!e || e->err == 0) {
		snprintf(buf, size, "no error");
		return buf;
	}
	int n = snprintf(buf, size, "%s", e->step[0] ? e->step : "sandbox");
	if (e->path[0] && n >= 0 && (size_t)n < size)
		n += snprintf(buf + n, size - (size_t)n, " '%s'", e->path);
	if (n >= 0 && (size_t)n < size)
		n += snprintf(buf + n, size - (size_t)n, ": %s", sbx_strerror(e->err));
	if (e->message[0] && n >= 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, " (%s)", e->message);
	return buf;
}

static long
read_sysctl(const char *path)
{
	char buf[32];
	ssize_t n = sbx_read_file(path, buf, sizeof(buf));
	if (n <= 0)
		return -1;
	return strtol(buf, NULL, 10);
}

/*
 * clone(2)/unshare(2) answer EPERM, EACCES or ENOSPC when policy forbids a namespace, and EINVAL
 * or ENOSYS when the kernel does not know the flag.  Name the cause so the user knows what to
 * change: the counters in /proc/sys/user (user_namespaces(7)), Debian's
 * kernel.unprivileged_userns_clone, Ubuntu's AppArmor restriction (AppArmor 4,
 * apparmor_restrict_unprivileged_userns), or the missing privilege for non-user namespaces.
 */
void
sbx_explain_ns_error(struct sbx_error *err, unsigned ns_mask)
{
	static const struct {
		unsigned ns;
		const char *file;
	} nsfiles[] = {
	    {SBX_NS_USER, "/proc/self/ns/user"},     {SBX_NS_MOUNT, "/proc/self/ns/mnt"},
	    {SBX_NS_PID, "/proc/self/ns/pid"},       {SBX_NS_UTS, "/proc/self/ns/uts"},
	    {SBX_NS_IPC, "/proc/self/ns/ipc"},       {SBX_NS_NET, "/proc/self/ns/net"},
	    {SBX_NS_CGROUP, "/proc/self/ns/cgroup"}, {SBX_NS_TIME, "/proc/self/ns/time"},
	};
	if (!err)
		return;
	switch (err->err) {
	case EINVAL:
	case ENOSYS:
		for (size_t i = 0; i < sizeof(nsfiles) / sizeof(nsfiles[0]); i++) {
			if ((ns_mask & nsfiles[i].ns) && access(nsfiles[i].file, F_OK) != 0 &&
			    errno == ENOENT) {
				snprintf(err->message, sizeof(err->message),
					 "the kernel lacks it: no %s", nsfiles[i].file);
				return;
			}
		}
		snprintf(err->message, sizeof(err->message),
			 "the kernel lacks it, or the process is multithreaded");
		return;
	case EPERM:
	case EACCES:
	case ENOSPC:
	case EUSERS:
		break;
	default:
		return;
	}
	if (ns_mask & SBX_NS_USER) {
		if (read_sysctl("/proc/sys/user/max_user_namespaces") == 0) {
			snprintf(err->message, sizeof(err->message), "user.max_user_namespaces=0");
			return;
		}
		if (geteuid() != 0 &&
		    read_sysctl("/proc/sys/kernel/unprivileged_userns_clone") == 0) {
			snprintf(err->message, sizeof(err->message),
				 "kernel.unprivileged_userns_clone=0");
			return;
		}
		if (geteuid() != 0 &&
		    read_sysctl("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == 1) {
			snprintf(err->message, sizeof(err->message),
				 "kernel.apparmor_restrict_unprivileged_userns=1");
			return;
		}
		if (err->err == ENOSPC || err->err == EUSERS) {
			snprintf(err->message, sizeof(err->message),
				 "a namespace limit in /proc/sys/user is reached");
			return;
		}
		snprintf(err->message, sizeof(err->message),
			 "user namespaces are not permitted here (seccomp or an LSM?)");
		return;
	}
	if (geteuid() != 0)
		snprintf(err->message, sizeof(err->message),
			 "not root: namespaces other than user need CAP_SYS_ADMIN");
	else if (err->err == ENOSPC)
		snprintf(err->message, sizeof(err->message),
			 "a namespace limit in /proc/sys/user is reached");
	else
		snprintf(err->message, sizeof(err->message), "not permitted here");
}
