/* SPDX-License-Identifier: BSD-2-Clause */
/* The ATF layer: kyua configuration, claims, skips and failures around the harness core. */
#include "sp.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void
sp_case_head(atf_tc_t *tc, const char *property, const char *cve, const char *descr)
{
	atf_tc_set_md_var(tc, "descr", "%s", descr);
	atf_tc_set_md_var(tc, "X-property", "%s", property);
	if (cve != NULL)
		atf_tc_set_md_var(tc, "X-cve", "%s", cve);
	atf_tc_set_md_var(tc, "timeout", "%d", SP_CASE_TIMEOUT);
}

static bool
must_work(const atf_tc_t *tc)
{
	return atf_tc_get_config_var_as_bool_wd(tc, "must_work", false);
}

void
sp_skip_environment(const atf_tc_t *tc, const char *code, const char *fmt, ...)
{
	char why[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	if (must_work(tc))
		atf_tc_fail("%s: %s (must_work=true)", code, why);
	/* An expectation (fixtures/expect) may be active; atf refuses to skip in expect-fail mode,
	 * and an environment that stops the case says nothing about the known gap. */
	atf_tc_expect_pass();
	atf_tc_skip("%s: %s", code, why);
}

void
sp_require_feature(const atf_tc_t *tc, enum sp_feature f)
{
	struct sp_feature_status st;
	if (sp_feature_check(f, &st) != 0 && !st.code[0])
		atf_tc_fail("cannot probe for %s", sp_feature_name(f));
	if (st.available)
		return;
	/* Root or not is the run's mode, chosen on purpose (make check runs both), not a fault of
	 * the environment: must_work leaves such a skip alone. */
	if (f == SP_FEAT_ROOT || f == SP_FEAT_UNPRIVILEGED)
		atf_tc_skip("not applicable in this mode: %s: %s", st.code, st.why);
	sp_skip_environment(tc, st.code[0] ? st.code : sp_feature_name(f), "%s", st.why);
}

void
sp_config_from_tc(const atf_tc_t *tc, struct sp_config *c)
{
	const char *srcdir = atf_tc_get_config_var_wd(tc, "srcdir", ".");
	const char *adapter = atf_tc_get_config_var_wd(tc, "adapter", "ref");
	memset(c, 0, sizeof *c);
	snprintf(c->adapter_label, sizeof c->adapter_label, "%s", adapter);
	if (strchr(adapter, '/') != NULL)
		snprintf(c->adapter, sizeof c->adapter, "%s", adapter);
	else
		snprintf(c->adapter, sizeof c->adapter, "%.2000s/../../fixtures/adapters/%.500s",
			 srcdir, adapter);
	snprintf(c->probe, sizeof c->probe, "%.2000s/../probe/sp-probe", srcdir);
	snprintf(c->rundir_base, sizeof c->rundir_base, "%s",
		 atf_tc_get_config_var_wd(tc, "rundir", "/var/tmp"));
}

const struct sp_description *
sp_adapter(const atf_tc_t *tc)
{
	static struct sp_description d;
	static bool have;
	struct sp_config c;
	char err[1024];
	if (have)
		return &d;
	sp_config_from_tc(tc, &c);
	if (access(c.adapter, X_OK) != 0)
		atf_tc_fail("adapter '%s': '%s' is not an executable file: %s", c.adapter_label,
			    c.adapter, strerror(errno));
	if (sp_describe(&c, &d, err, sizeof err) != 0)
		atf_tc_fail("%s", err);
	have = true;
	return &d;
}

/* The group of a case is its property id up to the first dot ("tmp" for "tmp.private-tmpfs"). */
static void
require_claimed(const atf_tc_t *tc, const struct sp_description *d)
{
	if (!atf_tc_has_md_var(tc, "X-property"))
		atf_tc_fail("harness: the case has no X-property (declare it with SP_CASE)");
	const char *prop = atf_tc_get_md_var(tc, "X-property");
	char group[64];
	snprintf(group, sizeof group, "%.*s", (int)strcspn(prop, "."), prop);
	if (!sp_word_in(d->claims, group))
		atf_tc_skip("unclaimed by %s", d->name);
	const char *mode = geteuid() == 0 ? "root" : "user";
	if (d->modes[0] && !sp_word_in(d->modes, mode))
		atf_tc_skip("unsupported mode: %s does not run as %s (modes=%s)", d->name, mode,
			    d->modes);
	if (strcmp(d->installed, "no") == 0)
		sp_skip_environment(tc, "adapter-not-installed", "%s's sandbox is not installed",
				    d->name);
	sp_apply_expectations(tc, d->name, mode);
}

/*
 * The file canary lives in the run directory, next to the probe directory: a base under a path
 * the adapter exposes on purpose would make it reachable by design, not by a flaw.  Say so
 * instead of failing the canary cases.
 */
static void
require_rundir_hidden(const struct sp_description *d, const struct sp_config *c)
{
	for (const char *p = d->exposes; *p;) {
		p += strspn(p, " \t");
		size_t n = strcspn(p, " \t");
		/* "/" says the host's tree stays the root (hidden in parts): the cases judge it */
		if (n > 1 && strncmp(c->rundir_base, p, n) == 0 &&
		    (c->rundir_base[n] == '/' || c->rundir_base[n] == '\0'))
			atf_tc_fail("adapter %s exposes '%.*s', which holds the run directory base "
				    "'%s': set test_suites.sandproof.rundir elsewhere",
				    d->name, (int)n, p, c->rundir_base);
		p += n;
	}
}

/* The report and the outside view go to the case's stdout, which kyua keeps with the result. */
static void
log_run(const struct sp_run *r)
{
	printf("sandproof run %s: adapter exit %d\n", r->nonce, r->probe_exit);
	for (size_t i = 0; i < r->n_kv; i++)
		printf("  %s=%s\n", r->kv[i].key, r->kv[i].value);
	if (r->outside.seen) {
		printf("outside: host pid %d, root %s, cwd %s\n", (int)r->outside.pid,
		       r->outside.root_id, r->outside.cwd);
		for (int i = 0; i < SP_NS__COUNT; i++)
			printf("  ns.%s=%lu (host %lu)\n", sp_ns_name((enum sp_ns)i),
			       r->outside.ns[i], r->host.ns[i]);
		printf("  uid_map=%s gid_map=%s setgroups=%s\n", r->outside.uid_map,
		       r->outside.gid_map, r->outside.setgroups);
	} else {
		printf("outside: not seen: %s\n", r->outside.why_not);
	}
	if (r->err_len)
		printf("adapter stderr:\n%s\n", r->err);
	fflush(stdout);
}

const struct sp_run *
sp_probe_opts(const atf_tc_t *tc, const struct sp_opts *o)
{
	const struct sp_description *d = sp_adapter(tc);
	require_claimed(tc, d);
	struct sp_config c;
	sp_config_from_tc(tc, &c);
	require_rundir_hidden(d, &c);
	struct sp_run *r = calloc(1, sizeof *r);
	ATF_REQUIRE(r != NULL);
	if (sp_run(&c, o, r) != 0) {
		/* Canaries the environment cannot give are environment skips: "CODE: WHY". */
		for (int i = 0; i < SP_CANARY__COUNT; i++)
			if (r->canary.st[i].why_not[0]) {
				const char *w = r->canary.st[i].why_not;
				int n = (int)strcspn(w, ":");
				char code[64];
				snprintf(code, sizeof code, "%.*s", n, w);
				sp_skip_environment(tc, code, "%s", w[n] ? w + n + 2 : w);
			}
		atf_tc_fail("harness: %s", r->reason);
	}
	log_run(r);
	if (r->verdict == SP_VERDICT_SETUP_FAILED) {
		struct sp_feature_status st;
		if (sp_environment_forbids_sandbox(&st))
			sp_skip_environment(tc, st.code, "%s", st.why);
		atf_tc_fail("%s: %s", d->name, r->reason);
	}
	if (r->verdict == SP_VERDICT_BROKEN)
		atf_tc_fail("%s: %s", d->name, r->reason);
	return r;
}

/* sp_probe_join: at the first run's end, while its probe holds, the same verbs once more through
 * `ADAPTER join`. */
struct join_ctx {
	struct sp_config c;
	struct sp_opts o;
	struct sp_run *joined;
	int rc;
	bool done;
};

static int
join_hook(struct sp_run *r, unsigned n, void *arg)
{
	struct join_ctx *j = arg;
	if (n != 0 || j->done)
		return 0;
	j->done = true;
	j->o.join = r;
	j->rc = sp_run(&j->c, &j->o, j->joined);
	return 0;
}

const struct sp_run *
sp_probe_join(const atf_tc_t *tc, const struct sp_opts *o, const struct sp_run **joined)
{
	struct join_ctx *j = calloc(1, sizeof *j);
	ATF_REQUIRE(j != NULL && (j->joined = calloc(1, sizeof *j->joined)) != NULL);
	sp_config_from_tc(tc, &j->c);
	j->o = *o;
	struct sp_opts first = *o;
	first.hook = join_hook;
	first.hook_arg = j;
	const struct sp_run *r = sp_probe_opts(tc, &first);
	const char *name = sp_adapter(tc)->name;
	if (!j->done)
		atf_tc_fail("%s: the first probe never held, so nothing could join it", name);
	if (j->rc != 0)
		atf_tc_fail("harness: join: %s", j->joined->reason);
	printf("joined:\n");
	log_run(j->joined);
	if (j->joined->verdict == SP_VERDICT_SETUP_FAILED)
		atf_tc_fail("%s join: could not join the sandbox: %s", name, j->joined->reason);
	if (j->joined->verdict == SP_VERDICT_BROKEN)
		atf_tc_fail("%s join: %s", name, j->joined->reason);
	*joined = j->joined;
	return r;
}

bool
sp_ns_private(const struct sp_run *r, enum sp_ns ns, char *msg, size_t size)
{
	const char *name = sp_ns_name(ns);
	if (!r->outside.seen) {
		snprintf(msg, size, "no outside view of the probe: %s", r->outside.why_not);
		return false;
	}
	if (r->outside.ns[ns] == 0 || r->host.ns[ns] == 0) {
		snprintf(msg, size, "%s namespace unreadable (outside %lu, host %lu)", name,
			 r->outside.ns[ns], r->host.ns[ns]);
		return false;
	}
	if (r->outside.ns[ns] == r->host.ns[ns]) {
		snprintf(msg, size,
			 "the probe is in the host's %s namespace (/proc/%d/ns/%s inode %lu)", name,
			 (int)r->outside.pid, name, r->outside.ns[ns]);
		return false;
	}
	return true;
}

bool
sp_canary_unreached(const struct sp_run *r, unsigned kind_bit, char *msg, size_t size)
{
	const char *kind = sp_canary_name(kind_bit);
	const struct sp_canary_state *s = sp_canary_state(r, kind_bit);
	char key[64], how[64], b[512];
	snprintf(key, sizeof key, "canary:%s.reached", kind);
	snprintf(how, sizeof how, "canary:%s.how", kind);
	if (!s->planted) {
		snprintf(msg, size, "the %s canary was not planted (the case must ask for it)",
			 kind);
		return false;
	}
	if (s->touched) {
		snprintf(msg, size, "the %s canary was touched: %s", kind, s->detail);
		return false;
	}
	const char *reached = sp_get(r, key);
	if (reached == NULL) {
		snprintf(msg, size, "the probe did not report %s: %s", key,
			 sp_show(r, key, b, sizeof b));
		return false;
	}
	if (strcmp(reached, "0") != 0) {
		snprintf(msg, size, "the probe reached the host's %s canary (%s)", kind,
			 sp_show(r, how, b, sizeof b));
		return false;
	}
	return true;
}

void
sp_require_outside(const struct sp_run *r)
{
	if (!r->outside.seen)
		atf_tc_fail("no outside view of the live probe: %s", r->outside.why_not);
}
