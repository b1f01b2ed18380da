/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Expectations: the known, accepted gaps of a real sandbox in its strictest configuration
 * (fixtures/expect/ADAPTER.conf).  A listed property is run with atf_tc_expect_fail, so it shows
 * as an expected failure and CI gates on regressions; a listed property that passes comes out of
 * ATF as "expecting a failure but none were raised", which `sandproof run` reports as XPASS, so
 * the lists stay true.
 *
 * One entry per line, fields separated by blanks, `#` starts a comment:
 *   PROPERTY  MODE  REASON...  LINK
 * MODE is `root`, `user` or `-` (both); LINK, the last field, is the upstream issue or
 * documentation (http:// or https://).
 */
#include "sp.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* The expectation file of an adapter: test_suites.sandproof.expect, or the shipped one. */
static void
expect_path(const atf_tc_t *tc, const char *adapter, char *path, size_t size)
{
	const char *given = atf_tc_get_config_var_wd(tc, "expect", "");
	if (given[0] != '\0')
		snprintf(path, size, "%s", given);
	else
		snprintf(path, size, "%.2000s/../../fixtures/expect/%.200s.conf",
			 atf_tc_get_config_var_wd(tc, "srcdir", "."), adapter);
}

void
sp_apply_expectations(const atf_tc_t *tc, const char *adapter, const char *mode)
{
	char path[4096], line[2048];
	expect_path(tc, adapter, path, sizeof path);
	FILE *f = fopen(path, "re");
	if (f == NULL) {
		if (errno != ENOENT) /* ENOENT: no known gaps */
			atf_tc_fail("expectations '%s': %s", path, strerror(errno));
		return;
	}
	const char *prop = atf_tc_get_md_var(tc, "X-property");
	unsigned lineno = 0;
	while (fgets(line, sizeof line, f) != NULL) {
		lineno++;
		line[strcspn(line, "#\n")] = '\0';
		char *save = NULL;
		char *p = strtok_r(line, " \t", &save);
		if (p == NULL)
			continue;
		char *m = strtok_r(NULL, " \t", &save);
		char *rest = strtok_r(NULL, "", &save);
		if (m == NULL || rest == NULL ||
		    (strcmp(m, "root") != 0 && strcmp(m, "user") != 0 && strcmp(m, "-") != 0)) {
			fclose(f);
			atf_tc_fail(
			    "expectations '%s' line %u: want PROPERTY MODE REASON LINK, MODE "
			    "one of root, user, -",
			    path, lineno);
		}
		rest += strspn(rest, " \t");
		char *link = strrchr(rest, ' ');
		link = link ? link + 1 : rest;
		if (strncmp(link, "http://", 7) != 0 && strncmp(link, "https://", 8) != 0) {
			fclose(f);
			atf_tc_fail("expectations '%s' line %u: the last field must be an upstream "
				    "link (http:// or https://)",
				    path, lineno);
		}
		if (strcmp(p, prop) == 0 && (strcmp(m, "-") == 0 || strcmp(m, mode) == 0)) {
			fclose(f);
			atf_tc_expect_fail(
			    "known gap of %s (%s): %s", adapter,
			    path + (strrchr(path, '/') ? strrchr(path, '/') - path + 1 : 0), rest);
			return;
		}
	}
	fclose(f);
}
