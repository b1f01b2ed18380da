/* SPDX-License-Identifier: BSD-2-Clause */
/* Internal to the harness: host and outside views (view.c), canaries (canary.c). */
#ifndef SP_VIEW_H
#define SP_VIEW_H

#include "sp_core.h"

void sp_host_view(struct sp_host *h);
pid_t sp_find_probe(const char *nonce, long inner_pid);
void sp_outside_view(struct sp_outside *o, const char *nonce, long inner_pid);

/* Plant the canaries in KINDS; each one's state says whether it was planted.  The probe's
 * options (canary.KIND=...) are appended to ARGS (count in *n, capacity max). */
void sp_canaries_plant(struct sp_run *r, unsigned kinds);
int sp_canaries_args(const struct sp_run *r, char args[][512], int max);
/* After the run: what each planted canary went through, then remove it. */
void sp_canaries_check_and_remove(struct sp_run *r);

#endif
