/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The harness as property cases use it (ATF layer over sp_core.h).  A case reads:
 *
 *	SP_CASE(tmp_is_private_tmpfs, "tmp.private-tmpfs", NULL,
 *		"/tmp is a tmpfs of the sandbox's own; a file in the host's /tmp is invisible")
 *	{
 *		const struct sp_run *r = sp_probe(tc, SP_CANARY_TMP, "statfs:/tmp", "canary:tmp");
 *		SP_CHECK_KEY(r, "statfs:/tmp.type", "tmpfs");
 *		SP_CHECK_UNREACHED(r, SP_CANARY_TMP);
 *	}
 *
 * sp_probe() resolves the adapter (kyua variable test_suites.sandproof.adapter), skips the case
 * when the adapter does not claim the property's group (the part of X-property before the first
 * dot), runs the probe with the verbs given, and fails or skips on everything that is not a
 * report to judge.  docs/HARNESS.md has the whole API and how to add a case.
 */
#ifndef SP_H
#define SP_H

#include <atf-c.h>
#include <stdbool.h>

#include "features.h"
#include "sp_core.h"

#define SP_CASE_TIMEOUT 60 /* seconds; a run is cut at SP_RUN_TIMEOUT_MS, describe at 10 s */

/* Head of every property case: descr, X-property, X-cve (when not NULL), timeout. */
void sp_case_head(atf_tc_t *tc, const char *property, const char *cve, const char *descr);

#define SP_CASE(name, property, cve, descr)                                                        \
	ATF_TC(name);                                                                              \
	ATF_TC_HEAD(name, tc)                                                                      \
	{                                                                                          \
		sp_case_head(tc, property, cve, descr);                                            \
	}                                                                                          \
	ATF_TC_BODY(name, tc)

/* ---- preconditions ------------------------------------------------------------------------ */

/* Skip with `CODE: WHY` unless the kernel and user have F; with must_work=true, fail instead. */
void sp_require_feature(const atf_tc_t *tc, enum sp_feature f);
/* An environment skip: skipped with `CODE: WHY`, or failed when must_work=true. */
void sp_skip_environment(const atf_tc_t *tc, const char *code, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 3, 4)));

/* ---- the one harness call ----------------------------------------------------------------- */

/* Run the probe through the configured adapter; returns only with a report to judge. */
const struct sp_run *sp_probe_opts(const atf_tc_t *tc, const struct sp_opts *o);
#define sp_probe(tc, canaries_, ...)                                                               \
	sp_probe_opts((tc),                                                                        \
		      &(const struct sp_opts){.canaries = (canaries_), .verbs = {__VA_ARGS__}})

/*
 * The join group: run the probe with O's verbs, and while it holds run them again through
 * `ADAPTER join`, in the same sandbox.  Returns the first run; *JOINED gets the second.  Fails the
 * case when the adapter cannot join.
 */
const struct sp_run *sp_probe_join(const atf_tc_t *tc, const struct sp_opts *o,
				   const struct sp_run **joined);

/* The configuration sp_probe uses (adapter, probe, run directory), for cases that go further. */
void sp_config_from_tc(const atf_tc_t *tc, struct sp_config *c);
/* The adapter's description (cached per test process). */
const struct sp_description *sp_adapter(const atf_tc_t *tc);

/* ---- checks (each names what it saw when it fails) ----------------------------------------- */

/* The probe reported KEY=WANT. */
#define SP_CHECK_KEY(r, key, want)                                                                 \
	do {                                                                                       \
		char b_[512];                                                                      \
		ATF_CHECK_MSG(sp_is((r), (key), (want)), "%s is '%s', want '%s'", (key),           \
			      sp_show((r), (key), b_, sizeof b_), (want));                         \
	} while (0)

/* The probe reported KEY, with a value other than BAD. */
#define SP_CHECK_KEY_NOT(r, key, bad)                                                              \
	do {                                                                                       \
		char b_[512];                                                                      \
		ATF_CHECK_MSG(sp_get((r), (key)) != NULL && !sp_is((r), (key), (bad)),             \
			      "%s is '%s'", (key), sp_show((r), (key), b_, sizeof b_));            \
	} while (0)

/* Seen from outside (/proc/PID/ns/TYPE), the probe's namespace TYPE is not the host's. */
bool sp_ns_private(const struct sp_run *r, enum sp_ns ns, char *msg, size_t size);
#define SP_CHECK_NS_PRIVATE(r, ns)                                                                 \
	do {                                                                                       \
		char m_[512];                                                                      \
		ATF_CHECK_MSG(sp_ns_private((r), (ns), m_, sizeof m_), "%s", m_);                  \
	} while (0)

/* The canary stayed out of reach: the probe's canary:KIND.reached=0 and nothing touched it. */
bool sp_canary_unreached(const struct sp_run *r, unsigned kind_bit, char *msg, size_t size);
#define SP_CHECK_UNREACHED(r, kind)                                                                \
	do {                                                                                       \
		char m_[512];                                                                      \
		ATF_CHECK_MSG(sp_canary_unreached((r), (kind), m_, sizeof m_), "%s", m_);          \
	} while (0)

/* The outside view was taken (the probe was found alive on the host); fails the case if not. */
void sp_require_outside(const struct sp_run *r);

/*
 * When fixtures/expect/ADAPTER.conf (or test_suites.sandproof.expect) lists this case's property
 * for MODE, mark it an expected failure with the listed reason (expect.c).  sp_probe calls it.
 */
void sp_apply_expectations(const atf_tc_t *tc, const char *adapter, const char *mode);

#endif
