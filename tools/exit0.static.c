/* SPDX-License-Identifier: BSD-2-Clause */
/* The benchmark's payload: a static program that exits at once, so start-up cost is all that is
 * measured (no dynamic loader, no libc initialisation beyond the minimum). */
int main(void);

int
main(void)
{
	return 0;
}
