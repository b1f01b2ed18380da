/* SPDX-License-Identifier: BSD-2-Clause */
/* Small helpers shared by the verbs: errno names, file reading, file identities. */
#include "probe.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

const char *
sp_errname(int e)
{
	static const struct {
		int e;
		const char *name;
	} names[] = {
	    {0, "OK"},
	    {EPERM, "EPERM"},
	    {ENOENT, "ENOENT"},
	    {ESRCH, "ESRCH"},
	    {EINTR, "EINTR"},
	    {EIO, "EIO"},
	    {ENXIO, "ENXIO"},
	    {E2BIG, "E2BIG"},
	    {EBADF, "EBADF"},
	    {ECHILD, "ECHILD"},
	    {EAGAIN, "EAGAIN"},
	    {ENOMEM, "ENOMEM"},
	    {EACCES, "EACCES"},
	    {EFAULT, "EFAULT"},
	    {EBUSY, "EBUSY"},
	    {EEXIST, "EEXIST"},
	    {EXDEV, "EXDEV"},
	    {ENODEV, "ENODEV"},
	    {ENOTDIR, "ENOTDIR"},
	    {EISDIR, "EISDIR"},
	    {EINVAL, "EINVAL"},
	    {ENFILE, "ENFILE"},
	    {EMFILE, "EMFILE"},
	    {ENOTTY, "ENOTTY"},
	    {ETXTBSY, "ETXTBSY"},
	    {ENOSPC, "ENOSPC"},
	    {EROFS, "EROFS"},
	    {EMLINK, "EMLINK"},
	    {EPIPE, "EPIPE"},
	    {ENOSYS, "ENOSYS"},
	    {ELOOP, "ELOOP"},
	    {ENAMETOOLONG, "ENAMETOOLONG"},
	    {ENOKEY, "ENOKEY"},
	    {EKEYREVOKED, "EKEYREVOKED"},
	    {ENOTSOCK, "ENOTSOCK"},
	    {EOPNOTSUPP, "EOPNOTSUPP"},
	    {EAFNOSUPPORT, "EAFNOSUPPORT"},
	    {EADDRNOTAVAIL, "EADDRNOTAVAIL"},
	    {ENETUNREACH, "ENETUNREACH"},
	    {ECONNREFUSED, "ECONNREFUSED"},
	    {ETIMEDOUT, "ETIMEDOUT"},
	    {EHOSTUNREACH, "EHOSTUNREACH"},
	    {ENOMSG, "ENOMSG"},
	    {EIDRM, "EIDRM"},
	    {ESTALE, "ESTALE"},
	    {EUSERS, "EUSERS"},
	};
	static char buf[16];
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].e == e)
			return names[i].name;
	snprintf(buf, sizeof buf, "E%d", e);
	return buf;
}

bool
sp_id_matches(const char *id, const struct stat *st)
{
	unsigned int maj, min;
	unsigned long long ino;
	char tail;
	if (id == NULL || sscanf(id, "%u:%u:%llu%c", &maj, &min, &ino, &tail) != 3)
		return false;
	return major(st->st_dev) == maj && minor(st->st_dev) == min && st->st_ino == ino;
}

const char *
sp_id_of(const struct stat *st, char *buf, size_t size)
{
	snprintf(buf, size, "%u:%u:%llu", major(st->st_dev), minor(st->st_dev),
		 (unsigned long long)st->st_ino);
	return buf;
}

int
sp_each_pid(sp_pid_fn *fn, void *arg)
{
	DIR *d = opendir("/proc");
	if (d == NULL)
		return -errno;
	for (struct dirent *e; (e = readdir(d)) != NULL;)
		if (e->d_name[0] >= '0' && e->d_name[0] <= '9' && !fn(e->d_name, arg))
			break;
	closedir(d);
	return 0;
}

bool
sp_wait_child(pid_t pid)
{
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return false;
	return WIFEXITED(st);
}

int
sp_proc_table(const struct sp_verb_call *v, const char *path, const char *count_key,
	      const char *canary_opt, sp_row_fn *fn)
{
	FILE *f = fopen(path, "re");
	if (f == NULL) {
		sp_kv(v, "errno", "%s", sp_errname(errno));
		return SP_OBSERVED;
	}
	const char *canary = sp_opt(canary_opt);
	unsigned count = 0;
	bool listed = false;
	char line[1024];
	if (fgets(line, sizeof line, f) == NULL) /* the header */
		line[0] = '\0';
	while (fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		bool is_canary = false;
		if (fn(line, canary, &is_canary)) {
			count++;
			listed |= is_canary;
		}
	}
	fclose(f);
	sp_kv(v, count_key, "%u", count);
	if (canary)
		sp_kv(v, "canary", "%d", listed);
	return SP_OBSERVED;
}

bool
sp_write_proc(pid_t pid, const char *file, const char *text)
{
	char path[64];
	if (pid == 0)
		snprintf(path, sizeof path, "/proc/self/%s", file);
	else
		snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = write(fd, text, strlen(text));
	int e = errno;
	close(fd);
	errno = e;
	return n == (ssize_t)strlen(text);
}
