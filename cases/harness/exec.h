/* SPDX-License-Identifier: BSD-2-Clause */
/* Internal to the harness: the guarded adapter runner (exec.c). */
#ifndef SP_EXEC_H
#define SP_EXEC_H

#include "sp_core.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct sp_exec {
	/* in */
	const char *const *argv; /* argv[0] is the adapter's path */
	const char *const *env;  /* NAME=VALUE added to the inherited environment, NULL-ended */
	int timeout_ms;
	const char *nonce; /* leftover scan: processes carrying it are the run's */
	pid_t exclude_pid; /* never a leftover (the canary process) */
	/* Called for each complete `end` or `sync N` line on stdout; nonzero stops the run. */
	int (*on_line)(struct sp_exec *x, const char *line);
	void *arg;
	bool stdin_tty; /* stdin is a new pty, the controlling terminal of the adapter's session */
	char *out;      /* caller's buffer of out_cap + 1 bytes */
	size_t out_cap;
	/* out */
	char path[4096]; /* argv[0], absolute */
	pid_t pid;
	int stdin_fd; /* our end of the adapter's stdin; closed when the run ends */
	size_t out_len;
	bool capped;
	char err[16384];
	size_t err_len;
	int wstatus;
	bool exited, timed_out;
	int exec_errno;
	char leftovers[1024];
	unsigned n_leftovers;
	char tty_path[64];  /* with stdin_tty: the pty's slave */
	char tty_out[4096]; /* with stdin_tty: what the master read (echoes included) */
	size_t tty_len;
	bool tty_released;
};

/* Run to the end (exit, timeout or cap), then kill what is left.  0, or -errno on setup. */
int sp_exec(struct sp_exec *x);
void sp_exec_release_stdin(struct sp_exec *x);
/* Mark one of our own processes (a canary) as never a leftover of any run, or unmark it. */
void sp_exec_protect(pid_t pid, bool on);
void sp_exec_send_line(struct sp_exec *x);

#endif
