/* SPDX-License-Identifier: BSD-2-Clause */
/* Capabilities, through libcap: everything dropped except the kept set. */
#include "internal.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

int
sbx_cap_from_name(const char *name)
{
	char buf[64];
	if (!name)
		return -EINVAL;
	const char *base = strncasecmp(name, "cap_", 4) == 0 ? name + 4 : name;
	/* cap_from_name() also takes numbers; a name must be a name. */
	if (!base[0] || isdigit((unsigned char)base[0]) || strlen(base) + 5 > sizeof(buf))
		return -EINVAL;
	int n = snprintf(buf, sizeof(buf), "cap_%s", base);
	for (int i = 4; i < n; i++)
		buf[i] = (char)tolower((unsigned char)buf[i]);
	cap_value_t v;
	if (cap_from_name(buf, &v) < 0)
		return -EINVAL;
	return v;
}

static void
cleanup_cap(cap_t *c)
{
	if (*c)
		cap_free(*c);
}

/*
 * Every set is dropped, because each one can bring capabilities back: the bounding set limits
 * what execve() grants (for uid 0 inside, execve gives the whole bounding set, capabilities(7)
 * "Capabilities and execution of programs by root"), the ambient set survives execve of
 * unprivileged programs, the inheritable set feeds file capabilities, and permitted/effective
 * are what the process holds now.  The bounding set goes first: dropping it needs CAP_SETPCAP,
 * which the later cap_set_proc() removes.
 */
int
sbx_caps_apply(const struct sbx_config *cfg, struct sbx_error *err)
{
	if (cfg->testing & SBX_TESTING_CAPS)
		return sbx_log(cfg, 0, "drop capabilities", "skipped (testing)");
	uint64_t keep = cfg->caps_keep;
	int last = (int)cap_max_bits();
	/*
	 * Without CAP_SETPCAP (an unprivileged caller outside a user namespace of its own) the
	 * bounding set cannot be changed; it can grant nothing either once no_new_privs is set,
	 * since execve then ignores set-user-ID bits and file capabilities (prctl(2)).
	 */
	cap_flag_value_t setpcap = CAP_CLEAR;
	cap_t cur __attribute__((cleanup(cleanup_cap))) = cap_get_proc();
	if (cur)
		cap_get_flag(cur, CAP_SETPCAP, CAP_EFFECTIVE, &setpcap);
	bool nnp = cfg->nnp && !(cfg->testing & SBX_TESTING_NNP);
	int bounding = (setpcap != CAP_SET && nnp && geteuid() != 0) ? 0 : last;
	for (int c = 0; c < bounding && c < 64; c++) {
		if (keep & (UINT64_C(1) << c))
			continue;
		if (cap_drop_bound((cap_value_t)c) < 0)
			return sbx_fail(err, errno, "drop capabilities", "bounding",
					"dropping capability %d", c);
	}
	/* One prctl instead of libcap's cap_reset_ambient(), which first asks about every
	 * capability.  EINVAL: a kernel before 4.3 has no ambient set to clear. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return sbx_fail(err, errno, "drop capabilities", "ambient", NULL);
	cap_t caps __attribute__((cleanup(cleanup_cap))) = cap_init();
	if (!caps)
		return sbx_fail(err, errno, "drop capabilities", "", NULL);
	for (int c = 0; c < last && c < 64; c++) {
		if (!(keep & (UINT64_C(1) << c)))
			continue;
		cap_value_t v = c;
		if (cap_set_flag(caps, CAP_PERMITTED, 1, &v, CAP_SET) < 0 ||
		    cap_set_flag(caps, CAP_EFFECTIVE, 1, &v, CAP_SET) < 0 ||
		    cap_set_flag(caps, CAP_INHERITABLE, 1, &v, CAP_SET) < 0)
			return sbx_fail(err, errno, "drop capabilities", "", NULL);
	}
	if (cap_set_proc(caps) < 0)
		return sbx_fail(err, errno, "drop capabilities", "permitted", "%s",
				keep ? "a kept capability is not held by the caller" : "");
	/* Kept capabilities also go to the ambient set, so an inside uid other than 0 keeps them
	 * across execve(). */
	for (int c = 0; c < last && c < 64; c++) {
		if (!(keep & (UINT64_C(1) << c)))
			continue;
		if (cap_set_ambient((cap_value_t)c, CAP_SET) < 0)
			return sbx_fail(err, errno, "drop capabilities", "ambient",
					"raising kept capability %d", c);
	}
	return sbx_log(cfg, 0, "drop capabilities", "keep %#llx", (unsigned long long)keep);
}
