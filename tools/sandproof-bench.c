/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sandproof-bench: whole-process start-up latency of several commands, interleaved.
 *
 *   sandproof-bench [-n RUNS] [-w WARMUP] [-r REF] [-f FLOOR] NAME=COMMAND...
 *
 * COMMAND is split on spaces.  A table goes to stderr (min, median, p90, max RSS, and the ratio of
 * each median to the medians of the commands named REF and FLOOR); JSON goes to stdout.
 *
 * Runs are interleaved round-robin (A B C A B C ...) after a warm-up round, so machine noise
 * (frequency scaling, a neighbour's load) spreads over every command alike instead of landing on
 * whichever ran during it.  Each run is fork + execve + wait4: wall time from just before fork
 * to wait4's return (CLOCK_MONOTONIC).  A run whose exit status is not 0 is counted as a failure
 * and reported; the statistics only use successful runs.
 *
 * Memory: with -m RSS_HELPER (sandproof-rss), after the timed rounds every command runs five
 * more times, untimed, through the helper, which reports ru_maxrss of the process and of the
 * children it reaped (the sandbox's launcher; not a payload its init reaps).  Without -m, the
 * timed runs' own ru_maxrss is used, and that is at least sandproof-bench's own resident set
 * (see sandproof-rss), reported as "maxrss_source": "fork".
 *
 * What a run leaves behind is waited for before the next run starts: sandproof-bench is a child
 * subreaper (PR_SET_CHILD_SUBREAPER), so a sandbox's init that is still exiting when its launcher
 * returns (tearing the sandbox's namespaces down) becomes our child and is reaped, outside every
 * timed window.  Otherwise that teardown runs during the next command's run and is counted
 * there.  "settle_ms" is the median time from a command's return to the last of its leftovers
 * gone.  A leftover still running 5 s after its command returned stops the settling for the
 * rest of the benchmark (reported on stderr and as "settled": false).  -S turns the settling off.
 * Work the kernel defers to its own threads (a network namespace's cleanup_net) still lands in
 * whatever runs next, for every sandbox alike.
 *
 * Output: one JSON object on stdout:
 *   {"runs": N, "warmup": W, "settled": true, "maxrss_source": "sandproof-rss", "commands":
 * [{"name", "argv", "ok", "failed", "median_ms", "p90_ms", "mean_ms", "min_ms", "max_ms",
 * "maxrss_kib", "settle_ms"}]}
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CMDS 16
#define MAX_ARGS 64
#define MAX_RUNS 100000

struct cmd {
	const char *name;
	char *argv[MAX_ARGS + 1];
	double *ms;
	double *settle_ms;
	int nsettle;
	int ok;
	int failed;
	int last_status;
	long maxrss_kib;
};

static double
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* One run: returns the wall time in ms, or a negative value when it could not be started. */
static double
run_once(struct cmd *c, int devnull)
{
	double t0 = now_ms();
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(devnull, STDIN_FILENO);
		dup2(devnull, STDOUT_FILENO);
		execvp(c->argv[0], c->argv);
		_exit(127);
	}
	int status;
	struct rusage ru;
	while (wait4(pid, &status, 0, &ru) < 0)
		if (errno != EINTR)
			return -1;
	double t = now_ms() - t0;
	c->last_status = status;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		c->failed++;
		return -1;
	}
	if (ru.ru_maxrss > c->maxrss_kib)
		c->maxrss_kib = ru.ru_maxrss;
	return t;
}

/* Max RSS of cmd run through helper (sandproof-rss), in KiB, or -1. */
static long
rss_once(const struct cmd *c, char *helper, int devnull)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		char *argv[MAX_ARGS + 2];
		argv[0] = helper;
		for (int k = 0; k <= MAX_ARGS; k++)
			argv[k + 1] = c->argv[k];
		dup2(devnull, STDIN_FILENO);
		dup2(devnull, STDOUT_FILENO);
		dup2(p[1], 3); /* dup2 clears close-on-exec on 3 */
		execv(helper, argv);
		_exit(127);
	}
	close(p[1]);
	char buf[32] = "";
	ssize_t n, len = 0;
	while ((n = read(p[0], buf + len, sizeof(buf) - 1 - (size_t)len)) > 0)
		len += n;
	close(p[0]);
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (len <= 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return -1;
	return atol(buf);
}

static volatile sig_atomic_t alarmed;

static void
on_alarm(int sig)
{
	(void)sig;
	alarmed = 1;
}

/* Reaps every leftover of the last run (see the top).  Returns the ms that took, or -1 when one
 * still ran after 5 s. */
static double
settle(void)
{
	double t0 = now_ms();
	alarmed = 0;
	alarm(5);
	for (;;) {
		if (waitpid(-1, NULL, 0) > 0)
			continue;
		if (errno == ECHILD)
			break;
		if (errno == EINTR && alarmed)
			return -1;
	}
	alarm(0);
	return now_ms() - t0;
}

static void
json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

static double
percentile(const double *v, int n, double p)
{
	if (n == 0)
		return 0;
	double pos = p * (n - 1);
	int lo = (int)pos;
	double frac = pos - lo;
	return lo + 1 < n ? v[lo] * (1 - frac) + v[lo + 1] * frac : v[lo];
}

static void
usage(void)
{
	fprintf(stderr,
		"usage: sandproof-bench [-S] [-m RSS_HELPER] [-n RUNS] [-w WARMUP] [-r REF] "
		"[-f FLOOR] NAME=COMMAND...\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	static struct cmd cmds[MAX_CMDS];
	int ncmds = 0, runs = 200, warmup = 10, opt;
	const char *ref = NULL, *floor_name = NULL;
	char *rss_helper = NULL;
	bool settling = true;

	while ((opt = getopt(argc, argv, "Sm:n:w:r:f:h")) != -1) {
		switch (opt) {
		case 'm':
			rss_helper = optarg;
			break;
		case 'S':
			settling = false;
			break;
		case 'r':
			ref = optarg;
			break;
		case 'f':
			floor_name = optarg;
			break;
		case 'n':
			runs = atoi(optarg);
			break;
		case 'w':
			warmup = atoi(optarg);
			break;
		default:
			usage();
		}
	}
	if (runs < 1 || runs > MAX_RUNS || warmup < 0 || optind >= argc)
		usage();
	for (int i = optind; i < argc; i++) {
		if (ncmds == MAX_CMDS) {
			fprintf(stderr, "sandproof-bench: at most %d commands\n", MAX_CMDS);
			return 2;
		}
		struct cmd *c = &cmds[ncmds++];
		char *eq = strchr(argv[i], '=');
		if (eq == NULL || eq == argv[i] || eq[1] == '\0') {
			fprintf(stderr, "sandproof-bench: '%s': expected NAME=COMMAND\n", argv[i]);
			return 2;
		}
		*eq = '\0';
		c->name = argv[i];
		int n = 0;
		for (char *save = NULL, *tok = strtok_r(eq + 1, " ", &save); tok != NULL;
		     tok = strtok_r(NULL, " ", &save)) {
			if (n == MAX_ARGS) {
				fprintf(stderr, "sandproof-bench: '%s': too many arguments\n",
					c->name);
				return 2;
			}
			c->argv[n++] = tok;
		}
		c->ms = calloc((size_t)runs, sizeof(double));
		c->settle_ms = calloc((size_t)runs, sizeof(double));
		if (c->ms == NULL || c->settle_ms == NULL)
			return 1;
	}

	if (rss_helper && access(rss_helper, X_OK) != 0) {
		fprintf(stderr, "sandproof-bench: -m %s: %s\n", rss_helper, strerror(errno));
		return 2;
	}
	int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull < 0) {
		perror("sandproof-bench: /dev/null");
		return 1;
	}
	if (settling) {
		struct sigaction sa = {.sa_handler = on_alarm}; /* no SA_RESTART: wakes waitpid */
		if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0 ||
		    sigaction(SIGALRM, &sa, NULL) < 0) {
			perror("sandproof-bench: PR_SET_CHILD_SUBREAPER");
			return 1;
		}
	}
	bool settled = settling;
	for (int w = 0; w < warmup; w++)
		for (int i = 0; i < ncmds; i++) {
			(void)run_once(&cmds[i], devnull);
			if (settled && settle() < 0)
				settled = false;
		}
	for (int i = 0; i < ncmds; i++) {
		cmds[i].failed = 0;
		cmds[i].maxrss_kib = 0;
	}
	for (int r = 0; r < runs; r++) {
		for (int i = 0; i < ncmds; i++) {
			struct cmd *c = &cmds[i];
			double t = run_once(c, devnull);
			if (t >= 0)
				c->ms[c->ok++] = t;
			if (settled) {
				double st = settle();
				if (st < 0) {
					fprintf(stderr,
						"sandproof-bench: %s left a process running 5 s "
						"after it returned; no more settling\n",
						c->name);
					settled = false;
				} else {
					c->settle_ms[c->nsettle++] = st;
				}
			}
		}
		if (isatty(STDERR_FILENO) && (r % 10 == 9 || r == runs - 1))
			fprintf(stderr, "\rsandproof-bench: %d/%d rounds", r + 1, runs);
	}
	if (isatty(STDERR_FILENO))
		fputc('\n', stderr);
	/* Memory, untimed, through the helper (see the top). */
	for (int i = 0; rss_helper && i < ncmds; i++) {
		struct cmd *c = &cmds[i];
		c->maxrss_kib = 0;
		for (int k = 0; k < 5; k++) {
			long kib = rss_once(c, rss_helper, devnull);
			if (settled && settle() < 0)
				settled = false;
			if (kib > c->maxrss_kib)
				c->maxrss_kib = kib;
		}
	}

	double median[MAX_CMDS], p90[MAX_CMDS], mean[MAX_CMDS], settle_med[MAX_CMDS];
	double ref_ms = 0, floor_ms = 0;
	for (int i = 0; i < ncmds; i++) {
		struct cmd *c = &cmds[i];
		qsort(c->ms, (size_t)c->ok, sizeof(double), cmp_double);
		double sum = 0;
		for (int k = 0; k < c->ok; k++)
			sum += c->ms[k];
		median[i] = percentile(c->ms, c->ok, 0.5);
		qsort(c->settle_ms, (size_t)c->nsettle, sizeof(double), cmp_double);
		settle_med[i] = percentile(c->settle_ms, c->nsettle, 0.5);
		p90[i] = percentile(c->ms, c->ok, 0.9);
		mean[i] = c->ok ? sum / c->ok : 0;
		if (ref != NULL && strcmp(c->name, ref) == 0)
			ref_ms = median[i];
		if (floor_name != NULL && strcmp(c->name, floor_name) == 0)
			floor_ms = median[i];
	}

	/* min: the run least disturbed by other load on the machine, a check on the median. */
	fprintf(stderr, "%-16s %9s %10s %10s %12s %10s %10s %6s %10s\n", "command", "min ms",
		"median ms", "p90 ms", "max RSS KiB", ref ? "x ref" : "",
		floor_name ? "x floor" : "", "failed", settled ? "settle ms" : "");
	for (int i = 0; i < ncmds; i++) {
		struct cmd *c = &cmds[i];
		char r1[16] = "", r2[16] = "";
		if (ref_ms > 0 && c->ok)
			snprintf(r1, sizeof r1, "%.2f", median[i] / ref_ms);
		if (floor_ms > 0 && c->ok)
			snprintf(r2, sizeof r2, "%.2f", median[i] / floor_ms);
		char st[16] = "";
		if (settled)
			snprintf(st, sizeof st, "%.3f", settle_med[i]);
		fprintf(stderr, "%-16s %9.3f %10.3f %10.3f %12ld %10s %10s %6d %10s\n", c->name,
			c->ok ? c->ms[0] : 0, median[i], p90[i], c->maxrss_kib, r1, r2, c->failed,
			st);
	}

	printf("{\"runs\": %d, \"warmup\": %d, \"settled\": %s, \"maxrss_source\": \"%s\", "
	       "\"reference\": ",
	       runs, warmup, settled ? "true" : "false", rss_helper ? "sandproof-rss" : "fork");
	json_string(ref ? ref : "");
	printf(", \"floor\": ");
	json_string(floor_name ? floor_name : "");
	printf(", \"commands\": [");
	for (int i = 0; i < ncmds; i++) {
		struct cmd *c = &cmds[i];
		printf("%s\n  {\"name\": ", i ? "," : "");
		json_string(c->name);
		printf(", \"argv\": [");
		for (int k = 0; c->argv[k]; k++) {
			if (k)
				printf(", ");
			json_string(c->argv[k]);
		}
		printf(
		    "], \"ok\": %d, \"failed\": %d, \"median_ms\": %.4f, \"p90_ms\": %.4f, "
		    "\"mean_ms\": %.4f, \"min_ms\": %.4f, \"max_ms\": %.4f, \"maxrss_kib\": %ld, "
		    "\"ratio_to_reference\": %.4f, \"ratio_to_floor\": %.4f, \"settle_ms\": %.4f}",
		    c->ok, c->failed, median[i], p90[i], mean[i], c->ok ? c->ms[0] : 0,
		    c->ok ? c->ms[c->ok - 1] : 0, c->maxrss_kib,
		    ref_ms > 0 ? median[i] / ref_ms : 0, floor_ms > 0 ? median[i] / floor_ms : 0,
		    settle_med[i]);
		if (c->failed)
			fprintf(stderr,
				"sandproof-bench: %s: %d of %d runs failed (last status %#x)\n",
				c->name, c->failed, runs, (unsigned)c->last_status);
		free(c->ms);
		free(c->settle_ms);
	}
	printf("\n]}\n");
	return 0;
}
