/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sandproof-rss COMMAND [ARG...]: runs COMMAND, writes its maximum resident set in KiB (ru_maxrss
 * of that process and of the children it reaped) and a newline to descriptor 3, and exits with
 * its status (128+N for a death by signal N).
 *
 * sandproof-bench measures memory through it.  A process forked from sandproof-bench itself would
 * report at least sandproof-bench's own resident set: the kernel keeps the larger of the peaks
 * before and after execve (exec_mmap() records the old mm's high-water mark).  Forked from this
 * small static program, what is left of that is the pages it has written: under 4 KiB when it is
 * built with musl (as sbx-run is, when it can be), 136 KiB with glibc's static start-up.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv);

int
main(int argc, char **argv)
{
	if (argc < 2) {
		fputs("usage: sandproof-rss COMMAND [ARG...]\n", stderr);
		return 2;
	}
	pid_t pid = fork();
	if (pid < 0) {
		perror("sandproof-rss: fork");
		return 125;
	}
	if (pid == 0) {
		close(3);
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	int st;
	struct rusage ru;
	while (wait4(pid, &st, 0, &ru) < 0)
		if (errno != EINTR) {
			perror("sandproof-rss: wait4");
			return 125;
		}
	dprintf(3, "%ld\n", ru.ru_maxrss);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
