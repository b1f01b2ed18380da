/* SPDX-License-Identifier: BSD-2-Clause */
/* Small file helpers: every fd is opened close-on-exec and closed before returning. */
#include "internal.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

int
sbx_write_file_at(int dirfd, const char *path, const char *content, size_t len)
{
	int fd __attribute__((cleanup(cleanup_close))) =
	    openat(dirfd, path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	while (len > 0) {
		ssize_t n = write(fd, content, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		content += n;
		len -= (size_t)n;
	}
	return 0;
}

ssize_t
sbx_read_file(const char *path, char *buf, size_t size)
{
	int fd __attribute__((cleanup(cleanup_close))) =
	    open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	size_t got = 0;
	while (got + 1 < size) {
		ssize_t n = read(fd, buf + got, size - 1 - got);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	return (ssize_t)got;
}

int
sbx_mkdir_p(const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);
	if (len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	/* Usually the parent exists: one mkdir instead of one per component. */
	if (mkdir(buf, mode) == 0 || errno == EEXIST)
		return 0;
	if (errno != ENOENT)
		return -errno;
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/* The parent directories of path, created when missing (0755). */
int
sbx_mkdir_parents(const char *path)
{
	char parent[PATH_MAX];
	size_t len = strlen(path);
	if (len >= sizeof(parent))
		return -ENAMETOOLONG;
	memcpy(parent, path, len + 1);
	char *slash = strrchr(parent, '/');
	if (!slash || slash == parent)
		return 0;
	*slash = '\0';
	return sbx_mkdir_p(parent, 0755);
}

/* An absolute path (when asked) below PATH_MAX with no ".." component. */
int
sbx_path_ok(const char *path, bool absolute)
{
	if (!path || !path[0])
		return -EINVAL;
	if (strnlen(path, PATH_MAX) >= PATH_MAX)
		return -ENAMETOOLONG;
	if (absolute && path[0] != '/')
		return -EINVAL;
	for (const char *p = path; *p;) {
		const char *e = strchrnul(p, '/');
		if (e - p == 2 && p[0] == '.' && p[1] == '.')
			return -EINVAL;
		p = *e ? e + 1 : e;
	}
	return 0;
}
