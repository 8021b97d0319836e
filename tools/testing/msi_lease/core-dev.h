/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What bench.c and sim.c share: a function's vectors changing the way
 * the PCI hooks see it, and sorting timings.
 */
#ifndef _ML_CORE_DEV_H
#define _ML_CORE_DEV_H

#include <stdlib.h>

#include "shim.h"
#include "pool.h"

/*
 * Allocate (@n > 0) or free (@n < 0) vectors of @c, which has *@real
 * allocated, through admission and settling as the PCI hooks do.
 */
static inline void ml_dev_change(struct msi_lease_client *c,
				 unsigned int *real, int n)
{
	unsigned int before = *real, reserved = 0;

	if (n > 0 && msi_lease_client_admit(c, *real, n, n, &reserved) != n)
		ml_fail("%d vectors not admitted", n);
	*real += n;
	msi_lease_client_settle(c, MSI_LEASE_MODE_MSIX, before, *real,
				reserved);
}

static inline int ml_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

#endif
