/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Text helpers shared by the probe and the harness (which includes this file from
 * cases/probe/), so that what the probe reports from inside (maps.uid_map) and what the harness
 * reads from outside (/proc/PID/uid_map) are in the same form and compare as strings.
 */
#ifndef SP_TEXT_H
#define SP_TEXT_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <unistd.h>

/* Read a whole small file into BUF, NUL-terminated: its length, or -errno. */
static inline ssize_t
sp_read_text(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	size_t len = 0;
	while (len + 1 < size) {
		ssize_t n = read(fd, buf + len, size - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			close(fd);
			return -e;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	close(fd);
	return (ssize_t)len;
}

/* Lines joined by ';', runs of blanks squeezed to one space: "0 1000 1;1 100000 65536". */
static inline void
sp_squeeze_lines(char *buf)
{
	char *o = buf;
	bool blank = true;
	for (char *p = buf; *p; p++) {
		if (*p == ' ' || *p == '\t') {
			if (!blank)
				*o++ = ' ';
			blank = true;
		} else if (*p == '\n') {
			if (o > buf && o[-1] == ' ')
				o--;
			*o++ = ';';
			blank = true;
		} else {
			*o++ = *p;
			blank = false;
		}
	}
	if (o > buf && o[-1] == ';')
		o--;
	*o = '\0';
}

#endif
