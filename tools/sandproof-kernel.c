/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sandproof-kernel: what this kernel and this user can do, as the suite's probes see it
 * (`sandproof kernel`).  The probes live in cases/harness/features.c, shared with the harness, so
 * the report and the suite's skips can never disagree.  Keys of the kv and json formats are
 * documented in docs/KERNEL.md.
 */
#include "features.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

static void
usage(FILE *out)
{
	fprintf(
	    out,
	    "usage: sandproof kernel [--format=table|kv|json]\n"
	    "\n"
	    "Report what this kernel and this user can do: namespace types (present, creatable\n"
	    "by this user, tried in a forked child), user.max_*_namespaces, userns sysctls, LSMs,\n"
	    "Yama, TIOCSTI, pivot_root, the new mount API, mount_setattr, idmapped mounts,\n"
	    "seccomp, Landlock, the cgroup layout, and the kernel's version and config.\n"
	    "\n"
	    "  --format=table   aligned text for people (default)\n"
	    "  --format=kv      key=value lines with stable keys\n"
	    "  --format=json    one JSON object with the same keys as kv\n"
	    "  -h, --help       this text\n");
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"format", required_argument, NULL, 'f'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	enum sp_report_format fmt = SP_REPORT_TABLE;
	int c, r;

	while ((c = getopt_long(argc, argv, "f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (strcmp(optarg, "table") == 0) {
				fmt = SP_REPORT_TABLE;
			} else if (strcmp(optarg, "kv") == 0) {
				fmt = SP_REPORT_KV;
			} else if (strcmp(optarg, "json") == 0) {
				fmt = SP_REPORT_JSON;
			} else {
				fprintf(stderr, "sandproof kernel: unknown format '%s'\n", optarg);
				usage(stderr);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "sandproof kernel: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	r = sp_kernel_report(stdout, fmt);
	if (r < 0) {
		fprintf(stderr, "sandproof kernel: writing the report: %s\n", strerror(-r));
		return 1;
	}
	return 0;
}
